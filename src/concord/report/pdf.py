"""The report as PDF: headless Chromium prints the self-contained HTML file.

The report's print stylesheet decides the page (A4 landscape, 12 mm margins), so the PDF is
what a reader gets from the browser's own "Print to PDF", without headers or footers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from concord.errors import ConcordError

CHROMIUM_ENV = "CONCORD_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The whole report (about 100 A4 pages) prints in ~10 s on two cores; a hung browser
# must not hang the command.
PRINT_TIMEOUT_S = 300


def find_chromium() -> Path:
    """The Chromium to print with: `CONCORD_CHROMIUM` if set, else the first of
    `CHROMIUM_NAMES` on PATH; ConcordError in one line when there is none."""
    wanted = os.environ.get(CHROMIUM_ENV)
    if wanted:
        if not Path(wanted).is_file():
            raise ConcordError(f"{CHROMIUM_ENV}={wanted}: no such file (a Chromium binary)")
        return Path(wanted)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    raise ConcordError(
        "--pdf needs Chromium: install it (Debian: apt-get install chromium) "
        f"or set {CHROMIUM_ENV} to its path"
    )


def print_pdf(html: Path, pdf: Path, chromium: Path | None = None) -> Path:
    """Print the HTML file `html` to `pdf` with headless Chromium; returns `pdf`."""
    browser = chromium or find_chromium()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="concord-chromium-") as profile:
        command = [
            str(browser), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf.resolve()}",
            html.resolve().as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=PRINT_TIMEOUT_S, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise ConcordError(f"{browser}: no PDF after {PRINT_TIMEOUT_S} s") from None
        except OSError as exc:
            raise ConcordError(f"{browser}: cannot run it ({exc.strerror})") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConcordError(f"{browser} printed no PDF to {pdf}: {last}")
    return pdf

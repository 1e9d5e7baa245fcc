"""A resolution that never finished is a state the store knows, not an absence: answers that
read targets refuse until it is finished, and the next `concord ingest` finishes it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from concord.cli.main import cli
from concord.store import Store
from tests.conftest import MIRROR

SNAPSHOT = ("un-sc", "2025-04-19", "consolidated.xml")

# Run in a child process: ingest one real snapshot, and be killed (SIGKILL, as `kill -9`)
# at the worst moment of the resolution that follows, when it is about to write its result.
KILLED_DURING_RESOLVE = """
import os, signal, sys
from datetime import date
from pathlib import Path
import concord.resolve.run as run
from concord.cli.main import cli

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

run._save = killed
source, day, path = sys.argv[2:5]
cli(["--database", sys.argv[1], "ingest", "--source", source, "--date", day, path])
"""


def _cli(db: str, *args: str) -> tuple[int, str, str]:
    out = CliRunner().invoke(cli, ["--database", db, *args])
    return out.exit_code, out.stdout, out.stderr


def test_a_resolution_killed_before_it_wrote_is_finished_by_the_next_ingest(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    source, day, name = SNAPSHOT
    child = subprocess.run(
        [sys.executable, "-c", KILLED_DURING_RESOLVE, db, source, day,
         str(MIRROR / source / day / name)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Store(db).read() as conn:
        assert Store.unresolved(conn) == 1  # the snapshot landed; no resolution finished

    # Every answer that reads targets refuses, with one line saying what to do.
    for args in (["screen", "Ramzan Kadyrov"], ["gaps", "--designated-by", "UN",
                                                 "--missing", "UK"], ["target", "UN"]):  # fmt: skip
        code, stdout, stderr = _cli(db, *args)
        assert code == 6, (args, stdout, stderr)
        assert stderr.strip().endswith("run `concord resolve`"), stderr
        assert len(stderr.strip().splitlines()) == 1

    # The re-run of the same ingest adds nothing, sees the pending state and resolves.
    code, stdout, stderr = _cli(db, "ingest", "--source", source, "--date", day,
                                str(MIRROR / source / day / name))  # fmt: skip
    assert code == 0, stderr
    assert "never resolved: resolving now" in stderr
    assert "resolved (full)" in stdout
    with Store(db).read() as conn:
        assert Store.unresolved(conn) == 0
    code, stdout, _ = _cli(db, "screen", "Kim Jong Un", "--format", "json")
    assert code == 0 and "un-sc:" in stdout


def test_an_ingest_told_not_to_resolve_leaves_the_store_pending(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pending.sqlite'}"
    source, day, name = SNAPSHOT
    path = str(MIRROR / source / day / name)
    code, _, stderr = _cli(db, "ingest", "--source", source, "--date", day, "--no-resolve", path)
    assert code == 0, stderr
    code, _, stderr = _cli(db, "screen", "Kim Jong Un")
    assert code == 6 and "has 1 snapshot that was never resolved" in stderr
    code, stdout, _ = _cli(db, "resolve")
    assert code == 0
    code, stdout, _ = _cli(db, "screen", "Kim Jong Un", "--format", "json")
    assert code == 0 and "un-sc:" in stdout


def test_an_empty_store_has_nothing_pending(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with store.read() as conn:
        assert Store.unresolved(conn) == 0
    store.require_resolved()  # nothing to refuse

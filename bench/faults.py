"""Fault benchmark: `kill -9` a `concord ingest` of three real snapshots at spread moments
(while parsing, writing, resolving), re-run it once, and check the store: complete (the
three snapshots), resolved (no snapshot left unresolved, targets present), screening
answers, and no Concord process left behind.

Run: `.venv/bin/python bench/faults.py [RUNS]` (default 20; reads CONCORD_MIRROR, default
../shared/data/raw). Prints one line per run and `N/RUNS clean`. Goal: 20/20.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

MIRROR = Path(os.environ.get("CONCORD_MIRROR", "../shared/data/raw")).resolve()
SNAPSHOTS = ("us-ofac/2021-01-14", "gb-ofsi/2025-04-14", "ca-sema/2025-10-13")
CONCORD = [str(Path(sys.executable).parent / "concord")]


def _mirror(root: Path) -> Path:
    """A mirror of symlinks to three real snapshot folders (nothing copied)."""
    out = root / "mirror"
    for name in SNAPSHOTS:
        folder = MIRROR / name
        target = out / name
        target.mkdir(parents=True)
        for path in folder.iterdir():
            (target / path.name).symlink_to(path)
    return out


def _ingest(db: str, mirror: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*CONCORD, "--database", db, "ingest", str(mirror)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip


def _leftovers(db: str) -> list[int]:
    """Processes still running whose command line names this store."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if db in cmdline:
            found.append(int(proc.name))
    return found


def _check(db: str) -> tuple[bool, str]:
    from concord.store import Store

    store = Store(db)
    with store.read() as conn:
        snaps = conn.execute(sa.text("select count(*) from snapshots where status='ok'")).scalar()
        pending = Store.unresolved(conn)
        targets = conn.execute(
            sa.text("select count(distinct target_id) from target_members")
        ).scalar()
    store.dispose()
    screen = subprocess.run([*CONCORD, "--database", db, "screen", "Ramzan Kadyrov",
                             "--format", "json"], capture_output=True, text=True)  # fmt: skip
    hits = json.loads(screen.stdout) if screen.returncode == 0 and screen.stdout else []
    ok = snaps == len(SNAPSHOTS) and pending == 0 and bool(targets) and bool(hits)
    return ok, f"snapshots {snaps}, unresolved {pending}, targets {targets}, hits {len(hits)}"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mirror = _mirror(root)
        # One undisturbed run gives the length of a whole ingest, to spread the kills over.
        db = f"sqlite:///{root / 'whole.sqlite'}"
        started = time.perf_counter()
        _ingest(db, mirror).wait()
        whole = time.perf_counter() - started
        print(f"undisturbed ingest + resolve: {whole:.1f} s")
        clean = 0
        for run in range(runs):
            db = f"sqlite:///{root / f'run{run}.sqlite'}"
            moment = whole * (run + 0.5) / runs
            child = _ingest(db, mirror)
            time.sleep(moment)
            os.kill(child.pid, signal.SIGKILL)  # the parent only, as `kill -9 PID`
            child.wait()
            time.sleep(0.5)
            orphans = _leftovers(db)
            again = _ingest(db, mirror)
            _, err = again.communicate()
            ok, state = _check(db)
            after = _leftovers(db)
            ok = ok and again.returncode == 0 and not orphans and not after
            clean += ok
            print(f"run {run + 1:2d}: killed at {moment:5.1f} s; re-run exit "
                  f"{again.returncode}; {state}; orphans after kill {len(orphans)}, after "
                  f"re-run {len(after)}: {'clean' if ok else 'NOT CLEAN'}")  # fmt: skip
            for pid in orphans + after:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if not ok and err:
                print("   ", err.decode(errors="replace").strip().splitlines()[-1])
        print(f"{clean}/{runs} clean")


if __name__ == "__main__":
    main()

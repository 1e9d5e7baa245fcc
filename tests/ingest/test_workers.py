"""Ingest workers die with their parent, even when it is killed with SIGKILL.

A real `concord ingest` runs in a subprocess over a small mirror of real snapshots (links
to the shared mirror's folders, nothing copied); once its workers are busy, the parent is
killed with -9, and no worker may remain (issue 16: 1-2 workers of 190-290 MB outlived
11 of 20 such kills, holding the database and the parent's stdout).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from concord.model.processes import die_with_parent
from tests.conftest import MIRROR

SNAPSHOTS = {
    "us-ofac": ["2021-01-14", "2021-04-25", "2021-07-07", "2021-08-18", "2021-08-20"],
    "gb-ofsi": ["2022-05-04", "2023-06-05", "2025-04-10"],
}


def _small_mirror(root: Path) -> Path:
    for source, days in SNAPSHOTS.items():
        (root / source).mkdir(parents=True)
        for day in days:
            (root / source / day).symlink_to(MIRROR / source / day, target_is_directory=True)
    return root


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (zombies count as gone)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait(condition: object, limit: float = 60.0) -> None:
    # A bounded wait for a state, not a timing assertion: the test fails only on the state.
    end = time.monotonic() + limit
    while time.monotonic() < end and not condition():  # type: ignore[operator]
        time.sleep(0.05)


def _cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _survivors_of_a_kill(
    parent: subprocess.Popen[bytes], what: str, limit: float, busy_ticks: int | None = None
) -> set[int]:
    """Kill `parent` with SIGKILL once it has two or more workers (each past `busy_ticks`
    of CPU time, when given); the workers still alive up to `limit` s later. None is left
    behind either way."""
    workers: set[int] = set()
    try:
        _wait(lambda: len(_children(parent.pid)) >= 2 or parent.poll() is not None)
        workers = _children(parent.pid)
        assert len(workers) >= 2, f"{what} finished or failed before its workers started"
        if busy_ticks is not None:
            _wait(lambda: all(_cpu_ticks(pid) > busy_ticks for pid in workers)
                  or parent.poll() is not None)  # fmt: skip
            assert parent.poll() is None, f"{what} finished before it could be killed"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        _wait(lambda: not _alive(workers), limit=limit)
        return _alive(workers)
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in _alive(workers):  # never leave a process behind, even on failure
            os.kill(pid, signal.SIGKILL)


def test_workers_die_when_the_ingest_is_killed(tmp_path: Path) -> None:
    mirror = _small_mirror(tmp_path / "mirror")
    env = {**os.environ, "CONCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"}
    concord = Path(sys.executable).parent / "concord"
    parent = subprocess.Popen(
        [str(concord), "ingest", str(mirror), "--no-resolve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert _survivors_of_a_kill(parent, "the ingest", limit=30.0) == set()


def test_a_worker_whose_parent_is_gone_exits_at_once() -> None:
    # The race prctl cannot see: the parent died before the worker asked to follow it.
    child = os.fork()
    if child == 0:
        die_with_parent(parent=-1)  # not our parent: exit(1) at once
        os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 1


# Run in a child process: the resolver's scoring pool on hand-made profiles (generated
# names; only the process tree matters here), scoring long enough to be killed mid-way.
SCORING = """
from concord.resolve.cluster import score_pairs
from concord.resolve.profiles import Profile, finish

names = lambda i: [f"Ivan Petrov{i % 97} Name{i} Alias{k}" for k in range(60)]
profiles = [finish(Profile(f"x:{i}", "x", f"x-{i}", "Person", names(i)[0], names=names(i)))
            for i in range(3000)]
pairs = [(i, j) for i in range(3000) for j in range(i + 1, min(i + 400, 3000))]
score_pairs(profiles, pairs, workers=2)  # each worker's first chunk takes minutes
"""


def test_resolution_scoring_workers_die_with_the_run() -> None:
    parent = subprocess.Popen([sys.executable, "-c", SCORING], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    # Killed once each worker is busy scoring (an idle pool worker exits on its own when
    # the task pipe closes; a busy one that does not follow its parent lives on until its
    # chunk is done).
    assert _survivors_of_a_kill(parent, "the scoring", limit=15.0, busy_ticks=50) == set()

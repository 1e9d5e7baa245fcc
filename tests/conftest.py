"""Fixture policy.

- The official list files in the mirror (env CONCORD_MIRROR, default ../shared/data/raw) are
  the test data. They are read by path and never copied into this repository.
- Hand-made inputs exist only for what no real file shows (an unseen format variant, a
  hostile input); each such test says so.
- Tests that need the whole mirror ingested share one session-scoped store (`mirror_store`);
  a parser's unit tests read single files.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def _mirror() -> Path:
    env = os.environ.get("CONCORD_MIRROR")
    return Path(env) if env else (ROOT.parent / "shared" / "data" / "raw")


MIRROR = _mirror()
SHARED = MIRROR.parent.parent
BAD = MIRROR.parent / "bad"
SCHEMAS = MIRROR.parent / "schemas"
REFERENCE = MIRROR.parent / "reference"


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The mirror folder of real official list files."""
    if not MIRROR.is_dir():
        pytest.fail(f"mirror folder not found: {MIRROR} (set CONCORD_MIRROR)")
    return MIRROR


def read_file(path: Path) -> bytes:
    """The bytes of a mirror file, gunzipped when it ends in .gz."""
    import gzip

    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def snapshot_files(folder: Path) -> dict[str, bytes]:
    """A snapshot folder as a parser sees it: lower-case names without .gz -> bytes."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        name = name[:-3] if name.endswith(".gz") else name
        out[name] = read_file(path)
    return out


@pytest.fixture(scope="session")
def mirror_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path):  # type: ignore[no-untyped-def]
    """One store holding the whole mirror, shared by every test that needs it (read-only)."""
    from concord.ingest import ingest_mirror
    from concord.store import Store

    db = tmp_path_factory.mktemp("store") / "mirror.sqlite"
    store = Store(f"sqlite:///{db}")
    report = ingest_mirror(store, mirror)
    store.ingest_report = report  # type: ignore[attr-defined]
    return store


@pytest.fixture(scope="session")
def resolved_store(mirror_store):  # type: ignore[no-untyped-def]
    """The shared mirror store, resolved into targets once per session (read-only)."""
    from concord.resolve.run import resolve

    report = resolve(mirror_store, full=True)
    mirror_store.resolve_report = report
    return mirror_store


CHROMIUM_HOWTO = (
    "Chromium not found: install Debian's chromium (apt-get install chromium) "
    "or run .ci/run, which installs it"
)


def find_chromium() -> str | None:
    """The Chromium the browser tests drive: `CONCORD_CHROMIUM` if set, else `chromium` on
    PATH. None when there is none (or Playwright, its driver, is not installed)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("playwright") is None:
        return None
    wanted = os.environ.get("CONCORD_CHROMIUM")
    if wanted is not None:
        return wanted if Path(wanted).is_file() else None
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a headless-capable Chromium; every browser test takes this fixture, so a
    machine without Chromium skips them all with one line saying how to run them."""
    path = find_chromium()
    if path is None:
        pytest.skip(CHROMIUM_HOWTO)
    return path


POSTGRES_ADMIN = os.environ.get(
    "CONCORD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1/postgres"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own for one test, created and dropped (a real server:
    CONCORD_TEST_POSTGRES names its admin URL)."""
    admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"concord_test_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN}: {exc}")
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

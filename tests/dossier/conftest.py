"""Fixtures of the dossier tests.

- `small_store`: real official files (one US, one UK and one Canadian snapshot of the
  mirror, read by path), ingested and resolved once per session into a temporary store.
  Tests may add dossiers to it; they never change its lists.
- `rings`: three parties' keys in temporary folders: `ngo` and `gov` trust each other,
  `mallory` is trusted by no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from concord.dossier.keys import KeyRing
from concord.ingest import ingest_files
from concord.resolve.run import resolve
from concord.store import Store
from tests.conftest import MIRROR

SNAPSHOTS = [
    ("us-ofac", "2024-05-03", "sdn.csv.gz"),
    ("gb-ofsi", "2025-04-14", "ConList.xlsx"),
    ("ca-sema", "2025-05-25", "sema-lmes.xml"),
]


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('dossier') / 'lists.sqlite'}")
    for source, day, name in SNAPSHOTS:
        ingest_files(store, source, date.fromisoformat(day), [MIRROR / source / day / name])
    resolve(store, full=True)
    return store


@dataclass
class Rings:
    ngo: KeyRing
    gov: KeyRing
    mallory: KeyRing


@pytest.fixture(scope="session")
def rings(tmp_path_factory: pytest.TempPathFactory) -> Rings:
    root = tmp_path_factory.mktemp("keys")
    found = Rings(KeyRing(root / "ngo"), KeyRing(root / "gov"), KeyRing(root / "mallory"))
    for name, ring in (("ngo", found.ngo), ("gov", found.gov), ("mallory", found.mallory)):
        ring.generate(name)
    for a, b in ((found.ngo, found.gov), (found.gov, found.ngo)):
        exported = a.folder / "exported.json"
        exported.write_text((a.folder / f"{_own(a)}.pub.json").read_text())
        b.trust(exported)
    return found


def _own(ring: KeyRing) -> str:
    return str(next(k["name"] for k in ring.listing() if k["private"]))


def fresh_store(folder: Path, name: str = "other.sqlite") -> Store:
    """An empty store: the other party's."""
    return Store(f"sqlite:///{folder / name}")

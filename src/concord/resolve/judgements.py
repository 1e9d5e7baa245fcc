"""Human judgements: `same`, `different` or `unsure` about two entries, with who and when.

The newest judgement of a pair wins over any score, survives re-ingests and re-resolution,
and travels between teams as a JSON-lines file.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.errors import BadInput
from concord.store import Store, audit
from concord.store.tables import judgements

VERDICTS = ("same", "different", "unsure")


@dataclass(frozen=True)
class Judgement:
    """One person's verdict on a pair of entry keys (stored with key_a < key_b)."""

    key_a: str
    key_b: str
    verdict: str
    author: str
    created_at: datetime
    note: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """JSON form (the exchange format, one object per line)."""
        return {"key_a": self.key_a, "key_b": self.key_b, "verdict": self.verdict,
                "author": self.author, "created_at": self.created_at.isoformat(),
                "note": self.note}  # fmt: skip


def author() -> str:
    """Who is judging: CONCORD_USER, else the login name."""
    return os.environ.get("CONCORD_USER") or getpass.getuser()


def make(a: str, b: str, verdict: str, note: str | None = None, by: str | None = None,
         when: datetime | None = None) -> Judgement:  # fmt: skip
    """A validated judgement (keys ordered)."""
    if verdict not in VERDICTS:
        raise BadInput(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if a == b:
        raise BadInput("a judgement needs two different entries")
    if ":" not in a or ":" not in b:
        raise BadInput("judgements are about entry keys such as us-ofac:23343")
    key_a, key_b = sorted((a, b))
    moment = when or datetime.now(UTC).replace(tzinfo=None)
    return Judgement(key_a, key_b, verdict, by or author(), moment, note)


def record(store: Store, items: Iterable[Judgement], action: str = "judgement.record",
           actor: str | None = None) -> int:  # fmt: skip
    """Store judgements (history is kept; the newest per pair counts), each with its audit
    row (actor: `actor`, else the judgement's author; before: the verdict it replaces), in
    one transaction. Returns how many."""
    items = list(items)
    held = current(store)
    with store.begin() as conn:
        for item in items:
            previous = held.get((item.key_a, item.key_b))
            audit.write(conn, actor or item.author, action, f"{item.key_a} ~ {item.key_b}",
                        previous.as_dict() if previous else None, item.as_dict())  # fmt: skip
            held[(item.key_a, item.key_b)] = item
        return insert(conn, items)


def insert(conn: Connection, items: Iterable[Judgement]) -> int:
    """Store judgements inside the caller's transaction (so that, say, an audit row and
    the judgement it records stand or fall together). Returns how many."""
    rows = [{**j.as_dict(), "created_at": j.created_at} for j in items]
    if rows:
        conn.execute(judgements.insert(), rows)
    return len(rows)


def current(store: Store) -> dict[tuple[str, str], Judgement]:
    """The newest judgement of every judged pair."""
    query = sa.select(judgements).order_by(judgements.c.created_at, judgements.c.id)
    out: dict[tuple[str, str], Judgement] = {}
    with store.read() as conn:
        for r in conn.execute(query):
            out[(r.key_a, r.key_b)] = Judgement(r.key_a, r.key_b, r.verdict, r.author,
                                                r.created_at, r.note)  # fmt: skip
    return out


def export_lines(store: Store) -> Iterator[str]:
    """Every judgement ever made, oldest first, as JSON lines."""
    query = sa.select(judgements).order_by(judgements.c.created_at, judgements.c.id)
    with store.read() as conn:
        for r in conn.execute(query):
            yield json.dumps(Judgement(r.key_a, r.key_b, r.verdict, r.author, r.created_at,
                                       r.note).as_dict(), ensure_ascii=False)  # fmt: skip


def parse_lines(lines: Iterable[str], name: str = "judgements") -> list[Judgement]:
    """Judgements from JSON lines; a bad line is refused with its number."""
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            when = datetime.fromisoformat(str(data["created_at"]))
            out.append(make(str(data["key_a"]), str(data["key_b"]), str(data["verdict"]),
                            data.get("note"), str(data["author"]), when))  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInput(f"{name}: line {number}: not a judgement ({exc})") from None
    return out


def import_lines(store: Store, lines: Iterable[str], name: str = "judgements",
                 by: str | None = None) -> int:  # fmt: skip
    """Import judgements, skipping those already held (same pair, verdict, author, time);
    the audit log names who imported them (`by`, else CONCORD_USER or the login name)."""
    items = parse_lines(lines, name)
    held = {(j["key_a"], j["key_b"], j["verdict"], j["author"], j["created_at"])
            for j in (json.loads(line) for line in export_lines(store))}  # fmt: skip
    fresh = [j for j in items if (j.key_a, j.key_b, j.verdict, j.author,
                                  j.created_at.isoformat()) not in held]  # fmt: skip
    return record(store, fresh, "judgement.import", by or author())

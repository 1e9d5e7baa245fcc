"""Resolve the whole current store and keep the result: targets and the pairs behind them."""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from concord.errors import BadInput, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry, registry_digest
from concord.resolve import judgements
from concord.resolve.blocking import Blocks, candidate_pairs
from concord.resolve.cluster import THRESHOLD, Clustering, cluster, possible, target_id
from concord.resolve.names import name_tokens
from concord.resolve.profiles import (
    TARGET_SCHEMATA,
    Profile,
    from_record,
    load_profiles,
    to_record,
)
from concord.resolve.score import Score, explain
from concord.store import Store
from concord.store.store import RESOLVED_MARK
from concord.store.tables import (
    entries,
    match_pairs,
    profile_marks,
    resolution_runs,
    resolver_state,
    target_members,
)
from concord.store.values import current_values

# Part of every profile digest: bump it when profiles, blocking or scoring change, so the
# next run rescores everything instead of trusting scores the old code made.
RESOLVER_VERSION = "2026-12-08.3"


@dataclass
class ResolutionReport:
    """What a resolution run found, and how long it took."""

    profiles: int
    pairs: int
    targets: int
    multi: int
    seconds: float
    scored: int = 0  # candidate pairs scored in this run (all of them when full)
    changed: int = 0  # entries new or changed since the last run (all when full)
    removed: int = 0  # entries gone since the last run
    full: bool = True
    rebuilt: int = 0  # profiles read from the statements afresh (the others from the cache)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step


def _features(score: Score) -> list[dict[str, Any]]:
    return [f.as_dict() for f in score.features]


def profile_digest(profile: Profile, stamp: str) -> str:
    """A digest of everything the resolver reads of an entry: the stamp of the entry state
    its profile is built from (`entry_stamps`) and blocking's marks (name rarity, crowded
    blocks), so an unchanged digest means every score and every candidate pair of the entry
    is unchanged too."""
    parts = [stamp, *(sorted(v) for v in (profile.distinctive, profile.common_words,
                                          profile.rare_keys, profile.crowded))]  # fmt: skip
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def entry_stamps(store: Store) -> dict[str, str]:
    """Per entry the resolver profiles, a stamp of the state its profile is built from:
    the raw content's fingerprints, whether it is listed, its schema and caption (and the
    resolver's version and the regime registry's digest). A profile whose stamp is
    unchanged need not be read again."""
    query = sa.select(entries.c.entry_key, entries.c.source, entries.c.entity_id,
                      entries.c.schema, entries.c.caption, entries.c.fingerprint,
                      entries.c.present).where(entries.c.schema.in_(TARGET_SCHEMATA))  # fmt: skip
    version = registry_digest()
    with store.read() as conn:
        return {
            row.entry_key: hashlib.sha1(
                "\x1f".join(map(str, (RESOLVER_VERSION, version, *row))).encode()
            ).hexdigest()
            for row in conn.execute(query)
        }


# An incremental run reads the changed profiles by entry key up to this many, else
# whole lists (one query per list, then the changed entries are picked out).
_BY_KEY = 500


def _read_state(store: Store) -> dict[str, Any]:
    """What the last run left for the next (`_state`), or {} when there is none usable."""
    with store.read() as conn:
        data = conn.execute(sa.select(resolver_state.c.data).where(
            resolver_state.c.name == "resolver")).scalar()  # fmt: skip
    if data is None:
        return {}
    state: dict[str, Any] = json.loads(zlib.decompress(data))
    return state if state.get("version") == RESOLVER_VERSION else {}


def _profiles(
    store: Store, stamps: dict[str, str], state: dict[str, Any]
) -> tuple[list[Profile], set[str]]:
    """Every entry's profile, ordered by entry key, from the last run's state where its
    stamp holds; and the keys of the profiles read from the statements afresh."""
    cached = {key: from_record(record) for key, stamp, record in state.get("profiles", [])
              if stamps.get(key) == stamp}  # fmt: skip
    fresh = set(stamps) - set(cached)
    if not cached:
        loaded = load_profiles(store)
    elif len(fresh) <= _BY_KEY:
        loaded = load_profiles(store, keys=fresh) if fresh else []
    else:
        sources = {key.split(":", 1)[0] for key in fresh}
        loaded = [p for p in load_profiles(store, sources=sources) if p.entry_key in fresh]
    by_key = cached | {p.entry_key: p for p in loaded}
    return [by_key[key] for key in sorted(by_key)], {p.entry_key for p in loaded}


def resolve(store: Store, full: bool = False) -> ResolutionReport:
    """Resolve every current entry into targets and store them (replacing the last run).

    After a first run, a run is incremental. It starts from the state the last run left
    (`_state`): profiles are read from the statements again only for entries whose state
    moved (`entry_stamps`); pairs are drawn and scored only for entries whose digest moved
    (`profile_digest`: new, amended, or its name's rarity or blocks moved); the pairs the
    last run kept between unchanged entries keep their scores. The targets are then
    clustered again from all of it, so the result is the one a `full` run would give;
    only the rows that differ are written.
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    with store.read() as conn:
        covers = Store.newest_snapshot(conn)  # read before the entries: a later one is pending
    stamps = entry_stamps(store)
    state = {} if full else _read_state(store)
    profiles, fresh = _profiles(store, stamps, state)
    phases["load"] = time.perf_counter() - started
    blocks = Blocks(profiles)
    digests = {p.entry_key: profile_digest(p, stamps[p.entry_key]) for p in profiles}
    current = judgements.current(store)
    verdicts = {pair: j.verdict for pair, j in current.items()}
    previous: dict[str, str] = state.get("digests", {})
    changed = {key for key, digest in digests.items() if previous.get(key) != digest}
    incremental = bool(previous)
    known: dict[tuple[int, int], Score] = {}
    # Judged entries are rescored each run: a withdrawn judgement leaves no stored score.
    dirty = changed | {key for pair in current for key in pair} if incremental else set(digests)
    if incremental:
        index = {p.entry_key: i for i, p in enumerate(profiles)}
        pairs = blocks.pairs(only=[index[k] for k in dirty if k in index])
        # A pair kept last time between two unchanged entries is still drawn by blocking
        # (the digests hold what decides it) and scores the same.
        for a, b, score, conflict, strong, unconflicted, dated, *_ in state["pairs"]:
            if a not in dirty and b not in dirty and a in index and b in index:
                known[(index[a], index[b])] = Score(score, [], conflict, strong, unconflicted,
                                                    dated)  # fmt: skip
        pairs = sorted(set(pairs) | set(known))
    else:
        pairs = blocks.pairs()
    phases["blocking"] = time.perf_counter() - started - sum(phases.values())
    result = cluster(profiles, pairs, verdicts, known=known)
    clusters = result.clusters()
    phases["score_and_cluster"] = time.perf_counter() - started - sum(phases.values())
    seconds = time.perf_counter() - started
    report = ResolutionReport(len(profiles), len(pairs), len(clusters),
                              sum(1 for c in clusters if len(c) > 1), seconds,
                              scored=len(pairs) - len(known), changed=len(changed),
                              removed=len(previous.keys() - digests.keys()),
                              full=not incremental, rebuilt=len(fresh), phases=phases)  # fmt: skip
    saving = time.perf_counter()
    new_state = _state(result, clusters, digests, stamps, state, fresh)
    _save(store, report, result, state if incremental else {}, new_state, dirty, covers)
    store.optimize()
    phases["save"] = time.perf_counter() - saving
    report.seconds = time.perf_counter() - started
    return report


def _state(
    result: Clustering, clusters: list[list[Profile]], digests: dict[str, str],
    stamps: dict[str, str], old: dict[str, Any], fresh: set[str],
) -> dict[str, Any]:  # fmt: skip
    """What a run leaves for the next: each profile with its stamp (a profile taken from
    the `old` state keeps its record as it was), each entry's digest, target and marks,
    and each kept pair's score and decision (pairs by entry key)."""
    records = {key: record for key, _, record in old.get("profiles", []) if key not in fresh}
    members = {p.entry_key: _cluster_id(c) for c in clusters for p in c}
    decisions = _decisions(result)
    pairs = []
    for (i, j), (decision, reason) in decisions.items():
        s = result.scores[(i, j)]
        pairs.append([result.profiles[i].entry_key, result.profiles[j].entry_key, s.score,
                      s.conflict, s.strong, s.unconflicted, s.dated, decision, reason])  # fmt: skip
    return {
        "version": RESOLVER_VERSION,
        "profiles": [
            [p.entry_key, stamps[p.entry_key], records.get(p.entry_key) or to_record(p)]
            for p in result.profiles
        ],
        "digests": digests,
        "members": members,
        "marks": {
            p.entry_key: [sorted(p.distinctive), sorted(p.common_words)]
            for p in result.profiles
            if p.distinctive or p.common_words
        },
        "pairs": pairs,
    }


def _decisions(result: Clustering) -> dict[tuple[int, int], tuple[str, str | None]]:
    """Every candidate (or judged) pair worth keeping (`cluster.possible`) with what became
    of it: merged, refused (and why), possible, judged-same or judged-different."""
    refused = {(min(i, j), max(i, j)): why for i, j, why in result.refused}
    out: dict[tuple[int, int], tuple[str, str | None]] = {}
    for (i, j), score in result.scores.items():
        if not possible(score) or not ((i, j) in result.candidates or (i, j) in result.judged):
            continue
        merged = result.find(i) == result.find(j)
        decision = "merged" if merged else "refused" if (i, j) in refused else "possible"
        if (i, j) in result.judged:
            decision = "judged-" + ("same" if merged else "different")
        out[(i, j)] = (decision, refused.get((i, j)))
    return out


def _save(
    store: Store, report: ResolutionReport, result: Clustering, old: dict[str, Any],
    new: dict[str, Any], dirty: set[str], covers: int,
) -> None:  # fmt: skip
    """Write the run and its state, in one transaction: in an incremental run only the rows
    that differ from the last run's (`old`, its state); in a full run every row afresh.
    `covers`, the newest snapshot the run read, marks the store resolved up to it."""
    keys = [p.entry_key for p in result.profiles]
    sources = {p.entry_key: p.source for p in result.profiles}
    blob = zlib.compress(json.dumps(new, ensure_ascii=False).encode(), 1)
    with store.begin() as conn:
        run_id = conn.execute(resolution_runs.insert().values(
            started_at=datetime.now(UTC).replace(tzinfo=None), seconds=report.seconds,
            profiles=report.profiles, pairs=report.pairs, targets=report.targets,
            multi=report.multi)).inserted_primary_key[0]  # type: ignore[index]  # fmt: skip
        if not old:
            for table in (target_members, match_pairs, profile_marks, resolver_state):
                conn.execute(table.delete())
        members = {k: {"entry_key": k, "target_id": t, "source": sources[k], "run_id": run_id}
                   for k, t in new["members"].items()}  # fmt: skip
        _replace(conn, target_members, old.get("members", {}), members,
                 lambda row: row["target_id"])  # fmt: skip
        marks = {k: {"entry_key": k, "distinctive": d, "common_words": c}
                 for k, (d, c) in new["marks"].items()}  # fmt: skip
        _replace(conn, profile_marks, old.get("marks", {}), marks,
                 lambda row: [row["distinctive"], row["common_words"]])  # fmt: skip
        # Pairs: those touching a changed or removed entry are written afresh (with their
        # features); a kept pair between unchanged entries has its decision updated.
        gone = dirty | (set(old.get("digests", {})) - set(keys))
        if old:
            for chunk in _chunks(sorted(gone)):
                conn.execute(match_pairs.delete().where(
                    match_pairs.c.key_a.in_(chunk) | match_pairs.c.key_b.in_(chunk)))  # fmt: skip
        before = {(a, b): (decision, reason) for a, b, *_, decision, reason in old.get("pairs", [])}
        index = {key: i for i, key in enumerate(keys)}
        rows = []
        for a, b, *_, decision, reason in new["pairs"]:
            if a in gone or b in gone or not old:
                i, j = index[a], index[b]
                rows.append({"key_a": a, "key_b": b, "score": result.scores[(i, j)].score,
                             "decision": decision, "reason": reason, "run_id": run_id,
                             "features": _features(result.scores[(i, j)])})  # fmt: skip
            elif before.get((a, b)) != (decision, reason):
                conn.execute(match_pairs.update().where(
                    (match_pairs.c.key_a == a) & (match_pairs.c.key_b == b)).values(
                    decision=decision, reason=reason, run_id=run_id))  # fmt: skip
        if rows:
            conn.execute(match_pairs.insert(), rows)
        conn.execute(resolver_state.delete())
        conn.execute(resolver_state.insert(), [
            {"name": "resolver", "data": blob},
            {"name": RESOLVED_MARK, "data": str(covers).encode()}])  # fmt: skip


def _replace(
    conn: Any, table: sa.Table, old: dict[str, Any], new: dict[str, dict[str, Any]],
    value: Any,
) -> None:  # fmt: skip
    """Bring `table` (keyed by entry key) from the values `old` to the rows `new`: delete
    the keys gone or changed, insert the keys new or changed, leave the others untouched
    (`value(row)` is a row's value in `old`'s form)."""
    changed = {k for k, row in new.items() if k in old and old[k] != value(row)}
    gone = [k for k in old if k not in new]
    for chunk in _chunks(sorted(changed) + gone):
        conn.execute(table.delete().where(table.c.entry_key.in_(chunk)))
    rows = [row for k, row in new.items() if k not in old or k in changed]
    if rows:
        conn.execute(table.insert(), rows)


def _chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def _cluster_id(cluster: list[Profile]) -> str:
    """A target's id: from its smallest current entry key (a delisted entry joining or
    leaving never changes the id of a listed target), else its smallest key."""
    current = [p.entry_key for p in cluster if p.present]
    return target_id(current or [p.entry_key for p in cluster])


def target(store: Store, ref: str) -> dict[str, Any]:
    """A target by id, by one of its entry keys, or by a name (the best-named target)."""
    store.require_resolved()
    with store.read() as conn:
        tid = _target_of(conn, ref)
        keys = [
            r.entry_key
            for r in conn.execute(
                sa.select(target_members.c.entry_key).where(target_members.c.target_id == tid)
            )
        ]
        info = conn.execute(sa.select(entries).where(entries.c.entry_key.in_(keys))).all()
        pairs = conn.execute(sa.select(match_pairs).where(
            match_pairs.c.key_a.in_(keys) | match_pairs.c.key_b.in_(keys))).all()  # fmt: skip
    return {
        "target_id": tid,
        "entries": [{"entry_key": r.entry_key, "source": r.source, "schema": r.schema,
                     "name": r.caption} for r in sorted(info, key=lambda r: r.entry_key)],
        "evidence": [{"a": p.key_a, "b": p.key_b, "score": round(p.score, 3),
                      "decision": p.decision, "reason": p.reason, "features": p.features}
                     for p in sorted(pairs, key=lambda p: -p.score)],
    }  # fmt: skip


def _target_of(conn: sa.Connection, ref: str) -> str:
    if not ref.strip() or any(ord(c) < 32 for c in ref):
        raise BadInput("give a target id, an entry key or a name (no control characters)")
    if ref.startswith("ct-"):
        found = conn.execute(sa.select(target_members.c.target_id).where(
            target_members.c.target_id == ref)).first()  # fmt: skip
    elif ":" in ref:
        found = conn.execute(sa.select(target_members.c.target_id).where(
            target_members.c.entry_key == ref)).first()  # fmt: skip
    else:
        rows = list(conn.execute(
            sa.select(target_members.c.target_id, entries.c.caption, entries.c.schema)
            .join(entries, entries.c.entry_key == target_members.c.entry_key)
            .where(name_matches(ref)).order_by(entries.c.entry_key).limit(200)))  # fmt: skip
        # The best-named: most words typed found as whole words (Kadyrov -> KADYROV, not
        # KADYROVA), a person before a body, then the shortest name.
        wanted = set(name_tokens(ref))
        rows.sort(key=lambda r: (-len(wanted & set(name_tokens(r.caption))),
                                 r.schema != "Person", len(r.caption)))  # fmt: skip
        found = rows[0] if rows else None
    if found is None:
        raise NotFound(f"no target {ref!r} (run `concord resolve` first?)")
    return str(found[0])


def scored_profiles(store: Store, keys: set[str]) -> list[Profile]:
    """Current entries' profiles with the name rarity the last resolution run saw (or, in a
    store never resolved, the rarity of the whole store now), so that `score.compare` on
    them gives the score the run gave."""
    with store.read() as conn:
        marks = {r.entry_key: r for r in conn.execute(
            sa.select(profile_marks).where(profile_marks.c.entry_key.in_(keys)))}  # fmt: skip
        resolved = conn.execute(sa.select(resolution_runs.c.id).limit(1)).first() is not None
    if not resolved:
        everyone = load_profiles(store)
        list(candidate_pairs(everyone))  # marks rarity on every profile
        return [p for p in everyone if p.entry_key in keys]
    found = load_profiles(store, keys=keys)
    for profile in found:
        if (mark := marks.get(profile.entry_key)) is not None:
            profile.distinctive = frozenset(mark.distinctive)
            profile.common_words = frozenset(mark.common_words)
    return found


def name_matches(text: str) -> sa.ColumnElement[bool]:
    """Entries whose primary name holds `text`, or every word of it in any order, script
    or case: `Chen Quanguo`, `zhu hailun` and `陈全国` (read as `chen quan guo`) find
    `CHEN, Quanguo` and `ZHU, Hailun`."""
    words = [w for w in name_tokens(text) if len(w) > 1] or list(name_tokens(text))
    whole = entries.c.caption.icontains(text, autoescape=True)
    if not words:
        return whole
    return sa.or_(whole, sa.and_(*(entries.c.caption.icontains(w, autoescape=True)
                                   for w in words)))  # fmt: skip


def adhoc_profile(name: str, schema: str = "Person", dob: str | None = None) -> Profile:
    """A profile for a name typed by a user (for `concord compare`)."""
    from concord.resolve.profiles import finish

    profile = Profile(f"query:{name}", "query", "query", schema, name, names=[name])
    if dob:
        profile.birth_dates.add(dob)
    return finish(profile)


__all__ = ["THRESHOLD", "ResolutionReport", "adhoc_profile", "resolve", "scored_profiles", "target"]


def entry_table(store: Store) -> list[dict[str, Any]]:
    """One row per current list entry: key, source, the list's own identifiers as written,
    schema, primary name, dates of birth and target id (empty before `concord resolve`)."""
    births: dict[str, set[str]] = {}
    for found in current_values(store, props=("birthDate",)):
        births.setdefault(found.entry_key, set()).add(found.value)
    with store.read() as conn:
        targets = dict(conn.execute(sa.select(target_members.c.entry_key,
                                              target_members.c.target_id)).all())  # fmt: skip
        rows = conn.execute(sa.select(entries).where(entries.c.present.is_(True))
                            .order_by(entries.c.entry_key)).all()  # fmt: skip
    return [{
        "entry_key": r.entry_key, "source": r.source,
        "list_ids": "; ".join(f"{k}={v}" for k, v in (r.raw or {}).items()
                              if k not in ("name",)) or r.local_id,
        "schema": r.schema, "name": r.caption,
        "birth_dates": "; ".join(sorted(births.get(r.entry_key, ()))),
        "target_id": targets.get(r.entry_key, ""),
    } for r in rows]  # fmt: skip


def compare_rows(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Score a table of name pairs (columns name1, name2, optional schema, dob1, dob2).

    Each output row repeats the input and adds the score, whether it would merge, and the
    features that made it (`name +3.0 (...); birth_date +2.5 (...)`).
    """
    from concord.resolve.score import compare

    out = []
    for number, row in enumerate(rows, 1):
        if not row.get("name1") or not row.get("name2"):
            raise BadInput(f"row {number}: name1 and name2 are required")
        schema = row.get("schema") or "Person"
        a = adhoc_profile(row["name1"], schema, row.get("dob1") or None)
        b = adhoc_profile(row["name2"], schema, row.get("dob2") or None)
        score = compare(a, b)
        out.append({**row, "score": round(score.score, 4),
                    "merge": score.score >= THRESHOLD and not score.conflict,
                    "explanation": "; ".join(f.text() for f in score.features)})  # fmt: skip
    return out


def review_queue(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """Pairs a person should decide, most consequential first.

    Uncertain pairs are those kept by the last run that were not merged (close calls below
    the threshold and merges a guard refused) and nobody has judged yet. Possible matches
    that decide a gap come first (the two targets are on lists of different jurisdictions
    and one lacks the other's: the answer moves a row in or out of a gap list), then those
    that touch a Magnitsky-class designation, then those nearest the threshold.
    """
    magnitsky = registry().magnitsky_keys()
    judged = set(judgements.current(store))
    hot = {v.entry_key for v in current_values(store, props=("programId",), value_in=magnitsky)}
    with store.read() as conn:
        pairs = conn.execute(sa.select(match_pairs).where(
            match_pairs.c.decision.in_(("possible", "refused")))).all()  # fmt: skip
        names = dict(conn.execute(sa.select(entries.c.entry_key, entries.c.caption)).all())
        members = dict(conn.execute(sa.select(target_members.c.entry_key,
                                              target_members.c.target_id)).all())  # fmt: skip
    held: dict[str, set[str]] = {}
    for key, tid in members.items():
        held.setdefault(tid, set()).add(_jurisdiction(key))

    def decides_gap(p: Any) -> bool:
        ta, tb = members.get(p.key_a), members.get(p.key_b)
        ja, jb = _jurisdiction(p.key_a), _jurisdiction(p.key_b)
        if ta is None or tb is None or ta == tb or ja == jb:
            return False
        return ja not in held[tb] or jb not in held[ta]

    queue = [(p, decides_gap(p), bool({p.key_a, p.key_b} & hot)) for p in pairs
             if tuple(sorted((p.key_a, p.key_b))) not in judged]  # fmt: skip
    queue.sort(key=lambda q: (not q[1], not q[2], abs(q[0].score - THRESHOLD)))
    return [{"a": p.key_a, "b": p.key_b, "name_a": names.get(p.key_a, ""),
             "name_b": names.get(p.key_b, ""), "score": round(p.score, 3),
             "decision": p.decision, "reason": p.reason or "", "magnitsky": magnitsky_pair,
             "decides_gap": gap, "features": explain(p.features)}
            for p, gap, magnitsky_pair in queue[:limit]]  # fmt: skip


def _jurisdiction(entry_key: str) -> str:
    """The jurisdiction of an entry's list (`gb-ofsi:1` -> `UK`)."""
    return jurisdictions.of_source(entry_key) or entry_key.split(":", 1)[0]


def within_list_duplicates(store: Store) -> list[dict[str, Any]]:
    """Targets holding two or more entries of the same list: findings for a person to check
    (one person listed under two Canadian schedules, or a plain duplicate)."""
    with store.read() as conn:
        members = conn.execute(sa.select(target_members)).all()
        names = dict(conn.execute(sa.select(entries.c.entry_key, entries.c.caption)).all())
        merged = conn.execute(sa.select(match_pairs).where(
            match_pairs.c.decision.in_(("merged", "judged-same")))).all()  # fmt: skip
    groups: dict[tuple[str, str], list[str]] = {}
    for m in members:
        groups.setdefault((m.target_id, m.source), []).append(m.entry_key)
    evidence = {frozenset((p.key_a, p.key_b)): p for p in merged}
    out = []
    for (tid, source), keys in sorted(groups.items()):
        if len(keys) < 2:
            continue
        keys.sort()
        pair = evidence.get(frozenset(keys[:2]))
        out.append({"target_id": tid, "source": source, "entries": ", ".join(keys),
                    "names": " | ".join(names.get(k, "") for k in keys),
                    "evidence": "; ".join(f"{f['name']} {f['weight']:+.1f}" for f in
                                          (pair.features if pair else []))})  # fmt: skip
    return out

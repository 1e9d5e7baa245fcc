"""Resolve the whole current store and keep the result: targets and the pairs behind them."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from concord.errors import BadInput, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve import judgements
from concord.resolve.blocking import candidate_pairs
from concord.resolve.cluster import THRESHOLD, Clustering, cluster, possible, target_id
from concord.resolve.names import name_tokens
from concord.resolve.profiles import Profile, load_profiles
from concord.resolve.score import Score, explain
from concord.store import Store
from concord.store.tables import (
    entries,
    match_pairs,
    profile_digests,
    profile_marks,
    resolution_runs,
    target_members,
)
from concord.store.values import current_values

# Part of every profile digest: bump it when profiles, blocking or scoring change, so the
# next run rescores everything instead of trusting scores the old code made.
RESOLVER_VERSION = "2026-12-07.2"


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
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step


def _features(score: Score) -> list[dict[str, Any]]:
    return [f.as_dict() for f in score.features]


def _pair_rows(result: Clustering, run_id: int) -> list[dict[str, Any]]:
    refused = {(min(i, j), max(i, j)): why for i, j, why in result.refused}
    rows = []
    for (i, j), score in result.scores.items():
        if not possible(score):
            continue
        a, b = result.profiles[i], result.profiles[j]
        merged = result.find(i) == result.find(j)
        decision = "merged" if merged else "refused" if (i, j) in refused else "possible"
        if (i, j) in result.judged:
            decision = "judged-" + ("same" if merged else "different")
        rows.append({"key_a": a.entry_key, "key_b": b.entry_key, "score": score.score,
                     "decision": decision, "reason": refused.get((i, j)),
                     "features": _features(score), "run_id": run_id})  # fmt: skip
    return rows


def profile_digest(profile: Profile) -> str:
    """A digest of everything the resolver reads of an entry (blocking's marks included),
    so an unchanged digest means every score of the entry is unchanged too."""
    parts = [RESOLVER_VERSION, profile.source, profile.schema, profile.caption, profile.present,
             *(sorted(v) for v in (profile.names, profile.weak_names, profile.birth_dates,
                                   profile.countries, profile.genders, profile.identifiers,
                                   profile.refs, profile.distinctive, profile.families,
                                   profile.listed, profile.common_words))]  # fmt: skip
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _previous(store: Store) -> tuple[dict[str, str], set[frozenset[str]]]:
    """The digests of the last run and the pairs it kept (every `possible` pair)."""
    with store.read() as conn:
        digests = dict(conn.execute(sa.select(profile_digests.c.entry_key,
                                              profile_digests.c.digest)).all())  # fmt: skip
        kept = {frozenset(r) for r in conn.execute(sa.select(match_pairs.c.key_a,
                                                             match_pairs.c.key_b))}  # fmt: skip
    return digests, kept


def _pairs_to_score(
    profiles: list[Profile], pairs: list[tuple[int, int]], dirty: set[str],
    kept: set[frozenset[str]],
) -> list[tuple[int, int]]:  # fmt: skip
    """The candidate pairs an incremental run must score: those touching a changed entry,
    and the unchanged pairs the last run kept (`cluster.possible`). An unchanged pair the
    last run did not keep scored below POSSIBLE then and scores the same now, so it can
    never merge nor be a possible match."""
    keys = [p.entry_key for p in profiles]
    return [
        (i, j)
        for i, j in pairs
        if keys[i] in dirty or keys[j] in dirty or frozenset((keys[i], keys[j])) in kept
    ]


def resolve(store: Store, full: bool = False) -> ResolutionReport:
    """Resolve every current entry into targets and store them (replacing the last run).

    After a first run, a run is incremental: only pairs touching an entry whose profile
    changed (new, amended, or its name's rarity moved) are scored afresh; the pairs the last
    run kept are reused. The targets are then clustered again from all of it, so the result
    is the one a `full` run would give, in a fraction of the time.
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    profiles = load_profiles(store)
    phases["load"] = time.perf_counter() - started
    pairs = list(candidate_pairs(profiles))
    phases["blocking"] = time.perf_counter() - started - sum(phases.values())
    digests = {p.entry_key: profile_digest(p) for p in profiles}
    current = judgements.current(store)
    verdicts = {pair: j.verdict for pair, j in current.items()}
    previous, kept = ({}, set()) if full else _previous(store)
    changed = {key for key, digest in digests.items() if previous.get(key) != digest}
    incremental = bool(previous)
    if incremental:
        # Judged entries are rescored each run: a withdrawn judgement leaves no stored score.
        dirty = changed | {key for pair in current for key in pair}
        pairs = _pairs_to_score(profiles, pairs, dirty, kept)
    result = cluster(profiles, pairs, verdicts)
    clusters = result.clusters()
    phases["score_and_cluster"] = time.perf_counter() - started - sum(phases.values())
    seconds = time.perf_counter() - started
    report = ResolutionReport(len(profiles), len(pairs), len(clusters),
                              sum(1 for c in clusters if len(c) > 1), seconds, scored=len(pairs),
                              changed=len(changed), removed=len(previous.keys() - digests.keys()),
                              full=not incremental, phases=phases)  # fmt: skip
    saving = time.perf_counter()
    _save(store, report, result, clusters, digests)
    store.optimize()
    phases["save"] = time.perf_counter() - saving
    report.seconds = time.perf_counter() - started
    return report


def _save(
    store: Store, report: ResolutionReport, result: Clustering, clusters: list[list[Profile]],
    digests: dict[str, str],
) -> None:  # fmt: skip
    with store.begin() as conn:
        run_id = conn.execute(resolution_runs.insert().values(
            started_at=datetime.now(UTC).replace(tzinfo=None), seconds=report.seconds,
            profiles=report.profiles, pairs=report.pairs, targets=report.targets,
            multi=report.multi)).inserted_primary_key[0]  # type: ignore[index]  # fmt: skip
        conn.execute(target_members.delete())
        conn.execute(match_pairs.delete())
        conn.execute(profile_digests.delete())
        conn.execute(profile_marks.delete())
        conn.execute(profile_marks.insert(), [
            {"entry_key": p.entry_key, "distinctive": sorted(p.distinctive),
             "common_words": sorted(p.common_words)}
            for c in clusters for p in c if p.distinctive or p.common_words])  # fmt: skip
        members = [{"entry_key": p.entry_key, "target_id": _cluster_id(c), "source": p.source,
                    "run_id": run_id} for c in clusters for p in c]  # fmt: skip
        conn.execute(target_members.insert(), members)
        conn.execute(profile_digests.insert(), [{"entry_key": k, "digest": d, "run_id": run_id}
                                                for k, d in digests.items()])  # fmt: skip
        rows = _pair_rows(result, run_id)
        if rows:
            conn.execute(match_pairs.insert(), rows)


def _cluster_id(cluster: list[Profile]) -> str:
    """A target's id: from its smallest current entry key (a delisted entry joining or
    leaving never changes the id of a listed target), else its smallest key."""
    current = [p.entry_key for p in cluster if p.present]
    return target_id(current or [p.entry_key for p in cluster])


def target(store: Store, ref: str) -> dict[str, Any]:
    """A target by id, by one of its entry keys, or by a name (the best-named target)."""
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

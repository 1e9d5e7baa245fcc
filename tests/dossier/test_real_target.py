"""Dossiers about real targets of the real lists: the existing designations and their
statements of reasons come from the store's read model, and a proposal's status becomes
`designated` by itself once the target is on that jurisdiction's list."""

from __future__ import annotations

import html

import sqlalchemy as sa

from concord.dossier import records
from concord.dossier.standing import LISTS_ACTOR
from concord.dossier.summary import render
from concord.store import Store, audit, queries
from concord.store.tables import audit_log
from tests.dossier.helpers import glomag_not_uk, uk_with_reasons


def _row_of(page: str, entry_key: str) -> str:
    """The summary's table row of one list entry's designation."""
    start = page.index(f"<code>{entry_key}</code>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_a_glomag_designee_missing_from_the_uk_list(small_store: Store) -> None:
    target_id, found = glomag_not_uk(small_store)
    us = next(d for d in found if d.regime == "US-GLOMAG")
    spec = records.DossierSpec(
        ["UK"], target=us.entry_key, criteria=[("GB-HR", "Involved in torture")]
    )
    dossier = records.load(small_store, records.create(small_store, spec, "ann"))
    assert dossier["target_id"] == target_id
    assert us.entry_key in dossier["entry_keys"]
    # The subject is the US entry's entity, as the list states it now.
    assert dossier["subject"]["id"] == queries.entry_detail(small_store, us.entry_key)["entity_id"]
    shown = {(d["entry_key"], d["regime"]) for d in dossier["designations_live"]}
    assert shown == {(d.entry_key, d.regime) for d in found}
    assert not any(d["jurisdiction"] == "UK" for d in dossier["designations_live"])
    assert dossier["statuses"] == [{**dossier["status_history"][0], "basis": "recorded"}]
    page = render(dossier)
    for d in found:
        row = _row_of(page, d.entry_key)
        assert d.regime is not None and d.regime in row
        assert html.escape(str(d.listed)) in row
        # The US publishes no statement of reasons; the summary says so, invents none.
        if not d.reasons:
            assert "none published by this list" in row
    assert html.escape(dossier["title"]) in page


def test_uk_reasons_are_shown_and_the_uk_status_follows_the_list(small_store: Store) -> None:
    target_id, found = uk_with_reasons(small_store)
    uk = next(d for d in found if d.regime == "GB-HR" and d.reasons)
    spec = records.DossierSpec(
        ["UK", "CA"], target=target_id, criteria=[("GB-HR", "Torture"), ("CA-JVCFOA", "Torture")]
    )
    dossier = records.load(small_store, records.create(small_store, spec, "ann"))
    page = render(dossier)
    row = _row_of(page, uk.entry_key)
    for reason in uk.reasons:
        assert html.escape(reason) in row
    status = {s["jurisdiction"]: s for s in dossier["statuses"]}
    assert status["UK"]["status"] == "designated" and status["UK"]["basis"] == "list"
    assert status["UK"]["entry_key"] == uk.entry_key
    assert status["UK"]["listed"] == str(uk.listed)
    on_ca = any(d.jurisdiction == "CA" and d.regime == "CA-JVCFOA" and d.in_force() for d in found)
    assert (status["CA"]["status"] == "designated") == on_ca


def test_every_change_is_audited_with_its_author(small_store: Store) -> None:
    target_id, _ = glomag_not_uk(small_store)
    store = small_store
    dossier_id = records.create(store, records.DossierSpec(["CA"], target=target_id), "ann")
    mark = records.EvidenceMarks(source="court record", reliability="A1")
    records.add_evidence(store, dossier_id, "ruling.txt", b"judgment text\n", mark, "bob")
    records.set_status(store, dossier_id, "CA", "submitted", "carol", note="GAC ref 7")
    records.share(store, dossier_id, ["dave"], "ann")
    with store.read() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.action)
            .where(audit_log.c.subject == dossier_id)
            .order_by(audit_log.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("ann", "dossier.create"),
        ("bob", "dossier.evidence"),
        ("carol", "dossier.status"),
        ("ann", "dossier.share"),
    ]
    assert audit.entries(store, action="dossier.status")[0]["after"]["status"] == "submitted"
    assert [d["id"] for d in records.listing(store, reader="dave")] == [dossier_id]


def test_the_status_the_list_gives_is_recorded_and_audited_once(small_store: Store) -> None:
    target_id, found = uk_with_reasons(small_store)
    uk = next(d for d in found if d.regime == "GB-HR" and d.in_force())
    spec = records.DossierSpec(["UK"], target=target_id, criteria=[("GB-HR", "Torture")])
    dossier_id = records.create(small_store, spec, "ann")
    for _ in range(3):  # three reads, one recorded change
        dossier = records.load(small_store, dossier_id)
    assert [(s["status"], s["recorded_by"]) for s in dossier["status_history"]] == [
        ("draft", "ann"),
        ("designated", LISTS_ACTOR),
    ]
    assert dossier["statuses"][0]["basis"] == "list"
    assert dossier["statuses"][0]["entry_key"] == uk.entry_key
    rows = [
        e for e in audit.entries(small_store, action="dossier.status") if e["subject"] == dossier_id
    ]
    assert len(rows) == 1
    assert rows[0]["actor"] == LISTS_ACTOR and rows[0]["before"]["status"] == "draft"
    assert rows[0]["after"]["status"] == "designated"
    assert rows[0]["after"]["entry_key"] == uk.entry_key
    # An analyst's later status is kept in the history; the list's is not recorded again.
    records.set_status(small_store, dossier_id, "UK", "declined", "carol")
    records.load(small_store, dossier_id)
    rows = [
        e for e in audit.entries(small_store, action="dossier.status") if e["subject"] == dossier_id
    ]
    assert [r["actor"] for r in rows] == ["carol", LISTS_ACTOR]

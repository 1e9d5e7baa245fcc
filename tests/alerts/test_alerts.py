"""Alert rules on a real store (tests/alerts/conftest.py): OFAC's GLOMAG additions of
2022-12-09 that neither the UK nor Canada had designated, delivered to a signed webhook on
loopback and to an outbox file; a screened customer who matches one of them."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from concord.alerts import Delivery, NewRule, RuleFilters, add_rule, run_rules, start_periodic
from concord.alerts.evaluate import change_of
from concord.alerts.rules import get_rule
from concord.cli.main import cli
from concord.errors import BadInput, Conflict
from concord.store import Store
from concord.store.alert_tables import alert_deliveries, alerts
from concord.store.designations import designation_set
from tests.alerts.conftest import SECRET, Receiver

FAST = Delivery(attempts=4, backoff=0.0)
DEC_8 = date(2022, 12, 8)
US_NOT_UK_CA = RuleFilters.make("US", magnitsky=True, missing=("UK", "CA"))


def _new_glomag(store: Store) -> set[str]:
    """Entry keys of the US Magnitsky-class designations first seen on 2022-12-09, read off
    the read model (the rule must find these and no others)."""
    return {d.entry_key for d in designation_set(store).select(source="us-ofac")
            if d.magnitsky and d.first_seen == date(2022, 12, 9)}  # fmt: skip


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _deliveries(store: Store, alert_id: str) -> list[tuple[int, bool, int | None]]:
    log = alert_deliveries.c
    query = (sa.select(log.attempt, log.ok, log.http_status)
             .where(log.alert_id == alert_id, log.channel == "webhook")
             .order_by(log.id))  # fmt: skip
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(query)]  # type: ignore[misc]


def test_new_us_magnitsky_designations_uk_and_ca_lack_go_to_the_outbox(
    small_store: Store, tmp_path: Path
) -> None:
    outbox = tmp_path / "out" / "alerts.jsonl"
    add_rule(small_store, NewRule("outbox-only", "new-designation", US_NOT_UK_CA,
                                  outbox=outbox, since=DEC_8))  # fmt: skip
    [done] = run_rules(small_store, ("outbox-only",), FAST)
    expected = _new_glomag(small_store)
    assert 150 <= len(expected) <= 200  # "about 180" GLOMAG entries added on 2022-12-09
    lines = _lines(outbox)
    assert done.new == done.delivered == len(lines) and done.pending == 0
    assert {line["designation"]["entry_key"] for line in lines} <= expected  # type: ignore[index]
    assert len({line["id"] for line in lines}) == len(lines)
    for line in lines:
        d = line["designation"]
        assert d["regime"] in ("US-GLOMAG", "US-MAGNITSKY")  # type: ignore[index]
        assert d["first_seen"] == "2022-12-09"  # type: ignore[index]
        assert line["missing"] and not {"UK", "CA"} <= set(line["designated_by"])  # type: ignore[arg-type]
        assert line["caption"]
    # Run again: nothing new, nothing sent, the outbox unchanged.
    [again] = run_rules(small_store, ("outbox-only",), FAST)
    assert (again.found, again.new, again.delivered) == (0, 0, 0)
    assert len(_lines(outbox)) == len(lines)


def test_a_jurisdiction_that_has_designated_is_not_missing(small_store: Store,
                                                             tmp_path: Path) -> None:  # fmt: skip
    # Every new US designation's target is designated by the US: a rule missing only the US
    # finds nothing; one missing nobody finds every new US Magnitsky-class designation.
    outbox = tmp_path / "o.jsonl"
    none = RuleFilters.make("US", magnitsky=True, missing=("US",))
    add_rule(small_store, NewRule("missing-us", "new-designation", none, outbox=outbox,
                                  since=DEC_8))  # fmt: skip
    assert run_rules(small_store, ("missing-us",), FAST)[0].found == 0
    add_rule(small_store, NewRule("any", "new-designation", RuleFilters.make("US", True),
                                  outbox=outbox, since=DEC_8))  # fmt: skip
    [done] = run_rules(small_store, ("any",), FAST)
    assert {line["designation"]["entry_key"] for line in _lines(outbox)} == _new_glomag(small_store)  # type: ignore[index]
    assert done.new == len(_new_glomag(small_store))


def test_the_webhook_is_signed_and_a_second_run_sends_nothing(
    small_store: Store, receiver: Receiver
) -> None:
    add_rule(
        small_store,
        NewRule(
            "signed",
            "new-designation",
            US_NOT_UK_CA,
            webhook_url=receiver.url,
            secret=SECRET,
            since=DEC_8,
        ),
    )
    [done] = run_rules(small_store, ("signed",), FAST)
    assert done.new > 100 and done.delivered == done.new and done.pending == 0
    assert receiver.bad_signatures == 0 and receiver.repeats == 0
    assert len(receiver.accepted) == len(receiver.requests) == done.new
    headers, body = receiver.requests[0]
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == json.loads(body)["id"]
    [again] = run_rules(small_store, ("signed",), FAST)
    assert again.new == 0 and len(receiver.requests) == done.new


def test_a_receiver_that_fails_twice_gets_the_alert_once(
    small_store: Store, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    add_rule(
        small_store,
        NewRule(
            "flaky",
            "new-designation",
            US_NOT_UK_CA,
            webhook_url=receiver.url,
            secret=SECRET,
            since=DEC_8,
        ),
    )
    [done] = run_rules(small_store, ("flaky",), FAST)
    assert done.pending == 0 and done.delivered == done.new
    assert len(receiver.accepted) == done.new and receiver.repeats == 0
    first_key = receiver.requests[0][0]["Idempotency-Key"]
    assert [h["Idempotency-Key"] for h, _ in receiver.requests[:3]] == [first_key] * 3
    assert _deliveries(small_store, first_key) == [(1, False, 500), (2, False, 500), (3, True, 200)]
    with small_store.read() as conn:
        logged = conn.execute(sa.select(sa.func.count()).select_from(alert_deliveries)
                              .where(alert_deliveries.c.alert_id.in_(list(receiver.accepted)))
                              ).scalar_one()  # fmt: skip
    assert logged == len(receiver.requests)  # every attempt is logged


def test_a_receiver_that_stays_down_loses_nothing(small_store: Store, receiver: Receiver) -> None:
    receiver.fail_first = 10**6
    add_rule(
        small_store,
        NewRule(
            "down",
            "new-designation",
            US_NOT_UK_CA,
            webhook_url=receiver.url,
            secret=SECRET,
            since=DEC_8,
        ),
    )
    [done] = run_rules(small_store, ("down",), Delivery(attempts=2, backoff=0.0))
    assert done.new > 100 and done.delivered == 0 and done.pending == done.new
    assert len(receiver.requests) == 2 * done.new
    receiver.fail_first = 0  # back up: the next run delivers what is pending, once each
    [later] = run_rules(small_store, ("down",), FAST)
    assert later.new == 0 and later.delivered == done.new and later.pending == 0
    assert len(receiver.accepted) == done.new and receiver.repeats == 0
    with small_store.read() as conn:
        rule_id = get_rule(small_store, "down").id
        left = conn.execute(
            sa.select(sa.func.count())
            .select_from(alerts)
            .where(alerts.c.rule_id == rule_id, alerts.c.webhook_done.is_(False))
        ).scalar_one()
    assert left == 0


def test_a_screened_customer_who_matches_a_changed_target(small_store: Store,
                                                          tmp_path: Path) -> None:  # fmt: skip
    # Customers made from names the store holds (real list entries): two new GLOMAG
    # targets of 2022-12-09 and one target nothing happened to since 2022-12-08.
    rule_probe = NewRule("probe", "new-designation", outbox=tmp_path / "x.jsonl", since=DEC_8)
    probe = add_rule(small_store, rule_probe)
    dset = designation_set(small_store)
    changed = {d.target_id for d in dset.all if change_of(probe, d) is not None}
    new = sorted(_new_glomag(small_store))[:2]
    quiet = next(d.entry_key for d in dset.select(source="gb-ofsi")
                 if d.target_id not in changed)  # fmt: skip
    names = {r["entry_key"]: r["caption"] for r in _captions(small_store, [*new, quiet])}
    customers = tmp_path / "customers.csv"
    rows = [f"c{i},{names[key]}" for i, key in enumerate([*new, quiet])]
    customers.write_text("id,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    outbox = tmp_path / "screened.jsonl"
    add_rule(small_store, NewRule("customers", "screened-customer", outbox=outbox,
                                  customers=customers, since=DEC_8))  # fmt: skip
    [done] = run_rules(small_store, ("customers",), FAST)
    lines = _lines(outbox)
    assert done.new == len(lines) > 0
    assert {line["customer"]["id"] for line in lines} == {"c0", "c1"}  # type: ignore[index]
    assert all(line["change"] == "appeared" for line in lines)
    assert run_rules(small_store, ("customers",), FAST)[0].new == 0


def _captions(store: Store, keys: list[str]) -> list[dict[str, str]]:
    from concord.store.tables import entries

    with store.read() as conn:
        query = sa.select(entries.c.entry_key, entries.c.caption).where(
            entries.c.entry_key.in_(keys)
        )
        return [dict(r._mapping) for r in conn.execute(query)]


def test_rules_are_checked(small_store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="--webhook URL or an --outbox"):
        add_rule(small_store, NewRule("nowhere", "new-designation"))
    with pytest.raises(BadInput, match="needs --customers"):
        add_rule(small_store, NewRule("nobody", "screened-customer", outbox=tmp_path / "o"))
    with pytest.raises(BadInput, match="unknown regime"):
        RuleFilters.make(regimes=("US-NOPE",))
    add_rule(small_store, NewRule("twice", "new-designation", outbox=tmp_path / "o"))
    with pytest.raises(Conflict):
        add_rule(small_store, NewRule("twice", "new-designation", outbox=tmp_path / "o"))
    with pytest.raises(BadInput, match="above 0"):
        start_periodic(small_store, 0)


def test_the_commands(small_store: Store, tmp_path: Path, receiver: Receiver) -> None:
    db = ["--database", str(small_store.url)]
    outbox = tmp_path / "cli.jsonl"
    runner = CliRunner()
    added = runner.invoke(cli, [*db, "alerts", "add", "cli-rule", "--jurisdiction", "US",
                                "--magnitsky", "--missing", "UK,CA", "--webhook", receiver.url,
                                "--outbox", str(outbox), "--since", "2022-12-08"])  # fmt: skip
    assert added.exit_code == 0, added.output
    secret = added.stdout.split("webhook secret (shown once): ")[1].strip()
    listed = runner.invoke(cli, [*db, "alerts", "list", "--format", "json"])
    rule = next(r for r in json.loads(listed.stdout) if r["name"] == "cli-rule")
    assert rule["missing"] == ["UK", "CA"] and "secret" not in rule
    receiver.secret = secret
    ran = runner.invoke(cli, [*db, "alerts", "run", "cli-rule", "--format", "json"],
                        env={"CONCORD_ALERTS_BACKOFF": "0"})  # fmt: skip
    assert ran.exit_code == 0, ran.output
    [done] = json.loads(ran.stdout)
    assert done["new"] == done["delivered"] == len(_lines(outbox)) == len(receiver.accepted)
    assert receiver.bad_signatures == 0
    removed = runner.invoke(cli, [*db, "alerts", "remove", "cli-rule"])
    assert removed.exit_code == 0
    gone = runner.invoke(cli, [*db, "alerts", "remove", "cli-rule"])
    assert gone.exit_code == 3 and gone.stderr.startswith("error: no alert rule named")
    served = runner.invoke(cli, ["serve", "--help"])
    assert "--alerts-every" in served.stdout


def test_the_periodic_mode_runs_the_rules(small_store: Store, tmp_path: Path) -> None:
    outbox = tmp_path / "periodic.jsonl"
    add_rule(small_store, NewRule("periodic", "new-designation", US_NOT_UK_CA,
                                  outbox=outbox, since=DEC_8))  # fmt: skip
    stop = start_periodic(small_store, 60)
    try:
        for _ in range(600):  # wait for its first run (no speed is asserted)
            if _outbox_done(small_store, "periodic"):
                break
            time.sleep(0.1)
    finally:
        stop.set()
    assert _outbox_done(small_store, "periodic")
    assert len(_lines(outbox)) == len(_new_glomag(small_store))


def _outbox_done(store: Store, name: str) -> bool:
    """Whether the rule has run and every alert it raised reached its outbox."""
    rule = get_rule(store, name)
    with store.read() as conn:
        pending = conn.execute(sa.select(sa.func.count()).select_from(alerts).where(
            alerts.c.rule_id == rule.id, alerts.c.outbox_done.is_(False))).scalar_one()  # fmt: skip
    return rule.last_run_at is not None and pending == 0

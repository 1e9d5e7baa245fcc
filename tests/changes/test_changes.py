"""Change tracking on the real US history: diffs, `concord changes`, a target's history.

Expected counts are read from the raw sdn.csv files with csv/gzip (`_raw`), not with
Concord's code.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date

from click.testing import CliRunner

from concord.analysis.changes import Period, target_changes, target_history
from concord.analysis.frame import load_frame
from concord.cli.main import cli
from concord.store import Store
from concord.store.changes import diff, entry_history, source_changes
from tests.conftest import MIRROR


def _raw(day: str) -> dict[str, list[str]]:
    """The rows of the US sdn.csv of `day`, by ent_num."""
    path = next((MIRROR / "us-ofac" / day).glob("sdn.csv*"))
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("latin-1")
    return {r[0].strip(): r for r in csv.reader(io.StringIO(text)) if r and r[0].strip().isdigit()}


def _raw_added(before: str, after: str, program: str) -> set[str]:
    old, new = _raw(before), _raw(after)
    return {f"us-ofac:{k}" for k in set(new) - set(old) if program in new[k][3]}


def test_diff_2022_12_09_matches_the_raw_files(changes_store: Store) -> None:
    found = diff(changes_store, "us-ofac", date(2022, 12, 8), date(2022, 12, 9))
    added = {c.entry_key for c in found.changes if c.kind == "added"}
    glomag = {c.entry_key for c in found.changes if c.kind == "added" and "GLOMAG" in c.programs}
    assert added == {f"us-ofac:{k}" for k in set(_raw("2022-12-09")) - set(_raw("2022-12-08"))}
    assert glomag == _raw_added("2022-12-08", "2022-12-09", "GLOMAG")
    assert len(glomag) == 182 and len(added) == 217
    assert found.count("removed") == 0


def test_an_amendment_names_the_property_with_old_and_new_values(changes_store: Store) -> None:
    # Raw files: ent 19029 is `MURATOV, Aleksey` [UKRAINE-EO13660] on 2022-12-08 and
    # `MURATOV, Aleksey Valentinovich` [UKRAINE-EO13660] [RUSSIA-EO14024] on 2022-12-09.
    found = diff(changes_store, "us-ofac", date(2022, 12, 8), date(2022, 12, 9))
    [muratov] = [c for c in found.changes if c.kind == "amended"]
    assert muratov.entry_key == "us-ofac:19029"
    changed = {(c.schema, c.prop): c for c in muratov.changes}
    name = changed[("Person", "name")]
    assert (name.old, name.new) == (("MURATOV, Aleksey",), ("MURATOV, Aleksey Valentinovich",))
    program = changed[("Sanction", "program")]
    assert program.old == ("UKRAINE-EO13660",)
    assert program.new == ("RUSSIA-EO14024", "UKRAINE-EO13660")
    assert muratov.as_dict()["changes"][-1]["added"]  # the new values are spelt out


def test_the_2023_12_11_jump(changes_store: Store) -> None:
    [step] = source_changes(changes_store, "us-ofac", date(2023, 12, 11), date(2023, 12, 11))
    glomag = {c.entry_key for c in step.changes if c.kind == "added" and "GLOMAG" in c.programs}
    assert glomag == _raw_added("2023-12-08", "2023-12-11", "GLOMAG")
    assert len(glomag) == 46
    assert (step.before, step.after) == (date(2023, 12, 8), date(2023, 12, 11))


def test_changes_cli_json_lists_the_december_2022_glomag_additions(changes_store: Store) -> None:
    result = CliRunner().invoke(cli, ["--database", changes_store.url, "changes", "--since",
                                      "2022-12-01", "--until", "2022-12-31", "--source",
                                      "us-ofac", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # The 2022-12-08 snapshot is this store's first US one: the only step is 2022-12-09.
    assert [(s["before"], s["after"], s["added"]) for s in report["snapshots"]] == [
        ("2022-12-08", "2022-12-09", 217)
    ]
    keys = {e["entry_key"] for e in report["entries"]
            if e["kind"] == "added" and "US-GLOMAG" in e["regimes"]}  # fmt: skip
    assert keys == _raw_added("2022-12-08", "2022-12-09", "GLOMAG")
    zhuo = next(e for e in report["entries"] if e["entry_key"] == "us-ofac:33674")
    assert (zhuo["name"], zhuo["date"], zhuo["after"]) == ("ZHUO, Xinrong", "2022-12-09",
                                                            "2022-12-08")  # fmt: skip
    newly = {t["entry_key"] for t in report["targets"] if t["kind"] == "designated"}
    assert "us-ofac:33674" in newly
    assert all(t["date"] == "2022-12-09" for t in report["targets"])


def test_target_lines_say_now_also_sanctioned(changes_store: Store) -> None:
    # OFSI's own date: the UK designated PEEVSKI under GB-AC on 2023-02-10; the US already
    # had him (GLOMAG, in the 2022-12-08 snapshot).
    rows = target_changes(load_frame(changes_store), Period(date(2023, 2, 1), date(2023, 2, 28)))
    peevski = [r for r in rows if r["name"].startswith("PEEVSKI")]
    assert peevski and peevski[0]["change"] == "now also sanctioned by UK"
    assert peevski[0]["date"] == "2023-02-10" and "US" in peevski[0]["also_by"]


def test_target_history_shows_the_day(changes_store: Store) -> None:
    found = target_history(changes_store, load_frame(changes_store), "us-ofac:33674")
    added = [e for e in found["events"] if e["kind"] == "added"]
    assert [(e["date"], e["after"]) for e in added] == [("2022-12-09", "2022-12-08")]
    designated = [e for e in found["events"] if e["kind"] == "designated"]
    assert designated[0]["date"] == "2022-12-09"
    assert "US-GLOMAG" in designated[0]["change"]


def test_entry_history_of_an_amended_entry(changes_store: Store) -> None:
    events = entry_history(changes_store, ["us-ofac:19029"])
    assert [(e.kind, e.day, e.before) for e in events] == [
        ("added", date(2022, 12, 8), None),  # in the first snapshot held: on or before
        ("amended", date(2022, 12, 9), date(2022, 12, 8)),
    ]


def test_history_and_diff_commands(changes_store: Store) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--database", changes_store.url, "history", "us-ofac:19029",
                                 "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "MURATOV, Aleksey -> MURATOV, Aleksey Valentinovich" in result.output
    result = runner.invoke(cli, ["--database", changes_store.url, "diff", "us-ofac",
                                 "2023-12-08", "2023-12-11"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "46 added, 0 removed, 0 amended" in result.output
    result = runner.invoke(cli, ["--database", changes_store.url, "diff", "us-ofac",
                                 "2020-01-01", "2023-12-11"])  # fmt: skip
    assert result.exit_code == 3
    assert "no snapshot on or before 2020-01-01" in result.output


def test_diff_json_has_target_lines_and_refuses_an_unknown_source(changes_store: Store) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--database", changes_store.url, "diff", "us-ofac",
                                 "2022-12-08", "2022-12-09", "--format", "json"])  # fmt: skip
    report = json.loads(result.output)
    zhuo = [t for t in report["targets"] if t["entry_key"] == "us-ofac:33674"]
    assert zhuo and zhuo[0]["change"] == "newly sanctioned by US"
    assert {t["jurisdiction"] for t in report["targets"]} == {"US"}
    result = runner.invoke(cli, ["--database", changes_store.url, "changes", "--since",
                                 "2023-01-01", "--source", "xx-nowhere"])  # fmt: skip
    assert result.exit_code == 3 and "no snapshot of 'xx-nowhere'" in result.output
    same = diff(changes_store, "us-ofac", date(2023, 1, 1), date(2023, 2, 1))
    assert same.before == same.after == date(2022, 12, 9) and not same.changes

"""`concord fetch` against a publisher's server on loopback that serves the mirror's real
files at the official URLs' paths. The fetched mirror is a tmp folder. Cut and empty
downloads are made from real files (their first bytes, or none) at run time."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from concord.cli.main import cli
from concord.fetch import STATE_FILE, FetchOptions, fetch, ingest_fetched
from concord.sources.registry import get_source
from concord.store import Store
from tests.conftest import MIRROR
from tests.fetch.server import LAST_MODIFIED, Publisher, publisher

CA_URL = get_source("ca-sema").urls[0]
CA_2020 = MIRROR / "ca-sema" / "2020-04-15" / "sema-lmes.xml"
CA_2022 = MIRROR / "ca-sema" / "2022-05-11" / "sema-lmes.xml"
CA_2025_GZ = MIRROR / "ca-sema" / "2025-10-13" / "sema-lmes.xml.gz"
DAY1, DAY2 = date(2026, 12, 7), date(2026, 12, 8)


def _opts(mirror: Path, pub: Publisher, today: date) -> FetchOptions:
    return FetchOptions(mirror, pub.base_url, today)


def _days(mirror: Path, source: str) -> list[str]:
    folder = mirror / source
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _state(mirror: Path) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads((mirror / STATE_FILE).read_text())["urls"]
    return data


def test_a_new_file_lands_in_the_dated_layout_and_is_ingested(tmp_path: Path) -> None:
    mirror, store = tmp_path / "mirror", Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with publisher() as pub:
        pub.serve(CA_URL, CA_2020.read_bytes())
        [first] = fetch(_opts(mirror, pub, DAY1), ("ca-sema",))
        assert first.status == "new", first.message
        landed = mirror / "ca-sema" / "2026-12-07" / "sema-lmes.xml"
        assert landed.read_bytes() == CA_2020.read_bytes()
        sha = hashlib.sha256(CA_2020.read_bytes()).hexdigest()
        assert first.files == {"sema-lmes.xml": sha}
        held = _state(mirror)[CA_URL]
        assert held["sha256"] == sha and held["last_modified"] == LAST_MODIFIED
        assert held["etag"] and held["path"] == str(landed)
        report = ingest_fetched(store, _opts(mirror, pub, DAY1), [first])
        assert [o.status for o in report.outcomes] == ["added"]
        assert report.outcomes[0].entries == first.entries

        pub.serve(CA_URL, CA_2022.read_bytes())  # the publisher updates its list
        [second] = fetch(_opts(mirror, pub, DAY2), ("ca-sema",))
        assert second.status == "new"
        assert _days(mirror, "ca-sema") == ["2026-12-07", "2026-12-08"]
        report = ingest_fetched(store, _opts(mirror, pub, DAY2), [second])
        assert [o.status for o in report.outcomes] == ["unchanged", "added"]
    rows = [r for r in store.snapshot_rows("ca-sema") if r["status"] == "ok"]
    assert [r["observed"] for r in rows] == [DAY1, DAY2]
    assert not (mirror / ".fetch-tmp").exists()


def test_an_unchanged_file_is_skipped(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    with publisher() as pub:
        pub.serve(CA_URL, CA_2020.read_bytes())
        assert fetch(_opts(mirror, pub, DAY1), ("ca-sema",))[0].status == "new"
        # Same ETag: the server answers 304 to the conditional request.
        [again] = fetch(_opts(mirror, pub, DAY2), ("ca-sema",))
        assert again.status == "unchanged"
        _path, status, asked = pub.log[-1]
        assert status == 304 and asked["If-None-Match"] == _state(mirror)[CA_URL]["etag"]
        assert asked["If-Modified-Since"] == LAST_MODIFIED
        # A server that ignores validators sends the same bytes again: same checksum.
        pub.validators = False
        [third] = fetch(_opts(mirror, pub, DAY2), ("ca-sema",))
        assert third.status == "unchanged" and pub.statuses()[-1] == 200
    assert _days(mirror, "ca-sema") == ["2026-12-07"]


def test_a_truncated_or_empty_download_is_refused(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    whole = CA_2025_GZ.read_bytes()
    with publisher() as pub:
        pub.serve(CA_URL, whole)  # a gzip body lands with `.gz` added to its name
        assert fetch(_opts(mirror, pub, DAY1), ("ca-sema",))[0].status == "new"
        kept = mirror / "ca-sema" / "2026-12-07" / "sema-lmes.xml.gz"
        assert kept.read_bytes() == whole
        before = _state(mirror)
        for cut, reason in ((whole[: len(whole) * 2 // 5], "gzip"), (b"", "empty")):
            pub.serve(CA_URL, cut)
            [refused] = fetch(_opts(mirror, pub, DAY2), ("ca-sema",))
            assert refused.status == "refused"
            assert refused.message.startswith("download refused: sema-lmes.xml")
            assert reason in refused.message and "\n" not in refused.message
            assert _days(mirror, "ca-sema") == ["2026-12-07"]
            assert kept.read_bytes() == whole and _state(mirror) == before
    assert not (mirror / ".fetch-tmp").exists()


def test_a_source_of_several_files_lands_whole(tmp_path: Path) -> None:
    # OFAC's four CSV files of 2019-01-04; then only SDN.CSV changes (2021-07-07's): the
    # other three come from the last download, so the new folder holds a whole snapshot.
    mirror, store = tmp_path / "mirror", Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    src = get_source("us-ofac")
    with publisher() as pub:
        for url in src.urls:
            name = url.rsplit("/", 1)[-1].lower()
            pub.serve(url, (MIRROR / "us-ofac" / "2019-01-04" / name).read_bytes())
        [first] = fetch(_opts(mirror, pub, DAY1), ("us-ofac",))
        assert first.status == "new", first.message
        pub.serve(src.urls[0], (MIRROR / "us-ofac" / "2021-07-07" / "sdn.csv").read_bytes())
        [second] = fetch(_opts(mirror, pub, DAY2), ("us-ofac",))
        assert second.status == "new" and list(second.files) == ["SDN.CSV"]
        assert pub.statuses()[-4:] == [200, 304, 304, 304]
    day2 = mirror / "us-ofac" / "2026-12-08"
    assert sorted(p.name for p in day2.iterdir()) == [
        "ADD.CSV", "ALT.CSV", "SDN.CSV", "SDN_COMMENTS.CSV"]  # fmt: skip
    report = ingest_fetched(store, FetchOptions(mirror), [first, second])
    assert [o.status for o in report.outcomes] == ["added", "added"]
    assert [o.entries for o in report.outcomes] == [first.entries, second.entries]


def test_the_command_fetches_ingests_and_refuses_in_one_line(tmp_path: Path) -> None:
    mirror, db = tmp_path / "mirror", f"sqlite:///{tmp_path / 'store.sqlite'}"
    args = ["--database", db, "fetch", "--source", "ca-sema", "--mirror", str(mirror),
            "--no-alerts"]  # fmt: skip
    with publisher() as pub:
        pub.serve(CA_URL, CA_2020.read_bytes())
        env = {"CONCORD_FETCH_BASE_URL": pub.base_url}
        done = CliRunner().invoke(cli, args, env=env)
        assert done.exit_code == 0, done.output
        assert "new         ca-sema:" in done.stdout and "1 snapshots added" in done.stdout
        pub.serve(CA_URL, CA_2020.read_bytes()[:1000])
        done = CliRunner().invoke(cli, args, env=env)
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refused     ca-sema: download refused: ")
    assert len(_days(mirror, "ca-sema")) == 1

"""The dossier and key commands, end to end through `CliRunner`, as two parties would run
them: an NGO proposes a person listed nowhere yet (an FtM entity of its own; no list shows
one) and sends the package to a government, which imports it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner, Result

from concord.cli.main import cli
from tests.dossier.helpers import FILES, rewrite

ENTITY = {
    "id": "ngo-subject-1",
    "schema": "Person",
    "properties": {"name": ["Jane Roe"], "birthDate": ["1970-02-03"], "nationality": ["ug"]},
}


def _run(args: list[str], db: Path, keys: Path) -> Result:
    env = {"CONCORD_KEYS": str(keys), "CONCORD_USER": "tester"}
    return CliRunner().invoke(cli, ["--database", f"sqlite:///{db}", *args], env=env)


def test_two_parties_exchange_a_dossier(tmp_path: Path) -> None:
    ngo_db, gov_db = tmp_path / "ngo.sqlite", tmp_path / "gov.sqlite"
    ngo_keys, gov_keys = tmp_path / "ngo-keys", tmp_path / "gov-keys"
    assert _run(["keys", "generate", "ngo"], ngo_db, ngo_keys).exit_code == 0
    assert _run(["keys", "generate", "gov"], gov_db, gov_keys).exit_code == 0
    for kind in ("sign", "box"):
        mode = stat.S_IMODE((ngo_keys / f"ngo.{kind}.pem").stat().st_mode)
        assert mode == 0o600
    pub = tmp_path / "ngo.pub.json"
    assert _run(["keys", "export", "ngo", "--out", str(pub)], ngo_db, ngo_keys).exit_code == 0
    assert _run(["keys", "trust", str(pub)], gov_db, gov_keys).exit_code == 0
    listed = _run(["keys", "list", "--format", "json"], gov_db, gov_keys)
    assert {k["name"]: k["private"] for k in json.loads(listed.output)} == {
        "gov": True,
        "ngo": False,
    }

    entity = tmp_path / "subject.json"
    entity.write_text(json.dumps(ENTITY))
    made = _run(
        [
            "dossier",
            "create",
            "--entity",
            str(entity),
            "--propose",
            "UK,CA",
            "--criterion",
            "GB-AC=Misappropriation of state property",
            "--conduct",
            "Diverted public funds",
            "--by",
            "ann",
        ],
        ngo_db,
        ngo_keys,
    )
    assert made.exit_code == 0, made.output
    dossier_id = made.output.strip()
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    added = _run(
        [
            "dossier",
            "add-evidence",
            dossier_id,
            *(str(tmp_path / n) for n in FILES),
            "--source",
            "court records",
            "--reliability",
            "B2",
        ],
        ngo_db,
        ngo_keys,
    )
    assert added.exit_code == 0, added.output
    status = _run(
        [
            "dossier",
            "status",
            dossier_id,
            "UK",
            "submitted",
            "--on",
            "2025-01-10",
            "--format",
            "json",
        ],
        ngo_db,
        ngo_keys,
    )
    assert status.exit_code == 0, status.output
    assert {s["jurisdiction"]: s["status"] for s in json.loads(status.output)} == {
        "UK": "submitted",
        "CA": "draft",
    }
    package = tmp_path / "pkg.zip"
    exported = _run(["dossier", "export", dossier_id, "--out", str(package)], ngo_db, ngo_keys)
    assert exported.exit_code == 0, exported.output

    imported = _run(["dossier", "import", str(package)], gov_db, gov_keys)
    assert imported.exit_code == 0, imported.output
    assert "3 of 3 evidence files held" in imported.output
    shown = json.loads(
        _run(["dossier", "show", dossier_id, "--format", "json"], gov_db, gov_keys).output
    )
    assert shown["subject"] == ENTITY and shown["conduct"]["text"] == "Diverted public funds"
    assert [c["regime"] for c in shown["criteria"]] == ["GB-AC"]
    page = _run(["dossier", "show", dossier_id, "--html"], gov_db, gov_keys).output
    assert "<h1>Jane Roe</h1>" in page and "Misappropriation of state property" in page

    # A changed package: one line of error, a non-zero exit, nothing stored.
    entry = next(f"evidence/{n}" for n in _hashes(shown) if n)
    bad = rewrite(package, tmp_path / "bad.zip", {entry: b"forged\n"})
    refused = _run(["dossier", "import", str(bad)], tmp_path / "third.sqlite", gov_keys)
    assert refused.exit_code == 2
    assert refused.output.startswith("error: bad.zip: refused, nothing stored: evidence/")
    assert len(refused.output.strip().splitlines()) == 1
    listing = _run(["dossier", "list", "--format", "json"], tmp_path / "third.sqlite", gov_keys)
    assert json.loads(listing.output) == []


def _hashes(dossier: dict[str, list[dict[str, str]]]) -> list[str]:
    return [e["sha256"] for e in dossier["evidence"]]


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    db, keys = tmp_path / "s.sqlite", tmp_path / "keys"
    entity = tmp_path / "subject.json"
    entity.write_text(json.dumps(ENTITY))
    cases = [
        (["dossier", "create", "--entity", str(entity), "--propose", "XX"], 2, "unknown jur"),
        (
            [
                "dossier",
                "create",
                "--entity",
                str(entity),
                "--propose",
                "UK",
                "--criterion",
                "GB-NOPE=x",
            ],
            2,
            "no regime 'GB-NOPE'",
        ),
        (["dossier", "show", "dx-missing"], 3, "no dossier 'dx-missing'"),
        (["dossier", "export", "dx-missing", "--out", str(tmp_path / "x.zip")], 2, "--sign-with"),
        (["keys", "export", "nobody"], 3, "no public key 'nobody'"),
    ]
    for args, code, message in cases:
        result = _run(args, db, keys)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output

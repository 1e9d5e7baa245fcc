"""US Treasury OFAC: the Consolidated (non-SDN) Sanctions List: Sectoral Sanctions
Identifications (SSI), Non-SDN Palestinian Legislative Council (NS-PLC), Foreign Sanctions
Evaders (FSE), CAPTA, Non-SDN Menu-Based Sanctions and Chinese Military-Industrial Complex
(NS-MBS, CMIC) entries.

OFAC publishes it in the SDN list's own layouts under other file names: ``cons_prim.csv``
with ``cons_add.csv``, ``cons_alt.csv`` and ``cons_comments.csv`` (the layout of ``sdn.csv``
and its three companions), ``consolidated.xml`` (that of ``sdn.xml``) and
``cons_advanced.xml`` (that of ``sdn_advanced.xml``). So the SDN parsers read it, and their
entities are re-keyed to this source: ``us-ofac-cons:<ent_num>``, a list of its own (an
ent_num on both lists is two entries, which resolution may join into one target).

Regime strings are the SDN list's (``UKRAINE-EO13662``, ``NS-PLC``...), looked up in the
registry under ``us-ofac``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from followthemoney import StatementEntity

from concord.model import entities
from concord.sources import base
from concord.sources.us_ofac import SOURCE as SDN_SOURCE
from concord.sources.us_ofac import parse_advanced_xml as _parse_advanced
from concord.sources.us_ofac import parse_csv_set as _parse_csv
from concord.sources.us_ofac import parse_sdn_xml as _parse_xml

SOURCE = "us-ofac-cons"
# The consolidated list's file names -> the SDN list's, whose parsers read them.
CSV_NAMES = {"cons_prim.csv": "sdn.csv", "cons_add.csv": "add.csv", "cons_alt.csv": "alt.csv",
             "cons_comments.csv": "sdn_comments.csv"}  # fmt: skip
XML_NAMES = {"consolidated.xml": "sdn.xml"}
ADVANCED_NAMES = {"cons_advanced.xml": "sdn_advanced.xml"}
_OLD, _NEW = f"{SDN_SOURCE}-", f"{SOURCE}-"


def parse_csv_set(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``cons_prim.csv`` (required) with its three companions."""
    return _as_cons(_parse_csv(_renamed(files, CSV_NAMES)), CSV_NAMES)


def parse_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``consolidated.xml`` (the layout of sdn.xml)."""
    return _as_cons(_parse_xml(_renamed(files, XML_NAMES)), XML_NAMES)


def parse_advanced_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``cons_advanced.xml`` (the layout of sdn_advanced.xml)."""
    return _as_cons(_parse_advanced(_renamed(files, ADVANCED_NAMES)), ADVANCED_NAMES)


def _renamed(files: Mapping[str, bytes], names: Mapping[str, str]) -> dict[str, bytes]:
    return {names.get(name, name): data for name, data in files.items() if name in names}


def _as_cons(parsed: base.ParsedList, names: Mapping[str, str]) -> base.ParsedList:
    """The SDN parser's result as this source's: its entry keys, entity ids and messages."""
    back = {sdn: cons for cons, sdn in names.items()}
    warnings = [_file_names(w, back) for w in parsed.warnings]
    records = [
        base.Record(r.local_id, r.fingerprint, _rekeyed(r.build), r.raw, r.parts)
        for r in parsed.records
    ]
    return base.ParsedList(SOURCE, records, parsed.published, parsed.components, warnings)


def _file_names(text: str, back: Mapping[str, str]) -> str:
    for sdn, cons in back.items():
        text = text.replace(sdn, cons)
    return text


def _rekeyed(build: Callable[[], list[StatementEntity]]) -> Callable[[], list[StatementEntity]]:
    def rebuild() -> list[StatementEntity]:
        return [_rekey(entity) for entity in build()]

    return rebuild


def _key(value: str) -> str:
    return _NEW + value[len(_OLD) :] if value.startswith(_OLD) else value


def _rekey(entity: StatementEntity) -> StatementEntity:
    """The same entity under this source: its id and every reference to an entity of the
    snapshot (a Sanction's `entity`, a link's `subject`) moved from us-ofac-* to
    us-ofac-cons-*."""
    out = entities.make(SOURCE, entity.schema.name, _key(entity.id or ""))
    for stmt in entity.statements:
        prop = entity.schema.get(stmt.prop)
        if prop is None:
            continue  # the id statement
        value = _key(stmt.value) if prop.type.name == "entity" else stmt.value
        out.add(prop, value, cleaned=True, lang=stmt.lang, original_value=stmt.original_value,
                origin=stmt.origin)  # fmt: skip
    return out

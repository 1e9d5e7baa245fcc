"""US Treasury OFAC: the Specially Designated Nationals and Blocked Persons List (SDN).

Three formats give the same entries and are read into the same entities, keyed by OFAC's
entry number (``ent_num`` = ``uid`` = ``FixedRef``):

- `sdn_csv`: the legacy file set, ``sdn`` + ``add`` + ``alt`` + ``sdn_comments`` as ``.csv``
  or pipe-delimited ``.pip`` (`parse_csv_set`, `parse_pip_set`); one entry of it is
  `csv_entry`;
- `sdn_xml`: ``sdn.xml``, the classic XML layout (`parse_sdn_xml`);
- `advanced_xml`: ``sdn_advanced.xml``, the "Advanced Sanctions Data Model"
  (`parse_advanced_xml`), the only one that dates designations.

What they share: `common` (source, components, ids, program tags), `remarks` (the Remarks
mini-language, whose labels are in `vocabulary`; the XML formats' id and feature types are
read by the same rules), `build` (the entities they make) and, for XML, `xml_common`.
"""

from __future__ import annotations

from concord.sources.us_ofac.advanced_xml import parse_advanced_xml
from concord.sources.us_ofac.common import SOURCE, main_id, program_tags
from concord.sources.us_ofac.sdn_csv import parse_csv_set, parse_pip_set, remark_statistics
from concord.sources.us_ofac.sdn_xml import parse_sdn_xml

__all__ = [
    "SOURCE",
    "main_id",
    "parse_advanced_xml",
    "parse_csv_set",
    "parse_pip_set",
    "parse_sdn_xml",
    "program_tags",
    "remark_statistics",
]

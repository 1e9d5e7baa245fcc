"""What the two OFAC XML formats share: safe streaming, fragments, text lookups, names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from concord.errors import ParseError
from concord.sources import xmlsafe
from concord.sources.us_ofac.common import ADD, ALT, COMMENTS, SDN

# Safe XML reading (`concord.sources.xmlsafe`) as these parsers have always done it:
# processing instructions stay in the tree (and so in the fingerprints), and an <!ENTITY
# before the first element is refused as well as a DOCTYPE.
RULES = xmlsafe.Rules(
    {**xmlsafe.TIDY, "remove_pis": False},
    declarations=xmlsafe.DECLARATIONS,
    element=re.compile(rb"<[A-Za-z]"),
    syntax_error=xmlsafe.plain_syntax_error("malformed or truncated XML"),
)

COMPONENTS = frozenset({SDN, ADD, ALT, COMMENTS})
SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel"}
SCHEMAS["aircraft"] = "Airplane"
ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}


def iter_elements(filename: str, data: bytes, tags: tuple[str, ...]) -> Iterator[Any]:
    """The elements named `tags` (any namespace), each complete, in document order.

    The caller serializes what it needs; each element is cleared after it is handed out.
    """
    wanted = tuple(f"{{*}}{tag}" for tag in tags)
    for _, element in xmlsafe.iter_events(filename, data, wanted, RULES, events=("end",)):
        yield element
        element.clear(keep_tail=False)


def digest(data: bytes) -> str:
    """A hash of serialized XML, to fingerprint (far cheaper than the repr of the bytes)."""
    return hashlib.sha1(data).hexdigest()


def fragment(data: bytes, filename: str = "the XML file") -> Any:
    """An element serialized at split time, parsed again for building. A damaged file can
    pass the file-level parse and still give an entry that does not parse on its own (found
    by fuzzing: one flipped byte in a real consolidated.xml): that is the file's refusal."""
    try:
        return etree.fromstring(data, RULES.parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(filename, f"an entry cannot be read: {exc}") from None


def text(element: Any, path: str) -> str:
    """The stripped text at `path` (local names, any namespace), or ``""``."""
    found = element.find("{*}" + path.replace("/", "/{*}"))
    return "" if found is None or found.text is None else found.text.strip()


def person_name(last: str, first: str) -> str:
    """A name the way the CSV files write it.

    >>> person_name("EXAMPLOV", "Ivan"), person_name("ACME LTD", "")
    ('EXAMPLOV, Ivan', 'ACME LTD')
    """
    return f"{last}, {first}" if last and first else last or first

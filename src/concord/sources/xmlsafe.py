"""Safe XML reading for the list parsers: no DTD, no entity expansion, no network.

Entity declarations (billion laughs, external entities) can only come in a DOCTYPE, which
official files never have: one is refused in the prolog before libxml2 reads it, and again
on the parsed tree, for prologs the byte scan cannot read (UTF-16).

The parsers grew slightly different rules (which declarations the byte scan looks for, what
counts as an empty file, how a syntax error reads, which parser options shape the tree and
so the fingerprints); one `Rules` value holds one parser's. `RULES` is that of the EU and
UN parsers.

Example:
    >>> try:
    ...     parse_root("a.xml", b"<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>")
    ... except ParseError as exc:
    ...     print(exc)
    a.xml: DOCTYPE/entity declarations are not allowed
    >>> parse_root("a.xml", b"<a>\\n  <b/> <!-- c --></a>").text is None
    True
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from concord.errors import ParseError

SyntaxErrorReport = Callable[[str, bytes, etree.XMLSyntaxError], ParseError]

# libxml2 settings that keep a hostile file harmless.
SAFE: Mapping[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
}
# ... and that drop what carries no content, so that re-indenting a file or adding comments
# leaves fingerprints alone.
TIDY: Mapping[str, Any] = {
    **SAFE,
    "remove_blank_text": True,
    "remove_comments": True,
    "remove_pis": True,
}
REFUSED = "DOCTYPE/entity declarations are not allowed"
DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
DECLARATIONS = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
ELEMENT = re.compile(rb"<[A-Za-z_]")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WHERE = re.compile(r"(,?\s*line \d+)+(, column \d+)?\s*$")


def syntax_error(filename: str, data: bytes, exc: etree.XMLSyntaxError) -> ParseError:
    """The `ParseError` for XML libxml2 refused: control characters counted, else the first
    error and its line.

    >>> try:
    ...     parse_root("a.xml", b"<a>\\x19</a>")
    ... except ParseError as exc:
    ...     print(exc)
    a.xml: control characters not allowed in XML: 1 on 1 lines (mostly 0x19), first error at line 1
    """
    controls = _CONTROL.findall(data)
    if controls:
        common = max(set(controls), key=controls.count)[0]
        lines = sum(1 for line in data.splitlines() if _CONTROL.search(line))
        return ParseError(
            filename,
            f"control characters not allowed in XML: {len(controls)} on {lines} lines "
            f"(mostly 0x{common:02x}), first error at line {exc.lineno}",
        )
    message = _WHERE.sub("", exc.msg or "")  # lxml repeats the position at the end
    return ParseError(filename, f"truncated or malformed XML at line {exc.lineno}: {message}")


def plain_syntax_error(reason: str) -> SyntaxErrorReport:
    """A syntax-error report that gives `reason` and lxml's message as it is.

    >>> report = plain_syntax_error("not well-formed XML")
    >>> try:
    ...     parse_root("a.xml", b"<a>", Rules(SAFE, syntax_error=report))
    ... except ParseError as exc:
    ...     print(exc.reason.split(",")[0])
    not well-formed XML: Premature end of data in tag a line 1
    """

    def report(filename: str, data: bytes, exc: etree.XMLSyntaxError) -> ParseError:
        return ParseError(filename, f"{reason}: {exc}")

    return report


@dataclass(frozen=True)
class Rules:
    """How one parser reads XML: parser options and what it refuses, with which words.

    Attributes:
        options: lxml parser options (`SAFE` at least, e.g. `TIDY`).
        declarations: what the prolog may not hold.
        element: where the prolog ends (the first element start).
        refused: the reason given for a DOCTYPE.
        blank: the bytes an empty file may hold (None: ASCII whitespace).
        syntax_error: the `ParseError` for XML libxml2 refused.
    """

    options: Mapping[str, Any]
    declarations: re.Pattern[bytes] = DOCTYPE
    element: re.Pattern[bytes] = ELEMENT
    refused: str = REFUSED
    blank: bytes | None = None
    syntax_error: SyntaxErrorReport = syntax_error

    def parser(self) -> Any:
        """A new lxml parser with `options`."""
        return etree.XMLParser(**self.options)

    def check_prolog(self, filename: str, data: bytes) -> None:
        """Refuse an empty file and declarations before the first element."""
        if not data.strip(self.blank):
            raise ParseError(filename, "file is empty")
        start = self.element.search(data)
        if self.declarations.search(data, 0, start.start() if start else len(data)):
            raise ParseError(filename, self.refused)

    def check_tree(self, filename: str, element: Any) -> None:
        """Refuse a parsed document that has a DOCTYPE."""
        if element.getroottree().docinfo.internalDTD is not None:
            raise ParseError(filename, self.refused)


RULES = Rules(TIDY)


def parse_root(filename: str, data: bytes, rules: Rules = RULES) -> Any:
    """The root element of a whole XML file, parsed safely (no DTD, no entities)."""
    rules.check_prolog(filename, data)
    try:
        root = etree.fromstring(data, rules.parser())
    except etree.XMLSyntaxError as exc:
        raise rules.syntax_error(filename, data, exc) from None
    rules.check_tree(filename, root)
    return root


def iter_events(
    filename: str,
    data: bytes,
    tags: tuple[str, ...],
    rules: Rules = RULES,
    events: tuple[str, ...] = ("start", "end"),
) -> Iterator[tuple[str, Any]]:
    """``(event, element)`` pairs of a safe streaming parse, for `tags`.

    Malformed or truncated XML raises `ParseError` where it breaks.
    """
    rules.check_prolog(filename, data)
    parse = etree.iterparse(io.BytesIO(data), events=events, tag=tags, **rules.options)
    try:
        for number, (event, element) in enumerate(parse):
            if number == 0:
                rules.check_tree(filename, element)
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise rules.syntax_error(filename, data, exc) from None

"""Entities from what the OFAC formats say, shared by the file set and both XML formats:
names, the facts, documents and wallets of the remarks, ``Linked To`` links, and one
Sanction per program.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from followthemoney import StatementEntity, registry
from normality import slugify

from concord.model import entities
from concord.model.regimes import registry as regimes
from concord.sources import base
from concord.sources.us_ofac.common import SDN, SOURCE, main_id
from concord.sources.us_ofac.remarks import Document, Remarks
from concord.sources.us_ofac.vocabulary import PASSPORT


def apply_name(main: StatementEntity, name: str, first: str = "", last: str = "") -> None:
    """The entry's name as OFAC writes it (``LAST, First``), with its parts for a person."""
    main.add("name", name, origin=SDN)
    if main.schema.is_a("Person") and first.strip() and last.strip():
        main.add("lastName", last, origin=SDN)
        main.add("firstName", first, origin=SDN)


def apply_links(
    main: StatementEntity, links: list[tuple[str, str]], targets: Mapping[str, str | None]
) -> list[StatementEntity]:
    """UnknownLinks for the ``Linked To`` names resolved to another entry (`targets`:
    name -> ent_num); the others stay in ``notes``."""
    out: dict[str, StatementEntity] = {}
    for name, origin in links:
        target = targets.get(name)
        if target is None:
            main.add("notes", f"Linked To: {name}", origin=origin)
        else:
            add_link(out, make_link(main, target, "Linked To", origin))
    return list(out.values())


def add_link(links: dict[str, StatementEntity], link: StatementEntity) -> None:
    """Add `link` to `links` by id, merging a second link to the same entry into the first."""
    if link.id in links:
        links[link.id].merge(link)
    elif link.id is not None:
        links[link.id] = link


def make_link(main: StatementEntity, target: str, role: str, origin: str) -> StatementEntity:
    """An UnknownLink from `main` to the main entity of entry `target` (an ent_num)."""
    target_id = main_id(target)
    link = entities.make(SOURCE, "UnknownLink", f"{main.id}-linked-{target}")
    link.add("subject", main.id, origin=origin)
    link.add("object", target_id, origin=origin)
    link.add("role", role, origin=origin)
    return link


def make_sanctions(
    main: StatementEntity, ent_num: str, tags: list[str], provisions: list[tuple[str, str]]
) -> list[StatementEntity]:
    """One Sanction per program tag (two spellings of one programme make one Sanction)."""
    out: dict[str, StatementEntity] = {}
    for tag in tags:
        regime = regimes().lookup(SOURCE, tag)
        key = tag if regime is None else regime.key
        if key in out:  # e.g. RUSSIA-EO and RUSSIA-EO14024
            out[key].add("program", tag, origin=SDN)
            continue
        sanction = base.make_sanction(main, tag, regime, origin=SDN)
        sanction.add("authorityId", ent_num, origin=SDN)
        for text, origin in provisions:
            sanction.add("provisions", text, origin=origin)
        out[key] = sanction
    return list(out.values())


def apply_remarks(
    entity: StatementEntity, parsed: Remarks, skip: Collection[str] = ()
) -> list[StatementEntity]:
    """Write the understood facts, documents and notes of `parsed` onto `entity`.

    Statements whose text is in `skip` (already read from a column) are left out. Returns the
    further entities the remarks make: identity documents and crypto wallets. Links and
    provisions are the caller's (they need the other entries and the sanctions).
    """
    for fact in parsed.facts:
        add_or_note(entity, fact.prop, fact.value, fact.origin, fact.segment, fact.soft)
    others: dict[str, StatementEntity] = {}
    made = [apply_document(entity, doc) for doc in parsed.documents]
    made += [_wallet(entity, *wallet) for wallet in parsed.wallets]
    for other in made:
        if other is None or other.id is None:
            continue
        if other.id in others:  # the same document written twice ("alt." repeats)
            others[other.id].merge(other)
        else:
            others[other.id] = other
    for note, origin in parsed.notes:
        entity.add("notes", note, origin=origin)
    for segment, origin in parsed.unknown:
        if segment.rstrip(".") not in skip:
            entity.add("notes", segment, origin=origin)
    return list(others.values())


# OFAC labels some numbers as a kind they fail to be ("Legal Entity Number 07609623").
FALLBACK = {"leiCode": "registrationNumber", "socialSecurityNumber": "idNumber",
            "imoNumber": "registrationNumber"}  # fmt: skip


def add_or_note(
    entity: StatementEntity, prop: str, value: str, origin: str, segment: str, soft: bool = False
) -> None:
    """Add `value` to `prop`; if the schema lacks `prop` or FtM refuses the value, keep the
    statement's text in ``notes`` instead (unless `soft`: a guess that may be dropped)."""
    added = None
    for name in (prop, FALLBACK.get(prop)):
        prop_ = entity.schema.get(name) if name else None
        if added is None and prop_ is not None and not prop_.stub and value:
            # The property's format (an LEI's checksum, an IMO number's digits) is checked
            # too: a number that fails it is kept under a plainer identifier property.
            added = entity.unsafe_add(prop_, value, origin=origin, format=prop_.format)
    if added is None and not soft:
        entity.add("notes", segment, origin=origin)


def apply_document(entity: StatementEntity, doc: Document) -> StatementEntity | None:
    """Add a document's number to `entity`; return a Passport or Identification for it when
    the document says more than its number (country, dates) and `entity` can hold one."""
    country = registry.country.clean_text(doc.country) if doc.country else None
    # A parenthesis that is not a country (a city, a profession) stays with the number.
    number = doc.number if country or not doc.country else f"{doc.number} ({doc.country})"
    prop = doc.prop
    if prop == "passportNumber" and not entity.schema.is_a("Person"):
        prop = "idNumber"
    add_or_note(entity, prop, number, doc.origin, doc.segment)
    if country is None and not doc.issued and not doc.expires:
        return None
    if not entity.schema.is_a("LegalEntity"):
        # A vessel's or aircraft's registration country; dates have no place but the notes.
        entity.add("country", country, origin=doc.origin, cleaned=True)
        if doc.issued or doc.expires:
            entity.add("notes", doc.segment, origin=doc.origin)
        return None
    person = entity.schema.is_a("Person")
    schema = "Passport" if doc.kind == PASSPORT and person else "Identification"
    key = _slug(f"{doc.label} {number}")
    ident = entities.make(entities.source_of(entity), schema, f"{entity.id}-doc-{key}")
    ident.add("holder", entity.id, origin=doc.origin)
    ident.add("number", number, origin=doc.origin)
    ident.add("type", doc.label, origin=doc.origin)
    ident.add("country", country, origin=doc.origin, cleaned=True)
    ident.add("startDate", doc.issued, origin=doc.origin)
    ident.add("endDate", doc.expires, origin=doc.origin)
    return ident


def _slug(text: str) -> str:
    # FtM refuses ids that end in a dash, which slugify leaves after some scripts.
    return (slugify(text, sep="-") or "").strip("-") or "x"


def _wallet(
    entity: StatementEntity, currency: str, address: str, origin: str
) -> StatementEntity | None:
    segment = f"Digital Currency Address - {currency} {address}"
    if not entity.schema.is_a("LegalEntity"):
        entity.add("notes", segment, origin=origin)
        return None
    key = _slug(f"{currency} {address}")
    wallet = entities.make(entities.source_of(entity), "CryptoWallet", f"{entity.id}-wallet-{key}")
    wallet.add("holder", entity.id, origin=origin)
    wallet.add("publicKey", address, origin=origin)
    wallet.add("currency", currency, origin=origin)
    return wallet

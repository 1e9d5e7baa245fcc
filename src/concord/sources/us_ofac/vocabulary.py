"""The labels of the OFAC Remarks mini-language, as data: which label makes which property.

``DOB 1960`` is label ``DOB`` and value ``1960``; `LABEL` finds the label of a statement.
The XML formats name the same facts by their id types and feature types (``Nationality
Country``, ``Vessel Flag``...), which are labels here too, and are read by the same rules
(`concord.sources.us_ofac.remarks`).
"""

from __future__ import annotations

import re


def _labels(groups: dict[str, str]) -> dict[str, str]:
    """Invert ``{value: "label|label"}`` into ``{label: value}``."""
    return {label: value for value, labels in groups.items() for label in labels.split("|")}


# Statement label -> property; the value is the rest of the statement. The XML formats name
# the same facts by their id types and feature types (Nationality Country, Vessel Flag...).
SIMPLE = _labels(
    {
        "nationality": "nationality|Nationality Country",
        "citizenship": "citizen|Citizenship Country",
        "jurisdiction": "Nationality of Registration|Registration Country",
        "gender": "Gender",
        "email": "Email Address|Email",
        "website": "Website",
        "sector": "Organization Type",
        "legalForm": "Target Type",
        "position": "Title|Position",
        "model": "Aircraft Model",
        "pastFlags": "Former Vessel Flag",
        "flag": "Other Vessel Flag|Vessel Flag",
        "callSign": "Other Vessel Call Sign|Vessel Call Sign",
        "type": "Other Vessel Type|VESSEL TYPE|Vessel Type",
        "tonnage": "Vessel Tonnage",
        "grossRegisteredTonnage": "Vessel Gross Registered Tonnage",
    }
)
DATES = _labels(
    {
        "birthDate": "DOB|Birthdate",
        "incorporationDate": "Organization Established Date",
        "buildDate": "Aircraft Manufacture Date|Vessel Year of Build",
    }
)
PHONES = _labels(
    {"phone": "Phone Number|Phone No.|Phone|PHONE|Telephone No.|Telephone Number|Telephone"}
    | {"fax": "Fax No.|Fax|FAX"}
)
# Labels kept as labelled notes: understood, but FtM has no text property for them.
NOTED = _labels(
    {"note": "Aircraft Operator|ISIN|Equity Ticker|MICEX Code|UN/LOCODE|arrested|Vessel Owner"}
    | {"former": "Former Citizenship Country"}
)
# Statements about the sanction itself (its scope), kept as Sanction `provisions`.
PROVISIONS = re.compile(
    r"(?:Additional Sanctions Information|Secondary sanctions risk|Transactions Prohibited For"
    r"|Executive Order \d+|CAATSA Section|IFCA Determination|PEESA Information"
    r"|Listing Date \(|Effective Date \(|Purchase/Sales For|For more information on directives)",
    re.IGNORECASE,
)
# Identity documents: label -> (property of the main entity, kind). Kind "passport" makes a
# Passport, "id" an Identification, when the main entity can hold one.
ID, PASSPORT = "id", "passport"
_GROUPS: dict[tuple[str, str], str] = {
    ("passportNumber", PASSPORT): "Passport|Diplomatic Passport|Passport Booklet|Passport No."
    "|British National Overseas Passport|Stateless Person Passport",
    ("idNumber", ID): "National ID No.|Cedula No.|Identification Number|C.U.R.P.|C.U.R.P. #"
    "|D.N.I.|Personal ID Card|Electoral Registry No.|Credencial electoral"
    "|National Foreign ID Number|Cartilla de Servicio Militar Nacional|Birth Certificate Number"
    "|I.F.E.|Residency Number|C.U.I.|Numero de Identidad|Turkish Identification Number"
    "|Turkish Identificiation Number|Citizen's Card Number|C.U.I.P.|Travel Document Number"
    "|VisaNumberID|Kenyan ID No.|Refugee ID Card|SRE Permit No.|SRE Permit No|Immigration No."
    "|Public Security and Immigration No.|Moroccan Personal ID No.|Bosnian Personal ID No."
    "|N.I.E.|Stateless Person ID Card|CNP (Personal Numerical Code)"
    "|Romanian Permanent Resident|UAE Identification|Tazkira National ID Card"
    "|Seafarer's Identification Document|Federal ID Card|Driver's License No."
    "|Pilot License Number|Tarjeta Profesional|Military Registration Number|File Number"
    "|Serial No.",
    ("socialSecurityNumber", ID): "SSN",
    ("taxNumber", ID): "Tax ID No.|NIT #|RUC #|R.F.C.|R.F.C. #|RFC|RIF #|Italian Fiscal Code"
    "|C.U.I.T.|RTN|C.I.F.|N.I.F.|Fiscal Code|Romanian Tax Registration|RUT #|US FEIN"
    "|Paraguayan tax identification number|Numero Unico de Identificacao Tributaria (NUIT)",
    ("vatCode", ID): "V.A.T. Number",
    ("registrationNumber", ID): "Registration Number|Registration ID|Company Number"
    "|Business Registration Number|Commercial Registry Number|Matricula Mercantil No|C.R. No."
    "|Folio Mercantil No.|Government Gazette Number|Chamber of Commerce Number"
    "|Economic Register Number (CBLS)|Central Registration System Number|UK Company Number"
    "|Istanbul Chamber of Comm. No.|Business Number|Registered Charity No."
    "|Dubai Chamber of Commerce Membership No.|Certificate of Incorporation Number"
    "|Business Registration Document #|Public Registration Number|Enterprise Number"
    "|Branch Unit Number|Trade License No.|License|Chinese Commercial Code|Romanian C.R."
    "|RSIN|Trademark number|Registration Certificate Number (Dubai)|C.I.N.|Permit Number"
    "|Afghan Money Service Provider License Number|MSB Registration Number"
    "|Tourism License No.|BIK (RU)|Vessel Registration Identification"
    "|Aircraft Tail Number|Previous Aircraft Tail Number|Aircraft Mode S Transponder Code",
    ("uscCode", ID): "Unified Social Credit Code (USCC)"
    "|United Social Credit Code Certificate (USCCC)",
    ("ogrnCode", ID): "Russian State Individual Business Registration Number Pattern (OGRNIP)",
    ("leiCode", ID): "Legal Entity Number|LE Number",
    ("swiftBic", ID): "SWIFT/BIC",
    ("dunsCode", ID): "D-U-N-S Number",
    ("imoNumber", ID): "Vessel Registration Identification IMO|Identification Number IMO"
    "|Company Number IMO|International Maritime Organization No.",
    ("mmsi", ID): "MMSI",
    ("serialNumber", ID): "Aircraft Manufacturer's Serial Number (MSN)"
    "|Aircraft Construction Number (also called L/N or S/N or F/N)"
    "|Aircraft Serial Identification",
}
DOCUMENTS: dict[str, tuple[str, str]] = {
    label: prop_kind for prop_kind, labels in _GROUPS.items() for label in labels.split("|")
}
_LABELS = sorted(
    [*SIMPLE, *DATES, *PHONES, *NOTED, *DOCUMENTS, "POB", "Linked To"], key=len, reverse=True
)
LABEL = re.compile(
    r"(?:[Aa]lt\. )?(" + "|".join(re.escape(label) for label in _LABELS) + r")(?:\s*:\s*|\s+)(.+)",
    re.DOTALL,
)

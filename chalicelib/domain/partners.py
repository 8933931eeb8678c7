"""The partner directory: partners, their contacts, and parsing the directory CSV."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from .errors import FieldProblem, InvalidInput
from .text import repair_text, text_problem

DEFAULT_TIERS = ("enrolled", "advanced", "principal")
DEFAULT_REGIONS = ("AMER", "EMEA", "APJ", "LATAM")
REQUIRED_COLUMNS = (
    "partner_id", "name", "tier", "region", "country", "partner_types", "transacting",
    "annual_revenue", "programs", "account_manager_email",
    "contact_name", "contact_email", "contact_language",
)
OPTIONAL_COLUMNS = ("revenue_band",)
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[A-Za-z]{2,}$")
PARTNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
TAG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_REVENUE = Decimal(10) ** 15  # DynamoDB numbers hold 38 digits; no partner earns a quadrillion
MAX_REVENUE_CHARS = 30
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}
MAX_NAME = 200


@dataclass(frozen=True)
class Contact:
    contact_id: str
    name: str
    email: str
    language: str = "en"


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    tier: str
    region: str
    country: str
    partner_types: tuple[str, ...]
    transacting: bool
    annual_revenue: Decimal | None
    programs: tuple[str, ...]
    account_manager_email: str
    contacts: tuple[Contact, ...] = field(default=())
    revenue_band: str | None = None

    def snapshot(self) -> dict:
        """The attributes a response keeps, as they are at submit time."""
        return {
            "partner_id": self.partner_id, "tier": self.tier, "region": self.region,
            "country": self.country, "partner_types": list(self.partner_types),
            "transacting": self.transacting, "annual_revenue": self.annual_revenue,
            "revenue_band": self.revenue_band, "programs": list(self.programs),
        }

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.contact_id == contact_id), None)


def contact_id_for(email: str) -> str:
    """Stable contact id derived from the e-mail address (so re-imports match)."""
    return "C" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:15]


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in re.split(r"[;|]", value) if part.strip()))


def _parse_row(row: dict, line: int, tiers, regions, problems: list[FieldProblem],
               types_allowed=None, programs_allowed=None) -> Partner | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(FieldProblem(f"line {line}, column {column}", message))

    cell = {k: (v or "").strip() for k, v in row.items() if k is not None}
    for column, value in row.items():  # valid Unicode, no control characters (chalicelib/domain/text.py)
        if column is None or not isinstance(value, str):
            continue
        problem = text_problem(column) or text_problem(value)
        if problem:
            bad(repair_text(column), problem)
            cell[column] = ""
    if None in row:
        bad("(extra)", "row has more cells than the header")
    pid = cell.get("partner_id", "")
    if not PARTNER_ID.match(pid):
        bad("partner_id", "must be letters, digits, '-' or '_' (1-64)")
    for column in ("name", "contact_name"):
        if not cell.get(column):
            bad(column, "is required")
        elif len(cell[column]) > MAX_NAME:
            bad(column, f"is longer than {MAX_NAME} characters")
    if cell.get("tier") not in tiers:
        bad("tier", f"'{cell.get('tier')}' is not one of {', '.join(tiers)}")
    if cell.get("region") not in regions:
        bad("region", f"'{cell.get('region')}' is not one of {', '.join(regions)}")
    country = cell.get("country", "").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        bad("country", "must be a two-letter ISO country code such as DE")
    types = tuple(t.lower().replace(" ", "_") for t in _split(cell.get("partner_types", "")))
    if not types or not all(TAG.match(t) for t in types):
        bad("partner_types", "must list one or more types separated by ';' (e.g. reseller;cloud)")
    elif types_allowed is not None and any(t not in types_allowed for t in types):
        unknown = next(t for t in types if t not in types_allowed)
        bad("partner_types", f"'{unknown}' is not one of {', '.join(types_allowed)}")
    transacting_word = cell.get("transacting", "").lower()
    if transacting_word not in TRUE_WORDS | FALSE_WORDS:
        bad("transacting", "must be yes or no")
    revenue = None
    if cell.get("annual_revenue"):
        try:
            if len(cell["annual_revenue"]) > MAX_REVENUE_CHARS:
                raise InvalidOperation
            revenue = Decimal(cell["annual_revenue"].replace(",", "").replace("_", ""))
            if not revenue.is_finite() or revenue < 0 or revenue >= MAX_REVENUE:
                raise InvalidOperation
        except InvalidOperation:
            bad("annual_revenue", "must be a non-negative number below 10^15")
    elif not cell.get("revenue_band"):
        bad("annual_revenue", "give annual_revenue or revenue_band")
    programs = _split(cell.get("programs", ""))
    if not all(TAG.match(p) for p in programs):
        bad("programs", "must be identifiers such as proof_of_concept separated by ';'")
    elif programs_allowed is not None and any(p not in programs_allowed for p in programs):
        unknown = next(p for p in programs if p not in programs_allowed)
        bad("programs", f"'{unknown}' is not one of {', '.join(programs_allowed)}")
    for column in ("account_manager_email", "contact_email"):
        if not EMAIL.match(cell.get(column, "")):
            bad(column, "is not a valid e-mail address")
    language = cell.get("contact_language") or "en"
    if not LANGUAGE.match(language):
        bad("contact_language", "must be a language tag such as en, es, ja, de")
    if len(problems) > before:
        return None
    email = cell["contact_email"]
    return Partner(
        partner_id=pid, name=cell["name"], tier=cell["tier"], region=cell["region"],
        country=country, partner_types=types, transacting=transacting_word in TRUE_WORDS,
        annual_revenue=revenue, revenue_band=cell.get("revenue_band") or None,
        programs=programs, account_manager_email=cell["account_manager_email"].lower(),
        contacts=(Contact(contact_id_for(email), cell["contact_name"], email.lower(), language),),
    )


def parse_partner_csv(text: str, tiers=DEFAULT_TIERS, regions=DEFAULT_REGIONS, *,
                      partner_types=None, programs=None) -> list[Partner]:
    """Parse a directory CSV (one row per contact) into partners with their contacts.

    ``tiers``/``regions`` (and, when given, ``partner_types``/``programs``) are the allowed
    ids, normally from the applied program. All-or-nothing: raises InvalidInput naming every
    bad line and column.
    """
    if not text.strip():
        raise InvalidInput(FieldProblem("line 1", "the file is empty"))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        first_line = text.lstrip("\ufeff").splitlines()[0]
        hint = ""
        for name, sep in (("semicolons", ";"), ("tabs", "\t")):
            if len(header) <= 1 and first_line.count(sep) >= 3:
                hint = (f"; the header is separated by {name}: save the file as comma-separated CSV "
                        "(in Excel: 'CSV UTF-8 (Comma delimited)')")
        raise InvalidInput(FieldProblem("line 1", f"missing column(s): {', '.join(missing)}{hint}"))
    problems: list[FieldProblem] = []
    partners: dict[str, Partner] = {}
    seen_emails: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        partner = _parse_row(row, line, tiers, regions, problems, partner_types, programs)
        if partner is None:
            continue
        contact = partner.contacts[0]
        if contact.email in seen_emails:
            problems.append(FieldProblem(
                f"line {line}, column contact_email",
                f"duplicate contact; first seen on line {seen_emails[contact.email]}"))
            continue
        seen_emails[contact.email] = line
        existing = partners.get(partner.partner_id)
        if existing is None:
            partners[partner.partner_id] = partner
            continue
        conflicts = [name for name in ("name", "tier", "region", "country", "partner_types",
                                       "transacting", "annual_revenue", "programs",
                                       "account_manager_email")
                     if getattr(existing, name) != getattr(partner, name)]
        if conflicts:
            problems.append(FieldProblem(
                f"line {line}, column {conflicts[0]}",
                f"differs from an earlier row of partner {partner.partner_id}"))
            continue
        partners[partner.partner_id] = replace(existing, contacts=existing.contacts + (contact,))
    if not partners and not problems:
        problems.append(FieldProblem("line 2", "the file has a header but no partners"))
    if problems:
        raise InvalidInput(problems, summary=f"{len(problems)} problem(s) in the partner file")
    return list(partners.values())

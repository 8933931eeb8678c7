"""Admin use cases: publish surveys, import the partner directory, open and close waves."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.partners import Partner, parse_partner_csv
from chalicelib.domain.survey import Survey, parse_survey_definition
from chalicelib.domain.waves import OPEN, Wave, check_wave_id, iso, parse_instant

from .ports import Repositories


def publish_survey(repos: Repositories, definition: dict, now: datetime) -> tuple[Survey, str]:
    """Validate and publish a definition version: returns (survey, 'created'|'unchanged')."""
    survey = parse_survey_definition(definition)
    return survey, repos.surveys.publish(survey, iso(now))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # partner id -> changed fields
    unchanged: list[str] = field(default_factory=list)
    contacts: int = 0


COMPARED_FIELDS = ("name", "tier", "region", "country", "partner_types", "transacting",
                   "annual_revenue", "revenue_band", "programs", "account_manager_email", "contacts")


def import_partners(repos: Repositories, csv_text: str, now: datetime, *, dry_run: bool = False) -> ImportReport:
    """Upsert the partner directory from CSV text; all-or-nothing on bad rows."""
    partners = parse_partner_csv(csv_text)
    existing = {p.partner_id: p for p in repos.partners.all()}
    report = ImportReport(contacts=sum(len(p.contacts) for p in partners))
    changed: list[Partner] = []
    for partner in partners:
        before = existing.get(partner.partner_id)
        if before is None:
            report.created.append(partner.partner_id)
            changed.append(partner)
            continue
        fields = [name for name in COMPARED_FIELDS if getattr(before, name) != getattr(partner, name)]
        if fields:
            report.updated[partner.partner_id] = fields
            changed.append(partner)
        else:
            report.unchanged.append(partner.partner_id)
    if changed and not dry_run:
        repos.partners.put_many(changed, iso(now))
    return report


def open_wave(repos: Repositories, survey_id: str, wave_id: str, closes: str, now: datetime,
              version: int | None = None) -> Wave:
    """Open a wave of a published survey version (the latest by default)."""
    check_wave_id(wave_id)
    closes_at = parse_instant(closes)
    if closes_at <= now:
        raise InvalidInput(FieldProblem("closes", "must be in the future"))
    survey = repos.surveys.get(survey_id, version)
    wave = Wave(wave_id=wave_id, survey_id=survey.id, survey_version=survey.version,
                status=OPEN, opens_at=iso(now), closes_at=iso(closes_at))
    repos.waves.add(wave)
    return wave


def close_wave(repos: Repositories, wave_id: str, now: datetime) -> bool:
    """Close a wave now; False when it was closed already."""
    repos.waves.get(wave_id)
    return repos.waves.close(wave_id, iso(now))

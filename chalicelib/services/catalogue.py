"""Admin use cases: publish surveys, import the partner directory, open and close waves."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput, SurveyNotFound, WaveNotFound
from chalicelib.domain.partners import Partner, parse_partner_csv
from chalicelib.domain.suggest import did_you_mean
from chalicelib.domain.survey import Survey, parse_survey_definition
from chalicelib.domain.waves import OPEN, Wave, check_wave_id, check_wave_title, iso, parse_instant

from .ports import Repositories
from .program import check_survey_against_program, current_program


def publish_survey(repos: Repositories, definition: dict, now: datetime) -> tuple[Survey, str]:
    """Validate and publish a definition version: returns (survey, 'created'|'unchanged')."""
    survey = parse_survey_definition(definition)
    check_survey_against_program(survey, current_program(repos))
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
    program = current_program(repos)
    partners = parse_partner_csv(csv_text, program.ids("tier"), program.ids("region"),
                                 partner_types=program.ids("partner_type") or None,
                                 programs=program.ids("program") or None)  # none listed: not restricted
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


def resolve_audience(repos: Repositories, *, partner_ids: list[str] | None = None, source: str | None = None,
                     tiers=(), regions=(), programs=()) -> dict | None:
    """The partners a wave invites, fixed at opening; None means the whole directory.

    ``partner_ids`` (from an audience file) and the filters (tier, region, incentive
    program; any of several values) combine. Unknown ids and values are refused with the
    closest existing ones as a hint.
    """
    filters = {"tier": list(tiers), "region": list(regions), "program": list(programs)}
    if partner_ids is None and not any(filters.values()):
        return None
    program = current_program(repos)
    problems = []
    for dimension, values in filters.items():
        allowed = program.ids(dimension)
        for value in values:
            if value not in allowed:
                problems.append(FieldProblem(f"--{dimension}", f"'{value}' is not one of {', '.join(allowed)}"
                                             + did_you_mean(value, allowed)))
    directory = {p.partner_id: p for p in repos.partners.all()}
    if partner_ids is not None:
        for pid in partner_ids:
            if pid not in directory:
                problems.append(FieldProblem(f"{source or 'audience'}: partner_id {pid}",
                                             "is not in the partner directory" + did_you_mean(pid, directory)))
    if problems:
        raise InvalidInput(problems[:50], summary=f"{len(problems)} problem(s) in the audience")
    chosen = [directory[pid] for pid in partner_ids] if partner_ids is not None else list(directory.values())
    chosen = [p for p in chosen
              if (not filters["tier"] or p.tier in filters["tier"])
              and (not filters["region"] or p.region in filters["region"])
              and (not filters["program"] or set(p.programs) & set(filters["program"]))]
    if not chosen:
        raise InvalidInput(FieldProblem("audience", "no partner matches; the wave would invite nobody"))
    return {"source": source or "filters", "filters": {k: v for k, v in filters.items() if v},
            "partner_ids": [p.partner_id for p in chosen]}


def open_wave(repos: Repositories, survey_id: str, wave_id: str, closes: str, now: datetime,
              version: int | None = None, audience: dict | None = None, title: str | None = None) -> Wave:
    """Open a wave of a published survey version (the latest by default) for an audience; ``title``
    names it in reports and pages ("H1 2026")."""
    check_wave_id(wave_id)
    title = check_wave_title(title)
    closes_at = parse_instant(closes)
    if closes_at <= now:
        raise InvalidInput(FieldProblem("closes", "must be in the future"))
    survey = get_survey(repos, survey_id, version)
    wave = Wave(wave_id=wave_id, survey_id=survey.id, survey_version=survey.version,
                status=OPEN, opens_at=iso(now), closes_at=iso(closes_at), audience=audience, title=title)
    repos.waves.add(wave)
    return wave


def close_wave(repos: Repositories, wave_id: str, now: datetime) -> bool:
    """Close a wave now; False when it was closed already."""
    get_wave(repos, wave_id)
    return repos.waves.close(wave_id, iso(now))


def extend_wave(repos: Repositories, wave_id: str, closes: str, now: datetime) -> Wave:
    """Move a wave's closing date into the future (reopening it when it was closed)."""
    get_wave(repos, wave_id)
    closes_at = parse_instant(closes)
    if closes_at <= now:
        raise InvalidInput(FieldProblem("closes", "must be in the future"))
    repos.waves.extend(wave_id, iso(closes_at))
    return repos.waves.get(wave_id)


def survey_ids(repos: Repositories) -> list[str]:
    return sorted({v["survey_id"] for v in repos.surveys.versions()})


def all_waves(repos: Repositories) -> list[Wave]:
    """Every wave of every listed survey, oldest first."""
    waves = [w for sid in survey_ids(repos) for w in repos.waves.waves_of_survey(sid)]
    return sorted(waves, key=lambda w: (w.opens_at, w.wave_id))


def get_wave(repos: Repositories, wave_id: str) -> Wave:
    """A wave, or WaveNotFound naming the closest existing wave ids."""
    try:
        return repos.waves.get(wave_id)
    except WaveNotFound:
        raise WaveNotFound(f"no wave {wave_id}" + did_you_mean(wave_id, [w.wave_id for w in all_waves(repos)])) \
            from None


def get_survey(repos: Repositories, survey_id: str, version: int | None = None) -> Survey:
    """A survey version, or SurveyNotFound naming the closest existing survey ids."""
    try:
        return repos.surveys.get(survey_id, version)
    except SurveyNotFound as error:
        hint = did_you_mean(survey_id, survey_ids(repos)) if survey_id not in survey_ids(repos) else ""
        raise SurveyNotFound(f"{error}{hint}") from None

"""``pulse wave|survey|partners list|show``: see what exists before changing it."""
from __future__ import annotations

from collections import Counter

import click

from .errors import report_errors


def _repos():
    from chalicelib import wiring

    wiring.reset()
    return wiring.repositories()


@click.command("list")
@click.option("--survey", "survey_id", help="Only waves of this survey.")
@report_errors
def wave_list(survey_id: str | None) -> None:
    """Every wave: survey version, status, dates and audience size."""
    from chalicelib.services.catalogue import all_waves, get_survey

    repos = _repos()
    if survey_id:
        get_survey(repos, survey_id)
        waves = repos.waves.waves_of_survey(survey_id)
    else:
        waves = all_waves(repos)
    if not waves:
        click.echo("no waves")
        return
    click.echo(f"{'wave':<20} {'survey':<18} {'status':<7} {'opens':<21} {'closes':<21} audience")
    for w in waves:
        audience = "all partners" if w.audience is None else f"{len(w.audience.get('partner_ids') or [])} partners"
        click.echo(f"{w.wave_id:<20} {w.survey_id + ' v' + str(w.survey_version):<18} {w.status:<7} "
                   f"{w.opens_at:<21} {w.closed_on:<21} {audience}")


@click.command("show")
@click.argument("wave_id")
@report_errors
def wave_show(wave_id: str) -> None:
    """One wave: dates, audience and invitations by state."""
    from chalicelib.services.catalogue import get_wave

    repos = _repos()
    w = get_wave(repos, wave_id)
    click.echo(f"wave {w.wave_id}: {w.survey_id} v{w.survey_version}, {w.status}")
    click.echo(f"  opens {w.opens_at}, closes {w.closes_at}" + (f", closed {w.closed_at}" if w.closed_at else ""))
    if w.audience is None:
        click.echo("  audience: the whole partner directory")
    else:
        ids = w.audience.get("partner_ids") or []
        filters = ", ".join(f"{k} {'|'.join(v)}" for k, v in (w.audience.get("filters") or {}).items())
        click.echo(f"  audience: {len(ids)} partner(s) from {w.audience.get('source')}"
                   + (f" ({filters})" if filters else ""))
        click.echo("    " + ", ".join(ids[:20]) + (f" ... and {len(ids) - 20} more" if len(ids) > 20 else ""))
    states = Counter(i.state for i in repos.invitations.for_wave(wave_id))
    total = sum(states.values())
    click.echo(f"  invitations: {total}" + (": " + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
                                            if total else " (none yet: `pulse invitations create`)"))


@click.command("list")
@report_errors
def survey_list() -> None:
    """Every published survey version."""
    repos = _repos()
    versions = repos.surveys.versions()
    if not versions:
        click.echo("no surveys (publish one with `pulse survey create FILE`)")
        return
    for v in versions:
        click.echo(f"{v['survey_id']:<24} v{v['version']:<4} published {v.get('published_at') or '-'}")


@click.command("show")
@click.argument("survey_id")
@click.option("--version", type=int, help="Default: the latest.")
@report_errors
def survey_show(survey_id: str, version: int | None) -> None:
    """Sections and questions of a survey version (ids, types, logic)."""
    from chalicelib.domain.survey import localized
    from chalicelib.services.catalogue import get_survey

    s = get_survey(_repos(), survey_id, version)
    click.echo(f"{s.id} v{s.version}: {localized(s.title, 'en')} (languages {', '.join(s.languages)}; "
               f"reporting {s.reporting})")
    for section in s.sections:
        click.echo(f"  [{section.id}] {localized(section.title, 'en')}"
                   + (f"  show_if {section.show_if}" if getattr(section, "show_if", None) else ""))
        for q in section.questions:
            flags = [q.type + (f"/{q.scale}" if q.scale else "")]
            if q.required:
                flags.append("required")
            if q.program:
                flags.append(f"program {q.program}")
            if getattr(q, "show_if", None):
                flags.append(f"show_if {q.show_if}")
            click.echo(f"    {q.id:<22} {', '.join(flags)}: {localized(q.text, 'en')[:60]}")


@click.command("list")
@click.option("--tier", multiple=True)
@click.option("--region", multiple=True)
@click.option("--program", multiple=True)
@click.option("--limit", default=50, show_default=True, help="Rows to print (0: all).")
@report_errors
def partners_list(tier: tuple, region: tuple, program: tuple, limit: int) -> None:
    """Partners of the directory, optionally filtered."""
    partners = [p for p in _repos().partners.all()
                if (not tier or p.tier in tier) and (not region or p.region in region)
                and (not program or set(p.programs) & set(program))]
    click.echo(f"{len(partners)} partner(s)")
    for p in partners[: limit or None]:
        click.echo(f"  {p.partner_id:<10} {p.name[:30]:<31} {p.tier:<10} {p.region:<6} "
                   f"{len(p.contacts)} contact(s)  {';'.join(p.programs)}")
    if limit and len(partners) > limit:
        click.echo(f"  ... and {len(partners) - limit} more (--limit 0 lists all)")


@click.command("show")
@click.argument("partner_id")
@report_errors
def partners_show(partner_id: str) -> None:
    """One partner with its attributes and contacts."""
    from chalicelib.domain.errors import NotFound
    from chalicelib.domain.suggest import did_you_mean

    repos = _repos()
    p = repos.partners.get(partner_id)
    if p is None:
        known = [x.partner_id for x in repos.partners.all()]
        raise NotFound(f"no partner {partner_id}" + did_you_mean(partner_id, known))
    click.echo(f"{p.partner_id}: {p.name}")
    click.echo(f"  tier {p.tier}, region {p.region}, country {p.country}, types {', '.join(p.partner_types)}")
    click.echo(f"  programs {', '.join(p.programs) or '-'}; transacting {'yes' if p.transacting else 'no'}; "
               f"revenue {p.annual_revenue if p.annual_revenue is not None else p.revenue_band}")
    click.echo(f"  account manager {p.account_manager_email}")
    for c in p.contacts:
        click.echo(f"  contact {c.contact_id}: {c.name} <{c.email}> ({c.language})")


def install_listing_commands(cli: click.Group) -> None:
    """Add list/show to the wave, survey and partners groups."""
    cli.commands["wave"].add_command(wave_list)
    cli.commands["wave"].add_command(wave_show)
    cli.commands["survey"].add_command(survey_list)
    cli.commands["survey"].add_command(survey_show)
    cli.commands["partners"].add_command(partners_list)
    cli.commands["partners"].add_command(partners_show)

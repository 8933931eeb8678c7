"""``pulse impact estimate``: the effect of a recorded program change, from a responses CSV."""
from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from chalicelib.domain.errors import FieldProblem, InvalidInput

from .errors import report_errors
from .files import load_definition, located_problems, read_text


@click.group("impact")
def impact() -> None:
    """Effects of program changes on partner experience (difference in differences)."""


class _TextDates(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so 2026-02-30 is a located problem, not a crash."""


_TextDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_record(path: Path) -> dict:
    """A change record from YAML or JSON (errors with file:line:column)."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return load_definition(path)
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_TextDates)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InvalidInput(FieldProblem(where, getattr(error, "problem", None) or "invalid YAML")) from None


def load_change_file(path: Path):
    from chalicelib.domain.changes import parse_change

    with located_problems(path):
        return parse_change(load_record(path))


def metric_for(ref, scales: dict):
    from analysis.impact import Metric

    return Metric(ref.kind, ref.question, scale=scales.get(ref.question))


def estimates_for_file(responses: Path, change, *, metrics=(), level=0.90, min_partners=3, threshold=5,
                       mapping: Path | None = None, scale: int = 5) -> list[dict]:
    from analysis.history_csv import read_history_csv
    from analysis.impact import affected_flags, estimate_effect

    refs = list(metrics) or list(change.metrics)
    if not refs:
        raise InvalidInput(FieldProblem("metrics", "the change links no metric; give --metric nps:<question>"))
    bounds = {r.question: ((0.0, 10.0) if r.kind == "nps" else (1.0, float(scale))) for r in refs}
    frame = read_history_csv(read_text(responses), str(responses),
                             load_definition(mapping) if mapping else None, bounds)
    frame = frame.assign(affected=affected_flags(frame, change.segments))
    if "weight" in frame and (frame["weight"] == 1.0).all():
        frame = frame.drop(columns="weight")
    docs = []
    for ref in refs:
        if ref.question not in frame:
            raise InvalidInput(FieldProblem(f"{responses}:1:1", f"no column {ref.question!r} for metric {ref}"))
        docs.append(estimate_effect(frame, metric_for(ref, {ref.question: scale}), change.effective,
                                    change=f"the change '{change.description}'",
                                    who=f"affected partners ({change.segments.describe()})", level=level,
                                    min_partners=min_partners, min_respondents=threshold))
    return docs


def format_estimate(doc: dict) -> str:
    lines = [doc["verdict"]]
    if doc["status"] != "ok":
        return "\n".join(lines)
    est = doc["estimate"]
    lines.append(f"  design: {doc['design']}; {est['partners']} partners; waves before: "
                 f"{', '.join(doc['waves']['before'])}; after: {', '.join(doc['waves']['after'])}")
    lines.append(f"  estimate {est['value']:+.1f} ({est['level']:.0%} interval {est['low']:+.1f} to "
                 f"{est['high']:+.1f}, se {est['se']:.2f}, t with {est['df']} df, p {est['p']:.3f})")
    for cell in doc["cells"]:
        lines.append(f"  {cell['group']:<10} {cell['period']:<6} mean {cell['mean']:+7.1f}  "
                     f"{cell['respondents']} respondents, {cell['partners']} partners")
    panel = doc["panel"]
    if panel["status"] == "ok":
        lines.append(f"  within-partner (panel of {panel['partners']} partners answering before and after): "
                     f"{panel['value']:+.1f} ({panel['level']:.0%} interval {panel['low']:+.1f} to "
                     f"{panel['high']:+.1f})")
    else:
        lines.append(f"  within-partner: not enough data ({panel['reason']})")
    trend = doc["pre_trend"]
    if trend["status"] == "ok":
        lines.append(f"  pre-change trend check: {trend['value']:+.1f} ({trend['level']:.0%} interval "
                     f"{trend['low']:+.1f} to {trend['high']:+.1f}): "
                     f"{'moved together' if trend['moved_together'] else 'moved apart'}")
    else:
        lines.append(f"  pre-change trend check: {trend['status']} ({trend.get('reason', '')})")
    return "\n".join(lines)


@impact.command("estimate")
@click.option("--responses", "responses", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="CSV: wave_id, wave_date, partner_id, segment columns, one column per question.")
@click.option("--change", "change_file", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Change record (YAML or JSON): id, description, effective, segments, metrics.")
@click.option("--metric", "metric_texts", multiple=True,
              help="nps:<question> or top2:<question> (default: the change's).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="YAML mapping another tool's column names to ours: {columns: {Their column: our_id}}.")
@click.option("--scale", type=click.IntRange(2, 11), default=5, show_default=True,
              help="Rating scale of top2/mean metrics.")
@click.option("--level", type=click.FloatRange(0.5, 0.99), default=0.90, show_default=True)
@click.option("--min-partners", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--threshold", type=click.IntRange(min=1), default=5, show_default=True,
              help="Minimum respondents per group and period.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@report_errors
def impact_estimate(responses, change_file, metric_texts, mapping, scale, level, min_partners, threshold, fmt):
    """Estimate a change's effect on its linked metrics: affected against unaffected partners."""
    from chalicelib.domain.changes import parse_metric

    change = load_change_file(change_file)
    problems: list[FieldProblem] = []
    metrics = [m for i, t in enumerate(metric_texts) if (m := parse_metric(t, f"--metric[{i}]", problems))]
    if problems:
        raise InvalidInput(problems)
    docs = estimates_for_file(responses, change, metrics=metrics, level=level, min_partners=min_partners,
                              threshold=threshold, mapping=mapping, scale=scale)
    if fmt == "json":
        click.echo(json.dumps({"change": change.to_dict(), "estimates": docs}, indent=2, default=_plain))
        return
    click.echo(f"Change {change.change_id}: {change.description} (effective {change.effective.isoformat()}; "
               f"affected: {change.segments.describe()})")
    for doc in docs:
        click.echo("")
        click.echo(format_estimate(doc))


def _p(value) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    return str(value)

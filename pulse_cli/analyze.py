"""``pulse analyze`` (the wave scorecard) and ``pulse text analyze`` (sentiment and themes of any CSV)."""
from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import click

from chalicelib.domain.errors import FieldProblem, InvalidInput

from . import program_labels
from .errors import report_errors

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@click.command("analyze")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@click.option("--by", "by", default=None,
              help="Breakdowns, comma-separated; cross with ':' (default tier,region,partner_type,"
                   "transacting,program,tier:region). Dimensions: tier, region, country, transacting, "
                   "revenue_band, partner_type, program.")
@click.option("--compare-previous", is_flag=True, help="Test every segment against the previous wave.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--threshold", type=click.IntRange(min=1), default=5, show_default=True,
              help="Minimum respondents per published cell.")
@click.option("--comments/--no-comments", default=False,
              help="Add sentiment and themes of the text questions, overall and per --comments-by segment (JSON only).")
@click.option("--comment-threshold", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--comments-by", type=click.Choice(["tier", "region", "country", "transacting", "revenue_band"]),
              default="tier", show_default=True, help="Segment of the comment summaries.")
@click.option("--sentiment-cache", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="JSON cache of sentiment by text hash (default .local/sentiment-cache.json).")
@report_errors
def analyze(wave_id, by, compare_previous, fmt, threshold, comments, comment_threshold, comments_by,
            sentiment_cache) -> None:
    """Print the scorecard of a wave: response rate, NPS, CSAT, comparisons and key drivers."""
    from analysis.repository_loader import previous_wave_id, scorecard_for_wave
    from analysis.segments import parse_breakdowns

    from .main import _repos

    breakdowns = parse_breakdowns(by)
    repos = _repos()
    if compare_previous and previous_wave_id(repos, wave_id) is None:
        click.echo(f"note: {wave_id} is the first wave of its survey; nothing to compare with", err=True)
    with _scorer(sentiment_cache if comments else None, enabled=comments) as scorer:
        doc = scorecard_for_wave(repos, wave_id, breakdowns, compare_previous, threshold, comments=comments,
                                 comment_threshold=comment_threshold, comments_by=comments_by, scorer=scorer,
                                 progress=True)
    echo_scorecard(doc, fmt, _program(repos))


def _program(repos):
    return program_labels.current(repos)


def echo_scorecard(doc: dict, fmt: str, program=None) -> None:
    """Print a scorecard document as JSON, CSV or a table (``pulse analyze``, ``pulse snapshot show``).

    With the ``program``, the table speaks its language: tier, region, type and program labels, in
    the program's order."""
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False))
    elif fmt == "csv":
        click.echo(scorecard_csv(doc), nl=False)
    else:
        click.echo(scorecard_table(doc, program))


@contextlib.contextmanager
def _scorer(cache_path: Path | None, enabled: bool = True):
    """A CommentScorer whose cache is read from and written back to a JSON file (None when not enabled)."""
    if not enabled:
        yield None
        return
    from analysis.sentiment import CommentScorer, load_cache, save_cache

    if cache_path is None:
        from .stage import project_root

        cache_path = project_root() / ".local" / "sentiment-cache.json"
    scorer = CommentScorer(cache=load_cache(cache_path))
    yield scorer
    if scorer.engine_calls:
        try:
            save_cache(scorer.cache, cache_path)
        except OSError as error:
            click.echo(f"note: sentiment cache not saved to {cache_path}: {error.strerror}", err=True)


def _fmt_est(value, scale: float = 1.0, digits: int = 0) -> str:
    if value == "suppressed":
        return "suppressed"
    if not isinstance(value, dict) or value.get("value") is None:
        return "-"
    v, lo, hi = (round(value[k] * scale, digits) + 0.0 if value[k] is not None else float("nan")
                 for k in ("value", "ci_low", "ci_high"))  # + 0.0 turns -0.0 into 0.0
    return f"{v:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def _flag(test) -> str:
    if test in (None, "suppressed") or not isinstance(test, dict) or test.get("nps") is None:
        return "" if test != "suppressed" else "suppressed"
    nps = test["nps"]
    mark = "*" if nps["significant"] else ""
    return f"{nps['difference']:+.1f}{mark}"


def scorecard_table(doc: dict, program=None) -> str:
    """Human-readable scorecard: one line per segment; '*' marks a significant difference."""
    lines = [f"Wave {doc['wave']['id']}"
             + (f" (compared with {doc['previous_wave']})" if doc["previous_wave"] else "")
             + f"; cells under {doc['suppression']['threshold']} respondents suppressed; "
             + "* = significant after Benjamini-Hochberg at 5%", ""]
    header = f"{'segment':<28} {'resp':>6} {'rate':>6}  {'NPS [95% CI]':<20} {'partner NPS':<20} " \
             f"{'revenue NPS':<20} {'vs rest':>9} {'vs prev':>9}"

    def line(label, cell):
        resp = cell["respondents"]
        rate = cell["response_rate"]
        rate_text = "suppressed" if rate == "suppressed" else (f"{rate:.0%}" if rate is not None else "-")
        return (f"{label[:28]:<28} {str(resp):>6} {rate_text:>6}  {_fmt_est(cell.get('nps')):<20} "
                f"{_fmt_est(cell.get('nps_partner')):<20} {_fmt_est(cell.get('nps_revenue_weighted')):<20} "
                f"{_flag(cell.get('vs_rest')):>9} {_flag(cell.get('vs_previous')):>9}")

    lines += [header, line("overall", doc["overall"])]
    for breakdown in doc["breakdowns"]:
        lines += ["", f"by {' x '.join(breakdown['by'])}", header]
        cells = sorted(breakdown["cells"], key=lambda c: tuple(program_labels.rank(program, k, v)
                                                                for k, v in c["segment"].items()))
        for cell in cells:
            lines.append(line(" / ".join(program_labels.label(program, k, v) for k, v in cell["segment"].items()),
                              cell))
    csat = doc["overall"].get("csat") or {}
    if csat and csat != "suppressed":
        lines += ["", "CSAT overall (top-2-box % [95% CI], mean)"]
        for qid, value in csat.items():
            if value == "suppressed":
                lines.append(f"  {qid:<24} suppressed")
            else:
                lines.append(f"  {qid:<24} {_fmt_est(value['top2'], 100):<20} mean {value['mean']['value']}")
    for drivers in doc["drivers"]:
        seg = ", ".join(f"{k}={program_labels.label(program, k, v)}"
                        for k, v in drivers["segment"].items()) or "overall"
        if drivers["status"] != "ok":
            lines += ["", f"fix first ({seg}): not enough respondents for key drivers"]
            continue
        lines += ["", f"fix first ({seg}; R² {drivers['r2']}, n {drivers['n']}): importance x (1 - top-2-box)"]
        for row in drivers["fix_first"][:5]:
            top2 = row["performance_top2"]
            lines.append(f"  {row['rank']}. {row['question']:<24} importance {row['importance']:.0%} "
                         f"[90% {row['importance_low']:.0%} to {row['importance_high']:.0%}]  "
                         f"top-2-box {'-' if top2 is None else f'{top2:.0%}'}  priority {row['priority']}  "
                         f"ranks first in {row['rank_first']:.0%} of resamples")
        if drivers.get("not_distinguishable"):
            unclear = ", ".join(f"{r['question']} ({'/'.join(r.get('reason') or [])})"
                                for r in drivers["not_distinguishable"])
            lines.append(f"  not fix first (importance not above the average / satisfaction not low): {unclear}")
    return "\n".join(lines)


def _safe(value) -> str:
    """CSV cell text with spreadsheet formula injection neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def scorecard_csv(doc: dict) -> str:
    """Long CSV: breakdown, segment, metric, question, value, ci_low, ci_high, n, suppressed, p_adjusted,
    significant; comparisons appear as metrics ``<metric>_vs_rest`` / ``<metric>_vs_previous`` whose
    value is the difference. Suppressed values are the marker, never numbers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["breakdown", "segment", "metric", "question", "value", "ci_low", "ci_high", "n",
                     "suppressed", "p_adjusted", "significant"])

    def emit(breakdown, segment, metric, question, est, suppressed):
        if est == "suppressed":
            writer.writerow([breakdown, segment, metric, question, "suppressed", "", "", "", suppressed or "yes",
                             "", ""])
        elif isinstance(est, dict) and "difference" in est:
            writer.writerow([breakdown, segment, metric, question, est["difference"], "", "", "", "",
                             est["p_adjusted"], est["significant"]])
        elif isinstance(est, dict):
            writer.writerow([breakdown, segment, metric, question, est.get("value"), est.get("ci_low"),
                             est.get("ci_high"), est.get("n"), "", "", ""])
        elif est is not None:
            writer.writerow([breakdown, segment, metric, question, est, "", "", "", "", "", ""])

    cells = [("overall", "all", doc["overall"])] + [
        (":".join(b["by"]), " / ".join(_safe(v) for v in c["segment"].values()), c)
        for b in doc["breakdowns"] for c in b["cells"]]
    for breakdown, segment, cell in cells:
        hidden = cell["suppressed"]
        emit(breakdown, segment, "respondents", "", cell["respondents"], hidden)
        emit(breakdown, segment, "invited", "", cell["invited"], None)
        emit(breakdown, segment, "response_rate", "", cell["response_rate"], hidden)
        for metric in ("nps", "nps_partner", "nps_revenue_weighted"):
            emit(breakdown, segment, metric, doc["nps_question"], cell.get(metric), hidden)
        for qid, value in (cell.get("csat") or {}).items():
            if value == "suppressed":
                emit(breakdown, segment, "csat_top2", qid, value, hidden)
                emit(breakdown, segment, "csat_mean", qid, value, hidden)
            else:
                emit(breakdown, segment, "csat_top2", qid, value["top2"], None)
                emit(breakdown, segment, "csat_mean", qid, value["mean"], None)
        for kind in ("vs_rest", "vs_previous"):
            comparison = cell.get(kind)
            if comparison == "suppressed":
                emit(breakdown, segment, f"nps_{kind}", doc["nps_question"], comparison, hidden or "yes")
            elif isinstance(comparison, dict):
                emit(breakdown, segment, f"nps_{kind}", doc["nps_question"], comparison.get("nps"), None)
                for qid, test in comparison.get("csat_top2", {}).items():
                    emit(breakdown, segment, f"csat_top2_{kind}", qid, test, None)
    return out.getvalue()


def _aspect_rows(with_absa: bool) -> list[dict]:
    """Tone-per-theme rows: the partner set, and the cached SemEval files when ``with_absa``."""
    from analysis import aspect_evaluation, text_data

    rows = aspect_evaluation.partner_aspects()
    for key in ("absa_restaurants", "absa_laptops") if with_absa else ():
        path = text_data.cached(key)
        if path is not None:
            rows += aspect_evaluation.absa(path, text_data.SOURCES[key].name)
    return rows


# --- pulse text analyze --------------------------------------------------------------------

@click.group("text")
def text() -> None:
    """Sentiment and themes of free text from anywhere (councils, tickets...)."""


def read_comment_csv(path: Path, text_column: str, segment_column: str | None):
    """Read a UTF-8 CSV of comments; clear errors for missing, empty, mis-encoded or malformed files."""
    import pandas as pd

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidInput(FieldProblem(str(path), error.strerror or "cannot be read")) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InvalidInput(FieldProblem(f"{path}: line {line}", f"is not UTF-8 text (byte {error.start}); "
                                        "save the file as UTF-8 CSV")) from None
    if not content.strip():
        raise InvalidInput(FieldProblem(str(path), "is empty: expected a header row and comment rows"))
    try:
        frame = pd.read_csv(io.StringIO(content), dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as error:
        raise InvalidInput(FieldProblem(str(path), f"is not a valid CSV: {error}")) from None
    columns = list(frame.columns)
    missing = [c for c in (text_column, segment_column) if c and c not in columns]
    if missing:
        raise InvalidInput([FieldProblem(f"--{'text' if c == text_column else 'segment'}-column",
                                         f"no column '{c}' in {path}; columns are: {', '.join(columns)}")
                            for c in missing])
    if frame.empty:
        raise InvalidInput(FieldProblem(str(path), "has a header but no rows"))
    return frame


@text.command("analyze")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--text-column", required=True, help="Column holding the comment text.")
@click.option("--segment-column", default=None, help="Column to summarise by (e.g. region).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory for comments.csv and summary.json.")
@click.option("--threshold", type=click.IntRange(min=1), default=8, show_default=True,
              help="Minimum comments per published segment summary.")
@click.option("--sentiment-cache", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="JSON cache of sentiment by text hash (default .local/sentiment-cache.json).")
@report_errors
def text_analyze(file: Path, text_column: str, segment_column: str | None, out_dir: Path, threshold: int,
                 sentiment_cache: Path | None) -> None:
    """Label every row of FILE (label, polarity, subjectivity, themes) and summarise per segment."""
    from tqdm import tqdm

    from analysis.comments import score_comments, summarise_comments
    from analysis.themes import Taxonomy

    frame = read_comment_csv(file, text_column, segment_column)
    taxonomy = Taxonomy.load()
    with _scorer(sentiment_cache) as scorer, tqdm(total=len(frame), desc="comments", unit="row", leave=False) as bar:
        scored = score_comments(frame[text_column], scorer, taxonomy, progress=bar.update)
    summary = summarise_comments(frame, scored, text_column, segment_column, taxonomy, threshold)
    summary["source"] = file.name
    out_dir.mkdir(parents=True, exist_ok=True)
    rows_path, summary_path = out_dir / "comments.csv", out_dir / "summary.json"
    with rows_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        extra = ["sentiment_label", "polarity", "subjectivity", "probability", "language", "themes"]
        writer.writerow([_safe(c) for c in frame.columns] + extra)
        for (_, row), (_, s) in zip(frame.iterrows(), scored.iterrows(), strict=True):
            writer.writerow([_safe(v) for v in row.tolist()] + [
                s["label"], "" if s["polarity"] is None else s["polarity"],
                "" if s["subjectivity"] is None else s["subjectivity"],
                "" if s["probability"] is None else s["probability"], s["language"], ";".join(s["themes"])])
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    labels = scored["label"].value_counts().to_dict()
    click.echo(f"{len(frame)} rows: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items()))
               + f"; wrote {rows_path} and {summary_path}")


@text.command("evaluate")
@click.option("--umsab", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="UMSAB data folder (default /work/shared/data/umsab-sentiment).")
@click.option("--sentences", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="UCI sentiment-labelled-sentences folder.")
@click.option("--slices", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Evaluate only the checked-in slices of this folder (e.g. analysis/data/eval).")
@click.option("--aspects", is_flag=True, help="Also evaluate the tone per theme (partner set, SemEval ABSA).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON instead of a table.")
@report_errors
def text_evaluate(umsab: Path | None, sentences: Path | None, slices: Path | None, aspects: bool,
                  as_json: bool) -> None:
    """Macro-F1 and per-class recall of the product's three labels per language, beside TextBlob and VADER."""
    from analysis import evaluation

    umsab, sentences = umsab or evaluation.UMSAB, sentences or evaluation.SENTENCES
    rows = evaluation.evaluate(umsab, sentences, slices)
    aspect_rows = _aspect_rows(slices is None) if aspects else []
    if slices is not None:
        click.echo(json.dumps({"sentiment": rows, "aspects": aspect_rows}, indent=2) if as_json
                   else evaluation.format_table(rows + aspect_rows))
        return
    themes = evaluation.theme_precision(umsab, sentences)
    if as_json:
        click.echo(json.dumps({"sentiment": rows, "aspects": aspect_rows, "themes": themes}, indent=2))
        return
    click.echo(evaluation.format_table(rows + aspect_rows))
    click.echo(f"\nthemes: precision {themes['precision']} ({themes['right']} of {themes['matched']} matches right) "
               f"on {themes['sample']} hand-judged texts; {themes['missed']} of {themes['not_matched']} unmatched "
               f"texts named a theme; {themes['unjudged']} matches not judged yet")

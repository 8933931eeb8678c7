"""Exports of responses, scorecards and corrections as CSV (UTF-8 with BOM) and XLSX.

XLSX: a frozen header row, an autofilter over the data, column widths from the contents, numbers
as numbers (DynamoDB's ``Decimal`` included), dates as ISO 8601 text (as in the CSV), and, where
the survey is known, a ``questions`` sheet (id, section, type, English text, scale, options).

Every cell and header is neutralised against formula injection: text starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return (or the full-width ``＝＋－＠``) gets a leading
apostrophe; ids the system issued (``ID_COLUMNS``) are left untouched so joins work. Rows respect
the caller's scope; small groups are left out (suppression) and the responses export says how
many comments it withholds (``response_export``).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from decimal import Decimal

from chalicelib.domain.theme_tone import tone_cells

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MARKER = "suppressed"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def neutralise(value) -> object:
    """A cell value safe to open in a spreadsheet (numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):  # DynamoDB numbers: whole ones as int, others as float
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):  # matrix answers: row=value pairs
        value = "; ".join(f"{k}={neutralise(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


ID_COLUMNS = {"response_id", "partner_id", "comment_id", "invitation_id", "contact_id", "wave_id"}
SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _cells(headers: list[str], row: list) -> list:
    """Neutralised cells; ids we issued (``ID_COLUMNS`` holding only ``[A-Za-z0-9_.-]``) stay as they
    are, so joins on them work (a base64url id may start with ``-`` but never holds a formula)."""
    return [value if i < len(headers) and headers[i] in ID_COLUMNS and isinstance(value, str)
            and SAFE_ID.match(value) else neutralise(value) for i, value in enumerate(row)]


def to_csv(headers: list[str], rows: list[list]) -> str:
    """CSV text starting with a BOM (sent as UTF-8, so Excel detects the encoding). Text, not
    bytes, so API Gateway serves it to any Accept header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(_cells(headers, row))
    return "\ufeff" + buffer.getvalue()


QUESTION_HEADERS = ["question_id", "section", "type", "text", "scale", "options", "short_label", "option_labels"]
MIN_WIDTH, MAX_WIDTH, WIDTH_SAMPLE = 8, 60, 500


def question_rows(survey) -> list[list]:
    """One row per question of a survey: id, section id, type, English text, scale, option ids."""
    from chalicelib.domain.survey import localized

    return [[q.id, section.id, q.type, localized(q.text, "en"), q.scale,
             " ".join(q.option_ids() or q.item_ids()), q.short or "",
             "; ".join(f"{o.id} = {localized(o.label, 'en') or o.id}" for o in (*q.options, *q.items))]
            for section in survey.sections for q in section.questions]


def _widths(headers: list[str], rows: list[list]) -> list[float]:
    """Column widths from the longest header or value among the first ``WIDTH_SAMPLE`` rows."""
    widths = [len(str(h)) for h in headers]
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row[:len(widths)]):
            widths[i] = max(widths[i], len(str(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _sheet(book, name: str, headers: list[str], rows: list[list], layout=None) -> None:
    """One sheet: the header row, then the rows. With a ``layout`` (``export_layout.SheetLayout``):
    a first row of column ids, a header row of words (frozen, with the filter), percentages."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name[:31])
    if layout is not None:
        headers, rows = layout.ids, layout.rows
    cells = [_cells(headers, row) for row in rows]
    top = 2 if layout is not None else 1  # the header row the filter and the frozen pane sit under
    for i, width in enumerate(_widths(layout.texts if layout is not None else headers, cells), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{top + 1}"
    if headers:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{len(rows) + top}"
    ws.append([neutralise(h) for h in headers])
    if layout is not None:
        ws.append([neutralise(t) for t in layout.texts])
    percent = layout.percent if layout is not None else set()
    for row in cells:
        if percent:
            row = [_percent_cell(ws, WriteOnlyCell, v) if i in percent else v for i, v in enumerate(row)]
        ws.append(row)


def _percent_cell(ws, cell_type, value):
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    cell = cell_type(ws, value=value)
    cell.number_format = "0.0%"
    return cell


def to_xlsx(headers: list[str], rows: list[list], sheet: str = "export",
            questions: list[list] | None = None, layout=None) -> bytes:
    """XLSX bytes (openpyxl, imported only when an XLSX is asked for); every cell is a value,
    never a formula. ``questions`` (``question_rows``) adds a ``questions`` sheet; ``layout``
    (``export_layout``) gives the data sheet readable headers under the ids, labels and percentages."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _sheet(book, sheet, headers, rows, layout)
    if questions is not None:
        _sheet(book, "questions", QUESTION_HEADERS, questions)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RESPONSE_HEADERS = ["response_id", "partner_id", "tier", "region", "country", "partner_types", "programs",
                    "language", "submitted_at"]


def response_rows(responses, survey_questions: list, comments: list[dict], identity,
                  min_scores: int, min_comments: int, plan=None, hidden_comments: set | None = None,
                  identified: bool = False, survey=None) -> tuple[list[str], list[list]]:
    """Headers and rows of ``response_export`` (without the count of withheld comments)."""
    headers, rows, _ = response_export(responses, survey_questions, comments, identity, min_scores, min_comments,
                                       plan, hidden_comments, identified, survey)
    return headers, rows


def response_export(responses, survey_questions: list, comments: list[dict], identity,
                    min_scores: int, min_comments: int, plan=None, hidden_comments: set | None = None,
                    identified: bool = False, survey=None) -> tuple[list[str], list[list], int]:
    """Submitted responses in scope with snapshot attributes, answers, sentiment and themes (with
    each theme's own tone, ``<question>_tones``: "payouts: negative"), and the number of the
    scope's comments the export withholds.

    ``identified`` (an admin or analyst of an identified survey, ``disclosure.may_see_identity``):
    every response and every comment; partner id and country on every row (the survey told the
    partner its account team sees its answers), response id and time only where the respondent is
    ``consent.identifiable`` (``survey``). Otherwise, suppression: ``plan`` (``disclosure.RowPlan``
    of the scorecard the caller sees) leaves out every respondent in a hidden cell and blanks answers
    to questions withheld in one of its cells; without a plan, tier x region groups smaller than
    ``min_scores`` are left out; comment text, sentiment and themes are blanked only for
    ``hidden_comments`` (those the comment label plan withholds); ids and time stay empty.
    """
    from chalicelib.domain.consent import identifiable

    submitted = [r for r in responses if r.status == "submitted" and identity.admits(r.partner or {})]
    group = Counter(((r.partner or {}).get("tier"), (r.partner or {}).get("region")) for r in submitted)
    by_id = {c["id"]: c for c in comments}
    hidden_comments = set() if identified else (hidden_comments or set())
    text_questions = [q.id for q in survey_questions if q.type == "text"]
    other = [q.id for q in survey_questions if q.type != "text"]
    headers = [*RESPONSE_HEADERS, *other]
    for qid in text_questions:
        headers += [qid, f"{qid}_sentiment", f"{qid}_themes", f"{qid}_tones", f"{qid}_corrected"]
    rows, shown = [], 0
    submitted.sort(key=lambda r: r.invitation_id)
    left_out = plan.left_out([r.partner or {} for r in submitted]) if plan is not None and not identified else set()
    for index, r in enumerate(submitted):
        p = r.partner or {}
        key = (p.get("tier"), p.get("region"))
        blank: set = set()
        if identified:
            pass
        elif plan is not None:
            if index in left_out:
                continue
            blank = plan.for_respondent(p)[1]
        elif group[key] < min_scores:
            continue
        person = identified and identifiable(survey, r)
        row = [r.invitation_id if person else "", r.partner_id if identified else "", p.get("tier"),
               p.get("region"), p.get("country") if identified else "", p.get("partner_types"), p.get("programs"),
               r.language, r.submitted_at if person else ""]
        row += ["" if qid in blank else (r.answers or {}).get(qid) for qid in other]
        for qid in text_questions:
            cid = f"{r.invitation_id}.{qid}"
            comment = by_id.get(cid)
            if comment is None or cid in hidden_comments:
                row += ["", "", "", "", ""]
            else:
                shown += 1
                row += [comment["text"], comment["label"], comment["themes"], tone_cells(comment),
                        "yes" if comment.get("corrected") else "no"]
        rows.append(row)
    in_scope = sum(1 for c in comments if identity.admits(c))
    return headers, rows, max(0, in_scope - shown)


SCORECARD_HEADERS = ["breakdown", "segment", "respondents", "invited", "response_rate", "nps",
                     "nps_low", "nps_high", "nps_change_vs_previous", "change_significant",
                     "nps_weighted", "nps_weighted_low", "nps_weighted_high"]


def _question_columns(questions: list[dict]) -> list[tuple[str, str, str, str | None]]:
    """(header, question id, part, key) per question column: for a rating question top-2-box with its
    interval, n and mean; for a choice question n and the share of each option."""
    columns = []
    for q in questions:
        qid = q["id"]
        if q.get("type") == "rating":
            columns += [(f"{qid}_top2", qid, "top2", "value"), (f"{qid}_top2_low", qid, "top2", "ci_low"),
                        (f"{qid}_top2_high", qid, "top2", "ci_high"), (f"{qid}_n", qid, "top2", "n"),
                        (f"{qid}_mean", qid, "mean", "value")]
        elif str(q.get("type", "")).endswith("choice"):
            columns.append((f"{qid}_n", qid, "n", None))
            columns += [(f"{qid}_share_{o}", qid, "shares", o) for o in q.get("options") or []]
    return columns


def _question_value(cell: dict, qid: str, part: str, key: str | None):
    """One CSAT or choice figure of a cell; the marker when the cell or the question is withheld."""
    value = (cell.get("csat") or {}).get(qid, (cell.get("choices") or {}).get(qid))
    if cell.get("suppressed") or value == MARKER:
        return MARKER
    if not isinstance(value, dict):
        return None
    value = value.get(part)
    if key is None:
        return value
    return value.get(key) if isinstance(value, dict) else None


def _weighted(cell: dict, withheld) -> list:
    """The weighted headline NPS and its interval (the overall row only; empty elsewhere)."""
    headline = cell.get("weighted")
    nps = headline.get("nps") if isinstance(headline, dict) else None
    if not isinstance(nps, dict):
        return [withheld] * 3
    return [nps.get("value"), nps.get("ci_low"), nps.get("ci_high")]


def scorecard_rows(doc: dict) -> tuple[list[str], list[list]]:
    """One row per cell of every breakdown (plus the overall row): NPS (and on the overall row the
    weighted headline NPS), then CSAT per rating question
    (top-2-box with interval, n, mean) and shares per choice question. Suppressed cells, and questions
    withheld in a cell, say ``suppressed`` and never carry a figure."""
    columns = _question_columns(doc.get("questions") or [])

    def row(by: str, cell: dict) -> list:
        segment = " / ".join(f"{k}={v}" for k, v in (cell.get("segment") or {}).items()) or "all"
        per_question = [_question_value(cell, qid, part, key) for _, qid, part, key in columns]
        if cell.get("suppressed"):
            return [by, segment, MARKER, cell.get("invited"), *[MARKER] * 9, *per_question]
        nps = cell.get("nps") if isinstance(cell.get("nps"), dict) else {}
        withheld = MARKER if cell.get("nps") == MARKER else None
        vs = cell.get("vs_previous")
        change = vs.get("nps") if isinstance(vs, dict) else None
        return [by, segment, cell.get("respondents"), cell.get("invited"), cell.get("response_rate"),
                nps.get("value", withheld), nps.get("ci_low", withheld), nps.get("ci_high", withheld),
                change.get("difference") if isinstance(change, dict) else (MARKER if MARKER in (vs, change) else None),
                change.get("significant") if isinstance(change, dict) else None,
                *_weighted(cell, withheld), *per_question]

    rows = [row("overall", doc["overall"])]
    for item in doc.get("breakdowns", []):
        rows += [row(":".join(item["by"]), cell) for cell in item["cells"]]
    return [*SCORECARD_HEADERS, *(c[0] for c in columns)], rows


TRAINING_HEADERS = ["comment_id", "text", "language", "label", "themes", "model_label", "corrected_by",
                    "corrected_at"]

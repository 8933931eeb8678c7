"""Exports of responses, scorecards and corrections as CSV (UTF-8 with BOM) and XLSX.

Every cell and header is neutralised against formula injection: text starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return (or the full-width ``＝＋－＠``) gets a leading
apostrophe; ids the system issued (``ID_COLUMNS``) are left untouched so joins work. Rows respect
the caller's scope; small groups are left out (suppression).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter

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
    if isinstance(value, (int, float)):
        return value
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


def to_xlsx(headers: list[str], rows: list[list], sheet: str = "export") -> bytes:
    """XLSX bytes (openpyxl, imported only when an XLSX is asked for); every cell is a value,
    never a formula."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([neutralise(h) for h in headers])
    for row in rows:
        ws.append(_cells(headers, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RESPONSE_HEADERS = ["response_id", "partner_id", "tier", "region", "country", "partner_types", "programs",
                    "language", "submitted_at"]


def response_rows(responses, survey_questions: list, comments: list[dict], identity,
                  min_scores: int, min_comments: int, plan=None, hidden_comments: set | None = None,
                  identified: bool = False) -> tuple[list[str], list[list]]:
    """Submitted responses in scope with snapshot attributes, answers, sentiment and themes.

    Suppression: ``plan`` (``disclosure.RowPlan`` of the scorecard the caller sees) leaves out every
    respondent in a hidden cell and blanks answers to questions withheld in one of its cells;
    without a plan, tier x region groups smaller than ``min_scores`` are left out. Comment text,
    sentiment and themes are blanked for ``hidden_comments`` (the explorer's plan) and in groups with
    fewer than ``min_comments`` comments. ``identified``: partner and response ids are shown (an
    identified survey read by an admin or analyst); otherwise those columns are empty.
    """
    submitted = [r for r in responses if r.status == "submitted" and identity.admits(r.partner or {})]
    group = Counter(((r.partner or {}).get("tier"), (r.partner or {}).get("region")) for r in submitted)
    by_id = {c["id"]: c for c in comments}
    comment_groups = Counter((c.get("tier"), c.get("region")) for c in comments if identity.admits(c))
    hidden_comments = hidden_comments or set()
    text_questions = [q.id for q in survey_questions if q.type == "text"]
    other = [q.id for q in survey_questions if q.type != "text"]
    headers = [*RESPONSE_HEADERS, *other]
    for qid in text_questions:
        headers += [qid, f"{qid}_sentiment", f"{qid}_themes", f"{qid}_corrected"]
    rows = []
    submitted.sort(key=lambda r: r.invitation_id)
    left_out = plan.left_out([r.partner or {} for r in submitted]) if plan is not None else set()
    for index, r in enumerate(submitted):
        p = r.partner or {}
        key = (p.get("tier"), p.get("region"))
        blank: set = set()
        if plan is not None:
            if index in left_out:
                continue
            blank = plan.for_respondent(p)[1]
        elif group[key] < min_scores:
            continue
        row = [r.invitation_id if identified else "", r.partner_id if identified else "", p.get("tier"),
               p.get("region"), p.get("country") if identified else "", p.get("partner_types"), p.get("programs"),
               r.language, r.submitted_at if identified else ""]
        row += ["" if qid in blank else (r.answers or {}).get(qid) for qid in other]
        for qid in text_questions:
            cid = f"{r.invitation_id}.{qid}"
            comment = by_id.get(cid)
            if comment is None or comment_groups[key] < min_comments or cid in hidden_comments:
                row += ["", "", "", ""]
            else:
                row += [comment["text"], comment["label"], comment["themes"],
                        "yes" if comment.get("corrected") else "no"]
        rows.append(row)
    return headers, rows


SCORECARD_HEADERS = ["breakdown", "segment", "respondents", "invited", "response_rate", "nps",
                     "nps_low", "nps_high", "nps_change_vs_previous", "change_significant"]


def scorecard_rows(doc: dict) -> tuple[list[str], list[list]]:
    """One row per cell of every breakdown (plus the overall row); suppressed cells say so."""
    def row(by: str, cell: dict) -> list:
        segment = " / ".join(f"{k}={v}" for k, v in (cell.get("segment") or {}).items()) or "all"
        if cell.get("suppressed"):
            return [by, segment, MARKER, cell.get("invited"), MARKER, MARKER, MARKER, MARKER, MARKER, MARKER]
        nps = cell.get("nps") if isinstance(cell.get("nps"), dict) else {}
        vs = cell.get("vs_previous")
        change = vs.get("nps") if isinstance(vs, dict) else None
        return [by, segment, cell.get("respondents"), cell.get("invited"), cell.get("response_rate"),
                nps.get("value"), nps.get("ci_low"), nps.get("ci_high"),
                change.get("difference") if change else (MARKER if vs == MARKER else None),
                change.get("significant") if change else None]

    rows = [row("overall", doc["overall"])]
    for item in doc.get("breakdowns", []):
        rows += [row(":".join(item["by"]), cell) for cell in item["cells"]]
    return SCORECARD_HEADERS, rows


TRAINING_HEADERS = ["comment_id", "text", "language", "label", "themes", "model_label", "corrected_by",
                    "corrected_at"]

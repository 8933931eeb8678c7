"""Time to build the leadership report for a 100,000-response wave, and what the refresh adds for it.

The report renders the wave's results snapshot: the refresh (off the report path) builds the
snapshot's scorecard and its ``report`` part (themes per tier from the stored comment records,
revenue coverage); the report itself is model + three PNG charts + e-mail and archive HTML + the
MIME message. Loading the frames from records is timed once.

    .venv/bin/python -m benchmarks.bench_report [--responses 100000]
"""
from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def synthetic_wave(n_responses: int, seed: int = 7, unique_comments: bool = True):
    """Demo-like partners (cloned to ~n/4 partners), invitations and submitted responses.

    Demo comments come from a small pool; with ``unique_comments`` each gets a reference number
    appended, so the sentiment cache (one score per distinct text) does not flatter the timing.
    """
    import yaml

    from chalicelib.domain.responses import SUBMITTED, Response
    from chalicelib.domain.survey import parse_survey_definition
    from pulse_cli.demo import _answers, make_partners

    rng = random.Random(seed)
    survey = parse_survey_definition(yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text()))
    base = make_partners(random.Random(seed))
    n_partners = max(len(base), n_responses // 4)
    partners = [replace(base[i % len(base)], partner_id=f"P{i:06d}") for i in range(n_partners)]
    mood = {"enrolled": 6.4, "advanced": 7.2, "principal": 8.0}
    responses, invitations = [], []
    for i in range(n_responses):
        partner = partners[rng.randrange(n_partners)]
        answers = _answers(rng, partner, "en", "px-bench", mood[partner.tier] + rng.gauss(0, 1.4))
        if unique_comments:
            answers = {k: f"{v} (ref {i})" if k in ("q_nps_reason", "q_fix_first") else v
                       for k, v in answers.items()}
        responses.append(Response(
            invitation_id=f"I{i:07d}", wave_id="px-bench", survey_id=survey.id, survey_version=survey.version,
            partner_id=partner.partner_id, contact_id=f"C{i:07d}", language="en", answers=answers,
            status=SUBMITTED, version=1, created_at="2026-11-01T00:00:00Z", updated_at="2026-11-01T00:00:00Z",
            submitted_at="2026-11-01T00:00:00Z", partner=partner.snapshot()))
        invitations.append({"invitation_id": f"I{i:07d}", "partner_id": partner.partner_id, "state": "submitted"})
    for i in range(n_responses // 2):  # non-responders
        invitations.append({"invitation_id": f"N{i:07d}", "partner_id": partners[rng.randrange(n_partners)].partner_id,
                            "state": "sent"})
    return survey, partners, responses, invitations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--pooled-comments", action="store_true",
                        help="Keep the demo's repeated comments (sentiment cache hits) instead of unique ones.")
    args = parser.parse_args()

    from analysis.comments import themes_by_segment
    from analysis.coverage import revenue_coverage
    from analysis.frame import invitation_frame, question_specs, respondents_from_tidy, tidy_responses
    from analysis.scorecard import WaveData, build_scorecard
    from chalicelib.reports.inputs import inputs_from_snapshot
    from chalicelib.reports.message import build_report_message
    from chalicelib.services.reporting import build_report
    from chalicelib.services.snapshot_builder import BREAKDOWNS

    started = time.perf_counter()
    survey, partners, responses, invitations = synthetic_wave(args.responses,
                                                              unique_comments=not args.pooled_comments)
    generated = time.perf_counter()
    tidy = tidy_responses(responses, survey)
    wave = WaveData("px-bench", respondents_from_tidy(tidy, survey), invitation_frame(invitations, partners),
                    {"survey_id": survey.id}, tidy)
    specs = question_specs(survey)
    loaded = time.perf_counter()
    comments = int(tidy["text"].notna().sum())
    distinct = int(tidy["text"].dropna().nunique())
    print(f"{args.responses:,} responses, {len(partners):,} partners, {len(invitations):,} invitations, "
          f"{comments:,} comments ({distinct:,} distinct); generated in {generated - started:.1f} s, "
          f"frames in {loaded - generated:.1f} s")

    # the refresh job's work (not timed as report work): score every comment once and store it
    from analysis.enrichment import enrich
    from analysis.sentiment import CommentScorer
    from analysis.themes import Taxonomy

    t0 = time.perf_counter()
    rows = tidy[tidy["text"].notna()]
    stored, _ = enrich([{"id": f"{r}.{q}", "text": t, "language": lang} for r, q, t, lang in
                        zip(rows["response_id"], rows["question_id"], rows["text"], rows["language"], strict=True)],
                       {}, CommentScorer(), Taxonomy.load())
    print(f"refresh   enrichment of {len(stored):,} comments (stored once, off the report path) "
          f"{time.perf_counter() - t0:7.2f} s")

    # the refresh's snapshot parts the report reads: scorecard:all and the report part
    t0 = time.perf_counter()
    doc = build_scorecard(wave, specs, BREAKDOWNS, threshold=5)
    baseline = time.perf_counter() - t0
    records = [{"question_id": q, "text": t, "tier": tier, **{k: stored[f"{r}.{q}"].get(k) for k in
                                                              ("label", "polarity", "probability", "themes")}}
               for r, q, t, tier in zip(rows["response_id"], rows["question_id"], rows["text"], rows["tier"],
                                        strict=True)]
    t0 = time.perf_counter()
    part = {"comment_threshold": 8, "revenue": revenue_coverage(wave), "survey_title": None,
            "comments": themes_by_segment(records, [s.id for s in specs if s.type == "text"], "tier", 8)}
    report_part_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    inputs = inputs_from_snapshot(doc, part, {"version": "bench", "built_at": "now"})
    computed = time.perf_counter()
    report = build_report(inputs, period="2026-W48", now=datetime.now(UTC))
    message = build_report_message(sender="pulse@example.com", recipients=["leadership@example.com"],
                                   subject=report.subject, text=report.text, html=report.email_html,
                                   charts=report.charts)
    raw = message.as_bytes()
    total = time.perf_counter() - t0

    html_bytes = len(report.archive_html.encode())
    print(f"refresh   snapshot scorecard ({BREAKDOWNS})  {baseline:7.2f} s; report part (themes per tier, "
          f"revenue) {report_part_seconds:.2f} s (off the report path)")
    print(f"report    inputs read from the snapshot parts          {computed - t0:7.3f} s")
    print(f"          model {report.timings['model']:.3f} s, charts {report.timings['charts']:.2f} s, "
          f"templates {report.timings['templates']:.3f} s")
    print(f"report    total (incl. MIME message)               {total:7.2f} s (the refresh already ran; the report "
          "computes and scores nothing)")
    print(f"machine   {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared)")
    print(f"sizes     archive report.html {html_bytes:,} bytes; e-mail {len(raw):,} bytes; "
          f"charts {sum(len(c) for c in report.charts.values()):,} bytes")


if __name__ == "__main__":
    main()

"""Cross-scope disclosure on the demo (issue 21): withheld values the union of all views determines.

For thresholds 5, 10 and 20 (partner threshold 3), builds every view the snapshot publishes (the
whole wave and each tier and region scope, with the previous wave for comparisons), then runs the
linear-closure audit (``analysis.disclosure.audit``) twice: on the views as each plans itself
alone (the behaviour before the joint plan) and after ``plan_jointly``. Also counts zero-width
intervals and published values (what protection costs). A count, not a timing.

The comment summaries (``comment_summary:<scope>``: comments, label and theme counts per tier and
region of every view) get the same audit (``analysis.summary_disclosure``) at the same thresholds
as comment thresholds: before (each view suppressed alone on the number of comments, as before
issue 21's summary plan), with the partner threshold alone, and planned jointly; and the share of
summary cells and theme counts each role still reads (admin and analyst read the whole-wave view,
a scoped viewer its scope's view), before and after; and the live summaries (per-view thresholds
only), which admins and analysts of identified surveys read now that only released copies are
planned jointly.

Usage: .venv/bin/python benchmarks/demo_disclosure_audit.py [--comments-only]
"""
from __future__ import annotations

import copy
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)

BREAKDOWNS = "tier,region,partner_type,transacting,program,tier:region"


def views_of(wave, previous, specs, threshold, partners):
    from analysis.disclosure import View
    from analysis.scorecard import WaveData, build_scorecard

    def part(data, dim, value):
        if data is None:
            return None
        rows = data.respondents[data.respondents[dim] == value]
        invitations = None if data.invitations is None else data.invitations[data.invitations[dim] == value]
        return WaveData(data.wave_id, rows, invitations, data.meta)

    out = [View("all", build_scorecard(wave, specs, BREAKDOWNS, previous=previous, threshold=threshold,
                                       min_partners=partners, drivers=[]))]
    for dim in ("region", "tier"):
        for value in sorted(wave.respondents[dim].dropna().unique()):
            doc = build_scorecard(part(wave, dim, value), specs, BREAKDOWNS, previous=part(previous, dim, value),
                                  threshold=threshold, min_partners=partners, drivers=[])
            out.append(View(f"{dim}={value}", doc, (dim, str(value))))
    return out


def zero_width(value) -> int:
    if isinstance(value, dict):
        own = int(value.get("ci_low") is not None and value.get("ci_low") == value.get("ci_high"))
        return own + sum(zero_width(v) for v in value.values())
    if isinstance(value, list):
        return sum(zero_width(v) for v in value)
    return 0


def summary_views(records, threshold, partners, complement=True):
    """(scope, summary) of the whole wave and every tier and region scope, each built alone
    (``complement``: each with its own complementary suppression, as before the joint plan)."""
    from chalicelib.services.snapshot_builder import comment_summary

    out = [(None, comment_summary(records, threshold, partners, complement))]
    for dim in ("region", "tier"):
        for value in sorted({r[dim] for r in records if r.get(dim)}):
            out.append(((dim, value), comment_summary([r for r in records if r.get(dim) == value], threshold,
                                                      partners, complement)))
    return out


def readable(views, full_views) -> dict:
    """{reader: (cells read, cells, theme counts read, theme counts)}: the whole view (admin,
    analyst) and the scoped views together (viewers); the denominators are the unsuppressed views."""
    out = {}
    for (scope, doc), (_, full) in zip(views, full_views, strict=True):
        reader = "admin/analyst (all)" if scope is None else "scoped viewers"
        counts = out.setdefault(reader, [0, 0, 0, 0])
        for dim in ("tier", "region"):
            shown = {c["segment"]: c for c in doc[dim]}
            for cell in full[dim]:
                counts[1] += 1
                counts[3] += len(cell["themes"])
                mine = shown[cell["segment"]]
                if not mine["suppressed"]:
                    counts[0] += 1
                    counts[2] += sum(isinstance(mine["themes"].get(t), dict) for t in cell["themes"])
    return out


def comment_summaries(waves: dict, thresholds=(5, 8, 10, 20), partners=3) -> None:
    """Print the comment-summary audit and readable shares (``waves``: {wave id: comment records}).

    The audit's reader knows the published values and the zeros they imply (the lattice model the
    snapshot plans with); "stricter" also gives the reader which label x theme-set classes each
    cell lacks (not published), counted for the record."""
    from analysis.summary_disclosure import CommentAtoms, audit, plan
    from chalicelib.domain.theme_tone import theme_label

    def share(a, b):
        return f"{a}/{b} ({100 * a / max(b, 1):.0f} %)"

    for wave_id, records in waves.items():
        atoms = CommentAtoms(records, lattice=True, tone_of=theme_label)
        strict = CommentAtoms(records, tone_of=theme_label)
        full = summary_views(records, 0, 1)
        print(f"comment summaries of {wave_id}: {len(records)} comments, {len(full)} views")
        for threshold in thresholds:
            before = summary_views(records, threshold, 1)
            alone = summary_views(records, threshold, partners)
            joint = summary_views(records, threshold, partners, complement=False)
            started = time.perf_counter()
            plan(joint, atoms, threshold, partners)
            seconds = time.perf_counter() - started
            found = [len(audit(v, atoms, threshold, partners)) for v in (before, alone, joint)]
            stricter = [f for f in audit(joint, strict, threshold, partners)]
            print(f"  threshold {threshold:>2} comments, {partners} partners: withheld values determinable (or "
                  f"published under the thresholds): before {found[0]}, partner threshold per view {found[1]}, "
                  f"planned jointly {found[2]} (plan {seconds:.1f} s; stricter reader model: {len(stricter)})")
            live = summary_views(records, threshold, partners, complement=False)  # per-view thresholds only
            shares = [readable(v, full) for v in (before, alone, joint, live)]
            for reader in shares[0]:
                b, m, a, lv = (x[reader] for x in shares)
                print(f"    {reader}: cells {share(b[0], b[1])} before, {share(m[0], m[1])} partner threshold alone, "
                      f"{share(a[0], a[1])} joint, {share(lv[0], lv[1])} live (per-view thresholds); theme counts "
                      f"{share(b[2], b[3])}, {share(m[2], m[3])}, {share(a[2], a[3])}, {share(lv[2], lv[3])}")
            print("    since planning only released copies: admins and analysts of identified surveys read the live "
                  "summaries, every other reader the joint plan")


def main() -> None:
    import boto3
    from moto import mock_aws

    from analysis.disclosure import audit, collect, plan_jointly
    from analysis.estimation import wave_atoms
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services.snapshot_builder import load_wave_data
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, PREVIOUS_WAVE, seed_demo
    from tests.builders import make_repositories

    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "demo")
        table.ensure_exists()
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens("x" * 32), "http://127.0.0.1:8000", Path(tmp) / "l.txt", now=now)
        partners = repos.partners.all()
        current, specs, survey, responses = load_wave_data(repos, CURRENT_WAVE, partners)
        previous, _, previous_survey, previous_responses = load_wave_data(repos, PREVIOUS_WAVE, partners)
        from chalicelib.services.snapshot_builder import score_comments

        comments = {CURRENT_WAVE: score_comments(responses, survey, {}),
                    PREVIOUS_WAVE: score_comments(previous_responses, previous_survey, {})}
    comment_summaries(comments)
    if "--comments-only" in sys.argv:
        return
    specs = [s for s in specs if s.type != "text"]
    nps_id = next(s.id for s in specs if s.type == "nps")
    atoms, previous_atoms = wave_atoms(current, specs, nps_id), wave_atoms(previous, specs, nps_id)
    for threshold in (5, 10, 20):
        views = views_of(current, previous, specs, threshold, 3)
        before_views = views_of(previous, None, specs, threshold, 3)
        alone = audit(collect(views), atoms, threshold, 3)
        alone_previous = audit(collect(before_views, previous_of=views), previous_atoms, threshold, 3)
        joint = [copy.deepcopy(v) for v in views]
        previous_joint = [copy.deepcopy(v) for v in before_views]
        plan_jointly(previous_joint, previous_atoms, threshold, 3)
        plan_jointly(joint, atoms, threshold, 3, previous=collect(previous_joint, union_of_withheld=True))
        after = audit(collect(joint), atoms, threshold, 3)
        after_previous = audit(collect(previous_joint, previous_of=joint), previous_atoms, threshold, 3)
        items = collect(joint)
        published = sum(len(v) for v in items.published.values())
        withheld = sum(len(v) for v in items.withheld.values())
        print(f"threshold {threshold:>2}: determinable withheld values, each view planned alone: "
              f"{len(alone)} (previous wave {len(alone_previous)}); planned jointly: {len(after)} "
              f"(previous wave {len(after_previous)}); {published} published and {withheld} withheld "
              f"segment x statistic values over {len(joint)} views; zero-width intervals "
              f"{sum(zero_width(v.doc) for v in joint)}")


if __name__ == "__main__":
    main()

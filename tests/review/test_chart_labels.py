"""Driver-quadrant labels never overlap: each other, the points or the chart's own captions, also
when many drivers crowd one spot (the estimate is checked against Chromium's text boxes in
tests/e2e/test_chart_labels_browser.py)."""
import re
from itertools import combinations

from chalicelib.web import charts

CROWDED = [{"label": label, "importance": 0.08 + 0.004 * (i % 4), "performance": 0.55 + 0.01 * (i // 3)}
           for i, label in enumerate(["incentives payouts", "partner portal", "technical support", "deal registration",
                                      "training", "marketing funds", "proof of concept", "technical assessment",
                                      "partner to partner", "account manager", "certification", "onboarding"])]
SPREAD = [{"label": "portal", "importance": 0.02, "performance": 0.9},
          {"label": "payouts", "importance": 0.3, "performance": 0.2}]


def overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_crowded_labels_get_boxes_that_do_not_overlap_and_stay_in_the_chart():
    anchors = [(50 + p["importance"] / 0.2 * 540, 310 - p["performance"] * 260) for p in CROWDED]
    placed = charts.place_labels([p["label"] for p in CROWDED], anchors, (50, 0, 640, 310))
    boxes = [p["box"] for p in placed]
    assert not [(a, b) for a, b in combinations(boxes, 2) if overlaps(a, b)]
    points = [(x - 6, y - 6, x + 6, y + 6) for x, y in anchors]
    assert not [(i, j) for i, box in enumerate(boxes) for j, pt in enumerate(points) if i != j and overlaps(box, pt)]
    assert all(b[0] >= 50 and b[2] <= 640 and b[1] >= 0 and b[3] <= 310 for b in boxes)
    assert any(p["leader"] for p in placed)  # some were moved off their point and say which point they name


def test_a_label_with_room_stays_beside_its_point():
    placed = charts.place_labels(["portal"], [(100.0, 100.0)], (50, 0, 640, 310))
    assert placed[0]["leader"] is None and placed[0]["anchor"] == "start" and placed[0]["x"] == 108


def test_the_quadrant_svg_uses_the_placement():
    svg = str(charts.quadrant(CROWDED + SPREAD, "Fix-first drivers", "d-0"))
    labels = re.findall(r'<text class="label" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"', svg)
    assert len(labels) == len(CROWDED) + len(SPREAD)
    assert len(set((x, y) for x, y, _ in labels)) == len(labels)

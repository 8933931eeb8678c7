"""The driver quadrant in Chromium: the rendered text boxes of a crowded chart's labels (measured
with getBBox, the browser's own font metrics) overlap neither each other nor the captions."""
from itertools import combinations

from chalicelib.web import charts
from tests.review.test_chart_labels import CROWDED, SPREAD, overlaps


def test_crowded_quadrant_labels_do_not_overlap_when_rendered(chromium_browser):
    page = chromium_browser.new_page(viewport={"width": 640, "height": 400})
    svg = str(charts.quadrant(CROWDED + SPREAD, "Fix-first drivers", "d-0"))
    page.set_content(f'<!doctype html><html><body style="margin:0;width:640px">{svg}</body></html>')
    boxes = page.evaluate("""() => [...document.querySelectorAll('svg text')].map(t => {
        const b = t.getBBox(); return {label: t.classList.contains('label'), text: t.textContent,
                                       box: [b.x, b.y, b.x + b.width, b.y + b.height]}; })""")
    page.close()
    labels = [b for b in boxes if b["label"]]
    assert len(labels) == len(CROWDED) + len(SPREAD)
    clashes = [(a["text"], b["text"]) for a, b in combinations(labels, 2) if overlaps(a["box"], b["box"])]
    assert clashes == []
    captions = [b for b in boxes if not b["label"] and b["text"].startswith(("fix first", "↑"))]
    assert len(captions) == 2
    assert [(a["text"], c["text"]) for a in labels for c in captions if overlaps(a["box"], c["box"])] == []

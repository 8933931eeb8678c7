"""The demo seed: realistic, deterministic, loaded only once."""
import math
from collections import Counter

from chalicelib.domain.responses import PARTIAL, SUBMITTED
from chalicelib.domain.waves import CLOSED, OPEN
from pulse_cli.demo import CURRENT_WAVE, PREVIOUS_WAVE, seed_demo
from tests.builders import make_repositories


def test_demo_is_realistic_and_seeded_once(moto_table, tokens, tmp_path):
    repos = make_repositories(moto_table)
    links = tmp_path / "demo-links.txt"
    summary = seed_demo(repos, tokens, "http://127.0.0.1:8000", links)
    assert summary.startswith("demo loaded")

    partners = repos.partners.all()
    assert len(partners) >= 600
    assert {p.tier for p in partners} == {"enrolled", "advanced", "principal"}
    assert {p.region for p in partners} == {"AMER", "EMEA", "APJ", "LATAM"}
    revenue = sorted((float(p.annual_revenue) for p in partners), reverse=True)
    top_share = sum(revenue[: math.ceil(len(revenue) / 5)]) / sum(revenue)
    assert 0.7 <= top_share <= 0.9

    assert repos.waves.get(PREVIOUS_WAVE).status == CLOSED
    assert repos.waves.get(CURRENT_WAVE).status == OPEN
    responses = [*repos.responses.for_wave(PREVIOUS_WAVE), *repos.responses.for_wave(CURRENT_WAVE)]
    statuses = Counter(r.status for r in responses)
    assert statuses[SUBMITTED] >= 1500 and statuses[PARTIAL] > 0
    languages = Counter(r.language for r in responses if "q_nps_reason" in r.answers)
    assert languages["en"] > 0 and len(languages) >= 3
    assert all(r.partner["tier"] for r in responses)

    open_states = Counter(i.state for i in repos.invitations.for_wave(CURRENT_WAVE))
    assert open_states["sent"] > 0 and open_states["started"] > 0
    lines = links.read_text().splitlines()
    assert lines and all(line.startswith("http://127.0.0.1:8000/s/") for line in lines)

    again = seed_demo(repos, tokens, "http://127.0.0.1:8000", links)
    assert again.startswith("demo data not loaded")
    assert len(repos.partners.all()) == len(partners)

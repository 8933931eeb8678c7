"""Load a wave from the repositories into analysis frames, with a progress bar.

Takes the ``Repositories`` bundle (any objects with the repository methods: responses.for_wave,
invitations.for_wave, partners.all, waves.get, waves.waves_of_survey, surveys.get), so it works
with DynamoDB repositories and with in-memory fakes; it imports no AWS code itself.
"""
from __future__ import annotations

from .frame import QuestionSpec, invitation_frame, question_specs, respondents_from_tidy, tidy_responses
from .scorecard import WaveData


def load_wave(repos, wave_id: str, progress: bool = True, partners=None) -> tuple[WaveData, list[QuestionSpec]]:
    """The wave's respondent frame, invitations (with directory attributes) and question specs."""
    from tqdm import tqdm

    wave = repos.waves.get(wave_id)
    survey = repos.surveys.get(wave.survey_id, wave.survey_version)
    invitations = list(repos.invitations.for_wave(wave_id))
    partners = partners if partners is not None else repos.partners.all()
    with tqdm(total=len(invitations) or None, desc=f"responses {wave_id}", unit="resp",
              disable=not progress, leave=False) as bar:
        tidy = tidy_responses(repos.responses.for_wave(wave_id), survey, progress=bar.update)
    respondents = respondents_from_tidy(tidy, survey)
    meta = {"survey_id": wave.survey_id, "survey_version": wave.survey_version, "status": wave.status,
            "opens_at": wave.opens_at, "closes_at": wave.closes_at}
    return WaveData(wave_id, respondents, invitation_frame(invitations, partners), meta, tidy), question_specs(survey)


def previous_wave_id(repos, wave_id: str) -> str | None:
    """The wave of the same survey opened just before ``wave_id`` (None for the first)."""
    wave = repos.waves.get(wave_id)
    earlier = [w for w in repos.waves.waves_of_survey(wave.survey_id) if w.opens_at < wave.opens_at]
    return earlier[-1].wave_id if earlier else None


def scorecard_for_wave(repos, wave_id: str, breakdowns=None, compare_previous: bool = True, threshold: int = 5,
                       comments: bool = False, comment_threshold: int = 8, comments_by: str = "tier",
                       scorer=None, progress: bool = False) -> dict:
    """The scorecard document of a wave read from the repositories (the jobs' and dashboard's entry).

    Same document as ``pulse analyze --format json``; see docs/analysis.md.
    """
    from .scorecard import build_scorecard

    partners = repos.partners.all()
    current, specs = load_wave(repos, wave_id, progress=progress, partners=partners)
    previous = None
    previous_id = previous_wave_id(repos, wave_id) if compare_previous else None
    if previous_id:
        previous, _ = load_wave(repos, previous_id, progress=progress, partners=partners)
    doc = build_scorecard(current, specs, breakdowns, previous=previous, threshold=threshold)
    if comments:
        from .comments import wave_comment_summaries

        doc["comments"] = wave_comment_summaries(current.tidy, [s.id for s in specs if s.type == "text"],
                                                 comments_by, comment_threshold, scorer=scorer)
    return doc

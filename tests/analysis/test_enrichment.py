"""Per-comment enrichment: computed once, stored, reused; a model or taxonomy change redoes only what it must."""
from analysis.enrichment import enrich, preload_cache
from analysis.sentiment import CommentScorer
from analysis.themes import Taxonomy
from chalicelib.storage.enrichments import InMemoryEnrichmentStore

COMMENTS = [{"id": "i1.q_reason", "text": "The partner portal keeps crashing and it is awful.", "language": "en"},
            {"id": "i2.q_reason", "text": "Excelente formación, muy útil.", "language": "es"},
            {"id": "i3.q_reason", "text": "", "language": "en"}]


def test_second_run_over_unchanged_comments_does_no_model_work_and_writes_nothing():
    store, scorer, taxonomy = InMemoryEnrichmentStore(), CommentScorer(), Taxonomy.load()
    first, changed = enrich(COMMENTS, store.for_wave("w"), scorer, taxonomy)
    store.put_many("w", changed)
    assert scorer.engine_calls == 2 and len(changed) == 3
    assert first["i1.q_reason"]["themes"] == ["partner_portal"] and first["i1.q_reason"]["label"] == "negative"
    assert first["i3.q_reason"]["label"] == "not_scored" and first["i3.q_reason"]["reason"] == "empty"
    again_scorer = CommentScorer()
    second, changed = enrich(COMMENTS, store.for_wave("w"), again_scorer, taxonomy)
    assert again_scorer.engine_calls == 0 and changed == [] and second == first


def test_an_edited_comment_is_the_only_one_scored_again():
    store, taxonomy = InMemoryEnrichmentStore(), Taxonomy.load()
    _, changed = enrich(COMMENTS, {}, CommentScorer(), taxonomy)
    store.put_many("w", changed)
    edited = [dict(COMMENTS[0], text="The partner portal is much better now, thanks!"), *COMMENTS[1:]]
    scorer = CommentScorer()
    result, changed = enrich(edited, store.for_wave("w"), scorer, taxonomy)
    assert scorer.engine_calls == 1 and [c["id"] for c in changed] == ["i1.q_reason"]
    assert result["i1.q_reason"]["label"] == "positive"


def test_a_new_model_version_rescores_and_a_new_taxonomy_only_rematches_themes():
    store, taxonomy = InMemoryEnrichmentStore(), Taxonomy.load()
    _, changed = enrich(COMMENTS, {}, CommentScorer(), taxonomy)
    store.put_many("w", changed)
    scorer = CommentScorer()
    scorer.version = "sentiment-other"
    _, changed = enrich(COMMENTS, store.for_wave("w"), scorer, taxonomy)
    assert scorer.engine_calls == 2 and len(changed) == 3
    store.put_many("w", changed)
    program = Taxonomy.from_mapping({"stability": {"label": "Stability", "phrases": {"en": ["crashing"]}}})
    same_model = CommentScorer()
    same_model.version = "sentiment-other"
    result, changed = enrich(COMMENTS, store.for_wave("w"), same_model, program)
    assert same_model.engine_calls == 0 and len(changed) == 3
    assert result["i1.q_reason"]["themes"] == ["stability"]
    assert result["i1.q_reason"]["taxonomy_version"] == program.version


def test_stored_enrichments_preload_a_scorer_so_report_and_exports_do_no_model_work():
    taxonomy = Taxonomy.load()
    stored, _ = enrich(COMMENTS, {}, CommentScorer(), taxonomy)
    scorer = CommentScorer()
    assert preload_cache(scorer, COMMENTS, stored) == 3
    labels = [s.label for s in scorer.score_many([c["text"] for c in COMMENTS], [c["language"] for c in COMMENTS])]
    assert scorer.engine_calls == 0 and labels == [stored[c["id"]]["label"] for c in COMMENTS]

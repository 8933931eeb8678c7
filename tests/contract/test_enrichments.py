"""The enrichment store contract, against moto and DynamoDB Local (same fixture as the repositories)."""
import pytest

from chalicelib.storage.enrichments import DynamoEnrichmentStore, InMemoryEnrichmentStore

pytestmark = pytest.mark.usefixtures("any_table")


def test_enrichments_round_trip_per_wave_and_replace_by_comment(any_table):
    store = DynamoEnrichmentStore(any_table)
    records = [{"id": f"I{i:04d}.q_reason", "text_sha": "x" * 64, "sentiment_version": "sentiment-1",
                "taxonomy_version": "themes-1", "language": "ja", "label": "negative", "probability": 0.8123,
                "polarity": -0.7, "reason": None, "themes": ["partner_portal"]}
               for i in range(30)]
    assert store.put_many("w1", records) == 30
    store.put_many("w2", records[:1])
    store.put_many("w1", [dict(records[0], label="neutral")])
    stored = store.for_wave("w1")
    assert len(stored) == 30 and stored["I0000.q_reason"]["label"] == "neutral"
    assert stored["I0001.q_reason"] == records[1]
    assert list(store.for_wave("w2")) == ["I0000.q_reason"]
    memory = InMemoryEnrichmentStore()
    memory.put_many("w1", records)
    assert memory.for_wave("w1")["I0001.q_reason"] == stored["I0001.q_reason"]

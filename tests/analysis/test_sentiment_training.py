"""The training-side pieces of the Spanish model: NB scaling folded into the weights, the cross-validated
fit, and the stored model's record of how it was made."""
import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

from analysis.sentiment import MODELS_FILE, SentimentModels  # noqa: E402
from analysis.sentiment_training import (  # noqa: E402
    SPANISH,
    _design,
    _fit,
    _log_proba,
    cross_fit_language,
    features,
    nb_scale,
    write,
)

POSITIVE = ["me encanta el portal", "excelente soporte, gracias", "muy buen programa", "genial el equipo",
            "todo funciona muy bien", "gran apoyo del equipo", "buenísimo el nuevo portal", "feliz con el pago"]
NEGATIVE = ["el portal es horrible", "pésimo soporte", "nadie contesta nunca", "muy mal servicio",
            "el pago llegó tarde otra vez", "odio el nuevo portal", "qué desastre de programa", "todo falla"]
NEUTRAL = ["la reunión es el lunes", "el portal tiene tres menús", "enviamos la factura hoy",
           "el programa empieza en mayo", "hay dos regiones", "el informe sale mañana", "la cuenta es nueva",
           "el pago se hace en euros"]
TEXTS = POSITIVE + NEGATIVE + NEUTRAL
LABELS = [2] * len(POSITIVE) + [0] * len(NEGATIVE) + [1] * len(NEUTRAL)


def test_nb_scale_is_largest_for_the_words_of_one_class_and_one_for_the_lexicon_block():
    used, columns, idf, x = _design(TEXTS, LABELS, True)
    scale = nb_scale(x, LABELS, 0.3, len(used))
    assert scale.shape == (x.shape[1],)
    assert np.all(scale[len(used):] == 1.0)  # lexicon columns are not rescaled
    assert np.all(scale[:len(used)] > 0)
    assert scale[:len(used)].max() > 2 * np.median(scale[:len(used)])


def test_folded_weights_give_the_scaled_models_probabilities_on_the_unscaled_features():
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    used, columns, idf, x = _design(TEXTS, LABELS, False)
    scale = nb_scale(x, LABELS, 0.3, len(used))
    coef, intercept = _fit(x, np.asarray(LABELS), 2.0, scale=scale)
    reference = LogisticRegression(C=2.0, max_iter=2000, class_weight="balanced").fit(x @ diags(scale), LABELS)
    new = features(["me encanta el soporte", "el portal es horrible"], idf)[:, columns]
    expected = reference.predict_log_proba(new @ diags(scale))
    np.testing.assert_allclose(_log_proba(new, coef, intercept), expected, atol=1e-9)
    unscaled, _ = _fit(x, np.asarray(LABELS), 2.0)
    assert not np.allclose(unscaled, coef)  # the scale changed the model


def test_cross_fit_chooses_on_out_of_fold_predictions_and_keeps_fixed_rows_out_of_the_folds(capsys):
    fitted = cross_fit_language(TEXTS, LABELS, ["o portal é ótimo", "o suporte é péssimo"], [2, 0], [0.25, 0.25],
                                folds=4, c_grid=(1.0, 4.0), nb_alpha=0.3, max_offset=0.5)
    settings = fitted["settings"]
    assert settings["C"] in (1.0, 4.0)
    assert settings["cv_folds"] == 4 and settings["nb_alpha"] == 0.3
    assert settings["train_size"] == len(TEXTS) and settings["fixed_train_size"] == 2
    assert 0.0 < settings["val_macro_f1"] <= 1.0
    assert all(abs(o) <= 0.5 for o in settings["offsets"])
    assert capsys.readouterr().out.count("cross-validated macro-F1") == 2  # one line per C
    assert fitted["weights"].shape == (len(fitted["buckets"]), 3)


def test_a_cross_fitted_model_scores_through_the_product_path(tmp_path):
    fitted = cross_fit_language(TEXTS, LABELS, folds=4, c_grid=(4.0,), nb_alpha=0.3, max_offset=0.5)
    path = tmp_path / "models.npz"
    write({"es": fitted}, {"languages": {"es": {"sources": {}}}}, path)
    models = SentimentModels(path)
    positive, negative = models.predict(["me encanta el portal, excelente", "pésimo, horrible servicio"], "es")
    assert positive[0] == "positive" and negative[0] == "negative"


def test_the_shipped_spanish_model_records_how_it_was_chosen_and_every_source():
    with np.load(MODELS_FILE, allow_pickle=False) as stored:
        meta = json.loads(bytes(stored["meta"]).decode("utf-8"))["languages"]["es"]
    assert meta["cv_folds"] == SPANISH["folds"] and meta["nb_alpha"] == SPANISH["nb_alpha"]
    assert meta["extra_tweets"] == SPANISH["extra"]
    sources = meta["sources"]
    assert any(k.endswith("spanish/test_text.txt") for k in sources)
    assert any(k.endswith("portuguese/test_text.txt") for k in sources)
    assert any(k.endswith("portuguese/train_text.txt") for k in sources)
    assert not any("val_" in k for k in sources)  # the held-out split never trains
    assert all(len(digest) == 64 for digest in sources.values())

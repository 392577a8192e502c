"""What the estimators guarantee: finite outputs at extreme logits, determinism with
every random feature, thread-safe prediction, bounded memory on large inputs."""

import subprocess
import sys
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from sk_ann import ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _targets(kind, X):
    if kind == "binary":
        return (X[:, 0] > 0).astype(int)
    if kind == "multiclass":
        return np.digitize(X[:, 0], [-0.5, 0.5])
    if kind == "multilabel":
        return np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0]).astype(int)
    return pd.DataFrame({"a": np.where(X[:, 0] > 0, "x", "y"),
                         "b": np.array(["p", "q", "r"])[np.digitize(X[:, 1], [-0.5, 0.5])]})


# --- numerical stability -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "multioutput"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_probabilities_stay_finite_for_logits_of_1e4(kind, dtype, scale):
    X = np.random.default_rng(0).normal(size=(60, 4))
    clf = ANNClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0,
                        dtype=dtype).fit(X, _targets(kind, X))
    out = clf.network_.layers[-1]
    # Push every raw output to about ±1e4: the logits of a saturated network.
    out.W[...] = 0.0
    out.b[...] = scale * np.linspace(0.5, 1.0, out.b.size)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        proba = clf.predict_proba(X)
        blocks = proba if isinstance(proba, list) else [proba]
        for p in blocks:
            assert p.dtype == np.dtype(dtype)
            assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
            if kind != "multilabel":
                np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
        clf.predict(X)
    log_proba = clf.predict_log_proba(X)
    for p in (log_proba if isinstance(log_proba, list) else [log_proba]):
        assert not np.isnan(p).any()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_poisson_predictions_stay_finite_for_raw_outputs_of_1e4(dtype):
    X = np.random.default_rng(0).normal(size=(40, 3))
    reg = ANNRegressor(loss="poisson", hidden_layer_sizes=(4,), max_iter=3, random_state=0,
                       dtype=dtype).fit(X, np.abs(X[:, 0]))
    reg.network_.layers[-1].W[...] = 0.0
    for raw in (1e4, -1e4):
        reg.network_.layers[-1].b[...] = raw
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            predicted = reg.predict(X)
        assert np.isfinite(predicted).all() and (predicted >= 0).all()


def test_training_from_saturated_logits_keeps_a_finite_loss():
    X = np.random.default_rng(0).normal(size=(60, 4))
    y = _targets("multiclass", X)
    clf = ANNClassifier(hidden_layer_sizes=(6,), max_iter=2, random_state=0,
                        warm_start=True).fit(X, y)
    clf.network_.layers[-1].b[...] = [1e4, -1e4, 0.0]
    clf.fit(X, y)
    assert np.isfinite(clf.loss_curve_).all()
    assert np.isfinite(clf.network_.params).all()


# --- determinism ---------------------------------------------------------------------------


RANDOM_FEATURES = dict(dropout=0.3, batch_norm=True, early_stopping=True, solver="adamw",
                       learning_rate="cosine", warmup_epochs=2, max_iter=12,
                       class_weight="balanced", random_state=11, hidden_layer_sizes=(8, 6))


def test_every_random_feature_is_seeded_by_random_state(iris):
    X, y = iris
    a = ANNClassifier(**RANDOM_FEATURES).fit(X, y)
    b = ANNClassifier(**RANDOM_FEATURES).fit(X, y)
    np.testing.assert_array_equal(a.network_.params, b.network_.params)
    np.testing.assert_array_equal(a.network_.buffers, b.network_.buffers)
    assert a.loss_curve_ == b.loss_curve_ and a.validation_scores_ == b.validation_scores_
    c = ANNClassifier(**{**RANDOM_FEATURES, "random_state": 12}).fit(X, y)
    assert not np.array_equal(a.network_.params, c.network_.params)


def test_every_random_feature_is_bit_identical_across_processes():
    code = (
        "import sys, warnings; warnings.simplefilter('ignore');"
        "from sklearn.datasets import load_iris; from sk_ann import ANNClassifier;"
        "X, y = load_iris(return_X_y=True);"
        f"net = ANNClassifier(**{RANDOM_FEATURES!r}).fit(X, y).network_;"
        "sys.stdout.write(net.params.tobytes().hex() + net.buffers.tobytes().hex())"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 0


# --- concurrency and memory ------------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"batch_norm": True, "dropout": 0.2}])
def test_predicting_from_many_threads_gives_the_single_thread_answers(iris, options):
    X, y = iris
    clf = ANNClassifier(hidden_layer_sizes=(16,), max_iter=20, random_state=0,
                        **options).fit(X, y)
    rng = np.random.default_rng(0)
    batches = [X[rng.integers(0, len(X), size=int(n))] for n in rng.integers(1, 150, 64)]
    alone = [clf.predict_proba(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(clf.predict_proba, batches))
    for a, b in zip(alone, together):
        np.testing.assert_array_equal(a, b)


def test_predicting_a_large_x_works_in_bounded_memory():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 20))
    clf = ANNRegressor(hidden_layer_sizes=(200,), max_iter=2, random_state=0).fit(X, X[:, 0])
    big = np.repeat(X, 1000, axis=0)  # 200,000 rows, 32 MB
    tracemalloc.start()
    try:
        predicted = clf.predict(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # All at once, the hidden layer alone would take 200,000 x 200 x 8 bytes = 320 MB.
    assert peak < 80e6
    np.testing.assert_allclose(predicted[::1000], clf.predict(X), rtol=1e-10)

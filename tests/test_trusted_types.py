"""sk_ann.trusted_types() is exactly enough to load any saved sk_ann model with skops."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_ann
from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor
from sk_ann.layers import (
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
)

# These tests train for a few epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

sio = pytest.importorskip("skops.io")

X = np.random.default_rng(0).normal(size=(30, 8))
LABELS = (X[:, 0] > 0).astype(int)

MODELS = {
    "binary-sgd": lambda: ANNClassifier((3,), solver="sgd", batch_norm=True, dropout=0.1,
                                        max_iter=2).fit(X, LABELS),
    "multiclass-strings-lbfgs": lambda: ANNClassifier((3,), solver="lbfgs", max_iter=2).fit(
        X, np.array(["a", "b", "c"])[np.digitize(X[:, 0], [-0.5, 0.5])]),
    "multilabel-rmsprop": lambda: ANNClassifier((3,), solver="rmsprop", max_iter=2).fit(
        X, np.column_stack([LABELS, X[:, 1] > 0])),
    "multioutput-adamw": lambda: ANNClassifier((3,), solver="adamw", max_iter=2).fit(
        X, np.column_stack([LABELS, np.digitize(X[:, 1], [-0.5, 0.5])])),
    "poisson": lambda: ANNRegressor((3,), loss="poisson", max_iter=2).fit(X, np.exp(X[:, 0])),
    "autoencoder-pipeline": lambda: make_pipeline(
        StandardScaler(), ANNAutoencoder((3,), max_iter=2)).fit(X),
    "conv1d": lambda: ANNClassifier(
        [Conv1D(2, 2), MaxPool1D(2), AvgPool1D(1), Flatten(), Dense(3)], input_shape=(8, 1),
        max_iter=2).fit(X, LABELS),
    "conv1d-global": lambda: ANNRegressor([Conv1D(2, 2), GlobalAvgPool()], input_shape=(8, 1),
                                          max_iter=2).fit(X, X[:, 0]),
    "conv2d": lambda: ANNRegressor([Conv2D(2, 2), MaxPool2D(1), AvgPool2D(1), Flatten(), 3],
                                   input_shape=(4, 2, 1), max_iter=2).fit(X, X[:, :2]),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_trusted_types_cover_what_skops_asks_for(name):
    model = MODELS[name]()
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted, "skops must ask to trust sk_ann's types"
    assert set(untrusted) <= set(sk_ann.trusted_types())
    loaded = sio.loads(data, trusted=sk_ann.trusted_types())
    method = "transform" if name.startswith("autoencoder") else "predict"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))


def test_trusted_types_are_sk_ann_types_only():
    names = sk_ann.trusted_types()
    assert names == sorted(set(names))
    assert all(name.startswith("sk_ann.") for name in names)
    assert "sk_ann.core.network.Network" in names
    # Every layer spec a model can hold, but not their abstract base, which none holds.
    assert "sk_ann.layers.LSTM" in names and "sk_ann.layers.TransformerEncoder" in names
    assert "sk_ann.layers.LayerSpec" not in names


def test_trusted_types_cover_a_fitted_gan_but_a_numpy_dtype():
    from sk_ann import ANNGAN

    X = np.random.default_rng(0).normal(size=(60, 3))
    gan = ANNGAN((8,), (8,), max_iter=3, random_state=0).fit(X)
    asked = set(sio.get_untrusted_types(data=sio.dumps(gan)))
    # ANNGAN's column encoder keeps a numpy dtype, which skops does not trust by itself.
    assert asked - set(sk_ann.trusted_types()) <= {"numpy.dtype"}

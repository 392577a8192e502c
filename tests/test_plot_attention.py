"""AttentionDisplay: the weights it draws, its labels, and the errors it gives."""

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier
from sk_ann.core.layers.attention import attention_weights
from sk_ann.layers import ClsToken, Conv1D, FeatureTokenizer, GlobalAvgPool, TransformerEncoder

# These tests train for a few epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sk_ann.plot import AttentionDisplay  # noqa: E402


@pytest.fixture(scope="module")
def table():
    X, y = load_wine(return_X_y=True, as_frame=True)
    X = X.iloc[:, :5]
    pipe = make_pipeline(StandardScaler().set_output(transform="pandas"), ANNClassifier(
        [FeatureTokenizer(8), TransformerEncoder(2), TransformerEncoder(2), ClsToken()],
        max_iter=5, random_state=0)).fit(X, y)
    return pipe, X


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_table_labels_are_cls_and_feature_names(table):
    pipe, X = table
    display = AttentionDisplay.from_estimator(pipe, X[:10], block=-1, head=0)
    assert display.labels == ["[CLS]", *X.columns]
    ticks = [t.get_text() for t in display.ax_.get_xticklabels()]
    assert ticks == display.labels
    assert "block -1, head 0" in display.ax_.get_title()


def test_drawn_weights_are_those_of_the_network(table):
    pipe, X = table
    model = pipe[-1]
    rows = pipe[0].transform(X[:10]).to_numpy()
    expected = attention_weights(model.network_, rows, 2)  # second block
    display = AttentionDisplay.from_estimator(pipe, X[:10], block=1, head=1, sample=3)
    np.testing.assert_allclose(display.weights, expected[3, 1])
    np.testing.assert_allclose(display.image_.get_array(), expected[3, 1])
    mean = AttentionDisplay.from_estimator(pipe, X[:10], block=1)
    np.testing.assert_allclose(mean.weights, expected.mean(axis=(0, 1)))
    np.testing.assert_allclose(mean.weights.sum(axis=1), 1.0)


def test_sequence_tokens_are_time_steps():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = ANNClassifier([Conv1D(4, 1), TransformerEncoder(2), GlobalAvgPool()],
                          input_shape=(5, 2), max_iter=3, random_state=0).fit(X, y)
    display = AttentionDisplay.from_estimator(model, X, colorbar=False)
    assert display.labels == ["0", "1", "2", "3", "4"]
    assert display.colorbar_ is None
    assert display.all_weights.shape == (40, 2, 5, 5)


def test_errors_say_what_to_do(table):
    pipe, X = table
    with pytest.raises(ValueError, match="block=2, but the network has 2 attention blocks"):
        AttentionDisplay.from_estimator(pipe, X, block=2)
    with pytest.raises(ValueError, match="head must be 'mean' or an int in"):
        AttentionDisplay.from_estimator(pipe, X, head=5)
    mlp = ANNClassifier([3], max_iter=2).fit(X, pipe[-1].classes_[np.arange(len(X)) % 3])
    with pytest.raises(ValueError, match="needs a network with attention"):
        AttentionDisplay.from_estimator(mlp, X)

"""Transformers in the estimators: tables (FT-Transformer), sequences, and the sklearn workflow."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.core.layers.attention import attention_weights
from sk_ann.layers import (
    ClsToken, Conv1D, FeatureTokenizer, GlobalAvgPool, LayerNorm, PositionalEmbedding,
    TransformerEncoder,
)

# These tests train for a few epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def ft(**kwargs):
    params = dict(hidden_layer_sizes=[FeatureTokenizer(8), TransformerEncoder(2), ClsToken(), 16],
                  max_iter=40, random_state=0, learning_rate_init=0.01)
    params.update(kwargs)
    return ANNClassifier(**params)


def sequences(n=120, steps=6, seed=0):
    """Class = whether the largest of the first channel comes before step 3."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, steps, 2))
    return X, (X[:, :, 0].argmax(axis=1) < steps // 2).astype(int)


@pytest.fixture(scope="module")
def fitted(wine):
    X, y = wine
    return ft().fit(X, y)


def test_ft_transformer_learns_a_table(fitted, wine):
    X, y = wine
    assert fitted.score(X, y) > 0.9
    assert [type(layer).__name__ for layer in fitted.network_.layers] == [
        "FeatureTokenizer", "TransformerEncoder", "ClsToken", "Dense", "Dense"]
    assert fitted.network_.layers[0].output_shape == (X.shape[1] + 1, 8)
    assert fitted.predict_proba(X[:3]).shape == (3, 3)


def test_sequence_transformer_reads_samples_with_positions():
    X, y = sequences()
    model = ANNClassifier([Conv1D(8, 1), PositionalEmbedding(), TransformerEncoder(2),
                           GlobalAvgPool(), 8], input_shape=(6, 2), max_iter=30,
                           random_state=0, learning_rate_init=0.01).fit(X, y)
    assert model.network_.layers[2].output_shape == (6, 8)
    np.testing.assert_array_equal(model.predict(X), model.predict(X.reshape(len(X), -1)))
    assert model.score(X, y) > 0.7


def test_same_seed_same_model(wine):
    X, y = wine
    a = ft(max_iter=5, hidden_layer_sizes=[FeatureTokenizer(4), TransformerEncoder(2, dropout=0.2),
                                           ClsToken()]).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.network_.params, b.network_.params)


def test_float32_end_to_end(wine):
    X, y = wine
    model = ft(max_iter=5, dtype=np.float32).fit(X.astype(np.float32), y) if "dtype" in \
        ANNClassifier().get_params() else pytest.skip("no dtype parameter")
    assert model.network_.params.dtype == np.float32
    assert model.predict_proba(X).dtype == np.float32


def test_pipeline_grid_search_and_nested_spec_parameters(wine):
    X, y = wine
    pipe = make_pipeline(StandardScaler(), ft(max_iter=5))
    grid = GridSearchCV(pipe, {"annclassifier__hidden_layer_sizes": [
        [FeatureTokenizer(4), TransformerEncoder(1), ClsToken()],
        [FeatureTokenizer(4), TransformerEncoder(2, dropout=0.1), ClsToken()]]}, cv=2)
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 2
    assert "TransformerEncoder(2, dropout=0.1)" in str(grid.cv_results_["params"][1])


def test_clone_pickle_and_skops(fitted, wine, tmp_path):
    X, _ = wine
    assert clone(fitted).hidden_layer_sizes == fitted.hidden_layer_sizes
    twin = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(twin.predict_proba(X), fitted.predict_proba(X))
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "ft.skops"
    sio.dump(fitted, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("sk_ann.") for name in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))


def test_early_stopping(wine):
    X, y = wine
    model = ft(max_iter=200, early_stopping=True, n_iter_no_change=3).fit(X, y)
    assert model.n_iter_ < 200
    assert model.validation_scores_


def test_warm_start_continues_and_refuses_a_new_block(wine):
    X, y = wine
    model = ft(max_iter=3, warm_start=True).fit(X, y)
    before = model.network_.params.copy()
    model.set_params(hidden_layer_sizes=[FeatureTokenizer(8), TransformerEncoder(2, dropout=0.3),
                                         ClsToken(), 16])
    model.fit(X, y)  # a new dropout rate changes no weight: allowed
    assert model.network_.layers[1].dropout == 0.3
    assert model.network_.layers[1].attention.dropout == 0.3
    assert not np.array_equal(before, model.network_.params)
    for changed in (TransformerEncoder(4), TransformerEncoder(2, ff_units=4),
                    TransformerEncoder(2, ff_activation="relu")):
        model.set_params(hidden_layer_sizes=[FeatureTokenizer(8), changed, ClsToken(), 16])
        with pytest.raises(ValueError, match="warm_start and partial_fit continue"):
            model.fit(X, y)


def test_partial_fit(wine):
    X, y = wine
    model = ft()
    for _ in range(3):
        model.partial_fit(X, y, classes=np.unique(y))
    assert len(model.loss_curve_) == 3


def test_estimator_dropout_does_not_reach_blocks_but_is_refused_per_layer(wine):
    X, y = wine
    model = ft(max_iter=2, dropout=0.5).fit(X, y)
    assert model.network_.layers[1].dropout == 0.0
    assert model.network_.layers[3].dropout == 0.5
    with pytest.raises(ValueError, match="applies to layers of neurons"):
        ft(max_iter=2, dropout=[0.0, 0.5, 0.0, 0.0]).fit(X, y)


def test_regressor_with_layer_norm(wine):
    X, _ = wine
    target = X[:, 0] * X[:, 1]
    model = ANNRegressor([FeatureTokenizer(8), TransformerEncoder(2), LayerNorm(), ClsToken(), 16],
                         max_iter=60, random_state=0, learning_rate_init=0.01).fit(X, target)
    assert model.score(X, target) > 0.5


def test_layer_norm_epsilon_reaches_the_network_and_a_search(wine):
    X, target = wine[0], wine[0][:, 0]
    grid = GridSearchCV(
        ANNRegressor(max_iter=2, random_state=0),
        {"hidden_layer_sizes": [[FeatureTokenizer(4), LayerNorm(epsilon=eps), ClsToken()]
                                for eps in (1e-5, 0.5)]}, cv=2).fit(X, target)
    assert "LayerNorm(epsilon=0.5)" in str(grid.cv_results_["params"][1])
    model = ANNRegressor([FeatureTokenizer(4), LayerNorm(epsilon=0.5), ClsToken()], max_iter=2,
                         random_state=0).fit(X, target)
    assert model.network_.layers[1].epsilon == 0.5
    with pytest.raises(ValueError, match="LayerNorm epsilon must be positive"):
        LayerNorm(epsilon=0)
    # A specification pickled before epsilon was a parameter has none of its own.
    old = LayerNorm()
    del old.__dict__["epsilon"]
    assert pickle.loads(pickle.dumps(old)).get_params() == {"epsilon": 1e-5}


def test_attention_weights_of_the_fitted_network(fitted, wine):
    X, _ = wine
    P = attention_weights(fitted.network_, X[:4])
    assert P.shape == (4, 2, X.shape[1] + 1, X.shape[1] + 1)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0)


def test_wrong_heads_error_names_the_width(wine):
    X, y = wine
    with pytest.raises(ValueError, match="d_model=6 .*not a multiple of n_heads=4"):
        ft(hidden_layer_sizes=[FeatureTokenizer(6), TransformerEncoder(4), ClsToken()]).fit(X, y)


def _lookup(n, seed):
    """Query token, then 4 (key, value) tokens; the target is the value under the query's key."""
    rng = np.random.RandomState(seed)
    n_pairs, n_keys, n_values = 4, 6, 3
    X = np.zeros((n, n_pairs + 1, n_keys + n_values + 1))
    keys = np.argsort(rng.random_sample((n, n_keys)), axis=1)[:, :n_pairs]
    values = rng.randint(n_values, size=(n, n_pairs))
    rows, positions = np.arange(n)[:, None], np.arange(1, n_pairs + 1)[None, :]
    X[rows, positions, keys] = 1
    X[rows, positions, n_keys + values] = 1
    asked = rng.randint(n_pairs, size=n)
    X[np.arange(n), 0, keys[np.arange(n), asked]] = 1
    X[:, 0, -1] = 1
    return X, values[np.arange(n), asked]


def test_attention_solves_a_lookup_an_mlp_of_its_size_does_not():
    """Content lookup needs a comparison of the query with every key: what attention does."""
    X, y = _lookup(600, 0)
    X_test, y_test = _lookup(400, 1)
    transformer = ANNClassifier([Conv1D(16, 1), TransformerEncoder(2), ClsToken(), 16],
                                input_shape=X.shape[1:], max_iter=15, batch_size=32,
                                learning_rate_init=3e-3, random_state=0).fit(X, y)
    mlp = ANNClassifier([48, 48], max_iter=100, random_state=0).fit(X.reshape(600, -1), y)
    assert mlp.network_.n_params >= transformer.network_.n_params
    assert transformer.score(X_test, y_test) > 0.8
    assert mlp.score(X_test.reshape(400, -1), y_test) < 0.6  # chance is 1/3


def test_layer_outputs_per_block(fitted, wine):
    X, _ = wine
    outputs = fitted.network_.layer_outputs(X[:5])
    assert [out.shape for out in outputs] == [(5, 14, 8), (5, 14, 8), (5, 8), (5, 16), (5, 3)]
    # The [CLS] token's output after the block is what ClsToken hands on.
    np.testing.assert_array_equal(outputs[1][:, 0], outputs[2])

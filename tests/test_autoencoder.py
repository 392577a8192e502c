"""ANNAutoencoder: codes, reconstructions, anomaly scores, noise, and sklearn workflows."""

import ast
import inspect
import pickle
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNAutoencoder, ANNRegressor, InvalidParameterError

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def subspace_data(n_samples, seed=0, off_subspace=0.05):
    """Points near a 3-D linear subspace of R^10 (fixed by seed 0), plus isotropic noise."""
    basis = np.random.RandomState(0).normal(size=(3, 10))
    offset = np.random.RandomState(1).normal(size=10)
    rng = np.random.RandomState(seed)
    return (rng.normal(size=(n_samples, 3)) @ basis + offset
            + off_subspace * rng.normal(size=(n_samples, 10)))


def reconstruction_error(X, X_hat):
    return float(np.mean((X - X_hat) ** 2))


def test_every_default_is_the_documented_one():
    # The docstring's "name : type, default=value" lines are what users read.
    documented = {
        name: ast.literal_eval(value) for name, value in
        re.findall(r"^    (\w+) : .*default=(.+)$", ANNAutoencoder.__doc__, re.MULTILINE)
    }
    signature = {name: param.default
                 for name, param in inspect.signature(ANNAutoencoder).parameters.items()}
    assert signature == documented
    # As the docstring says: the training parameters of ANNRegressor, same defaults.
    regressor = inspect.signature(ANNRegressor).parameters
    for name, default in signature.items():
        if name not in ("hidden_layer_sizes", "noise"):
            assert regressor[name].default == default, name


@pytest.fixture(scope="module")
def subspace():
    return subspace_data(300, seed=2), subspace_data(300, seed=3)


@pytest.fixture(scope="module")
def linear_autoencoder(subspace):
    X_train, _ = subspace
    ae = ANNAutoencoder(3, activation="identity", solver="lbfgs", max_iter=2000, random_state=0)
    return ae.fit(X_train)


def test_reconstruction_improves_with_training(iris):
    X, _ = iris
    params = dict(hidden_layer_sizes=(8, 2), activation="tanh", learning_rate_init=0.01,
                  random_state=0)
    barely = ANNAutoencoder(max_iter=1, **params).fit(X)
    trained = ANNAutoencoder(max_iter=300, **params).fit(X)
    assert trained.loss_curve_[-1] < trained.loss_curve_[0]
    assert -trained.score(X) < -barely.score(X)
    # A two-dimensional code does better than one principal component.
    pca = PCA(n_components=1).fit(X)
    assert -trained.score(X) < reconstruction_error(X, pca.inverse_transform(pca.transform(X)))


def test_linear_autoencoder_reaches_pca_on_a_linear_subspace(subspace, linear_autoencoder):
    X_train, X_test = subspace
    pca = PCA(n_components=3).fit(X_train)
    pca_error = reconstruction_error(X_test, pca.inverse_transform(pca.transform(X_test)))
    ae = linear_autoencoder
    ae_error = reconstruction_error(X_test, ae.inverse_transform(ae.transform(X_test)))
    assert ae.n_iter_ < ae.max_iter
    # PCA's reconstruction is the best any rank-3 linear map can do on the training data.
    assert ae_error <= 1.05 * pca_error
    assert ae.score(X_test) == pytest.approx(-ae_error)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("sizes, code", [(3, 3), ((6, 4, 2), 2)])
def test_code_dimension_and_dtypes(iris, dtype, sparse, sizes, code):
    X = iris[0].astype(dtype)
    X_in = sp.csr_matrix(X) if sparse else X
    ae = ANNAutoencoder(sizes, max_iter=5, random_state=0).fit(X_in)
    encoder = [sizes] if isinstance(sizes, int) else list(sizes)
    assert ae.network_.layer_sizes == [4, *encoder, *encoder[-2::-1], 4]
    assert ae.network_.dtype == dtype
    Z = ae.transform(X_in)
    assert Z.shape == (150, code) and Z.dtype == dtype
    X_hat = ae.inverse_transform(Z)
    assert X_hat.shape == (150, 4) and X_hat.dtype == dtype
    scores = ae.score_samples(X_in)
    assert scores.shape == (150,) and scores.dtype == dtype
    assert ae.fit_transform(X_in).dtype == dtype


def test_transform_is_the_bottleneck_and_scores_match_reconstructions(iris):
    X, _ = iris
    ae = ANNAutoencoder((5, 2), activation="tanh", max_iter=20, random_state=0).fit(X)
    outputs = ae.network_.layer_outputs(X)
    np.testing.assert_allclose(ae.transform(X), outputs[1])
    np.testing.assert_allclose(ae.inverse_transform(ae.transform(X)), outputs[-1])
    expected = -np.mean((X - outputs[-1]) ** 2, axis=1)
    np.testing.assert_allclose(ae.score_samples(X), expected)


def test_y_is_ignored(iris):
    X, y = iris
    a = ANNAutoencoder(max_iter=10, random_state=0).fit(X)
    b = ANNAutoencoder(max_iter=10, random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.network_.params, b.network_.params)


def test_feature_names_out(iris):
    X = pd.DataFrame(iris[0], columns=["a", "b", "c", "d"])
    ae = ANNAutoencoder((5, 3), max_iter=5, random_state=0).fit(X)
    names = ae.get_feature_names_out()
    assert list(names) == ["annautoencoder0", "annautoencoder1", "annautoencoder2"]
    assert list(ae.get_feature_names_out(["a", "b", "c", "d"])) == list(names)
    with pytest.raises(ValueError):
        ae.get_feature_names_out(["w", "x", "y", "z"])


def test_set_output_pandas(iris):
    X = pd.DataFrame(iris[0], columns=["a", "b", "c", "d"], index=np.arange(150) * 10)
    ae = ANNAutoencoder((5, 2), max_iter=5, random_state=0).set_output(transform="pandas")
    for codes in (ae.fit_transform(X), ae.transform(X)):
        assert isinstance(codes, pd.DataFrame)
        assert list(codes.columns) == ["annautoencoder0", "annautoencoder1"]
        assert codes.index.equals(X.index)
    np.testing.assert_allclose(ae.inverse_transform(codes),
                               ae.inverse_transform(codes.to_numpy()))


def test_pipeline_feeding_a_classifier_in_grid_search(iris):
    X, y = iris
    pipe = Pipeline([
        ("scale", StandardScaler()),
        ("annautoencoder", ANNAutoencoder(activation="tanh", learning_rate_init=0.01,
                                          random_state=0)),
        ("classify", LogisticRegression()),
    ])
    grid = GridSearchCV(pipe, {"annautoencoder__hidden_layer_sizes": [(8, 1), (8, 2)]}, cv=3)
    grid.fit(X, y)
    assert grid.best_params_["annautoencoder__hidden_layer_sizes"] in [(8, 1), (8, 2)]
    width = grid.best_params_["annautoencoder__hidden_layer_sizes"][-1]
    assert grid.best_estimator_[:-1].transform(X).shape == (150, width)
    chance = np.bincount(y).max() / len(y)
    assert grid.best_score_ > 2 * chance


def test_grid_search_on_the_autoencoder_alone_picks_the_true_dimension(subspace):
    X_train, _ = subspace
    ae = ANNAutoencoder(activation="identity", learning_rate_init=0.01, random_state=0)
    grid = GridSearchCV(ae, {"hidden_layer_sizes": [1, 3]}, cv=3).fit(X_train)
    assert grid.best_params_ == {"hidden_layer_sizes": 3}


def test_score_samples_ranks_outliers_below_inliers(subspace, linear_autoencoder):
    _, X_test = subspace
    rng = np.random.RandomState(4)
    outliers = X_test[:20] + 2.0 * rng.normal(size=(20, X_test.shape[1]))
    inlier_scores = linear_autoencoder.score_samples(X_test)
    outlier_scores = linear_autoencoder.score_samples(outliers)
    assert inlier_scores.min() > outlier_scores.max()


def test_noise_draws_from_random_state(iris):
    X, _ = iris

    def params(noise, seed=0):
        return ANNAutoencoder((5, 2), max_iter=10, noise=noise,
                              random_state=seed).fit(X).network_.params

    np.testing.assert_array_equal(params(0.3), params(0.3))
    assert not np.array_equal(params(0.3), params(0.0))
    assert not np.array_equal(params(0.3), params(0.3, seed=1))


def test_noise_corrupts_inputs_not_the_data_or_targets(iris):
    X = iris[0].copy()
    # Without shuffling a minibatch is a view of X, which is also the target.
    params = dict(hidden_layer_sizes=(5, 2), max_iter=5, noise=0.5, shuffle=False,
                  batch_size=50, random_state=0)
    dense = ANNAutoencoder(**params).fit(X)
    np.testing.assert_array_equal(X, iris[0])
    # The same noise lands on the same values whether X comes dense or sparse.
    sparse = ANNAutoencoder(**params).fit(sp.csr_matrix(X))
    np.testing.assert_array_equal(dense.network_.params, sparse.network_.params)


@pytest.mark.parametrize("noise", [-0.1, np.nan, np.inf, "0.1", None])
def test_bad_noise_is_refused(iris, noise):
    with pytest.raises(InvalidParameterError,
                       match=r"The 'noise' parameter of ANNAutoencoder must be a float in the "
                             r"range \[0.0, inf\)"):
        ANNAutoencoder(noise=noise).fit(iris[0])


def test_noise_needs_a_stochastic_solver(iris):
    with pytest.raises(ValueError, match="stochastic solver"):
        ANNAutoencoder(noise=0.1, solver="lbfgs").fit(iris[0])
    ANNAutoencoder(noise=0.0, solver="lbfgs", max_iter=5).fit(iris[0])


@pytest.mark.parametrize("sizes", [(), [], 0, (4, 0)])
def test_an_encoder_needs_layers(iris, sizes):
    with pytest.raises(InvalidParameterError, match="non-empty sequence"):
        ANNAutoencoder(hidden_layer_sizes=sizes).fit(iris[0])


def test_partial_fit_improves_the_reconstruction(iris):
    X, _ = iris
    ae = ANNAutoencoder((8, 2), activation="tanh", learning_rate_init=0.01, random_state=0)
    first = ae.partial_fit(X).score(X)
    for _ in range(30):
        ae.partial_fit(X, None)
    assert ae.score(X) > first
    assert ae.t_ == 31 * len(X)
    assert not hasattr(ANNAutoencoder(solver="lbfgs"), "partial_fit")


def test_warm_start_continues_and_refuses_a_new_shape(iris):
    X, _ = iris
    ae = ANNAutoencoder((6, 2), max_iter=5, warm_start=True, random_state=0).fit(X)
    before = ae.network_.params.copy()
    ae.fit(X)
    assert len(ae.loss_curve_) == 10
    params = ae.network_.params.copy()
    assert not np.array_equal(params, before)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes \(6, 2, 6\) -> \(6, 3, 6\)"):
        ae.set_params(hidden_layer_sizes=(6, 3)).fit(X)
    np.testing.assert_array_equal(ae.network_.params, params)
    assert ae.transform(X).shape == (150, 2)


def test_early_stopping_scores_the_reconstruction(iris):
    X, _ = iris
    ae = ANNAutoencoder((8, 2), activation="tanh", learning_rate_init=0.01, early_stopping=True,
                        validation_fraction=0.2, random_state=0).fit(X)
    scores = ae.validation_scores_
    assert ae.best_validation_score_ == max(scores) and max(scores) > scores[0]
    # A share of explained variance: at most 1.
    assert max(scores) <= 1.0


def test_inverse_transform_wants_codes(iris):
    X, _ = iris
    ae = ANNAutoencoder((5, 2), max_iter=5, random_state=0).fit(X)
    with pytest.raises(ValueError, match="decodes codes of 2"):
        ae.inverse_transform(X)


@pytest.mark.parametrize("method", ["transform", "inverse_transform", "score_samples", "score"])
def test_unfitted_methods_raise(iris, method):
    with pytest.raises(NotFittedError):
        getattr(ANNAutoencoder(), method)(iris[0][:, :2])


def test_pickle_round_trip(iris):
    X, _ = iris
    ae = ANNAutoencoder((5, 2), max_iter=10, random_state=0).fit(X)
    loaded = pickle.loads(pickle.dumps(ae))
    np.testing.assert_array_equal(loaded.transform(X), ae.transform(X))
    np.testing.assert_array_equal(loaded.score_samples(X), ae.score_samples(X))
    assert list(loaded.get_feature_names_out()) == list(ae.get_feature_names_out())

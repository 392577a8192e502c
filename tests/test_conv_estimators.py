"""Convolutional networks in the estimators: the contract a user relies on.

ANNClassifier and ANNRegressor with ``hidden_layer_sizes`` holding layer
specifications (``Conv1D``, ``Conv2D``, pooling) and ``input_shape``: flat or
n-D ``X``, scikit-learn's workflows (pipelines, cross-validation, searches,
clone, pickle, skops), determinism, float32, continued training,
regularisation, sparse input, the errors a mistake gets, the fitted attributes
and the layers' outputs. The data are tiny and the fits a few epochs: these
check behaviour, not accuracy, except for the last test, where a small CNN
must learn the digits.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor, InvalidParameterError
from sk_ann.layers import (
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

N_SAMPLES = 48
# One architecture per kind of convolution: input shape, hidden layers, and the
# shapes of the layers' outputs per sample (the output layer's last).
ARCHITECTURES = {
    "conv2d": ((8, 8), lambda: [Conv2D(4, 3, padding="same"), MaxPool2D(2), 8],
               [(8, 8, 4), (4, 4, 4), (8,)]),
    "conv1d": ((16, 3), lambda: [Conv1D(4, 3), MaxPool1D(2), Conv1D(5, 3), GlobalAvgPool()],
               [(14, 4), (7, 4), (5, 5), (5,)]),
}
KERNELS = {"conv2d": [(3, 3, 1, 4), (64, 8)], "conv1d": [(3, 3, 4), (3, 4, 5)]}
ESTIMATORS = [ANNClassifier, ANNRegressor]


def _data(arch, regression):
    """``X`` of samples of the architecture's input shape, and a target that depends on it."""
    shape = ARCHITECTURES[arch][0]
    rng = np.random.RandomState(0)
    X = rng.normal(size=(N_SAMPLES, *shape))
    signal = X.reshape(N_SAMPLES, -1)[:, :8].sum(axis=1)
    y = signal / 3 if regression else np.digitize(signal, [-1.0, 1.0])  # 3 classes
    return X, y


def _estimator(cls, arch, **params):
    shape, specs, _ = ARCHITECTURES[arch]
    params = {"hidden_layer_sizes": specs(), "input_shape": shape, "max_iter": 3,
              "batch_size": 16, "random_state": 0, **params}
    return cls(**params)


def _fitted(cls, arch, **params):
    X, y = _data(arch, cls is ANNRegressor)
    return _estimator(cls, arch, **params).fit(X, y), X, y


def _outputs(est, X):
    """What the estimator predicts: probabilities for a classifier, values for a regressor."""
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


both = pytest.mark.parametrize("cls", ESTIMATORS, ids=["classifier", "regressor"])
archs = pytest.mark.parametrize("arch", list(ARCHITECTURES))


# --- X flat or with its sample shape --------------------------------------------------------


@both
@archs
def test_flat_and_nd_x_give_the_same_model_and_predictions(cls, arch):
    X, y = _data(arch, cls is ANNRegressor)
    flat = X.reshape(len(X), -1)
    on_nd = _estimator(cls, arch).fit(X, y)
    on_flat = _estimator(cls, arch).fit(flat, y)
    assert on_nd.n_features_in_ == on_flat.n_features_in_ == flat.shape[1]
    for a, b in zip(on_nd.coefs_, on_flat.coefs_):
        np.testing.assert_array_equal(a, b)
    expected = on_flat.predict(flat)
    np.testing.assert_array_equal(on_nd.predict(X), expected)
    np.testing.assert_array_equal(on_nd.predict(flat), expected)
    np.testing.assert_array_equal(_outputs(on_nd, X), _outputs(on_nd, flat))
    assert on_nd.score(X, y) == on_nd.score(flat, y)
    if cls is ANNClassifier:
        proba = on_nd.predict_proba(X)
        assert proba.shape == (N_SAMPLES, 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_array_equal(on_nd.classes_, [0, 1, 2])


def test_one_channel_images_may_carry_their_channel_axis():
    X, y = _data("conv2d", regression=False)
    est = _estimator(ANNClassifier, "conv2d").fit(X[..., None], y)  # (n, 8, 8, 1)
    np.testing.assert_array_equal(est.predict_proba(X), est.predict_proba(X[..., None]))


def test_a_sequence_of_one_channel_takes_an_int_input_shape():
    X, y = _data("conv1d", regression=False)
    flat = X[..., 0]  # (n, 16): one channel
    est = ANNClassifier([Conv1D(4, 3), GlobalAvgPool()], input_shape=16, max_iter=2,
                        random_state=0).fit(flat, y)
    assert est.network_.input_shape == (16, 1)
    np.testing.assert_array_equal(est.predict_proba(flat), est.predict_proba(flat[..., None]))


def test_a_tuple_of_specs_and_a_list_input_shape_work_as_lists_and_tuples():
    X, y = _data("conv2d", regression=False)
    as_tuple = ANNClassifier((Conv2D(4, 3), MaxPool2D(2)), input_shape=[8, 8], max_iter=2,
                             random_state=0).fit(X, y)
    as_list = ANNClassifier([Conv2D(4, 3), MaxPool2D(2)], input_shape=(8, 8), max_iter=2,
                            random_state=0).fit(X, y)
    np.testing.assert_array_equal(as_tuple.network_.params, as_list.network_.params)


def test_a_lone_spec_is_accepted_as_a_lone_int_is():
    X, y = _data("conv2d", regression=False)
    est = ANNClassifier(Conv2D(4, 3), input_shape=(8, 8), max_iter=2).fit(X, y)
    assert est.coefs_[0].shape == (3, 3, 1, 4)


def test_pandas_x_sample_weight_and_validation_data():
    pd = pytest.importorskip("pandas")
    X, y = _data("conv2d", regression=False)
    flat = X.reshape(len(X), -1)
    frame = pd.DataFrame(flat, columns=[f"pixel{i}" for i in range(64)])
    weights = np.linspace(0.5, 1.5, len(X))
    on_frame = _estimator(ANNClassifier, "conv2d").fit(frame, y, sample_weight=weights)
    on_array = _estimator(ANNClassifier, "conv2d").fit(X, y, sample_weight=weights)
    assert list(on_frame.feature_names_in_[:2]) == ["pixel0", "pixel1"]
    np.testing.assert_array_equal(on_frame.predict_proba(frame), on_array.predict_proba(X))
    # Validation data may have the samples' shape too.
    with_val = _estimator(ANNClassifier, "conv2d").fit(X[:32], y[:32], X_val=X[32:],
                                                       y_val=y[32:])
    assert len(with_val.validation_scores_) == with_val.n_iter_


@both
def test_lbfgs_trains_a_conv_net(cls):
    est, X, y = _fitted(cls, "conv2d", solver="lbfgs", max_iter=5)
    assert len(est.loss_curve_) == est.n_iter_ and est.loss_curve_[-1] < est.loss_curve_[0]
    assert np.isfinite(_outputs(est, X)).all()


# --- scikit-learn workflows -----------------------------------------------------------------


@both
@archs
def test_in_a_pipeline_with_a_scaler(cls, arch):
    X, y = _data(arch, cls is ANNRegressor)
    flat = X.reshape(len(X), -1)
    pipe = make_pipeline(StandardScaler(), _estimator(cls, arch)).fit(flat, y)
    alone = _estimator(cls, arch).fit(StandardScaler().fit_transform(flat), y)
    np.testing.assert_array_equal(pipe.predict(flat), alone.predict(pipe[0].transform(flat)))
    assert np.isfinite(pipe.score(flat, y))


@both
@archs
def test_cross_val_score_on_nd_x(cls, arch):
    X, y = _data(arch, cls is ANNRegressor)
    scores = cross_val_score(_estimator(cls, arch), X, y, cv=3)
    assert scores.shape == (3,) and np.isfinite(scores).all()


def test_grid_search_over_lists_of_specs_in_parallel():
    X, y = _data("conv2d", regression=False)
    grid = [[Conv2D(2, 3), 4], [Conv2D(4, 3, padding="same"), MaxPool2D(2)]]
    search = GridSearchCV(
        ANNClassifier(input_shape=(8, 8), max_iter=2, batch_size=16, random_state=0),
        {"hidden_layer_sizes": grid}, cv=2, n_jobs=2,
    ).fit(X, y)
    params = search.cv_results_["params"]
    assert [p["hidden_layer_sizes"] for p in params] == grid
    # The specs print as the calls that make them, so the results read as the grid was written.
    assert [repr(p["hidden_layer_sizes"]) for p in params] == [
        "[Conv2D(2, 3), 4]", "[Conv2D(4, 3, padding='same'), MaxPool2D(2)]"]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.hidden_layer_sizes in grid
    assert search.predict(X).shape == (N_SAMPLES,)


@both
@archs
def test_clone_has_equal_params_and_independent_specs(cls, arch):
    est, X, y = _fitted(cls, arch)
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "network_")
    for mine, theirs in zip(twin.hidden_layer_sizes, est.hidden_layer_sizes):
        assert mine == theirs
        if not isinstance(mine, int):
            assert mine is not theirs
    # Changing the clone's spec leaves the original's alone.
    twin.hidden_layer_sizes[0].set_params(filters=7)
    assert est.hidden_layer_sizes[0].filters == 4
    assert twin.get_params() != est.get_params()
    # A clone with the same parameters trains the same model.
    again = clone(est).fit(X, y)
    np.testing.assert_array_equal(again.network_.params, est.network_.params)


def test_set_params_replaces_the_architecture():
    est = _estimator(ANNClassifier, "conv2d")
    est.set_params(hidden_layer_sizes=[Conv2D(3, 5), Flatten(), Dense(6)])
    X, y = _data("conv2d", regression=False)
    est.fit(X, y)
    assert [c.shape for c in est.coefs_] == [(5, 5, 1, 3), (48, 6), (6, 3)]


# --- saving ---------------------------------------------------------------------------------


@both
@archs
def test_pickle_round_trip(cls, arch):
    est, X, y = _fitted(cls, arch)
    loaded = pickle.loads(pickle.dumps(est))
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(est, X))
    assert np.shares_memory(loaded.coefs_[0], loaded.network_.params)
    # Training goes on from where it was, optimizer state included.
    loaded.set_params(warm_start=True, max_iter=1).fit(X, y)
    est.set_params(warm_start=True, max_iter=1).fit(X, y)
    np.testing.assert_array_equal(loaded.network_.params, est.network_.params)


@both
@archs
def test_skops_round_trip_trusts_only_sk_ann_types(cls, arch):
    sio = pytest.importorskip("skops.io")
    est, X, y = _fitted(cls, arch)
    saved = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=saved)
    assert untrusted and all(name.startswith("sk_ann.") for name in untrusted), untrusted
    # The specs are sk_ann's own types, listed for the user to trust.
    assert f"sk_ann.layers.{type(est.hidden_layer_sizes[0]).__name__}" in untrusted
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(saved)
    loaded = sio.loads(saved, trusted=untrusted)
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(est, X))


# --- determinism and dtypes -----------------------------------------------------------------


@both
@archs
def test_same_seed_gives_a_bit_identical_model(cls, arch):
    a, X, y = _fitted(cls, arch, dropout=0.1)
    b, _, _ = _fitted(cls, arch, dropout=0.1)
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(ca, cb)
    np.testing.assert_array_equal(_outputs(a, X), _outputs(b, X))
    other, _, _ = _fitted(cls, arch, dropout=0.1, random_state=1)
    assert not np.array_equal(other.coefs_[0], a.coefs_[0])


@both
@archs
def test_float32_end_to_end(cls, arch):
    est, X, y = _fitted(cls, arch, dtype="float32")  # float64 X, trained in float32
    assert est.network_.dtype == np.float32
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert _outputs(est, X).dtype == np.float32
    assert all(out.dtype == np.float32
               for out in est.network_.layer_outputs(X.reshape(len(X), -1)))
    # float32 X is trained in float32 without being asked.
    as32 = _estimator(cls, arch).fit(X.astype(np.float32), y)
    assert as32.coefs_[0].dtype == np.float32


# --- continued training ---------------------------------------------------------------------


@both
@archs
def test_warm_start_continues_from_the_fitted_network(cls, arch):
    est, X, y = _fitted(cls, arch, max_iter=2)
    first_curve = list(est.loss_curve_)
    est.set_params(warm_start=True).fit(X, y)
    assert len(est.loss_curve_) == 4 and est.loss_curve_[:2] == first_curve
    fresh, _, _ = _fitted(cls, arch, max_iter=2)
    assert not np.array_equal(est.coefs_[0], fresh.coefs_[0])


def _changed_architectures(arch):
    if arch == "conv2d":
        return [
            [Conv2D(5, 3, padding="same"), MaxPool2D(2), 8],     # filters
            [Conv2D(4, 3), MaxPool2D(2), 8],                      # padding
            [Conv2D(4, 3, padding="same"), AvgPool2D(2), 8],      # kind of pooling
            [Conv2D(4, 3, padding="same"), MaxPool2D(2), 9],      # dense units
        ]
    return [
        [Conv1D(4, 5), MaxPool1D(2), Conv1D(5, 3), GlobalAvgPool()],          # kernel
        [Conv1D(4, 3, strides=2), MaxPool1D(2), Conv1D(5, 3), GlobalAvgPool()],  # strides
        [Conv1D(4, 3), Conv1D(5, 3), GlobalAvgPool()],                        # one layer less
    ]


@both
@archs
@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
def test_continued_training_refuses_a_changed_architecture(cls, arch, method):
    est, X, y = _fitted(cls, arch)
    for changed in _changed_architectures(arch):
        est.set_params(hidden_layer_sizes=changed, warm_start=method == "warm_start")
        before = pickle.dumps(est)
        with pytest.raises(ValueError, match="cannot change: hidden_layer_sizes"):
            if method == "warm_start":
                est.fit(X, y)
            else:
                est.partial_fit(X, y)
        assert pickle.dumps(est) == before


@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
def test_continued_training_refuses_a_changed_input_shape(method):
    est, X, y = _fitted(ANNClassifier, "conv2d")
    est.set_params(input_shape=(4, 16), warm_start=method == "warm_start")
    with pytest.raises(ValueError, match="input_shape"):
        if method == "warm_start":
            est.fit(X.reshape(len(X), 4, 16), y)
        else:
            est.partial_fit(X.reshape(len(X), 4, 16), y)


def test_predict_reads_x_with_the_fitted_input_shape():
    est, X, y = _fitted(ANNClassifier, "conv2d")
    expected = est.predict_proba(X)
    est.set_params(input_shape=(4, 16))  # takes effect at the next fit, as any parameter
    np.testing.assert_array_equal(est.predict_proba(X), expected)


@both
@archs
def test_partial_fit_trains_one_epoch_per_call(cls, arch):
    X, y = _data(arch, cls is ANNRegressor)
    est = _estimator(cls, arch)
    kwargs = {"classes": [0, 1, 2]} if cls is ANNClassifier else {}
    est.partial_fit(X[:24], y[:24], **kwargs)
    first = est.coefs_[0].copy()
    est.partial_fit(X[24:], y[24:])
    assert len(est.loss_curve_) == 2
    assert not np.array_equal(first, est.coefs_[0])
    assert _outputs(est, X).shape[0] == N_SAMPLES


@both
@archs
def test_early_stopping(cls, arch):
    est, X, y = _fitted(cls, arch, early_stopping=True, validation_fraction=0.25,
                        n_iter_no_change=2, max_iter=30)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None
    assert np.isfinite(_outputs(est, X)).all()


# --- dropout and batch normalisation ---------------------------------------------------------


@both
@archs
def test_scalar_dropout_and_batch_norm_apply_to_layers_with_neurons(cls, arch):
    est, X, y = _fitted(cls, arch, dropout=0.2, batch_norm=True)
    hidden = est.network_.layers[:-1]
    for layer, spec in zip(hidden, est.hidden_layer_sizes):
        with_neurons = isinstance(spec, int) or spec.has_neurons
        assert getattr(layer, "dropout", 0.0) == (0.2 if with_neurons else 0.0)
        assert (getattr(layer, "norm", None) is not None) == with_neurons
    # Dropout is off when predicting: the same X gives the same outputs.
    np.testing.assert_array_equal(_outputs(est, X), _outputs(est, X))


@archs
def test_dropout_and_batch_norm_lists_with_zeros_at_pooling_layers(arch):
    specs = ARCHITECTURES[arch][1]()
    rates = [0.0 if not (isinstance(s, int) or s.has_neurons) else 0.1 * (k + 1)
             for k, s in enumerate(specs)]
    norms = [bool(rate) for rate in rates]
    est, X, y = _fitted(ANNClassifier, arch, dropout=rates, batch_norm=norms)
    for layer, rate, norm in zip(est.network_.layers, rates, norms):
        assert getattr(layer, "dropout", 0.0) == pytest.approx(rate)
        assert (getattr(layer, "norm", None) is not None) == norm


@both
@archs
@pytest.mark.parametrize("name, value", [("dropout", 0.1), ("batch_norm", True)])
def test_dropout_or_batch_norm_at_a_pooling_layer_is_refused(cls, arch, name, value):
    specs = ARCHITECTURES[arch][1]()
    pool = next(k for k, s in enumerate(specs) if not isinstance(s, int) and not s.has_neurons)
    per_layer = [value] * len(specs)
    est, X, y = _fitted(cls, arch)
    est.set_params(**{name: per_layer})
    before = pickle.dumps(est)
    with pytest.raises(ValueError, match=rf"{name} applies to layers of neurons; hidden layer "
                                         rf"{pool + 1}, {type(specs[pool]).__name__}"):
        est.fit(X, y)
    assert pickle.dumps(est) == before


@archs
def test_activation_lists_with_none_at_layers_that_take_none(arch):
    specs = ARCHITECTURES[arch][1]()
    names = [None if not (isinstance(s, int) or s.takes_activation) else
             ("tanh", "relu", "elu")[k % 3] for k, s in enumerate(specs)]
    assert None in names
    est, X, y = _fitted(ANNClassifier, arch, activation=names)
    for layer, name in zip(est.network_.layers, names):
        if name is not None:
            assert layer.activation == name


@both
@archs
def test_activation_none_at_a_layer_that_takes_one_is_refused(cls, arch):
    specs = ARCHITECTURES[arch][1]()
    est, X, y = _fitted(cls, arch)
    est.set_params(activation=[None] * len(specs))
    before = pickle.dumps(est)
    with pytest.raises(ValueError, match=rf"activation is None for hidden layer 1, "
                                         rf"{type(specs[0]).__name__}.*Give a name"):
        est.fit(X, y)
    assert pickle.dumps(est) == before


# --- sparse X -------------------------------------------------------------------------------


@both
@archs
def test_sparse_x_is_densified_for_a_conv_first_layer(cls, arch):
    X, y = _data(arch, cls is ANNRegressor)
    flat = X.reshape(len(X), -1)
    flat[np.abs(flat) < 1.0] = 0.0
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        on_sparse = _estimator(cls, arch).fit(fmt(flat), y)
        on_dense = _estimator(cls, arch).fit(flat, y)
        np.testing.assert_array_equal(on_sparse.network_.params, on_dense.network_.params)
        np.testing.assert_array_equal(_outputs(on_sparse, fmt(flat)), _outputs(on_dense, flat))


# --- errors ---------------------------------------------------------------------------------

IMAGES = (lambda X: X, "conv2d")
FLAT_IMAGES = (lambda X: X.reshape(len(X), -1), "conv2d")
SEQUENCES = (lambda X: X, "conv1d")

# (parameters, (X maker, data), message)
BAD_FITS = {
    "input_shape size differs from n_features": (
        dict(input_shape=(8, 7)), FLAT_IMAGES,
        r"input_shape=\(8, 7\) holds 56 numbers per sample, but X has 64 features"),
    "3-D X without input_shape": (
        dict(input_shape=None), IMAGES,
        r"X has 3 dimensions, shape \(48, 8, 8\), but input_shape is None.*input_shape=\(8, 8\)"),
    "3-D X of another sample shape": (
        dict(), (lambda X: X[:, :7, :], "conv2d"),
        r"X has samples of shape \(7, 8\), but input_shape=\(8, 8\)"),
    "4-D X of another channel count": (
        dict(), (lambda X: np.stack([X, X], axis=-1), "conv2d"),
        r"X has samples of shape \(8, 8, 2\), but input_shape=\(8, 8\)"),
    "kernel larger than the input": (
        dict(hidden_layer_sizes=[Conv2D(4, 9)]), IMAGES,
        r"layer 1 \(Conv2D\): Conv2D's kernel_size \(9, 9\) is larger than the \(8, 8\) "
        r"positions that reach it"),
    "kernel larger than what pooling leaves": (
        dict(hidden_layer_sizes=[Conv2D(4, 3), MaxPool2D(2), Conv2D(4, 4)]), IMAGES,
        r"layer 3 \(Conv2D\): Conv2D's kernel_size \(4, 4\) is larger than the \(3, 3\) "
        r"positions"),
    "1-D kernel larger than the sequence": (
        dict(hidden_layer_sizes=[Conv1D(4, 20)]), SEQUENCES,
        r"Conv1D's kernel_size \(20,\) is larger than the \(16,\) positions"),
    "pool larger than what reaches it": (
        dict(hidden_layer_sizes=[Conv2D(4, 3), MaxPool2D(4), MaxPool2D(2)]), IMAGES,
        r"layer 3 \(MaxPool2D\): MaxPool2D's pool_size \(2, 2\) is larger than the \(1, 1\) "
        r"positions"),
    "1-D pool larger than the sequence": (
        dict(hidden_layer_sizes=[MaxPool1D(32)]), SEQUENCES,
        r"MaxPool1D's pool_size \(32,\) is larger than the \(16,\) positions"),
    "2-D layer after a 1-D layer": (
        dict(hidden_layer_sizes=[Conv1D(4, 3), Conv2D(4, 3)]), SEQUENCES,
        r"layer 2 \(Conv2D\): Conv2D reads samples of shape \(height, width, channels\), but "
        r"it receives samples of shape \(14, 4\)"),
    "2-D layer on flat rows": (
        dict(hidden_layer_sizes=[Conv2D(4, 3)], input_shape=None), FLAT_IMAGES,
        r"layer 1 \(Conv2D\): Conv2D reads samples of shape \(height, width, channels\), but "
        r"it receives flat features"),
    "1-D layer on images": (
        dict(hidden_layer_sizes=[Conv1D(4, 3)], input_shape=(8, 8, 1)), FLAT_IMAGES,
        r"Conv1D reads samples of shape \(length, channels\), but it receives samples of "
        r"shape \(8, 8, 1\)"),
    "2-D layer after Flatten": (
        dict(hidden_layer_sizes=[Conv2D(4, 3), Flatten(), Conv2D(4, 3)]), IMAGES,
        r"layer 3 \(Conv2D\): Conv2D reads samples .* it receives flat features"),
    "2-D layer after Dense": (
        dict(hidden_layer_sizes=[Conv2D(4, 3), 16, Conv2D(4, 3)]), IMAGES,
        r"layer 3 \(Conv2D\): Conv2D reads samples .* it receives flat features"),
    "2-D layer after GlobalAvgPool": (
        dict(hidden_layer_sizes=[Conv2D(4, 3), GlobalAvgPool(), MaxPool2D(2)]), IMAGES,
        r"layer 3 \(MaxPool2D\): MaxPool2D reads samples .* it receives flat features"),
    "GlobalAvgPool on flat rows": (
        dict(hidden_layer_sizes=[16, GlobalAvgPool()]), IMAGES,
        r"GlobalAvgPool averages over positions, but it receives flat samples"),
}


@both
@pytest.mark.parametrize("case", list(BAD_FITS))
def test_a_bad_fit_says_what_is_wrong_and_leaves_the_estimator_unchanged(cls, case):
    params, (make_X, arch), message = BAD_FITS[case]
    est, X, y = _fitted(cls, arch)
    est.set_params(**params)
    before = pickle.dumps(est)
    with pytest.raises(ValueError, match=message):
        est.fit(make_X(X), y)
    assert pickle.dumps(est) == before
    # And an unfitted estimator stays unfitted.
    fresh = _estimator(cls, arch, **params)
    with pytest.raises(ValueError, match=message):
        fresh.fit(make_X(X), y)
    assert not hasattr(fresh, "network_")


@both
@archs
def test_predict_refuses_x_of_another_sample_shape(cls, arch):
    est, X, y = _fitted(cls, arch)
    shape = ARCHITECTURES[arch][0]
    wrong = X[:, 1:]
    with pytest.raises(ValueError, match=rf"X has samples of shape \({shape[0] - 1}, "):
        est.predict(wrong)
    with pytest.raises(ValueError, match=r"X has \d+ features, but \w+ is expecting "):
        est.predict(wrong.reshape(len(X), -1))


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_empty_nd_x_is_refused_as_empty(method):
    est, X, y = _fitted(ANNClassifier, "conv2d")
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
        if method == "fit":
            est.fit(X[:0], y[:0])
        else:
            est.predict(X[:0])


class KerasLikeConv2D:
    """What a user coming from Keras might pass: not an sk_ann spec."""

    def __init__(self, filters, kernel_size):
        self.filters, self.kernel_size = filters, kernel_size


@both
@pytest.mark.parametrize("hidden", [
    ["conv2d", 8], [KerasLikeConv2D(4, 3)], [Conv2D(4, 3), None], [{"filters": 4}],
    "Conv2D(4, 3)", [Conv2D], [Conv2D(4, 3), 0], [Conv2D(4, 3), 2.5],
], ids=["string", "keras-like", "None", "dict", "whole-string", "class", "zero", "float"])
def test_a_spec_of_the_wrong_type_is_an_invalid_parameter(cls, hidden):
    X, y = _data("conv2d", cls is ANNRegressor)
    est = cls(hidden, input_shape=(8, 8))
    with pytest.raises(InvalidParameterError,
                       match=rf"'hidden_layer_sizes' parameter of {cls.__name__} must be"):
        est.fit(X, y)
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("hidden", [[Conv2D(4, 3), 2], [Conv1D(4, 3), GlobalAvgPool(), 2],
                                    [8, Dense(2)]])
def test_the_autoencoder_refuses_specs(hidden):
    X, _ = _data("conv2d", regression=False)
    est = ANNAutoencoder(hidden)
    with pytest.raises(InvalidParameterError,
                       match=r"'hidden_layer_sizes' parameter of ANNAutoencoder must be"):
        est.fit(X.reshape(len(X), -1))
    assert not hasattr(est, "network_")


@both
@pytest.mark.parametrize("shape", [0, -8, (8, 0), (8, -8), (4, 4, 2, 2), (), "8x8",
                                   ("8", "8"), (8.0, 8.0), 64.0, (True, 64), {8: 8}])
def test_bad_input_shape_values_are_invalid_parameters(cls, shape):
    est, X, y = _fitted(cls, "conv2d")
    est.set_params(input_shape=shape)
    before = pickle.dumps(est)
    with pytest.raises(InvalidParameterError,
                       match=rf"'input_shape' parameter of {cls.__name__} must be"):
        est.fit(X.reshape(len(X), -1), y)
    assert pickle.dumps(est) == before


# --- what the fitted network shows ----------------------------------------------------------


@both
@archs
def test_coefs_and_intercepts_hold_kernels_and_skip_pooling(cls, arch):
    est, X, y = _fitted(cls, arch)
    n_out = 3 if cls is ANNClassifier else 1
    last = ARCHITECTURES[arch][2][-1][0]
    assert [c.shape for c in est.coefs_] == KERNELS[arch] + [(last, n_out)]
    filters = [shape[-1] for shape in KERNELS[arch]]
    assert [b.shape for b in est.intercepts_] == [(f,) for f in filters] + [(n_out,)]
    # They are views of the network's parameters, layer by layer.
    with_weights = [layer for layer in est.network_.layers if layer.n_params]
    for coef, bias, layer in zip(est.coefs_, est.intercepts_, with_weights):
        assert coef is layer.weights and bias is layer.bias
        assert np.shares_memory(coef, est.network_.params)
    n_hidden = len(est.hidden_layer_sizes)
    assert est.n_layers_ == n_hidden + 2  # input, hidden layers, output, as MLP counts
    assert est.n_outputs_ == n_out
    assert est.out_activation_ == ("softmax" if cls is ANNClassifier else "identity")


@both
@archs
def test_layer_outputs_have_each_layers_shape(cls, arch):
    est, X, y = _fitted(cls, arch)
    n_out = 3 if cls is ANNClassifier else 1
    flat = X.reshape(len(X), -1)
    outputs = est.network_.layer_outputs(flat)
    expected = ARCHITECTURES[arch][2] + [(n_out,)]
    assert [out.shape for out in outputs] == [(N_SAMPLES, *shape) for shape in expected]
    assert [layer.output_shape for layer in est.network_.layers] == expected
    np.testing.assert_array_equal(outputs[-1].reshape(N_SAMPLES, -1),
                                  _outputs(est, X).reshape(N_SAMPLES, -1))
    # Samples of the network's input shape give the same outputs as their flat rows.
    samples = X.reshape(N_SAMPLES, *est.network_.input_shape)
    for a, b in zip(est.network_.layer_outputs(samples), outputs):
        np.testing.assert_array_equal(a, b)


def test_layer_outputs_take_the_x_the_estimator_takes():
    est, X, y = _fitted(ANNClassifier, "conv2d")  # input_shape=(8, 8), X of (n, 8, 8)
    outputs = est.network_.layer_outputs(X)
    np.testing.assert_array_equal(outputs[-1], est.predict_proba(X))


@both
@archs
def test_a_conv_layers_neurons_are_its_filters(cls, arch):
    est, X, y = _fitted(cls, arch)
    layer = est.network_.layers[0]
    flat = X.reshape(len(X), -1)
    feature_maps = est.network_.layer_outputs(flat)[0]
    assert len(layer.neurons) == layer.filters == est.coefs_[0].shape[-1]
    for j, neuron in enumerate(layer.neurons):
        assert neuron.weights.shape == est.coefs_[0].shape[:-1]  # (*kernel_size, in_channels)
        np.testing.assert_array_equal(neuron.weights, est.coefs_[0][..., j])
        assert neuron.bias == est.intercepts_[0][j]
        assert neuron.activation == "relu"
        np.testing.assert_array_equal(neuron(flat), feature_maps[..., j])
    assert not layer.neurons[0].weights.flags.writeable
    assert len(est.network_.layers[1].neurons) == 0  # pooling has no neurons


# --- it learns ------------------------------------------------------------------------------


def test_a_small_cnn_learns_the_digits():
    # The convolution is the only hidden layer: its filters have to be learned (a
    # broken weight gradient leaves them at their random start, or moves them the
    # wrong way, and the test accuracy stays far below this loose threshold).
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    model = make_pipeline(StandardScaler(), ANNClassifier(
        [Conv2D(8, 3, padding="same"), MaxPool2D(2)], input_shape=(8, 8), max_iter=10,
        batch_size=32, learning_rate_init=3e-3, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.9

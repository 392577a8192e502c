"""Saving and loading fitted estimators: pickle, joblib, skops, and the version check."""

import pickle
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_ann
import sk_ann._base
from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor, InconsistentVersionWarning
from sk_ann.core.optimizers import Adam
from sk_ann.core.training import TrainingState

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

sio = pytest.importorskip("skops.io")


def _classifier(X, y):
    return ANNClassifier((5,), max_iter=10, random_state=0).fit(X, y), y


def _regressor(X, y):
    # Early stopping: best parameters and validation scores are saved too.
    target = X[:, 0] - X[:, 1]
    return ANNRegressor((5,), solver="sgd", early_stopping=True, max_iter=10,
                        random_state=0).fit(X, target), target


def _autoencoder(X, y):
    # float32 and L-BFGS: no optimizer state, a float32 network.
    return ANNAutoencoder((3, 2), solver="lbfgs", max_iter=10, dtype=np.float32,
                          random_state=0).fit(X), None


FITTED = [_classifier, _regressor, _autoencoder]


def _output(est, X):
    return est.predict(X) if hasattr(est, "predict") else est.transform(X)


def _assert_same_model(loaded, est, X, target):
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(_output(loaded, X), _output(est, X))
    np.testing.assert_array_equal(loaded.network_.params, est.network_.params)
    assert loaded.network_.dtype == est.network_.dtype
    # The loaded layers are views of the loaded parameter vector, so training moves them.
    assert np.shares_memory(loaded.coefs_[0], loaded.network_.params)
    # Training goes on from exactly where it was, optimizer state included.
    loaded.set_params(warm_start=True, max_iter=3).fit(X, target)
    est.set_params(warm_start=True, max_iter=3).fit(X, target)
    np.testing.assert_array_equal(loaded.network_.params, est.network_.params)


@pytest.mark.parametrize("fitted", FITTED)
def test_pickle(fitted, iris):
    X, y = iris
    est, target = fitted(X, y)
    _assert_same_model(pickle.loads(pickle.dumps(est)), est, X, target)


@pytest.mark.parametrize("fitted", FITTED)
def test_joblib(fitted, iris, tmp_path):
    X, y = iris
    est, target = fitted(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    _assert_same_model(joblib.load(path), est, X, target)


@pytest.mark.parametrize("fitted", FITTED)
def test_skops_trusts_only_sk_anns_own_types(fitted, iris, tmp_path):
    X, y = iris
    est, target = fitted(X, y)
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted, "skops must ask to trust the estimator's class"
    assert all(name.startswith("sk_ann.") for name in untrusted), untrusted
    assert f"{type(est).__module__}.{type(est).__name__}" in untrusted
    assert "sk_ann.core.network.Network" in untrusted
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(path)
    _assert_same_model(sio.load(path, trusted=untrusted), est, X, target)


def test_skops_pipeline(iris, tmp_path):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), ANNClassifier((5,), max_iter=10, random_state=0))
    pipe.fit(X, y)
    path = tmp_path / "pipeline.skops"
    sio.dump(pipe, path)
    untrusted = sio.get_untrusted_types(file=path)
    # scikit-learn's own types are trusted by skops: only sk_ann's are left.
    assert all(name.startswith("sk_ann.") for name in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))


def test_training_state_asks_to_trust_no_numpy_dtype(tmp_path):
    state = TrainingState(optimizer=Adam(4, dtype=np.float32))
    assert sio.get_untrusted_types(data=sio.dumps(state)) == [
        "sk_ann.core.optimizers.Adam", "sk_ann.core.training.TrainingState"]
    for loaded in (pickle.loads(pickle.dumps(state)),
                   sio.loads(sio.dumps(state), trusted=sio.get_untrusted_types(
                       data=sio.dumps(state)))):
        assert loaded.optimizer.dtype == np.dtype(np.float32)
        assert isinstance(loaded.optimizer.dtype, np.dtype)
        assert loaded.optimizer.m_scaled.dtype == np.float32
    # Saving leaves the state being saved as it was.
    assert isinstance(state.optimizer.dtype, np.dtype)


# --- the version check ----------------------------------------------------------------


def _saved_by_version(est, version, monkeypatch, save=pickle.dumps):
    with monkeypatch.context() as patch:
        patch.setattr(sk_ann._base, "__version__", version)
        return save(est)


@pytest.mark.parametrize("fitted", FITTED)
def test_loading_what_another_version_saved_warns(fitted, iris, monkeypatch):
    X, y = iris
    est, _ = fitted(X, y)
    saved = _saved_by_version(est, "0.0.1", monkeypatch)
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = pickle.loads(saved)
    assert len(record) == 1
    warning = record[0].message
    assert (warning.estimator_name, warning.original_version, warning.current_version) == (
        type(est).__name__, "0.0.1", sk_ann.__version__)
    message = str(warning)
    assert f"saved with sk_ann 0.0.1 and is loaded with sk_ann {sk_ann.__version__}" in message
    assert "Refit it" in message and "load it with sk_ann 0.0.1" in message
    # It still loads, and the version does not become an attribute.
    np.testing.assert_array_equal(_output(loaded, X), _output(est, X))
    assert "_sk_ann_version" not in vars(loaded)


def test_loading_what_this_version_saved_is_silent(iris):
    X, y = iris
    est, _ = _classifier(X, y)
    assert pickle.loads(pickle.dumps(est)).__getstate__()["_sk_ann_version"] == sk_ann.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        pickle.loads(pickle.dumps(est))
        pickle.loads(pickle.dumps(ANNRegressor()))  # unfitted too


def test_skops_loading_checks_the_version_too(iris, monkeypatch):
    X, y = iris
    est, _ = _classifier(X, y)
    saved = _saved_by_version(est, "0.0.1", monkeypatch, save=sio.dumps)
    with pytest.warns(InconsistentVersionWarning, match="saved with sk_ann 0.0.1"):
        sio.loads(saved, trusted=sio.get_untrusted_types(data=saved))


def test_state_without_a_version_warns(iris):
    X, y = iris
    est, _ = _classifier(X, y)
    state = est.__getstate__()
    del state["_sk_ann_version"]
    loaded = ANNClassifier.__new__(ANNClassifier)
    with pytest.warns(InconsistentVersionWarning, match="saved with sk_ann unknown"):
        loaded.__setstate__(state)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_inconsistent_version_warning_is_a_user_warning():
    assert issubclass(InconsistentVersionWarning, UserWarning)
    assert "InconsistentVersionWarning" in sk_ann.__all__


def test_models_pickled_by_sk_ann_0_1_load_with_a_warning_and_predict_the_same():
    # Fitted and pickled by sk_ann 0.1.0, whose schedules lived in core.training
    # and whose estimators had none of the parameters added since.
    path = Path(__file__).parent / "data" / "models_sk_ann_0_1_0.pkl"
    with pytest.warns(InconsistentVersionWarning, match="saved with sk_ann 0.1.0") as record:
        saved = pickle.loads(path.read_bytes())
    assert len(record) == 2
    X, clf, reg = saved["X"], saved["classifier"], saved["regressor"]
    np.testing.assert_array_equal(clf.predict_proba(X), saved["proba"])
    np.testing.assert_array_equal(reg.predict(X[:, :3]), saved["prediction"])
    # The parameters added since take the defaults that reproduce 0.1's behaviour.
    assert clf.get_params()["dropout"] == 0.0 and clf.get_params()["class_weight"] is None
    assert repr(clone(clf)).startswith("ANNClassifier(")
    # Training goes on from where 0.1 left it, schedule and optimizer included.
    clf.partial_fit(X, np.arange(len(X)) % 3)
    reg.partial_fit(X[:, :3], X[:, 3])
    assert np.isfinite(clf.predict_proba(X)).all() and np.isfinite(reg.predict(X[:, :3])).all()

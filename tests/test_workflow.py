"""sk_ann inside scikit-learn workflows: pipelines, searches, clone, pickle, determinism."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_pipeline_in_grid_search(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), ANNClassifier(solver="lbfgs", random_state=0))
    grid = GridSearchCV(pipe, {"annclassifier__hidden_layer_sizes": [(4,), (16,)],
                               "annclassifier__alpha": [1e-4, 1.0]}, cv=3)
    grid.fit(X, y)
    assert set(grid.best_params_) == {"annclassifier__hidden_layer_sizes", "annclassifier__alpha"}
    assert grid.best_score_ > 0.9
    assert grid.best_estimator_[-1].network_.layer_sizes[1] in (4, 16)


def test_cross_val_score_regressor(regression):
    X, y = regression
    scores = cross_val_score(ANNRegressor(solver="lbfgs", random_state=0), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8


@pytest.mark.parametrize("cls", [ANNClassifier, ANNRegressor])
def test_clone_gives_the_same_model(cls, iris):
    X, y = iris
    est = cls(hidden_layer_sizes=(5, 3), max_iter=20, random_state=0).fit(X, y)
    again = clone(est).fit(X, y)
    np.testing.assert_array_equal(again.network_.params, est.network_.params)


@pytest.mark.parametrize("cls", [ANNClassifier, ANNRegressor])
def test_pickle_round_trip(cls, iris):
    X, y = iris
    est = cls(max_iter=20, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    # The loaded layers are still views of the loaded parameter vector.
    assert np.shares_memory(loaded.coefs_[0], loaded.network_.params)
    # And training carries on from where it was.
    loaded.set_params(warm_start=True, max_iter=3).fit(X, y)
    est.set_params(warm_start=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(loaded.network_.params, est.network_.params)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_same_seed_same_data_bit_identical(iris, solver):
    X, y = iris
    params = dict(solver=solver, max_iter=15, random_state=42, early_stopping=solver != "lbfgs")
    a = ANNClassifier(**params).fit(X, y)
    b = ANNClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(a.network_.params, b.network_.params)
    assert a.loss_curve_ == b.loss_curve_
    c = ANNClassifier(**{**params, "random_state": 43}).fit(X, y)
    assert not np.array_equal(a.network_.params, c.network_.params)


def test_bit_identical_across_processes(iris):
    X, y = iris
    code = (
        "import numpy as np, sys; from sklearn.datasets import load_iris; "
        "from sk_ann import ANNClassifier; X, y = load_iris(return_X_y=True); "
        "p = ANNClassifier(max_iter=10, random_state=7).fit(X, y).network_.params; "
        "sys.stdout.write(p.tobytes().hex())"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 0


def test_random_state_instance_is_accepted(iris):
    X, y = iris
    est = ANNClassifier(max_iter=5, random_state=np.random.RandomState(0)).fit(X, y)
    assert est.predict(X).shape == (150,)


def test_large_predict_in_chunks_matches_whole(iris):
    X, y = iris
    est = ANNClassifier(max_iter=5, random_state=0).fit(X, y)
    big = np.tile(X, (200, 1))  # 30,000 rows: more than one predict chunk
    # BLAS may round differently for other matrix sizes: equal to the last bits only.
    np.testing.assert_allclose(est.predict_proba(big)[:150], est.predict_proba(X), rtol=1e-12)
    assert est.predict(big).shape == (30_000,)

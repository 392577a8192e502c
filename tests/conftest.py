"""Shared data for the estimator tests: small, generated or shipped with scikit-learn."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / np.std(y)

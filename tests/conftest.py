"""Shared data for the estimator tests, and the settings of the property-based tests.

The property-based tests (``tests/test_fuzz.py``) run under one of two
hypothesis profiles:

- ``ci``, the default: 300 examples per test, a fixed set derived from each
  test's code (``derandomize=True``) and no example database, so every run of
  the suite, locally or in CI, tries exactly the same cases;
- ``thorough``: 2000 examples per test (a minute or two in all), random ones
  that differ from run to run, and the database under ``.hypothesis/`` that
  replays a failure found earlier. Run it before a release or after changing
  input handling::

      HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_fuzz.py --hypothesis-show-statistics
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import load_iris, make_regression
from sklearn.preprocessing import StandardScaler

# Fitting a network is slower than hypothesis expects of a test case; timings
# on shared CI machines vary too much for a deadline to mean anything.
_SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, **_SLOW)
settings.register_profile("thorough", max_examples=2000, print_blob=True, **_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / np.std(y)

"""scikit-learn's own estimator checks, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([ANNClassifier(), ANNRegressor(), ANNAutoencoder()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

"""scikit-learn's own estimator checks, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor


@parametrize_with_checks([ANNClassifier(), ANNRegressor(), ANNAutoencoder()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

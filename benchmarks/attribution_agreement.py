"""How well sk_ann's attribution importances rank features, against permutation importance.

For each data set, a network in a StandardScaler pipeline is fitted on a training
split; the global importance of each feature (mean absolute attribution over the
test rows) is compared, by Spearman rank correlation, with scikit-learn's
``permutation_importance`` on the same rows, and with the mean absolute SHAP
value from ``shap.KernelExplainer`` when shap is installed (it is not a
dependency of sk_ann). The numbers are quoted in docs/user_guide/attributions.rst.

    python benchmarks/attribution_agreement.py
"""

import warnings

import numpy as np
from scipy.stats import spearmanr
from sklearn.datasets import load_breast_cancer, load_diabetes, make_friedman1
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.inspection import feature_attributions

try:
    import shap
except ImportError:
    shap = None


def data_sets():
    X, y = make_friedman1(n_samples=1000, n_features=10, noise=0.5, random_state=0)
    yield "friedman1 (5 informative, 5 noise)", X, y, ANNRegressor((32,), max_iter=1000,
                                                                    random_state=0)
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes", X, (y - y.mean()) / y.std(), ANNRegressor((16,), solver="lbfgs", alpha=10.0,
                                                               max_iter=3000, random_state=0)
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast cancer", X, y, ANNClassifier((16,), max_iter=500, random_state=0)


def main():
    for name, X, y, network in data_sets():
        X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
        model = make_pipeline(StandardScaler(), network)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_train, y_train)
        rows = X_test[:200]
        # The classifier's attributions explain P(class 1) on every row, as the
        # permutation and SHAP importances of its probability do.
        target = 1 if hasattr(network, "classes_") else None
        permutation = permutation_importance(model, X_test, y_test, n_repeats=10,
                                             random_state=0).importances_mean
        shap_importance = None
        if shap is not None:
            f = (lambda Z: model.predict_proba(Z)[:, 1]) if target is not None else model.predict
            explainer = shap.KernelExplainer(f, shap.kmeans(X_train, 10))
            values = explainer.shap_values(X_test[:50], nsamples=200, silent=True)
            shap_importance = np.abs(values).mean(axis=0)
        print(f"{name}: test score {model.score(X_test, y_test):.3f}")
        for method in ("integrated_gradients", "gradient_x_input", "gradient"):
            importance = feature_attributions(model, rows, method=method,
                                              target=target).importance
            line = f"  {method:<22} vs permutation {spearmanr(importance, permutation)[0]:.2f}"
            if shap_importance is not None:
                line += f", vs KernelSHAP {spearmanr(importance, shap_importance)[0]:.2f}"
            print(line)
        if shap_importance is not None:
            print(f"  KernelSHAP             vs permutation "
                  f"{spearmanr(shap_importance, permutation)[0]:.2f}")


if __name__ == "__main__":
    main()

"""
Quick start: ANNClassifier in a Pipeline, tuned with GridSearchCV
=================================================================

Scale the features, tune the network's size and its L2 penalty by
cross-validation, and compare the result with scikit-learn's
``MLPClassifier`` tuned the same way on the same split.
"""

# %%
# The data: 569 breast tumours described by 30 measurements, shipped with
# scikit-learn. Hold out a quarter of them for the final test.
import time
import warnings

from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# The same search for both estimators: a StandardScaler, then the network.
param_grid = {
    "net__hidden_layer_sizes": [(16,), (64,)],
    "net__alpha": [1e-4, 1e-1],
}


def tune(network):
    pipeline = Pipeline([("scale", StandardScaler()), ("net", network)])
    search = GridSearchCV(pipeline, param_grid, cv=3)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Short max_iter keeps the demo quick; both estimators would warn alike.
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    return search, time.perf_counter() - start


results = {
    "ANNClassifier": tune(ANNClassifier(max_iter=100, random_state=0)),
    "MLPClassifier": tune(MLPClassifier(max_iter=100, random_state=0)),
}

# %%
# Best parameters, cross-validated accuracy and held-out test accuracy.
print(f"{'':15} {'best parameters':45} {'cv':>6} {'test':>6} {'time':>7}")
for name, (search, seconds) in results.items():
    params = ", ".join(f"{k.split('__')[1]}={v}" for k, v in search.best_params_.items())
    print(
        f"{name:15} {params:45} {search.best_score_:6.3f} "
        f"{search.score(X_test, y_test):6.3f} {seconds:6.1f}s"
    )

# %%
# The fitted network is there to look at, layer by layer and neuron by neuron.
network = results["ANNClassifier"][0].best_estimator_["net"].network_
print()
print(network)
neuron = network.layers[0].neurons[0]
print(f"first hidden neuron: bias {neuron.bias:+.3f}, "
      f"largest weight on feature {abs(neuron.weights).argmax()}")

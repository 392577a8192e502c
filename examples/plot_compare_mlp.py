"""
ANNClassifier next to MLPClassifier
===================================

``ANNClassifier`` takes every parameter of scikit-learn's ``MLPClassifier``,
with the same defaults, and draws its initial weights, minibatches and
early-stopping split from the seed in the same order. So with equal settings
the two train the same network, up to floating-point rounding. This example
checks it for the three solvers on the digits shipped with scikit-learn, and
times both side by side.
"""

# %%
# The data: 1797 images of 8x8 pixels, standardised, a quarter held out.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# One set of parameters, given to both classes. Only the class name changes.
def fit_both(**params):
    fitted = {}
    for cls in (MLPClassifier, ANNClassifier):
        model = cls(**params)
        start = time.perf_counter()
        with warnings.catch_warnings():
            # A short max_iter keeps the example quick; both would warn alike.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        fitted[cls.__name__] = model, time.perf_counter() - start
    return fitted


runs = {
    solver: fit_both(hidden_layer_sizes=(64,), solver=solver, max_iter=100, random_state=0)
    for solver in ("sgd", "adam", "lbfgs")
}

# %%
# The same network: the same number of iterations, weights equal to within
# rounding, the same predictions, the same test accuracy. The times are this
# machine's, for one fit of each.
print(f"{'solver':7} {'n_iter_':>9} {'max |weight diff|':>18} {'same predictions':>17} "
      f"{'accuracy':>9} {'MLP time':>9} {'ANN time':>9}")
for solver, fitted in runs.items():
    (mlp, mlp_time), (ann, ann_time) = fitted["MLPClassifier"], fitted["ANNClassifier"]
    weight_diff = max(np.abs(a - b).max() for a, b in zip(mlp.coefs_, ann.coefs_))
    same = np.array_equal(mlp.predict(X_test), ann.predict(X_test))
    print(f"{solver:7} {mlp.n_iter_:4}/{ann.n_iter_:<4} {weight_diff:18.1e} {str(same):>17} "
          f"{ann.score(X_test, y_test):9.3f} {mlp_time:8.2f}s {ann_time:8.2f}s")

# %%
# The training curves lie on top of each other. sk_ann also records
# ``loss_curve_`` for L-BFGS, one value per iteration, where scikit-learn's
# MLP records none.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
for ax, (solver, fitted) in zip(axes, runs.items()):
    for name, style in (("MLPClassifier", "-"), ("ANNClassifier", "--")):
        curve = getattr(fitted[name][0], "loss_curve_", None)
        if curve is not None:
            ax.plot(np.arange(1, len(curve) + 1), curve, style, label=name)
    ax.set(title=f"solver={solver!r}", xlabel="iteration", ylabel="training loss",
           yscale="log")
    ax.legend()
plt.show()

# %%
# What sk_ann adds on top of the shared parameters: ``network_``, the fitted
# network with its layers and neurons, and the other estimators of the
# library; see "Coming from MLPClassifier" in the user guide.
print(runs["adam"]["ANNClassifier"][0].network_)

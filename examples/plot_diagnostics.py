"""
When training goes wrong: diagnostics with advice
=================================================

A network that trains badly rarely says why. ``sk_ann.inspection.diagnose``
looks at a fitted network, the data it read and the run, and names what
hinders it, each finding with the parameter or scikit-learn tool that fixes it.
This example trains two networks that fail on purpose, reads the diagnosis,
applies the fix and diagnoses again.
"""

# %%
# First failure: the Linnerud data (three exercises, three body measurements
# in the tens and hundreds), fitted with every default. The training warning
# already names the likeliest cause.
import warnings

import matplotlib.pyplot as plt
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_linnerud
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.inspection import diagnose
from sk_ann.plot import DiagnosticsDisplay

X, y = load_linnerud(return_X_y=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    model = ANNRegressor(random_state=0).fit(X, y)
print(caught[0].message)
print(f"R² on its own training data: {model.score(X, y):.1f}")

# %%
# The diagnosis lists every finding, most important first, then the numbers per
# layer: dead units, saturated units, and the norms of the gradient of the loss
# and of the weights.
print(diagnose(model, X, y))

# %%
# The fix it names: standardise the targets with ``TransformedTargetRegressor``
# (which predicts in the original units) and the inputs with a
# ``StandardScaler`` in a Pipeline. Diagnosed again, nothing is left.
fixed = TransformedTargetRegressor(
    regressor=make_pipeline(StandardScaler(), ANNRegressor(max_iter=2000, random_state=0)),
    transformer=StandardScaler(),
).fit(X, y)
print(f"R² on its own training data: {fixed.score(X, y):.2f}")
print(diagnose(fixed, X, y))

# %%
# Second failure: tanh neurons fed unscaled measurements (the breast-cancer
# data, some columns in the thousands) with a large learning rate. The first
# layer's neurons sit at -1 or +1 for nearly every sample, where tanh is flat,
# so almost no gradient reaches them. ``DiagnosticsDisplay`` shows it: on the
# left the outputs of each layer, piled up at the limits; on the right the
# norm of the gradient, collapsing towards the first layer.
X, y = load_breast_cancer(return_X_y=True)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    stuck = ANNClassifier((32, 32), activation="tanh", solver="sgd", learning_rate_init=0.5,
                          momentum=0.0, max_iter=50, random_state=0).fit(X, y)
diagnosis = diagnose(stuck, X, y)
print(diagnosis.kinds)
print(diagnosis.findings[diagnosis.kinds.index("saturated_units")].advice)
DiagnosticsDisplay.from_estimator(stuck, X, y)

# %%
# The same network on standardised inputs, with the default learning rate:
# the outputs spread over the whole range of tanh and the gradient reaches
# every layer.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    healthy = make_pipeline(StandardScaler(), ANNClassifier(
        (32, 32), activation="tanh", max_iter=300, random_state=0)).fit(X, y)
print(diagnose(healthy, X, y))
DiagnosticsDisplay.from_estimator(healthy, X, y)
plt.show()

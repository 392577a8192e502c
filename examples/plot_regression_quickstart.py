"""
Regression quick start: disease progression in diabetes patients
=================================================================

Train ``ANNRegressor`` on the diabetes data shipped with scikit-learn: scale
the inputs *and* the target, pick the strength of the L2 penalty by
cross-validation, and compare the network with a linear model on patients
neither has seen.
"""

# %%
# The data: 442 patients, 10 baseline measurements (age, sex, body-mass index,
# blood pressure and six blood serum values), and a measure of how far the
# disease progressed one year later, between 25 and 346.
import matplotlib.pyplot as plt
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNRegressor

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# The network: 16 ReLU neurons in one hidden layer and one identity output
# neuron, trained on the squared error. The inputs are standardised in a
# pipeline; the target is standardised too, by ``TransformedTargetRegressor``,
# which also turns predictions back into the original units. A target in the
# hundreds would otherwise need hundreds of times larger output weights than
# the initial ones, and a matching learning rate.
#
# 442 noisy patients are few for 193 weights and biases: the L2 penalty
# ``alpha`` decides how far the network may bend to them. L-BFGS, which works
# on the whole training set at once, is quick and precise on data this small;
# with the weakest penalty it needs more than the default 200 iterations.
network = make_pipeline(
    StandardScaler(),
    ANNRegressor(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=3000, random_state=0),
)
model = GridSearchCV(
    TransformedTargetRegressor(network, transformer=StandardScaler()),
    {"regressor__annregressor__alpha": [3.0, 10.0, 30.0, 100.0]},
    cv=5,
)
model.fit(X_train, y_train)
print("cross-validated R² for each alpha:")
for alpha, r2 in zip([3.0, 10.0, 30.0, 100.0], model.cv_results_["mean_test_score"]):
    print(f"  alpha={alpha:<5} {r2:.3f}")

# %%
# On the test patients, next to a ridge regression (a linear model with its
# own L2 penalty chosen by cross-validation). With a strong penalty the network
# stays close to linear: on this data set, the relation between the
# measurements and the progression is mostly linear, and no model explains
# much more than half of its variance.
linear = make_pipeline(StandardScaler(), RidgeCV(alphas=[0.1, 1, 10, 100])).fit(X_train, y_train)
print(f"test R²: ANNRegressor {model.score(X_test, y_test):.3f}, "
      f"RidgeCV {linear.score(X_test, y_test):.3f}")

# %%
# Predicted against measured progression for the test patients: points on the
# diagonal are exact predictions.
fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
ax.scatter(y_test, linear.predict(X_test), s=12, alpha=0.6, label="RidgeCV")
ax.scatter(y_test, model.predict(X_test), s=12, alpha=0.8, label="ANNRegressor")
ax.plot([25, 346], [25, 346], color="gray", linewidth=1)
ax.set(xlabel="measured progression", ylabel="predicted progression",
       title="Test patients")
ax.legend()
plt.show()

"""
Early stopping on validation data
=================================

A network with more weights than the data can pin down keeps lowering its
training loss long after it has stopped getting better on new data: it learns
the noise of its training samples by heart. Early stopping holds some training
data out, scores the network on it after every epoch, stops once the score no
longer improves and keeps the weights of the best epoch. This example shows it
on the diabetes data shipped with scikit-learn, first with
``early_stopping=True``, then with a validation set chosen by hand.
"""

# %%
# 442 patients, 10 measurements, a measure of disease progression one year
# later. A quarter of the patients is the test set, used only for the final
# scores. The inputs and the target are standardised with statistics of the
# training part.
import copy

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNRegressor
from sk_ann.plot import TrainingCurveDisplay

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
x_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train.reshape(-1, 1))
X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
y_train = y_scaler.transform(y_train.reshape(-1, 1)).ravel()
y_test = y_scaler.transform(y_test.reshape(-1, 1)).ravel()

# %%
# The same network twice: 64 hidden neurons (769 weights and biases for 331
# training patients), almost no L2 penalty, small minibatches. Without early
# stopping it trains until the *training* loss stops improving. With it,
# ``validation_fraction=0.2`` of the training patients are held out, the
# network is scored on them (R², as ``score`` does) after every epoch, and
# training stops when ``n_iter_no_change=10`` epochs in a row have not
# improved the best score by ``tol``.
settings = dict(hidden_layer_sizes=(64,), batch_size=32, max_iter=1000, random_state=0)
plain = ANNRegressor(**settings).fit(X_train, y_train)
stopped = ANNRegressor(**settings, early_stopping=True, validation_fraction=0.2).fit(
    X_train, y_train
)
print(f"without early stopping: {plain.n_iter_:4} epochs, "
      f"training R² {plain.score(X_train, y_train):.3f}, "
      f"test R² {plain.score(X_test, y_test):.3f}")
print(f"with early stopping:    {stopped.n_iter_:4} epochs, "
      f"best validation R² {stopped.best_validation_score_:.3f}, "
      f"test R² {stopped.score(X_test, y_test):.3f}")

# %%
# ``loss_curve_`` has the training loss of every epoch and
# ``validation_scores_`` the validation score; ``TrainingCurveDisplay`` draws
# both, with a dotted line at the best epoch, whose weights the estimator kept.
# The validation score levels off after some twenty epochs and peaks at
# epoch 30, while the training loss goes on falling; ten epochs without
# improvement later, training stops.
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
TrainingCurveDisplay.from_estimator(stopped, ax=ax)
plt.show()

# %%
# A validation set of your own
# ----------------------------
# ``early_stopping=True`` draws the held-out samples at random from the data
# passed to ``fit``. To validate on data you choose (patients of another
# clinic, the most recent weeks...), train epoch by epoch with
# ``partial_fit`` (one epoch per call) and score after each; a copy of the
# estimator keeps the best epoch. Here the validation set is simply the last
# fifth of the training data, and the loop runs on well past the best epoch to
# show what happens afterwards.
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2, shuffle=False)
model = ANNRegressor(hidden_layer_sizes=(64,), batch_size=32, random_state=0)
fit_scores, val_scores = [], []
best, best_score = None, -float("inf")
for epoch in range(150):
    model.partial_fit(X_fit, y_fit)
    fit_scores.append(model.score(X_fit, y_fit))
    val_scores.append(model.score(X_val, y_val))
    if val_scores[-1] > best_score:
        best, best_score = copy.deepcopy(model), val_scores[-1]
best_epoch = val_scores.index(best_score) + 1
print(f"best epoch {best_epoch}: validation R² {best_score:.3f}, "
      f"test R² {best.score(X_test, y_test):.3f}; "
      f"after 150 epochs: test R² {model.score(X_test, y_test):.3f}")

# %%
# Training and validation scores part ways: the network goes on fitting its
# training patients better and better, while on the validation patients it
# stops improving and then slowly gets worse. The widening gap is overfitting.
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
epochs = range(1, len(val_scores) + 1)
ax.plot(epochs, fit_scores, label="training patients")
ax.plot(epochs, val_scores, label="validation patients")
ax.axvline(best_epoch, color="gray", linestyle=":", label=f"best epoch ({best_epoch})")
ax.set(xlabel="epoch", ylabel="R²", ylim=(0, 1), title="Scores after each epoch")
ax.legend()
plt.show()

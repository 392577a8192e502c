"""
Early stopping on validation data
=================================

A network with more weights than the data can pin down keeps lowering its
training loss long after it has stopped getting better on new data: it learns
the noise of its training samples by heart. Early stopping holds some training
data out, scores the network on it after every epoch, stops once the score no
longer improves and keeps the weights of the best epoch. This example shows it
on the diabetes data shipped with scikit-learn, first with
``early_stopping=True``, then with a validation set chosen by hand and passed
to ``fit`` as ``X_val`` and ``y_val``.
"""

# %%
# 442 patients, 10 measurements, a measure of disease progression one year
# later. A quarter of the patients is the test set, used only for the final
# scores. The inputs and the target are standardised with statistics of the
# training part.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
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
# ``loss_curve_`` has the training loss of every epoch, ``validation_scores_``
# the validation score and ``validation_loss_curve_`` the loss on the held-out
# patients; ``TrainingCurveDisplay`` draws all three, with a dotted line at the
# best epoch, whose weights the estimator kept. The validation score levels off
# after some twenty epochs and peaks at epoch 30, while the training loss goes
# on falling; ten epochs without improvement later, training stops.
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
TrainingCurveDisplay.from_estimator(stopped, ax=ax)
plt.show()

# %%
# A validation set of your own
# ----------------------------
# ``early_stopping=True`` draws the held-out samples at random from the data
# passed to ``fit``. To validate on data you choose (patients of another
# clinic, the most recent weeks...), pass it to ``fit`` as ``X_val`` and
# ``y_val``. Here the validation set is simply the last fifth of the training
# data. Without ``early_stopping`` the network trains on all of ``X_fit`` as
# usual, and the validation data is only watched: after every epoch its score
# goes into ``validation_scores_`` and its loss (the squared error alone, no
# penalty) into ``validation_loss_curve_``. ``n_iter_no_change=400`` lets the
# network run all of its 400 epochs, far past its best one, to show what
# happens afterwards; it ends with a ``ConvergenceWarning`` on purpose, which is
# silenced here.
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2, shuffle=False)
watched = ANNRegressor(**dict(settings, max_iter=400), n_iter_no_change=400)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    watched.fit(X_fit, y_fit, X_val=X_val, y_val=y_val)
best_epoch = int(np.argmax(watched.validation_scores_)) + 1
print(f"best validation R² {max(watched.validation_scores_):.3f} at epoch {best_epoch}; "
      f"after {watched.n_iter_} epochs: validation R² {watched.validation_scores_[-1]:.3f}, "
      f"test R² {watched.score(X_test, y_test):.3f}")

# %%
# ``TrainingCurveDisplay`` draws the validation loss dashed beside the training
# loss, and the validation R² on the right. The two losses part ways: the
# training loss goes on falling towards 0, while the loss on the validation
# patients stops falling after some fifty epochs and then rises. The widening
# gap is overfitting, seen as it happens.
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
TrainingCurveDisplay.from_estimator(watched, ax=ax)
ax.set_ylim(0, 0.6)
plt.show()

# %%
# With ``early_stopping=True``, ``X_val`` and ``y_val`` take the place of the
# ``validation_fraction`` split: the network trains on all of ``X_fit``, stops
# once the score on the chosen patients no longer improves, and keeps its best
# epoch.
stopped_on_val = ANNRegressor(**settings, early_stopping=True)
stopped_on_val.fit(X_fit, y_fit, X_val=X_val, y_val=y_val)
print(f"early stopping on X_val: {stopped_on_val.n_iter_} epochs, "
      f"best validation R² {stopped_on_val.best_validation_score_:.3f}, "
      f"test R² {stopped_on_val.score(X_test, y_test):.3f}")

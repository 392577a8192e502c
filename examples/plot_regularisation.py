"""
Dropout, batch normalisation and penalties
==========================================

A network with many more weights than the data can pin down learns its
training samples by heart. This example gives a wide network the small
diabetes data set shipped with scikit-learn and compares the ways sk_ann has
to restrain it: the L2 penalty ``alpha``, the L1 penalty ``alpha_l1``,
AdamW's decoupled ``weight_decay``, ``dropout``, and batch normalisation
(``batch_norm``), which mostly makes training easier but regularises a little
too.
"""

# %%
# 442 patients, 10 measurements, a measure of disease progression one year
# later. A quarter of the patients is the test set; a fifth of the others is
# a validation set, watched after every epoch through ``X_val`` and
# ``y_val``. The inputs and the target are standardised with statistics of the
# training part.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNRegressor

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2, random_state=0)
x_scaler = StandardScaler().fit(X_fit)
y_scaler = StandardScaler().fit(y_fit.reshape(-1, 1))
X_fit, X_val, X_test = (x_scaler.transform(part) for part in (X_fit, X_val, X_test))
y_fit, y_val, y_test = (y_scaler.transform(part.reshape(-1, 1)).ravel()
                        for part in (y_fit, y_val, y_test))

# %%
# The same network each time: 256 hidden neurons, some 3,000 weights for 264
# training patients, trained by Adam on minibatches of 32 for 200 epochs
# (``n_iter_no_change=200`` keeps the stopping rule from ending any run
# early, so that all of them can be compared epoch by epoch). Only the
# restraint changes. (``solver="adamw"`` uses ``alpha`` too; it is set to 0
# there, so that the decay works alone.)
settings = dict(hidden_layer_sizes=(256,), batch_size=32, max_iter=200, n_iter_no_change=200,
                random_state=0)
restraints = {
    "none": dict(alpha=0.0),
    "alpha=1": dict(alpha=1.0),
    "alpha_l1=1": dict(alpha=0.0, alpha_l1=1.0),
    "AdamW, weight_decay=1": dict(alpha=0.0, solver="adamw", weight_decay=1.0),
    "dropout=0.5": dict(alpha=0.0, dropout=0.5),
    "batch_norm": dict(alpha=0.0, batch_norm=True),
}
models = {}
with warnings.catch_warnings():
    # Every run uses all its epochs, on purpose.
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, params in restraints.items():
        models[name] = ANNRegressor(**settings, **params).fit(X_fit, y_fit, X_val=X_val,
                                                              y_val=y_val)

print(f"{'':22} {'training R²':>12} {'test R²':>8}")
for name, model in models.items():
    print(f"{name:22} {model.score(X_fit, y_fit):12.3f} {model.score(X_test, y_test):8.3f}")

# %%
# Without any restraint the network fits its training patients far better than
# it predicts new ones: a test R² near 0 is no better than predicting the mean
# for everyone. The penalties, the decay and dropout each give up some of the
# training fit and gain on the test set; batch normalisation, which is not
# meant as a restraint, changes little here. How strong each should be depends
# on the data, which is what cross-validation is for.
names = list(models)
fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
positions = np.arange(len(names))
ax.bar(positions - 0.2, [models[n].score(X_fit, y_fit) for n in names], 0.4,
       label="training patients")
ax.bar(positions + 0.2, [models[n].score(X_test, y_test) for n in names], 0.4,
       label="test patients")
ax.axhline(0, color="black", linewidth=0.8)
ax.set_xticks(positions, names, rotation=20, ha="right")
ax.set(ylabel="R²", title="The same wide network, restrained in different ways")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %%
# ``validation_loss_curve_`` shows the restraints at work, epoch by epoch: the
# loss on the validation patients, computed by the whole network (no neuron
# dropped) and without the penalties. The unrestrained network's validation
# loss reaches its lowest point within a few epochs and then creeps up, as it
# goes on learning its training patients by heart. With ``alpha`` it stays at
# its lowest; with dropout it creeps up more slowly.
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name in ["none", "alpha=1", "dropout=0.5"]:
    model = models[name]
    ax.plot(np.arange(1, model.n_iter_ + 1), model.validation_loss_curve_, label=name)
ax.set(xlabel="epoch", ylabel="validation loss (half squared error)", ylim=(0.15, 0.3),
       title="Loss on the validation patients after each epoch")
ax.legend()
plt.show()

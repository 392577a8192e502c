"""
Classification quick start: wines from three cultivars
======================================================

Train ``ANNClassifier`` on the wine data shipped with scikit-learn: scale the
13 chemical measurements, fit a network with one hidden layer, score it on wines
it has not seen, and look at its class probabilities, its mistakes and its
training curve.
"""

# %%
# The data: 178 wines, 13 measurements each (alcohol, magnesium, colour
# intensity...), three grape cultivars. A quarter is held out for the test,
# in the same class proportions as the rest.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_wine
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier

wine = load_wine()
X_train, X_test, y_train, y_test = train_test_split(
    wine.data, wine.target, stratify=wine.target, random_state=0
)
print(f"{len(X_train)} training wines, {len(X_test)} test wines")

# %%
# The model: a ``StandardScaler`` puts every measurement on the same scale
# (magnesium is in the hundreds, hue around 1), then a network with one hidden
# layer of 16 ReLU neurons and a softmax output of one neuron per cultivar.
# With 133 training wines a minibatch (at most 200 samples) is the whole
# training set, so each epoch is a single step of the Adam optimizer: a larger
# step than the default ``learning_rate_init=0.001`` converges in fewer epochs.
# ``random_state`` fixes the initial weights and the order of the samples, so
# every run gives the same model.
model = make_pipeline(
    StandardScaler(),
    ANNClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
print(model[-1].network_)

# %%
# ``predict_proba`` gives the softmax output: one probability per cultivar,
# summing to one for each wine. ``predict`` picks the largest.
proba = model.predict_proba(X_test[:5])
print("probabilities of the first five test wines:")
print(np.round(proba, 3))
print("predicted:", model.predict(X_test[:5]), " true:", y_test[:5])

# %%
# Where it goes wrong, if anywhere, and how training went: ``loss_curve_`` is
# the log loss after each epoch (one pass over the training data).
fig, (ax_cm, ax_loss) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ConfusionMatrixDisplay.from_estimator(
    model, X_test, y_test, display_labels=wine.target_names, colorbar=False, ax=ax_cm
)
ax_cm.set_title("Test wines")
ax_loss.plot(np.arange(1, model[-1].n_iter_ + 1), model[-1].loss_curve_)
ax_loss.set(xlabel="epoch", ylabel="training log loss", yscale="log",
            title="Training curve")
plt.show()

"""
Imbalanced classes: weighting the rare class
============================================

When one class is rare, a network trained on the plain log loss learns mostly
from the common one: it can be right on most samples while missing many of the
rare ones. Weighting each sample by the inverse frequency of its class gives
both classes the same total say in the loss. ``ANNClassifier`` does it with
``class_weight="balanced"``, or with a dict of weights of your choosing.
"""

# %%
# The task: tell the digit 8 from all the others in the 8x8 images shipped with
# scikit-learn. Only one image in ten is an 8.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sk_ann import ANNClassifier

X, digit = load_digits(return_X_y=True)
y = np.where(digit == 8, "eight", "other")
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
labels, counts = np.unique(y_train, return_counts=True)
for label, count in zip(labels, counts):
    print(f"{label:6} {count:5} training images")

# %%
# ``"balanced"`` weighs each class ``n_samples / (n_classes * count of the
# class)``: an 8 weighs about nine times as much as another digit, and both
# classes add up to the same total weight. scikit-learn's
# ``compute_class_weight`` computes the same numbers.
class_weights = compute_class_weight("balanced", classes=labels, y=y_train)
for label, weight, count in zip(labels, class_weights, counts):
    print(f"{label:6} weight {weight:.2f}, total {weight * count:.0f}")

# %%
# The same network three times: without weights, with balanced class weights,
# and with a milder weight of our own for the 8s (a dict; classes left out
# weigh 1).
def network(class_weight=None):
    return make_pipeline(
        StandardScaler(),
        ANNClassifier(hidden_layer_sizes=(16,), alpha=1.0, max_iter=500,
                      class_weight=class_weight, random_state=0),
    )


models = {
    "unweighted": network().fit(X_train, y_train),
    "balanced": network("balanced").fit(X_train, y_train),
    "8s weigh 3": network({"eight": 3.0}).fit(X_train, y_train),
}

# %%
# ``class_weight`` multiplies each sample's weight by the weight of its class:
# the same as passing ``compute_sample_weight("balanced", y)`` as
# ``sample_weight`` (in a pipeline, ``<step>__sample_weight``). Both give the
# very same network.
by_sample = network().fit(X_train, y_train, annclassifier__sample_weight=compute_sample_weight(
    "balanced", y_train))
same = all(np.array_equal(a, b)
           for a, b in zip(models["balanced"][-1].coefs_, by_sample[-1].coefs_))
print("class_weight='balanced' and the balanced sample_weight give the same weights:", same)

# %%
# Accuracy hardly tells the models apart: nine images in ten are not 8s. The
# recall of each class (the share of its test images recognised) and the
# balanced accuracy (their mean) do: the weighted networks find more of the
# 8s, at the price of a few more false alarms among the other digits.
recalls = {}
print(f"{'':11} {'accuracy':>9} {'balanced':>9} {'recall 8':>9} {'recall other':>13}")
for name, model in models.items():
    predicted = model.predict(X_test)
    recalls[name] = recall_score(y_test, predicted, average=None, labels=labels)
    print(f"{name:11} {model.score(X_test, y_test):9.3f} "
          f"{balanced_accuracy_score(y_test, predicted):9.3f} "
          f"{recalls[name][0]:9.3f} {recalls[name][1]:13.3f}")

# %%
# The recall of each class, side by side.
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
width = 0.27
for k, (name, recall) in enumerate(recalls.items()):
    bars = ax.bar(np.arange(len(labels)) + (k - 1) * width, recall, width, label=name)
    ax.bar_label(bars, fmt="%.3f", fontsize=8)
ax.set_xticks(range(len(labels)), ["8", "other digits"])
ax.set(ylim=(0.8, 1.03), ylabel="recall on the test images", title="Recall per class")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %%
# Weights change what the network is trained for, not only a threshold on its
# output: the predicted probabilities of the weighted networks are no longer
# the frequencies of the training data. To keep calibrated probabilities and
# still catch more 8s, train without weights and lower the threshold on
# ``predict_proba`` instead (scikit-learn's ``TunedThresholdClassifierCV``
# chooses it by cross-validation).

"""
Why did it predict that? Feature attributions
=============================================

``sk_ann.inspection.feature_attributions`` splits each prediction among the
input features, with gradients from the network's own backward pass. This
example asks a network trained on handwritten digits which pixels made it read
a 3, checks that integrated gradients add up to the prediction, and compares
the features a network on the breast-cancer data relies on with scikit-learn's
permutation importance.
"""

# %%
# A network on 8x8 images of digits, each pixel between 0 and 16. The
# ``MinMaxScaler`` in front is an affine map, so the attributions come back in
# the pixels themselves, through the chain rule.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import spearmanr
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sk_ann import ANNClassifier
from sk_ann.inspection import feature_attributions
from sk_ann.plot import AttributionDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
digits = make_pipeline(MinMaxScaler(), ANNClassifier((64,), max_iter=300, random_state=0))
digits.fit(X_train, y_train)
print(f"test accuracy: {digits.score(X_test, y_test):.3f}")

# %%
# Integrated gradients (the default method) follow the straight path from a
# *baseline* to each image and add up the gradient of the predicted class's
# probability along the way. The default baseline is the input the network
# reads as all zeros: here the blank image (every pixel at its training
# minimum, 0). The attributions of each image then add up to its predicted
# probability minus the blank image's: *completeness*.
threes = X_test[digits.predict(X_test) == 3][:4]
result = feature_attributions(digits, threes)
print(result)
print("predicted probability of 3:   ", result.outputs.round(3))
print("probability of 3, blank image:", result.baseline_outputs.round(3))
print("sum of the attributions:      ", result.values.sum(axis=1).round(3))

# %%
# Which pixels made it a 3: red pixels raised the probability of a 3, blue
# ones lowered it. Ink where a 3 has none (the left side, where an 8 or a 9
# would close its loops) argues against it.
fig, axes = plt.subplots(2, 4, figsize=(10, 5), layout="constrained")
for k in range(4):
    axes[0, k].imshow(threes[k].reshape(8, 8), cmap="gray_r")
    axes[0, k].set_axis_off()
    display = AttributionDisplay(result, image_shape=(8, 8)).plot(
        ax=axes[1, k], kind="image", row=k)
    display.ax_.set_title(f"P(3) = {result.outputs[k]:.2f}", fontsize=9)
fig.suptitle("digits read as 3 (top) and their integrated gradients (bottom)")

# %%
# The integration is a trapezoid rule on ``n_steps`` intervals: the gap between
# the sum of the attributions and the change in probability shrinks as the
# steps grow finer.
for n_steps in (5, 20, 50, 200):
    gap = feature_attributions(digits, threes, n_steps=n_steps).completeness_gap
    print(f"n_steps={n_steps:>3}: largest completeness gap {np.abs(gap).max():.1e}")

# %%
# A global view: the mean absolute attribution of each feature over many rows.
# On the breast-cancer data (30 measurements of cell nuclei), we compare it with
# scikit-learn's permutation importance, which measures how much the test
# accuracy drops when a feature's values are shuffled. The two look at the
# model in different ways (a gradient path per row against a score over the
# data), so they need not agree feature by feature; their rank correlation
# says how much they agree on the order.
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
cancer = make_pipeline(StandardScaler(), ANNClassifier((16,), max_iter=500, random_state=0))
cancer.fit(X_train, y_train)
result = feature_attributions(cancer, X_test, target=1)
permutation = permutation_importance(cancer, X_test, y_test, n_repeats=10,
                                     random_state=0).importances_mean
print(f"Spearman rank correlation with permutation importance: "
      f"{spearmanr(result.importance, permutation)[0]:.2f}")
top = np.argsort(result.importance)[::-1][:5]
print("largest attributions:", [str(name) for name in result.feature_names[top]])
print("largest permutation importances:",
      [str(name) for name in X.columns[np.argsort(permutation)[::-1][:5]]])

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
display = AttributionDisplay(result).plot(ax=ax, max_features=10)
display.ax_.set_title("breast cancer: what moves P(benign)")
plt.show()

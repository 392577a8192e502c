"""
Digits in two dimensions: an autoencoder next to PCA
====================================================

Compress 8x8 images of handwritten digits (64 pixels each) to two numbers per
image, once with ``ANNAutoencoder`` and once with scikit-learn's ``PCA``. On
images neither has seen, compare how well each code reconstructs the image and
how well a classifier tells the digits apart from the two numbers alone; then
plot both codes side by side.
"""

# %%
# The data: 1797 images whose pixels run from 0 to 16, scaled to [0, 1]. A
# quarter of them is held out; every number below is measured on those.
import time

from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler

from sk_ann import ANNAutoencoder

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = MinMaxScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Two ways to make a two-number code. PCA projects each image onto the plane
# along which the training images vary most. The autoencoder learns a curved
# map, 64 -> 128 -> 32 -> 2 pixels-to-code, and its mirror image back, by
# learning to reproduce the training images through the two-neuron bottleneck.
# ``tanh`` rather than the default ``relu``: a relu neuron outputs 0 for a whole
# range of inputs, and with only two neurons in the code that loses too much.
models = {
    "PCA": PCA(n_components=2),
    "ANNAutoencoder": ANNAutoencoder(hidden_layer_sizes=(128, 32, 2), activation="tanh",
                                     learning_rate_init=0.003, max_iter=500, random_state=0),
}
codes = {}
print(f"{'':15} {'test MSE':>9} {'k-NN accuracy':>14} {'fit time':>9}")
for name, model in models.items():
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    codes[name] = model.transform(X_test)
    # Reconstruction error: mean squared error per pixel of the decoded test images.
    mse = mean_squared_error(X_test, model.inverse_transform(codes[name]))
    # How much of the digit's identity survives in the two numbers.
    knn = KNeighborsClassifier().fit(model.transform(X_train), y_train)
    accuracy = knn.score(codes[name], y_test)
    print(f"{name:15} {mse:9.4f} {accuracy:14.3f} {seconds:8.1f}s")

# %%
# The two codes of the test images, one colour per digit. matplotlib is not a
# dependency of sk_ann: without it the plot is skipped.
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("matplotlib is not installed: the plot of the two codes was skipped.")

if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
    for ax, (name, Z) in zip(axes, codes.items()):
        points = ax.scatter(Z[:, 0], Z[:, 1], c=y_test, cmap="tab10", vmin=-0.5, vmax=9.5, s=10)
        ax.set_title(f"{name}: test digits in two dimensions")
        ax.set_xlabel("code 0")
        ax.set_ylabel("code 1")
    fig.colorbar(points, ax=axes, ticks=range(10), label="digit")

# %%
# Show the figure where there is a screen; a non-interactive backend (Agg, as
# on a server) only draws, so the figure is closed there.
if plt is not None:
    if plt.get_backend().lower() in {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}:
        plt.close(fig)
    else:
        plt.show()

"""
Inside a trained network, neuron by neuron
==========================================

A fitted sk_ann estimator keeps its network in ``network_``: a list of layers,
each a weight matrix and a bias vector, each column of which is one neuron.
This example opens a small network trained on the iris flowers, recomputes its
predictions by hand from the weights, draws it, and then shows what the hidden
neurons of a network trained on images of digits respond to.
"""

# %%
# A small network: the four iris measurements, five hidden ReLU neurons, and
# three output neurons under a softmax, one per species. The data come as a
# DataFrame, so the network knows the names of its inputs.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits, load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier
from sk_ann.plot import NetworkDiagramDisplay

iris = load_iris(as_frame=True)
X, y = iris.data, iris.target_names[iris.target]
model = make_pipeline(
    StandardScaler().set_output(transform="pandas"),
    ANNClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0),
).fit(X, y)
clf = model[-1]
print(clf.network_)

# %%
# One neuron: its weights (one per input), its bias and its activation.
# Calling it on data gives its output for every sample. The network sees the
# *scaled* measurements, so the neuron does too.
X_scaled = model[:-1].transform(X).to_numpy()
neuron = clf.network_.layers[0].neurons[0]
print(neuron)
for feature, weight in zip(X.columns, neuron.weights):
    print(f"  {feature:20} weight {weight:+.3f}")
print(f"  bias {neuron.bias:+.3f}")

# %%
# What the neuron computes is ``f(x · w + b)`` and nothing else: numpy gives
# the same numbers from the weights alone.
by_hand = np.maximum(X_scaled @ neuron.weights + neuron.bias, 0)  # relu
print("neuron(X) == max(X @ w + b, 0):", np.allclose(neuron(X_scaled), by_hand))

# %%
# A layer is all its neurons at once, ``A = f(X @ W + b)`` with ``W`` of shape
# ``(n_inputs, n_neurons)``. ``layer_outputs`` gives every layer's output; the
# last is the softmax of the output layer's sums, which is ``predict_proba``.
hidden, output = clf.network_.layer_outputs(X_scaled)
W1, W2 = clf.network_.layers[0].weights, clf.network_.layers[1].weights
b1, b2 = clf.network_.layers[0].bias, clf.network_.layers[1].bias
sums = np.maximum(X_scaled @ W1 + b1, 0) @ W2 + b2
softmax = np.exp(sums) / np.exp(sums).sum(axis=1, keepdims=True)
print("hidden layer:", hidden.shape, " output layer:", output.shape)
print("softmax by hand == predict_proba:", np.allclose(softmax, model.predict_proba(X)))

# %%
# The whole network. Lines are weights, red for positive and blue for
# negative, wider for larger magnitudes; each neuron is filled with the colour
# of its bias. ``coefs_`` and ``intercepts_`` are the same numbers as the
# layers' ``weights`` and ``bias``.
NetworkDiagramDisplay.from_estimator(model)

# %%
# What hidden neurons look for
# ----------------------------
# On 8x8 images of handwritten digits each hidden neuron has 64 weights, one per
# pixel: drawn as an image, they show the pattern of ink that excites the
# neuron (red) or silences it (blue).
X_digits, y_digits = load_digits(return_X_y=True)
digits_model = make_pipeline(
    StandardScaler(),
    ANNClassifier(hidden_layer_sizes=(16,), alpha=1.0, max_iter=1000, random_state=0),
).fit(X_digits, y_digits)
layer = digits_model[-1].network_.layers[0]
limit = np.abs(layer.weights).max()

fig, axes = plt.subplots(2, 8, figsize=(10, 3), layout="constrained")
for neuron, ax in zip(layer.neurons, axes.flat):
    ax.imshow(neuron.weights.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"neuron {neuron.index}", fontsize=9)
    ax.set_axis_off()

# %%
# And how strongly each hidden neuron fires, on average, for each digit: most
# neurons answer to a few digits, and each digit lights up its own mix of
# neurons, which the output layer then reads.
hidden = digits_model[-1].network_.layer_outputs(digits_model[:-1].transform(X_digits))[0]
mean_activation = np.array([hidden[y_digits == d].mean(axis=0) for d in range(10)])

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
image = ax.imshow(mean_activation, cmap="viridis", aspect="auto")
ax.set(xlabel="hidden neuron", ylabel="digit", xticks=range(16), yticks=range(10),
       title="Mean activation of each hidden neuron per digit")
fig.colorbar(image, ax=ax)
plt.show()

"""
Activation functions and their derivatives
==========================================

Every neuron passes the weighted sum of its inputs, ``z = x · w + b``, through
an activation function ``f``. The hidden layers of an sk_ann network use the
functions of ``sk_ann.core.activations.ACTIVATIONS`` (the ``activation``
parameter, one name for all of them or one per layer); the output layer uses
the link its loss calls for. This example plots each of them with its
derivative ``f'``, computed by the network's own forward and backward passes.
"""

# %%
# The hidden-layer activations. During backpropagation the error reaching a
# neuron is multiplied by ``f'(z)``, so the derivative decides how much a neuron
# can learn from a given input:
#
# * ``identity``: ``f'`` is 1 everywhere, but a network of identity neurons is
#   only a linear model, however many layers it has.
# * ``logistic`` (also called ``sigmoid``) squashes into (0, 1); its derivative
#   is at most 0.25 and nearly 0 for large ``|z|`` (the neuron *saturates*), so
#   errors shrink layer after layer.
# * ``tanh`` squashes into (-1, 1) around 0, with a derivative of 1 at 0.
# * ``relu``, the default, passes positive sums unchanged (derivative 1) and
#   silences negative ones (derivative 0): cheap, and it does not saturate for
#   positive sums.
# * ``leaky_relu``, ``elu`` and ``selu`` keep a slope below 0, so a neuron
#   whose sums are negative still learns; ``gelu``, ``softplus`` and ``silu``
#   are smooth versions of ``relu``, with no corner at 0.
#
# ``sigmoid`` is another name for ``logistic``, so it is drawn once.
import math

import matplotlib.pyplot as plt

from sk_ann.core.activations import ACTIVATIONS
from sk_ann.plot import ActivationDisplay

# One panel per function: an alias names a class already drawn under its own name.
names = [name for name, cls in ACTIVATIONS.items() if cls.name == name]
n_cols = min(4, len(names))
n_rows = math.ceil(len(names) / n_cols)
fig, axes = plt.subplots(n_rows, n_cols, figsize=(3.2 * n_cols, 3.4 * n_rows),
                         sharey=True, layout="constrained", squeeze=False)
for ax in axes.flat[len(names):]:
    ax.set_visible(False)
for name, ax in zip(names, axes.flat):
    ActivationDisplay.from_name(name, ax=ax)
    ax.set_ylim(-2.5, 4.2)

# %%
# The output links of the losses that are applied to each neuron on its own:
# ``logistic`` turns a raw output into a probability (binary and multilabel
# targets) and ``exp`` into a positive rate (``ANNRegressor(loss="poisson")``).
# The ``softmax`` of multiclass targets is left out: each of its outputs
# depends on every output neuron, so it has no curve of one variable.
fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.4), layout="constrained")
for name, ax in zip(["logistic", "exp"], axes):
    ActivationDisplay.from_name(name, ax=ax)
plt.show()

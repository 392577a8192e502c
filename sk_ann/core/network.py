"""The network: layers of neurons, one after another, over one flat parameter vector.

Every weight and bias of every layer lives in ``params`` (and its gradient at the
same position in ``grads``); the layers hold views into them. An optimizer step
is then a few vector operations on ``params``, and L-BFGS sees the whole network
as one vector with no packing or unpacking. The vector holds all the weight
matrices first, layer by layer, then all the bias vectors (the order of
scikit-learn's packed coefficients), so the weights, which the L2 penalty
applies to, form one contiguous block.
"""

import numpy as np

from .activations import ACTIVATIONS
from .initializers import glorot_uniform
from .layers import Dense


class Network:
    """Dense layers from ``layer_sizes[0]`` inputs to ``layer_sizes[-1]`` outputs.

    Parameters
    ----------
    layer_sizes : sequence of int
        Number of inputs, then the number of neurons of each layer; the last
        entry is the output layer.
    hidden_activation : str or sequence of str
        Activation of the hidden layers: one name for all, or one per layer.
    output_activation : str or Activation
        The output link applied by ``predict`` and ``layer_outputs``
        (``"identity"``, ``"logistic"``, ``"softmax"`` or ``"exp"``), or a
        configured instance such as a loss's ``link``.
    dtype : numpy dtype
        Dtype of the parameters and of every computation.
    dropout : float or sequence of float, default=0.0
        Dropout rate of the hidden layers' outputs while training: one for
        all, or one per hidden layer.
    batch_norm : bool or sequence of bool, default=False
        Whether each hidden layer batch-normalises its pre-activations: one
        for all, or one per hidden layer. Their ``γ`` and ``β`` follow the
        biases in ``params``; their running statistics live in ``buffers``.

    Examples
    --------
    >>> import numpy as np
    >>> net = Network([3, 4, 2], "relu", "softmax").initialize(np.random.RandomState(0))
    >>> net.predict(np.ones((5, 3))).shape
    (5, 2)
    >>> neuron = net.layers[0].neurons[1]
    >>> neuron.weights.shape, neuron.activation
    ((3,), 'relu')
    """

    def __init__(self, layer_sizes, hidden_activation="relu", output_activation="identity",
                 dtype=np.float64, dropout=0.0, batch_norm=False):
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"layer_sizes needs at least 2 positive sizes (inputs and outputs), got {sizes}."
            )
        n_hidden = len(sizes) - 2
        hidden_activation = per_hidden_layer(hidden_activation, n_hidden, "activation")
        for name in hidden_activation:
            if name not in ACTIVATIONS:
                raise ValueError(
                    f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}."
                )
        dropout = per_hidden_layer(dropout, n_hidden, "dropout")
        batch_norm = per_hidden_layer(batch_norm, n_hidden, "batch_norm")
        self.layer_sizes = sizes
        self.dtype = np.dtype(dtype)
        activations = hidden_activation + [output_activation]
        self.layers = [
            Dense(n_in, n_out, act, rate, bool(norm))
            for n_in, n_out, act, rate, norm in zip(
                sizes[:-1], sizes[1:], activations, dropout + [0.0], batch_norm + [False])
        ]
        norms = [layer.norm for layer in self.layers if layer.norm is not None]
        n_params = sum(layer.n_params for layer in self.layers)
        n_params += sum(norm.n_params for norm in norms)
        #: State that is not trained (batch statistics), saved and restored with ``params``.
        self.buffers = np.zeros(sum(norm.n_state for norm in norms), dtype=self.dtype)
        self._bind(np.zeros(n_params, dtype=self.dtype))
        for norm in norms:
            norm.reset()

    def _bind(self, params):
        self.params = params
        self.grads = np.zeros_like(params)
        start = 0
        slices = []
        for layer in self.layers:
            slices.append([slice(start, start + layer.n_in * layer.n_out)])
            start += layer.n_in * layer.n_out
        self.n_weights = start
        for layer, parts in zip(self.layers, slices):
            parts.append(slice(start, start + layer.n_out))
            start += layer.n_out
        for layer, (w, b) in zip(self.layers, slices):
            shape = (layer.n_in, layer.n_out)
            layer.bind(params[w].reshape(shape), params[b],
                       self.grads[w].reshape(shape), self.grads[b])
        # Batch normalisation's γ and β come after the biases, outside the
        # penalised block of weights; its running statistics fill ``buffers``.
        state = 0
        for layer in self.layers:
            if layer.norm is None:
                continue
            n = layer.n_out
            gamma, beta = slice(start, start + n), slice(start + n, start + 2 * n)
            start += 2 * n
            layer.norm.bind(params[gamma], params[beta], self.grads[gamma], self.grads[beta],
                            self.buffers[state:state + n], self.buffers[state + n:state + 2 * n])
            state += 2 * n

    @property
    def n_params(self):
        """Total number of weights and biases."""
        return self.params.size

    @property
    def output_activation(self):
        """Name of the output link."""
        return self.layers[-1].activation

    def initialize(self, rng, initializer=glorot_uniform, activation=None):
        """Draw every layer's weights and biases from ``rng``, first layer first.

        ``initializer`` is one initializer for every layer or a list of one per
        layer; ``activation`` names the activation whose scale it uses, one for
        every layer or one per layer. By default every layer, the output layer
        included, uses the first hidden layer's, as scikit-learn's MLP does
        (``"identity"`` when there is no hidden layer).
        """
        n_layers = len(self.layers)
        if activation is None:
            activation = self.layers[0].activation if n_layers > 1 else "identity"
        initializers = initializer if isinstance(initializer, list) else [initializer] * n_layers
        activations = [activation] * n_layers if isinstance(activation, str) else list(activation)
        for layer, init, act in zip(self.layers, initializers, activations):
            W, b = init(layer.n_in, layer.n_out, rng, act, self.dtype)
            layer.W[...] = W
            layer.b[...] = b
            if layer.norm is not None:
                layer.norm.reset()
        return self

    def forward(self, X, training=False, rng=None):
        """Raw outputs: the last layer's ``X @ W + b`` before the output link.

        ``rng`` draws the dropout masks while training.
        """
        A = X
        for layer in self.layers[:-1]:
            A = layer.forward(A, training, rng)
        return self.layers[-1].affine(A, training)

    def backward(self, d_raw):
        """Fill ``grads`` from ∂loss/∂raw, for the batch of the last ``forward``."""
        dA = self.layers[-1].backward_affine(d_raw, need_dX=len(self.layers) > 1)
        for k in range(len(self.layers) - 2, -1, -1):
            dA = self.layers[k].backward(dA, need_dX=k > 0)
        return self.grads

    def weights_and_gradients(self):
        """``(weights, their gradients)``: the leading block of ``params`` and ``grads``."""
        return self.params[:self.n_weights], self.grads[:self.n_weights]

    def predict(self, X):
        """Network outputs after the output link, shape ``(n_samples, n_outputs)``."""
        raw = self.forward(X)
        return self.layers[-1]._f.forward(raw, out=raw)

    def layer_outputs(self, X):
        """Every layer's output for ``X``: hidden activations, then the prediction."""
        outputs = []
        A = X
        for layer in self.layers:
            A = layer.forward(A)
            outputs.append(A)
        return outputs

    def release(self):
        """Free the work arrays kept between training steps."""
        for layer in self.layers:
            layer.release()

    def __getstate__(self):
        # Layers hold views into params; pickling them would store copies that
        # no longer share memory. Store the vector once and rebuild the views.
        return {
            "layer_sizes": self.layer_sizes,
            "activations": [layer.activation for layer in self.layers],
            "output_link": self.layers[-1]._f,
            "dropout": [layer.dropout for layer in self.layers[:-1]],
            "batch_norm": [layer.norm is not None for layer in self.layers[:-1]],
            "params": self.params,
            "buffers": self.buffers,
        }

    def __setstate__(self, state):
        self.__init__(
            state["layer_sizes"], state["activations"][:-1],
            state.get("output_link", state["activations"][-1]),
            state["params"].dtype, state.get("dropout", 0.0), state.get("batch_norm", False),
        )
        self.params[...] = state["params"]
        if "buffers" in state:
            self.buffers[...] = state["buffers"]

    def __repr__(self):
        lines = [f"Network({self.n_params} parameters, dtype={self.dtype.name})"]
        lines.append(f"  input: {self.layer_sizes[0]} features")
        for k, layer in enumerate(self.layers):
            kind = "output" if k == len(self.layers) - 1 else f"hidden {k + 1}"
            noun = "neuron" if layer.n_out == 1 else "neurons"
            extra = ", batch norm" if layer.norm is not None else ""
            extra += f", dropout {layer.dropout:g}" if layer.dropout else ""
            lines.append(f"  {kind}: {layer.n_out} {noun}, {layer.activation}{extra}")
        return "\n".join(lines)


def per_hidden_layer(value, n_hidden, name):
    """``value`` repeated for every hidden layer, or the given list checked for length."""
    if np.ndim(value) == 0:
        return [value] * n_hidden
    value = list(value)
    if len(value) != n_hidden:
        raise ValueError(
            f"{name} has {len(value)} entries for {n_hidden} hidden layers; give one "
            f"value for all of them, or exactly one per hidden layer."
        )
    return value

"""The network: layers one after another, over one flat parameter vector.

Every trained number of every layer lives in ``params`` (and its gradient at the
same position in ``grads``); the layers hold views into them, which the
allocator here binds from what each layer declares. An optimizer step is then a
few vector operations on ``params``, and L-BFGS sees the whole network as one
vector with no packing or unpacking. The vector holds every layer's weights
first, layer by layer, then every bias, then the other parameters
(normalisation scales and shifts): for dense layers that is the order of
scikit-learn's packed coefficients, and the weights, which the L2 penalty
applies to, form one contiguous block.

The last layer gives the raw outputs; the output link (identity, logistic,
softmax, exp), which belongs to the loss, turns them into predictions.
"""

import math
from contextlib import contextmanager

import numpy as np

from .activations import ACTIVATIONS
from .initializers import glorot_uniform
from .layers import LAYERS, Dense
from .layers.base import ROLES, make_activation


class Network:
    """A sequence of layers from samples of ``input_shape`` to raw outputs.

    Parameters
    ----------
    layers : sequence of Layer
        Unbuilt core layers (``Dense``, ``Conv2D``, ``MaxPool2D``...), first to
        last; the network builds each from the shape the previous one gives.
        The last one must give one vector per sample (a ``Dense`` layer, as a
        rule, whose activation is ``"identity"``).
    input_shape : int or tuple of int
        Shape of one sample, channels last: ``n_features`` for flat rows,
        ``(length, channels)`` for sequences, ``(height, width, channels)`` for
        images.
    output_activation : str or Activation, default="identity"
        The output link applied by ``predict`` (``"identity"``, ``"logistic"``,
        ``"softmax"`` or ``"exp"``), or a configured instance such as a loss's
        ``link``.
    dtype : numpy dtype, default=np.float64
        Dtype of the parameters and of every computation.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_ann.core.layers import Conv1D, Dense, GlobalAvgPool
    >>> net = Network([Conv1D(4, 3, activation="relu"), GlobalAvgPool(), Dense(2, "identity")],
    ...               input_shape=(10, 1), output_activation="softmax")
    >>> net.initialize(np.random.RandomState(0)).predict(np.ones((5, 10))).shape
    (5, 2)
    >>> [layer.output_shape for layer in net.layers]
    [(8, 4), (4,), (2,)]
    """

    def __init__(self, layers, input_shape, output_activation="identity", dtype=np.float64):
        self.input_shape = _as_shape(input_shape)
        self.dtype = np.dtype(dtype)
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("a network needs at least one layer.")
        shape = self.input_shape
        for k, layer in enumerate(self.layers):
            try:
                shape = layer.build(shape, self.dtype)
            except ValueError as error:
                raise ValueError(f"layer {k + 1} ({type(layer).__name__}): {error}") from None
        if len(shape) != 1:
            raise ValueError(
                f"the last layer gives samples of shape {shape}; a network's output is one "
                "vector per sample. End with a Dense layer, or put Flatten() or "
                "GlobalAvgPool() before it."
            )
        #: Shape of one sample of raw outputs, ``(n_outputs,)``.
        self.output_shape = shape
        self.output_link, _ = make_activation(output_activation)
        self._allocate()

    @classmethod
    def from_sizes(cls, layer_sizes, hidden_activation="relu", output_activation="identity",
                   dtype=np.float64, dropout=0.0, batch_norm=False):
        """Dense layers from ``layer_sizes[0]`` inputs to ``layer_sizes[-1]`` outputs.

        Parameters
        ----------
        layer_sizes : sequence of int
            Number of inputs, then the number of neurons of each layer; the
            last entry is the output layer.
        hidden_activation : str or sequence of str, default="relu"
            Activation of the hidden layers: one name for all, or one per layer.
        output_activation : str or Activation, default="identity"
            The output link, as in ``Network``.
        dtype : numpy dtype, default=np.float64
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
        >>> net = Network.from_sizes([3, 4, 2], "relu", "softmax")
        >>> net.initialize(np.random.RandomState(0)).predict(np.ones((5, 3))).shape
        (5, 2)
        >>> neuron = net.layers[0].neurons[1]
        >>> neuron.weights.shape, neuron.activation
        ((3,), 'relu')
        """
        try:
            sizes = [int(n) for n in layer_sizes]
        except (TypeError, ValueError):
            sizes = []
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"layer_sizes needs at least 2 positive sizes (inputs and outputs), got "
                f"{list(layer_sizes)}."
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
        layers = [Dense(n, act, rate, bool(norm))
                  for n, act, rate, norm in zip(sizes[1:-1], hidden_activation, dropout,
                                                batch_norm)]
        layers.append(Dense(sizes[-1], "identity"))
        return cls(layers, sizes[0], output_activation, dtype)

    def _allocate(self):
        """Lay every declared parameter and buffer out in flat vectors; bind the views."""
        declared = [(k, p) for k, layer in enumerate(self.layers) for p in layer.parameters()]
        # Stable sort: by role, then layer by layer, then in each layer's own order.
        declared.sort(key=lambda entry: ROLES.index(entry[1].role))
        n_params = sum(p.size for _, p in declared)
        params = np.zeros(n_params, dtype=self.dtype)
        grads = np.zeros(n_params, dtype=self.dtype)
        views = [({}, {}, {}) for _ in self.layers]
        start = 0
        #: Size of the leading block of penalised weights.
        self.n_weights = 0
        for k, p in declared:
            stop = start + p.size
            views[k][0][p.name] = params[start:stop].reshape(p.shape)
            views[k][1][p.name] = grads[start:stop].reshape(p.shape)
            if p.role == "weight":
                self.n_weights = stop
            start = stop
        #: State that is not trained (batch statistics), saved and restored with ``params``.
        self.buffers = np.zeros(
            sum(b.size for layer in self.layers for b in layer.buffers()), dtype=self.dtype)
        start = 0
        for k, layer in enumerate(self.layers):
            for b in layer.buffers():
                views[k][2][b.name] = self.buffers[start:start + b.size].reshape(b.shape)
                start += b.size
        self.params, self.grads = params, grads
        for layer, (p, g, b) in zip(self.layers, views):
            layer.bind(p, g, b)
        for layer in self.layers:
            norm = getattr(layer, "norm", None)
            if norm is not None:
                norm.reset()

    @property
    def n_params(self):
        """Total number of trained parameters."""
        return self.params.size

    @property
    def n_features(self):
        """Numbers in one input sample: the product of ``input_shape``."""
        return math.prod(self.input_shape)

    @property
    def layer_sizes(self):
        """Numbers per sample at the input and after each layer (neurons, for dense layers)."""
        return [self.n_features] + [math.prod(layer.output_shape) for layer in self.layers]

    @property
    def output_activation(self):
        """Name of the output link."""
        return self.output_link.name

    def initialize(self, rng, initializer=glorot_uniform, activation=None):
        """Draw every layer's parameters from ``rng``, first layer first.

        ``initializer`` is one initializer for every layer or a list of one per
        layer; ``activation`` names the activation whose scale it uses, one for
        every layer or one per layer. By default every layer, the output layer
        included, uses the first layer's, as scikit-learn's MLP does
        (``"identity"`` when there is no hidden layer).
        """
        n_layers = len(self.layers)
        if activation is None:
            activation = (self.layers[0].activation or "identity") if n_layers > 1 else "identity"
        initializers = initializer if isinstance(initializer, list) else [initializer] * n_layers
        activations = [activation] * n_layers if isinstance(activation, str) else list(activation)
        for layer, init, act in zip(self.layers, initializers, activations):
            layer.initialize(rng, init, act)
        return self

    def _as_samples(self, X):
        """``X`` in the network's dtype with each sample in ``input_shape``.

        Flat rows of a dense array are reshaped; layers without parameters
        (pooling) keep the dtype they receive, so a first one would pass
        another dtype on.
        """
        if isinstance(X, np.ndarray):
            if X.dtype != self.dtype:
                X = X.astype(self.dtype)
            if X.shape[1:] != self.input_shape:
                # Flat rows, or samples given without their single channel.
                return X.reshape(X.shape[0], *self.input_shape)
        return X

    def forward(self, X, training=False, rng=None):
        """Raw outputs: the last layer's output before the output link.

        ``X`` is a batch of samples of ``input_shape``, or of flat rows of its
        size. ``rng`` draws the dropout masks while training.
        """
        A = self._as_samples(X)
        for layer in self.layers:
            A = layer.forward(A, training, rng)
        return A

    def backward(self, d_raw, input_gradient=False):
        """Fill ``grads`` from ∂loss/∂raw, for the batch of the last training ``forward``.

        Returns ``grads``, or with ``input_gradient=True`` ∂loss/∂X, shape
        ``(n_samples, *input_shape)`` (what feature attributions and a GAN's
        generator need). ``d_raw`` is overwritten.
        """
        dA = d_raw
        for k in range(len(self.layers) - 1, -1, -1):
            dA = self.layers[k].backward(dA, need_dX=k > 0 or input_gradient)
        return dA if input_gradient else self.grads

    @contextmanager
    def frozen(self):
        """Within it, a training forward computes what ``predict`` computes and keeps
        what ``backward`` needs: gradients of the predictions themselves.

        No dropout, batch normalisation by its running statistics (left
        unchanged). What feature attributions and a GAN's generator need.

        Examples
        --------
        >>> import numpy as np
        >>> net = Network.from_sizes([3, 4, 1], "tanh", dropout=0.5)
        >>> net = net.initialize(np.random.RandomState(0))
        >>> X = np.ones((2, 3))
        >>> with net.frozen():
        ...     raw = net.forward(X, training=True)
        ...     dX = net.backward(np.ones_like(raw), input_gradient=True)
        >>> bool(np.allclose(raw, net.forward(X))), dX.shape
        (True, (2, 3))
        """
        previous = [layer.frozen for layer in self.layers]
        for layer in self.layers:
            layer.frozen = True
        try:
            yield self
        finally:
            for layer, was in zip(self.layers, previous):
                layer.frozen = was

    def weights_and_gradients(self):
        """``(weights, their gradients)``: the leading block of ``params`` and ``grads``."""
        return self.params[:self.n_weights], self.grads[:self.n_weights]

    def predict(self, X):
        """Network outputs after the output link, shape ``(n_samples, n_outputs)``."""
        raw = self.forward(X)
        return self.output_link.forward(raw, out=raw)

    def layer_outputs(self, X):
        """Every layer's output for ``X``, each of shape ``(n_samples, *output_shape)``.

        The last entry is the prediction: the last layer's raw output through
        the output link.
        """
        outputs = []
        A = self._as_samples(X)
        for layer in self.layers:
            A = layer.forward(A)
            outputs.append(A)
        outputs[-1] = self.output_link.forward(outputs[-1].copy())
        return outputs

    def release(self):
        """Free the work arrays kept between training steps."""
        for layer in self.layers:
            layer.release()

    def __getstate__(self):
        # Layers hold views into params; pickling them would store copies that
        # no longer share memory. Store each layer's small config and the
        # vectors once, and rebuild the views.
        return {
            "input_shape": self.input_shape,
            "layers": [(type(layer).__name__, layer.get_config()) for layer in self.layers],
            "output_link": self.output_link,
            "params": self.params,
            "buffers": self.buffers,
        }

    def __setstate__(self, state):
        if "layer_sizes" in state:
            # Saved by sk_ann 0.2 or earlier: dense layers given by their sizes.
            twin = Network.from_sizes(
                state["layer_sizes"], state["activations"][:-1],
                state.get("output_link", state["activations"][-1]), state["params"].dtype,
                state.get("dropout", 0.0), state.get("batch_norm", False))
            self.__dict__.update(twin.__dict__)
        else:
            layers = [LAYERS[name](**config) for name, config in state["layers"]]
            self.__init__(layers, state["input_shape"], state["output_link"],
                          state["params"].dtype)
        self.params[...] = state["params"]
        if "buffers" in state:
            self.buffers[...] = state["buffers"]

    def __repr__(self):
        lines = [f"Network({self.n_params} parameters, dtype={self.dtype.name})"]
        if len(self.input_shape) == 1:
            lines.append(f"  input: {self.input_shape[0]} features")
        else:
            lines.append(f"  input: {self.input_shape}")
        for k, layer in enumerate(self.layers):
            last = k == len(self.layers) - 1
            kind = "output" if last else f"hidden {k + 1}"
            lines.append(f"  {kind}: {_describe(layer, self.output_activation if last else None)}")
        return "\n".join(lines)


def _describe(layer, link=None):
    """One line on a layer for the network's repr: its neurons, or what it does."""
    if isinstance(layer, Dense):
        noun = "neuron" if layer.units == 1 else "neurons"
        text = f"{layer.units} {noun}, {link or layer.activation}"
    elif hasattr(layer, "units"):
        text = f"{layer!r} -> {layer.output_shape}, {layer.activation}"
    else:
        text = f"{layer!r} -> {layer.output_shape}"
    if getattr(layer, "norm", None) is not None:
        text += ", batch norm"
    if getattr(layer, "dropout", 0.0):
        text += f", dropout {layer.dropout:g}"
    return text


def _as_shape(shape):
    """``shape`` as a tuple of positive ints (an int is one axis)."""
    try:
        dims = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        dims = ()
    if not dims or min(dims) < 1:
        raise ValueError(f"input_shape must be a positive int or a tuple of them, got {shape!r}.")
    return dims


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

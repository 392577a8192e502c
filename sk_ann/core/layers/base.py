"""The layer protocol every kind of layer follows, and the neurons most of them share.

A layer is built from the shape of one sample that reaches it (batch axis left
out, channels last) and reports the shape of what it passes on. It declares its
parameters and its untrained buffers but owns no memory for them: the network's
allocator lays every layer's numbers out in one flat vector and ``bind`` hands
the layer views of its own. ``forward(X, training, rng)`` and ``backward(dA)``
work on whole batches of any number of axes, batch first; ``backward`` writes
the layer's gradients into its views of the network's gradient vector and
returns ∂loss/∂X.

Most layers are neurons of one shape or another: a weighted sum of what they
read, plus a bias, through an activation. ``NeuronLayer`` holds what they share,

.. math:: Z = \\operatorname{affine}(X), \\quad Z' = \\operatorname{norm}(Z), \\quad
          A = f(Z'), \\quad \\text{then dropout on } A \\text{ while training}

and leaves only the affine map, and its way back, to each kind: a matrix
product for ``Dense``, a product over sliding windows for a convolution.
"""

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..activations import ACTIVATIONS, OUTPUT_LINKS, Activation, get_activation
from ..normalization import BatchNorm

#: Where each role of parameter goes in the flat vector, first to last. Weights
#: come first so that the penalties see one contiguous block; then biases, then
#: everything else (normalisation scales and shifts, embeddings...).
ROLES = ("weight", "bias", "other")


@dataclass(frozen=True)
class Parameter:
    """A trained array a layer declares: its name, shape and role.

    ``role`` is ``"weight"`` (the L2 and L1 penalties and AdamW's decay apply),
    ``"bias"`` or ``"other"`` (neither penalised). ``fan_in`` and ``fan_out``
    are the numbers of inputs and outputs each weight connects, which the
    initialisers scale by.
    """

    name: str
    shape: tuple
    role: str = "weight"
    fan_in: int = None
    fan_out: int = None

    @property
    def size(self):
        return math.prod(self.shape)


@dataclass(frozen=True)
class Buffer:
    """An untrained array a layer keeps with its parameters (running statistics)."""

    name: str
    shape: tuple

    @property
    def size(self):
        return math.prod(self.shape)


class Layer:
    """Base class of every layer: no parameters, shapes unchanged until built.

    Subclasses set ``output_shape`` in ``build`` and implement ``forward`` and
    ``backward``; those with numbers of their own also ``parameters``,
    ``buffers``, ``bind`` and ``initialize``. ``get_config`` returns the
    keyword arguments that rebuild the layer, which is all a network pickles
    of it besides the flat vectors.
    """

    #: Name of the layer's activation, or None for layers without neurons.
    activation = None
    #: While True, a training forward keeps what ``backward`` needs but computes
    #: what prediction computes: no dropout, batch normalisation by its running
    #: statistics, which it leaves unchanged (see ``Network.frozen``).
    frozen = False
    #: True for layers whose input must keep its axes (no flat rows).
    needs_spatial_input = False

    def build(self, input_shape, dtype=np.float64):
        """Fix the input shape of one sample and the dtype; return the output shape."""
        self.input_shape = tuple(int(n) for n in input_shape)
        self.dtype = np.dtype(dtype)
        self.output_shape = self._output_shape(self.input_shape)
        return self.output_shape

    def _output_shape(self, input_shape):
        return input_shape

    def parameters(self):
        """The trained arrays this layer declares, as ``Parameter`` entries."""
        return []

    def buffers(self):
        """The untrained arrays this layer declares, as ``Buffer`` entries."""
        return []

    def bind(self, params, grads, buffers):
        """Use the given views (dicts by name) of the network's vectors."""

    def initialize(self, rng, initializer, activation):
        """Draw the starting values of the parameters from ``rng``."""

    @property
    def n_params(self):
        """Number of trained numbers the layer holds."""
        return sum(p.size for p in self.parameters())

    def forward(self, X, training=False, rng=None):
        raise NotImplementedError

    def backward(self, dA, need_dX=True):
        raise NotImplementedError

    def release(self):
        """Drop what was kept between a training forward and its backward."""

    def get_config(self):
        """Keyword arguments that rebuild this layer (before ``build``)."""
        raise NotImplementedError

    @property
    def neurons(self):
        """A layer without neurons has none to look at."""
        return ()

    def __repr__(self):
        return constructor_call(self, self.get_config())


def constructor_call(obj, params):
    """``obj``'s constructor call for ``params``: required ones by position, others by
    name when they differ from their default."""
    signature = inspect.signature(type(obj).__init__)
    args = []
    for name, value in params.items():
        default = signature.parameters[name].default
        if default is inspect.Parameter.empty:
            args.append(repr(value))
        elif value != default:
            args.append(f"{name}={value!r}")
    return f"{type(obj).__name__}({', '.join(args)})"


def make_activation(activation):
    """``(instance, name)`` for an activation name or a configured instance."""
    if isinstance(activation, Activation):
        # A configured instance, e.g. a softmax over blocks of columns.
        return activation, activation.name
    return get_activation(activation, {**ACTIVATIONS, **OUTPUT_LINKS}), activation


class NeuronLayer(Layer):
    """Neurons whose outputs are ``f(norm(affine(X)))``, with dropout while training.

    Subclasses define the affine map: ``_weight_shape()``, ``_fan_in_out()``,
    ``_affine(X, Z, training)`` writing ``X W + b`` (or its sliding-window
    form) into ``Z``, and ``_affine_backward(dZ, need_dX)`` filling ``dW`` and
    ``db`` and returning ∂loss/∂X. The last axis of the output holds the
    neurons (units, filters); batch normalisation and the bias are per neuron,
    shared by every position.
    """

    def __init__(self, units, activation="relu", dropout=0.0, batch_norm=False):
        units = int(units)
        if units < 1:
            raise ValueError(f"a layer needs at least 1 neuron, got {units}.")
        self._f, self.activation = make_activation(activation)
        dropout = float(dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
        self.units = units
        #: Probability that each output is zeroed during a training step.
        self.dropout = dropout
        #: The layer's ``BatchNorm`` between the affine map and the activation, or None.
        self.norm = BatchNorm(units) if batch_norm else None
        self._work = None

    @property
    def n_out(self):
        """Number of neurons (the output's last axis)."""
        return self.units

    def parameters(self):
        fan_in, fan_out = self._fan_in_out()
        params = [Parameter("W", self._weight_shape(), "weight", fan_in, fan_out),
                  Parameter("b", (self.units,), "bias")]
        if self.norm is not None:
            params += [Parameter("gamma", (self.units,), "other"),
                       Parameter("beta", (self.units,), "other")]
        return params

    def buffers(self):
        if self.norm is None:
            return []
        return [Buffer("running_mean", (self.units,)), Buffer("running_var", (self.units,))]

    def bind(self, params, grads, buffers):
        self.W, self.b = params["W"], params["b"]
        self.dW, self.db = grads["W"], grads["b"]
        if self.norm is not None:
            self.norm.bind(params["gamma"], params["beta"], grads["gamma"], grads["beta"],
                           buffers["running_mean"], buffers["running_var"])
        self._work = None

    def initialize(self, rng, initializer, activation):
        fan_in, fan_out = self._fan_in_out()
        W, b = initializer(fan_in, fan_out, rng, activation, self.dtype,
                           shape=self._weight_shape())
        self.W[...] = W
        self.b[...] = b
        if self.norm is not None:
            self.norm.reset()

    @property
    def weights(self):
        """The weight array; its last axis feeds the neurons."""
        return self.W

    @property
    def bias(self):
        """The biases, one per neuron."""
        return self.b

    def forward(self, X, training=False, rng=None):
        """The layer's output ``f(norm(affine(X)))``, neurons on the last axis.

        While training with ``dropout``, each output is zeroed with that
        probability (drawn from ``rng``) and the others are divided by
        ``1 - dropout`` (inverted dropout), so nothing changes at predict time.
        """
        n = X.shape[0]
        if not training:
            Z = np.empty((n, *self.output_shape), dtype=self.dtype)
            self._affine(X, Z, training=False)
            if self.norm is not None:
                Z2 = Z.reshape(-1, self.units)
                self.norm.forward(Z2, False, out=Z2)
            return self._f.forward(Z, out=Z)
        work = self._work_for(n)
        Z = work.Z
        self._affine(X, Z, training=True)
        if self.norm is not None:
            Z2 = Z.reshape(-1, self.units)
            self.norm.forward(Z2, not self.frozen, out=Z2)
        work.A = self._f.forward(Z, out=work.A_out)
        if not self.dropout or self.frozen:
            return work.A
        if rng is None:
            raise ValueError("a layer with dropout needs an rng to train.")
        keep = 1.0 - self.dropout
        np.greater_equal(rng.random_sample(work.A.shape), self.dropout, out=work.kept)
        np.multiply(work.kept, 1.0 / keep, out=work.mask)
        return np.multiply(work.A, work.mask, out=work.dropped)

    def backward(self, dA, need_dX=True):
        """Fill this layer's gradients from ∂loss/∂A and return ∂loss/∂X.

        ``dA`` is overwritten. With ``need_dX=False`` (the first layer, unless
        the gradient with respect to the network's input is wanted) no
        ∂loss/∂X is computed and ``None`` is returned.
        """
        work = self._work
        if work is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward pass with "
                               "training=True first.")
        if self.dropout and not self.frozen:
            dA *= work.mask
        dZ = self._f.backward(work.Z, work.A, dA, out=dA)
        if self.norm is not None:
            dZ2 = dZ.reshape(-1, self.units)
            if self.frozen:
                dZ2 *= self.norm.inference_scale()  # running statistics: a fixed affine map
            else:
                self.norm.backward(dZ2, out=dZ2)
        return self._affine_backward(dZ, need_dX)

    def _work_for(self, n_rows):
        """The work arrays for a batch of ``n_rows``, reused from batch to batch."""
        work = self._work
        if work is None or work.n_rows != n_rows:
            capacity = None if work is None else work.capacity
            self._work = work = _Work(self, n_rows, capacity)
        return work

    def release(self):
        """Drop the work arrays and the cached batch (after training)."""
        self._work = None
        if self.norm is not None:
            self.norm.release()

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_work"] = None
        return state


class _Work:
    """A layer's arrays for one training batch: views of buffers kept between batches.

    The buffers are allocated for the largest batch seen; a smaller batch (the
    last of an epoch) uses their leading rows. ``X`` and ``A`` are the batch's
    input and output, kept for the backward pass; ``extra`` holds whatever else
    a kind of layer keeps (a convolution's windows).
    """

    def __init__(self, layer, n_rows, capacity=None):
        if capacity is None or capacity.n_rows < n_rows:
            capacity = _Buffers(layer, n_rows)
        self.capacity = capacity
        self.n_rows = n_rows
        self.Z = capacity.Z[:n_rows]
        # Where the derivative reads only A, A overwrites Z and spares a buffer.
        self.A_out = capacity.A[:n_rows] if capacity.A is not None else self.Z
        self.ones = capacity.ones[:n_rows]
        if capacity.mask is not None:
            self.mask = capacity.mask[:n_rows]
            self.kept = capacity.kept[:n_rows]
            self.dropped = capacity.dropped[:n_rows]
        self.X = self.A = None

    def dX(self, shape):
        """Where ∂loss/∂X goes, shape ``(n_rows, *shape)``; allocated on first use."""
        capacity = self.capacity
        if capacity.dX is None or capacity.dX.shape[1:] != tuple(shape):
            capacity.dX = np.empty((capacity.n_rows, *shape), dtype=capacity.Z.dtype)
        return capacity.dX[:self.n_rows]

    def scratch(self, name, shape):
        """A named array of ``(n_rows, *shape)`` kept with the buffers."""
        capacity = self.capacity
        array = capacity.scratch.get(name)
        if array is None or array.shape[1:] != tuple(shape):
            array = capacity.scratch[name] = np.empty((capacity.n_rows, *shape),
                                                      dtype=capacity.Z.dtype)
        return array[:self.n_rows]


class _Buffers:
    """The arrays behind ``_Work``, sized for ``n_rows`` samples."""

    def __init__(self, layer, n_rows):
        dtype = layer.dtype
        shape = (n_rows, *layer.output_shape)
        self.n_rows = n_rows
        self.Z = np.empty(shape, dtype=dtype)
        self.A = np.empty(shape, dtype=dtype) if layer._f.needs_input else None
        self.dX = None
        self.scratch = {}
        self.ones = np.ones(n_rows, dtype=dtype)
        self.mask = self.kept = self.dropped = None
        if layer.dropout:
            self.mask = np.empty(shape, dtype=dtype)
            self.kept = np.empty(shape, dtype=bool)
            self.dropped = np.empty(shape, dtype=dtype)


class UnitView:
    """Read-only view of neuron ``index`` of a layer: its weights, bias and activation.

    The neuron's weights are the slice ``W[..., index]`` of the layer's weight
    array: a column of a dense layer, a filter of a convolution.
    """

    def __init__(self, layer, index):
        self._layer = layer
        self.index = index

    @property
    def weights(self):
        """The neuron's weights, ``W[..., index]``; read-only."""
        view = self._layer.W[..., self.index]
        view.flags.writeable = False
        return view

    @property
    def bias(self):
        """The neuron's bias, a float."""
        return self._layer.b[self.index].item()

    @property
    def activation(self):
        """Name of the neuron's activation function."""
        return self._layer.activation


class NeuronList(Sequence):
    """The neurons of a layer, as a sequence of read-only views of kind ``view``."""

    def __init__(self, layer, view):
        self._layer = layer
        self._view = view

    def __len__(self):
        return self._layer.n_out

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"layer has {n} neurons, no neuron {index}")
        return self._view(self._layer, index % n)

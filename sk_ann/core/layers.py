"""Layers of neurons. A ``Dense`` layer of ``n_out`` neurons is one weight matrix.

Column ``j`` of ``W`` (shape ``(n_in, n_out)``) and ``b[j]`` *are* neuron ``j``:
its output is ``f(x · W[:, j] + b[j])``. The layer computes all of them at once,

.. math:: Z = X W + b, \\qquad A = f(Z)

and on the way back, from ∂loss/∂A,

.. math:: \\frac{\\partial L}{\\partial Z} = f'(Z) \\odot \\frac{\\partial L}{\\partial A}, \\quad
          \\frac{\\partial L}{\\partial W} = X^\\top \\frac{\\partial L}{\\partial Z}, \\quad
          \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\frac{\\partial L}{\\partial Z}, \\quad
          \\frac{\\partial L}{\\partial X} = \\frac{\\partial L}{\\partial Z} W^\\top

A layer owns no memory of its own for parameters: ``bind`` hands it views of
the network's flat parameter and gradient vectors.
"""

from collections.abc import Sequence

import numpy as np

from .activations import ACTIVATIONS, OUTPUT_LINKS, Activation
from .normalization import BatchNorm


class Dense:
    """A fully connected layer of ``n_out`` neurons reading ``n_in`` inputs."""

    def __init__(self, n_in, n_out, activation="relu", dropout=0.0, batch_norm=False):
        known = {**ACTIVATIONS, **OUTPUT_LINKS}
        if isinstance(activation, Activation):
            # A configured instance, e.g. a softmax over blocks of columns.
            f, activation = activation, activation.name
        elif activation in known:
            f = known[activation]()
        else:
            raise ValueError(f"activation must be one of {sorted(known)}, got {activation!r}.")
        dropout = float(dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.activation = activation
        #: Probability that each output is zeroed during a training step.
        self.dropout = dropout
        #: The layer's ``BatchNorm`` between ``X @ W + b`` and the activation, or None.
        self.norm = BatchNorm(self.n_out) if batch_norm else None
        self._f = f
        self._work = None

    @property
    def n_params(self):
        """Number of weights and biases: ``(n_in + 1) * n_out``."""
        return (self.n_in + 1) * self.n_out

    def bind(self, W, b, dW, db):
        """Use the given views of the network's vectors as ``W``, ``b`` and their gradients."""
        self.W, self.b, self.dW, self.db = W, b, dW, db
        self._work = None

    @property
    def weights(self):
        """The weight matrix, shape ``(n_in, n_out)``; column ``j`` feeds neuron ``j``."""
        return self.W

    @property
    def bias(self):
        """The biases, shape ``(n_out,)``."""
        return self.b

    @property
    def neurons(self):
        """The layer's neurons as read-only views, built on demand."""
        return NeuronList(self)

    def affine(self, X, training=False):
        """``Z = X @ W + b``; while training, into a reused buffer, keeping ``X``."""
        if not training:
            Z = X @ self.W
            Z += self.b
            return Z
        work = self._work_for(X.shape[0])
        Z = work.Z
        if isinstance(X, np.ndarray):
            np.matmul(X, self.W, out=Z)
        else:
            Z[...] = X @ self.W  # sparse X
        Z += self.b
        work.X = X
        return Z

    def forward(self, X, training=False, rng=None):
        """The layer's output ``A = f(X @ W + b)``, shape ``(n_samples, n_out)``.

        While training with ``dropout``, each output is zeroed with that
        probability (drawn from ``rng``) and the others are divided by
        ``1 - dropout`` (inverted dropout), so nothing changes at predict time.
        """
        Z = self.affine(X, training)
        if self.norm is not None:
            self.norm.forward(Z, training, out=Z)
        if not training:
            return self._f.forward(Z, out=Z)
        work = self._work
        work.A = self._f.forward(Z, out=work.A_out)
        if not self.dropout:
            return work.A
        if rng is None:
            raise ValueError("a layer with dropout needs an rng to train.")
        keep = 1.0 - self.dropout
        np.greater_equal(rng.random_sample(work.A.shape), self.dropout, out=work.kept)
        np.multiply(work.kept, 1.0 / keep, out=work.mask)
        return np.multiply(work.A, work.mask, out=work.dropped)

    def backward(self, dA, need_dX=True):
        """Fill this layer's gradients from ∂loss/∂A and return ∂loss/∂X.

        ``dA`` is overwritten. With ``need_dX=False`` (the first layer) no
        ∂loss/∂X is computed and ``None`` is returned.
        """
        work = self._work
        if self.dropout:
            dA *= work.mask
        dZ = self._f.backward(work.Z, work.A, dA, out=dA)
        if self.norm is not None:
            dZ = self.norm.backward(dZ, out=dZ)
        return self.backward_affine(dZ, need_dX)

    def backward_affine(self, dZ, need_dX=True):
        """Fill this layer's gradients from ∂loss/∂Z and return ∂loss/∂X."""
        work = self._work
        if isinstance(work.X, np.ndarray):
            np.matmul(work.X.T, dZ, out=self.dW)
        else:
            self.dW[...] = work.X.T @ dZ  # sparse X
        # A matrix-vector product sums the columns faster than a reduction.
        np.matmul(work.ones, dZ, out=self.db)
        if not need_dX:
            return None
        return np.matmul(dZ, self.W.T, out=work.dX())

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

    def __repr__(self):
        extra = f", dropout={self.dropout}" if self.dropout else ""
        if self.norm is not None:
            extra += ", batch_norm=True"
        return f"Dense({self.n_in} -> {self.n_out}, activation={self.activation!r}{extra})"


class _Work:
    """A layer's arrays for one training batch: views of buffers kept between batches.

    The buffers are allocated for the largest batch seen; a smaller batch (the
    last of an epoch) uses their leading rows. ``X`` and ``A`` are the batch's
    input and output, kept for the backward pass.
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

    def dX(self):
        """Where ∂loss/∂X goes; allocated on first use, as the first layer never needs it."""
        capacity = self.capacity
        if capacity.dX is None:
            capacity.dX = np.empty((capacity.n_rows, capacity.n_in), dtype=capacity.Z.dtype)
        return capacity.dX[:self.n_rows]


class _Buffers:
    """The arrays behind ``_Work``, sized for ``n_rows`` samples."""

    def __init__(self, layer, n_rows):
        dtype = layer.W.dtype
        self.n_rows = n_rows
        self.Z = np.empty((n_rows, layer.n_out), dtype=dtype)
        self.A = np.empty((n_rows, layer.n_out), dtype=dtype) if layer._f.needs_input else None
        self.n_in = layer.n_in
        self.dX = None
        self.ones = np.ones(n_rows, dtype=dtype)
        self.mask = self.kept = self.dropped = None
        if layer.dropout:
            shape = (n_rows, layer.n_out)
            self.mask = np.empty(shape, dtype=dtype)
            self.kept = np.empty(shape, dtype=bool)
            self.dropped = np.empty(shape, dtype=dtype)


class Neuron:
    """Read-only view of one neuron: its weights, bias and activation.

    Calling it on ``X`` (shape ``(n_samples, n_in)``) gives the neuron's output,
    ``f(X @ weights + bias)``, shape ``(n_samples,)``.
    """

    def __init__(self, layer, index):
        self._layer = layer
        self.index = index

    @property
    def weights(self):
        """The neuron's input weights, shape ``(n_in,)``; read-only."""
        view = self._layer.W[:, self.index]
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

    def __call__(self, X):
        f = self._layer._f
        if not f.elementwise or self._layer.norm is not None:
            # A softmax neuron's output depends on its neighbours' inputs too;
            # a normalised one's, on the layer's normalisation.
            return self._layer.forward(X)[:, self.index]
        z = X @ self.weights + self.bias
        return f.forward(np.asarray(z, dtype=self._layer.W.dtype).reshape(-1, 1))[:, 0]

    def __repr__(self):
        return (
            f"Neuron({self.index}, n_inputs={self._layer.n_in}, "
            f"bias={self.bias:.4g}, activation={self.activation!r})"
        )


class NeuronList(Sequence):
    """The ``n_out`` neurons of a layer, as a sequence of ``Neuron`` views."""

    def __init__(self, layer):
        self._layer = layer

    def __len__(self):
        return self._layer.n_out

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"layer has {n} neurons, no neuron {index}")
        return Neuron(self._layer, index % n)

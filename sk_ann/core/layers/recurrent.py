"""Recurrent layers: neurons whose output at one step comes back as an input at the next.

A recurrent layer reads a sequence ``x_1 ... x_T`` (a sample of shape
``(timesteps, features)``) one step at a time. Each of its ``units`` neurons
reads the step's features *and* the whole layer's output of the step before,
its *state* :math:`h_{t-1}`, through weights of its own: input weights ``W``,
recurrent weights ``U`` and a bias ``b``. The simplest, ``SimpleRNN``, is

.. math:: z_t = x_t W + h_{t-1} U + b, \\qquad h_t = f(z_t), \\qquad h_0 = 0

so that :math:`h_t` can carry what the layer has seen so far. ``LSTM`` and
``GRU`` compute :math:`h_t` through *gates*, neurons of their own with a
sigmoid that open and close paths for the state (see each class). A gated
layer lays its gates' weights side by side as blocks of columns: ``W`` has
shape ``(features, gates * units)``, ``U`` ``(units, gates * units)``, ``b``
``(gates * units,)``, and block ``k`` of each belongs to gate ``gates[k]``.

How the work is laid out:

- The input's share of every step, :math:`x_t W + b`, does not depend on the
  state: it is **one matrix product over the whole sequence**, ``P``, before the
  steps run (the bias enters it as the weight of a constant input 1). Only
  :math:`h_{t-1} U` waits for the step before, so the loop over time steps
  does one matrix product per step and a few element-wise operations.
- Inside, a layer stores sequences time-major and *units-major*: step ``t``'s
  state ``H[t]`` is a ``(units, batch)`` array and its pre-activations ``P[t]``
  a ``(gates * units, batch)`` array, the transposes of the samples-by-units
  matrices of the formulas. Each gate is then a block of contiguous rows, where
  in a ``(batch, gates * units)`` array it would be a block of columns, on
  which numpy runs an element-wise operation row by row (4 to 6 times slower,
  measured at 64 samples and 64 units). ``H[t]`` is the state *before* step
  ``t`` (``H[0] = 0``) and ``H[t + 1]`` the state after it; each step's
  arrays are contiguous.
- Backpropagation through time (BPTT) walks the steps backwards. Step ``t``
  gets ∂L/∂h_t from above (each step's output with ``return_sequences=True``,
  the last step's otherwise) *plus* what step ``t + 1`` sends back through
  :math:`h_t U`, turns it into the gradient of its pre-activations ``dP[t]``
  and sends :math:`dQ_t U^\\top` on to step ``t - 1``: each step's way back
  sits in the code next to its way forward, reading what the forward step
  stored (the gates' outputs, the cells). What does not wait for the step
  after (the gates' slopes times what they multiply) is computed for a block
  of steps at once before the block's steps run.

After the loop, the parameter gradients are again products over the whole
sequence,

.. math:: \\frac{\\partial L}{\\partial W} = \\sum_t x_t^\\top dP_t, \\quad
          \\frac{\\partial L}{\\partial U} = \\sum_t h_{t-1}^\\top dQ_t, \\quad
          \\frac{\\partial L}{\\partial b} = \\sum_t \\mathbf{1}^\\top dP_t, \\quad
          \\frac{\\partial L}{\\partial x_t} = dP_t W^\\top

where ``dP`` is the gradient of each step's pre-activations on the input side
and ``dQ`` on the recurrent side (the same array, except for the GRU's
candidate, whose recurrent part passes through its reset gate). The first
three are one product of ``dP`` (and ``dQ``) with the stacked step inputs
:math:`[x_t, 1, h_{t-1}]` per step, summed over the steps.

With ``return_sequences=True`` a layer outputs every step's state, shape
``(timesteps, units)``, so that another recurrent layer (or a ``Conv1D``) can
read it; otherwise the last state, ``(units,)``. ``dropout`` zeroes outputs of
the layer while training (inverted dropout, as for dense layers); the
connections from one step to the next are never dropped, which would erase
the memory the layer is for (Zaremba et al., 2014).

Initialisation, as the literature recommends: the input weights ``W`` from the
network's initialiser (Glorot uniform by default, over the whole
``(features, gates * units)`` matrix, as Keras does); each gate's block of
recurrent weights an orthogonal matrix (Saxe et al., 2014), which neither
shrinks nor stretches the state from step to step at the start; biases zero,
except the LSTM's forget gate, whose bias of 1 keeps the memory open early in
training (Gers et al., 2000; Jozefowicz et al., 2015).
"""

from contextlib import nullcontext

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from ..threads import one_blas_thread
from .base import Layer, NeuronList, Parameter

# Largest number of floats a layer keeps per chunk of samples when predicting;
# bigger batches are cut into chunks of samples so that memory stays bounded.
_MAX_NUMBERS = 1 << 24
# Below this many FLOPs per step's product the steps run with BLAS on one
# thread: threads would mostly wait for each other (see ``core.threads``).
_THREADED_STEP_FLOPS = 1 << 26
# Numbers of gate pre-activations in a block of steps whose backward factors
# an LSTM or a GRU computes at once: a megabyte in float32, small enough to
# stay in cache until the block's steps read them (16 steps of a batch of 64
# with 64 LSTM units took less time than the whole sequence or 4 steps at once).
_BACKWARD_BLOCK_NUMBERS = 1 << 18
# Numbers of the per-step products of the parameter gradients that backward
# keeps at once, before summing them over the steps: bounds its memory when
# units are many (each step's product has gates * units * (features + 1 + units)
# numbers). 14 steps of an LSTM with 64 units and 8 features: 2-4% faster than
# one product of all 100 steps, which no longer stayed in cache.
_GRADIENT_NUMBERS = 1 << 18


def orthogonal(size, rng, dtype=np.float64):
    """A random ``(size, size)`` orthogonal matrix, uniformly distributed (Haar).

    The Q of the QR decomposition of a standard normal matrix drawn from
    ``rng``, its columns' signs fixed by R's diagonal, which makes the draw
    uniform over orthogonal matrices (Mezzadri, 2007).

    Examples
    --------
    >>> Q = orthogonal(4, np.random.RandomState(0))
    >>> np.allclose(Q.T @ Q, np.eye(4))
    True
    """
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    q *= np.sign(np.diag(r))
    return q.astype(dtype, copy=False)


def gate_columns(units, order):
    """Indices of the columns of a gated layer's blocks (``units`` each), taken in ``order``.

    >>> gate_columns(2, (1, 0))
    array([2, 3, 0, 1])
    """
    return np.concatenate([np.arange(k * units, (k + 1) * units) for k in order])


def _tanh_slope(A, out):
    """``1 - A * A``: tanh's derivative, read from its output ``A``."""
    np.multiply(A, A, out=out)
    np.subtract(1, out, out=out)
    return out


class _Arrays:
    """Named work arrays for one batch size, allocated on first use and then reused."""

    def __init__(self, dtype):
        self.dtype = dtype
        self._arrays = {}

    def get(self, name, shape):
        array = self._arrays.get(name)
        if array is None or array.shape != shape:
            array = self._arrays[name] = np.empty(shape, dtype=self.dtype)
        return array

    def __getitem__(self, name):
        """An array the forward pass filled."""
        return self._arrays[name]

    def ones(self, size):
        ones = self._arrays.get("ones")
        if ones is None or ones.shape != (size,):
            ones = self._arrays["ones"] = np.ones(size, dtype=self.dtype)
        return ones


class _Recurrent(Layer):
    """What every recurrent layer shares; subclasses write the step and its way back.

    A subclass names its ``gates`` (blocks of columns of ``W``, ``U`` and ``b``;
    none for ``SimpleRNN``) and implements ``_scan(P, H, work)``, which turns
    the input projections ``P`` into the states ``H`` one step at a time, and
    ``_scan_backward(dH, dh, work) -> (dP, dQ)``, which walks back through the
    steps (see the module docstring).

    The steps' rows hold the blocks in the order ``_order`` (indices into
    ``gates``), chosen so that the blocks a step treats alike are contiguous;
    the first ``_sigmoids`` blocks are sigmoid gates. Since
    :math:`\\sigma(z) = (1 + \\tanh(z / 2)) / 2`, their weights are halved on
    the way in and a step computes every block with one tanh, then halves and
    shifts the gates' rows: numpy's tanh is vectorised where scipy's ``expit``
    is not, which makes this several times faster.
    """

    gates = ()
    _order = None
    _sigmoids = 0
    #: One position axis: an ``input_shape`` of one axis, ``(timesteps,)``,
    #: is a sequence of one feature.
    d = 1

    def __init__(self, units, return_sequences=False, dropout=0.0):
        name = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"{name} units must be a positive int, got {units!r}.")
        dropout = float(dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
        self.units = int(units)
        self.return_sequences = bool(return_sequences)
        #: Probability that each output is zeroed during a training step.
        self.dropout = dropout
        self._works = {}
        self._work = None

    @property
    def n_blocks(self):
        """Number of blocks of columns in ``W``, ``U`` and ``b``: the gates, or 1."""
        return max(1, len(self.gates))

    @property
    def n_out(self):
        """Number of units (the output's last axis)."""
        return self.units

    def _output_shape(self, input_shape):
        name = type(self).__name__
        if len(input_shape) != 2:
            if len(input_shape) == 1:
                got = (f"flat samples of shape {input_shape} (a Dense or Flatten layer before "
                       "it, a recurrent layer without return_sequences=True before it, or no "
                       "input_shape)")
            else:
                got = f"samples of shape {input_shape}, with more than one position axis"
            raise ValueError(
                f"{name} reads sequences of shape (timesteps, features), but it receives "
                f"{got}. Give the estimator input_shape=(timesteps, features), put recurrent "
                "layers before any Dense, Flatten or GlobalAvgPool layer, and give "
                "return_sequences=True to a recurrent layer that feeds another."
            )
        timesteps = input_shape[0]
        return (timesteps, self.units) if self.return_sequences else (self.units,)

    @property
    def timesteps(self):
        return self.input_shape[0]

    @property
    def n_features(self):
        """Number of features each step reads."""
        return self.input_shape[1]

    # --- parameters -------------------------------------------------------------------

    def parameters(self):
        width = self.n_blocks * self.units
        return [
            Parameter("W", (self.n_features, width), "weight", self.n_features, width),
            Parameter("U", (self.units, width), "weight", self.units, width),
            Parameter("b", (width,), "bias"),
        ]

    def bind(self, params, grads, buffers):
        self.W, self.U, self.b = params["W"], params["U"], params["b"]
        self.dW, self.dU, self.db = grads["W"], grads["U"], grads["b"]
        self.release()

    def initialize(self, rng, initializer, activation):
        """Input weights from ``initializer``, orthogonal recurrent blocks, zero biases.

        ``initializer`` draws ``W`` over its whole ``(features, gates * units)``
        shape; the biases it draws are not used. Each gate's ``(units, units)``
        block of ``U`` is an `orthogonal` matrix. The LSTM then sets its forget
        gate's biases to 1.
        """
        W, _ = initializer(self.n_features, self.n_blocks * self.units, rng, activation,
                           self.dtype, shape=self.W.shape)
        self.W[...] = W
        u = self.units
        for k in range(self.n_blocks):
            self.U[:, k * u:(k + 1) * u] = orthogonal(u, rng, self.dtype)
        self.b[...] = 0
        self._initial_bias()

    def _initial_bias(self):
        """Set biases that do not start at zero."""

    @property
    def weights(self):
        """The input weights ``W``, shape ``(features, gates * units)``."""
        return self.W

    @property
    def recurrent_weights(self):
        """The recurrent weights ``U``, shape ``(units, gates * units)``."""
        return self.U

    @property
    def bias(self):
        """The biases ``b``, shape ``(gates * units,)``."""
        return self.b

    # --- forward ----------------------------------------------------------------------

    def forward(self, X, training=False, rng=None):
        """The last state ``(n, units)``, or every step's ``(n, timesteps, units)``.

        ``X`` has shape ``(n, timesteps, features)``. While training with
        ``dropout``, outputs are zeroed with that probability (drawn from
        ``rng``) and the others divided by ``1 - dropout``.
        """
        if not training:
            return self._predict(X, self.return_sequences)
        work = self._work_for(X.shape[0])
        H = self._run(X, work)
        out = H[1:].transpose(2, 0, 1) if self.return_sequences else H[-1].T
        if not self.dropout:
            return out
        if rng is None:
            raise ValueError("a layer with dropout needs an rng to train.")
        mask = work.get("mask", out.shape)
        kept = rng.random_sample(out.shape) >= self.dropout
        np.multiply(kept, self.dtype.type(1.0 / (1.0 - self.dropout)), out=mask)
        return np.multiply(out, mask, out=work.get("dropped", out.shape))

    def sequence(self, X):
        """The state after every step, ``(n, timesteps, units)``, whatever ``return_sequences``.

        What the layer's units hold over time, to look at (``forward`` keeps
        only the last state unless ``return_sequences=True``).
        """
        return self._predict(np.asarray(X, dtype=self.dtype), True)

    def _numbers_per_sample(self):
        """At most how many numbers a forward pass keeps per sample.

        Per step, and one step more (the states and the cells have
        ``timesteps + 1`` each; a step's own buffers count as one step): the
        stacked step inputs, ``F + 1 + units`` numbers, and at most two more
        arrays of ``gates * units`` and two of ``units``.
        """
        width = self.n_blocks * self.units
        return (self.timesteps + 1) * (2 * width + 3 * self.units + self.n_features + 1)

    def _predict(self, X, sequences):
        n = X.shape[0]
        T, u = self.timesteps, self.units
        out = np.empty((n, T, u) if sequences else (n, u), dtype=self.dtype)
        step = max(1, _MAX_NUMBERS // self._numbers_per_sample())
        work = _Arrays(self.dtype)
        for start in range(0, n, step):
            H = self._run(X[start:start + step], work)
            out[start:start + step] = H[1:].transpose(2, 0, 1) if sequences else H[-1].T
        return out

    def _rows(self):
        """The column of ``W``, ``U`` and ``b`` behind each row of the steps' arrays."""
        return gate_columns(self.units, self._order or range(self.n_blocks))

    def _states(self, work):
        """``H``, ``(timesteps + 1, units, n)``: the last rows of the stacked step inputs."""
        return work["XH"][:, self.n_features + 1:]

    def _run(self, X, work):
        """Every state ``H`` (``H[0] = 0``, units-major) for a batch ``X``; fills ``work``."""
        n = X.shape[0]
        T, F, u = self.timesteps, self.n_features, self.units
        rows = self._rows()
        scale = np.ones(rows.size, dtype=self.dtype)
        scale[:self._sigmoids * u] = 0.5              # the sigmoid gates' rows are halved
        # Step t's inputs stacked, [x_t; 1; h_{t-1}], an (F + 1 + units, n) array:
        # the bias is the weight of the 1, and the state rows are H, written by
        # the steps, so that a step's parameter gradients are one product (backward).
        XH = work.get("XH", (T + 1, F + 1 + u, n))
        np.copyto(XH[:T, :F], X.transpose(1, 2, 0))
        XH[:T, F] = 1
        H = XH[:, F + 1:]
        H[0] = 0
        Wb = work.get("Wb", (rows.size, F + 1))
        np.multiply(self.W.T[rows], scale[:, None], out=Wb[:, :F])
        np.multiply(self.b[rows], scale, out=Wb[:, F])
        # The input's share of every step at once: x_t W + b for all t.
        P = work.get("P", (T, rows.size, n))
        np.matmul(Wb, XH[:T, :F + 1], out=P)
        np.multiply(self.U.T[rows], scale[:, None], out=work.get("U_steps", (rows.size, u)))
        with self._step_threads(n):
            self._scan(P, H, work)
        return H

    def _step_threads(self, n):
        """One BLAS thread for the steps, unless each step's product is large."""
        width = self.n_blocks * self.units
        if 2 * n * self.units * width < _THREADED_STEP_FLOPS:
            return one_blas_thread()
        return nullcontext()

    def _scan(self, P, H, work):
        raise NotImplementedError

    # --- backward ---------------------------------------------------------------------

    def backward(self, dA, need_dX=True):
        """Backpropagation through time: fill ``dW``, ``dU``, ``db``; return ∂loss/∂X.

        ``dA`` (overwritten) is ∂loss/∂output: for every step's state with
        ``return_sequences=True``, for the last one otherwise.
        """
        work = self._work
        if work is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward pass with "
                               "training=True first.")
        if self.dropout:
            dA *= work["mask"]
        n = dA.shape[0]
        T, F, u = self.timesteps, self.n_features, self.units
        rows = self._rows()
        dh = work.get("dh", (u, n))
        if self.return_sequences:
            # ∂L/∂h_t from above, for every step, units-major as the states.
            dH = work.get("dH", (T, u, n))
            np.copyto(dH, dA.transpose(1, 2, 0))
            dh[...] = 0
        else:
            dH = None
            np.copyto(dh, dA.T)
        # U with its columns in the steps' row order: δh_{t-1} is U dQ_t, units-major.
        np.copyto(work.get("U_back", (u, rows.size)), self.U[:, rows])
        with self._step_threads(n):
            dP, dQ = self._scan_backward(dH, dh, work)
        # [dW^T, db, dU^T] = Σ_t dP_t [x_t; 1; h_{t-1}]^T (dQ_t for the h_{t-1}
        # columns): one product per step, a chunk of steps per call, summed.
        XH = work["XH"]
        per_step = rows.size * (F + 1 + u)
        chunk = min(T, max(1, _GRADIENT_NUMBERS // per_step))
        G = work.get("G", (chunk, rows.size, F + 1 + u))
        S = work.get("S", (per_step,))
        S[...] = 0
        for start in range(0, T, chunk):
            steps = slice(start, min(T, start + chunk))
            k = steps.stop - start
            if dQ is dP:
                np.matmul(dP[steps], XH[steps].transpose(0, 2, 1), out=G[:k])
            else:
                np.matmul(dP[steps], XH[steps, :F + 1].transpose(0, 2, 1), out=G[:k, :, :F + 1])
                np.matmul(dQ[steps], XH[steps, F + 1:].transpose(0, 2, 1), out=G[:k, :, F + 1:])
            # A matrix-vector product sums over the steps faster than a reduction.
            S += np.matmul(work.ones(chunk)[:k], G[:k].reshape(k, per_step),
                           out=work.get("S_chunk", S.shape))
        S = S.reshape(rows.size, F + 1 + u)
        self.dW[:, rows] = S[:, :F].T
        self.db[rows] = S[:, F]
        self.dU[:, rows] = S[:, F + 1:].T
        if not need_dX:
            return None
        dX = work.get("dX", (T, F, n))
        np.matmul(self.W[:, rows], dP, out=dX)        # ∂L/∂x_t = dP_t W^T, units-major
        return dX.transpose(2, 0, 1)

    def _scan_backward(self, dH, dh, work):
        raise NotImplementedError

    def _blocks_backwards(self, n):
        """Slices of steps, the last first, of about ``_BACKWARD_BLOCK_NUMBERS`` rows × samples."""
        T = self.timesteps
        block = max(1, _BACKWARD_BLOCK_NUMBERS // (n * self.n_blocks * self.units))
        return [slice(max(0, end - block), end) for end in range(T, 0, -block)]

    def _work_for(self, n):
        """The work arrays for a training batch of ``n`` samples, kept for its backward.

        An epoch has at most two batch sizes (the last batch may be smaller):
        the arrays of the two latest are kept.
        """
        work = self._works.get(n)
        if work is None:
            if len(self._works) >= 2:
                del self._works[next(iter(self._works))]
            work = self._works[n] = _Arrays(self.dtype)
        self._work = work
        return work

    def release(self):
        """Drop the work arrays kept between a training forward and its backward."""
        self._works = {}
        self._work = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_works"], state["_work"] = {}, None
        return state

    # --- looking inside ---------------------------------------------------------------

    def get_config(self):
        return {"units": self.units, "return_sequences": self.return_sequences,
                "dropout": self.dropout}

    @property
    def neurons(self):
        """The layer's units as read-only `RecurrentUnit` views, built on demand."""
        return NeuronList(self, RecurrentUnit)


class SimpleRNN(_Recurrent):
    """A fully connected recurrent layer: each unit reads the step and every unit's last state.

    .. math:: h_t = f(x_t W + h_{t-1} U + b), \\qquad h_0 = 0

    and backwards, with :math:`z_t` the pre-activation and ∂L/∂h_t the
    gradient from above plus the one step ``t + 1`` sends back,

    .. math:: \\frac{\\partial L}{\\partial z_t} = f'(z_t) \\odot
              \\Big(\\frac{\\partial L}{\\partial h_t}\\Big), \\qquad
              \\frac{\\partial L}{\\partial h_{t-1}} \\mathrel{+}=
              \\frac{\\partial L}{\\partial z_t} U^\\top

    The gradient reaching step ``t - k`` has been multiplied by ``k`` factors
    :math:`\\operatorname{diag}(f'(z)) U^\\top`; unless these are close to 1 it
    vanishes (or explodes) over long spans, which is why a plain recurrent
    layer forgets what happened many steps ago and ``LSTM`` and ``GRU`` exist
    (Bengio et al., 1994).

    Parameters
    ----------
    units : int
        Number of units (neurons), the size of the state.
    activation : str, default="tanh"
        Their activation, one of the hidden activations.
    return_sequences : bool, default=False
        Output every step's state, ``(timesteps, units)``, rather than the last.
    dropout : float, default=0.0
        Probability that each output is zeroed during a training step.

    Examples
    --------
    >>> layer = SimpleRNN(3)
    >>> layer.build((10, 2))
    (3,)
    >>> [(p.name, p.shape) for p in layer.parameters()]
    [('W', (2, 3)), ('U', (3, 3)), ('b', (3,))]
    """

    def __init__(self, units, activation="tanh", return_sequences=False, dropout=0.0):
        super().__init__(units, return_sequences, dropout)
        self._f = get_activation(activation, ACTIVATIONS)
        self._activation_arg = activation
        self.activation = self._f.name

    def _scan(self, P, H, work):
        # P keeps the pre-activations z_t: the activation's derivative may read them.
        U = work["U_steps"]
        hU = work.get("hU", H.shape[1:])
        for t in range(P.shape[0]):
            z = P[t]
            z += np.matmul(U, H[t], out=hU)           # z_t = x_t W + b + h_{t-1} U
            self._f.forward(z, out=H[t + 1])          # h_t = f(z_t)

    def _scan_backward(self, dH, dh, work):
        P, H = work["P"], self._states(work)
        dZ, U = work.get("dZ", P.shape), work["U_back"]
        for t in range(P.shape[0] - 1, -1, -1):
            if dH is not None:
                dh += dH[t]                           # δh_t: from above, at step t
            # ∂L/∂z_t = f'(z_t) δh_t: the activation's own backward pass.
            self._f.backward(P[t], H[t + 1], dh, out=dZ[t])
            np.matmul(U, dZ[t], out=dh)               # δh_{t-1} = δz_t U^T
        return dZ, dZ

    def get_config(self):
        return {"units": self.units, "activation": self._activation_arg,
                "return_sequences": self.return_sequences, "dropout": self.dropout}


class LSTM(_Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997): a state kept behind gates.

    Besides its output :math:`h_t`, each unit keeps a *cell* :math:`c_t`, a
    memory that changes only where its gates let it. Every step computes four
    blocks of pre-activations from the step and the last output, one per gate,
    ``gates = ("input", "forget", "candidate", "output")``:

    .. math::
        z_t &= x_t W + h_{t-1} U + b
             = [z^i_t, z^f_t, z^g_t, z^o_t] \\\\
        i_t &= \\sigma(z^i_t), \\quad f_t = \\sigma(z^f_t), \\quad
        g_t = \\tanh(z^g_t), \\quad o_t = \\sigma(z^o_t) \\\\
        c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t, \\qquad
        h_t = o_t \\odot \\tanh(c_t), \\qquad h_0 = c_0 = 0

    The forget gate :math:`f_t` says how much of the cell to keep, the input
    gate :math:`i_t` how much of the candidate :math:`g_t` to write, the output
    gate :math:`o_t` how much of the cell to show. Because :math:`c_t` is
    :math:`c_{t-1}` times :math:`f_t` plus new writes, with the forget gate
    open a gradient travels back along the cells almost unchanged, where a
    ``SimpleRNN``'s is multiplied by a weight matrix and a slope at every step.

    Backwards, step by step from the last (:math:`\\delta h_t` is ∂L/∂h_t from
    above plus what step ``t + 1`` sent back, :math:`\\delta c_{t+1}` what step
    ``t + 1`` sent back to the cell):

    .. math::
        \\delta c_t &= \\delta h_t \\odot o_t \\odot (1 - \\tanh^2 c_t)
                      + \\delta c_{t+1} \\odot f_{t+1} \\\\
        \\delta z^i_t &= \\delta c_t \\odot g_t \\odot i_t (1 - i_t), \\quad
        \\delta z^f_t = \\delta c_t \\odot c_{t-1} \\odot f_t (1 - f_t) \\\\
        \\delta z^g_t &= \\delta c_t \\odot i_t \\odot (1 - g_t^2), \\quad
        \\delta z^o_t = \\delta h_t \\odot \\tanh c_t \\odot o_t (1 - o_t) \\\\
        \\delta h_{t-1} &= \\delta z_t U^\\top
                          \\quad (\\text{plus } \\partial L / \\partial h_{t-1} \\text{ from above})

    Each factor is read from what the forward step stored: the gates'
    outputs (their slopes, :math:`\\sigma(1 - \\sigma)` and :math:`1 - g^2`,
    follow from them), the cells and their tanh.

    The forget gate's biases start at 1 (Gers et al., 2000; Jozefowicz et al.,
    2015), so that the cells remember by default at the start of training.

    Parameters
    ----------
    units : int
        Number of units: cells, and the size of the output.
    return_sequences : bool, default=False
        Output every step's :math:`h_t`, ``(timesteps, units)``, rather than the last.
    dropout : float, default=0.0
        Probability that each output is zeroed during a training step.

    Examples
    --------
    >>> layer = LSTM(3, return_sequences=True)
    >>> layer.build((10, 2))
    (10, 3)
    >>> [(p.name, p.shape) for p in layer.parameters()]
    [('W', (2, 12)), ('U', (3, 12)), ('b', (12,))]
    """

    gates = ("input", "forget", "candidate", "output")
    #: The candidate and the output use tanh; the gates, the logistic sigmoid.
    activation = "tanh"
    # A step's rows hold [o, i, f, g]: the three sigmoid gates are one block of
    # rows, and so are the three that δc_t multiplies backwards.
    _order = (3, 0, 1, 2)
    _sigmoids = 3

    def _initial_bias(self):
        u = self.units
        self.b[u:2 * u] = 1  # the forget gate's block

    def _scan(self, P, H, work):
        T, _, n = P.shape
        u = self.units
        U = work["U_steps"]
        C = work.get("C", (T + 1, u, n))              # the cells, C[0] = 0
        C[0] = 0
        tanh_C = work.get("tanh_C", (T, u, n))
        hU = work.get("hU", (4 * u, n))
        ig = work.get("ig", (u, n))
        for t in range(T):
            z = P[t]                                  # becomes [o, i, f, g] in place
            z += np.matmul(U, H[t], out=hU)           # z_t = x_t W + b + h_{t-1} U, gates halved
            np.tanh(z, out=z)                         # g_t = tanh(z^g), and for the gates
            gates = z[:3 * u]                         # o_t, i_t, f_t = (1 + tanh(z / 2)) / 2
            gates *= 0.5
            gates += 0.5
            o, i, f, g = z[:u], z[u:2 * u], z[2 * u:3 * u], z[3 * u:]
            np.multiply(f, C[t], out=C[t + 1])        # c_t = f_t c_{t-1}
            C[t + 1] += np.multiply(i, g, out=ig)     #       + i_t g_t
            np.tanh(C[t + 1], out=tanh_C[t])
            np.multiply(o, tanh_C[t], out=H[t + 1])   # h_t = o_t tanh(c_t)

    def _scan_backward(self, dH, dh, work):
        P, C, tanh_C = work["P"], work["C"], work["tanh_C"]
        T, _, n = P.shape
        u = self.units
        dZ, U = work.get("dZ", P.shape), work["U_back"]
        dc = work.get("dc", (u, n))
        dc_next = work.get("dc_next", (u, n))         # δc_{t+1} f_{t+1}
        dc_next[...] = 0
        # What does not wait for the step after is computed for a block of
        # steps at once, just before the steps that use it, so that each step
        # is left with the few operations that do; blocks small enough to stay
        # in cache until their steps read them.
        blocks = self._blocks_backwards(n)
        cell_slopes = work.get("cell_slopes", (blocks[0].stop - blocks[0].start, u, n))
        for steps in blocks:
            slopes = cell_slopes[:steps.stop - steps.start]
            self._factors(P[steps], C[steps], tanh_C[steps], dZ[steps], slopes)
            for t in range(steps.stop - 1, steps.start - 1, -1):
                if dH is not None:
                    dh += dH[t]                       # δh_t: from above, at step t
                # δc_t = δh_t o_t (1 - tanh² c_t) + δc_{t+1} f_{t+1}
                np.multiply(slopes[t - steps.start], dh, out=dc)
                dc += dc_next
                dz = dZ[t]
                cell_side = dz[u:].reshape(3, u, n)   # δz^i, δz^f, δz^g
                cell_side *= dc
                dz[:u] *= dh                          # δz^o
                np.multiply(dc, P[t, 2 * u:3 * u], out=dc_next)  # what c_{t-1} gets via c_t
                np.matmul(U, dz, out=dh)              # δh_{t-1} = δz_t U^T
        return dZ, dZ

    def _factors(self, Z, C_before, tanh_C, dZ, cell_slopes):
        """The factors of δz_t and δc_t that do not depend on the steps after ``t``.

        For a block of steps: ``Z`` holds their gates ``[o, i, f, g]``,
        ``C_before`` the cells they start from and ``tanh_C`` the tanh of the
        cells they end with. ``dZ`` receives each gate's slope times what the
        gate multiplies, which the step then multiplies by δh_t (the output
        gate) or by δc_t (the three gates that write the cell);
        ``cell_slopes`` receives ∂c_t/∂h_t's share of δc_t,
        :math:`o_t (1 - \\tanh^2 c_t)`. What the forward pass stored is left
        as it was, so that a second backward gives the same gradients.
        """
        u = self.units
        o, i, f, g = (Z[:, k * u:(k + 1) * u] for k in range(4))
        # Each gate's slope from its output: σ(1 - σ) and 1 - g².
        gates, d_gates = Z[:, :3 * u], dZ[:, :3 * u]
        np.subtract(1, gates, out=d_gates)
        d_gates *= gates
        _tanh_slope(g, out=dZ[:, 3 * u:])
        dZ[:, :u] *= tanh_C                           # o_t multiplies tanh(c_t)
        dZ[:, u:2 * u] *= g                           # i_t multiplies g_t
        dZ[:, 2 * u:3 * u] *= C_before                # f_t multiplies c_{t-1}
        dZ[:, 3 * u:] *= i                            # g_t is multiplied by i_t
        _tanh_slope(tanh_C, out=cell_slopes)
        cell_slopes *= o


class GRU(_Recurrent):
    """Gated recurrent unit (Cho et al., 2014): an LSTM's memory with two gates and no cell.

    Each step computes three blocks, ``gates = ("update", "reset", "candidate")``;
    the update gate :math:`u_t` blends the last state with a candidate
    :math:`n_t`, in which the reset gate :math:`r_t` scales what the last state
    contributes:

    .. math::
        [p^u_t, p^r_t, p^n_t] &= x_t W + b, \\qquad
        [q^u_t, q^r_t, q^n_t] = h_{t-1} U \\\\
        u_t &= \\sigma(p^u_t + q^u_t), \\quad r_t = \\sigma(p^r_t + q^r_t), \\quad
        n_t = \\tanh(p^n_t + r_t \\odot q^n_t) \\\\
        h_t &= u_t \\odot h_{t-1} + (1 - u_t) \\odot n_t, \\qquad h_0 = 0

    The reset gate applies after the product with ``U`` (the form of Keras's
    and PyTorch's GRU, ``reset_after``), so that all three blocks of
    :math:`h_{t-1} U` are one matrix product per step; unlike theirs, there is
    no second candidate bias inside the reset. With :math:`u_t` near 1 the
    state is copied from step to step, and so is its gradient.

    Backwards, step by step from the last (:math:`\\delta h_t` as in `LSTM`):

    .. math::
        \\delta p^n_t &= \\delta h_t \\odot (1 - u_t) \\odot (1 - n_t^2), \\qquad
        \\delta q^n_t = \\delta p^n_t \\odot r_t \\\\
        \\delta z^u_t &= \\delta h_t \\odot (h_{t-1} - n_t) \\odot u_t (1 - u_t), \\qquad
        \\delta z^r_t = \\delta p^n_t \\odot q^n_t \\odot r_t (1 - r_t) \\\\
        \\delta h_{t-1} &= \\delta h_t \\odot u_t + [\\delta z^u_t, \\delta z^r_t,
                          \\delta q^n_t]\\, U^\\top

    where :math:`dP_t = [\\delta z^u_t, \\delta z^r_t, \\delta p^n_t]` and
    :math:`dQ_t = [\\delta z^u_t, \\delta z^r_t, \\delta q^n_t]`.

    Parameters
    ----------
    units : int
        Number of units, the size of the state.
    return_sequences : bool, default=False
        Output every step's state, ``(timesteps, units)``, rather than the last.
    dropout : float, default=0.0
        Probability that each output is zeroed during a training step.

    Examples
    --------
    >>> layer = GRU(3)
    >>> layer.build((10, 2))
    (3,)
    >>> [(p.name, p.shape) for p in layer.parameters()]
    [('W', (2, 9)), ('U', (3, 9)), ('b', (9,))]
    """

    gates = ("update", "reset", "candidate")
    #: The candidate uses tanh; the gates, the logistic sigmoid.
    activation = "tanh"
    _sigmoids = 2

    def _scan(self, P, H, work):
        T, _, n = P.shape
        u = self.units
        U = work["U_steps"]
        # h_{t-1} U for every step: its candidate block is needed again backwards.
        Q = work.get("Q", P.shape)
        blend = work.get("blend", (u, n))
        for t in range(T):
            p, q = P[t], Q[t]                         # p becomes [u, r, n] in place
            np.matmul(U, H[t], out=q)                 # q_t = h_{t-1} U, gates' blocks halved
            gates = p[:2 * u]
            gates += q[:2 * u]
            np.tanh(gates, out=gates)
            gates *= 0.5                              # u_t, r_t = (1 + tanh(z / 2)) / 2
            gates += 0.5
            update, reset, cand = p[:u], p[u:2 * u], p[2 * u:]
            cand += np.multiply(reset, q[2 * u:], out=blend)
            np.tanh(cand, out=cand)                   # n_t = tanh(p^n + r q^n)
            # h_t = u h_{t-1} + (1 - u) n = n + u (h_{t-1} - n)
            np.subtract(H[t], cand, out=blend)
            blend *= update
            np.add(cand, blend, out=H[t + 1])

    def _scan_backward(self, dH, dh, work):
        P, Q, H = work["P"], work["Q"], self._states(work)
        T, _, n = P.shape
        u = self.units
        dP, U = work.get("dZ", P.shape), work["U_back"]
        dQ = work.get("dQ", P.shape)
        recurrent = work.get("dh_U", (u, n))
        # Every block of dP_t and dQ_t is δh_t times a factor that does not wait
        # for the step after: the factors come a block of steps at a time, as in LSTM.
        for steps in self._blocks_backwards(n):
            self._factors(P[steps], Q[steps], H[steps], dP[steps], dQ[steps])
            for t in range(steps.stop - 1, steps.start - 1, -1):
                if dH is not None:
                    dh += dH[t]                       # δh_t: from above, at step t
                dp, dq = dP[t].reshape(3, u, n), dQ[t].reshape(3, u, n)
                dp *= dh                              # dP_t = [δz^u, δz^r, δp^n]
                dq *= dh                              # dQ_t = [δz^u, δz^r, δq^n]
                np.matmul(U, dQ[t], out=recurrent)
                dh *= P[t, :u]                        # δh_{t-1} = δh_t u_t
                dh += recurrent                       #            + dQ_t U^T
        return dP, dQ

    def _factors(self, Z, Q, H_before, dP, dQ):
        """``dP`` and ``dQ`` of a block of steps, each divided by its step's δh_t.

        ``Z`` holds the steps' ``[u, r, n]``, ``Q`` their :math:`h_{t-1} U`
        and ``H_before`` the states they start from. What the forward pass
        stored is left as it was.
        """
        u = self.units
        update, reset, cand = Z[:, :u], Z[:, u:2 * u], Z[:, 2 * u:]
        dz_u, dz_r, dp_n, dq_n = dP[:, :u], dP[:, u:2 * u], dP[:, 2 * u:], dQ[:, 2 * u:]
        keep = dQ[:, :u]                              # 1 - u_t, until dQ's own values
        np.subtract(1, update, out=keep)
        _tanh_slope(cand, out=dp_n)                   # δp^n: (1 - u)(1 - n²)
        dp_n *= keep
        np.subtract(H_before, cand, out=dz_u)         # δz^u: (h_{t-1} - n) u (1 - u)
        dz_u *= update
        dz_u *= keep
        np.multiply(dp_n, reset, out=dq_n)            # δq^n: δp^n r
        np.subtract(1, reset, out=dz_r)               # δz^r: δp^n q^n r (1 - r)
        dz_r *= dq_n
        dz_r *= Q[:, 2 * u:]
        dQ[:, :2 * u] = dP[:, :2 * u]


class RecurrentUnit:
    """Read-only view of one unit of a recurrent layer: its weights, per gate.

    For a gated layer (``LSTM``, ``GRU``) ``weights``, ``recurrent_weights`` and
    ``bias`` are dicts keyed by the layer's ``gates``, e.g.
    ``unit.weights["forget"]``; for a ``SimpleRNN`` they are the arrays and the
    float themselves. Calling the unit on the layer's input ``X``,
    ``(n_samples, timesteps, features)``, gives its state after every step,
    ``(n_samples, timesteps)``, with ``return_sequences=True``, and its last
    state, ``(n_samples,)``, otherwise.
    """

    def __init__(self, layer, index, reverse=False):
        self._layer = layer
        self.index = index
        #: True for a unit of a ``Bidirectional`` layer's backward direction.
        self.reverse = reverse

    @property
    def gates(self):
        """The names of the unit's gates (empty for ``SimpleRNN``)."""
        return self._layer.gates

    def _per_gate(self, array):
        u, j = self._layer.units, self.index
        if not self.gates:
            view = array[..., j]
            view.flags.writeable = False
            return view
        views = {}
        for k, gate in enumerate(self.gates):
            view = array[..., k * u + j]
            view.flags.writeable = False
            views[gate] = view
        return views

    @property
    def weights(self):
        """Input weights, ``(features,)``: an array, or one per gate in a dict; read-only."""
        return self._per_gate(self._layer.W)

    @property
    def recurrent_weights(self):
        """Weights from every unit's last state, ``(units,)``, per gate as ``weights``."""
        return self._per_gate(self._layer.U)

    @property
    def bias(self):
        """The bias: a float, or one per gate in a dict."""
        bias = self._per_gate(self._layer.b)
        if isinstance(bias, dict):
            return {gate: value.item() for gate, value in bias.items()}
        return bias.item()

    @property
    def activation(self):
        """Name of the activation of the unit's output (its candidate's, for gated units)."""
        return self._layer.activation

    def __call__(self, X):
        layer = self._layer
        X = np.asarray(X, dtype=layer.dtype).reshape(-1, *layer.input_shape)
        if self.reverse:
            X = X[:, ::-1]
        out = layer.forward(X)[..., self.index]
        return out[:, ::-1] if self.reverse and layer.return_sequences else out

    def __repr__(self):
        layer = self._layer
        bias = self.bias
        bias = (f"{bias:.4g}" if not isinstance(bias, dict)
                else "{" + ", ".join(f"{k!r}: {v:.4g}" for k, v in bias.items()) + "}")
        direction = ", backward" if self.reverse else ""
        return (f"RecurrentUnit({self.index}{direction}, {type(layer).__name__}, "
                f"n_inputs={layer.n_features}, bias={bias}, activation={self.activation!r})")

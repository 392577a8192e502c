"""Batch normalisation of a layer's pre-activations (Ioffe & Szegedy, 2015).

Between ``Z = X W + b`` and the activation, each neuron's pre-activation is
standardised over the rows of the batch, then scaled and shifted by two
trained parameters per neuron, ``γ`` and ``β``:

.. math:: \\mu_B = \\frac{1}{m}\\sum_i Z_i, \\quad
          \\sigma_B^2 = \\frac{1}{m}\\sum_i (Z_i - \\mu_B)^2, \\quad
          \\hat{X} = \\frac{Z - \\mu_B}{\\sqrt{\\sigma_B^2 + \\epsilon}}, \\quad
          Z' = \\gamma \\odot \\hat{X} + \\beta

Out of training there is no batch to average over: running averages of
``μ_B`` and ``σ²_B``, gathered while training, take their place.
"""

import numpy as np


class BatchNorm:
    """Batch normalisation of ``n_features`` pre-activations, with trained ``γ`` and ``β``.

    Parameters
    ----------
    n_features : int
        Number of columns normalised (the neurons of the layer).
    momentum : float, default=0.1
        Weight of the newest batch in the running statistics, as in PyTorch:
        ``running = (1 - momentum) * running + momentum * batch_statistic``.
    epsilon : float, default=1e-5
        Added to the variance before its square root, so that a column with
        no spread in the batch does not divide by zero.

    Notes
    -----
    Like a ``Dense`` layer, a ``BatchNorm`` owns no memory for its numbers:
    ``bind`` hands it views of ``γ`` and ``β`` in the network's flat parameter
    vector, of ``∂L/∂γ`` and ``∂L/∂β`` in its gradient vector, and of the running
    mean and variance in a flat vector of state that is not trained. ``bind``
    leaves their values as they are; ``reset`` sets the starting values
    (``γ = 1``, ``β = 0``, running mean 0, running variance 1), which the owner
    calls once for a fresh network and skips when it restores saved values.

    The batch statistics are unweighted means over the rows of the batch:
    sample weights, which scale each row's share of the loss, do not enter
    ``μ_B`` or ``σ²_B``, as in PyTorch and Keras. ``σ²_B`` is the biased variance
    (divided by ``m``) when normalising; the running variance is updated with
    the unbiased one (divided by ``m - 1``), as PyTorch does.

    A training batch of one row has ``σ²_B = 0``: every ``X̂`` is 0 and the
    output is ``β``, which does not depend on ``Z``, so ``∂L/∂Z`` is 0. The
    unbiased variance is undefined for one row, so such a batch leaves the
    running variance unchanged; it still updates the running mean.

    Examples
    --------
    >>> import numpy as np
    >>> bn = BatchNorm(2)
    >>> params, grads, state = np.empty(4), np.zeros(4), np.empty(4)
    >>> bn.bind(params[:2], params[2:], grads[:2], grads[2:], state[:2], state[2:])
    >>> bn.reset()
    >>> Z = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    >>> np.round(bn.forward(Z, training=True), 3)
    array([[-1.225, -1.225],
           [ 0.   ,  0.   ],
           [ 1.225,  1.225]])
    >>> np.round(bn.running_mean, 3), np.round(bn.running_var, 3)
    (array([0.3, 3. ]), array([ 1.3, 40.9]))
    """

    def __init__(self, n_features, momentum=0.1, epsilon=1e-5):
        n_features = int(n_features)
        if n_features < 1:
            raise ValueError(f"n_features must be a positive int, got {n_features}.")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}.")
        if not epsilon > 0.0:
            raise ValueError(f"epsilon must be a positive float, such as 1e-5; got {epsilon!r}.")
        self.n_features = n_features
        # Python floats: a numpy float64 scalar would turn float32 arrays into float64.
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self._work = None

    @property
    def n_params(self):
        """Number of trained parameters, ``γ`` and ``β``: ``2 * n_features``."""
        return 2 * self.n_features

    @property
    def n_state(self):
        """Number of untrained numbers, the running mean and variance: ``2 * n_features``."""
        return 2 * self.n_features

    def bind(self, gamma, beta, dgamma, dbeta, running_mean, running_var):
        """Use the given views of the network's vectors; their values are left as they are."""
        self.gamma, self.beta = gamma, beta
        self.dgamma, self.dbeta = dgamma, dbeta
        self.running_mean, self.running_var = running_mean, running_var
        self._work = None

    def reset(self):
        """Start afresh: ``γ = 1``, ``β = 0``, running mean 0, running variance 1."""
        self.gamma[...] = 1.0
        self.beta[...] = 0.0
        self.running_mean[...] = 0.0
        self.running_var[...] = 1.0

    def forward(self, Z, training=False, out=None):
        """The normalised, scaled and shifted ``Z' = γ ⊙ X̂ + β``, shape of ``Z``.

        Parameters
        ----------
        Z : ndarray of shape (n_samples, n_features)
            Pre-activations; left unchanged unless ``out`` is ``Z``.
        training : bool, default=False
            Normalise with the batch's own statistics, keep what ``backward``
            needs and update the running statistics. Otherwise normalise with
            the running statistics and change nothing.
        out : ndarray of shape (n_samples, n_features), optional
            Where to write ``Z'``; may be ``Z`` itself.

        Returns
        -------
        Z_prime : ndarray of shape (n_samples, n_features)
        """
        if out is None:
            out = np.empty_like(Z)
        if not training:
            scale = self.inference_scale()
            shift = self.beta - self.running_mean * scale
            np.multiply(Z, scale, out=out)
            out += shift
            return out

        n_rows = Z.shape[0]
        work = self._work_for(n_rows)
        x_hat, inv_std = work.x_hat, work.inv_std
        mean = np.matmul(work.ones, Z, out=work.mean)
        mean *= 1.0 / n_rows
        np.subtract(Z, mean, out=x_hat)
        var = np.einsum("ij,ij->j", x_hat, x_hat, out=work.var)
        var *= 1.0 / n_rows
        np.add(var, self.epsilon, out=inv_std)
        np.sqrt(inv_std, out=inv_std)
        np.reciprocal(inv_std, out=inv_std)
        x_hat *= inv_std
        np.multiply(x_hat, self.gamma, out=out)
        out += self.beta
        self._update_running(mean, var, n_rows)
        return out

    def inference_scale(self):
        """``γ / √(running variance + ε)``: out of training, ``Z' = scale ⊙ Z + shift``."""
        scale = self.running_var + self.epsilon
        np.sqrt(scale, out=scale)
        return np.divide(self.gamma, scale, out=scale)

    def _update_running(self, mean, var, n_rows):
        keep = 1.0 - self.momentum
        self.running_mean *= keep
        self.running_mean += self.momentum * mean
        if n_rows > 1:
            self.running_var *= keep
            self.running_var += (self.momentum * n_rows / (n_rows - 1)) * var

    def backward(self, dZ_prime, out=None):
        """Fill ``dgamma`` and ``dbeta`` from ∂loss/∂Z' and return ∂loss/∂Z.

        For the batch of ``m`` rows of the last training ``forward``, with
        ``σ = √(σ²_B + ε)``:

        .. math:: \\frac{\\partial L}{\\partial \\beta}
                  = \\sum_i \\frac{\\partial L}{\\partial Z'_i}, \\quad
                  \\frac{\\partial L}{\\partial \\gamma}
                  = \\sum_i \\frac{\\partial L}{\\partial Z'_i} \\odot \\hat{X}_i, \\quad
                  \\frac{\\partial L}{\\partial Z} = \\frac{\\gamma}{\\sigma} \\odot
                  \\left(\\frac{\\partial L}{\\partial Z'}
                  - \\frac{1}{m}\\frac{\\partial L}{\\partial \\beta}
                  - \\hat{X} \\odot \\frac{1}{m}\\frac{\\partial L}{\\partial \\gamma}\\right)

        Parameters
        ----------
        dZ_prime : ndarray of shape (n_samples, n_features)
            ∂loss/∂Z'; left unchanged unless ``out`` is ``dZ_prime``.
        out : ndarray of shape (n_samples, n_features), optional
            Where to write ∂loss/∂Z; may be ``dZ_prime`` itself.

        Returns
        -------
        dZ : ndarray of shape (n_samples, n_features)
        """
        work = self._work
        if work is None:
            raise RuntimeError("BatchNorm.backward needs a forward pass with training=True first.")
        x_hat = work.x_hat
        n_rows = x_hat.shape[0]
        np.matmul(work.ones, dZ_prime, out=self.dbeta)
        np.einsum("ij,ij->j", dZ_prime, x_hat, out=self.dgamma)
        out = np.subtract(dZ_prime, self.dbeta * (1.0 / n_rows), out=out)
        # The product needs rows of its own: out holds the partial result and
        # x_hat stays as forward left it.
        out -= np.multiply(x_hat, self.dgamma * (1.0 / n_rows), out=work.scratch)
        out *= np.multiply(self.gamma, work.inv_std, out=work.scale)
        return out

    def _work_for(self, n_rows):
        """The work arrays for a batch of ``n_rows``, reused from batch to batch."""
        work = self._work
        if work is None or work.n_rows != n_rows:
            buffers = None if work is None else work.buffers
            if buffers is None or buffers.n_rows < n_rows:
                buffers = _Buffers(n_rows, self.n_features, self.gamma.dtype)
            self._work = work = _Work(buffers, n_rows)
        return work

    def release(self):
        """Drop the work arrays (after training); ``backward`` then needs a new forward."""
        self._work = None

    def __getstate__(self):
        # The work arrays are sized by the largest batch and rebuilt on demand.
        state = self.__dict__.copy()
        state["_work"] = None
        return state

    def __repr__(self):
        return (f"BatchNorm({self.n_features}, momentum={self.momentum!r}, "
                f"epsilon={self.epsilon!r})")


class _Work:
    """Views of ``_Buffers`` for one training batch of ``n_rows``: its leading rows."""

    def __init__(self, buffers, n_rows):
        self.buffers = buffers
        self.n_rows = n_rows
        self.x_hat = buffers.x_hat[:n_rows]
        self.scratch = buffers.scratch[:n_rows]
        self.ones = buffers.ones[:n_rows]
        self.mean, self.var = buffers.mean, buffers.var
        self.inv_std, self.scale = buffers.inv_std, buffers.scale


class _Buffers:
    """The arrays behind ``_Work``, sized for ``n_rows`` samples and kept between batches."""

    def __init__(self, n_rows, n_features, dtype):
        self.n_rows = n_rows
        self.x_hat = np.empty((n_rows, n_features), dtype=dtype)
        self.scratch = np.empty((n_rows, n_features), dtype=dtype)
        self.ones = np.ones(n_rows, dtype=dtype)
        self.mean, self.var, self.inv_std, self.scale = np.empty((4, n_features), dtype=dtype)

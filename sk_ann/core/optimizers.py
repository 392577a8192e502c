"""Gradient-descent optimizers. Each updates the flat parameter vector in place.

``Optimizer(n_params, ...)`` keeps its state (velocities, moments) in vectors
aligned with the network's parameter vector; ``step(params, grads)`` moves
``params`` against ``grads``. ``learning_rate`` is the base step size, which a
learning-rate schedule may change between epochs.
"""

import math

import numpy as np


class Optimizer:
    """Base class: holds the learning rate."""

    def __init__(self, n_params, learning_rate=0.001, dtype=np.float64):
        self.learning_rate = float(learning_rate)
        self.n_params = n_params
        self._scratch = np.empty(n_params, dtype=dtype)

    @property
    def dtype(self):
        """Dtype of the optimizer's state, read off its vectors rather than stored.

        Storing no ``numpy.dtype`` object keeps a saved model free of types that
        skops would ask its user to trust.
        """
        return self._scratch.dtype

    def step(self, params, grads):
        """Move ``params`` against ``grads``, in place; both are flat vectors of ``n_params``."""
        raise NotImplementedError


class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, optionally Nesterov's.

    .. math:: v \leftarrow \mu v - \eta g, \qquad
              \theta \leftarrow \theta + v \;\; \text{(classical)}, \qquad
              \theta \leftarrow \theta + \mu v - \eta g \;\; \text{(Nesterov)}
    """

    def __init__(self, n_params, learning_rate=0.1, momentum=0.9, nesterov=True,
                 dtype=np.float64):
        super().__init__(n_params, learning_rate, dtype)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.velocity = np.zeros(n_params, dtype=self.dtype)

    def step(self, params, grads):
        v, lr, mu = self.velocity, self.learning_rate, self.momentum
        v *= mu
        np.multiply(grads, lr, out=self._scratch)
        v -= self._scratch
        if self.nesterov:
            # Look ahead: apply the momentum once more on top of the new velocity.
            params += mu * v
            params -= self._scratch
        else:
            params += v


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2014), with the bias correction folded into the step size.

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
              v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
              \theta \leftarrow \theta - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}
              \frac{m}{\sqrt{v} + \epsilon}

    The moments are kept divided by :math:`1 - \beta_1` and :math:`1 - \beta_2`
    (``m_scaled``, ``v_scaled``), which turns each update into two operations
    instead of three; the constants move into the step size and
    :math:`\epsilon`. ``m`` and ``v`` give the moments as in the formula.
    """

    def __init__(self, n_params, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, dtype=np.float64):
        super().__init__(n_params, learning_rate, dtype)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.m_scaled = np.zeros(n_params, dtype=self.dtype)
        self.v_scaled = np.zeros(n_params, dtype=self.dtype)

    @property
    def m(self):
        """First-moment estimate (before bias correction)."""
        return (1 - self.beta_1) * self.m_scaled

    @property
    def v(self):
        """Second-moment estimate (before bias correction)."""
        return (1 - self.beta_2) * self.v_scaled

    def step(self, params, grads):
        self.t += 1
        b1, b2, m, v, s = self.beta_1, self.beta_2, self.m_scaled, self.v_scaled, self._scratch
        m *= b1
        m += grads
        np.multiply(grads, grads, out=s)
        v *= b2
        v += s
        # m / (sqrt(v) + eps) = (1 - b1) m_scaled / (sqrt(1 - b2) sqrt(v_scaled) + eps).
        # Python floats, not numpy ones: a float32 vector times a numpy float64
        # would be computed in float64.
        root = math.sqrt(1 - b2)
        step_size = (self.learning_rate * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
                     * (1 - b1) / root)
        np.sqrt(v, out=s)
        s += self.epsilon / root
        np.divide(m, s, out=s)
        s *= step_size
        params -= s


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam step the leading ``n_decayed`` parameters shrink towards zero:

    .. math:: \theta_{:n} \leftarrow \theta_{:n} - \eta \lambda \theta_{:n}

    The decay reads the parameters before the step, then the Adam step follows,
    as in PyTorch's ``AdamW``. Unlike an L2 penalty added to the gradient, the
    decay bypasses Adam's per-parameter scaling, so every weight shrinks by the
    same fraction. A network stores all its weights first and its biases last,
    so ``n_decayed`` set to the number of weights leaves the biases alone;
    ``None`` decays every parameter.
    """

    def __init__(self, n_params, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, weight_decay=0.01, n_decayed=None, dtype=np.float64):
        super().__init__(n_params, learning_rate, beta_1, beta_2, epsilon, dtype)
        if n_decayed is None:
            n_decayed = n_params
        elif not 0 <= n_decayed <= n_params:
            raise ValueError(
                f"n_decayed must be between 0 and n_params={n_params}, got {n_decayed}.")
        self.weight_decay = float(weight_decay)
        self.n_decayed = int(n_decayed)

    def step(self, params, grads):
        shrink = 1.0 - self.learning_rate * self.weight_decay
        if shrink != 1.0:
            params[:self.n_decayed] *= shrink
        super().step(params, grads)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012): each step divided by a running root mean square of the gradient.

    .. math:: v \leftarrow \rho v + (1 - \rho) g^2, \qquad
              \theta \leftarrow \theta - \eta \frac{g}{\sqrt{v} + \epsilon}

    As in :class:`Adam`, the moment is kept divided by :math:`1 - \rho`
    (``v_scaled``) to save an operation per step; ``v`` gives it as in the formula.
    """

    def __init__(self, n_params, learning_rate=0.001, rho=0.9, epsilon=1e-8,
                 dtype=np.float64):
        if not 0.0 <= rho < 1.0:
            raise ValueError(f"rho must be in [0, 1), got {rho!r}.")
        super().__init__(n_params, learning_rate, dtype)
        self.rho = float(rho)
        self.epsilon = float(epsilon)
        self.v_scaled = np.zeros(n_params, dtype=self.dtype)

    @property
    def v(self):
        """Running mean of the squared gradient."""
        return (1 - self.rho) * self.v_scaled

    def step(self, params, grads):
        v, s = self.v_scaled, self._scratch
        np.multiply(grads, grads, out=s)
        v *= self.rho
        v += s
        # g / (sqrt(v) + eps) = g / (sqrt(1 - rho) (sqrt(v_scaled) + eps / sqrt(1 - rho))),
        # with Python floats so that float32 stays float32 (see Adam.step).
        root = math.sqrt(1 - self.rho)
        np.sqrt(v, out=s)
        s += self.epsilon / root
        np.divide(grads, s, out=s)
        s *= self.learning_rate / root
        params -= s


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop}

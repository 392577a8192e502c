r"""Adversarial training: two networks in one game (Goodfellow et al., 2014).

The *generator* ``G`` turns noise ``z`` into rows; the *discriminator* ``D``
gives each row one raw score ``s``, and ``σ(s)`` is its estimate of the
probability that the row is real. Each network is an ordinary
:class:`~sk_ann.core.network.Network` of neurons with its own flat parameter
vector and its own optimizer: one never updates the other's numbers.

The discriminator learns to tell real rows from generated ones with the
binary cross-entropy of a logistic output neuron,

.. math:: L_D = -\operatorname{mean}\log σ(s_{\text{real}})
               - \operatorname{mean}\log(1 - σ(s_{\text{fake}})),

and the generator learns to make its rows look real. Its gradient is the
discriminator's input gradient: backpropagation runs through ``D`` down to
its inputs (``Network.backward(d, input_gradient=True)``) and carries on
through ``G`` to ``G``'s weights. With the *non-saturating* loss
:math:`L_G = -\operatorname{mean}\log σ(s_{\text{fake}})` the generator gets a
strong gradient exactly when ``D`` rejects its rows, where the original
minimax loss :math:`\operatorname{mean}\log(1 - σ(s_{\text{fake}}))` is flat.

Against mode collapse (the generator settling on a few rows ``D`` accepts):

- *packing* (PacGAN, Lin et al., 2018): ``D`` judges ``pac`` rows at once,
  concatenated into one input, so a batch of near-identical rows is easy to
  reject;
- *one-sided label smoothing* (Salimans et al., 2016): real rows get the
  target ``1 - label_smoothing``, which keeps ``D``'s scores from running off;
- a *gradient penalty* on real rows (R1, Mescheder et al., 2018):
  :math:`\tfrac{γ}{2}\operatorname{mean}\lVert ∇_x s(x_{\text{real}})\rVert^2`
  added to ``D``'s loss keeps its score flat on the data, where a generator
  that has reached the data should feel no push away from it;
- a *spectral-norm bound* on ``D``'s weight matrices (after Miyato et al.,
  2018): after each of ``D``'s steps a matrix whose largest singular value
  exceeds 1 is divided by it, so ``D`` changes slowly with its input and its
  gradient stays informative.

Categorical columns come out of a softmax per column. ``D`` sees real
categories as one-hot rows; to keep it from telling generated rows by their
soft probabilities alone, the generator shows it Gumbel-softmax relaxations
(Jang et al., 2017; CTGAN does the same), nearly one-hot samples through
which gradients still flow.
"""

import math

import numpy as np
from scipy.special import expit

from .activations import Activation, _softmax

#: The generator losses: ``"non-saturating"`` (the default everywhere) and the original ``"minimax"``.
GENERATOR_LOSSES = ("non-saturating", "minimax")


class TabularLink(Activation):
    """The generator's output link: identity on continuous columns, softmax per categorical one.

    The raw outputs hold ``n_continuous`` columns, then one block of columns
    per categorical feature, ``groups`` giving the blocks' sizes; each block
    becomes probabilities that sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> TabularLink(1, (2,)).forward(np.array([[3.0, 0.0, 0.0]])).tolist()
    [[3.0, 0.5, 0.5]]
    """

    name = "tabular"
    elementwise = False

    def __init__(self, n_continuous=0, groups=()):
        self.n_continuous = int(n_continuous)
        self.groups = tuple(int(g) for g in groups)

    def blocks(self):
        """Column slices of the categorical blocks."""
        ends = np.cumsum(self.groups) + self.n_continuous
        return [slice(end - size, end) for size, end in zip(self.groups, ends.tolist())]

    def forward(self, Z, out=None):
        if out is None:
            out = np.empty_like(Z)
        c = self.n_continuous
        if out is not Z:
            out[:, :c] = Z[:, :c]
        for block in self.blocks():
            _softmax(Z[:, block], out[:, block])
        return out

    def backward(self, Z, A, dA, out=None):
        if out is None:
            out = np.empty_like(dA)
        c = self.n_continuous
        if out is not dA:
            out[:, :c] = dA[:, :c]
        for block in self.blocks():
            a = A[:, block]
            inner = (dA[:, block] * a).sum(axis=1, keepdims=True)
            np.subtract(dA[:, block], inner, out=out[:, block])
            out[:, block] *= a
        return out

    def __repr__(self):
        return f"TabularLink({self.n_continuous}, {self.groups})"


def log_sigmoid(s):
    """``log σ(s)`` without overflow: ``-log(1 + e^{-s})``."""
    return -np.logaddexp(0.0, -s)


def pack(A, pac):
    """Rows ``A`` (n, d) as ``n / pac`` rows of ``pac`` concatenated rows, shape (n / pac, pac d)."""
    return A.reshape(A.shape[0] // pac, pac * A.shape[1])


class AdversarialGame:
    """A generator, a discriminator, their two optimizers and the rules of the game.

    Parameters
    ----------
    generator : Network
        From ``latent_dim`` noise to rows; its output link is a
        :class:`TabularLink` (or identity for continuous rows).
    discriminator : Network
        From ``pac`` concatenated rows to one raw score.
    generator_optimizer, discriminator_optimizer : Optimizer
        One for each network's parameter vector.
    pac : int, default=1
        Rows the discriminator judges at once.
    n_critic : int, default=1
        Discriminator steps per generator step.
    label_smoothing : float, default=0.0
        Real rows' target is ``1 - label_smoothing``.
    spectral_bound : bool, default=False
        Keep the largest singular value of each discriminator weight matrix at
        most 1.
    loss : {"non-saturating", "minimax"}, default="non-saturating"
        The generator's loss.
    gradient_penalty : float, default=0.0
        Weight ``γ`` of the R1 penalty on the discriminator's input gradient
        at real rows.
    temperature : float, default=0.2
        Gumbel-softmax temperature of the categorical columns the
        discriminator sees from the generator.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_ann.core import Adam, Network
    >>> rng = np.random.RandomState(0)
    >>> G = Network.from_sizes([2, 16, 1], "relu").initialize(rng)
    >>> D = Network.from_sizes([2, 16, 1], "leaky_relu").initialize(rng)
    >>> game = AdversarialGame(G, D, Adam(G.n_params, 2e-4, 0.5), Adam(D.n_params, 2e-4, 0.5), pac=2)
    >>> d_loss, g_loss = game.step(rng.normal(size=(8, 1)), rng)
    >>> bool(np.isfinite(d_loss) and np.isfinite(g_loss))
    True
    """

    def __init__(self, generator, discriminator, generator_optimizer, discriminator_optimizer,
                 pac=1, n_critic=1, label_smoothing=0.0, spectral_bound=False,
                 loss="non-saturating", gradient_penalty=0.0, temperature=0.2):
        if loss not in GENERATOR_LOSSES:
            raise ValueError(f"loss must be one of {list(GENERATOR_LOSSES)}, got {loss!r}.")
        n_out = generator.output_shape[0]
        if discriminator.n_features != pac * n_out:
            raise ValueError(
                f"the discriminator reads {discriminator.n_features} numbers; with pac={pac} "
                f"it should read pac * {n_out} generated columns = {pac * n_out}."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.pac = int(pac)
        self.n_critic = int(n_critic)
        self.label_smoothing = float(label_smoothing)
        self.spectral_bound = bool(spectral_bound)
        self.loss = loss
        self.gradient_penalty = float(gradient_penalty)
        self.temperature = float(temperature)
        self.latent_dim = generator.n_features
        # Power-iteration vectors of the spectral bound, one per weight matrix,
        # carried from step to step so one iteration per step suffices.
        self._singular_vectors = {}

    # --- the generator's side -------------------------------------------------------

    def noise(self, n, rng):
        """``n`` rows of standard normal noise, the generator's input."""
        return rng.standard_normal((n, self.latent_dim)).astype(self.generator.dtype, copy=False)

    def _relaxed(self, raw, rng):
        """Generated rows as the discriminator sees them, and what their backward needs.

        Continuous columns pass as they are; each categorical block becomes
        ``softmax((raw + g) / τ)`` with Gumbel noise ``g``.
        """
        link = self.generator.output_link
        if not isinstance(link, TabularLink) or not link.groups:
            return link.forward(raw), raw
        Z = raw.copy()
        c = link.n_continuous
        u = rng.uniform(np.finfo(Z.dtype).tiny, 1.0, size=Z[:, c:].shape)
        Z[:, c:] += -np.log(-np.log(u))
        Z[:, c:] /= self.temperature
        return link.forward(Z), Z

    def _relaxed_backward(self, Z, A, dA):
        link = self.generator.output_link
        dZ = link.backward(Z, A, dA)
        if isinstance(link, TabularLink) and link.groups:
            dZ[:, link.n_continuous:] /= self.temperature
        return dZ

    def generate(self, n, rng):
        """``n`` rows as the discriminator sees them (no gradient kept)."""
        raw = self.generator.forward(self.noise(n, rng))
        return self._relaxed(raw, rng)[0]

    def generator_step(self, n, rng):
        """One update of the generator on ``n`` rows; returns its loss.

        The gradient runs from the discriminator's score back through the
        discriminator's neurons to its input, then through the generator.
        Only the generator's parameters move.
        """
        G, D = self.generator, self.discriminator
        raw = G.forward(self.noise(n, rng), training=True, rng=rng)
        A, Z = self._relaxed(raw, rng)
        s = D.forward(pack(A, self.pac), training=True, rng=rng)
        m = s.shape[0]
        if self.loss == "non-saturating":
            # L = -mean log σ(s); dL/ds = (σ(s) - 1) / m.
            value = -log_sigmoid(s).mean()
            d_s = (expit(s) - 1.0) / m
        else:
            # L = mean log(1 - σ(s)) = mean log σ(-s); dL/ds = -σ(s) / m.
            value = log_sigmoid(-s).mean()
            d_s = -expit(s) / m
        dA = D.backward(d_s, input_gradient=True).reshape(A.shape)
        G.backward(self._relaxed_backward(Z, A, dA))
        self.generator_optimizer.step(G.params, G.grads)
        return float(value)

    # --- the discriminator's side -----------------------------------------------------

    def discriminator_step(self, real, rng):
        """One update of the discriminator on ``real`` rows and as many generated; returns its loss.

        Only the discriminator's parameters move.
        """
        D = self.discriminator
        fake = self.generate(real.shape[0], rng)
        X = np.vstack([pack(real, self.pac), pack(fake, self.pac)])
        s = D.forward(X, training=True, rng=rng)
        m = s.shape[0] // 2
        target = np.zeros_like(s)
        target[:m] = 1.0 - self.label_smoothing
        # Binary cross-entropy on a logistic output, a canonical pair: dL/ds = σ(s) - target,
        # averaged over the real half and the fake half separately.
        value = -(target * log_sigmoid(s) + (1 - target) * log_sigmoid(-s)).sum() / m
        d_s = (expit(s) - target) / m
        grads = D.backward(d_s)
        if self.gradient_penalty:
            grads = grads.copy()
            value += self._add_r1_gradient(pack(real, self.pac), grads, rng)
        self.discriminator_optimizer.step(D.params, grads)
        if self.spectral_bound:
            self._bound_spectral_norms()
        return float(value)

    def _add_r1_gradient(self, X, grads, rng):
        r"""Add the gradient of the R1 penalty to ``grads``; return the penalty.

        With :math:`g_i = ∇_x s(x_i)`, the penalty
        :math:`P = \tfrac{γ}{2m}\sum_i \lVert g_i\rVert^2` has the parameter gradient
        :math:`\tfrac{γ}{m}\sum_i J_θ(g_i)^\top g_i = \tfrac{γ}{m} ∇_θ \sum_i g_i(θ)\cdot v_i`
        with :math:`v_i = g_i` held fixed. :math:`g_i \cdot v_i` is the derivative
        of the score along :math:`v_i`, a central difference of two scores:
        the second derivatives this needs come from two more forward and
        backward passes instead of a second-order backward.
        """
        D, m = self.discriminator, X.shape[0]
        D.forward(X, training=True, rng=rng)
        V = D.backward(np.ones((m, 1), dtype=X.dtype), input_gradient=True).reshape(m, -1)
        penalty = 0.5 * self.gradient_penalty * (V * V).sum() / m
        # A step of about 1e-4 of the rows' scale along each v_i.
        eps = 1e-4 * (np.abs(X).max() + 1.0) / (np.abs(V).max() + 1e-12)
        scale = self.gradient_penalty / (2 * eps * m)
        for sign in (1.0, -1.0):
            D.forward(X + sign * eps * V, training=True, rng=rng)
            grads += sign * D.backward(np.full((m, 1), scale, dtype=X.dtype))
        return float(penalty)

    def _bound_spectral_norms(self):
        """Divide each weight matrix of ``D`` whose largest singular value exceeds 1 by it."""
        for k, layer in enumerate(self.discriminator.layers):
            W = getattr(layer, "W", None)
            if W is None:
                continue
            W2 = W.reshape(-1, W.shape[-1])
            v = self._singular_vectors.get(k)
            if v is None:
                v = np.ones(W2.shape[1], dtype=W2.dtype) / math.sqrt(W2.shape[1])
            # One power iteration: v converges to the top right singular vector.
            u = W2 @ v
            u /= np.linalg.norm(u) + 1e-12
            v = W2.T @ u
            sigma = np.linalg.norm(v)
            self._singular_vectors[k] = v / (sigma + 1e-12)
            if sigma > 1.0:
                W /= sigma

    # --- one round ----------------------------------------------------------------------

    def step(self, real_batches, rng):
        """``n_critic`` discriminator steps, then one generator step.

        ``real_batches`` is one batch of real rows, or a sequence of
        ``n_critic`` of them. Returns ``(discriminator loss, generator loss)``,
        the former averaged over its steps.
        """
        if isinstance(real_batches, np.ndarray):
            real_batches = [real_batches] * self.n_critic
        d_loss = sum(self.discriminator_step(batch, rng) for batch in real_batches)
        d_loss /= len(real_batches)
        g_loss = self.generator_step(real_batches[-1].shape[0], rng)
        return d_loss, g_loss

"""Training: the objective, minibatch epochs with stopping rules, and L-BFGS.

The objective is the loss plus an L2 penalty on the weights (not the biases),
both divided by the batch's total sample weight as in scikit-learn's MLP:

.. math:: J(\\theta) = L(\\theta) + \\frac{\\alpha}{2 \\sum_i w_i} \\sum_\\ell \\lVert W_\\ell \\rVert^2

The estimator drives these functions and keeps everything scikit-learn-facing
(labels, scorers, warnings) on its side; the functions here only see numbers.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp

# Models pickled by sk_ann 0.1 find their schedule here, where it lived then.
from .schedules import LearningRateSchedule  # noqa: F401


def objective(network, loss, X, Y, sample_weight=None, alpha=0.0, d_raw=None, *, l1=0.0,
              rng=None):
    """Return ``J`` for the batch and leave ∂J/∂params in ``network.grads``.

    ``l1`` adds :math:`\\frac{l_1}{\\sum_i w_i} \\sum_\\ell \\lVert W_\\ell \\rVert_1`
    beside the L2 term; ``rng`` draws the dropout masks of layers that have them.
    """
    raw = network.forward(X, training=True, rng=rng)
    value, grad_raw = loss.loss_gradient(Y, raw, sample_weight, out=d_raw)
    network.backward(grad_raw)
    if alpha or l1:
        total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        if total:
            if alpha:
                value += _add_l2_penalty(network, alpha / total)
            if l1:
                value += _add_l1_penalty(network, l1 / total)
    return value


def _add_l2_penalty(network, scale):
    """Add ``scale * W`` to every weight gradient; return ``scale / 2 * sum(W ** 2)``."""
    weights, gradients = network.weights_and_gradients()
    penalty = 0.5 * scale * float(np.dot(weights, weights))
    gradients += scale * weights
    return penalty


def _add_l1_penalty(network, scale):
    """Add ``scale * sign(W)`` to every weight gradient; return ``scale * sum(|W|)``."""
    weights, gradients = network.weights_and_gradients()
    penalty = scale * float(np.abs(weights).sum())
    gradients += scale * np.sign(weights)
    return penalty


def clip_gradient_norm(grads, max_norm):
    """Scale ``grads`` in place so that its Euclidean norm is at most ``max_norm``."""
    norm = math.sqrt(float(np.dot(grads, grads)))
    if norm > max_norm:
        grads *= max_norm / norm
    return norm


@dataclass
class TrainingState:
    """Everything that carries over from one epoch (and one ``partial_fit``) to the next."""

    optimizer: object = None
    schedule: object = None
    n_iter: int = 0
    t: int = 0
    loss: float = None
    loss_curve: list = field(default_factory=list)
    best_loss: float = math.inf
    no_improvement_count: int = 0
    validation_scores: list = None
    validation_loss_curve: list = None
    best_validation_score: float = None
    best_params: np.ndarray = None
    best_buffers: np.ndarray = None


#: Outcomes of ``StochasticTrainer.run``.
CONVERGED, MAX_ITER, ONE_EPOCH, INTERRUPTED, DIVERGED, DIVERGED_RESTORED, STOPPED = (
    "converged", "max_iter", "one_epoch", "interrupted", "diverged", "diverged_restored",
    "stopped",
)


class StochasticTrainer:
    """Minibatch epochs with shuffling, a stopping rule and optional early stopping.

    Without early stopping, training stops once the training loss has not
    improved by ``tol`` for more than ``n_iter_no_change`` epochs. With it, the
    validation score plays that role, and the parameters with the best
    validation score are restored at the end.

    ``alpha`` and ``l1`` weigh the L2 and L1 penalties on the weights;
    ``max_grad_norm`` caps the Euclidean norm of each minibatch gradient.
    ``callbacks`` is an object with ``on_epoch_begin(epoch)`` and
    ``on_epoch_end(state)``; the latter returning True stops training.
    """

    def __init__(self, network, loss, *, batch_size, max_iter, shuffle=True, tol=1e-4,
                 n_iter_no_change=10, alpha=0.0, l1=0.0, max_grad_norm=None, verbose=False,
                 corrupt_inputs=None, callbacks=None):
        self.network = network
        self.loss = loss
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.l1 = l1
        self.max_grad_norm = max_grad_norm
        self.verbose = verbose
        #: Optional ``f(X_batch, rng) -> X_batch`` applied to each batch's inputs
        #: only, never to its targets (a denoising autoencoder's noise).
        self.corrupt_inputs = corrupt_inputs
        self.callbacks = callbacks

    def run(self, X, Y, sample_weight, state, rng, validation_score=None, one_epoch=False, *,
            validation_loss=None, early_stopping=None):
        """Train on ``(X, Y)``; return one of the outcome constants of this module.

        ``validation_score`` is a callable returning the current score (higher
        is better) on held-out data, ``validation_loss`` one returning the loss
        there; both are recorded after every epoch. ``early_stopping`` (by
        default: whether there is a ``validation_score``) makes the score drive
        the stopping rule and restores the best parameters at the end.
        ``one_epoch`` runs a single epoch.
        """
        if early_stopping is None:
            early_stopping = validation_score is not None
        if validation_score is not None and state.validation_scores is None:
            state.validation_scores = []
        if validation_loss is not None and state.validation_loss_curve is None:
            state.validation_loss_curve = []
        if early_stopping and state.best_params is None:
            state.best_params = self.network.params.copy()
            state.best_buffers = self.network.buffers.copy()
            state.best_validation_score = -math.inf
        monitor = _Monitor(validation_score, validation_loss, early_stopping)
        state.n_iter = 0
        # Overflow shows up once per epoch as a non-finite loss, reported with
        # what to do about it; numpy's per-operation warnings would only repeat it.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                outcome = self._epochs(X, Y, sample_weight, state, rng, monitor,
                                       1 if one_epoch else self.max_iter)
            except KeyboardInterrupt:
                outcome = INTERRUPTED
            finally:
                self.network.release()
        if one_epoch and outcome == MAX_ITER:
            outcome = ONE_EPOCH
        if early_stopping:
            # The best parameters seen, or the starting ones if no epoch scored.
            np.copyto(self.network.params, state.best_params)
            np.copyto(self.network.buffers, state.best_buffers)
        return outcome

    def _epochs(self, X, Y, sample_weight, state, rng, monitor, n_epochs):
        order = np.arange(X.shape[0])
        for _ in range(n_epochs):
            if self.callbacks is not None:
                self.callbacks.on_epoch_begin(state.n_iter)
            if self.shuffle:
                # In-place shuffling of the carried order draws from rng exactly
                # as scikit-learn's MLP does, so equal seeds see equal batches.
                rng.shuffle(order)
            state.schedule.epoch_begin(state.optimizer)
            epoch_loss = self._epoch(X, Y, sample_weight, order, state, rng)
            if not self._record(epoch_loss, state, monitor):
                return DIVERGED_RESTORED if monitor.restorable(state) else DIVERGED
            state.schedule.epoch_end(state.optimizer, state.t)
            if self.callbacks is not None and self.callbacks.on_epoch_end(state):
                return STOPPED
            if state.no_improvement_count > self.n_iter_no_change:
                if self._stopping_rule_fires(state, monitor.early_stopping):
                    return CONVERGED
                state.no_improvement_count = 0
        return MAX_ITER

    def _epoch(self, X, Y, sample_weight, order, state, rng):
        n_samples = X.shape[0]
        total = 0.0
        network = self.network
        batch = _BatchReader(network, X, Y, sample_weight, self.batch_size,
                             order if self.shuffle else None, self.corrupt_inputs, rng)
        for start in range(0, n_samples, self.batch_size):
            stop = min(start + self.batch_size, n_samples)
            X_batch, Y_batch, sw, d_raw = batch.read(start, stop)
            value = objective(network, self.loss, X_batch, Y_batch, sw, self.alpha, d_raw,
                              l1=self.l1, rng=rng)
            if self.max_grad_norm is not None:
                clip_gradient_norm(network.grads, self.max_grad_norm)
            state.optimizer.step(network.params, network.grads)
            total += value * (stop - start)
        state.t += n_samples
        state.n_iter += 1
        return total / n_samples

    def _record(self, epoch_loss, state, monitor):
        """Book the epoch; return False when the loss or the score is not finite."""
        state.loss = epoch_loss
        state.loss_curve.append(epoch_loss)
        if self.verbose:
            print(f"Iteration {state.n_iter}, loss = {epoch_loss:.8f}")
        score = monitor.record(state, math.isfinite(epoch_loss), self.verbose)
        if not monitor.early_stopping:
            if not math.isfinite(epoch_loss):
                return False
            if epoch_loss > state.best_loss - self.tol:
                state.no_improvement_count += 1
            else:
                state.no_improvement_count = 0
            state.best_loss = min(state.best_loss, epoch_loss)
            return True
        if not math.isfinite(score):
            return False
        if score < state.best_validation_score + self.tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        if score > state.best_validation_score:
            state.best_validation_score = score
            np.copyto(state.best_params, self.network.params)
            np.copyto(state.best_buffers, self.network.buffers)
        return True

    def _stopping_rule_fires(self, state, early_stopping):
        what = "Validation score" if early_stopping else "Training loss"
        message = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        return state.schedule.should_stop(state.optimizer, message, self.verbose)


class _Monitor:
    """The held-out data's score and loss, recorded after every epoch."""

    def __init__(self, score, loss, early_stopping):
        self.score, self.loss, self.early_stopping = score, loss, early_stopping

    def record(self, state, trained_finite, verbose):
        """Append this epoch's validation score and loss to ``state``; return the score."""
        score = math.nan
        if self.score is not None:
            score = self.score() if trained_finite else math.nan
            state.validation_scores.append(score)
            if verbose:
                print(f"Validation score: {score:f}")
        if self.loss is not None:
            state.validation_loss_curve.append(self.loss() if trained_finite else math.nan)
        return score

    def restorable(self, state):
        """Whether a diverged run can fall back on an earlier, better epoch."""
        return self.early_stopping and math.isfinite(state.best_validation_score)


class _BatchReader:
    """Hands out minibatches, gathered into reused arrays rather than new copies."""

    def __init__(self, network, X, Y, sample_weight, batch_size, order, corrupt_inputs, rng):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.order, self.corrupt_inputs, self.rng = order, corrupt_inputs, rng
        rows = min(batch_size, X.shape[0])
        # Rows of a sparse matrix cannot be gathered into a dense buffer.
        self.X_buffer = None if sp.issparse(X) else np.empty((rows, X.shape[1]), dtype=X.dtype)
        self.Y_buffer = np.empty((rows, Y.shape[1]), dtype=Y.dtype)
        self.d_raw = np.empty((rows, Y.shape[1]), dtype=network.dtype)

    def read(self, start, stop):
        """``(X_batch, Y_batch, sample_weight_batch, d_raw buffer)`` for rows start:stop."""
        m = stop - start
        if self.order is None:
            idx = slice(start, stop)
            X_batch, Y_batch = self.X[idx], self.Y[idx]  # views of dense arrays
        else:
            idx = self.order[start:stop]
            # mode="clip" skips the bounds check: the order only holds valid rows.
            Y_batch = self.Y.take(idx, axis=0, out=self.Y_buffer[:m], mode="clip")
            if self.X_buffer is None:
                X_batch = self.X[idx]
            else:
                X_batch = self.X.take(idx, axis=0, out=self.X_buffer[:m], mode="clip")
        if self.corrupt_inputs is not None:
            X_batch = self.corrupt_inputs(X_batch, self.rng)
        sw = None if self.sample_weight is None else self.sample_weight[idx]
        return X_batch, Y_batch, sw, self.d_raw[:m]


@dataclass
class LbfgsResult:
    """What L-BFGS reports back: iterations, final objective, convergence, its message."""

    n_iter: int
    loss: float
    converged: bool
    message: str
    loss_curve: list


def fit_lbfgs(network, loss, X, Y, sample_weight=None, *, alpha=0.0, l1=0.0, max_iter=200,
              max_fun=15000, tol=1e-4, verbose=False):
    """Minimise the objective over ``network.params`` with scipy's L-BFGS-B."""
    curve = []

    def fun(theta):
        np.copyto(network.params, theta)
        value = objective(network, loss, X, Y, sample_weight, alpha, l1=l1)
        return value, network.grads.astype(np.float64)

    def on_iteration(intermediate_result):
        curve.append(float(intermediate_result.fun))
        if verbose:
            print(f"Iteration {len(curve)}, loss = {curve[-1]:.8f}")

    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = scipy.optimize.minimize(
                fun, network.params.astype(np.float64), method="L-BFGS-B", jac=True,
                callback=on_iteration,
                options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
            )
    finally:
        network.release()
    np.copyto(network.params, result.x)
    return LbfgsResult(int(result.nit), float(result.fun), bool(result.status == 0),
                       str(result.message), curve)

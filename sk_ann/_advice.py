"""Cheap checks that name the likeliest reason a fit went wrong, with what to change.

``sk_ann.inspection.diagnose`` runs them with the checks that need the fitted
network; the training warnings and the divergence error end with the first
finding of ``training_hint``, whose work is bounded: column statistics on at
most ``MAX_ROWS`` rows and a look at the loss curve.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_regressor

#: Rows the scale checks read at most (evenly spaced through the data).
MAX_ROWS = 2000
#: A column whose root mean square is above this is far from unit scale...
LARGE = 10.0
#: ... and so is a column that varies, but whose values are all smaller than this.
SMALL = 1e-2
#: The regression losses whose gradient grows with the targets' scale.
_SCALE_SENSITIVE_LOSSES = ("squared_error", "absolute_error", "huber")


@dataclass
class Finding:
    """Something that hinders training, and what to change.

    Attributes
    ----------
    kind : str
        A stable name a program can test: ``"unscaled_target"``,
        ``"unscaled_input"``, ``"constant_input"``, ``"dead_units"``,
        ``"saturated_units"``, ``"vanishing_gradients"``,
        ``"exploding_gradients"``, ``"diverging_loss"``, ``"oscillating_loss"``,
        ``"still_improving"`` or ``"overfitting"``.
    message : str
        What was seen, with numbers.
    advice : str
        What to change: the parameter or scikit-learn tool that fixes it.
    where : list, default=[]
        The columns (data findings) or layer indices (layer findings) concerned.
    """

    kind: str
    message: str
    advice: str
    where: list = field(default_factory=list)

    def __str__(self):
        return f"{self.message}; {self.advice}"


def _rows(A):
    """At most ``MAX_ROWS`` evenly spaced rows of ``A`` as a float64 array."""
    n = A.shape[0]
    if n > MAX_ROWS:
        A = A[np.linspace(0, n - 1, MAX_ROWS).astype(int)]
    return np.asarray(A, dtype=np.float64)


def _describe_columns(columns, names=None):
    shown = [str(names[j]) if names is not None else str(j) for j in columns[:3]]
    more = f" and {len(columns) - 3} more" if len(columns) > 3 else ""
    noun = "column" if len(columns) == 1 else "columns"
    return f"{noun} {', '.join(shown)}{more}"


def _farthest(sizes):
    """The size farthest from 1, in orders of magnitude."""
    with np.errstate(divide="ignore"):
        return sizes[np.argmax(np.abs(np.log10(sizes)))]


def _off_scale(A):
    """Indices of columns far from unit scale, and their root mean squares."""
    A = _rows(A)
    A = A.reshape(A.shape[0], -1)
    with np.errstate(over="ignore", invalid="ignore"):  # values near overflow: rms inf
        rms = np.sqrt(np.mean(A * A, axis=0))
    varies = A.max(axis=0) > A.min(axis=0)
    # Tiny: every value small (a rarely nonzero column has a small rms, and is fine).
    tiny = np.abs(A).max(axis=0) < SMALL
    off = np.flatnonzero(varies & ((rms > LARGE) | tiny))
    return off, rms, varies


def scale_findings(X, Y=None, *, regression=False, feature_names=None, positions=False):
    """Findings on columns of ``X`` (and regression targets ``Y``) far from unit scale.

    Sparse ``X`` is not checked: the usual scaler for it, ``MaxAbsScaler``,
    keeps it sparse, and its zeros make the statistics misleading. With
    ``positions`` (images, sequences), ``X`` is checked as a whole: its
    columns are positions, scaled together, and a blank border is no fault.
    """
    findings = []
    if Y is not None and regression:
        Y = np.asarray(Y)
        off, rms, _ = _off_scale(Y.reshape(len(Y), -1))
        if off.size:
            size = _farthest(rms[off])
            findings.append(Finding(
                "unscaled_target",
                f"the targets are far from unit scale (target {_describe_columns(off)}: "
                f"values of size {size:.3g})",
                "wrap the regressor in TransformedTargetRegressor(regressor=..., "
                "transformer=StandardScaler()), which trains on standardised targets and "
                "predicts in their units",
                off.tolist()))
    if X is not None and not sp.issparse(X) and X.size and positions:
        off, rms, _ = _off_scale(_rows(np.asarray(X)).reshape(-1, 1))
        if off.size:
            findings.append(Finding(
                "unscaled_input",
                f"the values of X are far from unit scale (size {rms[0]:.3g})",
                "scale them all alike, e.g. X / X.max() for pixels, or MinMaxScaler() on "
                "flat rows in a Pipeline", [0]))
    elif X is not None and not sp.issparse(X) and X.size:
        off, rms, varies = _off_scale(np.asarray(X))
        if off.size:
            size = _farthest(rms[off])
            findings.append(Finding(
                "unscaled_input",
                f"X has {off.size} {'column' if off.size == 1 else 'columns'} far from unit "
                f"scale ({_describe_columns(off, feature_names)}: values of size {size:.3g})",
                "put StandardScaler() (or MinMaxScaler()) before the network in a Pipeline: "
                "make_pipeline(StandardScaler(), estimator)",
                off.tolist()))
        constant = np.flatnonzero(~varies)
        if constant.size and constant.size < varies.size:
            findings.append(Finding(
                "constant_input",
                f"X has {constant.size} constant "
                f"{'column' if constant.size == 1 else 'columns'} "
                f"({_describe_columns(constant, feature_names)}) on the rows checked",
                "they carry no information; drop them, e.g. with VarianceThreshold() in the "
                "Pipeline",
                constant.tolist()))
    return findings


def curve_findings(loss_curve, *, n_iter=None, max_iter=None, tol=0.0, validation_scores=None,
                   params=None):
    """Findings on the run: a loss that rises, oscillates or was still falling, overfitting.

    ``params`` holds the estimator's parameters the advice names
    (``learning_rate_init``, ``max_iter``, ``alpha``, ``early_stopping``).
    """
    params = params or {}
    loss = np.asarray(loss_curve if loss_curve is not None else [], dtype=np.float64)
    loss = loss[np.isfinite(loss)]
    findings = []
    lr = params.get("learning_rate_init")
    lower_lr = (f"lower learning_rate_init (now {lr})" if lr is not None
                else "lower the learning rate")
    if loss.size >= 5:
        best = int(np.argmin(loss))
        tail = loss[-min(5, loss.size // 3 or 1):]
        rises = np.diff(loss[-20:]) > 0
        changes = np.abs(np.diff(loss[-20:])) / np.maximum(np.abs(loss[-20:-1]), 1e-12)
        # Movements near a loss of zero are large relative to the loss and small
        # relative to what training achieved: measure them against the descent too.
        # (From the median loss: wild first epochs would dwarf everything after.)
        descent = max(np.median(loss) - loss[best], 1e-12)
        # Minibatch noise moves the loss by a few percent around a steady fall:
        # oscillation moves it more, and gets nowhere.
        movement = np.abs(np.diff(loss[-20:])).sum()
        if (best < loss.size - tail.size and tail.mean() > 1.5 * loss[best] + 1e-12
                and tail.mean() - loss[best] > 0.1 * descent):
            findings.append(Finding(
                "diverging_loss",
                f"the loss rose from {loss[best]:.4g} (iteration {best + 1}) to "
                f"{loss[-1]:.4g} (iteration {loss.size})",
                f"{lower_lr}, or scale X and y; max_grad_norm clips the steps"))
        elif (rises.size >= 8 and rises.mean() >= 0.4 and changes.mean() > 0.05
              and movement > 0.05 * descent * rises.size
              and loss[-20:][0] - loss[-1] < 0.25 * movement):
            findings.append(Finding(
                "oscillating_loss",
                f"the loss went up in {int(rises.sum())} of the last {rises.size} iterations, "
                f"by {100 * changes.mean():.2g}% on average",
                f"{lower_lr} or raise batch_size"))
        elif n_iter is not None and max_iter is not None and n_iter >= max_iter:
            window = min(10, max(3, loss.size // 5))
            drop = loss[-window - 1] - loss[-1]
            if drop > max(tol * window, 0.005 * abs(loss[-window - 1]), 0.01 * descent):
                findings.append(Finding(
                    "still_improving",
                    f"the loss was still falling when max_iter ({max_iter}) ended training: "
                    f"by {100 * drop / abs(loss[-window - 1]):.2g}% over the last {window} "
                    "iterations",
                    f"raise max_iter (now {max_iter}), or learning_rate_init if the fall is "
                    "slow and steady"))
    scores = np.asarray(validation_scores if validation_scores is not None else [], dtype=float)
    # With early stopping the weights of the best epoch were kept: nothing to fix.
    if not params.get("early_stopping") and scores.size >= 10 and np.isfinite(scores).all() and loss.size == scores.size:
        best = int(np.argmax(scores))
        drop = scores[best] - scores[-1]
        if (scores.size - 1 - best >= 5 and drop > max(0.01 * abs(scores[best]), 0.005)
                and loss[-1] < loss[best]):
            findings.append(Finding(
                "overfitting",
                f"the validation score fell from {scores[best]:.4g} (epoch {best + 1}) to "
                f"{scores[-1]:.4g} while the training loss kept falling",
                f"regularise: raise alpha (now {params.get('alpha')}), add dropout, or "
                "stop earlier (early_stopping=True keeps the weights of the best epoch)"))
    return findings


def training_hint(estimator, X, Y, state=None):
    """One sentence on the likeliest cause of a failed fit, or ``""``.

    Bounded work: the scale checks read at most ``MAX_ROWS`` rows; with
    ``state``, the loss curve is looked at too.
    """
    try:
        regression = (is_regressor(estimator)
                      and getattr(estimator, "loss", None) in _SCALE_SENSITIVE_LOSSES)
        shape = getattr(estimator, "input_shape", None)
        positions = shape is not None and np.ndim(shape) > 0 and len(shape) > 1
        findings = [f for f in scale_findings(X, Y, regression=regression, positions=positions)
                    if f.kind != "constant_input"]
        if state is not None and not findings:
            findings = curve_findings(
                state.loss_curve, n_iter=state.n_iter, max_iter=estimator.max_iter,
                tol=estimator.tol, params=estimator.get_params())
    except Exception:  # advice must never turn a warning into a crash
        return ""
    if not findings:
        return ""
    return f" Likely cause: {findings[0]}."

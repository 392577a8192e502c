"""Why did it predict that, and why won't it train: feature attributions and diagnostics.

``feature_attributions`` splits a prediction among the input features with
gradients from the network's own backward pass, so every kind of layer is
covered; ``diagnose`` looks at a fitted network, its data and its run and says
what hinders training, each finding with the parameter or scikit-learn tool
that fixes it.
"""

import copy
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier, is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_array, check_is_fitted

from ._advice import Finding, curve_findings, scale_findings
from .core.layers.base import ROLES

__all__ = ["Attributions", "Diagnosis", "Finding", "LayerReport", "diagnose",
           "feature_attributions"]

METHODS = ("gradient", "gradient_x_input", "integrated_gradients")

# --- the network, untouched --------------------------------------------------------


def _float64_twin(network):
    """A float64 copy of ``network``: its own work arrays, so the fitted model is
    neither changed nor raced against by concurrent ``predict`` calls, and
    gradients as precise as finite differences need."""
    state = network.__getstate__()
    state = dict(state, params=state["params"].astype(np.float64),
                 buffers=state["buffers"].astype(np.float64))
    twin = object.__new__(type(network))
    twin.__setstate__(copy.deepcopy(state))
    return twin


def _outputs_and_gradients(network, Z, columns):
    """Predictions ``P`` (after the output link) and ∂P[i, columns[i]]/∂Z[i] per row."""
    with network.frozen():
        raw = network.forward(Z, training=True)
        P = network.output_link.forward(raw.copy())
        pick = np.zeros_like(P)
        pick[np.arange(len(P)), columns] = 1.0
        # The output link's own backward: for softmax its Jacobian, for the
        # identity a copy; then the layers' backward down to the input.
        d_raw = network.output_link.backward(raw, P, pick)
        dZ = network.backward(d_raw, input_gradient=True)
    return P, np.array(dZ, dtype=np.float64).reshape(len(Z), -1)


# --- pipelines: the steps before the network as one affine map ---------------------


def _affine_step(step, n_in):
    """``(A, c)`` with ``step.transform(x) == x @ A + c``, or None if not such a map."""
    if step is None or step == "passthrough":
        return np.eye(n_in), np.zeros(n_in)
    if isinstance(step, StandardScaler):
        scale = step.scale_ if step.scale_ is not None else np.ones(n_in)
        mean = step.mean_ if step.mean_ is not None else np.zeros(n_in)
        return np.diag(1 / scale), -mean / scale
    if isinstance(step, MinMaxScaler) and not step.clip:
        return np.diag(step.scale_), np.asarray(step.min_, dtype=float)
    if isinstance(step, MaxAbsScaler):
        return np.diag(1 / step.scale_), np.zeros(n_in)
    if type(step) is PCA:
        A = step.components_.T.copy()
        if step.whiten:
            A /= np.sqrt(step.explained_variance_)
        return A, -step.mean_ @ A
    return None


def _split_pipeline(estimator):
    """The network estimator and the affine map of the steps before it (None if not affine)."""
    if not isinstance(estimator, Pipeline):
        return estimator, None, []
    steps = [step for _, step in estimator.steps[:-1]]
    final = estimator.steps[-1][1]
    n = getattr(estimator, "n_features_in_", None)
    A = c = None
    if n is not None:
        A, c = np.eye(n), np.zeros(n)
        for step in steps:
            affine = _affine_step(step, A.shape[1])
            if affine is None:
                A = None
                break
            A, c = A @ affine[0], c @ affine[0] + affine[1]
    return final, (None if A is None else (A, c)), steps


def _check_network_estimator(estimator):
    check_is_fitted(estimator)
    if not hasattr(estimator, "network_"):
        raise TypeError(
            "feature_attributions needs a fitted ANNClassifier or ANNRegressor, or a "
            f"Pipeline ending in one; got {type(estimator).__name__}."
        )
    if not hasattr(estimator, "_target_encoder") or type(estimator).__name__ == "ANNAutoencoder":
        raise TypeError("feature_attributions explains ANNClassifier and ANNRegressor "
                        f"predictions; got {type(estimator).__name__}.")


# --- attributions ------------------------------------------------------------------


@dataclass
class Attributions:
    """Feature attributions of one output per row, returned by :func:`feature_attributions`.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_features) or (n_samples,) + input_shape
        The attribution of each feature of each row; n-D when ``X`` was given
        as samples of the network's ``input_shape`` (images), flat otherwise.
    method : str
        ``"gradient"``, ``"gradient_x_input"`` or ``"integrated_gradients"``.
    target : ndarray of shape (n_samples,)
        What each row's attributions explain: a class label (classifiers) or
        an output index (regressors).
    outputs : ndarray of shape (n_samples,)
        The explained quantity at each row: the predicted probability of
        ``target`` (classifiers) or the prediction (regressors).
    baseline_outputs : ndarray of shape (n_samples,) or None
        The same quantity at the baseline (``integrated_gradients`` only).
    baseline : ndarray of shape (n_features,) or (n_samples, n_features), or None
        The baseline, in the space of ``values`` (``integrated_gradients`` only).
    input_space : str
        ``"input"``: with respect to ``X`` as given (a bare estimator, or a
        Pipeline whose steps before the network are affine maps);
        ``"network input"``: with respect to what the Pipeline's last step
        receives, because a step before it is not such a map.
    feature_names : ndarray of str or None
        Names of the features of ``values`` when known.
    """

    values: np.ndarray
    method: str
    target: np.ndarray
    outputs: np.ndarray
    baseline_outputs: np.ndarray = None
    baseline: np.ndarray = None
    input_space: str = "input"
    feature_names: np.ndarray = None

    @property
    def importance(self):
        """Global importance: the mean absolute attribution of each feature, flat."""
        return np.abs(self.values.reshape(len(self.values), -1)).mean(axis=0)

    @property
    def completeness_gap(self):
        """``values`` summed per row minus ``outputs - baseline_outputs``.

        Zero up to the integration error for integrated gradients (it shrinks
        as ``n_steps`` grows); None for the other methods.
        """
        if self.baseline_outputs is None:
            return None
        sums = self.values.reshape(len(self.values), -1).sum(axis=1)
        return sums - (self.outputs - self.baseline_outputs)

    def __repr__(self):
        shape = "x".join(map(str, self.values.shape))
        gap = self.completeness_gap
        extra = "" if gap is None else f", completeness gap {np.abs(gap).max():.2g}"
        return (f"Attributions({self.method}, values {shape}, with respect to the "
                f"{self.input_space}{extra})")


def _targets(estimator, P, target):
    """The network output column each row explains and the targets as reported."""
    n = len(P)
    if is_classifier(estimator):
        encoder = estimator._target_encoder
        kind = getattr(encoder, "target_type", None)
        if kind in ("binary", "multiclass", "one-hot") and hasattr(encoder, "classes_"):
            classes = encoder.classes_
            if target is None:
                codes = (np.argmax(encoder.probabilities(P), axis=1) if kind != "one-hot"
                         else np.argmax(P, axis=1))
            else:
                if kind == "one-hot":
                    codes = np.full(n, int(target))
                else:
                    where = np.flatnonzero(classes == target)
                    if where.size == 0:
                        raise ValueError(f"target must be one of the classes "
                                         f"{classes.tolist()}, got {target!r}.")
                    codes = np.full(n, where[0])
            reported = codes if kind == "one-hot" else classes[codes]
            if kind == "binary":
                # One logistic output: P(class 1). Class 0's probability is 1 - P,
                # whose attributions are the negatives of class 1's.
                return np.zeros(n, dtype=int), np.where(codes == 1, 1.0, -1.0), reported
            return codes.astype(int), np.ones(n), reported
        # Multilabel or several label columns: one network output per label.
        if target is None:
            raise ValueError(
                "with several labels per sample, pass target=<index of the network output> "
                f"(0 to {P.shape[1] - 1}) to say which label's probability to explain.")
    elif target is None:
        if P.shape[1] > 1:
            raise ValueError(
                f"the regressor has {P.shape[1]} outputs; pass target=<output index> (0 to "
                f"{P.shape[1] - 1}) to say which one to explain.")
        target = 0
    target = int(target)
    if not 0 <= target < P.shape[1]:
        raise ValueError(f"target must be an output index from 0 to {P.shape[1] - 1}, "
                         f"got {target}.")
    codes = np.full(n, target)
    return codes, np.ones(n), codes


def feature_attributions(estimator, X, *, method="integrated_gradients", baseline=None,
                         target=None, n_steps=50):
    """How much each feature of each row of ``X`` moved the prediction.

    Three gradient methods, all from the network's own backward pass (so
    convolutional layers are covered too), computed on a float64 copy of the
    fitted network, which is left untouched:

    - ``"gradient"`` (saliency): ∂output/∂x, how sensitive the output is to
      each feature at the row;
    - ``"gradient_x_input"``: that gradient times ``x - baseline`` (``x``
      itself with the default baseline), a first-order share of the output;
    - ``"integrated_gradients"`` (Sundararajan, Taly and Yan, 2017): ``x -
      baseline`` times the gradient averaged along the straight path from the
      baseline to ``x`` (trapezoid rule on ``n_steps`` intervals). These
      attributions are *complete*: each row's sum equals ``output(x) -
      output(baseline)``, up to an integration error that shrinks as
      ``n_steps`` grows.

    The output explained is, for a classifier, the **predicted probability**
    of a class (what ``predict_proba`` returns, so completeness speaks in
    probabilities), and for a regressor the prediction of one output.

    Parameters
    ----------
    estimator : fitted ANNClassifier or ANNRegressor, or Pipeline ending in one
        When the steps before the network are affine maps (``StandardScaler``,
        ``MinMaxScaler`` without clipping, ``MaxAbsScaler``, ``PCA``,
        ``"passthrough"``), the attributions are with respect to the
        Pipeline's input, through the chain rule. Otherwise they are with
        respect to what the network receives, with a warning, and
        ``input_space`` says so.
    X : array-like of shape (n_samples, n_features) or (n_samples,) + input_shape
        The rows to explain. Sparse matrices are densified.
    method : {"integrated_gradients", "gradient", "gradient_x_input"}
    baseline : array-like of shape (n_features,) or like X, default=None
        The reference input for ``integrated_gradients`` and
        ``gradient_x_input``, in the space of the attributions. By default
        the all-zero input of the network: zeros for a bare estimator, and for
        a Pipeline the input its steps map to zero, which for a
        ``StandardScaler`` is the training mean.
    target : class label or int, default=None
        Classifiers: the class whose probability to explain, by default the
        predicted class of each row; with several labels per sample, the index
        of a network output. Regressors: the output index (needed with several
        outputs).
    n_steps : int, default=50
        Intervals of the path integral (``integrated_gradients``).

    Returns
    -------
    attributions : Attributions
        ``values`` (the attributions), ``importance`` (mean absolute
        attribution per feature), ``outputs``, ``baseline_outputs``,
        ``completeness_gap`` and what was explained.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.inspection import feature_attributions
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), ANNClassifier((8,), max_iter=500,
    ...     activation="tanh", random_state=0)).fit(X, y)
    >>> result = feature_attributions(model, X[:3])
    >>> result.values.shape
    (3, 4)
    >>> bool(abs(result.completeness_gap).max() < 1e-3)
    True
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}.")
    if int(n_steps) < 1:
        raise ValueError(f"n_steps must be a positive int, got {n_steps!r}.")
    n_steps = int(n_steps)
    final, affine, steps = _split_pipeline(estimator)
    _check_network_estimator(final)
    names = getattr(estimator, "feature_names_in_", None)
    shape = None
    if isinstance(estimator, Pipeline) and affine is None:
        warnings.warn(
            "A step before the network is not an affine map (only StandardScaler, "
            "MinMaxScaler(clip=False), MaxAbsScaler, PCA and 'passthrough' are), so the "
            "attributions are with respect to the network's input, the output of "
            f"{type(steps[-1]).__name__}, not with respect to X.", UserWarning)
        Z = estimator[:-1].transform(X)
        try:
            names = estimator[:-1].get_feature_names_out()
        except (AttributeError, ValueError, TypeError):
            names = None
        Z = final._validated_input(Z)
        space, A, c = "network input", None, None
        X_space = Z = (Z.toarray() if sp.issparse(Z) else np.asarray(Z)).astype(np.float64)
    elif affine is not None:
        X_space = check_array(X, accept_sparse=False, dtype=np.float64)
        A, c = affine
        Z = final._validated_input(estimator[:-1].transform(X)).astype(np.float64)
        space = "input"
    else:
        ndim = getattr(X, "ndim", None)
        if ndim is not None and ndim > 2:
            shape = X.shape[1:]
        Z = final._validated_input(X)
        X_space = Z = (Z.toarray() if sp.issparse(Z) else np.asarray(Z)).astype(np.float64)
        space, A, c = "input", None, None
    network = _float64_twin(final.network_)
    n = len(Z)

    def network_side(points):
        return points if A is None else points @ A + c

    def input_side(grad):
        return grad if A is None else grad @ A.T

    P, _ = _outputs_and_gradients(network, Z, np.zeros(n, dtype=int))
    columns, sign, reported = _targets(final, P, target)
    # Class 0 of a binary classifier: 1 - P(class 1), so sign -1 and offset 1.
    offset = (sign < 0).astype(np.float64)
    outputs = offset + sign * P[np.arange(n), columns]

    if baseline is None:
        if A is None:
            base = np.zeros_like(X_space)
        else:
            # The input the steps map to zero: walk zero back through each step.
            point = np.zeros((1, Z.shape[1]))
            for step in reversed(steps):
                if step is not None and step != "passthrough":
                    point = step.inverse_transform(point)
            base = np.broadcast_to(point, X_space.shape)
    else:
        base = np.asarray(baseline, dtype=np.float64).reshape(-1, X_space.shape[1]) \
            if np.ndim(baseline) != 1 else np.asarray(baseline, dtype=np.float64)[None, :]
        if base.shape[1] != X_space.shape[1] or base.shape[0] not in (1, n):
            raise ValueError(
                f"baseline must have {X_space.shape[1]} features, as one row or one row per "
                f"sample of X; got shape {np.shape(baseline)}.")
        base = np.broadcast_to(base, X_space.shape)

    baseline_outputs = None
    if method == "gradient":
        _, grad = _outputs_and_gradients(network, Z, columns)
        values = input_side(grad) * sign[:, None]
    elif method == "gradient_x_input":
        _, grad = _outputs_and_gradients(network, Z, columns)
        values = input_side(grad) * sign[:, None] * (X_space - base)
    else:
        Z_base = network_side(base)
        total = np.zeros_like(Z)
        weights = np.full(n_steps + 1, 1.0 / n_steps)
        weights[[0, -1]] /= 2  # trapezoid rule
        for alpha, weight in zip(np.linspace(0.0, 1.0, n_steps + 1), weights):
            P_path, grad = _outputs_and_gradients(network, Z_base + alpha * (Z - Z_base),
                                                  columns)
            if alpha == 0.0:
                baseline_outputs = offset + sign * P_path[np.arange(n), columns]
            total += weight * grad
        values = input_side(total) * sign[:, None] * (X_space - base)
    if shape is not None:
        values = values.reshape(n, *shape)
    return Attributions(
        values=values, method=method, target=np.asarray(reported), outputs=outputs,
        baseline_outputs=baseline_outputs,
        baseline=None if method == "gradient" else np.array(base[0] if np.ndim(baseline) <= 1
                                                             else base),
        input_space=space, feature_names=None if names is None else np.asarray(names))


# --- diagnostics -------------------------------------------------------------------

#: Activations whose units can die: no positive output, so (for relu) no gradient.
RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu", "gelu", "silu")
#: Activations that flatten at both ends, and the output beyond which a unit counts
#: as saturated there (its derivative is below a tenth of its largest).
SATURATING = {"logistic": (0.02, 0.98), "sigmoid": (0.02, 0.98), "tanh": (-0.95, 0.95)}
#: A unit dead or saturated on this share of the rows checked is reported.
SATURATED_SHARE = 0.95
#: A layer with this share of its units dead or saturated is a finding. Some dead
#: units are common in a healthy ReLU network, strong L2 penalties make more.
UNIT_SHARE = 0.5
#: Rows the gradients are computed on, and values kept per layer for plots.
GRADIENT_ROWS = 512
KEPT_VALUES = 5000


@dataclass
class LayerReport:
    """What :func:`diagnose` found in one layer.

    Attributes
    ----------
    index : int
        Position of the layer in ``network_.layers``.
    kind : str
        The layer's class name (``"Dense"``, ``"Conv2D"``...).
    activation : str or None
        Its activation (None for pooling and flattening layers).
    n_units : int or None
        Neurons (dense) or filters (convolution).
    dead_units : ndarray of int or None
        Units never active (output never positive) on the rows checked, for the
        relu family; None for other activations.
    saturated_units : ndarray of int or None
        Units at a limit of their logistic or tanh activation on at least 95%
        of the rows checked; None for other activations.
    gradient_norm : float or None
        Norm of the loss gradient with respect to the layer's parameters on a
        batch (None without ``y`` or parameters).
    weight_norm : float or None
        Norm of the layer's parameters.
    activations : ndarray
        A sample of the layer's outputs on the rows checked (for plots).
    """

    index: int
    kind: str
    activation: str = None
    n_units: int = None
    dead_units: np.ndarray = None
    saturated_units: np.ndarray = None
    gradient_norm: float = None
    weight_norm: float = None
    activations: np.ndarray = field(default=None, repr=False)


@dataclass
class Diagnosis:
    """What :func:`diagnose` found: findings with advice, and numbers per layer.

    Attributes
    ----------
    findings : list of Finding
        Each with ``kind``, ``message`` (what was seen) and ``advice`` (what
        to change); empty when nothing looks wrong.
    layers : list of LayerReport
        One per layer of the network, output layer last.
    n_rows : int
        Rows of ``X`` the checks read (at most 2,000, evenly spaced).
    """

    findings: list
    layers: list
    n_rows: int

    @property
    def kinds(self):
        """The ``kind`` of each finding, in order."""
        return [finding.kind for finding in self.findings]

    def __repr__(self):
        lines = [f"Diagnosis on {self.n_rows} rows: "
                 + (f"{len(self.findings)} finding(s)" if self.findings else "no findings")]
        for finding in self.findings:
            lines.append(f"- {finding.kind}: {finding.message}.")
            lines.append(f"  Fix: {finding.advice}.")
        lines.append(f"{'layer':<22} units  dead  saturated  |grad|     |weights|")
        for report in self.layers:
            def count(units):
                return "-" if units is None else str(len(units))

            def number(value):
                return "-" if value is None else f"{value:.3g}"

            name = f"{report.index} {report.kind}" + (
                f" ({report.activation})" if report.activation else "")
            lines.append(
                f"{name:<22} {'-' if report.n_units is None else report.n_units:>5} "
                f"{count(report.dead_units):>5} {count(report.saturated_units):>10}  "
                f"{number(report.gradient_norm):<10} {number(report.weight_norm)}")
        return "\n".join(lines)


def _unwrap(estimator, X, y):
    """The network estimator, what its network reads, and its targets."""
    if isinstance(estimator, TransformedTargetRegressor):
        check_is_fitted(estimator)
        if y is not None:
            y = np.asarray(y, dtype=np.float64)
            column = y.ndim == 1
            y = y.reshape(len(y), -1)
            y = (estimator.transformer_.transform(y) if estimator.func is None
                 and estimator.inverse_func is None else estimator.func(y))
            y = np.asarray(y)[:, 0] if column else np.asarray(y)
        estimator = estimator.regressor_
    if isinstance(estimator, Pipeline):
        X = estimator[:-1].transform(X)
        estimator = estimator[-1]
    check_is_fitted(estimator)
    if not hasattr(estimator, "network_"):
        raise TypeError(
            "diagnose needs a fitted ANNClassifier, ANNRegressor or ANNAutoencoder, or a "
            f"Pipeline or TransformedTargetRegressor around one; got {type(estimator).__name__}."
        )
    return estimator, X, y


def _parameter_slices(network):
    """The slices of ``params`` (and ``grads``) holding each layer's parameters."""
    declared = [(k, p) for k, layer in enumerate(network.layers) for p in layer.parameters()]
    declared.sort(key=lambda entry: ROLES.index(entry[1].role))  # as the allocator lays them
    slices = [[] for _ in network.layers]
    start = 0
    for k, p in declared:
        slices[k].append(slice(start, start + p.size))
        start += p.size
    return slices


def _norm(vector, slices):
    return float(math.sqrt(sum(float(vector[s] @ vector[s]) for s in slices))) if slices else None


def _layer_reports(network, outputs):
    reports = []
    for k, (layer, A) in enumerate(zip(network.layers, outputs)):
        last = k == len(network.layers) - 1
        activation = network.output_activation if last else layer.activation
        activation = getattr(activation, "name", activation)
        units = getattr(layer, "units", getattr(layer, "filters", None))
        report = LayerReport(k, type(layer).__name__, activation, units)
        values = A.reshape(-1)
        report.activations = values[np.linspace(0, values.size - 1, min(values.size, KEPT_VALUES))
                                    .astype(int)] if values.size else values
        if not last and units is not None and A.shape[-1] == units:
            per_unit = A.reshape(-1, units)  # channels last: every position of every row
            if activation in RELU_FAMILY:
                report.dead_units = np.flatnonzero((per_unit <= 0).all(axis=0))
            elif activation in SATURATING:
                low, high = SATURATING[activation]
                share = ((per_unit <= low) | (per_unit >= high)).mean(axis=0)
                report.saturated_units = np.flatnonzero(share >= SATURATED_SHARE)
        reports.append(report)
    return reports


def _layer_findings(reports, estimator):
    findings = []
    params = estimator.get_params()
    lr = params.get("learning_rate_init")
    dead = [r for r in reports if r.dead_units is not None and r.n_units
            and len(r.dead_units) >= UNIT_SHARE * r.n_units]
    if dead:
        counts = ", ".join(f"layer {r.index}: {len(r.dead_units)} of {r.n_units}" for r in dead)
        findings.append(Finding(
            "dead_units",
            f"units never active on the rows checked ({counts}); they pass no gradient and "
            "no longer learn",
            f"lower learning_rate_init (now {lr}), use activation='leaky_relu' (its units "
            "never stop learning), or weight_init='he_uniform'; scale X if it is not",
            [r.index for r in dead]))
    saturated = [r for r in reports if r.saturated_units is not None and r.n_units
                 and len(r.saturated_units) >= UNIT_SHARE * r.n_units]
    if saturated:
        counts = ", ".join(f"layer {r.index}: {len(r.saturated_units)} of {r.n_units}"
                           for r in saturated)
        findings.append(Finding(
            "saturated_units",
            f"units stuck at a limit of their activation on nearly every row ({counts}); "
            "their gradient is close to zero",
            "scale X (StandardScaler in a Pipeline), lower learning_rate_init "
            f"(now {lr}), use batch_norm=True, or activation='relu'",
            [r.index for r in saturated]))
    weighted = [r for r in reports if r.gradient_norm is not None and r.weight_norm]
    if len(weighted) >= 3:
        first, last = weighted[0], weighted[-1]
        ratio_first = first.gradient_norm / first.weight_norm
        ratio_last = last.gradient_norm / last.weight_norm
        if ratio_last > 1e-8 and ratio_first < 1e-3 * ratio_last:
            findings.append(Finding(
                "vanishing_gradients",
                f"the gradient reaching layer {first.index} is {ratio_first / ratio_last:.1g} "
                f"times that of layer {last.index}, relative to their weights",
                "use activation='relu' or 'leaky_relu' with weight_init='auto', "
                "batch_norm=True, or fewer layers", [first.index]))
    exploding = [r for r in weighted if r.gradient_norm > 1e3 * max(1.0, r.weight_norm)]
    if exploding:
        findings.append(Finding(
            "exploding_gradients",
            "gradients far larger than the weights they update ("
            + ", ".join(f"layer {r.index}: |grad| {r.gradient_norm:.3g}" for r in exploding)
            + ")",
            f"scale X and y, lower learning_rate_init (now {lr}), or set max_grad_norm=1.0",
            [r.index for r in exploding]))
    return findings


def diagnose(estimator, X, y=None):
    """Look for what hinders a fitted network: data, layers and run, each with advice.

    The checks, and the findings they can give (``Finding.kind``):

    - the data the network reads: columns of ``X`` or regression targets far
      from unit scale (``"unscaled_input"``, ``"unscaled_target"``), constant
      columns (``"constant_input"``);
    - the layers, on at most 2,000 rows of ``X``: relu-family units never
      active (``"dead_units"``), logistic or tanh units at a limit on nearly
      every row (``"saturated_units"``), and, with ``y``, the gradient of the
      loss per layer on a batch (``"vanishing_gradients"``,
      ``"exploding_gradients"``);
    - the run, from ``loss_curve_`` and ``validation_scores_``: a loss that
      rises (``"diverging_loss"``), oscillates (``"oscillating_loss"``) or
      was still falling when ``max_iter`` ended training
      (``"still_improving"``), a validation score falling while the training
      loss falls (``"overfitting"``).

    A layer counts as a finding when at least half of its units are dead or
    saturated; the counts are in ``layers`` either way.

    Parameters
    ----------
    estimator : fitted ANNClassifier, ANNRegressor or ANNAutoencoder
        Or a Pipeline ending in one (the checks see the data its network
        reads), or a TransformedTargetRegressor around either (they see the
        transformed targets).
    X : array-like of shape (n_samples, n_features)
        Data as the estimator takes it, typically the training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        Its targets: needed for the target-scale check and the gradients.

    Returns
    -------
    diagnosis : Diagnosis
        ``findings`` (each with ``kind``, ``message`` and ``advice``) and
        ``layers`` (dead and saturated units, gradient and weight norms per
        layer); its repr reads as a report.

    Examples
    --------
    >>> import warnings
    >>> from sklearn.datasets import load_linnerud
    >>> from sk_ann import ANNRegressor
    >>> from sk_ann.inspection import diagnose
    >>> X, y = load_linnerud(return_X_y=True)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     model = ANNRegressor(random_state=0).fit(X, y)
    >>> diagnose(model, X, y).kinds
    ['unscaled_target', 'unscaled_input']
    """
    final, Z, y = _unwrap(estimator, X, y)
    Z = final._validated_input(Z)
    n = Z.shape[0]
    rows = np.linspace(0, n - 1, min(n, 2000)).astype(int)
    Zs = Z[rows]
    Zs = Zs.toarray() if sp.issparse(Zs) else np.asarray(Zs)
    regression = (is_regressor(final)
                  and getattr(final, "loss", None) in ("squared_error", "absolute_error",
                                                       "huber"))
    ys = None if y is None else np.asarray(y)[rows]
    findings = scale_findings(Zs, ys, regression=regression,
                              feature_names=getattr(final, "feature_names_in_", None),
                              positions=len(final.network_.input_shape) > 1)
    network = _float64_twin(final.network_)
    reports = _layer_reports(network, network.layer_outputs(Zs.astype(np.float64)))
    slices = _parameter_slices(network)
    for report, own in zip(reports, slices):
        report.weight_norm = _norm(network.params, own)
    if ys is not None and hasattr(final, "_target_encoder"):
        batch = rows[:GRADIENT_ROWS].size
        encoder = final._target_encoder
        Y = np.asarray(encoder.transform(ys[:batch], np.float64), dtype=np.float64)
        with network.frozen():
            raw = network.forward(Zs[:batch].astype(np.float64), training=True)
            _, d_raw = final._loss(encoder).loss_gradient(Y, raw)
            grads = network.backward(d_raw)
        for report, own in zip(reports, slices):
            report.gradient_norm = _norm(grads, own)
    findings += _layer_findings(reports, final)
    scores = getattr(final, "validation_scores_", None)
    findings += curve_findings(
        getattr(final, "loss_curve_", None), n_iter=getattr(final, "n_iter_", None),
        max_iter=final.max_iter, tol=final.tol, params=final.get_params(),
        validation_scores=scores)
    return Diagnosis(findings, reports, len(rows))

"""Plots of neural networks: training curves, network diagrams, activation functions.

Each plot is a display object, as in scikit-learn: it holds the numbers,
``plot`` draws them and keeps the matplotlib objects it made (``ax_``,
``figure_`` and the artists), and ``from_estimator`` (``from_name`` for
activations) computes the numbers and plots them in one call. matplotlib is
imported only when something is drawn; install it with
``pip install "sk_ann[plots]"``.
"""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .core.activations import ACTIVATIONS, OUTPUT_LINKS

__all__ = ["ActivationDisplay", "NetworkDiagramDisplay", "TrainingCurveDisplay",
           "RecurrentStatesDisplay"]


def _pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError:
        raise ImportError(
            f"{caller} needs matplotlib. Install it with: pip install \"sk_ann[plots]\" "
            "(or pip install matplotlib)."
        ) from None
    return plt


def _axes(ax, caller, **subplots_kwargs):
    plt = _pyplot(caller)
    if ax is None:
        _, ax = plt.subplots(**subplots_kwargs)
    return ax


def _fitted_network_estimator(estimator, caller):
    """The fitted estimator (a Pipeline's last step) holding a network."""
    if isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    check_is_fitted(estimator)
    if not hasattr(estimator, "coefs_"):
        raise TypeError(
            f"{caller} needs a fitted neural network such as ANNClassifier, ANNRegressor "
            f"or ANNAutoencoder; got {type(estimator).__name__}."
        )
    return estimator


def _optional_curve(values):
    return None if values is None else np.asarray(values, dtype=float)


class TrainingCurveDisplay:
    """The training loss per iteration and, beside it, the validation score.

    The loss is drawn on ``ax_``; the validation score, when there is one
    (``early_stopping=True``), on a second y-axis ``score_ax_`` sharing the
    iterations, with a dotted line at the iteration of the best score, whose
    weights an early-stopped estimator keeps. A validation loss, when given,
    is drawn dashed on the loss axis. For the stochastic solvers an iteration
    is an epoch.

    Parameters
    ----------
    loss_curve : array-like of shape (n_iter,)
        The training loss after each iteration, e.g. an estimator's
        ``loss_curve_``.
    validation_scores : array-like of shape (n_iter,), default=None
        The score on the held-out data after each iteration, e.g.
        ``validation_scores_``.
    validation_loss_curve : array-like of shape (n_iter,), default=None
        The loss on the held-out data after each iteration.
    estimator_name : str, default=None
        The plot's title.
    score_name : str, default=None
        What the validation score measures, e.g. ``"accuracy"``, for the
        axis label; ``"score"`` when not given.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the loss.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    score_ax_ : matplotlib Axes or None
        The twin axes of the validation score; None without validation scores.
    lines_ : dict of str to matplotlib Line2D
        ``"loss"``, and where drawn ``"validation_loss"``,
        ``"validation_score"`` and ``"best_iteration"``.

    See Also
    --------
    NetworkDiagramDisplay : The fitted network's neurons and weights.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.plot import TrainingCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = ANNClassifier(early_stopping=True, validation_fraction=0.2, max_iter=300,
    ...                     learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['best_iteration', 'loss', 'validation_loss', 'validation_score']
    >>> display.score_ax_.get_ylabel()
    'validation accuracy'
    >>> plt.close(display.figure_)
    """

    def __init__(self, loss_curve, validation_scores=None, validation_loss_curve=None,
                 estimator_name=None, *, score_name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.validation_loss_curve = validation_loss_curve
        self.estimator_name = estimator_name
        self.score_name = score_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot a fitted estimator's ``loss_curve_`` and ``validation_scores_``.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor, ANNAutoencoder or Pipeline
            The estimator, or a pipeline ending in one. scikit-learn's
            ``MLPClassifier`` and ``MLPRegressor`` work too, but record no
            loss curve for ``solver="lbfgs"``.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the artists it drew.
        """
        estimator = _fitted_network_estimator(estimator, f"{cls.__name__}.from_estimator")
        loss_curve = getattr(estimator, "loss_curve_", None)
        if loss_curve is None:
            raise ValueError(
                f"{type(estimator).__name__} recorded no loss_curve_ (scikit-learn's MLP "
                "records none for solver='lbfgs'); use an sk_ann estimator or a "
                "stochastic solver."
            )
        scoring = getattr(estimator, "scoring", None)
        if scoring == "loss":
            score_name = "score (minus the loss)"
        elif isinstance(scoring, str):
            score_name = scoring
        elif scoring is not None:
            score_name = None
        elif is_classifier(estimator):
            score_name = "accuracy"
        elif is_regressor(estimator):
            score_name = "R²"
        else:
            score_name = None
        display = cls(
            loss_curve,
            validation_scores=getattr(estimator, "validation_scores_", None),
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            estimator_name=type(estimator).__name__,
            score_name=score_name,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw the loss; a new figure when None. The validation
            score goes on a twin of it.
        **kwargs : dict
            Properties of the training-loss line (matplotlib ``Line2D``), e.g.
            ``color="black"``.

        Returns
        -------
        display : TrainingCurveDisplay
            This display, with ``ax_``, ``figure_``, ``score_ax_`` and
            ``lines_`` set.
        """
        ax = _axes(ax, f"{type(self).__name__}.plot")
        from matplotlib.ticker import MaxNLocator

        loss = np.asarray(self.loss_curve, dtype=float)
        validation_loss = _optional_curve(self.validation_loss_curve)
        scores = _optional_curve(self.validation_scores)

        self.lines_ = {}
        self.lines_["loss"], = ax.plot(_iterations(loss), loss,
                                       **{"color": "C0", "label": "training loss", **kwargs})
        if validation_loss is not None:
            self.lines_["validation_loss"], = ax.plot(
                _iterations(validation_loss), validation_loss, color="C0", linestyle="--",
                label="validation loss")
        ax.set_xlabel("iteration")
        ax.set_ylabel("loss")
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

        self.score_ax_ = None
        if scores is not None and scores.size:
            self._plot_scores(ax, scores)
        handles = list(self.lines_.values())
        if len(handles) > 1:
            # Below the axes: inside, a legend would hide one curve or the other.
            ax.legend(handles, [line.get_label() for line in handles], loc="upper center",
                      bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
        if self.estimator_name is not None:
            ax.set_title(self.estimator_name)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _plot_scores(self, ax, scores):
        score_label = f"validation {self.score_name or 'score'}"
        score_ax = ax.twinx()
        self.lines_["validation_score"], = score_ax.plot(
            _iterations(scores), scores, color="C1", label=score_label)
        score_ax.set_ylabel(score_label, color="C1")
        score_ax.tick_params(axis="y", colors="C1")
        if np.isfinite(scores).any():
            best = int(np.nanargmax(scores)) + 1
            self.lines_["best_iteration"] = score_ax.axvline(
                best, color="C1", linestyle=":", alpha=0.8,
                label=f"best validation score (iteration {best})")
        self.score_ax_ = score_ax


def _iterations(curve):
    return np.arange(1, len(curve) + 1)


class NetworkDiagramDisplay:
    """The network as neurons in columns, linked by lines coloured by their weights.

    Each layer is a column of circles, from the inputs on the left through the
    hidden layers to the outputs, labelled with its size and activation. The
    line from neuron ``i`` of one layer to neuron ``j`` of the next stands for
    the weight ``weights[k][i, j]``: red when positive, blue when negative,
    wider and more opaque the larger its magnitude, on one colour scale for
    the whole network, from minus to plus the largest weight drawn. Given
    ``biases``, each neuron is filled with the colour of its bias on the same
    scale (a bias beyond it takes the colour of its end). A layer wider than ``max_neurons`` shows its first and
    last neurons around a vertical ellipsis that says how many are left out;
    lines are drawn between shown neurons only.

    Parameters
    ----------
    layer_sizes : sequence of int
        The number of inputs, then the number of neurons of each layer.
    weights : sequence of array-like
        One matrix per layer after the input, of shape
        ``(layer_sizes[k], layer_sizes[k + 1])``, e.g. ``coefs_``.
    activations : sequence of str
        The activation of each layer after the input, the output layer's last.
    max_neurons : int, default=12
        The most neurons drawn per layer (at least 2).
    biases : sequence of array-like, default=None
        One vector per layer after the input, e.g. ``intercepts_``; when
        given, the neurons are filled with the colour of their bias.
    input_names : sequence of str, default=None
        Names written beside the input neurons, e.g. ``feature_names_in_``.
    output_names : sequence of str, default=None
        Names written beside the output neurons, e.g. class labels.
    estimator_name : str, default=None
        The plot's title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on (its axis lines are hidden).
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    shown_ : list of ndarray
        For each layer, the indices of the neurons drawn.
    neurons_ : list of list of matplotlib Circle
        For each layer, the circles of the shown neurons, top to bottom.
    connections_ : list of matplotlib LineCollection
        For each pair of consecutive layers, the lines between their shown
        neurons, ordered by source neuron, then target neuron: segment
        ``a * len(shown_[k + 1]) + b`` is the weight
        ``weights[k][shown_[k][a], shown_[k + 1][b]]``.
    ellipses_ : list of matplotlib Text or None
        For each layer, the ellipsis marker saying how many neurons are not
        shown, or None when all are.
    layer_labels_ : list of matplotlib Text
        For each layer, the label under its column.
    colorbar_ : matplotlib Colorbar or None
        The colour scale of the weights.

    See Also
    --------
    TrainingCurveDisplay : How the loss fell during training.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.plot import NetworkDiagramDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = ANNClassifier(hidden_layer_sizes=(20, 5), solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> display = NetworkDiagramDisplay.from_estimator(clf, max_neurons=8)
    >>> [len(circles) for circles in display.neurons_]
    [4, 8, 5, 3]
    >>> display.ellipses_[1].get_text()
    '⋮\\n12 more'
    >>> print(display.layer_labels_[1].get_text())
    hidden 1
    20 neurons
    relu
    >>> plt.close(display.figure_)
    """

    def __init__(self, layer_sizes, weights, activations, max_neurons=12, *, biases=None,
                 input_names=None, output_names=None, estimator_name=None):
        self.layer_sizes = layer_sizes
        self.weights = weights
        self.activations = activations
        self.max_neurons = max_neurons
        self.biases = biases
        self.input_names = input_names
        self.output_names = output_names
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, max_neurons=12, **kwargs):
        """Draw a fitted estimator's network.

        The inputs are named after ``feature_names_in_`` when the estimator
        was fitted on a DataFrame; a classifier's outputs after its classes
        (for binary labels the one output neuron is the second class's
        probability); an autoencoder's outputs after its inputs.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor, ANNAutoencoder or Pipeline
            The estimator, or a pipeline ending in one. scikit-learn's
            ``MLPClassifier`` and ``MLPRegressor`` work too.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        max_neurons : int, default=12
            The most neurons drawn per layer.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : NetworkDiagramDisplay
            The display, with the artists it drew.
        """
        estimator = _fitted_network_estimator(estimator, f"{cls.__name__}.from_estimator")
        weights = [np.asarray(W) for W in estimator.coefs_]
        layer_sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
        network = getattr(estimator, "network_", None)
        if network is None:  # scikit-learn's MLP: one activation for every hidden layer
            hidden = [estimator.activation] * (len(weights) - 1)
        else:
            others = sorted({type(layer).__name__ for layer in network.layers} - {"Dense"})
            if others or len(network.input_shape) > 1:
                raise ValueError(
                    f"{cls.__name__} draws networks of dense layers on flat features; this "
                    f"one has {', '.join(others) or 'an input_shape'}. Look at its filters "
                    "and feature maps with ConvolutionDisplay instead."
                )
            # One name per layer: the fitted layers', which a per-layer list set.
            hidden = [layer.activation for layer in network.layers[:-1]]
        activations = hidden + [estimator.out_activation_]
        input_names = getattr(estimator, "feature_names_in_", None)
        display = cls(
            layer_sizes, weights, activations, max_neurons=max_neurons,
            biases=[np.asarray(b) for b in estimator.intercepts_],
            input_names=input_names,
            output_names=_output_names(estimator, layer_sizes[-1], input_names),
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, cmap="RdBu_r", colorbar=True):
        """Draw the diagram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure sized to the network when None.
        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map; its middle colour stands for a weight of 0.
        colorbar : bool, default=True
            Whether to add the colour scale beside the diagram.

        Returns
        -------
        display : NetworkDiagramDisplay
            This display, with ``ax_``, ``figure_``, ``shown_``, ``neurons_``,
            ``connections_``, ``ellipses_``, ``layer_labels_`` and
            ``colorbar_`` set.
        """
        sizes, weights, biases = self._checked()
        self.shown_ = [_shown_neurons(n, self.max_neurons) for n in sizes]
        columns = [_column(len(shown), n) for shown, n in zip(self.shown_, sizes)]
        n_slots = max(len(y) + (y_ellipsis is not None) for y, y_ellipsis in columns)
        # Columns far enough apart for the lines to be told apart, as the layers grow taller.
        dx = max(3.0, 0.4 * n_slots)
        margin = 2.2
        width = (len(sizes) - 1) * dx + 2 * margin
        ax = _axes(ax, f"{type(self).__name__}.plot",
                   figsize=(2.5 + 0.55 * width, 2.5 + 0.45 * n_slots))

        from matplotlib import colormaps
        from matplotlib.colors import Normalize

        cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
        largest = _largest_magnitude(weights, self.shown_)
        # The scale is the weights'; a larger bias takes the colour of the scale's end.
        norm = Normalize(-largest, largest, clip=True)
        positions = [np.column_stack([np.full(len(y), k * dx), y])
                     for k, (y, _) in enumerate(columns)]

        self.connections_ = [
            ax.add_collection(self._connections(W, positions[k], positions[k + 1], k, cmap, norm))
            for k, W in enumerate(weights)
        ]
        self.neurons_ = []
        self.ellipses_ = []
        self.layer_labels_ = []
        bottom = -(n_slots - 1) / 2
        for k, (shown, n) in enumerate(zip(self.shown_, sizes)):
            bias = None if k == 0 or biases is None else biases[k - 1]
            self.neurons_.append(self._neurons(ax, positions[k], shown, bias, cmap, norm))
            y_ellipsis = columns[k][1]
            self.ellipses_.append(None if y_ellipsis is None else self._ellipsis(
                ax, k * dx, y_ellipsis, n - len(shown)))
            self.layer_labels_.append(ax.text(
                k * dx, bottom - 0.8, self._layer_label(k, n), ha="center", va="top",
                fontsize=9))
        self._names(ax, positions[0], self.shown_[0], self.input_names, "right")
        self._names(ax, positions[-1], self.shown_[-1], self.output_names, "left")

        ax.set_xlim(-margin, width - margin)
        ax.set_ylim(bottom - 2.6, -bottom + 0.8)
        ax.set_aspect("equal")
        ax.set_axis_off()
        if self.estimator_name is not None:
            ax.set_title(self.estimator_name)
        self.colorbar_ = None
        if colorbar:
            from matplotlib.cm import ScalarMappable

            self.colorbar_ = ax.figure.colorbar(
                ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6,
                extend=_beyond(biases, self.shown_, largest),
                label="weight (lines), bias (fill)" if biases is not None else "weight")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _checked(self):
        sizes = [int(n) for n in self.layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes needs at least 2 positive sizes, got {sizes}.")
        if not isinstance(self.max_neurons, Integral) or self.max_neurons < 2:
            raise ValueError(f"max_neurons must be an int >= 2, got {self.max_neurons!r}.")
        weights = [np.asarray(W, dtype=float) for W in self.weights]
        expected = list(zip(sizes[:-1], sizes[1:]))
        if [W.shape for W in weights] != expected:
            raise ValueError(
                f"weights must have the shapes {expected} from layer_sizes, got "
                f"{[W.shape for W in weights]}."
            )
        if len(self.activations) != len(weights):
            raise ValueError(
                f"activations needs one name per layer after the input ({len(weights)}), "
                f"got {len(self.activations)}."
            )
        biases = None
        if self.biases is not None:
            biases = [np.asarray(b, dtype=float) for b in self.biases]
            if [b.shape for b in biases] != [(n,) for n in sizes[1:]]:
                raise ValueError(
                    f"biases must have the shapes {[(n,) for n in sizes[1:]]}, got "
                    f"{[b.shape for b in biases]}."
                )
        return sizes, weights, biases

    def _connections(self, W, source, target, k, cmap, norm):
        from matplotlib.collections import LineCollection

        w = W[np.ix_(self.shown_[k], self.shown_[k + 1])].ravel()
        start = np.repeat(source, len(target), axis=0)
        end = np.tile(target, (len(source), 1))
        # Lines run from circle edge to circle edge.
        start[:, 0] += _RADIUS
        end[:, 0] -= _RADIUS
        strength = np.abs(w) / norm.vmax
        colors = cmap(norm(w))
        colors[:, 3] = 0.15 + 0.85 * strength
        return LineCollection(np.stack([start, end], axis=1), colors=colors,
                              linewidths=0.3 + 3.2 * strength, zorder=1)

    @staticmethod
    def _neurons(ax, positions, shown, bias, cmap, norm):
        from matplotlib.patches import Circle

        fills = ["0.92"] * len(shown) if bias is None else cmap(norm(bias[shown]))
        return [ax.add_patch(Circle(xy, _RADIUS, facecolor=fill, edgecolor="0.2",
                                    linewidth=1.0, zorder=3))
                for xy, fill in zip(positions, fills)]

    @staticmethod
    def _ellipsis(ax, x, y, n_hidden):
        return ax.text(x, y, f"⋮\n{n_hidden} more", ha="center", va="center",
                       fontsize=9, linespacing=0.9, zorder=3,
                       bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "none",
                             "alpha": 0.85})

    def _layer_label(self, k, n):
        if k == 0:
            return f"input\n{n} feature{'s' * (n != 1)}"
        kind = "output" if k == len(self.activations) else f"hidden {k}"
        return f"{kind}\n{n} neuron{'s' * (n != 1)}\n{self.activations[k - 1]}"

    @staticmethod
    def _names(ax, positions, shown, names, side):
        if names is None:
            return
        offset = -(_RADIUS + 0.15) if side == "right" else _RADIUS + 0.15
        for (x, y), index in zip(positions, shown):
            ax.text(x + offset, y, str(names[index]), ha=side, va="center", fontsize=8)


_RADIUS = 0.3


class ActivationDisplay:
    """An activation function and its derivative, as the network computes them.

    Parameters
    ----------
    name : str
        The activation's name, the plot's title.
    z : ndarray of shape (n_points,)
        The pre-activations, on the x-axis.
    a : ndarray of shape (n_points,)
        The activation :math:`f(z)`.
    da : ndarray of shape (n_points,)
        Its derivative :math:`f'(z)`.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    lines_ : dict of str to matplotlib Line2D
        ``"f"`` and ``"derivative"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sk_ann.plot import ActivationDisplay
    >>> display = ActivationDisplay.from_name("tanh")
    >>> display.ax_.get_title()
    'tanh'
    >>> float(display.lines_["derivative"].get_ydata().max())   # f'(0) = 1
    1.0
    >>> plt.close(display.figure_)
    """

    def __init__(self, name, z, a, da):
        self.name = name
        self.z = z
        self.a = a
        self.da = da

    @classmethod
    def from_name(cls, name, *, z=None, ax=None):
        """Compute and plot an activation with sk_ann's own forward and backward passes.

        The derivative is the backward pass with :math:`\\partial L / \\partial a = 1`,
        exactly what backpropagation multiplies by (so ``relu``'s is 0 at 0).

        Parameters
        ----------
        name : str
            A hidden-layer activation (``sk_ann.core.activations.ACTIVATIONS``)
            or an element-wise output link (``"exp"``). ``"softmax"`` is
            refused: each of its outputs depends on every neuron of the layer,
            so it has no curve of one variable.
        z : array-like of shape (n_points,), default=None
            Where to evaluate it; ``np.linspace(-4, 4, 401)`` when None.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : ActivationDisplay
            The display, with the artists it drew.
        """
        activation = _elementwise_activation(name)
        z = np.linspace(-4.0, 4.0, 401) if z is None else np.asarray(z, dtype=float)
        if z.ndim != 1:
            raise ValueError(f"z must be 1-D, got an array of shape {z.shape}.")
        Z = z.reshape(-1, 1)
        A = activation.forward(Z.copy())
        dZ = activation.backward(Z, A, np.ones_like(Z))
        return cls(name, z, A[:, 0], dZ[:, 0]).plot(ax=ax)

    def plot(self, ax=None):
        """Draw :math:`f` and :math:`f'` against :math:`z`, with a legend.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : ActivationDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        ax = _axes(ax, f"{type(self).__name__}.plot")
        ax.axhline(0, color="0.75", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.75", linewidth=0.8, zorder=0)
        self.lines_ = {
            "f": ax.plot(self.z, self.a, color="C0", linewidth=2, label="$f(z)$")[0],
            "derivative": ax.plot(self.z, self.da, color="C3", linestyle="--", linewidth=2,
                                  label="$f\\,'(z)$")[0],
        }
        ax.set_xlabel("$z$ (a neuron's input sum)")
        ax.set_title(self.name)
        ax.grid(alpha=0.3)
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _elementwise_activation(name):
    elementwise = {**ACTIVATIONS, **{key: cls for key, cls in OUTPUT_LINKS.items()
                                     if cls.elementwise}}
    if isinstance(name, str) and name in OUTPUT_LINKS and name not in elementwise:
        raise ValueError(
            f"{name!r} is not element-wise: each of its outputs depends on every neuron of "
            f"the layer, so it has no curve f(z) of one variable. Plot one of "
            f"{sorted(elementwise)}."
        )
    if not isinstance(name, str) or name not in elementwise:
        raise ValueError(f"activation must be one of {sorted(elementwise)}, got {name!r}.")
    return elementwise[name]()


def _shown_neurons(n, max_neurons):
    """Indices of the neurons drawn: all, or the first and last ones when too many."""
    if n <= max_neurons:
        return np.arange(n)
    head = (max_neurons + 1) // 2
    return np.concatenate([np.arange(head), np.arange(n - (max_neurons - head), n)])


def _column(n_shown, n):
    """y of each shown neuron, top to bottom and centred on 0, and y of the
    ellipsis standing for the rest (None when all ``n`` are shown)."""
    hidden = n_shown < n
    y = (n_shown + hidden - 1) / 2 - np.arange(n_shown + hidden, dtype=float)
    if not hidden:
        return y, None
    # The ellipsis takes the slot after the first half, as _shown_neurons splits them.
    head = n_shown - n_shown // 2
    return np.delete(y, head), y[head]


def _largest_magnitude(weights, shown):
    """The colour scale's end: the largest |weight| drawn (1 if all are 0)."""
    largest = max(float(np.abs(W[np.ix_(shown[k], shown[k + 1])]).max())
                  for k, W in enumerate(weights))
    return largest if largest > 0 else 1.0


def _beyond(biases, shown, largest):
    """The colour bar's ``extend``: which ends some drawn bias lies beyond."""
    if biases is None:
        return "neither"
    drawn = np.concatenate([b[shown[k + 1]] for k, b in enumerate(biases)])
    low, high = bool((drawn < -largest).any()), bool((drawn > largest).any())
    return {(True, True): "both", (True, False): "min", (False, True): "max"}.get(
        (low, high), "neither")


def _output_names(estimator, n_outputs, input_names):
    classes = getattr(estimator, "classes_", None)
    if classes is not None:
        if n_outputs == len(classes):
            return list(classes)
        if n_outputs == 1 and len(classes) == 2:
            return [classes[1]]
        return None
    if input_names is not None and len(input_names) == n_outputs and not is_regressor(estimator):
        return input_names  # an autoencoder's outputs reconstruct its inputs
    return None


class RecurrentStatesDisplay:
    """The states of a recurrent layer's units over the steps of one sequence.

    A recurrent layer (``SimpleRNN``, ``LSTM``, ``GRU``, ``Bidirectional``)
    keeps a state per unit that it updates at every step; this display draws,
    for one input sequence, a line per unit: its state after each step. Where
    a state jumps, the unit reacted to that step's input; where it stays
    level, the unit holds what it saw earlier.

    Parameters
    ----------
    states : array-like of shape (timesteps, n_units)
        The state of each drawn unit after each step.
    units : sequence of int
        The units' indices in the layer (the columns of its output).
    unit_names : sequence of str, default=None
        The lines' labels; ``"unit j"`` when None.
    layer_name : str, default=None
        The plot's title, e.g. the layer's repr.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    lines_ : list of matplotlib Line2D
        One line per drawn unit, in the order of ``units``.

    See Also
    --------
    sk_ann.core.layers.RecurrentUnit : One unit's weights, per gate.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sk_ann import ANNRegressor
    >>> from sk_ann.layers import GRU
    >>> from sk_ann.plot import RecurrentStatesDisplay
    >>> X = np.random.RandomState(0).normal(size=(100, 12, 2))
    >>> model = ANNRegressor([GRU(8)], input_shape=(12, 2), max_iter=5,
    ...                      random_state=0).fit(X, X[:, :, 0].sum(axis=1))
    >>> display = RecurrentStatesDisplay.from_estimator(model, X[0], units=[0, 3])
    >>> display.states.shape, len(display.lines_)
    ((12, 2), 2)
    >>> plt.close(display.figure_)
    """

    def __init__(self, states, units, *, unit_names=None, layer_name=None):
        self.states = states
        self.units = units
        self.unit_names = unit_names
        self.layer_name = layer_name

    @classmethod
    def from_estimator(cls, estimator, x_sample, *, units=None, layer=None, n_units=5,
                       ax=None, **kwargs):
        """Run one sequence through a fitted estimator and draw a recurrent layer's states.

        The layer's states after *every* step are computed whether or not it
        has ``return_sequences=True`` (``layer.sequence``); the layers before
        it run as when predicting.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor or Pipeline
            The estimator, or a pipeline ending in one (``x_sample`` then goes
            through the pipeline's other steps first, as a flat row).
        x_sample : array-like of shape (timesteps, features) or (timesteps * features,)
            One sample, as one row of ``X`` or in the estimator's ``input_shape``.
        units : sequence of int, default=None
            The units to draw (columns of the layer's output; for a
            ``Bidirectional`` layer the forward units come first). None draws
            the ``n_units`` units whose state varies most over this sequence.
        layer : int, default=None
            Index of the layer in ``network_.layers``; None means the first
            recurrent layer.
        n_units : int, default=5
            How many units to draw when ``units`` is None.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RecurrentStatesDisplay
            The display, with the artists it drew.
        """
        caller = f"{cls.__name__}.from_estimator"
        model = _fitted_network_estimator(estimator, caller)
        network = model.network_
        index, core_layer = _recurrent_layer(network, layer)
        x = np.asarray(x_sample, dtype=float)
        if isinstance(estimator, Pipeline) and len(estimator) > 1:
            x = estimator[:-1].transform(x.reshape(1, -1))
        x = np.asarray(x, dtype=network.dtype)
        if x.size != network.n_features:
            raise ValueError(
                f"x_sample must be one sample of shape {network.input_shape} (or "
                f"{network.n_features} numbers), got an array of shape {np.shape(x_sample)}."
            )
        A = x.reshape(1, *network.input_shape)
        for before in network.layers[:index]:
            A = before.forward(A)
        states = core_layer.sequence(A)[0]
        width = states.shape[1]
        if units is None:
            if not isinstance(n_units, Integral) or n_units < 1:
                raise ValueError(f"n_units must be a positive int, got {n_units!r}.")
            spread = states.max(axis=0) - states.min(axis=0)
            units = np.sort(np.argsort(-spread, kind="stable")[:n_units])
        units = [int(j) for j in np.atleast_1d(units)]
        bad = [j for j in units if not -width <= j < width]
        if bad or not units:
            raise ValueError(
                f"units must be indices of the layer's {width} units, got {bad or units}.")
        units = [j % width for j in units]
        names = _unit_names(core_layer, units)
        display = cls(states[:, units], units, unit_names=names,
                      layer_name=f"layer {index}: {core_layer!r}")
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw each unit's state against the step.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Properties of every line (matplotlib ``Line2D``), e.g. ``linewidth=1``.

        Returns
        -------
        display : RecurrentStatesDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        ax = _axes(ax, f"{type(self).__name__}.plot")
        states = np.asarray(self.states, dtype=float)
        if states.ndim != 2 or states.shape[1] != len(self.units):
            raise ValueError(
                f"states must have shape (timesteps, {len(self.units)}), one column per "
                f"unit, got {states.shape}."
            )
        names = self.unit_names or [f"unit {j}" for j in self.units]
        steps = np.arange(states.shape[0])
        self.lines_ = [ax.plot(steps, states[:, k], label=name, **{"marker": ".", **kwargs})[0]
                       for k, name in enumerate(names)]
        ax.axhline(0, color="0.75", linewidth=0.8, zorder=0)
        ax.set_xlabel("step $t$")
        ax.set_ylabel("state $h_t$")
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small")
        if self.layer_name is not None:
            ax.set_title(self.layer_name)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _recurrent_layer(network, layer):
    """``(index, layer)`` of the network's recurrent layer to look at."""
    recurrent = [k for k, core in enumerate(network.layers) if hasattr(core, "sequence")]
    if layer is None:
        if not recurrent:
            raise ValueError(
                "the network has no recurrent layer (SimpleRNN, LSTM, GRU or Bidirectional "
                "from sk_ann.layers); its layers are "
                f"{[type(core).__name__ for core in network.layers]}."
            )
        return recurrent[0], network.layers[recurrent[0]]
    n = len(network.layers)
    if not isinstance(layer, Integral) or not -n <= layer < n:
        raise ValueError(
            f"layer must be an index of network_.layers (0 to {n - 1}), got {layer!r}.")
    index = layer % n
    if index not in recurrent:
        raise ValueError(
            f"network_.layers[{index}] is {network.layers[index]!r}, not a recurrent layer; "
            f"the recurrent layers are at {recurrent}."
        )
    return index, network.layers[index]


def _unit_names(layer, units):
    """Line labels: "unit j", with the direction for a bidirectional layer's units."""
    directions = getattr(layer, "directions", None)
    if directions is None:
        return [f"unit {j}" for j in units]
    half = directions[0].units
    return [f"unit {j % half} ({'forward' if j < half else 'backward'})" for j in units]

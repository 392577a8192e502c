"""Plots of neural networks: training curves, network diagrams, activation functions,
and the filters and feature maps of convolutional networks.

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
from .core.layers import AvgPool1D, AvgPool2D, Conv1D, Conv2D, MaxPool1D, MaxPool2D

__all__ = ["ActivationDisplay", "ConvolutionDisplay", "NetworkDiagramDisplay",
           "TrainingCurveDisplay"]

_CONVOLUTIONS = (Conv1D, Conv2D)
# Layers whose output still has positions; GlobalAvgPool's has none left to draw.
_POOLING = (MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D)


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


class ConvolutionDisplay:
    """What a convolutional network sees: its filters, and one sample's feature maps.

    A convolution's filter is one neuron that slides over the positions of its
    input, sharing its weights; its feature map is its output at every
    position, where the pattern its weights describe occurs in the sample.
    The figure has one row for the sample, then for each layer shown a row of
    its filters and a row of the sample's feature maps (pooling layers have
    no filters: one row of their output), one column per filter, the first
    ``max_filters`` of each layer.

    For a ``Conv2D`` each filter is an image of its weights, ``(rows,
    columns)`` of its kernel; when the layer reads several channels, the image
    is the mean of the filter's weights over those channels (with one channel,
    the weights themselves). For a ``Conv1D`` each filter is a heat map with
    one row per input channel and one column per position of its kernel. The
    filters of a layer share one colour scale, symmetric around 0 (red
    positive, blue negative). Feature maps and the sample are images for
    images and lines for sequences, one per channel, on one scale per row.

    Parameters
    ----------
    sample : ndarray of shape (length, channels) or (height, width, channels)
        The sample, as the network reads it (channels last).
    feature_maps : list of ndarray
        For each layer shown, its output for the sample, of shape
        ``(*positions, channels)``.
    filters : list of ndarray or None
        For each layer shown, its weights, of shape ``(*kernel_size,
        in_channels, n_filters)``, as in ``coefs_``; None for a pooling layer.
    layer_names : list of str
        For each layer shown, its name, such as ``"layers[0] Conv2D"``.
    estimator_name : str, default=None
        The figure's title.

    Attributes
    ----------
    figure_ : matplotlib Figure or SubFigure
        The figure drawn in.
    axes_ : ndarray of matplotlib Axes of shape (n_rows, n_columns)
        The grid: the sample's row first, then each layer's rows. Cells a row
        does not need are switched off.
    input_artists_ : list of matplotlib AxesImage or Line2D
        The sample, one image (or line) per channel shown.
    filter_artists_ : list of (list of matplotlib AxesImage or None)
        For each layer, one image per filter shown; None for pooling layers.
    feature_map_artists_ : list of list of matplotlib AxesImage or Line2D
        For each layer, one image (or line) per channel of its output shown.
    shown_ : list of ndarray
        For each layer, the indices of the filters (channels) shown.

    See Also
    --------
    NetworkDiagramDisplay : The neurons and weights of a network of dense layers.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.layers import Conv2D, MaxPool2D
    >>> from sk_ann.plot import ConvolutionDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ANNClassifier([Conv2D(6, 3, padding="same"), MaxPool2D(2), 32], input_shape=(8, 8),
    ...                     max_iter=5, random_state=0).fit(X[:300] / 16, y[:300])
    >>> display = ConvolutionDisplay.from_estimator(clf, X[0] / 16, layers="all")
    >>> display.axes_.shape           # the digit; filters, feature maps; pooled maps
    (4, 6)
    >>> display.filter_artists_[0][0].get_array().shape   # filter 0's 3x3 weights
    (3, 3)
    >>> display.feature_map_artists_[1][0].get_array().shape   # 8x8 pooled to 4x4
    (4, 4)
    >>> plt.close(display.figure_)
    """

    def __init__(self, sample, feature_maps, filters, layer_names, *, estimator_name=None):
        self.sample = sample
        self.feature_maps = feature_maps
        self.filters = filters
        self.layer_names = layer_names
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X_sample, *, layers=None, max_filters=8, figure=None,
                       **kwargs):
        """Show a fitted network's filters and its feature maps for one sample.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor or Pipeline
            A network with convolution layers (``Conv1D``, ``Conv2D`` in
            ``hidden_layer_sizes``), or a pipeline ending in one; the sample
            then goes through the pipeline's earlier steps first.
        X_sample : array-like
            One sample: a row of ``X`` (``X[i]``, of shape ``input_shape`` or
            flat) or a batch of one (``X[[i]]``, or ``X.iloc[[i]]`` for a
            DataFrame). For a pipeline, as its first step takes it.
        layers : None, "all" or list of int, default=None
            The layers shown, as indices into ``network_.layers``: None for
            every convolution layer, ``"all"`` for every convolution and
            pooling layer (``MaxPool1D``, ``AvgPool2D``...), or a list of
            indices of such layers.
        max_filters : int, default=8
            The most filters (and channels) shown per layer: the first ones.
        figure : matplotlib Figure or SubFigure, default=None
            Where to draw; a new figure sized to the grid when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ConvolutionDisplay
            The display, with the artists it drew.
        """
        caller = f"{cls.__name__}.from_estimator"
        steps = estimator[:-1] if isinstance(estimator, Pipeline) else None
        estimator = _fitted_network_estimator(estimator, caller)
        network = getattr(estimator, "network_", None)
        if network is None:
            raise TypeError(f"{caller} needs an sk_ann estimator with convolution layers; "
                            f"{type(estimator).__name__} has none.")
        shown = _convolution_layers(network, layers, type(estimator).__name__)
        if steps is not None:
            X_sample = steps.transform(_batch_of_one(X_sample, None))
        X = estimator._validated_input(_batch_of_one(X_sample, _sample_shapes(estimator)))
        outputs = network.layer_outputs(X)
        display = cls(
            X.reshape(network.input_shape),
            [outputs[k][0] for k in shown],
            [np.array(network.layers[k].weights) if hasattr(network.layers[k], "weights")
             else None for k in shown],
            [f"layers[{k}] {type(network.layers[k]).__name__}" for k in shown],
            estimator_name=type(estimator).__name__,
        )
        return display.plot(figure=figure, max_filters=max_filters, **kwargs)

    def plot(self, figure=None, *, max_filters=8, cmap="viridis", filter_cmap="RdBu_r"):
        """Draw the grid of filters and feature maps.

        Parameters
        ----------
        figure : matplotlib Figure or SubFigure, default=None
            Where to draw; a new figure sized to the grid when None.
        max_filters : int, default=8
            The most filters (and channels) shown per layer: the first ones.
        cmap : str or matplotlib Colormap, default="viridis"
            The colours of the sample and the feature maps drawn as images.
        filter_cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map for the filters; its middle stands for 0.

        Returns
        -------
        display : ConvolutionDisplay
            This display, with ``figure_``, ``axes_``, ``input_artists_``,
            ``filter_artists_``, ``feature_map_artists_`` and ``shown_`` set.
        """
        if (not isinstance(max_filters, Integral) or isinstance(max_filters, bool)
                or max_filters < 1):
            raise ValueError(f"max_filters must be an int >= 1, got {max_filters!r}.")
        sample, maps, filters = self._checked()
        images = sample.ndim == 3
        n_input = min(sample.shape[-1], max_filters)
        self.shown_ = [np.arange(min(m.shape[-1], max_filters)) for m in maps]
        rows = [("input", None)]
        for k, f in enumerate(filters):
            rows += ([("filters", k)] if f is not None else []) + [("maps", k)]
        n_columns = max([n_input, *(len(s) for s in self.shown_)])
        if figure is None:
            plt = _pyplot(f"{type(self).__name__}.plot")
            width, height = (1.25, 1.25) if images else (1.7, 1.0)
            figure = plt.figure(figsize=(1.2 + width * n_columns, 0.5 + height * len(rows)),
                                layout="constrained")
        axes = figure.subplots(len(rows), n_columns, squeeze=False)
        for ax in axes.ravel():
            ax.set_axis_off()

        self.input_artists_ = _draw_maps(axes[0], sample, range(n_input), cmap, images)
        if sample.shape[-1] > 1:
            for j in range(n_input):
                axes[0, j].set_title(f"channel {j}", fontsize=8)
        _row_label(axes[0, 0], "input")
        self.filter_artists_ = [None] * len(maps)
        self.feature_map_artists_ = [None] * len(maps)
        for row, (what, k) in enumerate(rows[1:], start=1):
            name, shown = self.layer_names[k], self.shown_[k]
            if what == "filters":
                self.filter_artists_[k] = _draw_filters(axes[row], filters[k], shown,
                                                        filter_cmap)
                _row_label(axes[row, 0], f"{name}\nfilters")
            else:
                self.feature_map_artists_[k] = _draw_maps(axes[row], maps[k], shown, cmap,
                                                          images)
                label = "feature maps" if filters[k] is not None else f"{name}\noutput"
                _row_label(axes[row, 0], label)
        if self.estimator_name is not None:
            figure.suptitle(self.estimator_name)
        self.axes_ = axes
        self.figure_ = figure
        return self

    def _checked(self):
        sample = np.asarray(self.sample, dtype=float)
        if sample.ndim not in (2, 3):
            raise ValueError(
                "sample must have the shape (length, channels) or (height, width, channels), "
                f"got {sample.shape}."
            )
        maps = [np.asarray(m, dtype=float) for m in self.feature_maps]
        filters = [None if f is None else np.asarray(f, dtype=float) for f in self.filters]
        if not (len(maps) == len(filters) == len(self.layer_names)):
            raise ValueError(
                "feature_maps, filters and layer_names need one entry per layer, got "
                f"{len(maps)}, {len(filters)} and {len(self.layer_names)}."
            )
        for k, (m, f) in enumerate(zip(maps, filters)):
            if m.ndim != sample.ndim:
                raise ValueError(
                    f"feature_maps[{k}] must have the shape (*positions, channels) with the "
                    f"sample's {sample.ndim - 1} position axes, got {m.shape}."
                )
            if f is not None and (f.ndim != sample.ndim + 1 or f.shape[-1] != m.shape[-1]):
                raise ValueError(
                    f"filters[{k}] must have the shape (*kernel_size, in_channels, "
                    f"{m.shape[-1]}) to match feature_maps[{k}], got {f.shape}."
                )
        return sample, maps, filters


def _convolution_layers(network, layers, name):
    """Indices of the layers ``layers`` selects, checked; see ConvolutionDisplay."""
    convolutions = [k for k, layer in enumerate(network.layers)
                    if isinstance(layer, _CONVOLUTIONS)]
    drawable = [k for k, layer in enumerate(network.layers)
                if isinstance(layer, _CONVOLUTIONS + _POOLING)]
    if not convolutions:
        raise ValueError(
            f"{name} has no convolution layers (its layers: {network.layers}). "
            "ConvolutionDisplay shows Conv1D and Conv2D layers (sk_ann.layers in "
            "hidden_layer_sizes); NetworkDiagramDisplay draws networks of dense layers."
        )
    if layers is None:
        return convolutions
    if isinstance(layers, str) and layers == "all":
        return drawable
    chosen = [layers] if isinstance(layers, Integral) else layers
    if (isinstance(chosen, str) or not np.iterable(chosen) or not len(chosen)
            or not all(isinstance(k, Integral) and k in drawable for k in chosen)):
        raise ValueError(
            f"layers must be None, 'all' or a list of indices into network_.layers of "
            f"convolution or pooling layers, here among {drawable}; got {layers!r}."
        )
    return [int(k) for k in chosen]


def _sample_shapes(estimator):
    """The shapes one sample may have: flat, ``input_shape`` as given, and with channels."""
    network = estimator.network_
    shapes = {network.input_shape, (network.n_features,)}
    given = getattr(estimator, "input_shape", None)
    if given is not None:
        shapes.add((given,) if isinstance(given, Integral) else tuple(given))
    return shapes


def _batch_of_one(X, sample_shapes):
    """``X``, one sample, as a batch of one; ``sample_shapes`` are those of a lone sample
    (None: any 1-D row, as a pipeline's first step takes it)."""
    import scipy.sparse as sp

    if hasattr(X, "iloc") and getattr(X, "ndim", 2) == 1:
        X = X.to_frame().T  # a pandas row, X.iloc[i]
    if hasattr(X, "iloc") or sp.issparse(X):
        if X.shape[0] != 1:
            raise ValueError(f"X_sample must be one sample, got {X.shape[0]} rows. Pass "
                             "X.iloc[[i]] (or X[[i]]).")
        return X
    X = np.asarray(X)
    if sample_shapes is None:
        if X.ndim == 1:
            return X.reshape(1, -1)
        if X.ndim >= 2 and X.shape[0] == 1:
            return X
        raise ValueError(
            f"X_sample must be one sample: a row of X, or a batch of one (X[[i]]); got an "
            f"array of shape {X.shape}."
        )
    if X.shape in sample_shapes:
        return X[np.newaxis]
    if X.ndim >= 2 and X.shape[0] == 1 and X.shape[1:] in sample_shapes:
        return X
    one = " or ".join(str(s) for s in sorted(sample_shapes, key=len))
    raise ValueError(
        f"X_sample must be one sample, of shape {one}, or a batch of one of them; got an "
        f"array of shape {X.shape}. Pass X[i] or X[[i]]."
    )


def _row_label(ax, text):
    # Horizontal, left of the row: rows of sequences are too low for a vertical label.
    ax.set_ylabel(text, rotation=0, ha="right", va="center", fontsize=9)


def _draw_maps(axes, maps, shown, cmap, images):
    """One image (or line, for sequences) per channel in ``shown``, on one scale."""
    shown = list(shown)
    values = maps[..., shown]
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    artists = []
    for ax, j in zip(axes, shown):
        ax.set_axis_on()
        ax.set_xticks([])
        ax.set_yticks([])
        if images:
            artists.append(ax.imshow(maps[..., j], cmap=cmap, vmin=low, vmax=high))
        else:
            artists.append(ax.plot(np.arange(maps.shape[0]), maps[:, j], color="C0",
                                   linewidth=1)[0])
            margin = 0.05 * (high - low)
            ax.set_ylim(low - margin, high + margin)
            ax.set_xlim(0, max(maps.shape[0] - 1, 1))
    return artists


def _draw_filters(axes, weights, shown, cmap):
    """One image per filter in ``shown``: its weights, on one scale symmetric around 0."""
    # A Conv2D filter is shown as one image: the mean over its input channels. A
    # Conv1D filter has room for every channel: one row each.
    images = [weights[..., j].mean(axis=-1) if weights.ndim == 4 else weights[..., j].T
              for j in shown]
    largest = max(float(np.abs(image).max()) for image in images)
    largest = largest if largest > 0 else 1.0
    artists = []
    for ax, j, image in zip(axes, shown, images):
        ax.set_axis_on()
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {j}", fontsize=8)
        artists.append(ax.imshow(image, cmap=cmap, vmin=-largest, vmax=largest,
                                 aspect="equal" if weights.ndim == 4 else "auto"))
    return artists


class AttributionDisplay:
    """Feature attributions: global importance, one row's attributions, or an image heat map.

    Three kinds of plot of the same attributions (see
    :func:`sk_ann.inspection.feature_attributions`):

    - ``"importance"``: the mean absolute attribution of each feature over the
      rows, largest on top;
    - ``"row"``: one row's signed attributions, red pushing the output up,
      blue pushing it down;
    - ``"image"``: one row's attributions over the image, for samples with
      positions (which pixels made it a 3), on a colour scale centred on 0.

    Parameters
    ----------
    attributions : Attributions
        What ``feature_attributions`` returned.
    image_shape : tuple of int, default=None
        ``(height, width)`` or ``(height, width, channels)`` to read flat
        attributions as images; by default the shape of ``values``' samples
        when they have more than one axis.
    estimator_name : str, default=None
        Goes in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    bars_ : matplotlib BarContainer or None
        The bars (``"importance"`` and ``"row"``).
    image_ : matplotlib AxesImage or None
        The heat map (``"image"``).
    colorbar_ : matplotlib Colorbar or None
        The heat map's colour bar.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.plot import AttributionDisplay
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> model = make_pipeline(StandardScaler(), ANNClassifier((8,), max_iter=300,
    ...                                                       random_state=0)).fit(X, y)
    >>> display = AttributionDisplay.from_estimator(model, X[:20])
    >>> [label.get_text() for label in display.ax_.get_yticklabels()][-1]  # the largest
    'petal width (cm)'
    >>> plt.close(display.figure_)
    """

    def __init__(self, attributions, *, image_shape=None, estimator_name=None):
        self.attributions = attributions
        self.image_shape = image_shape
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X, *, method="integrated_gradients", target=None,
                       baseline=None, n_steps=50, kind="auto", row=0, image_shape=None,
                       max_features=20, ax=None):
        """Compute the attributions of ``X``'s rows and plot them.

        Parameters
        ----------
        estimator : fitted ANNClassifier or ANNRegressor, or Pipeline ending in one
        X : array-like of shape (n_samples, n_features) or (n_samples,) + input_shape
        method, target, baseline, n_steps
            As in :func:`sk_ann.inspection.feature_attributions`.
        kind : {"auto", "importance", "row", "image"}, default="auto"
            ``"auto"``: ``"image"`` when the samples are images (or
            ``image_shape`` is given), else ``"importance"``.
        row : int, default=0
            The row of ``X`` drawn by ``"row"`` and ``"image"``.
        image_shape : tuple of int, default=None
            See the class.
        max_features : int, default=20
            The most important features drawn by the bar charts.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : AttributionDisplay
        """
        from .inspection import feature_attributions

        final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        result = feature_attributions(estimator, X, method=method, target=target,
                                      baseline=baseline, n_steps=n_steps)
        display = cls(result, image_shape=image_shape,
                      estimator_name=type(final).__name__)
        return display.plot(ax=ax, kind=kind, row=row, max_features=max_features)

    def _image_shape(self):
        values = self.attributions.values
        if self.image_shape is not None:
            return tuple(self.image_shape)
        return values.shape[1:] if values.ndim > 2 else None

    def plot(self, ax=None, *, kind="auto", row=0, max_features=20, cmap="RdBu_r"):
        """Draw the attributions.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        kind : {"auto", "importance", "row", "image"}, default="auto"
            See :meth:`from_estimator`.
        row : int, default=0
            The row drawn by ``"row"`` and ``"image"``.
        max_features : int, default=20
            The most important features drawn by the bar charts.
        cmap : str, default="RdBu_r"
            Colour map of the heat map, centred on 0.

        Returns
        -------
        display : AttributionDisplay
            This display, with ``ax_``, ``figure_``, ``bars_``, ``image_``
            and ``colorbar_`` set.
        """
        kinds = ("auto", "importance", "row", "image")
        if kind not in kinds:
            raise ValueError(f"kind must be one of {list(kinds)}, got {kind!r}.")
        shape = self._image_shape()
        if kind == "auto":
            kind = "image" if shape is not None else "importance"
        if kind == "image" and shape is None:
            raise ValueError("kind='image' needs samples with positions: pass image_shape, "
                             "e.g. image_shape=(8, 8) for flat 8x8 images.")
        ax = _axes(ax, f"{type(self).__name__}.plot")
        result = self.attributions
        n = len(result.values)
        if not -n <= row < n:
            raise ValueError(f"row must index one of the {n} rows explained, got {row}.")
        flat = result.values.reshape(n, -1)
        names = (np.asarray(result.feature_names, dtype=str) if result.feature_names is not None
                 else np.array([f"x{j}" for j in range(flat.shape[1])]))
        self.bars_ = self.image_ = self.colorbar_ = None
        title = self.estimator_name or ""
        what = _explained(result, row)
        if kind == "image":
            picture = flat[row].reshape(shape)
            if picture.ndim == 3:  # channels last: one number per position
                picture = picture.sum(axis=-1)
            limit = float(np.abs(picture).max()) or 1.0
            self.image_ = ax.imshow(picture, cmap=cmap, vmin=-limit, vmax=limit)
            self.colorbar_ = ax.figure.colorbar(self.image_, ax=ax, label="attribution")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{title}: {what}".strip(": "))
        else:
            scores = result.importance if kind == "importance" else flat[row]
            order = np.argsort(np.abs(scores))[::-1][:max_features][::-1]
            if kind == "importance":
                colors = "C0"
                ax.set_xlabel(f"mean |attribution| ({result.method})")
            else:
                colors = np.where(scores[order] >= 0, "C3", "C0")
                ax.axvline(0, color="0.5", linewidth=0.8)
                ax.set_xlabel(f"attribution ({result.method})")
                title = f"{title}: {what}".strip(": ")
            self.bars_ = ax.barh(np.arange(order.size), scores[order], color=colors)
            ax.set_yticks(np.arange(order.size), names[order])
            ax.grid(axis="x", alpha=0.3)
            ax.set_title(title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _explained(result, row):
    """'class 3: 0.97' or 'output 0: 151' for the title of one row's plot."""
    noun = "output" if np.issubdtype(np.asarray(result.target).dtype, np.integer) else "class"
    return f"{noun} {result.target[row]}, {result.outputs[row]:.3g}"


class DiagnosticsDisplay:
    """Per layer, the distribution of its outputs and the size of its gradients.

    The left axes show each layer's outputs on the rows checked (a violin per
    layer, with the counts of dead or saturated units above it); the right
    axes, on a log scale, the norm of the loss gradient and of the weights of
    each layer, where vanishing or exploding gradients show as a slope
    across the layers. The findings of the diagnosis, if any, make the title.

    Parameters
    ----------
    diagnosis : Diagnosis
        What :func:`sk_ann.inspection.diagnose` returned.
    estimator_name : str, default=None
        Goes in the title.

    Attributes
    ----------
    axes_ : ndarray of two matplotlib Axes
        The activations' axes and the norms' axes.
    figure_ : matplotlib Figure
        The figure holding them.
    violins_ : dict
        What matplotlib's ``violinplot`` returned.
    lines_ : dict of str to matplotlib Line2D
        ``"gradient"`` (when the gradients were computed) and ``"weights"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.plot import DiagnosticsDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = ANNClassifier((8, 8), max_iter=300, random_state=0).fit(X, y)
    >>> display = DiagnosticsDisplay.from_estimator(model, X, y)
    >>> len(display.axes_), sorted(display.lines_)
    (2, ['gradient', 'weights'])
    >>> plt.close(display.figure_)
    """

    def __init__(self, diagnosis, *, estimator_name=None):
        self.diagnosis = diagnosis
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, axes=None):
        """Diagnose a fitted estimator on ``X`` (and ``y``) and plot the layers.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor or ANNAutoencoder
            Or a Pipeline or TransformedTargetRegressor around one.
        X : array-like of shape (n_samples, n_features)
        y : array-like, default=None
            Needed for the gradients.
        axes : sequence of two matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : DiagnosticsDisplay
        """
        from .inspection import diagnose

        diagnosis = diagnose(estimator, X, y)
        inner = getattr(estimator, "regressor_", estimator)
        inner = inner[-1] if isinstance(inner, Pipeline) else inner
        return cls(diagnosis, estimator_name=type(inner).__name__).plot(axes=axes)

    def plot(self, axes=None):
        """Draw the layers' outputs and norms.

        Parameters
        ----------
        axes : sequence of two matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : DiagnosticsDisplay
            This display, with ``axes_``, ``figure_``, ``violins_`` and
            ``lines_`` set.
        """
        plt = _pyplot(f"{type(self).__name__}.plot")
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        ax_out, ax_norm = axes
        layers = self.diagnosis.layers
        positions = np.arange(1, len(layers) + 1)
        labels = [f"{r.index}\n{r.kind}" + (f"\n{r.activation}" if r.activation else "")
                  for r in layers]
        samples = [r.activations if r.activations.size else np.zeros(1) for r in layers]
        self.violins_ = ax_out.violinplot(samples, positions, showextrema=True)
        top = max(float(np.max(s)) for s in samples)
        for position, report in zip(positions, layers):
            notes = []
            if report.dead_units is not None:
                notes.append(f"{len(report.dead_units)}/{report.n_units} dead")
            if report.saturated_units is not None:
                notes.append(f"{len(report.saturated_units)}/{report.n_units} saturated")
            if notes:
                ax_out.annotate(", ".join(notes), (position, top), ha="center",
                                va="bottom", fontsize=8, xytext=(0, 4),
                                textcoords="offset points")
        ax_out.set_xticks(positions, labels, fontsize=8)
        ax_out.set_ylabel("layer output")
        ax_out.set_title("outputs per layer")
        ax_out.grid(axis="y", alpha=0.3)

        self.lines_ = {}
        weighted = [r for r in layers if r.weight_norm]
        where = [positions[r.index] for r in weighted]
        self.lines_["weights"], = ax_norm.plot(where, [r.weight_norm for r in weighted], "o--",
                                               color="0.5", label="|weights|")
        if any(r.gradient_norm is not None for r in weighted):
            # A zero gradient (all units dead) has no place on a log scale: at the floor.
            floor = min((r.gradient_norm for r in weighted if r.gradient_norm), default=1.0)
            grads = [max(r.gradient_norm, floor * 1e-3) for r in weighted]
            self.lines_["gradient"], = ax_norm.plot(where, grads, "o-", color="C3",
                                                    label="|gradient of the loss|")
        ax_norm.set_yscale("log")
        ax_norm.set_xticks(positions, labels, fontsize=8)
        ax_norm.set_title("norms per layer")
        ax_norm.grid(alpha=0.3)
        ax_norm.legend()
        kinds = self.diagnosis.kinds
        name = self.estimator_name or "diagnosis"
        ax_out.figure.suptitle(f"{name}: " + (", ".join(kinds) if kinds else "no findings"))
        self.axes_ = np.asarray(axes)
        self.figure_ = ax_out.figure
        return self


__all__ += ["AttributionDisplay", "DiagnosticsDisplay"]


class GANTrainingDisplay:
    """Both players' losses over a GAN's training: the generator's and the discriminator's.

    Each curve is drawn faintly per update and, over it, as a moving average
    over ``window`` updates, since single updates are noisy. A horizontal line
    marks ``2 log 2 ≈ 1.386``, the discriminator's loss when it cannot tell
    real rows from generated ones (``D = 1/2`` everywhere), and ``log 2`` the
    non-saturating generator loss there: curves that settle near them show a
    game in balance; a discriminator loss falling to 0 shows a discriminator
    that wins, and a generator that has stopped learning.

    Parameters
    ----------
    generator_loss_curve, discriminator_loss_curve : array-like of shape (n_iter,)
        The losses at each update, e.g. ``ANNGAN``'s ``generator_loss_curve_``
        and ``discriminator_loss_curve_``.
    window : int, default=50
        Updates averaged for the smooth curves.
    estimator_name : str, default=None
        The plot's title.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of str to matplotlib Line2D
        ``"generator"``, ``"discriminator"`` (the smooth curves), ``"balance"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sk_ann import ANNGAN
    >>> from sk_ann.plot import GANTrainingDisplay
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> gan = ANNGAN((16,), (16,), max_iter=100, random_state=0).fit(X)
    >>> display = GANTrainingDisplay.from_estimator(gan)
    >>> sorted(display.lines_)
    ['balance', 'discriminator', 'generator']
    >>> plt.close(display.figure_)
    """

    def __init__(self, generator_loss_curve, discriminator_loss_curve, *, window=50,
                 estimator_name=None):
        self.generator_loss_curve = generator_loss_curve
        self.discriminator_loss_curve = discriminator_loss_curve
        self.window = window
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, window=50):
        """Plot a fitted ``ANNGAN``'s two loss curves."""
        check_is_fitted(estimator)
        if not hasattr(estimator, "generator_loss_curve_"):
            raise TypeError(f"GANTrainingDisplay needs a fitted ANNGAN; got "
                            f"{type(estimator).__name__}. For other networks use "
                            "TrainingCurveDisplay.")
        return cls(estimator.generator_loss_curve_, estimator.discriminator_loss_curve_,
                   window=window, estimator_name=type(estimator).__name__).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves on ``ax`` (a new figure when None); returns ``self``."""
        ax = _axes(ax, "GANTrainingDisplay")
        self.lines_ = {}
        for name, curve, colour in (("generator", self.generator_loss_curve, "C0"),
                                    ("discriminator", self.discriminator_loss_curve, "C1")):
            curve = np.asarray(curve, dtype=float)
            steps = np.arange(1, curve.size + 1)
            ax.plot(steps, curve, color=colour, alpha=0.2, linewidth=0.5)
            window = max(1, min(int(self.window), curve.size))
            smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
            (self.lines_[name],) = ax.plot(steps[window - 1:], smooth, color=colour,
                                           label=f"{name} loss")
        self.lines_["balance"] = ax.axhline(2 * np.log(2), color="grey", linestyle=":",
                                            label="discriminator at chance (2 log 2)")
        ax.axhline(np.log(2), color="grey", linestyle=":", linewidth=0.8)
        ax.set_xlabel("generator update")
        ax.set_ylabel("loss")
        ax.legend()
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self


__all__ += ["GANTrainingDisplay"]


__all__ += ["AttentionDisplay"]


class AttentionDisplay:
    """Where the tokens of a transformer look: one head's attention weights as a heat map.

    Row ``i`` shows how token ``i`` (the query) shares its attention among the
    tokens (the keys); every row sums to one. For a table (a network starting
    with ``FeatureTokenizer``) the tokens are ``[CLS]`` and the features; for
    a sequence, the time steps.

    Parameters
    ----------
    weights : ndarray of shape (n_tokens, n_tokens)
        The weights drawn: one sample's, or their mean over samples.
    labels : list of str, default=None
        Names of the tokens; their indices when None.
    title : str, default=None
        The plot's title.
    all_weights : ndarray of shape (n_samples, n_heads, n_tokens, n_tokens), default=None
        Every sample's and head's weights, kept for looking further.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    image_ : matplotlib AxesImage
        The heat map.
    colorbar_ : matplotlib Colorbar or None

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_wine
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNClassifier
    >>> from sk_ann.layers import ClsToken, FeatureTokenizer, TransformerEncoder
    >>> from sk_ann.plot import AttentionDisplay
    >>> X, y = load_wine(return_X_y=True, as_frame=True)
    >>> X = X.iloc[:, :4]
    >>> model = ANNClassifier([FeatureTokenizer(8), TransformerEncoder(2), ClsToken()],
    ...                       max_iter=5, random_state=0).fit(X, y)
    >>> display = AttentionDisplay.from_estimator(model, X[:20], head=1)
    >>> display.labels
    ['[CLS]', 'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash']
    >>> display.all_weights.shape   # samples, heads, queries, keys
    (20, 2, 5, 5)
    >>> bool(np.allclose(display.weights.sum(axis=1), 1))
    True
    >>> plt.close(display.figure_)
    """

    def __init__(self, weights, labels=None, title=None, all_weights=None):
        self.weights = np.asarray(weights)
        self.labels = labels
        self.title = title
        self.all_weights = all_weights

    @classmethod
    def from_estimator(cls, estimator, X, *, block=0, head="mean", sample=None,
                       feature_names=None, ax=None, **kwargs):
        """Compute the attention weights of a fitted transformer for ``X`` and plot them.

        Parameters
        ----------
        estimator : fitted ANNClassifier, ANNRegressor or Pipeline ending in one
            Its ``hidden_layer_sizes`` hold a ``TransformerEncoder``.
        X : array-like
            Samples, as ``predict`` takes them (a Pipeline's earlier steps
            transform them first).
        block : int, default=0
            Which attention block: 0 the first, -1 the last.
        head : int or "mean", default="mean"
            Which head; "mean" averages the heads.
        sample : int, default=None
            Draw this row of ``X`` alone; None averages the weights over ``X``.
        feature_names : list of str, default=None
            Names of a table's features; by default the estimator's
            ``feature_names_in_``, else ``x0, x1, ...``.
        ax : matplotlib Axes, default=None
        **kwargs
            Passed to ``plot``.

        Returns
        -------
        display : AttentionDisplay
        """
        from .core.layers import (
            FeatureTokenizer,
            MultiHeadSelfAttention,
            TransformerEncoder,
        )
        from .core.layers.attention import attention_weights

        caller = f"{cls.__name__}.from_estimator"
        if isinstance(estimator, Pipeline):
            if len(estimator) > 1:
                X = estimator[:-1].transform(X)
            estimator = estimator[-1]
        estimator = _fitted_network_estimator(estimator, caller)
        network = estimator.network_
        blocks = [k for k, layer in enumerate(network.layers)
                  if isinstance(layer, (TransformerEncoder, MultiHeadSelfAttention))]
        if not blocks:
            raise ValueError(f"{caller} needs a network with attention (a TransformerEncoder in "
                             "hidden_layer_sizes); this one has none.")
        if not -len(blocks) <= block < len(blocks):
            raise ValueError(f"block={block}, but the network has {len(blocks)} attention "
                             f"blocks: use 0 to {len(blocks) - 1}, or -1 for the last.")
        everything = attention_weights(network, estimator._validated_input(X), blocks[block])
        n_heads = everything.shape[1]
        if head == "mean":
            chosen = everything.mean(axis=1)
        elif isinstance(head, Integral) and -n_heads <= head < n_heads:
            chosen = everything[:, head]
        else:
            raise ValueError(f"head must be 'mean' or an int in [0, {n_heads}), got {head!r}.")
        if sample is None:
            weights, which = chosen.mean(axis=0), f"mean of {len(chosen)} samples"
        else:
            weights, which = chosen[sample], f"sample {sample}"
        n_tokens = weights.shape[0]
        if isinstance(network.layers[0], FeatureTokenizer):
            names = feature_names
            if names is None:
                names = getattr(estimator, "feature_names_in_", None)
            if names is None:
                names = [f"x{j}" for j in range(n_tokens - 1)]
            labels = ["[CLS]", *[str(name) for name in names]]
        else:
            labels = [str(t) for t in range(n_tokens)]
        heads = "heads averaged" if head == "mean" else f"head {head}"
        title = f"attention block {block}, {heads}, {which}"
        return cls(weights, labels, title, everything).plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, cmap="viridis", colorbar=True):
        """Draw the weights: queries down the rows, the keys they look at across.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
        cmap : str, default="viridis"
        colorbar : bool, default=True

        Returns
        -------
        display : AttentionDisplay
        """
        ax = _axes(ax, f"{type(self).__name__}.plot")
        n = self.weights.shape[0]
        self.image_ = ax.imshow(self.weights, cmap=cmap, vmin=0, aspect="equal")
        labels = self.labels if self.labels is not None else [str(t) for t in range(n)]
        ax.set_xticks(range(n), labels, rotation=90)
        ax.set_yticks(range(n), labels)
        ax.set_xlabel("key: the token looked at")
        ax.set_ylabel("query: the token looking")
        if self.title:
            ax.set_title(self.title)
        self.colorbar_ = ax.figure.colorbar(self.image_, ax=ax) if colorbar else None
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


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


__all__ += ["RecurrentStatesDisplay"]

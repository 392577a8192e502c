"""ANNGAN: a generative adversarial network that learns to sample rows like yours."""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._tabular import TableEncoder
from ._validation import (
    Interval,
    OneOf,
    any_of,
    is_bool,
    is_float_dtype_or_none,
    is_random_state,
    is_sequence_of,
    is_size,
    is_verbose,
    validate_params,
)
from .core import Network
from .core.activations import ACTIVATIONS
from .core.adversarial import GENERATOR_LOSSES, AdversarialGame, TabularLink
from .core.optimizers import OPTIMIZERS
from .core.threads import one_blas_thread
from .layers import Dense, hidden_specs


def _is_dense_entries(value):
    return is_size(value) or is_sequence_of(
        value, lambda entry: is_size(entry) or isinstance(entry, Dense))


_is_dense_entries.description = (
    "an int >= 1 or a sequence of ints >= 1 or sk_ann.layers.Dense specs, one per hidden "
    "layer, e.g. (128, 128) (rows of a table have no positions, so convolution and pooling "
    "layers do not apply)"
)


def _is_activation(value):
    return isinstance(value, str) and value in ACTIVATIONS


_is_activation.description = "a str among {" + ", ".join(repr(n) for n in sorted(ACTIVATIONS)) + "}"


def _is_columns(value):
    if value is None or (isinstance(value, str) and value == "from_dtype"):
        return True
    return not isinstance(value, (str, bytes)) and np.ndim(value) == 1


_is_columns.description = ("'from_dtype', None, or column indices, column names or a boolean "
                           "mask, as HistGradientBoostingClassifier's categorical_features")


def _is_pac(value):
    return is_size(value)


_is_pac.description = "an int >= 1"


class ANNGAN(BaseEstimator):
    r"""A generative adversarial network: learns the distribution of the rows of X and samples new ones.

    Two networks of neurons play a game. The *generator* turns random noise
    into rows; the *discriminator* looks at rows and scores how real they
    seem. The discriminator learns from real rows and the generator's; the
    generator learns from the discriminator's input gradient, how each of its
    numbers should move to look more real. When neither can improve, the
    generator's rows are distributed like the real ones. See
    :ref:`the user guide <gan>`.

    Continuous columns are standardised inside and come back on their own
    scale; categorical columns come out of one softmax head each and come back
    as their original categories; integer columns come back as integers; a
    DataFrame comes back as a DataFrame with its column names and dtypes. A
    column with one value only is generated as that value.

    Parameters
    ----------
    generator_layer_sizes : int or sequence, default=(128, 128)
        Neurons of each hidden layer of the generator: ints, or
        :class:`sk_ann.layers.Dense` specs (with their own activation).
    discriminator_layer_sizes : int or sequence, default=(128, 128)
        The same for the discriminator.
    latent_dim : int, default=16
        Size of the noise vector the generator starts from.
    generator_activation : str, default="relu"
        Activation of the generator's hidden layers.
    discriminator_activation : str, default="leaky_relu"
        Activation of the discriminator's hidden layers. A leaky ReLU keeps a
        gradient for every input, which the generator learns from (Radford et
        al., 2015).
    solver : {"adam", "adamw", "rmsprop", "sgd"}, default="adam"
        Optimizer of both networks; each network has its own.
    generator_learning_rate, discriminator_learning_rate : float, default=2e-3
        Step sizes of the two optimizers, before ``learning_rate_decay``.
        DCGAN's 2e-4 (Radford et al., 2015) is too slow for a few thousand
        updates: on the ring and grid benchmarks (see :ref:`gan_modes`) it
        left most points between the modes, 2e-3 put most of them on a mode.
    beta_1 : float, default=0.5
        Adam's (and AdamW's) decay of the first moment. DCGAN's 0.5, smaller
        than Adam's usual 0.9, lets each network follow its opponent, which
        keeps moving, instead of averaging over its old positions.
    beta_2 : float, default=0.9
        Adam's decay of the second moment. 0.9, as in WGAN-GP (Gulrajani et
        al., 2017) and the two time-scale GANs after it, instead of 0.999:
        the step sizes adapt within tens of updates to gradients that change
        as the opponent moves. On the grid benchmark it raised the share of
        points on a mode from 37% to 55% (one seed).
    epsilon : float, default=1e-8
        Adam's and RMSprop's guard against division by zero.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``; ``rho`` of ``"rmsprop"``.
    learning_rate_decay : float, default=0.5
        Share of each fit's updates, at its end, over which both learning
        rates fall linearly towards zero (the last update is made at
        ``1 / (learning_rate_decay * max_iter)`` of the rate); 0 keeps them
        constant. Half constant, half a linear decay is CycleGAN's schedule
        (Zhu et al., 2017): large steps find the modes, small ones settle
        the points onto them.
    batch_size : int or "auto", default="auto"
        Real rows per discriminator step, rounded down to a multiple of
        ``pac``. ``"auto"``: ``min(256, n_samples)``, at least ``pac``.
    max_iter : int, default=3000
        Number of generator updates. A GAN's training is counted in updates,
        not in passes over the data: a table of 150 rows needs as many as one
        of 150 000.
    n_critic : int, default=2
        Discriminator updates per generator update, each on its own batch.
        Two keep the discriminator closer to the best response to the
        current generator, so its score is a better estimate of where the
        generator puts too few points, which the generator learns from and
        ``sample``'s rejection sampling corrects with. On the grid of 25
        Gaussians, in the tests' draws of 2,000 points, one update covered
        all 25 modes at 2 of the seeds 0 to 5 (the centre mode missed at the
        others), two covered them at all six, with 62-81% of the points on a
        mode instead of 52-63%, for about 1.3 times the time (16-20 s of CPU
        per fit instead of 12-14); three lost 12 modes at seed 0 (see
        :ref:`gan_modes`).
    generator_loss : {"non-saturating", "minimax"}, default="non-saturating"
        ``"non-saturating"`` minimises ``-log D(G(z))``, which gives the
        generator strong gradients when the discriminator rejects its rows;
        ``"minimax"`` is the original ``log(1 - D(G(z)))``, flat exactly then.
    pac : int, default=2
        Rows the discriminator judges at once (PacGAN, Lin et al., 2018):
        a pack of near-identical rows gives the generator away, which
        penalises mode collapse. On the ring benchmark packs of 2 covered
        all 8 modes in each of three seeds where single rows covered 1, 7
        and 1 (see :ref:`gan_modes`).
    label_smoothing : float, default=0.0
        Real rows' target is ``1 - label_smoothing`` (one-sided smoothing,
        Salimans et al., 2016).
    gradient_penalty : float, default=0.0
        Weight ``γ`` of the R1 penalty :math:`\tfrac{γ}{2}\lVert ∇_x D(x)\rVert^2`
        on real rows (Mescheder et al., 2018), which keeps the discriminator
        flat on the data. Costs three more passes of the discriminator per
        update.
    spectral_bound : bool, default=False
        After each discriminator update, divide each of its weight matrices
        whose largest singular value exceeds 1 by it (after spectral
        normalisation, Miyato et al., 2018).
    temperature : float, default=0.2
        Gumbel-softmax temperature of the categorical columns the
        discriminator is shown from the generator (as in CTGAN).
    categorical_features : "from_dtype", None, or indices, names or a mask, default="from_dtype"
        Categorical columns, as ``HistGradientBoostingClassifier`` takes them.
        ``"from_dtype"``: the category, string, object and bool columns of a
        DataFrame.
    integer_features : "from_dtype", None, or indices, names or a mask, default="from_dtype"
        Continuous columns sampled as integers (rounded, within the range
        seen). ``"from_dtype"``: the columns with an integer dtype.
    dtype : {None, "float32", "float64"}, default=None
        Precision of the networks; None means float64.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the noise and the batches: the same seed on
        the same data gives the same model and the same samples.
    verbose : bool or int, default=False
        Print both losses ten times during training.
    warm_start : bool, default=False
        Continue the previous ``fit`` (same networks, optimizers and column
        encoding) for ``max_iter`` more updates.

    Attributes
    ----------
    generator_ : sk_ann.core.Network
        From ``latent_dim`` noise to the encoded row: standardised continuous
        columns, then one softmax block per categorical column.
    discriminator_ : sk_ann.core.Network
        From ``pac`` concatenated encoded rows to one raw score (real: high).
    generator_loss_curve_ : list of float
        The generator's loss at each update.
    discriminator_loss_curve_ : list of float
        The discriminator's loss at each update (averaged over its
        ``n_critic`` steps).
    n_iter_ : int
        Generator updates made.
    n_features_in_ : int
        Number of columns of X.
    feature_names_in_ : ndarray of str
        X's column names; only when X has string column names.

    See Also
    --------
    sklearn.mixture.GaussianMixture : a density model whose ``sample`` is the
        baseline ANNGAN is measured against.
    sklearn.neighbors.KernelDensity : another density model with ``sample``.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_ann import ANNGAN
    >>> X = np.random.default_rng(0).normal([5.0, -3.0], [1.0, 0.1], size=(500, 2))
    >>> gan = ANNGAN((32,), (32,), max_iter=300, random_state=0).fit(X)
    >>> gan.sample(4, random_state=0).shape
    (4, 2)
    >>> len(gan.generator_loss_curve_) == gan.n_iter_ == 300
    True
    """

    _parameter_constraints = {
        "generator_layer_sizes": _is_dense_entries,
        "discriminator_layer_sizes": _is_dense_entries,
        "latent_dim": Interval(Integral, 1, None, "left"),
        "generator_activation": _is_activation,
        "discriminator_activation": _is_activation,
        "solver": OneOf(*OPTIMIZERS),
        "generator_learning_rate": Interval(Real, 0, None, "neither"),
        "discriminator_learning_rate": Interval(Real, 0, None, "neither"),
        "beta_1": Interval(Real, 0, 1, "left"),
        "beta_2": Interval(Real, 0, 1, "left"),
        "epsilon": Interval(Real, 0, None, "neither"),
        "momentum": Interval(Real, 0, 1, "left"),
        "learning_rate_decay": Interval(Real, 0, 1, "both"),
        "batch_size": any_of(OneOf("auto"), Interval(Integral, 1, None, "left")),
        "max_iter": Interval(Integral, 1, None, "left"),
        "n_critic": Interval(Integral, 1, None, "left"),
        "generator_loss": OneOf(*GENERATOR_LOSSES),
        "pac": _is_pac,
        "label_smoothing": Interval(Real, 0, 1, "left"),
        "gradient_penalty": Interval(Real, 0, None, "left"),
        "spectral_bound": is_bool,
        "temperature": Interval(Real, 0, None, "neither"),
        "categorical_features": _is_columns,
        "integer_features": _is_columns,
        "dtype": is_float_dtype_or_none,
        "random_state": is_random_state,
        "verbose": is_verbose,
        "warm_start": is_bool,
    }

    def __init__(
        self,
        generator_layer_sizes=(128, 128),
        discriminator_layer_sizes=(128, 128),
        latent_dim=16,
        generator_activation="relu",
        discriminator_activation="leaky_relu",
        *,
        solver="adam",
        generator_learning_rate=2e-3,
        discriminator_learning_rate=2e-3,
        beta_1=0.5,
        beta_2=0.9,
        epsilon=1e-8,
        momentum=0.9,
        learning_rate_decay=0.5,
        batch_size="auto",
        max_iter=3000,
        n_critic=2,
        generator_loss="non-saturating",
        pac=2,
        label_smoothing=0.0,
        gradient_penalty=0.0,
        spectral_bound=False,
        temperature=0.2,
        categorical_features="from_dtype",
        integer_features="from_dtype",
        dtype=None,
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.generator_layer_sizes = generator_layer_sizes
        self.discriminator_layer_sizes = discriminator_layer_sizes
        self.latent_dim = latent_dim
        self.generator_activation = generator_activation
        self.discriminator_activation = discriminator_activation
        self.solver = solver
        self.generator_learning_rate = generator_learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentum = momentum
        self.learning_rate_decay = learning_rate_decay
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.n_critic = n_critic
        self.generator_loss = generator_loss
        self.pac = pac
        self.label_smoothing = label_smoothing
        self.gradient_penalty = gradient_penalty
        self.spectral_bound = spectral_bound
        self.temperature = temperature
        self.categorical_features = categorical_features
        self.integer_features = integer_features
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # --- fitting ------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Learn to generate rows like those of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Complete rows (no missing values; impute first).
        y : None
            Ignored; present for the scikit-learn API.

        Returns
        -------
        self : ANNGAN
            The fitted estimator. A fit that fails (bad data, diverging
            training) leaves the estimator as it was.
        """
        validate_params(self, self._parameter_constraints)
        warm = self.warm_start and hasattr(self, "_game")
        dtype = np.dtype(self.dtype or np.float64)
        # Everything is built in locals and stored at the end: a failed fit
        # leaves the estimator as it was.
        fitted = {}
        columns, dtypes, names, is_frame = self._columns(X, reset=not warm, fitted=fitted)
        if warm:
            if len(columns) != self.n_features_in_:
                raise ValueError(
                    f"X has {len(columns)} features, but ANNGAN was fitted with "
                    f"{self.n_features_in_}; warm_start continues the same table.")
            encoder = self._encoder
            game = copy.deepcopy(self._game)
            rng = copy.deepcopy(self._rng)
            curves = (list(self.generator_loss_curve_), list(self.discriminator_loss_curve_))
        else:
            encoder = TableEncoder(self.categorical_features, self.integer_features)
            encoder.fit(columns, dtypes, names, is_frame)
            rng = check_random_state(self.random_state)
            game = self._new_game(encoder, dtype, rng)
            curves = ([], [])
        data = encoder.encode(columns, dtype)
        self._train(game, data, rng, curves)
        fitted.update(
            _encoder=encoder, _game=game, _rng=rng, generator_=game.generator,
            discriminator_=game.discriminator, generator_loss_curve_=curves[0],
            discriminator_loss_curve_=curves[1], n_iter_=len(curves[0]),
        )
        if not warm and "feature_names_in_" not in fitted:
            self.__dict__.pop("feature_names_in_", None)
        self.__dict__.update(fitted)
        return self

    def _columns(self, X, reset, fitted):
        """``X`` as a list of columns, their dtypes, the column names, and whether a DataFrame."""
        if isinstance(X, pd.DataFrame):
            # Column names and their count are checked by scikit-learn; the
            # values column by column below, as they may be of any type.
            probe = copy.copy(self)
            validate_data(probe, X, skip_check_array=True, reset=reset)
            for name in ("n_features_in_", "feature_names_in_"):
                if name in vars(probe):
                    fitted[name] = vars(probe)[name]
            if X.shape[0] < 1 or X.shape[1] < 1:
                raise ValueError(f"Found array with shape {X.shape}; ANNGAN needs at least one "
                                 "row and one column.")
            missing = X.columns[X.isna().any()].tolist()
            if missing:
                raise ValueError(
                    f"Input X contains NaN in columns {missing}. ANNGAN learns from complete "
                    "rows: impute the missing values first (sklearn.impute.SimpleImputer), "
                    "or drop those rows.")
            columns = [X.iloc[:, k].to_numpy() for k in range(X.shape[1])]
            dtypes = [X.dtypes.iloc[k] for k in range(X.shape[1])]
            names = list(X.columns)
            return columns, dtypes, names, True
        given = np.asarray(X) if not hasattr(X, "dtype") else X
        kind = getattr(getattr(given, "dtype", None), "kind", "f")
        categorical = self.categorical_features
        explicit = categorical is not None and not (
            isinstance(categorical, str) and categorical == "from_dtype")
        probe = copy.copy(self)
        if kind in "OUS" or explicit:
            # Mixed columns: only the shape is checked here; each column's values below.
            A = validate_data(probe, X, dtype=None, ensure_all_finite=False, reset=reset)
            if A.dtype.kind not in "OUS":
                A = A.astype(object)
        else:
            A = validate_data(probe, X, dtype=(np.float64, np.float32), reset=reset)
        for name in ("n_features_in_", "feature_names_in_"):
            if name in vars(probe):
                fitted[name] = vars(probe)[name]
        columns = [A[:, k] for k in range(A.shape[1])]
        if kind in "OUS" or explicit:
            if pd.isna(pd.DataFrame(A)).to_numpy().any():
                raise ValueError("Input X contains NaN. ANNGAN learns from complete rows: "
                                 "impute the missing values first (sklearn.impute.SimpleImputer).")
            dtypes = [np.dtype(object)] * A.shape[1]
        else:
            # An integer array's dtype, which validate_data turned into float.
            dtypes = [given.dtype if kind in "iu" else A.dtype] * A.shape[1]
        return columns, dtypes, None, False

    def _new_game(self, encoder, dtype, rng):
        link = TabularLink(encoder.n_continuous, encoder.groups)
        n_out = encoder.n_outputs
        G = Network(self._layers(self.generator_layer_sizes, self.generator_activation, n_out),
                    self.latent_dim, link, dtype)
        D = Network(self._layers(self.discriminator_layer_sizes, self.discriminator_activation,
                                 1), self.pac * n_out, "logistic", dtype)
        G.initialize(rng, activation=self.generator_activation)
        D.initialize(rng, activation=self.discriminator_activation)
        return AdversarialGame(
            G, D, self._optimizer(G, self.generator_learning_rate),
            self._optimizer(D, self.discriminator_learning_rate), pac=self.pac,
            n_critic=self.n_critic, label_smoothing=self.label_smoothing,
            spectral_bound=self.spectral_bound, loss=self.generator_loss,
            gradient_penalty=self.gradient_penalty,
            temperature=self.temperature)

    @staticmethod
    def _layers(sizes, activation, n_out):
        layers = [spec.to_core(spec.activation or activation) for spec in hidden_specs(sizes)]
        return layers + [Dense(n_out, "identity").to_core("identity")]

    def _optimizer(self, network, learning_rate):
        kind, n, dtype = self.solver, network.n_params, network.dtype
        if kind == "sgd":
            return OPTIMIZERS[kind](n, learning_rate, self.momentum, dtype=dtype)
        if kind == "rmsprop":
            return OPTIMIZERS[kind](n, learning_rate, self.momentum, self.epsilon, dtype=dtype)
        return OPTIMIZERS[kind](n, learning_rate, self.beta_1, self.beta_2, self.epsilon,
                                dtype=dtype)

    def _batch_size(self, n_samples):
        size = min(256, n_samples) if self.batch_size == "auto" else self.batch_size
        return max(self.pac, size - size % self.pac)

    def _learning_rate_factor(self, it):
        """Fraction of the learning rates used at update ``it`` (1-based) of this fit."""
        n_decay = int(round(self.learning_rate_decay * self.max_iter))
        first_decayed = self.max_iter - n_decay + 1
        if n_decay == 0 or it < first_decayed:
            return 1.0
        return (self.max_iter - it + 1) / n_decay

    def _train(self, game, data, rng, curves):
        # Each update is a few dozen small matrix products; BLAS threads would
        # mostly wait for each other (see sk_ann.core.threads).
        with one_blas_thread():
            self._train_loop(game, data, rng, curves)
        game.generator.release()
        game.discriminator.release()

    def _train_loop(self, game, data, rng, curves):
        n = data.shape[0]
        batch = self._batch_size(n)
        report = max(1, self.max_iter // 10)
        for it in range(1, self.max_iter + 1):
            factor = self._learning_rate_factor(it)
            game.generator_optimizer.learning_rate = factor * self.generator_learning_rate
            game.discriminator_optimizer.learning_rate = (
                factor * self.discriminator_learning_rate)
            # Batches drawn with replacement: every update sees a full batch,
            # whatever the size of the table.
            real = [data[rng.randint(n, size=batch)] for _ in range(self.n_critic)]
            d_loss, g_loss = game.step(real, rng)
            if not (np.isfinite(d_loss) and np.isfinite(g_loss)):
                raise FloatingPointError(
                    f"training diverged at update {len(curves[0]) + 1}: the discriminator's "
                    f"loss is {d_loss}, the generator's {g_loss}. Lower the learning rates "
                    f"(now {self.generator_learning_rate:g} and "
                    f"{self.discriminator_learning_rate:g}), or set spectral_bound=True. The "
                    "estimator is left as it was before this fit.")
            curves[0].append(g_loss)
            curves[1].append(d_loss)
            if self.verbose and it % report == 0:
                print(f"Iteration {len(curves[0])}, discriminator loss = {d_loss:.4f}, "
                      f"generator loss = {g_loss:.4f}")

    # --- sampling -----------------------------------------------------------------------

    def sample(self, n_samples=1, random_state=None, rejection_sampling=True):
        r"""Generate new rows.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise, the categories drawn and the rejections; None
            draws from the estimator's own generator, which moves on with each
            call.
        rejection_sampling : bool, default=True
            Keep each generated row with a probability that grows with how
            real the discriminator finds it, until ``n_samples`` are kept
            (Discriminator Rejection Sampling, Azadi et al., 2019). A
            discriminator that had learnt all it could would score a row
            :math:`s(x) = \log p_{\text{data}}(x) / p_{\text{generator}}(x)`, so
            keeping rows with probability :math:`e^{s(x) - s_{\max}}` corrects
            the generator towards the data. A row is kept with probability
            :math:`σ(s - s_{\max} - \log(1 - e^{s - s_{\max} - 10^{-6}}))`, the
            paper's smoothed version of it, :math:`s_{\max}` the highest score
            seen among at least 10,000 generated rows. With ``pac > 1`` the
            discriminator scores packs, whose score is ideally the sum of their
            rows' scores: a row's score is the mean over ``2 pac`` packs that
            hold it at each position in turn, filled with other generated
            rows. Should fewer than ``n_samples`` rows be kept among 100
            rounds of ``max(n_samples, 10_000)`` generated rows, the rows
            still missing are taken as generated (on the anes96 table of
            ``benchmarks/gan_tabular.py``, 235 of 660). On the ring and grid
            benchmarks, with the default parameters, it raised the share of
            points on a mode by 9 to 19 points and took the grid's modes
            covered from 23 or 24 to all 25 in each of three seeds (see
            :ref:`gan_modes`). False: every generated row is kept.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features)
            A DataFrame with X's column names and dtypes when fitted on one;
            ``n_features_in_`` columns.
        """
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples < 0:
            raise ValueError(f"n_samples must be a non-negative int, got {n_samples!r}.")
        n_samples = int(n_samples)
        rng = self._rng if random_state is None else check_random_state(random_state)
        if not rejection_sampling or n_samples == 0:
            return self._encoder.as_output(self._generated_columns(n_samples, rng))
        return self._encoder.as_output(self._rejection_sample(n_samples, rng))

    def _generated_columns(self, n, rng):
        raw = self.generator_.forward(self._game.noise(n, rng))
        if not np.isfinite(raw).all():
            raise ValueError("the generator's outputs overflowed to NaN or infinity; refit "
                             "with lower learning rates.")
        return self._encoder.decode(raw, rng)

    def _scores(self, columns, rng):
        """The discriminator's raw score of each row, as it scores real rows (one-hot categories)."""
        X = self._encoder.encode(columns, self.discriminator_.dtype)
        n, pac = X.shape[0], self.pac
        if pac == 1:
            return self.discriminator_.forward(X).ravel()
        total = np.zeros(n)
        for k in range(2 * pac):
            packs = [X[rng.permutation(n)] for _ in range(pac)]
            packs[k % pac] = X
            total += self.discriminator_.forward(np.hstack(packs)).ravel()
        return total / (2 * pac)

    def _rejection_sample(self, n_samples, rng):
        chunk = max(n_samples, 10_000)
        kept, n_kept, best = [], 0, -np.inf
        for _ in range(100):
            columns = self._generated_columns(chunk, rng)
            scores = self._scores(columns, rng)
            best = max(best, scores.max())
            gap = scores - best
            acceptance = expit(gap - np.log1p(-np.exp(gap - 1e-6)))
            keep = rng.uniform(size=chunk) < acceptance
            kept.append([column[keep] for column in columns])
            n_kept += int(keep.sum())
            if n_kept >= n_samples:
                break
        else:
            kept.append([column[~keep] for column in columns])
        return [np.concatenate([part[k] for part in kept])[:n_samples]
                for k in range(len(kept[0]))]

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_game")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.target_tags.required = False
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

"""Parameter documentation shared by the estimators' docstrings."""

SHARED_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int or layer specs, default=(100,)
        The hidden layers, first to last. An int is a dense layer of that many
        neurons: ``(64, 32)`` is two hidden layers of 64 and 32 neurons. An
        entry may also be a layer specification from :mod:`sk_ann.layers`
        (``Conv1D``, ``Conv2D``, ``MaxPool2D``, ``GlobalAvgPool``, ``Flatten``,
        ``Dense``...), for samples of ``input_shape``:
        ``[Conv2D(16, 3, padding="same"), MaxPool2D(2), 64]``. A dense layer
        after a convolution reads its output flattened. Recurrent layers
        (``SimpleRNN``, ``LSTM``, ``GRU``, ``Bidirectional``) read sequences:
        ``[LSTM(32), 16]`` with ``input_shape=(timesteps, features)``.

    activation : str or list of str, default='relu'
        Activation function of the hidden neurons, one name for every hidden
        layer or a list of one name per hidden layer: MLP's ``'identity'``
        (``z``), ``'logistic'`` (``1 / (1 + exp(-z))``, also called
        ``'sigmoid'``), ``'tanh'`` and ``'relu'`` (``max(z, 0)``), and
        ``'leaky_relu'``, ``'elu'``, ``'selu'``, ``'gelu'``, ``'softplus'`` and
        ``'silu'``. In a list, ``None`` stands at the position of a layer
        that takes no activation (pooling, ``Flatten``, ``LSTM``, ``GRU``,
        attention, a layer given its own).

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop', 'adamw'}, default='adam'
        How the weights are fitted: quasi-Newton L-BFGS on the whole data set,
        or minibatch stochastic gradient descent, Adam, RMSprop (which uses
        ``beta_2`` as the decay of its squared-gradient average and
        ``epsilon``) or AdamW (Adam with decoupled ``weight_decay``). L-BFGS
        often does better and faster on small data sets; Adam is a robust
        default for larger ones.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases), divided by
        the batch's total sample weight.

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; ``'auto'`` is
        ``min(200, n_samples)``. Ignored by L-BFGS.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine'}, default='constant'
        Learning-rate schedule of every stochastic solver (scikit-learn's MLP
        applies it to ``'sgd'`` only): keep ``learning_rate_init``; set it to
        ``learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t`` the
        number of samples seen; divide it by 5 whenever the stopping rule
        fires, until it falls below 1e-6; or follow half a cosine from
        ``learning_rate_init`` towards 0 over ``max_iter`` epochs. See also
        ``warmup_epochs``.

    learning_rate_init : float, default=0.001
        Initial step size of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the ``'invscaling'`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).

    shuffle : bool, default=True
        Whether to shuffle the samples at every epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the early-stopping split and the
        shuffling. An int gives bit-identical models for the same data.

    tol : float, default=1e-4
        Tolerance of the stopping rule: training stops once the loss (or the
        validation score, with early stopping) has not improved by ``tol`` for
        ``n_iter_no_change`` consecutive epochs. L-BFGS stops when the largest
        gradient component falls below it.

    verbose : bool or int, default=False
        Print the loss (and validation score) after each epoch.

    warm_start : bool, default=False
        Start ``fit`` from the weights of the previous fit instead of anew.

    momentum : float, default=0.9
        Momentum of ``solver='sgd'``, in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver='sgd'``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop once the
        validation score stops improving; the weights with the best score are
        kept. Stochastic solvers only.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimates, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Number of epochs without improvement by ``tol`` before the stopping
        rule fires (stochastic solvers).

    max_fun : int, default=15000
        Maximum number of loss evaluations of L-BFGS.

    dtype : {None, 'float32', 'float64'}, default=None
        Precision of the network's weights and computations. None follows the
        input, as MLP does: float32 data trains in float32, anything else in
        float64. ``'float32'`` trains and predicts in float32 whatever the
        input: about half the memory traffic, usually the same accuracy.
        ``warm_start`` and ``partial_fit`` keep the precision of the first fit."""

EXTRA_PARAMETERS = """
    dropout : float or list of float, default=0.0
        Inverted dropout on the outputs of the hidden layers, one rate for all
        or one per hidden layer, in [0, 1): while training, each output is
        zeroed with this probability (drawn from ``random_state``) and the
        others are divided by ``1 - dropout``; at predict time nothing is
        dropped. Stochastic solvers only. It applies to layers of neurons
        (dense and convolutional); in a list, pooling and flattening layers
        take 0.

    batch_norm : bool or list of bool, default=False
        Batch normalisation of each hidden layer's pre-activations (or of the
        layers flagged in a list, one flag per hidden layer): standardised
        over the minibatch, then scaled and shifted by trained ``γ`` and
        ``β``. Predictions use running averages of the batch statistics,
        gathered while training (also by ``partial_fit`` and ``warm_start``).
        The statistics are unweighted over the rows of a batch. A
        convolution is normalised per filter, over the samples and positions
        of the batch. In a list, pooling and flattening layers take False.

    alpha_l1 : float, default=0.0
        Strength of an L1 penalty on the weights (not the biases), beside
        ``alpha``'s L2 penalty and divided by the batch's total sample weight
        in the same way. It drives unhelpful weights to zero.

    max_grad_norm : float or None, default=None
        Clip the gradient of every minibatch to this Euclidean norm (all
        parameters together) before the optimizer's step. None does not clip.
        Stochastic solvers only.

    weight_init : {'auto', 'glorot_uniform', 'glorot_normal', 'he_uniform', \
            'he_normal', 'lecun_uniform', 'lecun_normal'}, default='auto'
        How the initial weights are drawn. ``'auto'`` picks per layer from its
        activation: scikit-learn's Glorot uniform scheme for ``'identity'``,
        ``'logistic'``, ``'tanh'`` and ``'relu'`` (so the defaults start from
        MLP's very weights), He uniform for the other ReLU-like activations
        and LeCun normal for ``'selu'``. The schemes other than Glorot uniform
        start the biases at zero.

    weight_decay : float, default=0.01
        Decoupled weight decay of ``solver='adamw'``: each step shrinks the
        weights (not the biases) by ``learning_rate * weight_decay`` times
        themselves. Ignored by the other solvers.

    warmup_epochs : int, default=0
        Number of epochs over which the learning rate ramps up linearly to
        the schedule's rate (epoch ``e`` uses ``e / (warmup_epochs + 1)`` of
        it), before ``learning_rate`` takes over. Stochastic solvers only.

    scoring : str, callable or None, default=None
        The validation score of early stopping and of ``X_val``: None is the
        estimator's own ``score`` (as MLP), ``'loss'`` is minus the validation
        loss, any other string a scorer name of
        :func:`sklearn.metrics.get_scorer_names`, or a callable
        ``scorer(estimator, X, y)`` (higher is better).

    input_shape : int, tuple of int or None, default=None
        Shape of one sample, channels last, for convolutional layers: None
        reads each row of ``X`` as flat features (as MLP does);
        ``(length, channels)`` suits 1-D layers, ``(height, width)`` (one
        channel) or ``(height, width, channels)`` 2-D layers. ``X`` may then be
        2-D, ``(n_samples, prod(input_shape))``, each row the sample laid out
        row-major (so ``StandardScaler`` and pipelines work unchanged), or
        ``(n_samples, *input_shape)``. Recurrent layers read
        ``(timesteps, features)``; ``timesteps`` alone means one feature."""

SHARED_ATTRIBUTES = """
    network_ : sk_ann.core.Network
        The fitted network: ``network_.layers[k]`` has ``weights``, ``bias``,
        ``activation`` and ``neurons``, views of the individual neurons.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix of layer ``i + 1``, shape
        ``(n_in, n_out)``; the same numbers as ``network_.layers[i].weights``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    loss_ : float
        The training loss (with the L2 penalty) at the end of fitting.

    best_loss_ : float or None
        The lowest training loss reached; None with early stopping.

    loss_curve_ : list of float
        The training loss after each epoch (each L-BFGS iteration).

    validation_scores_ : list of float or None
        The validation score after each epoch with early stopping or
        ``X_val``, else None.

    validation_loss_curve_ : list of float or None
        The loss on the validation data after each epoch (the loss alone,
        without penalties, and without dropout), with early stopping or
        ``X_val``, else None.

    best_validation_score_ : float or None
        The best of ``validation_scores_``, or None without early stopping.

    n_iter_ : int
        Number of epochs (iterations for L-BFGS) run by the last call.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output neurons.

    out_activation_ : str
        The output link.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` had string column
        names."""

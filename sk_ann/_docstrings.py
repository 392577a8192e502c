"""Parameter documentation shared by the estimators' docstrings."""

SHARED_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Number of neurons in each hidden layer, first to last: ``(64, 32)`` is
        two hidden layers of 64 and 32 neurons.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden neurons: ``z``, ``1 / (1 + exp(-z))``,
        ``tanh(z)`` or ``max(z, 0)``.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        How the weights are fitted: quasi-Newton L-BFGS on the whole data set,
        minibatch stochastic gradient descent, or Adam. L-BFGS often does better
        and faster on small data sets; Adam is a robust default for larger ones.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases), divided by
        the batch's total sample weight.

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; ``'auto'`` is
        ``min(200, n_samples)``. Ignored by L-BFGS.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of ``solver='sgd'``: keep ``learning_rate_init``;
        set it to ``learning_rate_init / (t + 1) ** power_t`` after each epoch,
        ``t`` the number of samples seen; or divide it by 5 whenever the stopping
        rule fires, until it falls below 1e-6.

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
        The validation score after each epoch with early stopping, else None.

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

"""The types skops must be told to trust to load a saved sk_ann model."""

import inspect


def trusted_types():
    """Names of every sk_ann type a saved sk_ann model may hold, for skops and mlflow.

    skops loads only the types it is told to trust; scikit-learn's, numpy's
    and Python's own it trusts by itself. A fitted sk_ann estimator (alone or
    in a pipeline) holds only sk_ann types from this list: the estimators,
    their ``Network``, its output link, the target encoding, the training
    state, the optimizers, the learning-rate schedule and the layer
    specifications of ``sk_ann.layers``. Pass it as
    ``skops.io.load(path, trusted=sk_ann.trusted_types())`` or as mlflow's
    ``skops_trusted_types=``. A file that needs any type beyond these (and
    beyond scikit-learn's) was not written by sk_ann alone: read what
    ``skops.io.get_untrusted_types`` lists before trusting it.

    Returns
    -------
    names : list of str
        Fully qualified type names, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> import skops.io as sio
    >>> import sk_ann
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> model = sk_ann.ANNRegressor((4,), max_iter=5, random_state=0).fit(X, X[:, 0])
    >>> data = sio.dumps(model)
    >>> set(sio.get_untrusted_types(data=data)) <= set(sk_ann.trusted_types())
    True
    >>> loaded = sio.loads(data, trusted=sk_ann.trusted_types())
    """
    from . import layers
    from ._tabular import TableEncoder
    from ._targets import ClassTarget, ContinuousTarget, MultiOutputClassTarget
    from .autoencoder import ANNAutoencoder
    from .classifier import ANNClassifier
    from .core.activations import OUTPUT_LINKS
    from .core.adversarial import AdversarialGame, TabularLink
    from .core.network import Network
    from .core.optimizers import OPTIMIZERS
    from .core.schedules import LearningRateSchedule
    from .core.training import TrainingState
    from .gan import ANNGAN
    from .regressor import ANNRegressor

    specs = [getattr(layers, name) for name in layers.__all__]
    types = {ANNClassifier, ANNRegressor, ANNAutoencoder, ANNGAN, AdversarialGame,
             TabularLink, TableEncoder, Network, TrainingState,
             LearningRateSchedule, ClassTarget, ContinuousTarget, MultiOutputClassTarget,
             *OUTPUT_LINKS.values(), *OPTIMIZERS.values(),
             *(spec for spec in specs
               if inspect.isclass(spec) and spec is not layers.LayerSpec)}
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in types)

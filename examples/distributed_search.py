"""
When one machine is not enough: a search on a Dask cluster, then data in chunks
===============================================================================

Start a Dask cluster of two worker processes on this machine, run a
``GridSearchCV`` over ``ANNClassifier`` on it and compare its scores with the
same search run with ``n_jobs=1``; then train on a dask array of 20 row-chunks
with ``dask_ml.wrappers.Incremental`` and compare the model with a fit in
memory. Needs ``pip install "sk_ann[distributed]"``.

To run the same code on a real cluster, set ``SK_ANN_SCHEDULER`` to its
scheduler's address (``SK_ANN_SCHEDULER=tcp://scheduler-host:8786``); every
worker needs the same versions of sk_ann, scikit-learn and numpy installed.
"""

# %%
# Worker processes are started with ``spawn``, which imports this script again
# in each of them: the work is done in functions, called under the
# ``if __name__ == "__main__"`` guard at the end.
import os
import time
import warnings
from contextlib import contextmanager

import dask.array as da
import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from dask_ml.preprocessing import StandardScaler as DaskStandardScaler
from dask_ml.wrappers import Incremental
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier


@contextmanager
def dask_client():
    """A client of the scheduler at ``SK_ANN_SCHEDULER``, or of a new local cluster."""
    address = os.environ.get("SK_ANN_SCHEDULER")
    if address:
        # On a real cluster this is the line that changes:
        # Client("tcp://scheduler-host:8786")
        with Client(address) as client:
            yield client
        return
    with LocalCluster(host="127.0.0.1", dashboard_address="127.0.0.1:0", scheduler_port=0,
                      n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        yield client


# %%
# A grid search on the cluster. Under ``joblib.parallel_config(backend="dask")``
# scikit-learn sends each (candidate, fold) fit to a worker; ``scatter`` sends
# the data to the workers once instead of with every fit. With a fixed
# ``random_state`` every fit is the one ``n_jobs=1`` would make.
def grid_search_on_the_cluster():
    X, y = load_breast_cancer(return_X_y=True)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), ANNClassifier(max_iter=300, random_state=0)),
        {"annclassifier__hidden_layer_sizes": [(8,), (64,)],
         "annclassifier__alpha": [1e-4, 10.0]},
        cv=3,
    )
    start = time.perf_counter()
    one_job = clone(search).set_params(n_jobs=1).fit(X, y)
    one_job_seconds = time.perf_counter() - start

    start = time.perf_counter()
    with joblib.parallel_config(backend="dask", scatter=[X, y]):
        on_cluster = clone(search).set_params(n_jobs=-1).fit(X, y)
    cluster_seconds = time.perf_counter() - start

    print("GridSearchCV, mean cross-validated accuracy per candidate")
    print(f"{'candidate':40} {'n_jobs=1':>9} {'cluster':>9}")
    for params, a, b in zip(one_job.cv_results_["params"],
                            one_job.cv_results_["mean_test_score"],
                            on_cluster.cv_results_["mean_test_score"]):
        name = ", ".join(f"{k.split('__')[1]}={v}" for k, v in params.items())
        print(f"{name:40} {a:9.4f} {b:9.4f}")
    same = np.allclose(one_job.cv_results_["mean_test_score"],
                       on_cluster.cv_results_["mean_test_score"], rtol=1e-12)
    print(f"same scores: {same}; n_jobs=1 {one_job_seconds:.1f}s, "
          f"cluster {cluster_seconds:.1f}s")


# %%
# Training on data larger than memory. ``Incremental.partial_fit`` hands each
# row-chunk of the dask array to ``ANNClassifier.partial_fit`` in turn, on a
# worker: one pass over the data. Each call goes on from where the last one
# stopped, so more passes are more calls. Here the array is made from memory so
# that a fit in memory can be compared with it; a real one would come from
# files, e.g. ``da.from_zarr(...)`` or ``dd.read_parquet(...).to_dask_array(lengths=True)``.
def incremental_on_a_dask_array(n_chunks=20, passes=30):
    X, y = make_classification(n_samples=4000, n_features=20, n_informative=10, n_classes=3,
                               random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    # Several optimizer steps per chunk, and a rate at which a few passes converge.
    network = ANNClassifier((32,), batch_size=50, learning_rate_init=0.01, random_state=0)

    start = time.perf_counter()
    in_memory = make_pipeline(StandardScaler(), clone(network)).fit(X_train, y_train)
    in_memory_seconds = time.perf_counter() - start

    rows = X_train.shape[0] // n_chunks
    X_chunks = da.from_array(X_train, chunks=(rows, -1))  # row-chunks only
    y_chunks = da.from_array(y_train, chunks=rows)
    start = time.perf_counter()
    scaler = DaskStandardScaler().fit(X_chunks)
    model = Incremental(network, shuffle_blocks=False)
    for _ in range(passes):
        model.partial_fit(scaler.transform(X_chunks), y_chunks, classes=np.unique(y))
    incremental_seconds = time.perf_counter() - start

    # dask-ml's StandardScaler scales a NumPy array in place: give it a copy.
    incremental_score = model.estimator_.score(scaler.transform(X_test.copy()), y_test)
    print()
    print(f"Incremental, {n_chunks} chunks of {rows} rows, {passes} passes")
    print(f"test accuracy: fit in memory {in_memory.score(X_test, y_test):.4f} "
          f"({in_memory_seconds:.1f}s), Incremental {incremental_score:.4f} "
          f"({incremental_seconds:.1f}s)")


# %%
# Run both, then close the client and the cluster.
def main():
    with warnings.catch_warnings():
        # Short max_iter keeps the demo quick; the warnings would repeat it.
        warnings.simplefilter("ignore", ConvergenceWarning)
        with dask_client() as client:
            print(f"scheduler {client.scheduler.address}, "
                  f"{len(client.scheduler_info()['workers'])} workers")
            grid_search_on_the_cluster()
            incremental_on_a_dask_array()


if __name__ == "__main__":
    main()

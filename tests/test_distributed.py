"""Beyond one machine: searches on Dask and Ray clusters, and training on data larger than memory.

A ``distributed.LocalCluster`` and a local Ray instance, both on 127.0.0.1 only, are
started once per session and closed at its end; the session then checks that nothing
they started is still running. The cluster tests need ``pip install sk_ann[distributed]``
(``make test`` installs it) and are skipped without it.
"""

import concurrent.futures
import io
import mmap
import multiprocessing.pool
import os
import pickle
import secrets
import socket
import tempfile
import threading
import time
import types
from operator import methodcaller

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_friedman1
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Incremental training: the training rows in N_CHUNKS row-chunks, seen PASSES times.
N_CHUNKS = 20
PASSES = 30
# How far below an in-memory fit's test score a model trained chunk by chunk may end
# (accuracy for the classifier, R² for the regressor).
MARGIN = 0.01


# --- the clusters ------------------------------------------------------------------

@pytest.fixture(scope="module")
def nothing_left_running():
    """Fails the module if a process or thread started by a cluster outlives it."""
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    processes_before = {p.pid for p in me.children(recursive=True)}
    threads_before = set(threading.enumerate())
    yield
    started = [p for p in me.children(recursive=True)
               if p.pid not in processes_before and not _is_resource_tracker(p)]
    _, alive = psutil.wait_procs(started, timeout=30)
    deadline = time.monotonic() + 10
    while (threads := _new_threads(threads_before)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive, f"processes left running: {alive}"
    assert not threads, f"threads left running: {threads}"


def _is_resource_tracker(process):
    # multiprocessing's resource tracker serves the whole interpreter until it exits.
    try:
        return "resource_tracker" in " ".join(process.cmdline())
    except Exception:
        return False


def _new_threads(threads_before):
    # distributed keeps one module-level thread pool ("Dask-Offload") for the life of
    # the interpreter, whether or not a cluster is running.
    return [t for t in threading.enumerate()
            if t not in threads_before and t.is_alive() and not t.name.startswith("Dask-Offload")]


@pytest.fixture(scope="module")
def dask_cluster(nothing_left_running, tmp_path_factory):
    """A Client on a LocalCluster of 2 single-threaded worker processes, on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        host="127.0.0.1", dashboard_address="127.0.0.1:0", scheduler_port=0,
        n_workers=2, threads_per_worker=1, processes=True,
        local_directory=tmp_path_factory.mktemp("dask"),
    )
    client = distributed.Client(cluster)
    try:
        addresses = [cluster.scheduler_address, *client.scheduler_info()["workers"]]
        assert len(addresses) == 3
        assert all(address.startswith("tcp://127.0.0.1:") for address in addresses)
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def ray_cluster(nothing_left_running):
    """A local Ray instance with 2 CPUs on 127.0.0.1, its joblib backend registered."""
    # Not pytest's tmp_path: Ray's socket paths must stay short.
    with pytest.MonkeyPatch.context() as env, tempfile.TemporaryDirectory(
            prefix="sk-ann-ray-", ignore_cleanup_errors=True) as tmp:
        # Ray reads these when it is imported. "0" keeps every Ray process on
        # 127.0.0.1, on Linux too; a token given here spares Ray writing one to
        # ~/.ray; usage statistics would try to reach the network.
        env.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        env.setenv("RAY_AUTH_MODE", "token")
        env.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
        env.setenv("RAY_USAGE_STATS_ENABLED", "0")
        ray = pytest.importorskip("ray")
        from ray.util.joblib import register_ray

        ray.init(num_cpus=2, include_dashboard=False, _temp_dir=tmp, log_to_driver=False)
        try:
            assert ray.util.get_node_ip_address() == "127.0.0.1"
            register_ray()
            yield ray
        finally:
            ray.shutdown()


# --- searches on a cluster ---------------------------------------------------------

def _classifier_grid():
    X, y = load_iris(return_X_y=True)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), ANNClassifier(max_iter=300, random_state=0)),
        {"annclassifier__hidden_layer_sizes": [(3,), (16,)],
         "annclassifier__alpha": [1e-4, 3.0]},
        cv=3,
    )
    return search, X, y


def _regressor_randomized():
    X, y = make_friedman1(n_samples=300, noise=0.5, random_state=0)
    search = RandomizedSearchCV(
        make_pipeline(StandardScaler(), ANNRegressor((16,), max_iter=200, random_state=0)),
        {"annregressor__alpha": loguniform(1e-5, 10),
         "annregressor__learning_rate_init": loguniform(1e-3, 1e-1)},
        n_iter=4, cv=3, random_state=0,
    )
    return search, X, y


def _autoencoder_grid():
    X, _ = load_iris(return_X_y=True)
    search = GridSearchCV(
        make_pipeline(MinMaxScaler(), ANNAutoencoder(max_iter=300, random_state=0)),
        {"annautoencoder__hidden_layer_sizes": [(8, 1), (8, 3)],
         "annautoencoder__activation": ["tanh", "relu"]},
        cv=3,
    )
    return search, X, None


def _score_and_pid():
    # A local function: cloudpickle sends it by value, since workers cannot import
    # this test module. The pid tells where each fit and score ran.
    def score(estimator, X, y=None):
        return {"score": estimator.score(X, y), "pid": os.getpid()}

    return score


def _fit_search(search, X, y, n_jobs):
    search = clone(search).set_params(scoring=_score_and_pid(), refit="score",
                                      error_score="raise", n_jobs=n_jobs)
    return search.fit(X, y)


def _pids(search):
    return {pid for key, values in search.cv_results_.items()
            if key.startswith("split") and key.endswith("_test_pid") for pid in values}


@pytest.mark.parametrize("backend", ["dask", "ray"])
@pytest.mark.parametrize("make_search", [_classifier_grid, _regressor_randomized,
                                         _autoencoder_grid])
def test_search_on_a_cluster_scores_as_with_one_job(backend, make_search, request):
    request.getfixturevalue(f"{backend}_cluster")
    search, X, y = make_search()
    one_job = _fit_search(search, X, y, n_jobs=1)
    with joblib.parallel_config(backend=backend):
        cluster = _fit_search(search, X, y, n_jobs=-1)

    assert _pids(one_job) == {os.getpid()}
    assert os.getpid() not in _pids(cluster)
    expected = one_job.cv_results_["mean_test_score"]
    # Candidates that all score alike would make equal scores say little.
    assert np.ptp(expected) > 0.01
    np.testing.assert_allclose(cluster.cv_results_["mean_test_score"], expected, rtol=1e-12)
    assert cluster.best_params_ == one_job.best_params_


# --- estimators travel ---------------------------------------------------------------

_HOLDS_A_RESOURCE = (
    type(threading.Lock()), type(threading.RLock()), threading.Thread,
    concurrent.futures.Executor, multiprocessing.pool.Pool, io.IOBase, mmap.mmap,
    socket.socket,
)
_NOT_STATE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
              types.MethodType, str, bytes, int, float, complex, bool, type(None))


def _resources_held(obj):
    """Locks, threads, pools, open files and mappings reachable from ``obj``'s state."""
    found, seen, todo = [], set(), [obj]
    while todo:
        item = todo.pop()
        if isinstance(item, _NOT_STATE) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, _HOLDS_A_RESOURCE):
            found.append(item)
            continue
        if isinstance(item, np.ndarray):
            # A view of a memmap keeps its file mapped through ``base``.
            todo.append(item.base)
            if item.dtype == object:
                todo.extend(item.ravel().tolist())
            continue
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        if hasattr(item, "__dict__"):
            todo.append(vars(item))
        todo.extend(getattr(item, name, None) for name in getattr(type(item), "__slots__", ()))
    return found


def test_the_resource_walk_finds_a_pool_and_a_mapped_file(tmp_path):
    np.save(tmp_path / "X.npy", np.zeros((4, 2)))
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    est = ANNRegressor()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        est.__dict__.update(_pool=pool, _rows=[np.asarray(X[1:3])])
        kinds = {type(found) for found in _resources_held(est)}
    assert concurrent.futures.ThreadPoolExecutor in kinds and mmap.mmap in kinds


def _fitted(cls, X, y):
    # Half the data through fit, the other half through partial_fit: the optimizer's
    # state must travel too.
    est = cls(hidden_layer_sizes=(8, 2), max_iter=20, random_state=0)
    half = X.shape[0] // 2
    if cls is ANNAutoencoder:
        return est.fit(X[:half]).partial_fit(X[half:])
    kwargs = {"classes": np.unique(y)} if cls is ANNClassifier else {}
    return est.fit(X[:half], y[:half]).partial_fit(X[half:], y[half:], **kwargs)


def _output(est, X):
    return est.transform(X) if isinstance(est, ANNAutoencoder) else est.predict(X)


@pytest.mark.parametrize("cls", [ANNClassifier, ANNRegressor, ANNAutoencoder])
@pytest.mark.parametrize("library", ["pickle", "cloudpickle"])
def test_fitted_estimators_pickle_cleanly(cls, library, tmp_path):
    dumper = pytest.importorskip(library)
    X, y = make_classification(n_samples=200, n_features=6, n_classes=3,
                               n_informative=4, random_state=0)
    # Trained from a memory-mapped file, as in streaming: the file must not stay mapped.
    np.save(tmp_path / "X.npy", X)
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    est = _fitted(cls, X, y)
    assert _resources_held(est) == []

    loaded = pickle.loads(dumper.dumps(est))
    assert _resources_held(loaded) == []
    np.testing.assert_array_equal(_output(loaded, X), _output(est, X))
    more = (X,) if cls is ANNAutoencoder else (X, y)
    np.testing.assert_array_equal(loaded.partial_fit(*more).network_.params,
                                  est.partial_fit(*more).network_.params)


@pytest.mark.parametrize("cls", [ANNClassifier, ANNRegressor, ANNAutoencoder])
def test_fitted_estimator_predicts_the_same_on_a_dask_worker(cls, dask_cluster):
    X, y = make_classification(n_samples=100, n_features=6, random_state=0)
    est = _fitted(cls, X, y)
    method = "transform" if cls is ANNAutoencoder else "predict"
    on_worker = dask_cluster.submit(methodcaller(method, X), est).result()
    np.testing.assert_array_equal(on_worker, _output(est, X))


def test_fitted_estimator_predicts_the_same_on_a_ray_worker(ray_cluster):
    X, y = make_classification(n_samples=100, n_features=6, random_state=0)
    est = _fitted(ANNClassifier, X, y)

    def predict_proba(est, X):
        return est.predict_proba(X), os.getpid()

    proba, pid = ray_cluster.get(ray_cluster.remote(predict_proba).remote(est, X))
    assert pid != os.getpid()
    np.testing.assert_array_equal(proba, est.predict_proba(X))


# --- data larger than memory ---------------------------------------------------------

@pytest.fixture(scope="module", params=["classification", "regression"])
def stream_task(request):
    """Generated data split into train and test, an estimator, and partial_fit's kwargs.

    Batches of 50 rows give each chunk of 150 rows three optimizer steps, and at a
    learning rate of 0.01 thirty passes over the chunks converge.
    """
    if request.param == "classification":
        X, y = make_classification(n_samples=4000, n_features=20, n_informative=10,
                                   n_classes=3, random_state=0)
        estimator = ANNClassifier((32,), batch_size=50, learning_rate_init=0.01,
                                  random_state=0)
        kwargs = {"classes": np.unique(y)}
    else:
        X, y = make_friedman1(n_samples=4000, n_features=10, noise=0.5, random_state=0)
        y = (y - y.mean()) / y.std()
        estimator = ANNRegressor((32,), batch_size=50, learning_rate_init=0.01,
                                 random_state=0)
        kwargs = {}
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                        random_state=0)
    # Read-only, so that no test can change the data the others use.
    for array in (X_train, X_test, y_train, y_test):
        array.flags.writeable = False
    in_memory = make_pipeline(StandardScaler(), clone(estimator)).fit(X_train, y_train)
    return types.SimpleNamespace(
        X_train=X_train, X_test=X_test, y_train=y_train, y_test=y_test,
        estimator=estimator, kwargs=kwargs, rows=X_train.shape[0] // N_CHUNKS,
        in_memory_score=in_memory.score(X_test, y_test),
    )


@pytest.mark.parametrize("cls", [ANNClassifier, ANNRegressor, ANNAutoencoder])
def test_partial_fit_takes_what_incremental_passes(cls):
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = make_classification(n_samples=100, n_features=6, random_state=0)
    y = None if cls is ANNAutoencoder else y
    kwargs = {"classes": np.unique(y)} if cls is ANNClassifier else {}
    # On NumPy input Incremental calls partial_fit(X=X, y=y, **kwargs), classes every time.
    model = wrappers.Incremental(cls(random_state=0))
    direct = cls(random_state=0)
    for _ in range(3):
        model.partial_fit(X, y, **kwargs)
        direct.partial_fit(X, y, **kwargs)
    np.testing.assert_array_equal(model.estimator_.network_.params, direct.network_.params)


def _check_trained_in_chunks(model, task):
    # One loss value per partial_fit call, and every row seen once per pass.
    assert len(model.loss_curve_) == PASSES * N_CHUNKS
    assert model.t_ == PASSES * task.X_train.shape[0]


def test_incremental_on_a_dask_array_as_good_as_fit_in_memory(stream_task, dask_cluster):
    da = pytest.importorskip("dask.array")
    from dask_ml.preprocessing import StandardScaler as DaskStandardScaler
    from dask_ml.wrappers import Incremental

    task = stream_task
    X = da.from_array(task.X_train, chunks=(task.rows, -1))
    y = da.from_array(task.y_train, chunks=task.rows)
    assert X.numblocks == (N_CHUNKS, 1)
    scaler = DaskStandardScaler().fit(X)
    X = scaler.transform(X)
    # Chunks in order, as the streaming loops below read them.
    model = Incremental(task.estimator, shuffle_blocks=False)
    for _ in range(PASSES):
        model.partial_fit(X, y, **task.kwargs)

    _check_trained_in_chunks(model.estimator_, task)
    # dask-ml's StandardScaler scales a NumPy array in place.
    score = model.estimator_.score(scaler.transform(task.X_test.copy()), task.y_test)
    assert score >= task.in_memory_score - MARGIN, (score, task.in_memory_score)


def _stream(task, chunks):
    """The streaming recipe: one pass to fit the scaler, then PASSES of partial_fit.

    ``chunks()`` yields ``(X, y)`` row-chunks of the training data, read anew each call.
    """
    scaler = StandardScaler()
    for X, _ in chunks():
        scaler.partial_fit(X)
    model = clone(task.estimator)
    for _ in range(PASSES):
        for X, y in chunks():
            model.partial_fit(scaler.transform(X), y, **task.kwargs)
    return make_pipeline(scaler, model)


def _csv_chunks(path, rows):
    def chunks():
        for frame in pd.read_csv(path, chunksize=rows):
            yield frame.drop(columns="target").to_numpy(), frame["target"].to_numpy()
    return chunks


def _memmap_chunks(X_path, y_path, rows):
    def chunks():
        X = np.load(X_path, mmap_mode="r")
        y = np.load(y_path, mmap_mode="r")
        for start in range(0, X.shape[0], rows):
            yield X[start:start + rows], y[start:start + rows]
    return chunks


def test_streaming_from_disk_without_dask_as_good_as_fit_in_memory(stream_task, tmp_path):
    task = stream_task
    csv = tmp_path / "train.csv"
    columns = [f"x{j}" for j in range(task.X_train.shape[1])]
    pd.DataFrame(task.X_train, columns=columns).assign(target=task.y_train).to_csv(
        csv, index=False)
    np.save(tmp_path / "X.npy", task.X_train)
    np.save(tmp_path / "y.npy", task.y_train)

    from_csv = _stream(task, _csv_chunks(csv, task.rows))
    from_memmap = _stream(task, _memmap_chunks(tmp_path / "X.npy", tmp_path / "y.npy",
                                               task.rows))

    for model in (from_csv, from_memmap):
        _check_trained_in_chunks(model[-1], task)
        score = model.score(task.X_test, task.y_test)
        assert score >= task.in_memory_score - MARGIN, (score, task.in_memory_score)
    # The same rows in the same chunks: the same model, whichever file they came from.
    np.testing.assert_allclose(from_csv[-1].network_.params, from_memmap[-1].network_.params,
                               rtol=1e-6, atol=1e-9)
    assert _resources_held(from_memmap) == []

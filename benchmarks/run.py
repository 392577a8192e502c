"""Side-by-side benchmark: sk_ann against scikit-learn's MLP, in one process, interleaved.

Each workload trains both estimators with identical settings (adam, the same
learning rate, batch size and architecture, a fixed number of epochs with the
stopping rule off, the same dtype), several times in turn, and reports seconds
per epoch (median, min, max), their ratio, test accuracy or R², peak memory,
each time as a multiple of the FLOP limit, and predict latency.

The convolutional workloads, which scikit-learn has no estimator for, train an
sk_ann CNN and scikit-learn's MLP with one dense hidden layer of about the same
number of parameters on the same data, with the same other settings; each
time is taken against the FLOP limit of its own network.

    python benchmarks/run.py              # full run, writes results/full.json and README.md
    python benchmarks/run.py --quick      # about a minute, writes results/quick.json
    python benchmarks/run.py --only fg    # some workloads, writes results/full-fg.json

Not part of the test suite: timings depend on the machine and on what else runs.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

import sk_ann
from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.layers import Conv1D, Conv2D, GlobalAvgPool, MaxPool2D

HERE = Path(__file__).resolve().parent


class Workload(NamedTuple):
    description: str
    data: str           # what make_data makes
    hidden: object      # sk_ann's hidden_layer_sizes (and sklearn's, for dense workloads)
    batch: int
    epochs_full: int
    epochs_quick: int
    quick_rows: int = None    # training rows in quick mode (None: all)
    input_shape: tuple = None  # one sample's shape, for convolutional workloads
    predict_rows: int = 100_000  # rows of the bulk predict


WORKLOADS = {
    "e": Workload("digits, hidden (64,), batch 16", "digits", (64,), 16, 5, 2),
    "a": Workload("digits, hidden (100,), batch 200", "digits", (100,), 200, 30, 5),
    "b": Workload("make_classification 50,000 x 50, 5 classes, hidden (256, 128), batch 256",
                  "clf50", (256, 128), 256, 3, 1, 8_000),
    "c": Workload("make_regression 50,000 x 100, hidden (256, 256), batch 256",
                  "reg100", (256, 256), 256, 3, 1, 5_000),
    "d": Workload("make_classification 20,000 x 512, 10 classes, hidden (1024, 1024), "
                  "batch 512", "clf512", (1024, 1024), 512, 2, 1, 2_048),
    "f": Workload("digits 8 x 8, CNN [Conv2D(16, 3, same), MaxPool2D(2), Conv2D(32, 3, same), "
                  "MaxPool2D(2), 64], batch 64", "digits",
                  [Conv2D(16, 3, padding="same"), MaxPool2D(2), Conv2D(32, 3, padding="same"),
                   MaxPool2D(2), 64], 64, 10, 3, input_shape=(8, 8)),
    "g": Workload("20,000 series 128 x 3, 4 classes, CNN [Conv1D(64, 7, same), "
                  "Conv1D(64, 5, same), GlobalAvgPool()], batch 64", "series",
                  [Conv1D(64, 7, padding="same"), Conv1D(64, 5, padding="same"),
                   GlobalAvgPool()], 64, 2, 1, 2_000, input_shape=(128, 3),
                  # 100,000 rows would be 560 GFLOP of convolutions, three times over.
                  predict_rows=10_000),
}


def make_series(n_samples=20_000, length=128, n_channels=3, random_state=0):
    """Noisy sinusoids whose class is their frequency, each channel at its own phase.

    Class ``c`` oscillates ``(2, 3, 5, 8)[c]`` times per series, give or take
    10%, with amplitude between 0.5 and 1.5 and Gaussian noise of standard
    deviation 1: a pattern that can sit anywhere in the series, which a
    convolution finds wherever it is.
    """
    rng = np.random.default_rng(random_state)
    cycles = np.array([2.0, 3.0, 5.0, 8.0])
    y = rng.integers(len(cycles), size=n_samples)
    freq = cycles[y] * rng.uniform(0.9, 1.1, size=n_samples)
    t = np.arange(length) / length
    phase = rng.uniform(0, 2 * np.pi, size=(n_samples, 1, n_channels))
    amplitude = rng.uniform(0.5, 1.5, size=(n_samples, 1, n_channels))
    X = amplitude * np.sin(2 * np.pi * freq[:, None, None] * t[None, :, None] + phase)
    X += rng.normal(size=X.shape)
    return X.reshape(n_samples, length * n_channels), y


def make_data(kind):
    """Standardised train/test data; the regression target is standardised too."""
    if kind == "digits":
        X, y = load_digits(return_X_y=True)
    elif kind == "series":
        X, y = make_series()
    elif kind == "clf50":
        X, y = make_classification(50_000, 50, n_informative=30, n_classes=5, random_state=0)
    elif kind == "clf512":
        X, y = make_classification(20_000, 512, n_informative=64, n_classes=10,
                                   random_state=0)
    else:
        X, y = make_regression(50_000, 100, n_informative=50, noise=10.0, random_state=0)
        y = (y - y.mean()) / y.std()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def estimators(workload, epochs, mlp_hidden=None):
    """The (sk_ann, scikit-learn) pair with identical settings.

    For a convolutional workload scikit-learn's MLP gets ``mlp_hidden``, dense
    layers of about as many parameters as the CNN.
    """
    params = dict(solver="adam", learning_rate_init=1e-3, batch_size=workload.batch,
                  max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1, shuffle=True,
                  random_state=0)
    ann = dict(params, hidden_layer_sizes=workload.hidden)
    if workload.input_shape is not None:
        ann["input_shape"] = workload.input_shape
    mlp = dict(params, hidden_layer_sizes=mlp_hidden or workload.hidden)
    if workload.data == "reg100":
        return ANNRegressor(**ann), MLPRegressor(**mlp)
    return ANNClassifier(**ann), MLPClassifier(**mlp)


def matched_mlp(network, n_features, n_out):
    """One dense hidden layer giving an MLP about as many parameters as ``network``."""
    # n_features * h + h + h * n_out + n_out parameters.
    width = round((network.n_params - n_out) / (n_features + 1 + n_out))
    return (max(1, width),)


def interleaved_fits(make_pair, fit, repeats, epochs):
    """Seconds per epoch of an (sk_ann, scikit-learn) pair fitted in turn, ``repeats`` times.

    ``make_pair()`` gives new estimators each round; ``fit(est)`` fits one.
    Returns the times by label and the pair fitted last.
    """
    times, fitted = {"sk_ann": [], "sklearn": []}, {}
    for _ in range(repeats):
        for label, est in zip(times, make_pair()):
            times[label].append(_timed(lambda: fit(est)) / epochs)
            fitted[label] = est
    return times, fitted


def matmul_rate(dtype, n=1024, repeats=5):
    """Best FLOP/s of an n x n x n matrix product in this dtype, measured now."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype)
    A @ B
    best = min(_timed(lambda: A @ B) for _ in range(repeats))
    return 2 * n**3 / best


def training_flops(n_samples, products):
    """FLOPs of one epoch: 2mnk per product; forward, dW and dX, no dX for the input.

    ``products`` has one ``(positions, fan_in, n_out)`` per layer with weights:
    a dense layer is one position of ``n_in`` inputs; a convolution computes
    ``filters`` outputs at each of its output positions from a window of
    ``k * in_channels`` numbers (``k`` the kernel's positions). Pooling and
    activations are not counted.
    """
    flops = 0
    for k, (positions, fan_in, n_out) in enumerate(products):
        flops += 2 * n_samples * positions * fan_in * n_out * (2 if k == 0 else 3)
    return flops


def dense_products(sizes):
    """``training_flops``' products of dense layers from ``[n_in, *hidden, n_out]``."""
    return [(1, n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def network_products(network):
    """``training_flops``' products of a fitted sk_ann network, read from its weights."""
    products = []
    for layer in network.layers:
        W = getattr(layer, "weights", None)
        if W is None:
            continue
        positions = math.prod(layer.output_shape[:-1])  # 1 for a dense layer
        products.append((positions, math.prod(W.shape[:-1]), W.shape[-1]))
    return products


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_memory(est, X, y):
    """Peak bytes allocated while fitting one epoch (numpy reports to tracemalloc)."""
    est.set_params(max_iter=1, n_iter_no_change=2)
    tracemalloc.start()
    est.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def predict_latency(est, X_test, bulk_rows=100_000):
    """Median seconds of a 1-row predict and of a ``bulk_rows``-row predict."""
    row = X_test[:1]
    single = statistics.median(_timed(lambda: est.predict(row)) for _ in range(200))
    big = np.resize(X_test, (bulk_rows, X_test.shape[1]))
    bulk = statistics.median(_timed(lambda: est.predict(big)) for _ in range(3))
    return single, bulk


def run_workload(name, quick, repeats, rates):
    workload = WORKLOADS[name]
    epochs = workload.epochs_quick if quick else workload.epochs_full
    X_train, X_test, y_train, y_test = make_data(workload.data)
    if quick and workload.quick_rows:
        X_train, y_train = X_train[:workload.quick_rows], y_train[:workload.quick_rows]
    n_out = 1 if workload.data == "reg100" else len(np.unique(y_train))
    n_out = 1 if n_out == 2 else n_out
    n_features = X_train.shape[1]
    mlp_hidden = None
    if workload.input_shape is not None:
        # The CNN's parameter count, from a network trained for one epoch on a few rows.
        probe = estimators(workload, 1)[0].fit(X_train[:500], y_train[:500])
        assert probe.n_outputs_ == n_out, "the probe's rows miss a class"
        mlp_hidden = matched_mlp(probe.network_, n_features, n_out)
    rows = []
    for dtype in (np.float64, np.float32):
        Xtr, Xte = X_train.astype(dtype), X_test.astype(dtype)
        times, fitted = interleaved_fits(lambda: estimators(workload, epochs, mlp_hidden),
                                         lambda est: est.fit(Xtr, y_train), repeats, epochs)
        n_train = len(Xtr)
        flops = {
            "sk_ann": training_flops(n_train, network_products(fitted["sk_ann"].network_)),
            "sklearn": training_flops(n_train, dense_products(
                [n_features, *(mlp_hidden or workload.hidden), n_out])),
        }
        # The rate is measured again next to each block of timings: on a shared
        # machine what the other jobs leave of it changes over a long run.
        rate = matmul_rate(dtype)
        row = {"workload": name, "description": workload.description,
               "dtype": np.dtype(dtype).name, "epochs": epochs, "repeats": repeats,
               "n_train": n_train, "matmul_flops": rate, "flop_limit_s": flops["sk_ann"] / rate}
        if mlp_hidden is not None:
            row["sklearn_hidden"] = list(mlp_hidden)
        for index, label in enumerate(times):
            ts = times[label]
            est = fitted[label]
            single, bulk = predict_latency(est, Xte, workload.predict_rows)
            row[label] = {
                "s_per_epoch": {"median": statistics.median(ts), "min": min(ts), "max": max(ts)},
                "score": float(est.score(Xte, y_test)),
                "peak_mib": peak_memory(estimators(workload, epochs, mlp_hidden)[index],
                                        Xtr, y_train) / 2**20,
                "predict_1_row_s": single,
                "predict_bulk_s": bulk,
                "predict_bulk_rows": workload.predict_rows,
                "n_params": n_params(est),
                "flop_limit_s": flops[label] / rate,
            }
            row[label]["x_flop_limit"] = (row[label]["s_per_epoch"]["median"]
                                          / row[label]["flop_limit_s"])
        row["ratio"] = row["sk_ann"]["s_per_epoch"]["median"] / row["sklearn"]["s_per_epoch"]["median"]
        if dtype is np.float32:
            row["ratio_sk_ann_f32_vs_sklearn_f64"] = (
                row["sk_ann"]["s_per_epoch"]["median"] / rows[0]["sklearn"]["s_per_epoch"]["median"])
        rows.append(row)
        print(format_row(row), flush=True)
    return rows


def n_params(est):
    """Trained numbers of a fitted sk_ann or scikit-learn network."""
    return int(sum(c.size for c in est.coefs_) + sum(b.size for b in est.intercepts_))


def bulk_predict(d):
    """``(seconds, rows)`` of the bulk predict (results saved before it varied: 100,000 rows)."""
    if "predict_bulk_s" in d:
        return d["predict_bulk_s"], d["predict_bulk_rows"]
    return d["predict_100k_rows_s"], 100_000


def _rows_label(rows):
    return f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)


def format_row(row):
    a, s = row["sk_ann"], row["sklearn"]
    spread = lambda d: (f"{d['s_per_epoch']['median']*1e3:8.1f} ms "
                        f"[{d['s_per_epoch']['min']*1e3:.1f}-{d['s_per_epoch']['max']*1e3:.1f}]")
    mlp = f"  sklearn MLP {tuple(row['sklearn_hidden'])}" if "sklearn_hidden" in row else ""
    return (f"({row['workload']}) {row['dtype']:7} sk_ann {spread(a)}  sklearn {spread(s)}  "
            f"ratio {row['ratio']:.2f}  score {a['score']:.3f}/{s['score']:.3f}  "
            f"x-limit {a['x_flop_limit']:.1f}/{s['x_flop_limit']:.1f}  "
            f"peak {a['peak_mib']:.1f}/{s['peak_mib']:.1f} MiB  "
            f"predict 1 row {a['predict_1_row_s']*1e6:.0f}/{s['predict_1_row_s']*1e6:.0f} us, "
            f"{_rows_label(bulk_predict(a)[1])} rows "
            f"{bulk_predict(a)[0]*1e3:.0f}/{bulk_predict(s)[0]*1e3:.0f} ms"
            f"{mlp}")


def machine():
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "sk_ann": sk_ann.__version__}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            info["blas"] = (f"{blas[0].get('internal_api')} {blas[0].get('version')} "
                            f"({blas[0].get('architecture')}, {blas[0].get('num_threads')} threads)")
    except ImportError:
        pass
    return info


def render_table(result):
    """The markdown table for benchmarks/README.md."""
    m = result["machine"]
    lines = [
        f"Measured {result['date']} on {m.get('cpu', 'unknown CPU')}, {m['cpus']} cores, "
        f"{m.get('blas', 'unknown BLAS')}; Python {m['python']}, numpy {m['numpy']}, "
        f"scikit-learn {m['scikit-learn']}, sk_ann {m['sk_ann']}. "
        f"{result['rows'][0]['repeats']} interleaved repeats; matrix-multiply rate "
        + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in result["matmul_flops"].items())
        + _rates_per_row(result["rows"]) + ".",
        "",
        "| workload | dtype | sk_ann s/epoch median [min-max] | sklearn s/epoch median [min-max] "
        "| ratio | sk_ann f32 / sklearn f64 | score sk_ann / sklearn | x FLOP limit sk_ann / sklearn "
        "| peak MiB sk_ann / sklearn | predict 1 row µs | predict 100k rows ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        a, s = r["sk_ann"], r["sklearn"]
        cell = lambda d: (f"{d['s_per_epoch']['median']:.4f} [{d['s_per_epoch']['min']:.4f}-"
                          f"{d['s_per_epoch']['max']:.4f}]")
        f32 = r.get("ratio_sk_ann_f32_vs_sklearn_f64")
        n_rows = bulk_predict(a)[1]
        rows = "" if n_rows == 100_000 else f" ({_rows_label(n_rows)} rows)"
        described = r["description"]
        if "sklearn_hidden" in r:
            described += (f"; sklearn: MLP {tuple(r['sklearn_hidden'])}, "
                          f"{s['n_params']:,} parameters against {a['n_params']:,}")
        lines.append(
            f"| ({r['workload']}) {described} | {r['dtype']} | {cell(a)} | {cell(s)} | "
            f"**{r['ratio']:.2f}** | {'' if f32 is None else f'{f32:.2f}'} | "
            f"{a['score']:.3f} / {s['score']:.3f} | "
            f"{a['x_flop_limit']:.1f} / {s['x_flop_limit']:.1f} | "
            f"{a['peak_mib']:.1f} / {s['peak_mib']:.1f} | "
            f"{a['predict_1_row_s']*1e6:.0f} / {s['predict_1_row_s']*1e6:.0f} | "
            f"{bulk_predict(a)[0]*1e3:.0f} / {bulk_predict(s)[0]*1e3:.0f}{rows} |")
    return "\n".join(lines)


def _rates_per_row(rows):
    """The range of the matrix-multiply rates measured next to each workload, if recorded."""
    parts = []
    for dtype in ("float64", "float32"):
        rates = [r["matmul_flops"] for r in rows if r["dtype"] == dtype and "matmul_flops" in r]
        if rates:
            parts.append(f"{dtype} {min(rates) / 1e9:.0f}-{max(rates) / 1e9:.0f}")
    if not parts:
        return ""
    return (" at the start, " + ", ".join(parts) + " GFLOP/s next to the workloads (each "
            "workload's FLOP limit uses its own)")


def update_readme(table, section=""):
    """Replace the table between the README's markers; ``section`` names a partial run's.

    Returns whether the README has that section.
    """
    path = HERE / "README.md"
    text = path.read_text()
    tag = f"results:{section}" if section else "results"
    start, end = f"<!-- {tag}:start -->", f"<!-- {tag}:end -->"
    if start not in text:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a minute, smaller data")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--only", default="".join(WORKLOADS), help="workload letters, e.g. 'ea'")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workloads {unknown}; they are {''.join(WORKLOADS)}")
    everything = args.only == "".join(WORKLOADS)
    repeats = args.repeats or (3 if args.quick else 5)
    warnings.simplefilter("ignore", ConvergenceWarning)
    rates = {np.dtype(d).name: matmul_rate(d) for d in (np.float64, np.float32)}
    print("matrix-multiply rate: " + ", ".join(f"{k} {v/1e9:.1f} GFLOP/s" for k, v in rates.items()))
    rows = []
    for name in args.only:
        rows += run_workload(name, args.quick, repeats, rates)
    result = {"date": time.strftime("%Y-%m-%d"), "mode": "quick" if args.quick else "full",
              "machine": machine(), "matmul_flops": rates, "rows": rows}
    # A run of some workloads keeps its own file: results/full.json stays the full run's.
    stem = result["mode"] if everything else f"{result['mode']}-{args.only}"
    out = HERE / "results" / f"{stem}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(f"saved {out.relative_to(HERE.parent)}")
    if not args.quick and update_readme(render_table(result),
                                        "" if everything else args.only):
        print("updated benchmarks/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

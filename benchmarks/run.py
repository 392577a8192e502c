"""Side-by-side benchmark: sk_ann against scikit-learn's MLP, in one process, interleaved.

Each workload trains both estimators with identical settings (adam, the same
learning rate, batch size and architecture, a fixed number of epochs with the
stopping rule off, the same dtype), several times in turn, and reports seconds
per epoch (median, min, max), their ratio, test accuracy or R², peak memory,
each time as a multiple of the FLOP limit, and predict latency.

    python benchmarks/run.py            # full run, writes results/full.json and README.md
    python benchmarks/run.py --quick    # about a minute, writes results/quick.json

Not part of the test suite: timings depend on the machine and on what else runs.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

import sk_ann
from sk_ann import ANNClassifier, ANNRegressor

HERE = Path(__file__).resolve().parent

# name: (description, data maker, hidden layers, batch size, epochs full, epochs quick,
#        training rows in quick mode (None: all))
WORKLOADS = {
    "e": ("digits, hidden (64,), batch 16", "digits", (64,), 16, 5, 2, None),
    "a": ("digits, hidden (100,), batch 200", "digits", (100,), 200, 30, 5, None),
    "b": ("make_classification 50,000 x 50, 5 classes, hidden (256, 128), batch 256",
          "clf50", (256, 128), 256, 3, 1, 8_000),
    "c": ("make_regression 50,000 x 100, hidden (256, 256), batch 256",
          "reg100", (256, 256), 256, 3, 1, 5_000),
    "d": ("make_classification 20,000 x 512, 10 classes, hidden (1024, 1024), batch 512",
          "clf512", (1024, 1024), 512, 2, 1, 2_048),
}


def make_data(kind):
    """Standardised train/test data; the regression target is standardised too."""
    if kind == "digits":
        X, y = load_digits(return_X_y=True)
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


def estimators(kind, hidden, batch, epochs):
    """The (sk_ann, scikit-learn) pair with identical settings."""
    params = dict(hidden_layer_sizes=hidden, solver="adam", learning_rate_init=1e-3,
                  batch_size=batch, max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1,
                  shuffle=True, random_state=0)
    if kind == "reg100":
        return ANNRegressor(**params), MLPRegressor(**params)
    return ANNClassifier(**params), MLPClassifier(**params)


def matmul_rate(dtype, n=1024, repeats=5):
    """Best FLOP/s of an n x n x n matrix product in this dtype, measured now."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype)
    A @ B
    best = min(_timed(lambda: A @ B) for _ in range(repeats))
    return 2 * n**3 / best


def training_flops(n_samples, sizes):
    """FLOPs of one epoch: 2mnk per product; forward, dW and dX, no dX for the input."""
    flops = 0
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        flops += 2 * n_samples * n_in * n_out * (2 if k == 0 else 3)
    return flops


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


def predict_latency(est, X_test):
    """Median seconds of a 1-row predict and of a 100,000-row predict."""
    row = X_test[:1]
    single = statistics.median(_timed(lambda: est.predict(row)) for _ in range(200))
    big = np.resize(X_test, (100_000, X_test.shape[1]))
    bulk = statistics.median(_timed(lambda: est.predict(big)) for _ in range(3))
    return single, bulk


def run_workload(name, quick, repeats, rates):
    desc, kind, hidden, batch, epochs_full, epochs_quick, quick_rows = WORKLOADS[name]
    epochs = epochs_quick if quick else epochs_full
    X_train, X_test, y_train, y_test = make_data(kind)
    if quick and quick_rows:
        X_train, y_train = X_train[:quick_rows], y_train[:quick_rows]
    n_out = 1 if kind == "reg100" else len(np.unique(y_train))
    n_out = 1 if n_out == 2 else n_out
    sizes = [X_train.shape[1], *hidden, n_out]
    rows = []
    for dtype in (np.float64, np.float32):
        Xtr, Xte = X_train.astype(dtype), X_test.astype(dtype)
        times = {"sk_ann": [], "sklearn": []}
        fitted = {}
        for _ in range(repeats):
            for label, est in zip(times, estimators(kind, hidden, batch, epochs)):
                times[label].append(_timed(lambda: est.fit(Xtr, y_train)) / epochs)
                fitted[label] = est
        flops = training_flops(len(Xtr), sizes)
        row = {"workload": name, "description": desc, "dtype": np.dtype(dtype).name,
               "epochs": epochs, "repeats": repeats, "n_train": len(Xtr),
               "flop_limit_s": flops / rates[np.dtype(dtype).name]}
        for index, label in enumerate(times):
            ts = times[label]
            single, bulk = predict_latency(fitted[label], Xte)
            row[label] = {
                "s_per_epoch": {"median": statistics.median(ts), "min": min(ts), "max": max(ts)},
                "score": float(fitted[label].score(Xte, y_test)),
                "peak_mib": peak_memory(estimators(kind, hidden, batch, epochs)[index],
                                        Xtr, y_train) / 2**20,
                "predict_1_row_s": single,
                "predict_100k_rows_s": bulk,
            }
            row[label]["x_flop_limit"] = row[label]["s_per_epoch"]["median"] / row["flop_limit_s"]
        row["ratio"] = row["sk_ann"]["s_per_epoch"]["median"] / row["sklearn"]["s_per_epoch"]["median"]
        if dtype is np.float32:
            row["ratio_sk_ann_f32_vs_sklearn_f64"] = (
                row["sk_ann"]["s_per_epoch"]["median"] / rows[0]["sklearn"]["s_per_epoch"]["median"])
        rows.append(row)
        print(format_row(row), flush=True)
    return rows


def format_row(row):
    a, s = row["sk_ann"], row["sklearn"]
    spread = lambda d: (f"{d['s_per_epoch']['median']*1e3:8.1f} ms "
                        f"[{d['s_per_epoch']['min']*1e3:.1f}-{d['s_per_epoch']['max']*1e3:.1f}]")
    return (f"({row['workload']}) {row['dtype']:7} sk_ann {spread(a)}  sklearn {spread(s)}  "
            f"ratio {row['ratio']:.2f}  score {a['score']:.3f}/{s['score']:.3f}  "
            f"x-limit {a['x_flop_limit']:.1f}/{s['x_flop_limit']:.1f}  "
            f"peak {a['peak_mib']:.1f}/{s['peak_mib']:.1f} MiB  "
            f"predict 1 row {a['predict_1_row_s']*1e6:.0f}/{s['predict_1_row_s']*1e6:.0f} us, "
            f"100k rows {a['predict_100k_rows_s']*1e3:.0f}/{s['predict_100k_rows_s']*1e3:.0f} ms")


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
        + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in result["matmul_flops"].items()) + ".",
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
        lines.append(
            f"| ({r['workload']}) {r['description']} | {r['dtype']} | {cell(a)} | {cell(s)} | "
            f"**{r['ratio']:.2f}** | {'' if f32 is None else f'{f32:.2f}'} | "
            f"{a['score']:.3f} / {s['score']:.3f} | "
            f"{a['x_flop_limit']:.1f} / {s['x_flop_limit']:.1f} | "
            f"{a['peak_mib']:.1f} / {s['peak_mib']:.1f} | "
            f"{a['predict_1_row_s']*1e6:.0f} / {s['predict_1_row_s']*1e6:.0f} | "
            f"{a['predict_100k_rows_s']*1e3:.0f} / {s['predict_100k_rows_s']*1e3:.0f} |")
    return "\n".join(lines)


def update_readme(table):
    path = HERE / "README.md"
    text = path.read_text()
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a minute, smaller data")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--only", default="".join(WORKLOADS), help="workload letters, e.g. 'ea'")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    warnings.simplefilter("ignore", ConvergenceWarning)
    rates = {np.dtype(d).name: matmul_rate(d) for d in (np.float64, np.float32)}
    print("matrix-multiply rate: " + ", ".join(f"{k} {v/1e9:.1f} GFLOP/s" for k, v in rates.items()))
    rows = []
    for name in args.only:
        rows += run_workload(name, args.quick, repeats, rates)
    result = {"date": time.strftime("%Y-%m-%d"), "mode": "quick" if args.quick else "full",
              "machine": machine(), "matmul_flops": rates, "rows": rows}
    out = HERE / "results" / f"{result['mode']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(f"saved {out.relative_to(HERE.parent)}")
    if not args.quick and args.only == "".join(WORKLOADS):
        update_readme(render_table(result))
        print("updated benchmarks/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

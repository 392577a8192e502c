"""The digits, an MLP against small CNNs: mean 5-fold cross-validated accuracy over seeds.

Every model is ``make_pipeline(StandardScaler(), ANNClassifier(...))`` scored by
``cross_val_score`` with its default folds for a classifier, 5-fold
``StratifiedKFold`` without shuffling, so every model sees the same folds and
the MLP's figure (default settings: one hidden layer of 100 neurons, adam, up
to 200 epochs) can be reproduced. Each model is trained with several
``random_state`` seeds; the script prints the mean accuracy over the folds for
each seed, then the mean and standard deviation over the seeds, and the time.

    python benchmarks/digits_cnn.py              # 5 seeds, every model: results/digits_cnn.json
    python benchmarks/digits_cnn.py --seeds 3 --only mlp,cnn-small
    python benchmarks/digits_cnn.py --shuffle    # shuffled folds; results/digits_cnn_shuffled.json

The digits are stored writer by writer, so unshuffled folds test on writers the
model has not seen, and score lower than shuffled folds (the MLP: about 0.937
against 0.977 with ``StratifiedKFold(5, shuffle=True, random_state=0)``).
``--shuffle`` uses those shuffled folds, the same for every model and seed.

Not part of the test suite: it takes minutes.
"""

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier
from sk_ann.layers import Conv2D, MaxPool2D

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine  # noqa: E402  (the machine line of the benchmark suite)

HERE = Path(__file__).resolve().parent

#: name: (what it is, ANNClassifier's parameters besides random_state)
MODELS = {
    "mlp": ("MLP, default settings: hidden (100,), batch 200, up to 200 epochs", {}),
    "cnn-small": (
        "CNN [Conv2D(16, 3, same), MaxPool2D(2), 64], batch 64, up to 100 epochs",
        dict(hidden_layer_sizes=[Conv2D(16, 3, padding="same"), MaxPool2D(2), 64],
             input_shape=(8, 8), batch_size=64, max_iter=100),
    ),
    "cnn-two": (
        "CNN [Conv2D(16, 3, same), MaxPool2D(2), Conv2D(32, 3, same), MaxPool2D(2), 64], "
        "batch 64, up to 100 epochs",
        dict(hidden_layer_sizes=[Conv2D(16, 3, padding="same"), MaxPool2D(2),
                                 Conv2D(32, 3, padding="same"), MaxPool2D(2), 64],
             input_shape=(8, 8), batch_size=64, max_iter=100),
    ),
    "cnn-two-dropout": (
        "the same CNN with dropout=[0, 0, 0, 0, 0.3] (on the dense layer) and alpha=1e-3",
        dict(hidden_layer_sizes=[Conv2D(16, 3, padding="same"), MaxPool2D(2),
                                 Conv2D(32, 3, padding="same"), MaxPool2D(2), 64],
             input_shape=(8, 8), batch_size=64, max_iter=100,
             dropout=[0.0, 0.0, 0.0, 0.0, 0.3], alpha=1e-3),
    ),
}


def evaluate(params, seeds, X, y, folds):
    """Per seed: mean 5-fold accuracy, the folds' scores and seconds."""
    per_seed = []
    for seed in seeds:
        model = make_pipeline(StandardScaler(), ANNClassifier(**params, random_state=seed))
        start = time.perf_counter()
        scores = cross_val_score(model, X, y, cv=folds)
        seconds = time.perf_counter() - start
        per_seed.append({"seed": seed, "mean": float(scores.mean()),
                         "folds": [float(s) for s in scores], "seconds": seconds})
        print(f"  seed {seed}: {scores.mean():.4f}  (folds {' '.join(f'{s:.3f}' for s in scores)};"
              f" {seconds:.1f} s)", flush=True)
    return per_seed


def summary(per_seed):
    means = [s["mean"] for s in per_seed]
    spread = statistics.stdev(means) if len(means) > 1 else 0.0
    return {"mean": statistics.mean(means), "std": spread, "min": min(means), "max": max(means),
            "seconds_per_cv": statistics.median(s["seconds"] for s in per_seed)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="random_state 0 .. seeds-1")
    parser.add_argument("--only", default=",".join(MODELS), help="models, comma-separated")
    parser.add_argument("--shuffle", action="store_true",
                        help="shuffled stratified folds (random_state=0) instead of the default")
    args = parser.parse_args(argv)
    names = args.only.split(",")
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; they are {list(MODELS)}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    seeds = list(range(args.seeds))
    # cross_val_score's default for a classifier, written out; or the same folds shuffled.
    folds = (StratifiedKFold(n_splits=5, shuffle=True, random_state=0) if args.shuffle
             else StratifiedKFold(n_splits=5))
    print(f"folds: {folds}")
    info = machine()
    print(f"{time.strftime('%Y-%m-%d')}: {info.get('cpu', 'unknown CPU')}, {info['cpus']} cores, "
          f"{info.get('blas', 'unknown BLAS')}; numpy {info['numpy']}, scikit-learn "
          f"{info['scikit-learn']}, sk_ann {info['sk_ann']}")
    results = {}
    for name in names:
        description, params = MODELS[name]
        print(f"{name}: {description}", flush=True)
        per_seed = evaluate(params, seeds, X, y, folds)
        results[name] = {"description": description, "per_seed": per_seed,
                         **summary(per_seed)}
        r = results[name]
        print(f"  mean over {len(seeds)} seeds {r['mean']:.4f} ± {r['std']:.4f} "
              f"[{r['min']:.4f}-{r['max']:.4f}], {r['seconds_per_cv']:.1f} s per 5-fold CV",
              flush=True)
    print()
    print(render_table(results, seeds))
    out = HERE / "results" / f"digits_cnn{'_shuffled' if args.shuffle else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "machine": info,
                               "folds": repr(folds), "seeds": seeds, "models": results},
                              indent=1))
    print(f"saved {out.relative_to(HERE.parent)}")
    return 0


def render_table(results, seeds):
    """A markdown table: one row per model, one column per seed, then mean ± std."""
    head = ("| model | " + " | ".join(f"seed {s}" for s in seeds)
            + " | mean ± std over seeds | s per 5-fold CV (median) |")
    lines = [head, "|---" * (len(seeds) + 3) + "|"]
    for name, r in results.items():
        cells = " | ".join(f"{s['mean']:.4f}" for s in r["per_seed"])
        lines.append(f"| {name}: {r['description']} | {cells} | "
                     f"**{r['mean']:.4f} ± {r['std']:.4f}** | {r['seconds_per_cv']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

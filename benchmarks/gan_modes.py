"""Mode collapse, measured: ANNGAN on a ring of 8 and a grid of 25 Gaussians, per anti-collapse choice.

The two standard benchmarks of Unrolled GAN (Metz et al., 2017), VEEGAN
(Srivastava et al., 2017) and PacGAN (Lin et al., 2018): a ring of 8 Gaussians
of radius 2 and standard deviation 0.02, and a 5 x 5 grid of Gaussians at
(-4, -2, 0, 2, 4)^2 with standard deviation 0.05. A generated point is *high
quality* when it lies within 3 standard deviations of a mode; a mode is
*covered* when at least one high-quality point lies nearest to it. (VEEGAN's
table: a plain GAN covers 1 of 8 ring modes and about 3 of 25 grid modes;
VEEGAN 8 and 24.6.)

Each choice changes one thing from the plain GAN (original minimax loss, no
packing), from the old defaults (DCGAN's Adam at 2e-4) or from the previous
defaults (one discriminator update per generator update), so the table shows
what each choice does. Each fit's samples are judged as
generated and after the discriminator's rejection sampling:

    python benchmarks/gan_modes.py               # every choice, 3 seeds (some minutes)
    python benchmarks/gan_modes.py --seeds 1 --choices plain defaults

Writes benchmarks/results/gan_modes.json and prints a markdown table.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from sk_ann import ANNGAN

RING_STD, GRID_STD = 0.02, 0.05


def ring(n, rng):
    """``n`` points of the ring of 8 Gaussians, and its 8 centres."""
    angles = 2 * np.pi * np.arange(8) / 8
    centres = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    return centres[rng.randint(8, size=n)] + RING_STD * rng.standard_normal((n, 2)), centres


def grid(n, rng):
    """``n`` points of the 5 x 5 grid of Gaussians, and its 25 centres."""
    ticks = np.arange(-4.0, 5.0, 2.0)
    centres = np.array([(a, b) for a in ticks for b in ticks])
    return centres[rng.randint(25, size=n)] + GRID_STD * rng.standard_normal((n, 2)), centres


def modes_and_quality(samples, centres, std):
    """(modes covered, share of high-quality samples)."""
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=2)
    good = distances.min(axis=1) < 3 * std
    covered = np.unique(distances.argmin(axis=1)[good])
    return len(covered), float(good.mean())


# The first rows were measured with the defaults of their time, which these
# pin: DCGAN's Adam setting, constant learning rates, one discriminator update
# per generator update.
DCGAN_ADAM = dict(generator_learning_rate=2e-4, discriminator_learning_rate=2e-4, beta_2=0.999,
                  learning_rate_decay=0.0, n_critic=1)
# The defaults before n_critic=2: Adam 2e-3, beta_2 0.9, decay over the last half.
PREVIOUS_DEFAULTS = dict(n_critic=1)
BASE = dict(DCGAN_ADAM, generator_loss="minimax", pac=1)
CHOICES = {
    "plain": dict(BASE),
    "non-saturating": dict(BASE, generator_loss="non-saturating"),
    "non-saturating + pac 2": dict(BASE, generator_loss="non-saturating", pac=2),
    "non-saturating + pac 4": dict(BASE, generator_loss="non-saturating", pac=4),
    "non-saturating + gradient penalty 1": dict(BASE, generator_loss="non-saturating",
                                                gradient_penalty=1.0),
    "non-saturating + spectral bound": dict(BASE, generator_loss="non-saturating",
                                            spectral_bound=True),
    "non-saturating + label smoothing 0.1": dict(BASE, generator_loss="non-saturating",
                                                 label_smoothing=0.1),
    "non-saturating + lr ratio (D 2x)": dict(BASE, generator_loss="non-saturating",
                                             discriminator_learning_rate=4e-4),
    "non-saturating + pac 2 + lr ratio (D 2x)": dict(
        BASE, generator_loss="non-saturating", pac=2, discriminator_learning_rate=4e-4),
    # From the old defaults (non-saturating, pac 2, DCGAN's Adam) to the new ones.
    "old defaults + decay over the last half": dict(DCGAN_ADAM, learning_rate_decay=0.5),
    "old defaults + D lr 4e-4 + decay": dict(DCGAN_ADAM, discriminator_learning_rate=4e-4,
                                             learning_rate_decay=0.5),
    "old defaults + lr 1e-3": dict(DCGAN_ADAM, generator_learning_rate=1e-3,
                                   discriminator_learning_rate=1e-3),
    "old defaults + lr 1e-3 + decay": dict(DCGAN_ADAM, generator_learning_rate=1e-3,
                                           discriminator_learning_rate=1e-3,
                                           learning_rate_decay=0.5),
    "old defaults + lr 2e-3 + decay": dict(DCGAN_ADAM, generator_learning_rate=2e-3,
                                           discriminator_learning_rate=2e-3,
                                           learning_rate_decay=0.5),
    "old defaults + lr 2e-3 + decay over all updates": dict(
        DCGAN_ADAM, generator_learning_rate=2e-3, discriminator_learning_rate=2e-3,
        learning_rate_decay=1.0),
    "old defaults + lr 2e-3 + decay + pac 1": dict(
        DCGAN_ADAM, generator_learning_rate=2e-3, discriminator_learning_rate=2e-3,
        learning_rate_decay=0.5, pac=1),
    "old defaults + lr 4e-3 + decay": dict(DCGAN_ADAM, generator_learning_rate=4e-3,
                                           discriminator_learning_rate=4e-3,
                                           learning_rate_decay=0.5),
    "previous defaults": dict(PREVIOUS_DEFAULTS),
    "previous defaults + β₁ 0": dict(PREVIOUS_DEFAULTS, beta_1=0.0),
    "previous defaults + (64, 64) layers": dict(PREVIOUS_DEFAULTS,
                                                generator_layer_sizes=(64, 64),
                                                discriminator_layer_sizes=(64, 64)),
    "previous defaults + batch 512": dict(PREVIOUS_DEFAULTS, batch_size=512),
    # The defaults: the previous ones with two discriminator updates per generator update.
    "defaults": dict(),
}


def run(choice, data, seed, n_train=5000, n_samples=2500):
    """One fit; its samples judged as generated and after rejection sampling."""
    X, centres = data(n_train, np.random.RandomState(1000 + seed))
    std = RING_STD if data is ring else GRID_STD
    gan = ANNGAN(random_state=seed, **CHOICES[choice])
    start = time.process_time()
    gan.fit(X)
    seconds = time.process_time() - start
    modes, quality = modes_and_quality(
        gan.sample(n_samples, random_state=seed, rejection_sampling=False), centres, std)
    modes_rs, quality_rs = modes_and_quality(gan.sample(n_samples, random_state=seed), centres,
                                             std)
    return dict(choice=choice, data=data.__name__, seed=seed, modes=modes, quality=quality,
                modes_rejection=modes_rs, quality_rejection=quality_rs, seconds=seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--choices", nargs="*", default=list(CHOICES))
    parser.add_argument("--data", nargs="*", default=["ring", "grid"])
    parser.add_argument("--out", default="gan_modes.json")
    args = parser.parse_args(argv)
    rows = []
    for choice in args.choices:
        for data in (globals()[name] for name in args.data):
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                rows.append(run(choice, data, seed))
                print(rows[-1], file=sys.stderr, flush=True)
    out = Path(__file__).parent / "results" / args.out
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))
    print("| choice | seeds | " + " | ".join(
        f"{name}: modes, per seed | {name}: high quality, per seed" for name in args.data)
        + " | CPU s per fit |")
    print("|---" * (2 * len(args.data) + 3) + "|")
    for choice in args.choices:
        cells = []
        for name in args.data:
            runs = [r for r in rows if r["choice"] == choice and r["data"] == name]
            for suffix in ("", "_rejection"):
                modes = ", ".join(str(r["modes" + suffix]) for r in runs)
                quality = ", ".join(f"{r['quality' + suffix]:.1%}" for r in runs)
                cells.append((modes, quality))
        seeds = ", ".join(str(r["seed"]) for r in rows
                          if r["choice"] == choice and r["data"] == args.data[0])
        seconds = np.mean([r["seconds"] for r in rows if r["choice"] == choice])
        for label, picked in (("", cells[0::2]), (" + rejection sampling", cells[1::2])):
            print(f"| {choice}{label} | {seeds} | "
                  + " | ".join(f"{m} | {q}" for m, q in picked) + f" | {seconds:.0f} |")

if __name__ == "__main__":
    main()

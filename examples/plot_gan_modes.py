"""
A GAN learning a ring, a grid and a table
=========================================

``ANNGAN`` learns to sample points like those it was fitted on. Two
classic tests of generative adversarial networks are a ring of 8 Gaussians and
a 5 x 5 grid of 25: a GAN that *collapses* puts its points on a few of the
modes only. Here the generated points are drawn every few hundred updates of
one training run (``warm_start=True`` continues it), next to the real ones;
then the two loss curves; then generated rows of a real table (scikit-learn's
wine data) next to real rows.
"""

# %%
# The data: 2000 points around 8 centres on a circle of radius 2 (standard
# deviation 0.02) and around the 25 points of a grid (standard deviation 0.05).
import matplotlib.pyplot as plt
import numpy as np

from sk_ann import ANNGAN
from sk_ann.plot import GANTrainingDisplay

rng = np.random.RandomState(0)
angles = 2 * np.pi * np.arange(8) / 8
ring_centres = 2 * np.c_[np.cos(angles), np.sin(angles)]
ring = ring_centres[rng.randint(8, size=2000)] + 0.02 * rng.standard_normal((2000, 2))
ticks = np.arange(-4.0, 5.0, 2.0)
grid_centres = np.array([(a, b) for a in ticks for b in ticks])
grid = grid_centres[rng.randint(25, size=2000)] + 0.05 * rng.standard_normal((2000, 2))

# %%
# Training, with snapshots. Each ``fit`` continues the same game for
# ``max_iter`` more generator updates, its learning rates decaying over its
# last half. To keep this page quick the networks are smaller than the
# defaults and each snapshot is 300 updates; ``benchmarks/gan_modes.py``
# measures the defaults (one fit of 3,000 updates), which cover every mode of
# both.
STEPS, SNAPSHOTS = 300, 3
SMALL = dict(generator_layer_sizes=(64, 64), discriminator_layer_sizes=(64, 64))
fig, axes = plt.subplots(2, SNAPSHOTS + 1, figsize=(3 * (SNAPSHOTS + 1), 6), sharex="row",
                         sharey="row")
gans = {}
for row, (name, X) in enumerate((("ring", ring), ("grid", grid))):
    gan = ANNGAN(max_iter=STEPS, warm_start=True, random_state=0, **SMALL)
    for k in range(SNAPSHOTS):
        gan.fit(X)
        S = gan.sample(1000, random_state=0)
        axes[row, k].scatter(S[:, 0], S[:, 1], s=2, alpha=0.4, color="C1")
        axes[row, k].set_title(f"{name}: {gan.n_iter_} updates")
    axes[row, -1].scatter(X[:1000, 0], X[:1000, 1], s=2, alpha=0.4, color="C0")
    axes[row, -1].set_title(f"{name}: real")
    gans[name] = gan
fig.tight_layout()

# %%
# The two losses. The dotted lines mark where a discriminator that cannot tell
# real from generated points would sit: ``2 log 2`` for its loss and ``log 2``
# for the generator's.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, (name, gan) in zip(axes, gans.items()):
    GANTrainingDisplay.from_estimator(gan, ax=ax)
    ax.set_title(name)
fig.tight_layout()

# %%
# A real table. The wine data's 13 measurements and the wine's class (a
# categorical column, which gets a softmax head) go in as one DataFrame; the
# samples come back as a DataFrame with the same columns and dtypes.
import pandas as pd
from sklearn.datasets import load_wine

wine = load_wine(as_frame=True)
table = wine.frame.drop(columns="target")
table["class"] = pd.Categorical(wine.target_names[wine.target])
gan = ANNGAN(max_iter=600, random_state=0, **SMALL).fit(table)
fake = gan.sample(len(table), random_state=0)
print(fake.head())
print(fake.dtypes.value_counts())

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True, sharey=True)
for ax, (title, rows) in zip(axes, (("real rows", table), ("generated rows", fake))):
    for k, label in enumerate(table["class"].cat.categories):
        chosen = rows[rows["class"] == label]
        ax.scatter(chosen["alcohol"], chosen["color_intensity"], s=10, color=f"C{k}",
                   label=label)
    ax.set_title(title)
    ax.set_xlabel("alcohol")
axes[0].set_ylabel("color intensity")
axes[0].legend()
fig.tight_layout()
plt.show()

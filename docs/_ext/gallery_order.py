"""The order of the examples in the gallery: from a first model to the cluster."""

from pathlib import Path

READING_ORDER = [
    "plot_classification_quickstart.py",
    "plot_regression_quickstart.py",
    "plot_activations.py",
    "plot_inside_the_network.py",
    "plot_targets.py",
    "plot_imbalanced.py",
    "plot_early_stopping.py",
    "plot_regularisation.py",
    "plot_grid_search.py",
    "quickstart.py",
    "plot_compare_mlp.py",
    "plot_autoencoder_digits.py",
    "plot_convolution_digits.py",
    "plot_convolution_time_series.py",
    "plot_recurrent_forecasting.py",
    "plot_attention.py",
    "plot_gan_modes.py",
    "plot_attributions.py",
    "plot_diagnostics.py",
    "distributed_search.py",
]


class ReadingOrder:
    """Sort key for sphinx-gallery: the order above, then any other example by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in READING_ORDER:
            return (READING_ORDER.index(name), name)
        return (len(READING_ORDER), name)

"""Settings for the doctests of the package and of the documentation pages."""

import pytest


def pytest_collection_modifyitems(items):
    # The examples train for a few epochs to run fast; a reader who copies one
    # sees the ConvergenceWarning, which the doctest need not repeat.
    ignore = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(ignore)

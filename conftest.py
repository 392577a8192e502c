"""What pytest collects from the repository root, and settings for the doctests.

``sk_ann/onnx`` imports skl2onnx, onnx and onnxruntime (the ``onnx`` extra), and
so do the doctests of ``docs/integrations.rst``; without them both are left out
of the doctests, as ``tests/test_onnx.py`` skips itself.
"""

import importlib.util

import pytest

collect_ignore = []
if not all(importlib.util.find_spec(name) for name in ("skl2onnx", "onnx", "onnxruntime")):
    collect_ignore += ["sk_ann/onnx", "docs/integrations.rst"]


def pytest_collection_modifyitems(items):
    # The examples train for a few epochs to run fast; a reader who copies one
    # sees the ConvergenceWarning, which the doctest need not repeat.
    ignore = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(ignore)

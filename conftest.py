"""What pytest collects from the repository root: the ONNX pages only where skl2onnx is.

``sk_ann/onnx`` imports skl2onnx, onnx and onnxruntime (the ``onnx`` extra), and
so do the doctests of ``docs/integrations.rst``; without them both are left out
of the doctests, as ``tests/test_onnx.py`` skips itself.
"""

import importlib.util

collect_ignore = []
if not all(importlib.util.find_spec(name) for name in ("skl2onnx", "onnx", "onnxruntime")):
    collect_ignore += ["sk_ann/onnx", "docs/integrations.rst"]

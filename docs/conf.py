"""Sphinx configuration of the sk_ann documentation.

Build with ``make docs`` (warnings are errors, every example in ``examples/`` is
run). Nothing is downloaded at build time: no intersphinx inventories.
"""

import os
import sys

# The examples run one after another in this process, on small data: one BLAS
# thread each is as fast, and does not slow to a crawl when other jobs share the
# cores. Set before numpy is first imported (by matplotlib, below).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import matplotlib  # noqa: E402

# The examples draw their figures off screen; sphinx-gallery collects them.
matplotlib.use("Agg")

import sk_ann  # noqa: E402

# Small helpers of this build (the gallery's reading order) live in docs/_ext.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))

# -- Project -----------------------------------------------------------------

project = "sk_ann"
author = "sk_ann contributors"
copyright = "sk_ann contributors"
version = release = sk_ann.__version__

# -- Extensions --------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # A copy of MathJax in the built site: formulas render without a network.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
# `single backticks` in docstrings read as code, as they are meant.
default_role = "literal"

# API reference: one generated page per object (docs/generated/, not in git).
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
# numpydoc renders Parameters, Attributes and the rest; the class template
# lists the methods.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
# No inventories are fetched at build time, so names outside sk_ann (in "See
# Also" sections, say) stay plain text rather than links.
intersphinx_mapping = {}

# -- Examples gallery --------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every example runs, not only those named plot_*.
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "gallery_order.ReadingOrder",
    # "Examples using ANNClassifier" on each API page.
    "backreferences_dir": "generated",
    "doc_module": ("sk_ann",),
    "download_all_examples": False,
    "write_computation_times": False,
    "remove_config_comments": True,
    "show_signature": False,
    # The examples print what they want shown; a display object's repr says nothing.
    "capture_repr": (),
    # Thumbnails for objects without examples are not an error.
    "log_level": {"backreference_missing": "debug"},
    # An example that fails fails the build.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sk_ann {release}"
html_static_path = ["_static"]
html_css_files = ["sk_ann.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The examples' code gets the width of the page-contents column.
    "secondary_sidebar_items": {
        **{page: ["page-toc"] for page in
           ("index", "api", "distributed", "persistence", "user_guide/*", "generated/*")},
        "auto_examples/*": [],
    },
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_context = {"default_mode": "light"}


# -- Hooks -------------------------------------------------------------------


def _skip_metadata_request_setters(app, what, name, obj, skip, options):
    # scikit-learn generates set_fit_request & co. on every estimator class; they
    # are documented by scikit-learn (and cite its own pages), not here.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_setters)

"""Sphinx configuration for mmlkit's documentation site.

Build from a checkout (with ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Everything the site needs is here or in the ``docs`` extra: the pages work offline (MathJax is
vendored in ``_static/mathjax``; intersphinx reads inventories shipped in ``_intersphinx``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# A checkout builds its own source even when another mmlkit is installed.
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")
# The examples use quick sizes: one BLAS thread each. Multithreaded BLAS on a busy machine (CI runs
# the build beside other tests) spin-waits and makes small products many times slower.
threadpool_limits(1)

import mmlkit_docs  # noqa: E402

import mmlkit  # noqa: E402 - from the checkout's src, put on the path above

# The reference and the tour's gallery examples follow the package: written before Sphinx reads.
mmlkit_docs.write_api_pages(HERE)
mmlkit_docs.write_tour_examples(HERE)
mmlkit_docs.write_benchmark_table(HERE)
mmlkit_docs.write_scaling_costs(HERE)

project = "mmlkit"
author = "the mmlkit developers"
copyright = "the mmlkit developers, BSD-3-Clause"
version = release = mmlkit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "mmlkit_docs",
]

root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_intersphinx", "_data", "gallery", "**/README.rst",
                    "Thumbs.db", ".DS_Store"]
suppress_warnings = ["config.cache"]  # sphinx-gallery's configuration holds callables

# --- API reference -------------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters section states the types
numpydoc_show_class_members = False  # the class template lists the methods itself
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
add_module_names = False

# --- maths: MathJax from _static, never a CDN ----------------------------------------------------
mathjax_path = "mathjax/tex-svg.js"
mathjax3_config = {
    "tex": {"tags": "none"},
    "options": {"enableMenu": False},
    "svg": {"fontCache": "global"},
}

# --- intersphinx: inventories shipped in _intersphinx/ (the build never goes to the network) ------
_INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
}
intersphinx_mapping = {
    name: (url, str(HERE / "_intersphinx" / f"{name}.inv"))
    for name, url in _INVENTORIES.items()
    if (HERE / "_intersphinx" / f"{name}.inv").exists()
}
intersphinx_timeout = 1

# --- gallery ---------------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["gallery"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib", "mmlkit_docs.figure_scraper"),
    "doc_module": ("mmlkit",),
    "backreferences_dir": "api/backreferences",
    "reference_url": {},
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "min_reported_time": 5,
    # The timing pages load DataTables from a CDN: not written (the site loads nothing from the network).
    "write_computation_times": False,
}

# --- plots in the course pages -------------------------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_pre_code = """
import numpy as np
import matplotlib.pyplot as plt


def show(fig):
    \"\"\"Display an mmlkit figure (mmlkit.viz returns Figures that pyplot does not manage).\"\"\"
    plt.figure(fig)
"""
plot_rcparams = {"figure.figsize": (6.0, 3.6)}

# --- HTML --------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"mmlkit {release}"
html_static_path = ["_static"]
html_css_files = ["mmlkit.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": {"**": ["page-toc"], "benchmarks": []},
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "start_here": []}
html_context = {"default_mode": "light"}

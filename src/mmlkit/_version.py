"""The version of mmlkit: its one definition (pyproject.toml reads it, ``mmlkit.__version__`` re-exports it)."""

__version__ = "0.1.0"

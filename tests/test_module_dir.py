"""``dir()`` of mmlkit's modules lists the library's names, not the ``annotations`` future import."""

import importlib
import pkgutil

import pytest

import mmlkit

MODULES = ["mmlkit"] + [f"mmlkit.{m.name}" for m in pkgutil.iter_modules(mmlkit.__path__)
                        if not m.name.startswith("_")]


@pytest.mark.parametrize("name", MODULES)
def test_dir_does_not_list_annotations(name):
    assert "annotations" not in dir(importlib.import_module(name))

"""Loaders for the embedded data sets (public-domain tables shipped as package files)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np

_DATA = resources.files("mmlkit.datasets") / "data"


@dataclass(frozen=True)
class Dataset:
    """A labelled table: ``data`` (n, d) float64, ``target`` (n,) int, and their names.

    Unpacks as ``X, y = load_iris()`` as well as by attribute.
    """

    data: np.ndarray
    target: np.ndarray
    feature_names: list[str]
    target_names: list[str]
    description: str
    images: np.ndarray | None = None

    def __iter__(self):
        return iter((self.data, self.target))


@dataclass(frozen=True)
class Graph:
    """An undirected graph: ``adjacency`` (n, n) 0/1 matrix, ``edges`` (m, 2), node ``labels`` (n,)."""

    adjacency: np.ndarray
    edges: np.ndarray
    labels: np.ndarray
    label_names: list[str]
    description: str


@lru_cache(maxsize=1)
def _meta() -> dict:
    return json.loads((_DATA / "meta.json").read_text(encoding="utf-8"))


@cache
def _table(filename: str) -> tuple[np.ndarray, np.ndarray]:
    """Read a scikit-learn-style CSV (header ``n,d,names...``; last column the class)."""
    raw = (_DATA / filename).read_bytes()
    if filename.endswith(".gz"):
        raw = gzip.decompress(raw)
    lines = raw.decode("ascii").splitlines()
    # scikit-learn's tables open with a header line "n,d,class names..."; digits has none.
    start = 0 if all(_is_number(f) for f in lines[0].split(",")) else 1
    values = np.loadtxt(lines[start:], delimiter=",", dtype=np.float64)
    X, y = values[:, :-1], values[:, -1].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _load(name: str, filename: str) -> Dataset:
    X, y = _table(filename)
    meta = _meta()[name]
    return Dataset(X.copy(), y.copy(), list(meta["feature_names"]), list(meta["target_names"]),
                   meta["description"])


def load_iris() -> Dataset:
    """Fisher's iris: 150 × 4, three classes of 50."""
    return _load("iris", "iris.csv")


def load_wine() -> Dataset:
    """UCI wine recognition: 178 × 13, three classes."""
    return _load("wine", "wine_data.csv")


def load_breast_cancer() -> Dataset:
    """Wisconsin diagnostic breast cancer: 569 × 30, 0 = malignant, 1 = benign."""
    return _load("breast_cancer", "breast_cancer.csv")


def load_digits() -> Dataset:
    """Handwritten digits: 1,797 images of 8 × 8 grey levels 0–16; ``images`` holds them as (n, 8, 8)."""
    ds = _load("digits", "digits.csv.gz")
    return Dataset(ds.data, ds.target, ds.feature_names, ds.target_names, ds.description,
                   images=ds.data.reshape(-1, 8, 8))


def load_karate_club() -> Graph:
    """Zachary's karate club: 34 members, 78 friendships, and the faction each joined after the split."""
    nodes, edges = [], []
    for line in (_DATA / "karate_club.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        kind, a, b = line.split(",")
        (nodes if kind == "node" else edges).append((int(a), int(b)))
    labels = np.array([club for _, club in sorted(nodes)], dtype=np.int64)
    E = np.array(edges, dtype=np.int64)
    A = np.zeros((len(labels), len(labels)))
    A[E[:, 0], E[:, 1]] = A[E[:, 1], E[:, 0]] = 1.0
    return Graph(A, E, labels, ["Mr. Hi", "Officer"],
                 "Zachary's karate club (1977): friendships among 34 members of a club that split in two.")

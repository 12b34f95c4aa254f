"""Small data: one fit (and predict) of every estimator on each shipped dataset, beside scikit-learn.

Per-call time (the fastest of many alternating repeats) and a quality figure
for both sides; a last group of rows adds each fit's peak NumPy allocation
(tracemalloc), in units of X's size, beside scikit-learn's.
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit._bench import compare
from mmlkit.datasets import load_breast_cancer, load_digits, load_iris, load_wine


def _accuracy(y):
    return lambda pred: float(np.mean(pred == y))


def _r2(y):
    y = np.asarray(y, dtype=float)
    return lambda pred: float(1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))


def _ari(y):
    from sklearn.metrics import adjusted_rand_score
    return lambda labels: float(adjusted_rand_score(y, labels))


def _abs_sum(out):
    return float(np.abs(out).sum())


def _cases():
    """(name, mmlkit class, sklearn class, params, task, heavy) — heavy rows take fewer repeats."""
    from sklearn import (
        cluster,
        decomposition,
        kernel_ridge,
        linear_model,
        manifold,
        mixture,
        naive_bayes,
        neural_network,
        svm,
    )
    from sklearn import preprocessing as skp

    from mmlkit import models as m
    from mmlkit import preprocessing as p

    return [
        ("LinearRegression", m.LinearRegression, linear_model.LinearRegression, {}, "reg", False),
        ("Ridge", m.Ridge, linear_model.Ridge, {"alpha": 1.0}, "reg", False),
        ("Lasso", m.Lasso, linear_model.Lasso, {"alpha": 0.1}, "reg", False),
        ("ElasticNet", m.ElasticNet, linear_model.ElasticNet, {"alpha": 0.1, "l1_ratio": 0.5}, "reg", False),
        ("BayesianLinearRegression", m.BayesianLinearRegression, linear_model.BayesianRidge, {}, "reg", False),
        ("KernelRidge", m.KernelRidge, kernel_ridge.KernelRidge, {"alpha": 1.0, "kernel": "rbf"}, "reg", False),
        ("LogisticRegression", m.LogisticRegression, linear_model.LogisticRegression, {"max_iter": 100}, "clf",
         False),
        ("GaussianNB", m.GaussianNB, naive_bayes.GaussianNB, {}, "clf", False),
        ("MultinomialNB", m.MultinomialNB, naive_bayes.MultinomialNB, {}, "clf", False),
        ("BernoulliNB", m.BernoulliNB, naive_bayes.BernoulliNB, {}, "clf", False),
        ("SVC", m.SVC, svm.SVC, {}, "clf", False),
        ("MLPClassifier", m.MLPClassifier, neural_network.MLPClassifier,
         {"hidden_layer_sizes": (32,), "max_iter": 50, "random_state": 0}, "clf", True),
        ("MLPRegressor", m.MLPRegressor, neural_network.MLPRegressor,
         {"hidden_layer_sizes": (32,), "max_iter": 50, "random_state": 0}, "reg", True),
        ("KMeans", m.KMeans, cluster.KMeans, {"n_clusters": 3, "n_init": 1, "random_state": 0}, "cluster", False),
        ("GaussianMixture", m.GaussianMixture, mixture.GaussianMixture, {"n_components": 3, "random_state": 0},
         "cluster", False),
        ("SpectralClustering", m.SpectralClustering, cluster.SpectralClustering,
         {"n_clusters": 3, "random_state": 0}, "cluster", True),
        ("PCA", m.PCA, decomposition.PCA, {"n_components": 2}, "transform", False),
        ("KernelPCA", m.KernelPCA, decomposition.KernelPCA, {"n_components": 2, "kernel": "rbf"}, "transform",
         False),
        ("TSNE", m.TSNE, manifold.TSNE, {"n_components": 2, "random_state": 0, "max_iter": 250}, "embed", True),
        ("StandardScaler", p.StandardScaler, skp.StandardScaler, {}, "transform", False),
        ("MinMaxScaler", p.MinMaxScaler, skp.MinMaxScaler, {}, "transform", False),
        ("RobustScaler", p.RobustScaler, skp.RobustScaler, {}, "transform", False),
    ]


def _call(cls, params, task, X, y):
    """The work timed: fit, then predict / transform on the training data."""
    if task == "reg":
        yf = y.astype(float)
        return lambda: cls(**params).fit(X, yf).predict(X)
    if task == "clf":
        return lambda: cls(**params).fit(X, y).predict(X)
    if task == "cluster":
        return lambda: cls(**params).fit_predict(X)
    return lambda: cls(**params).fit_transform(X)


def _quality(task, y):
    return {"reg": (_r2(y), "training R²"), "clf": (_accuracy(y), "training accuracy"),
            "cluster": (_ari(y), "ARI"), "transform": (_abs_sum, "Σ|output|"),
            "embed": (lambda out: float(np.isfinite(out).mean()), "finite")}[task]


def _memory_data(n):
    from mmlkit.datasets import make_classification

    X, y = make_classification(n, 20, n_informative=10, n_classes=2, random_state=0)
    return X, y, y.astype(float)


def _memory_cases(X, y, yf):
    """(name, our fit, scikit-learn's fit) for the memory rows."""
    from sklearn import kernel_ridge, linear_model, mixture, naive_bayes, svm

    from mmlkit import models as m

    return [
        ("SVC", lambda: m.SVC().fit(X, y), lambda: svm.SVC().fit(X, y)),
        ("KernelRidge", lambda: m.KernelRidge(kernel="rbf").fit(X, yf),
         lambda: kernel_ridge.KernelRidge(kernel="rbf").fit(X, yf)),
        ("GaussianMixture", lambda: m.GaussianMixture(3, random_state=0).fit(X),
         lambda: mixture.GaussianMixture(3, random_state=0).fit(X)),
        ("LinearRegression", lambda: m.LinearRegression().fit(X, yf),
         lambda: linear_model.LinearRegression().fit(X, yf)),
        ("GaussianNB", lambda: m.GaussianNB().fit(X, y), lambda: naive_bayes.GaussianNB().fit(X, y)),
    ]


def _memory_rows(smoke):
    """Peak allocation of one fit, in units of X.nbytes, for the estimators the issue names.

    Two measures. tracemalloc sees every NumPy array (and Python object) both
    sides allocate, but not memory that compiled code takes from ``malloc``
    itself: libsvm's kernel cache and its own copy of the data, for one, so
    scikit-learn's SVC looks almost free by it. Outside smoke runs a second
    row per estimator measures what the process really holds: the growth of
    its peak resident set during the fit (Linux: the high-water mark reset
    through ``/proc/self/clear_refs``, freed heap handed back first), each side
    in a fresh interpreter, after one warm-up fit.
    """
    n = 300 if smoke else 3_000
    X, y, yf = _memory_data(n)
    rows = [compare(f"{name} fit, peak memory", ours, ref, reference_name=f"sklearn {name}",
                    size=f"{n}x20", repeat=1, memory=True, memory_unit=X.nbytes, memory_unit_name="× X")
            for name, ours, ref in _memory_cases(X, y, yf)]
    if not smoke:
        rows += [_rss_row(row, i, n) for i, row in enumerate(rows)]
    return [row for row in rows if row is not None]


def _rss_row(row, index, n):
    """The tracemalloc row ``row`` measured again as peak resident-set growth (None off Linux)."""
    import dataclasses

    peaks = [_rss_peak_in_child(index, side, n) for side in (0, 1)]
    if None in peaks:
        return None
    return dataclasses.replace(row, name=row.name.replace("peak memory", "peak RSS"), ours_peak=peaks[0],
                               ref_peak=peaks[1], memory_unit="× X (resident, malloc included)")


def _rss_peak_in_child(index, side, n):
    import subprocess
    import sys

    code = f"from mmlkit.benchmarks.bench_small import _rss_child; _rss_child({index}, {side}, {n})"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def _proc_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise ValueError(field)


def _rss_child(index, side, n):
    """In a fresh interpreter: one warm-up fit, then the peak RSS growth of a second, in units of X."""
    import ctypes
    import gc

    warnings.simplefilter("ignore")
    X, y, yf = _memory_data(n)
    fit = _memory_cases(X, y, yf)[index][1 + side]
    fit()
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)            # freed heap back to the system: reuse counts again
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")                                    # VmHWM := VmRSS
    base = _proc_status_kib("VmRSS")
    fit()
    print((_proc_status_kib("VmHWM") - base) * 1024 / X.nbytes)


def run(smoke: bool = False):
    datasets = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer, "digits": load_digits}
    if smoke:
        datasets = {"iris": load_iris}
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # convergence warnings of the references on unscaled data
        for data_name, load in datasets.items():
            ds = load()
            X, y = np.ascontiguousarray(ds.data, dtype=float), np.asarray(ds.target)
            for name, ours, ref, params, task, heavy in _cases():
                quality, quality_name = _quality(task, y)
                rows.append(compare(
                    name, _call(ours, params, task, X, y), _call(ref, params, task, X, y),
                    reference_name=f"sklearn {ref.__name__}", size=f"{data_name} {X.shape[0]}x{X.shape[1]}",
                    quality=quality, quality_name=quality_name,
                    repeat=1 if smoke else (3 if heavy else 25), target=1.0,
                ))
        rows.extend(_memory_rows(smoke))
    return rows


if __name__ == "__main__":
    for row in run():
        mem = f"  peak {row.ours_peak:.3g} vs {row.ref_peak:.3g} {row.memory_unit}" if row.memory_unit else ""
        print(f"{row.name:28s} {row.size:22s} ours {row.ours_s * 1e3:9.3f}ms  ref {row.ref_s * 1e3:9.3f}ms  "
              f"ratio {row.ratio:5.2f}{mem}")

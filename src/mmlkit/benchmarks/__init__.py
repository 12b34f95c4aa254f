"""Side-by-side benchmarks against the reference libraries, run by ``mmlkit bench``.

Each ``bench_<topic>.py`` module defines ``run(smoke: bool = False) -> list[Comparison]``
(see :mod:`mmlkit._bench`). The references (PyTorch, SHAP, ripser, LIME, …) come
with the ``bench`` extra: ``pip install "mmlkit[bench]"``.
"""

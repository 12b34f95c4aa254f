"""The package's public names, including the lazily imported Markov models."""

import pytest

import mmlkit.probability as P


def test_every_public_name_resolves_and_star_import_works():
    for name in P.__all__:
        assert getattr(P, name) is not None
    namespace = {}
    exec("from mmlkit.probability import *", namespace)
    assert {"Normal", "bayes_rule", "t_ppf", "MultivariateNormal"} <= set(namespace)


def test_spec_names_exist():
    spec = ["Bernoulli", "Binomial", "Poisson", "Geometric", "Categorical", "Uniform", "Normal", "Exponential",
            "Gamma", "Beta", "StudentT", "ChiSquared", "MultivariateNormal", "Dirichlet", "bayes_rule",
            "BetaBinomial", "NormalNormal", "GammaPoisson", "DirichletMultinomial"]
    assert set(spec) <= set(P.__all__)


def test_lazy_names_map_to_their_modules(monkeypatch):
    assert P.MarkovChain.__module__ == "mmlkit.probability.markov"
    monkeypatch.setitem(P._LAZY, "NotYetWritten", ".not_yet_written")
    with pytest.raises(AttributeError, match="not available"):
        P.NotYetWritten
    assert not hasattr(P, "NotYetWritten")
    with pytest.raises(AttributeError, match="no attribute"):
        P.no_such_name

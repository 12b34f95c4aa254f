"""Probability: distributions, Bayesian updating, Markov models.

Distributions are classes with vectorised, broadcasting methods named as on
SciPy's frozen distributions (``pdf``/``pmf``, ``logpdf``/``logpmf``, ``cdf``,
``sf``, ``ppf``, ``sample``, ``mean``, ``var``, ``std``, ``entropy``) and a
maximum-likelihood classmethod ``fit``. Conjugate models update a prior with
data in closed form. The distribution functions under them (``normal_cdf``,
``t_ppf``, ``chi2_sf``, ...) are plain vectorised functions in
``mmlkit.probability._functions``, re-exported here.

``MarkovChain``, ``HiddenMarkovModel`` and ``BayesianNetwork`` are imported
on first use.
"""

import importlib
import importlib.util

from ._functions import *  # noqa: F403
from ._functions import __all__ as _functions_all
from .bayes import BetaBinomial, DirichletMultinomial, GammaPoisson, NormalNormal, bayes_rule
from .continuous import Beta, ChiSquared, Exponential, Gamma, Normal, StudentT, Uniform
from .discrete import Bernoulli, BetaBinom, Binomial, Categorical, Geometric, NegativeBinomial, Poisson
from .multivariate import Dirichlet, MultivariateNormal

_LAZY = {
    "MarkovChain": ".markov",
    "HiddenMarkovModel": ".hmm",
    "BayesianNetwork": ".bayesnet",
}

__all__ = [
    # distributions
    "Bernoulli", "Binomial", "Poisson", "Geometric", "Categorical", "NegativeBinomial", "BetaBinom",
    "Uniform", "Normal", "Exponential", "Gamma", "Beta", "StudentT", "ChiSquared",
    "MultivariateNormal", "Dirichlet",
    # Bayesian updating
    "bayes_rule", "BetaBinomial", "NormalNormal", "GammaPoisson", "DirichletMultinomial",
    # distribution functions
    *_functions_all,
    # imported on first use (listed once their module has landed, so `import *` works)
    *(name for name, mod in _LAZY.items() if importlib.util.find_spec(mod, __name__) is not None),
]


def __getattr__(name: str):
    if name in _LAZY:
        try:
            module = importlib.import_module(_LAZY[name], __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}{_LAZY[name]}":
                raise  # a missing dependency inside the module, not the module itself
            raise AttributeError(f"mmlkit.probability.{name} is not available: "
                                 f"module {exc.name} is missing") from None
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mmlkit.probability' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))

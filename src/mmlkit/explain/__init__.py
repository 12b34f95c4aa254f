"""Why does a model predict what it does, and how fragile is it?

Feature attributions (exact Shapley values, Kernel SHAP, LIME, permutation
importance), partial dependence with ICE curves, and robustness probes
(FGSM and PGD adversarial examples, input sensitivity through autodiff).
Oracles in the tests: ``shap``, ``lime``, ``sklearn.inspection``, PyTorch.
"""

from mmlkit.explain._adversarial import (
    Sensitivity,
    differentiable_forward,
    fgsm,
    input_sensitivity,
    pgd,
)
from mmlkit.explain._common import Explanation
from mmlkit.explain._lime import LimeExplanation, lime_tabular
from mmlkit.explain._partial_dependence import PartialDependence, partial_dependence
from mmlkit.explain._permutation import PermutationImportance, permutation_importance
from mmlkit.explain._shapley import KernelShap, shapley_values

__all__ = [
    "Explanation", "KernelShap", "LimeExplanation", "PartialDependence", "PermutationImportance",
    "Sensitivity", "differentiable_forward", "fgsm", "input_sensitivity", "lime_tabular",
    "partial_dependence", "permutation_importance", "pgd", "shapley_values",
]

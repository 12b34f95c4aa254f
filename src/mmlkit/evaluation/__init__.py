"""How good is a model, and is it better than another by more than luck?

Metrics (classification, ranking, regression), cross-validation splitters and
drivers, hyper-parameter search, and inference about models (bias–variance,
corrected t-tests, McNemar, bootstrap intervals). Every metric is mmlkit's own
computation; scikit-learn serves only as the test oracle and for the estimator
protocol (``clone``).
"""

from mmlkit.evaluation._checks import UndefinedMetricWarning
from mmlkit.evaluation._classification import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    log_loss,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from mmlkit.evaluation._cross_validation import cross_val_score, cross_validate, learning_curve
from mmlkit.evaluation._inference import (
    BiasVariance,
    ComparisonResult,
    ConfidenceInterval,
    bias_variance_decomposition,
    compare_models,
    corrected_resampled_ttest,
    mcnemar_test,
    metric_confidence_interval,
)
from mmlkit.evaluation._ranking import (
    auc,
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from mmlkit.evaluation._regression import (
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)
from mmlkit.evaluation._scorer import check_scoring, get_scorer, get_scorer_names, make_scorer
from mmlkit.evaluation._search import (
    GridSearchCV,
    ParameterGrid,
    ParameterSampler,
    RandomizedSearchCV,
)
from mmlkit.evaluation._split import KFold, StratifiedKFold, check_cv

__all__ = [
    "BiasVariance", "ComparisonResult", "ConfidenceInterval", "GridSearchCV", "KFold",
    "ParameterGrid", "ParameterSampler", "RandomizedSearchCV", "StratifiedKFold",
    "UndefinedMetricWarning", "accuracy_score", "auc", "average_precision_score",
    "balanced_accuracy_score", "bias_variance_decomposition", "check_cv", "check_scoring",
    "compare_models", "confusion_matrix", "corrected_resampled_ttest", "cross_val_score",
    "cross_validate", "f1_score", "fbeta_score", "get_scorer", "get_scorer_names", "make_scorer",
    "learning_curve", "log_loss", "mcnemar_test", "mean_absolute_error", "mean_squared_error",
    "metric_confidence_interval", "precision_recall_curve", "precision_recall_fscore_support",
    "precision_score", "r2_score", "recall_score", "roc_auc_score", "roc_curve",
    "root_mean_squared_error",
]

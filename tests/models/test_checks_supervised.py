"""scikit-learn's estimator contract for the supervised models (linear, logistic, naive Bayes)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.models import (
    BayesianLinearRegression,
    BernoulliNB,
    ElasticNet,
    GaussianNB,
    Lasso,
    LinearRegression,
    LogisticRegression,
    MultinomialNB,
    Ridge,
)

ESTIMATORS = [
    LinearRegression(),
    LinearRegression(solver="qr"),  # raises (not lstsq) on n < d: the contract must accept its messages
    Ridge(),
    BayesianLinearRegression(),
    Lasso(alpha=0.1),
    ElasticNet(alpha=0.1),
    LogisticRegression(),
    LogisticRegression(penalty="l1", solver="newton"),
    GaussianNB(),
    MultinomialNB(),
    BernoulliNB(),
]


# No expected failures: every check passes. (The array-API checks skip inside
# scikit-learn itself unless SCIPY_ARRAY_API is set; mmlkit is NumPy-only.)
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_contract(estimator, check):
    check(estimator)

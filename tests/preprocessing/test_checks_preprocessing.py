"""scikit-learn's estimator contract for the preprocessing transformers."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    PolynomialFeatures,
    RobustScaler,
    SelectKBest,
    SimpleImputer,
    StandardScaler,
)

TRANSFORMERS = [
    StandardScaler(),
    MinMaxScaler(),
    RobustScaler(),
    SimpleImputer(),
    SimpleImputer(strategy="most_frequent"),
    OneHotEncoder(handle_unknown="ignore"),
    PolynomialFeatures(),
    SelectKBest(k=1),
]


# No expected failures. (The array-API checks skip inside scikit-learn unless
# SCIPY_ARRAY_API is set; mmlkit is NumPy-only.)
@parametrize_with_checks(TRANSFORMERS)
def test_sklearn_contract(estimator, check):
    check(estimator)

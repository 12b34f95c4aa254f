"""scikit-learn's estimator contract for the decomposition and kernel models."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.models import PCA, SVC, KernelPCA, KernelRidge

ESTIMATORS = [
    PCA(),
    PCA(n_components=2, svd_solver="randomized", random_state=0),
    PCA(n_components=0.9),
    PCA(n_components=1, svd_solver="mmlkit"),
    KernelPCA(),
    KernelPCA(n_components=2, kernel="rbf", fit_inverse_transform=True),
    SVC(),
    SVC(kernel="linear"),
    SVC(probability=True, random_state=0),
    KernelRidge(),
    KernelRidge(kernel="rbf"),
]


def _expected_failures(estimator):
    if isinstance(estimator, SVC):
        return {
            "check_sample_weight_equivalence_on_dense_data": (
                "a weight w is exactly equivalent to w repeated samples in the dual (the box becomes "
                "0 <= alpha <= wC), but SMO stops at the KKT tolerance tol=1e-3, so the two fits agree to "
                "~1e-3, not the check's rtol=1e-7; scikit-learn marks its own SVC as failing this check"),
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_contract(estimator, check):
    check(estimator)

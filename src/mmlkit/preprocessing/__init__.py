"""Preparing data for a model: scaling, imputation, encoding, splitting, feature selection.

Every transformer is scikit-learn compatible (``fit``/``transform``,
``get_feature_names_out``) and is checked against scikit-learn's own.
"""

from mmlkit.preprocessing._data import MinMaxScaler, RobustScaler, SimpleImputer, StandardScaler
from mmlkit.preprocessing._encoders import OneHotEncoder, PolynomialFeatures
from mmlkit.preprocessing._feature_selection import SelectKBest, chi2, f_classif, mutual_info_classif
from mmlkit.preprocessing._split import train_test_split

__all__ = [
    "MinMaxScaler", "OneHotEncoder", "PolynomialFeatures", "RobustScaler", "SelectKBest", "SimpleImputer",
    "StandardScaler", "chi2", "f_classif", "mutual_info_classif", "train_test_split",
]

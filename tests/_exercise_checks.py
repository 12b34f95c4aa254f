"""The assertion every "typical mistake" test of mmlkit.exercises makes."""

from mmlkit.exercises import check


def assert_mistake_caught(key, wrong, prop):
    """``wrong`` fails exercise ``key`` as a graded failure (not a crash) naming property ``prop``."""
    result = check(wrong, key)
    assert not result.passed
    assert result.status == "failed", result.message
    assert prop in result.prop, result.message
    return result

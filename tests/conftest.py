import os

import matplotlib
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

# Property tests: enough examples to find a counterexample, few enough for CI on 2 cores.
settings.register_profile(
    "mmlkit", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mmlkit"))

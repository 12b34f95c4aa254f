import os
import sys
from pathlib import Path

import matplotlib
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")

# Shared tolerance helpers (tests/_tolerances.py): --import-mode=importlib puts no test
# folder on sys.path, so this one is added for ``from _tolerances import ...``.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# The suite runs in parallel workers (pytest -n 2 on 2 cores): one BLAS thread per worker, or
# multithreaded BLAS oversubscribes the cores and spin-waits (small matmuls become 20× slower).
threadpool_limits(1)

# Property tests: enough examples to find a counterexample, few enough for CI on 2 cores.
settings.register_profile(
    "mmlkit", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mmlkit"))

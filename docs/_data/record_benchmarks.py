"""Record the side-by-side benchmark table that the documentation shows (``benchmarks.csv``).

The site never runs benchmarks while it builds; it renders the table stored here. Refresh it on a
quiet machine with the references installed (``pip install -e ".[bench]"``)::

    python docs/_data/record_benchmarks.py            # full sizes (minutes)
    python docs/_data/record_benchmarks.py --smoke    # tiny sizes: checks the format, not the speed

Each row is one :func:`mmlkit._bench.compare` of ``src/mmlkit/benchmarks/bench_<topic>.py``: mmlkit and its
reference on the same data in one process (the fastest of the repeats, wall time, or process CPU
time with ``--cpu-time``).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("benchmarks.csv")
FIELDS = ["topic", "name", "size", "reference", "ours_s", "ref_s", "ratio", "quality_name", "ours_quality",
          "ref_quality", "higher_is_better"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="*", help="benchmark topics (default: all)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--cpu-time", action="store_true", help="process CPU time instead of wall time")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from mmlkit import _bench

    _bench.TIMER = time.process_time if args.cpu_time else time.perf_counter
    from mmlkit import benchmarks

    files = sorted(Path(benchmarks.__file__).parent.glob("bench_*.py"))
    unknown = set(args.topics) - {path.stem.removeprefix("bench_") for path in files}
    if not files or unknown:
        parser.error(f"no benchmark module for {sorted(unknown) or 'any topic'} in {Path(benchmarks.__file__).parent}")
    rows = []
    for path in files:
        topic = path.stem.removeprefix("bench_")
        if args.topics and topic not in args.topics:
            continue
        module = importlib.import_module(f"mmlkit.benchmarks.{path.stem}")
        print(f"{topic} ...", flush=True)
        for c in module.run(smoke=args.smoke):
            rows.append({"topic": topic, "name": c.name, "size": c.size, "reference": c.reference,
                         "ours_s": f"{c.ours_s:.6g}", "ref_s": f"{c.ref_s:.6g}", "ratio": f"{c.ratio:.4g}",
                         "quality_name": c.quality_name,
                         "ours_quality": "" if c.ours_quality is None else f"{c.ours_quality:.6g}",
                         "ref_quality": "" if c.ref_quality is None else f"{c.ref_quality:.6g}",
                         "higher_is_better": int(c.higher_is_better)})
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write(f"# recorded {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
                 f"mode={'smoke' if args.smoke else 'full'}; clock={'cpu' if args.cpu_time else 'wall'}; "
                 f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                 f"Python {platform.python_version()}\n")
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

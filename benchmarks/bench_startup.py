"""Start-up of the command line: ``--help``, ``--version`` and ``kzforecast check``.

Prints, each measured in fresh subprocesses (minimum over ``--repeat`` runs):

* the whole-process wall time of ``kzforecast --help``, ``kzforecast --version``,
  ``python -c "import kzforecast"`` and the default ``kzforecast check`` (report written
  to a temporary folder);
* the split of one default ``check`` run, replayed step by step in a fresh process:
  imports (what the ``check`` command imports before it simulates), scenario and targets,
  simulation, the check table, charts (the fan charts and the P(met) chart as
  ``write_report`` draws them, matplotlib's import included) and HTML and files (one
  ``write_report`` minus a second, warm, drawing of the same charts: approximate);
* the ten slowest imports of ``import kzforecast.engine.simulate`` (``-X importtime``,
  cumulative microseconds), to show which libraries the start-up pays for.

Usage: ``python benchmarks/bench_startup.py [--repeat 5] [--paths 20000]``. It asserts
nothing; the machine's load moves every figure, so compare runs made side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

KZ = shutil.which("kzforecast") or "kzforecast"

# The replay of `kzforecast check` in a fresh interpreter; prints one JSON line of timings.
_SPLIT = r"""
import json, sys, tempfile, time
t = {}
t0 = time.perf_counter()
from kzforecast.cli import _common as common
from kzforecast.engine.simulate import simulate
from kzforecast.report.tables import format_check_table
from kzforecast.results.check import check
t["imports"] = time.perf_counter() - t0

t0 = time.perf_counter()
scenario = common.load_scenario("baseline")
targets = common.select_targets("default", scenario.as_of)
t["scenario and targets"] = time.perf_counter() - t0

t0 = time.perf_counter()
sim = simulate(scenario, paths=int(sys.argv[1]), seed=common.DEFAULT_SEED, targets=targets,
               progress=None)
t["simulation"] = time.perf_counter() - t0

t0 = time.perf_counter()
table = check(sim)
format_check_table(table)
t["check table"] = time.perf_counter() - t0

def charts():
    from kzforecast.report.plots import fan_chart, figure_png, probability_chart
    for var in ("vehicle_output", "local_content_share", "ckd_share", "export_units"):
        if var in sim.variables:
            figure_png(fan_chart(sim, var, targets=sim.targets, history=sim.history))
    figure_png(probability_chart(table))

t0 = time.perf_counter()
charts()
t["charts (cold: matplotlib import included)"] = time.perf_counter() - t0
t0 = time.perf_counter()
charts()
warm = time.perf_counter() - t0

from kzforecast.report import write_report
t0 = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    write_report(sim, table, out)
report = time.perf_counter() - t0
t["HTML and files (write_report - warm charts)"] = max(report - warm, 0.0)
t["  (write_report, warm charts included)"] = report
t["  (the charts again, warm)"] = warm
print(json.dumps(t))
"""


def wall(cmd: list[str], repeat: int) -> float:
    """Minimum wall time of ``cmd`` (output discarded) over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def split(paths: int, repeat: int) -> dict[str, float]:
    """Per-step minimum over ``repeat`` fresh-process replays of ``kzforecast check``."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _SPLIT, str(paths)], check=True, capture_output=True, text=True
        ).stdout
        for step, seconds in json.loads(out.strip().splitlines()[-1]).items():
            best[step] = min(best.get(step, float("inf")), seconds)
    return best


def slowest_imports(module: str, n: int = 10) -> list[tuple[int, str]]:
    """The ``n`` largest cumulative import times (microseconds) of ``import module``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--paths", type=int, default=20_000)
    args = ap.parse_args()

    import kzforecast

    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {platform.platform()}  {os.cpu_count()} CPUs  "
          f"Python {platform.python_version()}  kzforecast {kzforecast.__version__}")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}; minimum of {args.repeat} runs\n")

    with tempfile.TemporaryDirectory() as out:
        whole = {
            'python -c "pass" (the interpreter alone)': wall(
                [sys.executable, "-c", "pass"], args.repeat
            ),
            "kzforecast --help": wall([KZ, "--help"], args.repeat),
            "kzforecast --version": wall([KZ, "--version"], args.repeat),
            'python -c "import kzforecast"': wall(
                [sys.executable, "-c", "import kzforecast"], args.repeat
            ),
            f"kzforecast check --paths {args.paths} --out TMP": wall(
                [KZ, "check", "--paths", str(args.paths), "--out", out], args.repeat
            ),
        }
    print("whole process (s)")
    for name, seconds in whole.items():
        print(f"  {name:<45} {seconds:6.3f}")

    steps = split(args.paths, args.repeat)
    print(f"\nkzforecast check, step by step in a fresh process (s, {args.paths:,} paths)")
    for name, seconds in steps.items():
        print(f"  {name:<45} {seconds:6.3f}")
    total = sum(v for k, v in steps.items() if not k.startswith("  "))
    print(f"  {'sum':<45} {total:6.3f}")

    print("\nslowest imports of `import kzforecast.engine.simulate` (cumulative, ms)")
    for micros, name in slowest_imports("kzforecast.engine.simulate"):
        print(f"  {micros / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()

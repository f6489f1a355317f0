"""Every benchmark in turn, each in its own process, their JSON lines passed through.

    python benchmarks/run_all.py [--long]      (or: make bench)

By default the frame-budget and start-up figures and a quick trainer comparison (about ten
minutes on two cores); ``--long`` adds the full trainer comparison with time-to-accuracy,
the teaching docks, fine-tuning cost and the digit-check rates (an hour or more on a CPU).
A line ``{"benchmark": NAME, ...}`` says which script the lines after it come from.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

QUICK = [
    ["live_path.py", "--threads", "1"],
    ["ui_latency.py", "--matrix", "--digits", "80352"],  # every layout, both networks
    ["panels_latency.py", "--threads", "1"],
    ["explain_speed.py", "--threads", "1"],
    ["startup.py"],
    ["train_speed.py", "--quick"],
    ["drawn_eval.py", "--threads", "2"],
]
LONG = [
    ["train_speed.py"],
    ["teaching.py"],
    ["finetune_cost.py"],
    ["ood_rates.py"],
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="add the long benchmarks")
    args = parser.parse_args()
    runs = QUICK + LONG if args.long else QUICK
    if args.long:
        runs.remove(["train_speed.py", "--quick"])  # the full comparison replaces it
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "QT_QPA_PLATFORM": "offscreen"}
    failed = []
    for script, *options in runs:
        print(json.dumps({"benchmark": script, "options": options}), flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *options], env=env)
        if result.returncode:
            failed.append(script)
    if failed:
        print(json.dumps({"failed": failed}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

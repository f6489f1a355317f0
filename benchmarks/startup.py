"""Start-up time of the app, beside a bare ``import torch, PySide6.QtWidgets``.

Each run is a fresh process under a real X server (the xcb platform; started with
``xvfb-run`` when there is no ``$DISPLAY``), with a throwaway settings file. The app
run creates the window with its start-up weights, shows it, waits until the window is
exposed and painted ("shown"), draws a sample digit with mouse events, waits until the
window has read it ("classified") and until the Certainty dock gives the digit check's
verdict on it ("verdict"). The parent times each mark from spawning the process. The
floor is ``python -c "import torch, PySide6.QtWidgets"``, spawn to exit, in the same
run. Runs alternate between the floor, a start with an empty digit-check cache (cold:
the reference features are computed) and a start with the cache filled (warm).
digitpad's modules are byte-compiled first, as an installed app's are (the floor's
libraries are too), even where ``PYTHONDONTWRITEBYTECODE`` is set.

    xvfb-run -a python benchmarks/startup.py [--runs 5] [--weights W] [--platform xcb]

Prints JSON lines: one per run, then a summary with medians and the ratios to the floor
(the goal: shown <= 1.3x, verdict with a warm cache <= 1.5x), in wall-clock seconds and
in CPU seconds (which a busy machine distorts far less).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
from PySide6.QtWidgets import QApplication
from digitpad.ui.app import create_app
app = create_app()
from digitpad.ui.main_window import MainWindow
window = MainWindow(weights=sys.argv[1] or None)
window.show()
handle = window.windowHandle()
while handle is None or not handle.isExposed():
    QApplication.processEvents()
    handle = window.windowHandle()
QApplication.processEvents()  # the first paint
print("shown", time.process_time(), flush=True)
from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes
draw_strokes(window.canvas, sample(3).strokes)
session = window.session
while session.prediction is None or not session.prediction.has_digit:
    QApplication.processEvents()
print("classified", time.process_time(), flush=True)
latest = lambda: window.uncertainty.latest
while latest() is None or latest().looks_like_digit is None:
    QApplication.processEvents()
print("verdict", time.process_time(), flush=True)
window.close()  # waits for the digit check's worker, as quitting does
"""


def time_app(weights: str, env: dict) -> dict:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, weights], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marks = {}
    assert child.stdout is not None
    for line in child.stdout:
        mark, cpu = line.split()[:2]
        marks[f"{mark}_s"] = round(time.perf_counter() - start, 3)
        marks[f"{mark}_cpu_s"] = round(float(cpu), 3)
    errors = child.stderr.read() if child.stderr is not None else ""
    if child.wait() != 0 or "verdict_s" not in marks:
        raise SystemExit(f"the app did not start (exit status {child.returncode}):\n{errors[-2000:]}")
    return marks


def time_floor(env: dict) -> dict:
    """Wall seconds, and CPU seconds (user and system) of the bare import."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, PySide6.QtWidgets"], env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"s": round(wall, 3), "cpu_s": round(cpu, 3)}


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--weights", default="", help="weights file (default: the app's own)")
    parser.add_argument("--platform", default="xcb", help="Qt platform (xcb: a real X server)")
    args = parser.parse_args()

    if args.platform == "xcb" and not os.environ.get("DISPLAY"):
        if shutil.which("xvfb-run") is None:
            raise SystemExit("no $DISPLAY and no xvfb-run: run under an X server or pass --platform offscreen")
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24",
                               sys.executable, *sys.argv])

    compileall.compile_dir(REPO / "digitpad", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        base = dict(os.environ, QT_QPA_PLATFORM=args.platform,
                    DIGITPAD_SETTINGS=str(Path(folder) / "settings.ini"),
                    DIGITPAD_DIGITS_DB=str(Path(folder) / "digits.sqlite"),
                    DIGITPAD_DATA_DIR=str(Path(folder) / "data"))
        warm_env = dict(base, DIGITPAD_CACHE_DIR=str(Path(folder) / "warm-cache"))
        time_floor(base)  # fill the file cache for both
        time_app(args.weights, warm_env)  # and the warm digit-check cache
        floors, colds, warms = [], [], []
        for run in range(args.runs):
            floor = time_floor(base)
            cold_cache = Path(folder) / f"cold-cache-{run}"
            cold = time_app(args.weights, dict(base, DIGITPAD_CACHE_DIR=str(cold_cache)))
            warm = time_app(args.weights, warm_env)
            floors.append(floor)
            colds.append(cold)
            warms.append(warm)
            print(json.dumps({"benchmark": "startup", "run": run, "floor": floor,
                              "cold_cache": cold, "warm_cache": warm}), flush=True)

    # Wall time, and CPU time: on a machine other programs keep busy, the wall clock
    # mostly measures the scheduler, the CPU seconds what start-up itself costs.
    floor = {"s": median_of(floors, "s"), "cpu_s": median_of(floors, "cpu_s")}
    summary: dict = {"benchmark": "startup", "summary": True, "runs": args.runs,
                     "platform": args.platform, "median_floor_s": floor["s"],
                     "median_floor_cpu_s": floor["cpu_s"]}
    for name, runs in (("cold_cache", colds), ("warm_cache", warms)):
        medians = {}
        for mark in ("shown", "classified", "verdict"):
            for unit, ratio in (("s", "over_floor"), ("cpu_s", "cpu_over_floor")):
                value = medians[f"{mark}_{unit}"] = median_of(runs, f"{mark}_{unit}")
                medians[f"{mark}_{ratio}"] = round(value / floor[unit], 2)
        summary[name] = medians
    summary.update(weights=args.weights or "the app's start-up weights",
                   cpu_count=os.cpu_count(), load_average_1min=round(os.getloadavg()[0], 2))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()

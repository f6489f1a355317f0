"""Start-up time of the app to a usable window, beside a bare ``import torch, PySide6``.

Each run is a fresh process (offscreen Qt, a throwaway settings file). The app run
creates the window with its start-up weights, shows it, draws a sample digit with mouse
events and waits until the window has read it; the parent times, from spawning the
process, when the child says the window was first painted ("shown") and when the digit
was read ("classified"). The bare run is ``python -c "import torch, PySide6.QtWidgets"``,
spawn to exit. Runs alternate; medians are reported.

    python benchmarks/startup.py [--runs 5] [--weights W]

Prints JSON lines: one per run, then a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from digitpad.ui.app import create_app
app = create_app()
from digitpad.ui.main_window import MainWindow
window = MainWindow(weights=sys.argv[1] or None)
window.show()
QApplication.processEvents()
print("shown", flush=True)
from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes
draw_strokes(window.canvas, sample(3).strokes)
while window.session.prediction is None or not window.session.prediction.has_digit:
    QApplication.processEvents()
print("classified", window.session.prediction.digit, flush=True)
"""


def time_app(weights: str, env: dict) -> dict:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, weights], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    marks = {}
    for line in child.stdout:
        marks[line.split()[0]] = time.perf_counter() - start
    if child.wait() != 0 or "classified" not in marks:
        raise SystemExit(f"the app did not start (exit status {child.returncode})")
    return {"shown_s": round(marks["shown"], 3), "classified_s": round(marks["classified"], 3)}


def time_bare_import(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, PySide6.QtWidgets"], env=env, check=True)
    return round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--weights", default="", help="weights file (default: the app's own)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                   DIGITPAD_SETTINGS=str(Path(folder) / "settings.ini"))
        time_bare_import(env)  # warm the file cache for both
        apps, bares = [], []
        for run in range(args.runs):
            bare = time_bare_import(env)
            app = time_app(args.weights, env)
            bares.append(bare)
            apps.append(app)
            print(json.dumps({"benchmark": "startup", "run": run, "bare_import_s": bare, **app}),
                  flush=True)

    shown = statistics.median(a["shown_s"] for a in apps)
    classified = statistics.median(a["classified_s"] for a in apps)
    bare = statistics.median(bares)
    print(json.dumps({
        "benchmark": "startup", "summary": True, "runs": args.runs,
        "median_bare_import_s": bare, "median_shown_s": shown,
        "median_classified_s": classified,
        "app_over_bare_import_s": round(classified - bare, 3),
        "weights": args.weights or "the app's start-up weights",
        "cpu_count": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
    }), flush=True)


if __name__ == "__main__":
    main()

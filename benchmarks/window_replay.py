"""Held-out UNIPEN digits drawn into the real window with real X pointer events, read by
the app as a user's drawing: the drawn-digit evaluation as a user would run it.

    xvfb-run -a python benchmarks/window_replay.py [--arch DeepCNN] [--count 600] [--seconds 0.25]

Needs an X server and xdotool. Each digit of UNIPEN's held-out writers (a random sample,
fixed seed) is drawn with the default brush at a random size (25-90 % of the pad) and
place, in ``--seconds`` a digit, by xdotool moving the pointer over the pad; the window
reads it as it reads any drawing. The same intended strokes are also read through the
core's rasteriser (``core``), so a difference between the two is the window's (pointer
sampling, lost moves), not the digit's. Prints one JSON line per network.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

SIZES = (0.25, 0.9)  # the digit's longer side, as a share of the pad
SIZE_BUCKETS = ((0.25, 0.41), (0.41, 0.57), (0.57, 0.74), (0.74, 0.9))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="*", default=["SimpleCNN", "DeepCNN"], help="shipped networks to use")
    parser.add_argument("--count", type=int, default=600, help="digits drawn per network")
    parser.add_argument("--seconds", type=float, default=0.25, help="time to draw one digit")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") or shutil.which("xdotool") is None:
        sys.exit("window_replay: needs an X server and xdotool (run under xvfb-run -a)")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    scratch = tempfile.mkdtemp()  # the user's settings, digits and caches stay untouched
    os.environ.update(DIGITPAD_SETTINGS=f"{scratch}/settings.ini", DIGITPAD_DATA_DIR=f"{scratch}/data",
                      DIGITPAD_DIGITS_DB=f"{scratch}/digits.sqlite")

    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from digitpad.pendata import unipen_split
    from digitpad.strokes import PenStroke, Rasteriser
    from digitpad.ui.app import create_app

    create_app()
    from digitpad.ui.canvas import LOGICAL_SIZE
    from digitpad.ui.main_window import MainWindow
    from digitpad.ui.xpointer import screen_paths, xdotool_drawing

    validation = unipen_split()[1]
    window = MainWindow(settings=QSettings(f"{scratch}/settings.ini", QSettings.Format.IniFormat))
    window.resize(1280, 900)
    window.move(0, 0)
    window.show()

    def settle(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def draw(strokes: list[np.ndarray]) -> None:
        drawing = subprocess.Popen(xdotool_drawing(screen_paths(window.canvas, strokes), args.seconds))
        while drawing.poll() is None:
            settle(0.03)
        settle(0.35)  # the last move's reading

    settle(1.5)
    rasterise = Rasteriser()
    for arch in args.arch:
        next(action for action in window.arch_group.actions() if action.data() == arch).trigger()
        settle(2.0)
        model = window.session.classifier.model
        rng = np.random.default_rng(args.seed)
        chosen = rng.choice(len(validation), min(args.count, len(validation)), replace=False)
        window_right, core_right, sizes, confusions = [], [], [], {}
        for index in chosen:
            drawing, label = validation.strokes[index], int(validation.labels[index])
            every = np.concatenate(drawing)
            low, high = every.min(0), every.max(0)
            size = rng.uniform(*SIZES)
            scale = size / max(float((high - low).max()), 1e-6)
            corner = rng.uniform(0.02, 0.98, 2) * (1 - (high - low) * scale)
            strokes = [(stroke - low) * scale + corner for stroke in drawing]
            window.canvas.clear()
            settle(0.1)
            draw(strokes)
            prediction = window.session.prediction
            read = prediction.digit if prediction.has_digit else -1
            pens = window.canvas.pen_strokes() or []
            brush = pens[0].width if pens else 0.0
            rasterise.forget()
            steps = rasterise([PenStroke.of(s * LOGICAL_SIZE, width=brush) for s in strokes], surface=LOGICAL_SIZE)
            with torch.no_grad():
                device = next(model.parameters()).device
                core = int(model(torch.from_numpy(steps.model_input).view(1, 1, 28, 28).to(device)).argmax())
            window_right.append(read == label)
            core_right.append(core == label)
            sizes.append(size)
            if read != label:
                confusions[f"{label}->{read}"] = confusions.get(f"{label}->{read}", 0) + 1
        right, in_core = np.array(window_right), np.array(core_right)
        bucket = np.searchsorted([b for _, b in SIZE_BUCKETS[:-1]], np.array(sizes), side="right")
        print(json.dumps({
            "benchmark": "window_replay", "arch": arch, "drawings": len(right), "seconds_per_digit": args.seconds,
            "accuracy": float(right.mean()), "core_accuracy": float(in_core.mean()),
            "window_and_core_differ": int((right != in_core).sum()),
            "per_size": [{"size": f"{a:.0%}-{b:.0%}", "accuracy": float(right[bucket == k].mean()),
                          "drawings": int((bucket == k).sum())} for k, (a, b) in enumerate(SIZE_BUCKETS)],
            "confusions": sorted(confusions.items(), key=lambda item: -item[1])[:8],
            "seed": args.seed, "platform": "xcb"}), flush=True)
    window.setWindowModified(False)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

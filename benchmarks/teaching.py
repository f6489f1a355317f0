"""The app's teaching docks under load: how responsive the window stays while a network
trains in the worker, how fast Cancel gives the old weights back and ends the thread,
what showing the weights being trained costs, and how long an evaluation and a
correction take.

    python benchmarks/teaching.py [--weights W] [--images 10000] [--archs SimpleCNN,DeepCNN]

Prints JSON lines: per architecture, a cancelled training (tick gaps of a 5 ms QTimer
while it trained, the cost of each preview of the weights in the GUI thread, the time
from Cancel to the previous weights being live and to the worker thread's end); then a
full one-epoch training, an evaluation, a correction of a misread test digit, and how
often a misread test digit put on the pad is read as the evaluation read it.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from digitpad.ui.app import create_app  # noqa: E402
from digitpad.ui.teaching import mnist  # noqa: E402

AGREEMENT_DIGITS = 100


class Ticks:
    """Gaps between the ticks of a 5 ms timer: the event loop's responsiveness."""

    def __init__(self):
        self.times = []
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start(5)

    def stop(self) -> dict:
        self.timer.stop()
        gaps = np.diff(self.times) * 1000 if len(self.times) > 1 else np.zeros(1)
        return {"ticks": len(self.times), "gap_p50_ms": round(float(np.median(gaps)), 1),
                "gap_p95_ms": round(float(np.percentile(gaps, 95)), 1),
                "gap_max_ms": round(float(gaps.max()), 1)}


def wait(condition, timeout=600.0) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the job took too long")
        QApplication.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - start


def timed_installs(window) -> list[float]:
    """Milliseconds of each install_model call, recorded from now on."""
    durations, install = [], window.install_model

    def timed(*args, **kwargs):
        start = time.perf_counter()
        install(*args, **kwargs)
        durations.append((time.perf_counter() - start) * 1000)

    window.install_model = timed
    return durations


def cancelled_training(window, arch: str, images: int) -> dict:
    panel, before = window.training, window.session.classifier.model
    panel.arch_choice.setCurrentText(arch)
    panel.images.setValue(images)
    panel.epochs.setValue(3)
    installs = timed_installs(window)
    ticks = Ticks()
    panel.start()
    wait(lambda: len(installs) >= 3)  # a few previews of the weights being trained
    start = time.perf_counter()
    panel.cancel()
    restored = (time.perf_counter() - start) * 1000
    ended = wait(lambda: not window.session.jobs.busy) * 1000 + restored
    del window.install_model
    assert window.session.classifier.model is before
    return {"bench": "cancel", "arch": arch, "images": images, **ticks.stop(),
            "preview_ms_p50": round(float(np.median(installs[:-1])), 1),
            "previews": len(installs) - 1, "cancel_to_old_weights_ms": round(restored, 1),
            "cancel_to_thread_end_ms": round(ended, 1)}


def full_training(window, images: int) -> dict:
    panel = window.training
    panel.arch_choice.setCurrentText("SimpleCNN")
    panel.images.setValue(images)
    panel.epochs.setValue(1)
    ticks = Ticks()
    panel.start()
    seconds = wait(lambda: not window.session.jobs.busy)
    return {"bench": "train", "arch": "SimpleCNN", "images": images, "epochs": 1,
            "wall_s": round(seconds, 2), **ticks.stop(),
            "test_accuracy": window.session.state.source.metadata.get("test_accuracy")}


def evaluation(window) -> dict:
    ticks = Ticks()
    window.evaluation.start()
    seconds = wait(lambda: not window.session.jobs.busy)
    return {"bench": "evaluate", "arch": window.session.classifier.arch, "wall_s": round(seconds, 2),
            **ticks.stop(), "accuracy": window.evaluation.result.accuracy}


def placed_agreement(window) -> dict:
    """Misread test digits put on the pad: read as the evaluation read them?"""
    panel, test_set = window.evaluation, mnist("test")
    wrong = np.flatnonzero(panel.result.predictions != test_set.labels)[:AGREEMENT_DIGITS]
    same = 0
    for index in wrong:
        window.canvas.place_image(test_set.images[index])
        QApplication.processEvents()
        same += window.session.prediction.digit == panel.result.predictions[index]
    return {"bench": "placed_digits", "misread_digits": len(wrong),
            "read_as_in_evaluation": round(same / max(len(wrong), 1), 3)}


def correction(window) -> dict:
    panel, test_set = window.correction, mnist("test")
    for index in np.flatnonzero(window.evaluation.result.predictions != test_set.labels):
        window.canvas.place_image(test_set.images[index])
        QApplication.processEvents()
        if window.session.prediction.digit != test_set.labels[index]:
            break
    ticks = Ticks()
    panel.teach(int(test_set.labels[index]))
    seconds = wait(lambda: not window.session.jobs.busy)
    return {"bench": "correct", "arch": window.session.classifier.arch, "wall_s": round(seconds, 2),
            **ticks.stop(), "now_reads_label": bool(window.session.prediction.digit == test_set.labels[index])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights to start with (default: the shipped ones)")
    parser.add_argument("--images", type=int, default=10_000, help="training digits per run")
    parser.add_argument("--archs", default="SimpleCNN,DeepCNN")
    args = parser.parse_args()

    create_app()
    from digitpad.ui.main_window import MainWindow

    window = MainWindow(weights=args.weights)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    mnist("train"), mnist("test")  # read once, as a session would have
    for arch in args.archs.split(","):
        print(json.dumps(cancelled_training(window, arch, args.images)), flush=True)
    print(json.dumps(evaluation(window)), flush=True)
    print(json.dumps(placed_agreement(window)), flush=True)
    print(json.dumps(correction(window)), flush=True)
    print(json.dumps(full_training(window, args.images)), flush=True)


if __name__ == "__main__":
    main()

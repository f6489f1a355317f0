"""The feature-map and parameters docks' share of a pointer move: one classification with
hooks, both docks' show_prediction, and the repaint it causes (Qt offscreen). Then the
same for the network view dock alone, at its default size, on screen and hidden behind
another dock's tab (where it should cost nothing).

The docks sit in a bare QMainWindow at the size the app gives them; the images are
sample digits as they are being drawn. Prints one JSON line per architecture and feature-map
selection with p50/p95/p99 in milliseconds of: classify, show (both docks'
show_prediction), paint (processing the paint events that follow), and their sum.

    python benchmarks/panels_latency.py [--moves 300] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402

from digitpad.calibration import ink  # noqa: E402
from digitpad.capture import FEATURE_MAP_TYPES  # noqa: E402
from digitpad.classifier import Classifier  # noqa: E402
from digitpad.models import create_model  # noqa: E402
from digitpad.samples import sample  # noqa: E402
from digitpad.ui.panels.feature_maps import ALL_STAGES, CONVOLUTIONS, FeatureMapsPanel  # noqa: E402
from digitpad.ui.panels.network_view import NetworkViewPanel  # noqa: E402
from digitpad.ui.panels.parameters import ParametersPanel  # noqa: E402

GOAL_P95_MS = 16.0


def growing_digits(digits="8035", every: int = 6, size: int = 280) -> list:
    """Drawings of sample digits as they are being drawn: one image per few pen points."""
    images = []
    for digit in digits:
        strokes = sample(int(digit)).strokes
        for s, stroke in enumerate(strokes):
            for end in range(every, len(stroke) + 1, every):
                images.append(ink([*strokes[:s], stroke[:end]], size=size))
    return images


def summary(samples) -> dict:
    ms = np.asarray(samples) * 1e3
    return {f"p{q}_ms": round(float(np.percentile(ms, q)), 2) for q in (50, 95, 99)}


def bench(app, arch: str, stages: str, moves: int, images) -> dict:
    torch.manual_seed(0)
    classifier = Classifier(create_model(arch), capture_types=FEATURE_MAP_TYPES, record_shapes=True)
    window = QtWidgets.QMainWindow()
    window.setCentralWidget(QtWidgets.QLabel("canvas"))
    feature_maps, parameters = FeatureMapsPanel(None, window), ParametersPanel(None, window)
    for panel in (feature_maps, parameters):
        window.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, panel)
        panel.set_classifier(classifier)
    window.resize(1280, 800)
    window.show()
    feature_maps.stage_choice.setCurrentIndex(feature_maps.stage_choice.findData(stages))
    parameters.select(next(name for name, p in classifier.model.named_parameters() if p.ndim == 4))
    app.processEvents()

    timings = {"classify": [], "show": [], "paint": [], "total": []}
    for i in range(moves + 20):
        start = time.perf_counter()
        prediction = classifier.classify(images[i % len(images)])
        classified = time.perf_counter()
        feature_maps.show_prediction(prediction)
        parameters.show_prediction(prediction)
        shown = time.perf_counter()
        app.processEvents()
        painted = time.perf_counter()
        if i >= 20:  # after warm-up
            for key, value in (("classify", classified - start), ("show", shown - classified),
                               ("paint", painted - shown), ("total", painted - start)):
                timings[key].append(value)
        # The paint really happened: no feature-map image is waiting to be rendered.
        assert not any(layer.image._renderRequired for layer in feature_maps.layers)
    window.close()
    classifier.close()
    result = {key: summary(values) for key, values in timings.items()}
    return {"benchmark": "panels_latency", "arch": arch, "feature_maps": stages,
            "layers": [layer.name for layer in feature_maps.layers], "moves": moves,
            **result, "goal_p95_ms": GOAL_P95_MS,
            "meets_goal": result["total"]["p95_ms"] <= GOAL_P95_MS,
            "cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
            "qpa": os.environ["QT_QPA_PLATFORM"]}


def bench_network_view(app, arch: str, moves: int, images) -> dict:
    """The network view's show_prediction and repaint per move, as the app docks it (the
    left column of a 1280x800 window), then behind another dock's tab."""
    torch.manual_seed(0)
    classifier = Classifier(create_model(arch), capture_types=FEATURE_MAP_TYPES, record_shapes=True)
    window = QtWidgets.QMainWindow()
    window.setCentralWidget(QtWidgets.QLabel("canvas"))
    view, other = NetworkViewPanel(None, window), ParametersPanel(None, window)
    for panel in (view, other):
        window.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, panel)
        panel.set_classifier(classifier)
    window.tabifyDockWidget(view, other)
    window.resize(1280, 800)
    window.show()
    view.raise_()
    app.processEvents()
    result = {}
    for case in ("shown", "hidden"):
        if case == "hidden":
            other.raise_()
            app.processEvents()
        timings = {"show": [], "paint": [], "total": []}
        for i in range(moves + 20):
            prediction = classifier.classify(images[i % len(images)])
            start = time.perf_counter()
            view.show_prediction(prediction)
            shown = time.perf_counter()
            app.processEvents()
            painted = time.perf_counter()
            if i >= 20:
                for key, value in (("show", shown - start), ("paint", painted - shown),
                                   ("total", painted - start)):
                    timings[key].append(value)
        result[case] = {key: summary(values) for key, values in timings.items()}
    window.close()
    classifier.close()
    return {"benchmark": "network_view_latency", "arch": arch, "moves": moves,
            "blocks": len(view.blocks), **result, "cpu": platform.processor() or platform.machine(),
            "threads": torch.get_num_threads(), "qpa": os.environ["QT_QPA_PLATFORM"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=300)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    images = growing_digits()
    for arch in ("SimpleCNN", "DeepCNN"):
        for stages in (CONVOLUTIONS, ALL_STAGES):
            print(json.dumps(bench(app, arch, stages, args.moves, images)), flush=True)
    for arch in ("SimpleCNN", "DeepCNN"):
        print(json.dumps(bench_network_view(app, arch, args.moves, images)), flush=True)


if __name__ == "__main__":
    main()

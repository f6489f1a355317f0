"""Milliseconds per call of what the evidence and confidence views add to each frame, on
the CPU: explaining one prediction (exact split, Grad-CAM, saliency), placing the map on a
280x280 canvas, and the digit check. JSON lines, p50 and p95.

    python benchmarks/explain_speed.py [--calls 300] [--threads N]

Shipped weights are used when present, else freshly initialised ones (the cost is the
same). The digit check needs MNIST (found as digitpad.data.local_mnist_dir does).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from digitpad.classifier import Classifier
from digitpad.data import load_mnist, local_mnist_dir
from digitpad.explain import EXACT, GRAD_CAM, SALIENCY, Explainer
from digitpad.models import create_model
from digitpad.synthetic import render_strokes
from digitpad.uncertainty import DigitCheck, ReferenceDigits
from digitpad.weights import load_model, shipped_weights_path

SEVEN = [[(60, 50), (170, 50), (100, 200)], [(90, 125), (150, 125)]]


def model_for(arch: str):
    path = shipped_weights_path(arch)
    if path.is_file():
        return load_model(path).model, str(path)
    torch.manual_seed(0)
    return create_model(arch), "untrained"


def timed(call, calls: int) -> dict:
    for _ in range(10):  # warm up
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return {"p50_ms": round(float(np.percentile(times, 50)), 3),
            "p95_ms": round(float(np.percentile(times, 95)), 3), "calls": calls}


def emit(**record):
    print(json.dumps(record), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    canvas = render_strokes(SEVEN)
    common = {"device": "cpu", "threads": torch.get_num_threads()}

    for arch in ("SimpleCNN", "DeepCNN"):
        model, weights = model_for(arch)
        classifier = Classifier(model)
        explainer = Explainer(classifier)
        explainer.anatomy()  # the classifier now captures the maps the views need
        prediction = classifier.classify(canvas)
        emit(what="classify", arch=arch, weights=weights, **common,
             **timed(lambda: classifier.classify(canvas), args.calls))
        methods = [EXACT] if explainer.exact_available else []
        for method in methods + [GRAD_CAM, SALIENCY]:
            emit(what="explain", arch=arch, method=method, weights=weights, **common,
                 **timed(lambda: explainer.explain(prediction, method=method), args.calls))
        evidence = explainer.explain(prediction)
        emit(what="evidence on canvas", arch=arch, method=evidence.method,
             canvas=list(canvas.shape), **common, **timed(evidence.on_source, args.calls))

        folder = local_mnist_dir()
        if folder is not None:
            reference = ReferenceDigits.from_mnist(load_mnist(folder, "train"))
            start = time.perf_counter()
            check = DigitCheck.fit(model, reference)
            emit(what="digit check fit", arch=arch, seconds=round(time.perf_counter() - start, 3), **common)
            emit(what="digit check", arch=arch, **common,
                 **timed(lambda: check.assess(prediction), args.calls))


if __name__ == "__main__":
    main()

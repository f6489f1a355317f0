"""Accuracy of digitpad's trainer over a few seeds, to show that a change to the training
path (faster kernels, batched rendering) learns as well as before: run it on both
versions and compare the tables.

    PYTHONPATH=. python3 benchmarks/train_equivalence.py [--seeds 0 1 2] [--epochs 4] [--plain]

Trains SimpleCNN with the shipped recipe's mix (augmentation, 25 % UNIPEN pen drawings,
20 % MNIST's digits as strokes; ``--plain``: MNIST alone) and prints one JSON line per
epoch (MNIST test accuracy, UNIPEN validation accuracy, epoch seconds) and a summary with
each figure's mean and standard deviation over the seeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import torch

from digitpad.data import load_mnist, local_mnist_dir
from digitpad.pendata import mnist_strokes, strokes_cache, unipen_split
from digitpad.train import EpochEvent, TrainConfig, train


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--plain", action="store_true", help="MNIST alone, no pen or stroke data")
    parser.add_argument("--label", default="", help="a name for this version in the output")
    args = parser.parse_args()

    folder = local_mnist_dir()
    if folder is None:
        sys.exit("no local MNIST")
    train_set, test_set = load_mnist(folder, "train"), load_mnist(folder, "test")
    mixed = {}
    if not args.plain:
        pen_train, pen_validation, _ = unipen_split()
        strokes = mnist_strokes(train_set.images, train_set.labels, cache_folder=strokes_cache())
        mixed = {"pen_set": pen_train, "pen_validation": pen_validation, "stroke_set": strokes}
    shares = {} if args.plain else {"pen_share": 0.25, "stroke_share": 0.2}
    finals = []
    for seed in args.seeds:
        config = TrainConfig(epochs=args.epochs, seed=seed, report_every=10**9, **shares)
        started = time.perf_counter()
        for event in train(config, train_set, test_set, **mixed):
            if isinstance(event, EpochEvent):
                record = {"what": "epoch", "label": args.label, "seed": seed, "epoch": event.epoch,
                          "test_accuracy": event.test_accuracy, "pen_accuracy": event.pen_accuracy,
                          "seconds": round(event.seconds, 3)}
                print(json.dumps(record), flush=True)
        finals.append(record)
        print(json.dumps({"what": "run", "label": args.label, "seed": seed,
                          "wall_seconds": round(time.perf_counter() - started, 1)}), flush=True)
    summary = {"what": "summary", "label": args.label, "seeds": args.seeds, "epochs": args.epochs,
               "mixed": not args.plain, "torch": torch.__version__}
    for key in ("test_accuracy", "pen_accuracy", "seconds"):
        values = [r[key] for r in finals if r[key] is not None]
        if values:
            summary[f"{key}_each"] = values
            summary[f"{key}_mean"] = round(statistics.mean(values), 5)
            summary[f"{key}_stdev"] = round(statistics.stdev(values), 5) if len(values) > 1 else 0.0
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

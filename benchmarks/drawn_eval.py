"""The drawn-digit evaluation as JSON lines: for each weights file, how many drawn digits
it reads (UNIPEN's held-out writers and MNIST's test digits as strokes, replayed on the pad
at sizes of 25-90 % and every brush), overall, per set, size, brush and digit, with the
most common confusions; and its MNIST test accuracy, in the same run.

    python benchmarks/drawn_eval.py [--weights A.pt B.pt ...] [--paths strokes pixels]

``pixels`` reads the same replays as pictures through the pixel recipe, as the app did
before the pad's strokes went through the rasteriser.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from digitpad.data import load_mnist, local_mnist_dir
from digitpad.drawn import drawn_sets, evaluate_drawn, prepare
from digitpad.evaluate import evaluate
from digitpad.models import ARCHITECTURES
from digitpad.pendata import strokes_cache
from digitpad.weights import load_model, shipped_weights_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", nargs="*", help="weights files (default: the shipped ones)")
    parser.add_argument("--paths", nargs="*", default=["strokes"], choices=["strokes", "pixels"])
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    weights = args.weights or [str(shipped_weights_path(arch)) for arch in ARCHITECTURES]
    test_set = load_mnist(local_mnist_dir(), "test")
    sets = drawn_sets(None, test_set, cache_folder=strokes_cache())
    for path in args.paths:
        start = time.perf_counter()
        prepared = prepare(sets, path)
        seconds = time.perf_counter() - start
        for file in weights:
            loaded = load_model(file)
            result = evaluate_drawn(loaded.model, sets, path=path, prepared=prepared).as_dict()
            del result["confusion"]
            mnist = evaluate(loaded.model, test_set).accuracy
            print(json.dumps({"benchmark": "drawn_eval", "weights": file, "arch": loaded.arch,
                              "mnist_test": mnist, "prepare_seconds": round(seconds, 1), **result}),
                  flush=True)


if __name__ == "__main__":
    main()

"""How often "does not look like a digit" fires: on MNIST test digits (false rejects),
random scribbles and letters, all through the canvas preprocessing. JSON lines.

    python benchmarks/ood_rates.py [--weights models/simplecnn.pt] [--scribbles 1000]

Softmax confidence and energy, with thresholds calibrated on the same held-out digits to
the same false-reject target, are printed alongside for comparison.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from digitpad.data import load_mnist, local_mnist_dir
from digitpad.preprocess import normalise, preprocess
from digitpad.synthetic import CANVAS_SIZE, LETTERS, letters, load_fonts, scribbles
from digitpad.uncertainty import (
    BANK_SIZE,
    CALIBRATION_SIZE,
    FALSE_REJECT_TARGET,
    DigitCheck,
    ReferenceDigits,
    softmax_uncertainty,
)
from digitpad.weights import load_model, shipped_weights_path


def emit(**record):
    print(json.dumps(record), flush=True)


def model_inputs(canvases) -> np.ndarray:
    steps = [preprocess(canvas) for canvas in canvases]
    return np.stack([s.model_input for s in steps if s.has_digit])


def logits_of(model, inputs: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.from_numpy(inputs).unsqueeze(1)).numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=str(shipped_weights_path("SimpleCNN")))
    parser.add_argument("--scribbles", type=int, default=1000)
    parser.add_argument("--fonts", type=int, default=None, help="at most this many fonts")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))

    loaded = load_model(args.weights)
    model = loaded.model.eval()
    folder = local_mnist_dir()
    train, test = load_mnist(folder, "train"), load_mnist(folder, "test")

    start = time.perf_counter()
    reference = ReferenceDigits.from_mnist(train)
    prepared = time.perf_counter()
    check = DigitCheck.fit(model, reference)
    emit(what="fit", arch=loaded.arch, weights=args.weights,
         reference_seconds=round(prepared - start, 3), fit_seconds=round(time.perf_counter() - prepared, 3),
         bank=BANK_SIZE, calibration=CALIBRATION_SIZE, target=FALSE_REJECT_TARGET,
         feature=check.feature, threshold=round(check.threshold, 5))

    held_out = reference.calibration_inputs
    signals = {
        "nearest-digit distance": lambda x, logits: check.scores(model, x),
        "softmax confidence": lambda x, logits: -np.array([softmax_uncertainty(l).confidence for l in logits]),
        "energy": lambda x, logits: np.array([softmax_uncertainty(l).energy for l in logits]),
    }
    fonts = load_fonts(int(CANVAS_SIZE * 0.7), limit=args.fonts)
    letter_pairs = letters(fonts)
    sets = {
        "mnist-test as-is": normalise(test.images / np.float32(255)),
        "mnist-test preprocessed": model_inputs(test.images),
        "scribbles": model_inputs(scribbles(args.scribbles, seed=1)),
        "letters": model_inputs(canvas for _, canvas in letter_pairs),
    }
    held_logits = logits_of(model, held_out)
    for signal, score in signals.items():
        threshold = float(np.quantile(score(held_out, held_logits), 1.0 - FALSE_REJECT_TARGET))
        for name, inputs in sets.items():
            rejected = score(inputs, logits_of(model, inputs)) > threshold
            emit(what="rejected", signal=signal, set=name, n=len(inputs),
                 rate=round(float(rejected.mean()), 4))
            if signal == "nearest-digit distance" and name == "letters":
                per_letter = rejected.reshape(len(fonts), len(LETTERS)).mean(axis=0)
                emit(what="letters rejected", fonts=len(fonts),
                     rate={c: round(float(r), 2) for c, r in zip(LETTERS, per_letter)})


if __name__ == "__main__":
    main()

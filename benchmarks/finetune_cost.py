"""What "Correct it" costs: fine-tune on misread MNIST test digits (those whose true label
was the runner-up, the corrections users make) and measure the whole test set before and
after. JSON lines, one per correction, then a summary.

    python benchmarks/finetune_cost.py [--weights models/simplecnn.pt] [--corrections 10]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from digitpad.augment import model_inputs
from digitpad.data import load_mnist, local_mnist_dir
from digitpad.finetune import correct
from digitpad.weights import load_model, shipped_weights_path


def predictions(model, inputs: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return model(inputs).argsort(dim=1, descending=True)[:, :2].numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=str(shipped_weights_path("SimpleCNN")))
    parser.add_argument("--corrections", type=int, default=10)
    args = parser.parse_args(argv)
    model = load_model(args.weights).model.eval()
    folder = local_mnist_dir()
    train, test = load_mnist(folder, "train"), load_mnist(folder, "test")
    inputs = model_inputs(torch.from_numpy(np.array(test.images)))
    ranked = predictions(model, inputs)
    baseline = ranked[:, 0] == test.labels
    chosen = [i for i in np.flatnonzero(~baseline) if ranked[i, 1] == test.labels[i]][: args.corrections]
    drops, fixed = [], 0
    for index in chosen:
        start = time.perf_counter()
        correction = correct(model, inputs[index, 0].numpy(), int(test.labels[index]), train)
        seconds = time.perf_counter() - start
        after = predictions(correction.model, inputs)[:, 0] == test.labels
        rest = np.arange(len(test.labels)) != index
        drop = float(baseline[rest].mean() - after[rest].mean())
        drops.append(drop)
        fixed += bool(after[index])
        assert correction.learnt == bool(after[index])
        print(json.dumps({"what": "correction", "test_index": int(index), "label": int(test.labels[index]),
                          "was_read_as": int(ranked[index, 0]), "fixed": bool(after[index]),
                          "steps": correction.steps, "accuracy_drop_points": round(100 * drop, 3),
                          "guard_accuracy": [round(a, 4) for a in correction.guard_accuracy],
                          "seconds": round(seconds, 3), "threads": torch.get_num_threads()}), flush=True)
    print(json.dumps({"what": "summary", "weights": args.weights, "test_accuracy": round(float(baseline.mean()), 4),
                      "corrections": len(chosen), "fixed": fixed,
                      "max_drop_points": round(100 * max(drops), 3) if drops else None,
                      "mean_drop_points": round(100 * float(np.mean(drops)), 3) if drops else None}), flush=True)


if __name__ == "__main__":
    main()

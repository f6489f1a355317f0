"""The live path of one pointer move, without Qt: a 280x280 canvas image -> preprocessing ->
forward with hooks -> probabilities and feature maps on the host.

Prints JSON lines: p50/p99 of the whole path and of the bare batch-1 model forward, measured
in the same run, on the CPU and (where present) on CUDA.

    python benchmarks/live_path.py [--calls 3000] [--arch SimpleCNN]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

from digitpad.classifier import Classifier, cuda_unavailable_reason
from digitpad.models import create_model


def growing_stroke(points=60, size=280, width=18):
    """Canvas images of a '3' as it is being drawn, one per pointer move."""
    t = np.linspace(0, 1, points)
    xs = 140 + 60 * np.sin(2 * np.pi * t) * np.where(t < 0.5, 1, 1)
    ys = 50 + 180 * t
    images = []
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    for i in range(1, points):
        draw.line([(xs[i - 1], ys[i - 1]), (xs[i], ys[i])], fill=255, width=width, joint="curve")
        images.append(np.asarray(canvas).copy())
    return images[5:]  # from the moment the stroke is long enough to be a digit


def percentiles(samples):
    values = np.asarray(samples) * 1e6
    return {"p50_us": round(float(np.percentile(values, 50)), 1),
            "p99_us": round(float(np.percentile(values, 99)), 1),
            "n": len(samples)}


def time_calls(fn, inputs, calls, warmup=50):
    for i in range(warmup):
        fn(inputs[i % len(inputs)])
    samples = []
    for i in range(calls):
        start = time.perf_counter()
        fn(inputs[i % len(inputs)])
        samples.append(time.perf_counter() - start)
    return samples


def bench_device(arch, device, calls, images):
    classifier = Classifier(create_model(arch))
    status = classifier.set_device(device)
    if status.message:
        return None
    model_inputs = [classifier.classify(img).model_input for img in images]
    model_inputs = [x for x in model_inputs if x is not None]
    x_dev = [torch.from_numpy(x)[None, None].to(device) for x in model_inputs]

    def bare(x):
        with torch.no_grad():
            out = classifier.model(x)
        if device == "cuda":
            torch.cuda.synchronize()
        return out

    bare_samples = time_calls(bare, x_dev, calls)
    live_samples = time_calls(classifier.classify, images, calls)
    return {"bare_forward": percentiles(bare_samples), "live_path": percentiles(live_samples)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--arch", default="SimpleCNN")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    images = growing_stroke()
    devices = ["cpu"] + (["cuda"] if cuda_unavailable_reason() is None else [])
    for device in devices:
        result = bench_device(args.arch, device, args.calls, images)
        name = torch.cuda.get_device_name() if device == "cuda" else platform.processor() or platform.machine()
        print(json.dumps({"benchmark": "live_path", "arch": args.arch, "device": device,
                          "device_name": name, "torch": torch.__version__,
                          "threads": torch.get_num_threads(), **result}), flush=True)


if __name__ == "__main__":
    main()

"""The live path of one pointer move, without Qt: the pad's strokes -> the rasteriser ->
forward with hooks -> probabilities and feature maps on the host.

Prints JSON lines: p50/p99 of the whole path and of the bare batch-1 model forward, measured
in the same run, on the CPU and (where present) on CUDA. ``live_path`` is a digit as it is
drawn, one call per pointer move; ``long_drawing`` the same with 300 earlier strokes on the
pad (what they rendered is reused); ``pixel_path`` a 280x280 picture through the pixel
recipe, as a dropped image or a placed test digit is read. ``--compare ARCH`` adds
``compared_path``: the live path with a second network of ARCH reading the same input
(``digitpad.compare.SecondNetwork``), as the app does while comparing.

    python benchmarks/live_path.py [--calls 3000] [--arch SimpleCNN] [--compare DeepCNN]
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
from digitpad.compare import SecondNetwork
from digitpad.models import create_model
from digitpad.strokes import PenStroke

EARLIER_STROKES = 300


def growing_drawing(points=60, earlier=0):
    """The pad's strokes after each pointer move while a '3' is drawn, ``earlier`` short
    strokes already there."""
    rng = np.random.default_rng(0)
    before = [PenStroke.of(rng.uniform(60, 220, 2) + rng.normal(0, 6, (8, 2)).cumsum(0), width=18)
              for _ in range(earlier)]
    t = np.linspace(0, 1, points)
    xy = np.stack([140 + 60 * np.sin(2 * np.pi * t), 50 + 180 * t], axis=1)
    return [before + [PenStroke.of(xy[:i], width=18)] for i in range(6, points + 1)]


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


def bench_device(arch, device, calls, images, compare=None):
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

    def strokes(drawing):
        return classifier.classify_strokes(drawing, surface=280)

    bare_samples = time_calls(bare, x_dev, calls)
    live_samples = time_calls(strokes, growing_drawing(), calls)
    long_samples = time_calls(strokes, growing_drawing(earlier=EARLIER_STROKES), calls)
    pixel_samples = time_calls(classifier.classify, images, calls)
    result = {"bare_forward": percentiles(bare_samples), "live_path": percentiles(live_samples),
              "long_drawing": {**percentiles(long_samples), "earlier_strokes": EARLIER_STROKES},
              "pixel_path": percentiles(pixel_samples)}
    if compare:
        second = SecondNetwork(create_model(compare), compare, device=device)

        def both(drawing):
            return second.read(strokes(drawing))

        result["compared_path"] = {**percentiles(time_calls(both, growing_drawing(), calls)),
                                   "second": compare}
        second.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--arch", default="SimpleCNN")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--compare", metavar="ARCH", help="also time the path with a second "
                        "network of ARCH reading the same input")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    images = growing_stroke()
    devices = ["cpu"] + (["cuda"] if cuda_unavailable_reason() is None else [])
    for device in devices:
        result = bench_device(args.arch, device, args.calls, images, args.compare)
        name = torch.cuda.get_device_name() if device == "cuda" else platform.processor() or platform.machine()
        print(json.dumps({"benchmark": "live_path", "arch": args.arch, "device": device,
                          "device_name": name, "torch": torch.__version__,
                          "threads": torch.get_num_threads(), **result}), flush=True)


if __name__ == "__main__":
    main()

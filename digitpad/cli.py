"""``digitpad [train|eval|predict]``; with no subcommand, the app."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PREDICT_BATCH = 512


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digitpad",
        description="Draw a digit and watch a small CNN read it. Without a subcommand, "
        "opens the app.",
    )
    parser.add_argument("--screenshot", metavar="PATH", help="render the app offscreen with "
                        "a sample digit drawn, write a PNG and exit")
    parser.add_argument("--digit", type=int, default=None, choices=range(10), metavar="N",
                        help="which sample digit --screenshot draws (default 3)")
    parser.add_argument("--weights", metavar="PATH", help="open the app with these weights")
    sub = parser.add_subparsers(dest="command", metavar="{train,eval,predict}")

    predict = sub.add_parser("predict", help="classify image files")
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="PNG/JPEG files, any size, "
                         "dark-on-light or light-on-dark")
    predict.add_argument("--weights", metavar="W", help="weights file (default: the shipped SimpleCNN)")
    predict.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    predict.add_argument("--json", action="store_true", help="one JSON object per line")
    predict.set_defaults(run=run_predict)

    return parser


def resolve_device(requested: str) -> tuple[str, str]:
    """(device, warning): ``auto`` takes CUDA when present; an unusable CUDA falls back."""
    from .classifier import cuda_unavailable_reason

    reason = cuda_unavailable_reason()
    if requested == "auto":
        return ("cuda" if reason is None else "cpu"), ""
    if requested.startswith("cuda") and reason is not None:
        return "cpu", f"digitpad: CUDA not used: {reason}; running on the CPU"
    return requested, ""


def load_weights_or_exit(weights: str | None, arch: str = "SimpleCNN"):
    from .weights import WeightsError, load_model, shipped_weights_path

    path = Path(weights) if weights else shipped_weights_path(arch)
    try:
        return load_model(path, arch=arch)
    except WeightsError as exc:
        hint = "" if weights else " (pass --weights PATH, or train some with `digitpad train`)"
        raise SystemExit(f"digitpad: cannot load weights: {exc}{hint}")


def run_predict(args) -> int:
    import numpy as np

    from .classifier import Classifier, _softmax
    from .preprocess import ImageFileError, load_image, preprocess

    loaded = load_weights_or_exit(args.weights)
    device, warning = resolve_device(args.device)
    if warning:
        print(warning, file=sys.stderr)
    classifier = Classifier(loaded.model, capture_types=())  # no feature maps needed
    status = classifier.set_device(device)
    if status.message:
        print(f"digitpad: {status.message}; running on {status.device}", file=sys.stderr)

    failures = 0
    paths = args.images
    for start in range(0, len(paths), PREDICT_BATCH):
        chunk = paths[start : start + PREDICT_BATCH]
        results: list[dict] = []
        inputs = []
        for path in chunk:
            try:
                steps = preprocess(load_image(path))
            except (ImageFileError, ValueError) as exc:
                results.append({"file": path, "error": str(exc)})
                continue
            if steps.has_digit:
                results.append({"file": path, "_index": len(inputs)})
                inputs.append(steps.model_input)
            else:
                results.append({"file": path, "digit": None, "confidence": 0.0,
                                "probabilities": None, "reason": steps.reason})
        logits = classifier.logits_batch(np.stack(inputs)) if inputs else None
        for result in results:
            if "_index" in result:
                probs = _softmax(logits[result.pop("_index")])
                result.update(digit=int(probs.argmax()), confidence=float(probs.max()),
                              probabilities=[round(float(p), 6) for p in probs])
            failures += "error" in result
            _print_result(result, args.json)
    return 1 if failures else 0


def _print_result(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result), flush=True)  # errors too: one line per file
    elif "error" in result:
        print(f"error: {result['error']}", file=sys.stderr, flush=True)
    elif result["digit"] is None:
        print(f"{result['file']}: no digit ({result['reason']})", flush=True)
    else:
        print(f"{result['file']}: {result['digit']} ({100 * result['confidence']:.1f} %)", flush=True)


def run_app(args) -> int:
    try:
        from .ui.app import main as app_main
    except ImportError as exc:
        print(f"digitpad: the app needs PySide6 and pyqtgraph ({exc}). "
              "Install them with `pip install digitpad`, or use the train/eval/predict "
              "subcommands.", file=sys.stderr)
        return 2
    return app_main(screenshot=args.screenshot, digit=args.digit, weights=args.weights)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return run_app(args)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

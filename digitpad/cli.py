"""``digitpad [train|eval|predict|export|digits]``; with no subcommand, the app."""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import re
import shlex
import signal
import sys
import threading
from dataclasses import replace
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
    parser.add_argument("--model", metavar="NET", help=MODEL_HELP)
    sub = parser.add_subparsers(dest="command", metavar="{train,eval,predict,export,digits}")

    predict = sub.add_parser("predict", help="classify image files",
                             parents=[shared_options("model", "weights", "device", "json")])
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="PNG/JPEG files, any size, "
                         "dark-on-light or light-on-dark")
    predict.set_defaults(run=run_predict)

    add_train_parser(sub)
    add_eval_parser(sub)
    add_export_parser(sub)
    add_digits_parser(sub)
    return parser


MODEL_HELP = ("a network of your own: net.py:Net, a class or factory of no arguments in a Python "
              "file (importing it runs its code), or net.onnx (runs no code)")


def add_export_parser(sub) -> None:
    export = sub.add_parser("export", help="write the network to ONNX, or its weights to safetensors",
                            description="Write the network (the shipped one, or --model's) with "
                            "the weights of --weights to an ONNX file (opset 17, any batch size) "
                            "and/or its weights to a .safetensors file that digitpad loads again.",
                            parents=[shared_options("model", "weights")])
    export.add_argument("--onnx", metavar="OUT", help="ONNX file to write")
    export.add_argument("--safetensors", metavar="OUT", help=".safetensors weights file to write")
    export.set_defaults(run=run_export)


def shared_options(*names: str) -> argparse.ArgumentParser:
    """A parent parser with the options the subcommands share, by name: ``weights``,
    ``data``, ``device``, ``json``."""
    from .models import DEFAULT_ARCH

    parent = argparse.ArgumentParser(add_help=False)
    if "model" in names:
        parent.add_argument("--model", metavar="NET", help=MODEL_HELP)
    if "weights" in names:
        parent.add_argument("--weights", metavar="W",
                            help=f"weights file (default: the shipped {DEFAULT_ARCH})")
    if "data" in names:
        parent.add_argument("--data", metavar="DIR", help="folder of MNIST IDX files (.gz or "
                            "raw); default: a local copy, else downloaded into the user cache")
    if "pen-data" in names:
        parent.add_argument("--pen-data", metavar="DIR", help="folder of the UNIPEN 1a pen "
                            "digits (default: $DIGITPAD_UNIPEN or ../shared/data/unipen-1a)")
    if "device" in names:
        parent.add_argument("--device", type=device_name, default="auto",
                            help=f"{DEVICES} (default auto: CUDA when present)")
    if "json" in names:
        parent.add_argument("--json", action="store_true", help="print JSON: one object per "
                            "result")
    return parent


def add_train_parser(sub) -> None:
    from .augment import Augmentation
    from .models import ARCHITECTURES, DEFAULT_ARCH
    from .train import TrainConfig

    defaults = TrainConfig()
    train = sub.add_parser("train", help="train a network on MNIST and save its weights",
                           description="Train a network on MNIST (augmented on the fly) and "
                           "write its weights with a record of how they were made.",
                           parents=[shared_options("model", "data", "pen-data", "device")])
    train.add_argument("--arch", default=DEFAULT_ARCH, choices=list(ARCHITECTURES),
                       help="network to train (default %(default)s)")
    train.add_argument("--epochs", type=in_range(int, 1, 1000), default=defaults.epochs,
                       help="passes over the training set (default %(default)s)")
    train.add_argument("--batch-size", type=in_range(int, 1, 60000), default=defaults.batch_size,
                       help="images per step (default %(default)s)")
    train.add_argument("--lr", type=in_range(float, 0, 10, above=True), default=defaults.lr,
                       help="peak learning rate of the one-cycle schedule (default %(default)s)")
    train.add_argument("--weight-decay", type=in_range(float, 0, 1), default=defaults.weight_decay,
                       help="AdamW weight decay (default %(default)s)")
    train.add_argument("--label-smoothing", type=in_range(float, 0, 1),
                       default=defaults.label_smoothing,
                       help="cross-entropy label smoothing (default %(default)s)")
    train.add_argument("--seed", type=in_range(int, 0, 2**63 - 1), default=defaults.seed,
                       help="seeds weights, batches and augmentation (default %(default)s)")
    train.add_argument("--out", metavar="PATH", help="weights file to write (default: "
                       "ARCH.pt, lower case, in this folder)")
    train.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    train.add_argument("--augment-strength", type=in_range(float, 0, 10, above=True), default=1.0,
                       metavar="S",
                       help=f"scale every augmentation range ({Augmentation()}) by S "
                       "(default %(default)s)")
    train.add_argument("--augment-share", type=share, default=defaults.augment_share, metavar="P",
                       help="share of the digits distorted, 0-1; the others are used as they "
                       "are (default %(default)s)")
    train.add_argument("--elastic", type=in_range(float, 0, 10), default=0.0, metavar="PX",
                       help="add a smooth elastic warp of up to PX pixels (default 0: off)")
    train.add_argument("--bf16", action="store_true", help="forward passes in bfloat16: about "
                       "twice as fast on CPUs with native bfloat16 (AVX512-BF16, AMX), slower "
                       "on others")
    train.add_argument("--no-average", action="store_true", help="save the last weights, not "
                       "their moving average over the end of the run")
    train.add_argument("--teacher", metavar="WEIGHTS", action="append",
                       help="distil from this trained network; give it several times to "
                       "distil from their averaged outputs")
    train.add_argument("--temperature", type=in_range(float, 0, 100, above=True),
                       default=defaults.temperature,
                       help="distillation temperature (default %(default)s)")
    train.add_argument("--distill-weight", type=in_range(float, 0, 1), default=defaults.distill_weight,
                       help="share of the distillation term in the loss, 0-1 (default %(default)s)")
    train.add_argument("--pen-share", type=share, default=defaults.pen_share, metavar="P",
                       help="share of each batch drawn from pen data (UNIPEN's training writers), "
                       "rendered by the pad's rasteriser with random pen, slant and jitter "
                       "(default %(default)s: MNIST only)")
    train.add_argument("--stroke-share", type=share, default=defaults.stroke_share, metavar="P",
                       help="share of each batch drawn from MNIST's training digits turned into "
                       "strokes (traced once, then cached), rendered like the pen data (default: "
                       "%(default)s)")
    train.add_argument("--digits", metavar="DB", help="mix the training part of this My Digits "
                       "collection into training (its held-out part is measured after each epoch)")
    train.add_argument("--digits-weight", type=share, default=0.1, metavar="W",
                       help="with --digits: share of each batch drawn from the collection "
                       "(default %(default)s)")
    train.set_defaults(run=run_train)


def add_eval_parser(sub) -> None:
    evaluate = sub.add_parser("eval", help="measure the accuracy of weights on the MNIST test set",
                              description="Accuracy overall and per digit, the confusion "
                              "matrix, and accuracy on a perturbed copy of the test set.",
                              parents=[shared_options("model", "weights", "data", "pen-data",
                                                      "device", "json")])
    evaluate.add_argument("--drawn", action="store_true", help="instead, replay drawn digits "
                          "(UNIPEN's held-out writers and MNIST's test digits as strokes) "
                          "through the pad at sizes of 25-90 %% and every brush")
    evaluate.add_argument("--digits", metavar="DB", help="instead, read the drawings of this My "
                          "Digits collection (strokes rendered again by the pad's rasteriser)")
    evaluate.add_argument("--compare", metavar="W2", help="also evaluate these weights (a file, or "
                          "an architecture name for its shipped weights) on the same digits: "
                          "both accuracies and McNemar's test on the paired results")
    evaluate.set_defaults(run=run_eval)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def in_range(kind: type, low, high, *, above: bool = False):
    """An argparse type: a ``kind`` (int or float) from ``low`` (excluded if ``above``) to
    ``high``; the message of a bad value names the range. NaN and infinities are refused."""
    def parse(text: str):
        allowed = (f"above {low} and at most {high}" if above else f"from {low} to {high}")
        try:
            value = kind(text)
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"must be {noun} {allowed}, not {text!r}") from None
        if not ((low < value if above else low <= value) and value <= high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


DEVICES = "auto, cpu, cuda or cuda:N"


def device_name(text: str) -> str:
    """``--device`` of every command: one of DEVICES, else argparse says which are allowed.
    An unusable CUDA still falls back to the CPU (``resolve_device``)."""
    value = text.strip().lower()
    if value in ("auto", "cpu", "cuda") or re.fullmatch(r"cuda:\d{1,3}", value):
        return value
    raise argparse.ArgumentTypeError(f"unsupported device {text!r}: use {DEVICES}")


def resolve_device(requested: str) -> tuple[str, str]:
    """(device, warning): ``auto`` takes CUDA when present; an unusable CUDA falls back."""
    from .classifier import cuda_unavailable_reason

    reason = cuda_unavailable_reason()
    if requested == "auto":
        return ("cuda" if reason is None else "cpu"), ""
    if requested.startswith("cuda") and reason is not None:
        return "cpu", f"digitpad: CUDA not used: {reason}; running on the CPU"
    if requested.startswith("cuda:"):
        import torch

        count = torch.cuda.device_count()
        if int(requested.split(":")[1]) >= count:
            return "cpu", (f"digitpad: CUDA not used: there is no {requested} ({count} CUDA "
                           f"device{'s' if count != 1 else ''}); running on the CPU")
    return requested, ""


def chosen_device(requested: str) -> str:
    """The device to run on (see ``resolve_device``), saying on stderr why not CUDA."""
    device, warning = resolve_device(requested)
    if warning:
        print(warning, file=sys.stderr)
    return device


def network_or_exit(reference: str):
    """Open (and register) the network ``--model`` names, or exit saying why."""
    from .networks import NetworkError, open_network

    try:
        return open_network(reference)
    except NetworkError as exc:
        details = f"\n{exc.details.rstrip()}" if exc.details else ""
        raise SystemExit(f"digitpad: cannot open the network {reference}: {exc}{details}")


def model_or_exit(args, untrained_ok: bool = False):
    """The network and weights a subcommand works on: ``--model`` (if given) with the
    weights of ``--weights``; without them an ONNX network keeps its own, a Python one is
    refused (its predictions would mean nothing)."""
    from .weights import LoadedModel, WeightsFile

    if not getattr(args, "model", None):
        return load_weights_or_exit(args.weights)
    opened = network_or_exit(args.model)
    if args.weights:
        return load_weights_or_exit(args.weights, opened.spec.name)
    if not opened.trained and not untrained_ok:
        raise SystemExit(f"digitpad: {opened.source.reference} has no trained weights: pass "
                         f"--weights W (train some with `digitpad train --model {args.model}`)")
    state = {name: value.detach() for name, value in opened.model.state_dict().items()}
    return LoadedModel(opened.model, opened.spec.name,
                       WeightsFile(state, opened.spec.name, {}, Path(opened.source.file)))


def load_weights_or_exit(weights: str | None, arch: str | None = None):
    from .models import DEFAULT_ARCH
    from .weights import WeightsError, load_model, shipped_weights_path

    arch = arch or DEFAULT_ARCH

    path = Path(weights) if weights else shipped_weights_path(arch)
    try:
        return load_model(path, arch=arch)
    except WeightsError as exc:
        hint = "" if weights else " (pass --weights PATH, or train some with `digitpad train`)"
        raise SystemExit(f"digitpad: cannot load weights: {exc}{hint}")


def run_predict(args) -> int:
    import numpy as np

    from .classifier import Classifier
    from .models import softmax
    from .pictures import read_picture
    from .preprocess import ImageFileError, load_image

    loaded = model_or_exit(args)
    device = chosen_device(args.device)
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
                steps = read_picture(load_image(path))
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
                row = logits[result.pop("_index")]
                if np.isfinite(row).all():
                    probs = softmax(row)
                    result.update(digit=int(probs.argmax()), confidence=float(probs.max()),
                                  probabilities=[round(float(p), 6) for p in probs])
                else:  # weights that overflow: no reading to give, and no NaN in the JSON
                    result["error"] = f"{result['file']}: the network's output is not finite"
            failures += "error" in result
            _print_result(result, args.json)
    return 1 if failures else 0


def _print_result(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, allow_nan=False), flush=True)  # errors too: one line per file
    elif "error" in result:
        print(f"error: {result['error']}", file=sys.stderr, flush=True)
    elif result["digit"] is None:
        print(f"{result['file']}: no digit ({result['reason']})", flush=True)
    else:
        print(f"{result['file']}: {result['digit']} ({100 * result['confidence']:.1f} %)", flush=True)


def mnist_folder_or_exit(data: str | None) -> Path:
    """``--data``, else a local MNIST copy, else a download into the user cache."""
    from .data import download_mnist, local_mnist_dir

    if data:
        return Path(data)
    folder = local_mnist_dir()
    if folder is not None:
        return folder
    print("digitpad: no local MNIST found; downloading it (about 12 MB)...", file=sys.stderr)
    try:
        return download_mnist()
    except Exception as exc:  # offline, a proxy, a full disk: all end the same way
        raise SystemExit(f"digitpad: cannot download MNIST ({exc}); pass --data DIR with the "
                         "four MNIST IDX files")


def load_split_or_exit(folder: Path, split: str):
    from .data import DataError, load_mnist

    try:
        return load_mnist(folder, split)
    except DataError as exc:
        raise SystemExit(f"digitpad: {exc}")


def pen_split_or_exit(folder: str | None):
    """UNIPEN's (training, validation, record), the record naming its source."""
    from .data import DataError
    from .pendata import UNIPEN_CITATION, unipen_split

    try:
        train_set, validation, record = unipen_split(folder)
    except DataError as exc:
        raise SystemExit(f"digitpad: {exc}")
    return train_set, validation, {"source": UNIPEN_CITATION, "split": record}


def mnist_as_strokes(train_set):
    """MNIST's training digits as traced strokes, from the user cache after the first time."""
    from .pendata import strokes_cache, tracing_mnist

    return traced_with_progress(tracing_mnist(train_set.images, train_set.labels, strokes_cache()),
                                len(train_set.labels))


def drawn_sets_or_exit(args, test_set):
    """The drawn-digit evaluation's sets (``drawn.drawn_sets``), MNIST's test digits traced
    with progress on stderr the first time."""
    from .data import DataError
    from .drawn import making_drawn_sets
    from .pendata import strokes_cache

    try:
        return traced_with_progress(making_drawn_sets(args.pen_data, test_set, cache_folder=strokes_cache()),
                                    len(test_set.labels))
    except DataError as exc:
        raise SystemExit(f"digitpad: {exc}")


def traced_with_progress(steps, total: int):
    """Run a tracing generator (``pendata.tracing_mnist``) to its end, showing how many of
    ``total`` digits are done on one stderr line; its result."""
    from .pendata import finished

    shown = []

    def report(share: float) -> None:
        shown.append(share)
        print(f"\rdigitpad: turning MNIST's digits into strokes (once): {round(share * total)}/{total}", end="",
              file=sys.stderr, flush=True)

    result = finished(steps, report)
    if shown:
        print(file=sys.stderr)
    return result


def run_train(args) -> int:
    from .augment import Augmentation
    from .fileio import check_writable
    from .models import file_stem
    from .train import DoneEvent, EpochEvent, StepEvent, TrainConfig, TrainingError, train
    from .weights import WeightsError

    if args.model:
        args.arch = network_or_exit(args.model).spec.name
    default_out = f"{file_stem(args.arch)}.pt"
    device = chosen_device(args.device)
    augmentation = None if args.no_augment else replace(
        Augmentation().scaled(args.augment_strength), elastic=args.elastic)
    config = TrainConfig(arch=args.arch, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                         weight_decay=args.weight_decay, label_smoothing=args.label_smoothing,
                         seed=args.seed, device=device, augmentation=augmentation,
                         augment_share=args.augment_share,
                         teacher=tuple(args.teacher or ()), temperature=args.temperature,
                         distill_weight=args.distill_weight, average=not args.no_average,
                         bfloat16=args.bf16, pen_share=args.pen_share,
                         stroke_share=args.stroke_share)
    out = Path(args.out or default_out)
    try:
        check_writable(out, error=WeightsError)  # before the training, not after it
    except WeightsError as exc:
        raise SystemExit(f"digitpad: {exc}")
    folder = mnist_folder_or_exit(args.data)
    train_set, test_set = load_split_or_exit(folder, "train"), load_split_or_exit(folder, "test")
    pens = pen_split_or_exit(args.pen_data) if args.pen_share > 0 else None
    if args.pen_share + args.stroke_share >= 1:
        raise SystemExit(f"digitpad: --pen-share {args.pen_share} and --stroke-share "
                         f"{args.stroke_share} leave no room for MNIST's digits")
    strokes = mnist_as_strokes(train_set) if args.stroke_share > 0 else None
    mine = my_digits_for_training(args.digits) if args.digits else None
    if mine is not None:
        pens, share_ = mix_my_digits(pens, mine, args.pen_share, args.digits_weight)
        config = replace(config, pen_share=share_)
    command = shlex.join(["digitpad", *args.argv])
    progress = ProgressBar(sys.stderr)
    distorted = f"{augmentation} on {config.augment_share:.0%} of the digits" if augmentation else "off"
    mixed = "" if pens is None else (f", {config.pen_share:.0%} of each batch from "
                                     f"{len(pens[0])} pen drawings")
    if mine is not None:
        mixed += f" ({args.digits_weight:.0%} from {len(mine[0])} of your drawings)"
    if strokes is not None:
        mixed += f", {config.stroke_share:.0%} from MNIST's digits as strokes"
    print(f"digitpad: training {args.arch} on {device}, {len(train_set)} images, "
          f"augmentation {distorted}{mixed}", file=sys.stderr)
    pen_kwargs = {} if pens is None else {"pen_set": pens[0], "pen_validation": pens[1],
                                          "pen_record": pens[2]}
    if strokes is not None:
        pen_kwargs["stroke_set"] = strokes
    try:
        for event in train(config, train_set, test_set, out=out, command=command, **pen_kwargs):
            if isinstance(event, StepEvent):
                progress.step(event)
            elif isinstance(event, EpochEvent):
                progress.epoch(event)
            elif isinstance(event, DoneEvent):
                print(f"wrote {event.path}: test accuracy {100 * event.test_accuracy:.2f} % "
                      f"after {event.seconds:.1f} s of training", flush=True)
                if mine is not None and len(mine[1]):
                    from .pendata import PenBank
                    from .train import pen_bank_accuracy

                    held_out = pen_bank_accuracy(event.model, PenBank(mine[1]))
                    print(f"your held-out drawings: {100 * held_out:.1f} % of {len(mine[1])}", flush=True)
    except KeyboardInterrupt:
        progress.clear()
        print("digitpad: training cancelled; nothing written", file=sys.stderr)
        return 130
    except (WeightsError, TrainingError) as exc:
        progress.clear()
        raise SystemExit(f"digitpad: {exc}")
    return 0


class ProgressBar:
    """One self-rewriting line per epoch on a terminal; only the epoch lines elsewhere."""

    WIDTH = 24

    def __init__(self, stream):
        self.stream = stream
        self.live = stream.isatty()

    def step(self, event) -> None:
        if not self.live:
            return
        done = round(self.WIDTH * event.step / event.steps)
        bar = "#" * done + "." * (self.WIDTH - done)
        self.stream.write(f"\repoch {event.epoch}/{event.epochs} [{bar}] loss {event.loss:.4f} "
                          f"acc {100 * event.accuracy:5.2f} % {event.images_per_second:,.0f} img/s ")
        self.stream.flush()

    def epoch(self, event) -> None:
        test = "" if event.test_accuracy is None else f", test {100 * event.test_accuracy:.2f} %"
        if event.pen_accuracy is not None:
            test += f", pen validation {100 * event.pen_accuracy:.2f} %"
        self.clear()
        self.stream.write(f"epoch {event.epoch}/{event.epochs}: loss {event.loss:.4f}, "
                          f"train {100 * event.accuracy:.2f} %{test}, {event.seconds:.1f} s "
                          f"({event.images_per_second:,.0f} img/s)\n")
        self.stream.flush()

    def clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")


def run_eval(args) -> int:
    from .evaluate import evaluate

    loaded = model_or_exit(args)
    device = chosen_device(args.device)
    if args.compare:
        return run_eval_compare(args, loaded, device)
    if args.digits:
        return run_eval_digits(args, loaded, device)
    test_set = load_split_or_exit(mnist_folder_or_exit(args.data), "test")
    if args.drawn:
        return run_eval_drawn(args, loaded, test_set, device)
    result = evaluate(loaded.model, test_set, device)
    if args.json:
        print(json.dumps({"weights": str(loaded.file.path), "arch": loaded.arch, **result.as_dict()}))
        return 0
    print(f"{loaded.file.path} ({loaded.arch}) on {result.count} MNIST test images")
    print(f"accuracy:           {100 * result.accuracy:.2f} %")
    print(f"perturbed accuracy: {100 * result.perturbed_accuracy:.2f} %  ({result.perturbation})")
    print("per digit:          " + "  ".join(f"{d}: {100 * a:.1f}" for d, a in enumerate(result.per_class)))
    print("confusion (rows: true digit, columns: read as):")
    print("     " + "".join(f"{d:>6}" for d in range(len(result.confusion))))
    for digit, row in enumerate(result.confusion):
        print(f"{digit:>5}" + "".join(f"{n:>6}" for n in row))
    return 0


def run_eval_drawn(args, loaded, test_set, device) -> int:
    from .drawn import evaluate_drawn

    sets = drawn_sets_or_exit(args, test_set)
    result = evaluate_drawn(loaded.model, sets, device=device)
    if args.json:
        print(json.dumps({"weights": str(loaded.file.path), "arch": loaded.arch, **result.as_dict()}))
        return 0
    print(f"{loaded.file.path} ({loaded.arch}) on {result.count} drawn digits")
    print(f"accuracy:  {100 * result.accuracy:.2f} %")
    print("per set:   " + "  ".join(f"{name}: {100 * a:.2f} %" for name, a in result.per_set.items()))
    print("per size:  " + "  ".join(f"{b}: {100 * a:.2f} %" for b, a, _ in result.per_size))
    print("per brush: " + "  ".join(f"{b}: {100 * a:.2f} %" for b, a, _ in result.per_brush))
    print("per digit: " + "  ".join(f"{d}: {100 * a:.1f}" for d, a in enumerate(result.per_class)))
    print("most common confusions: " + ", ".join(
        f"{t} read as {r} ({n})" for t, r, n in result.top_confusions()))
    return 0


def run_eval_digits(args, loaded, device) -> int:
    from .collection import evaluate_drawings

    with open_collection_or_exit(args.digits, readonly=True) as collection:
        drawings = collection.drawings()
    if not drawings:
        raise SystemExit(f"digitpad: {args.digits}: no drawings to evaluate on")
    result = evaluate_drawings(loaded.model, drawings, device)
    if args.json:
        print(json.dumps({"weights": str(loaded.file.path), "arch": loaded.arch, "database": args.digits,
                          **result.as_dict()}))
        return 0
    held_out = ("none held out yet" if result.held_out_accuracy is None else
                f"{100 * result.held_out_accuracy:.2f} % of {result.held_out_count}")
    print(f"{loaded.file.path} ({loaded.arch}) on {result.count} of your drawings ({args.digits})")
    print(f"accuracy:  {100 * result.accuracy:.2f} %")
    print(f"held out:  {held_out}")
    print("per digit: " + "  ".join(f"{d}: " + ("-" if a is None else f"{100 * a:.1f}")
                                    for d, a in enumerate(result.per_class)))
    print("confusion (rows: true digit, columns: read as):")
    print("     " + "".join(f"{d:>5}" for d in range(10)))
    for digit, row in enumerate(result.confusion):
        print(f"{digit:>5}" + "".join(f"{n:>5}" for n in row))
    return 0


def compared_weights_or_exit(name: str):
    """``--compare``'s weights: a file, else an architecture's shipped weights."""
    from .models import MODEL_SPECS

    if not Path(name).exists():
        arch = next((a for a in MODEL_SPECS if a.lower() == name.lower()), None)
        if arch is not None:
            return load_weights_or_exit(None, arch)
    from .weights import WeightsError, load_model

    try:
        return load_model(name)
    except WeightsError as exc:
        raise SystemExit(f"digitpad: cannot load the weights to compare with: {exc}")


def run_eval_compare(args, loaded, device) -> int:
    """Both networks on the same digits: both accuracies, the discordant counts b and c,
    and McNemar's test."""
    from .compare import CHANCE_LEVEL, Comparison, compare_drawn, compare_mnist

    other = compared_weights_or_exit(args.compare)
    if args.digits:
        from .collection import evaluate_drawings

        with open_collection_or_exit(args.digits, readonly=True) as collection:
            drawings = collection.drawings()
        if not drawings:
            raise SystemExit(f"digitpad: {args.digits}: no drawings to evaluate on")
        labels = [d.label for d in drawings]
        comparison = Comparison.of(evaluate_drawings(loaded.model, drawings, device),
                                   evaluate_drawings(other.model, drawings, device), labels)
        what = f"{comparison.pairs.count} of your drawings ({args.digits})"
    else:
        test_set = load_split_or_exit(mnist_folder_or_exit(args.data), "test")
        if args.drawn:
            sets = drawn_sets_or_exit(args, test_set)
            comparison = compare_drawn(loaded.model, other.model, sets, device)
            what = f"{comparison.pairs.count} drawn digits"
        else:
            comparison = compare_mnist(loaded.model, other.model, test_set, device)
            what = f"{comparison.pairs.count} MNIST test images"
    pairs, test = comparison.pairs, comparison.pairs.test
    if args.json:
        print(json.dumps({
            "first": {"weights": str(loaded.file.path), "arch": loaded.arch,
                      **comparison.first.as_dict()},
            "second": {"weights": str(other.file.path), "arch": other.arch,
                       **comparison.second.as_dict()},
            "paired": pairs.as_dict()}))
        return 0
    width = max(len(str(loaded.file.path)), len(str(other.file.path)))
    print(f"both networks on {what}")
    print(f"first:  {str(loaded.file.path):<{width}} ({loaded.arch}) {100 * pairs.first_accuracy:6.2f} %")
    print(f"second: {str(other.file.path):<{width}} ({other.arch}) {100 * pairs.second_accuracy:6.2f} %")
    print(f"b (first right, second wrong): {pairs.b}")
    print(f"c (first wrong, second right): {pairs.c}")
    statistic = "" if test.statistic is None else f", chi2 = {test.statistic:.3f}"
    print(f"McNemar's test ({test.method}{statistic}): p = {test.p_value:.4g}")
    if pairs.b + pairs.c == 0:
        print("the two read every digit alike: no difference to test")
    elif test.more_than_chance:
        print(f"the difference is likely more than chance (p < {CHANCE_LEVEL})")
    else:
        print(f"the difference could well be chance (p >= {CHANCE_LEVEL})")
    return 0


# ------------------------------------------------------------------ digitpad digits


def add_digits_parser(sub) -> None:
    from .collection import FORMATS, PARTS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="the collection file (default: my-digits.sqlite "
                        "in the user's data folder, the app's own)")
    common.add_argument("--json", action="store_true", help="print JSON")
    chosen = argparse.ArgumentParser(add_help=False)
    chosen.add_argument("--label", type=int, choices=range(10), metavar="N", help="only drawings of N")
    chosen.add_argument("--collection", metavar="NAME", help="only this collection")
    chosen.add_argument("--part", choices=PARTS, help="only the training or the held-out part")
    digits = sub.add_parser("digits", help="your own drawings: list, count, export, import",
                            description="My Digits: the drawings you labelled in the app, kept "
                            "in an SQLite file.")
    actions = digits.add_subparsers(dest="action", metavar="{list,stats,export,import}", required=True)
    listing = actions.add_parser("list", parents=[common, chosen], help="one line per drawing")
    listing.add_argument("--misread", action="store_true", help="only drawings the network "
                         "(--weights) misreads")
    listing.add_argument("--weights", metavar="W", help="with --misread: weights file (default: "
                         "the shipped SimpleCNN)")
    listing.set_defaults(run=run_digits_list)
    stats = actions.add_parser("stats", parents=[common], help="counts per digit and collection")
    stats.set_defaults(run=run_digits_stats)
    export = actions.add_parser("export", parents=[common, chosen], help="write the drawings as "
                                "PNG files with labels.csv, MNIST IDX files or JSON")
    export.add_argument("path", metavar="PATH", help="a folder (PNG, IDX) or a .json file")
    export.add_argument("--format", choices=FORMATS, help="default: json for a .json path, else png")
    export.set_defaults(run=run_digits_export)
    importing = actions.add_parser("import", parents=[common], help="add drawings from an export, "
                                   "a folder of digit images with labels.csv or MNIST IDX files")
    importing.add_argument("path", metavar="PATH", help="a folder, an IDX images file or a .json file")
    importing.add_argument("--format", choices=FORMATS, help="default: from the path")
    importing.add_argument("--collection", metavar="NAME", help="put the drawings in this collection "
                           "(default: JSON keeps its own; otherwise the folder's or file's name)")
    importing.set_defaults(run=run_digits_import)


def open_collection_or_exit(path: str | None, readonly: bool = False):
    from .collection import Collection, CollectionError, default_database_path

    try:
        return Collection(Path(path) if path else default_database_path(), readonly=readonly)
    except CollectionError as exc:
        raise SystemExit(f"digitpad: {exc}")


def run_digits_list(args) -> int:
    from .collection import CollectionError

    model = load_weights_or_exit(args.weights).model if args.misread else None
    with open_collection_or_exit(args.db, readonly=True) as collection:
        try:
            drawings = collection.drawings(label=args.label, collection=args.collection,
                                           part=args.part, misread_by=model)
        except CollectionError as exc:
            raise SystemExit(f"digitpad: {exc}")
    for drawing in drawings:
        if args.json:
            print(json.dumps(drawing.summary()))
            continue
        read = "" if drawing.reading is None else f"  read as {drawing.reading}"
        print(f"{drawing.identity[:12]}  {drawing.label}  {drawing.collection}  {drawing.created[:19]}  "
              f"{drawing.kind}  {drawing.part}{read}")
    return 0


def run_digits_stats(args) -> int:
    with open_collection_or_exit(args.db, readonly=True) as collection:
        stats = collection.stats()
    if args.json:
        print(json.dumps(stats))
        return 0
    print(f"{stats['database']}: {stats['count']} drawings, {stats['held_out']} of them held out")
    print("per digit:   " + "  ".join(f"{d}: {n}" for d, n in stats["per_label"].items()))
    if stats["collections"]:
        print("collections: " + ", ".join(f"{name} ({n})" for name, n in stats["collections"].items()))
    return 0


def run_digits_export(args) -> int:
    from .collection import CollectionError, export_drawings

    with open_collection_or_exit(args.db, readonly=True) as collection:
        try:
            drawings = collection.drawings(label=args.label, collection=args.collection, part=args.part)
            export_drawings(drawings, args.path, args.format)
        except CollectionError as exc:
            raise SystemExit(f"digitpad: {exc}")
    if args.json:
        print(json.dumps({"path": args.path, "exported": len(drawings)}))
    else:
        print(f"wrote {len(drawings)} drawings to {args.path}")
    return 0


def run_digits_import(args) -> int:
    from .collection import CollectionError, import_drawings

    with open_collection_or_exit(args.db) as collection:
        try:
            result = import_drawings(collection, args.path, args.format, args.collection)
        except CollectionError as exc:
            raise SystemExit(f"digitpad: {exc}; nothing was imported")
    if args.json:
        print(json.dumps({"path": args.path, "added": result.added, "already_there": result.already_there}))
    else:
        print(result)
    return 0


def my_digits_for_training(path: str):
    """(training part, held-out part) of a collection as pen data."""
    from .collection import pen_digits

    with open_collection_or_exit(path, readonly=True) as collection:
        train_part, left_out = pen_digits(collection.drawings(part="train"))
        held_out, _ = pen_digits(collection.drawings(part="held-out"))
    if len(train_part) == 0:
        raise SystemExit(f"digitpad: {path}: no drawings with strokes in its training part")
    if left_out:
        print(f"digitpad: {left_out} of your drawings left out (images, or drawn with the eraser)",
              file=sys.stderr)
    return train_part, held_out


def mix_my_digits(pens, mine, pen_share: float, weight: float):
    """((pen set, validation, record), pen share) with the collection's training part in
    the pen set; without UNIPEN its held-out part is the pen validation."""
    from .collection import mix_pen_sets

    train_part, held_out = mine
    pen_set, validation, record = pens if pens is not None else (None, held_out, {})
    if pen_share + weight > 1:
        raise SystemExit(f"digitpad: --pen-share {pen_share} and --digits-weight {weight} add up to over 1")
    mixed, share_ = mix_pen_sets(pen_set, pen_share, train_part, weight)
    record = {**record, "my_digits": {"drawings": len(train_part), "weight": weight}}
    return (mixed, validation if len(validation) else None, record), share_


def run_export(args) -> int:
    from .fileio import check_writable
    from .networks import NetworkError, export_onnx
    from .weights import WeightsError, save_weights

    if not args.onnx and not args.safetensors:
        raise SystemExit("digitpad export: say what to write: --onnx OUT and/or --safetensors OUT")
    if args.safetensors and not args.safetensors.endswith(".safetensors"):
        raise SystemExit(f"digitpad export: {args.safetensors}: a safetensors file ends in .safetensors")
    for out in filter(None, (args.onnx, args.safetensors)):
        try:
            check_writable(out, error=WeightsError)  # before any network code runs
        except WeightsError as exc:
            raise SystemExit(f"digitpad: {exc}")
    loaded = model_or_exit(args, untrained_ok=True)
    if args.model and not args.weights and not str(args.model).lower().endswith(".onnx"):
        print(f"digitpad: warning: {args.model} has no trained weights (pass --weights W); "
              "exporting its random initial ones", file=sys.stderr)
    source = args.weights or (args.model if args.model else "the shipped weights")
    if args.onnx:
        try:
            exported = export_onnx(loaded.model, args.onnx)
        except NetworkError as exc:
            details = f"\n{exc.details.rstrip()}" if exc.details else ""
            raise SystemExit(f"digitpad: {exc}{details}")
        print(f"wrote {exported.path} ({loaded.arch}, {source}; ONNX opset 17, exported in "
              f"{exported.seconds:.2f} s)")
    if args.safetensors:
        metadata = dict(loaded.file.metadata)
        metadata["exported_from"] = Path(str(source)).name
        try:
            save_weights(args.safetensors, loaded.model, arch=loaded.arch, metadata=metadata)
        except WeightsError as exc:
            raise SystemExit(f"digitpad: {exc}")
        print(f"wrote {args.safetensors} ({loaded.arch}, {source})")
    return 0


def run_app(args) -> int:
    previous = _end_at_once_on_ctrl_c()  # the app restores Python's handler once its window is up
    try:
        from .ui.app import main as app_main
    except ImportError as exc:
        print(f"digitpad: the app needs PySide6 and pyqtgraph ({exc}). "
              "Install them with `pip install digitpad`, or use the train/eval/predict "
              "subcommands.", file=sys.stderr)
        return 2
    try:
        return app_main(screenshot=args.screenshot, digit=args.digit, weights=args.weights,
                        model=args.model)
    finally:
        _restore_ctrl_c(previous)


def _end_at_once_on_ctrl_c():
    """Ctrl+C while importing ends the program at once and quietly: a KeyboardInterrupt
    inside an import can leave a library half made (numpy without numpy.matrix), which
    then fails far away. Returns the handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_DFL)


def _restore_ctrl_c(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        previous = _end_at_once_on_ctrl_c()
        try:
            args = build_parser().parse_args(argv)  # the parser imports torch
        finally:
            _restore_ctrl_c(previous)
        args.argv = argv  # recorded in the weights that `train` writes
        if args.command is None:
            return run_app(args)
        status = args.run(args)
        sys.stdout.flush()  # here, where a closed pipe can be caught, not at exit
        return status
    except BrokenPipeError:  # the reader stopped early (`digitpad eval --json | head`)
        _silence_stdout()
        return 1
    except KeyboardInterrupt:  # Ctrl+C while starting up or reading: no traceback
        print("digitpad: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        print(f"digitpad: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        _silence_stdout()
        return 1


# What writing to stdout raises when it leads to a full disk (> /dev/full), a quota or a
# vanished terminal.
OUTPUT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at nothing so that is quiet too.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())

"""Epoch time of digitpad's trainer against the canonical PyTorch MNIST recipe, on the same
SimpleCNN and in the same run, then the training time it takes to reach a test accuracy.

    PYTHONPATH=. python3 benchmarks/train_speed.py [--device cpu|cuda] [--quick] [--data DIR]

The recipe is PyTorch's examples/mnist/main.py: torchvision ``datasets.MNIST`` with
``ToTensor()`` + ``Normalize((0.1307,), (0.3081,))`` per sample, ``DataLoader(batch_size=64,
shuffle=True)`` (plus ``num_workers=1, pin_memory=True`` on CUDA, as there),
``Adadelta(lr=1.0)`` and ``StepLR(step_size=1, gamma=0.7)``. Its MNIST comes from the
local IDX files, decompressed into a temporary ``ROOT/MNIST/raw/``; nothing is downloaded.

Prints JSON lines: one per measured configuration, then a summary with the medians and
ratios. Epoch times exclude the test pass; medians skip the first epoch (warm-up) when
there are more. On a shared machine other work stretches some epochs, so the fastest epoch
and its ratio are given too, with the load average before and after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from digitpad.augment import Augmentation
from digitpad.data import SPLITS, load_mnist, local_mnist_dir
from digitpad.models import SimpleCNN
from digitpad.train import EpochEvent, TrainConfig, train

TARGET_ACCURACY = 0.985
TEACHER = Path(__file__).resolve().parent.parent / "models" / "deepcnn.pt"
# (batch size, peak learning rate, epochs, distil from TEACHER) tried for time-to-accuracy;
# a GPU runs a batch of a thousand in about the time a CPU core runs a few images, so it
# gets large batches.
CPU_RUNS = [(128, 0.01, 12, False), (128, 0.01, 6, True)]
CUDA_RUNS = [(512, 0.01, 20, False), (1024, 0.02, 20, False), (512, 0.01, 8, True),
             (1024, 0.02, 10, True)]
CUDA_EPOCH_BATCHES = (512, 1024, 2048)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def median_epoch(seconds: list[float]) -> float:
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds)


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# ------------------------------------------------------------------ the canonical recipe


def torchvision_root(folder: Path, root: Path) -> Path:
    """``root/MNIST/raw/`` holding the four IDX files uncompressed, which torchvision takes
    as an existing download."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for images, labels, _ in SPLITS.values():
        for stem in (images, labels):
            source = next(p for p in (folder / stem, folder / f"{stem}.gz") if p.exists())
            opener = gzip.open if source.suffix == ".gz" else open
            with opener(source, "rb") as src, open(raw / stem, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return root


def run_recipe(folder: Path, device: torch.device, epochs: int, max_steps: int | None) -> dict:
    from torchvision import datasets, transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    loader_kwargs = {"batch_size": 64, "shuffle": True}
    if device.type == "cuda":
        loader_kwargs.update(num_workers=1, pin_memory=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = torchvision_root(folder, Path(tmp))
        train_set = datasets.MNIST(root, train=True, download=False, transform=transform)
        test_set = datasets.MNIST(root, train=False, download=False, transform=transform)
        train_loader = torch.utils.data.DataLoader(train_set, **loader_kwargs)
        test_loader = torch.utils.data.DataLoader(test_set, batch_size=1000)

        torch.manual_seed(1)
        model = SimpleCNN().to(device)
        optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
        seconds, accuracies = [], []
        for _ in range(epochs):
            model.train()
            synchronize(device)
            start = time.perf_counter()
            for batch_idx, (data, target) in enumerate(train_loader):
                if max_steps is not None and batch_idx == max_steps:
                    break
                data, target = data.to(device), target.to(device)
                optimizer.zero_grad()
                loss = F.cross_entropy(model(data), target)
                loss.backward()
                optimizer.step()
                if batch_idx % 10 == 0:  # the recipe logs the loss every 10 batches
                    loss.item()
            synchronize(device)
            elapsed = time.perf_counter() - start
            if max_steps is not None:  # a partial epoch, scaled to a whole one
                elapsed *= len(train_loader) / min(max_steps, len(train_loader))
            seconds.append(elapsed)
            scheduler.step()
            accuracies.append(recipe_test_accuracy(model, test_loader, device))
    return {"what": "recipe", "device": str(device), "batch_size": 64, "epochs": epochs,
            "partial_epoch_steps": max_steps, "epoch_seconds": [round(s, 3) for s in seconds],
            "median_epoch_seconds": round(median_epoch(seconds), 3),
            "fastest_epoch_seconds": round(min(seconds), 3),
            "test_accuracy": [round(a, 4) for a in accuracies]}


@torch.no_grad()
def recipe_test_accuracy(model, loader, device) -> float:
    model.eval()
    correct = sum((model(data.to(device)).argmax(1) == target.to(device)).sum().item()
                  for data, target in loader)
    return correct / len(loader.dataset)


# ------------------------------------------------------------------ digitpad's trainer


def run_ours(train_set, test_set, device: torch.device, *, augment: bool, batch_size: int,
             lr: float, epochs: int, target: float | None = None, distil: bool = False) -> dict:
    config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, device=str(device),
                         augmentation=Augmentation() if augment else None, report_every=10**9,
                         teacher=str(TEACHER) if distil else None)
    seconds, accuracies = [], []
    for event in train(config, train_set, test_set):
        if isinstance(event, EpochEvent):
            seconds.append(event.seconds)
            accuracies.append(event.test_accuracy)
    record = {"what": "digitpad", "device": str(device), "augment": augment,
              "teacher": TEACHER.name if distil else None, "batch_size": batch_size,
              "lr": lr, "epochs": epochs, "epoch_seconds": [round(s, 4) for s in seconds],
              "median_epoch_seconds": round(median_epoch(seconds), 4),
              "fastest_epoch_seconds": round(min(seconds), 4),
              "test_accuracy": [round(a, 4) for a in accuracies]}
    if target is not None:
        reached = next((i for i, a in enumerate(accuracies) if a >= target), None)
        record["target_accuracy"] = target
        record["seconds_to_target"] = None if reached is None else round(sum(seconds[: reached + 1]), 3)
        record["epochs_to_target"] = None if reached is None else reached + 1
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    parser.add_argument("--data", help="MNIST IDX folder (default: the local copy)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer epochs, a partial recipe epoch, no time-to-accuracy runs")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available()
                          else "cpu" if args.device == "auto" else args.device)
    folder = Path(args.data) if args.data else local_mnist_dir()
    if folder is None:
        sys.exit("no local MNIST; pass --data DIR")
    train_set, test_set = load_mnist(folder, "train"), load_mnist(folder, "test")
    on_cuda = device.type == "cuda"
    emit({"what": "setup", "device": torch.cuda.get_device_name(device) if on_cuda else "cpu",
          "threads": torch.get_num_threads(), "torch": torch.__version__, "quick": args.quick,
          "load_average": os.getloadavg()[0]})

    recipe = run_recipe(folder, device, epochs=1 if args.quick else 2,
                        max_steps=200 if args.quick and not on_cuda else None)
    emit(recipe)

    epochs = 2 if args.quick else 4
    batches = CUDA_EPOCH_BATCHES if on_cuda else (TrainConfig().batch_size,)
    ours = []
    for batch_size in batches:
        for augment in (True, False):
            ours.append(run_ours(train_set, test_set, device, augment=augment, batch_size=batch_size,
                                 lr=TrainConfig().lr, epochs=epochs))
            emit(ours[-1])

    runs = []
    for batch, lr, epochs, distil in [] if args.quick else CUDA_RUNS if on_cuda else CPU_RUNS:
        if distil and not TEACHER.exists():
            continue
        runs.append(run_ours(train_set, test_set, device, augment=True, batch_size=batch, lr=lr,
                             epochs=epochs, target=TARGET_ACCURACY, distil=distil))
        emit(runs[-1])

    summary = {"what": "summary", "device": str(device), "load_average": os.getloadavg()[0],
               "recipe_epoch_seconds": recipe["median_epoch_seconds"],
               "recipe_fastest_epoch_seconds": recipe["fastest_epoch_seconds"]}
    for record in ours:
        key = f"batch{record['batch_size']}_{'aug' if record['augment'] else 'noaug'}"
        summary[f"{key}_epoch_seconds"] = record["median_epoch_seconds"]
        summary[f"{key}_speedup"] = round(recipe["median_epoch_seconds"] / record["median_epoch_seconds"], 2)
        summary[f"{key}_fastest_speedup"] = round(
            recipe["fastest_epoch_seconds"] / record["fastest_epoch_seconds"], 2)
    for distilled in (False, True):
        reached = [r["seconds_to_target"] for r in runs
                   if r["seconds_to_target"] is not None and bool(r["teacher"]) == distilled]
        key = "distilled" if distilled else "plain"
        summary[f"best_seconds_to_{TARGET_ACCURACY:.1%}_{key}"] = min(reached) if reached else None
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

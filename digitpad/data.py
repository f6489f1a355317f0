"""MNIST from IDX files (an offline folder, ``.gz`` or raw), or fetched by torchvision."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 0x00000803  # uint8, 3 dimensions
LABELS_MAGIC = 0x00000801  # uint8, 1 dimension
SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60000),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10000),
}


class DataError(ValueError):
    """A data folder or file that is missing or not MNIST; the message names the file."""


class LoadCancelled(Exception):
    """Reading stopped because its ``cancel()`` said so."""


# Reads go in pieces this large, so a cancel is seen within a few milliseconds.
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class Digits:
    images: np.ndarray  # (N, 28, 28) uint8, ink high
    labels: np.ndarray  # (N,) int64

    def __len__(self) -> int:
        return len(self.labels)


def _find(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz", folder / "MNIST" / "raw" / stem,
                      folder / "MNIST" / "raw" / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    raise DataError(f"{folder}: missing {stem} (or {stem}.gz)")


def images_file(folder, split: str = "train") -> Path:
    """The file holding ``split``'s images in an MNIST folder (DataError if none)."""
    return _find(Path(folder), SPLITS[split][0])


def _read_bytes(path: Path, cancel: Callable[[], bool] | None = None) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    chunks = []
    try:
        with opener(path, "rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                chunks.append(chunk)
                if cancel is not None and cancel():
                    raise LoadCancelled(str(path))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    return b"".join(chunks)


def read_idx(path, magic: int, expected_count: int | None = None, *,
             cancel: Callable[[], bool] | None = None) -> np.ndarray:
    """One IDX file as a uint8 array, its header (magic number, sizes) checked. Raises
    LoadCancelled soon after ``cancel()`` turns True."""
    path = Path(path)
    data = _read_bytes(path, cancel)
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: too short to be an IDX file ({len(data)} bytes)")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise DataError(f"{path}: wrong magic number 0x{found:08x}, expected 0x{magic:08x}")
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    size = int(np.prod(dims))
    if len(data) - header != size:
        raise DataError(f"{path}: header says {dims} ({size} bytes) but {len(data) - header} follow")
    if expected_count is not None and dims[0] != expected_count:
        raise DataError(f"{path}: holds {dims[0]} items, expected {expected_count}")
    if ndim == 3 and dims[1:] != [28, 28]:
        raise DataError(f"{path}: images are {dims[1]}x{dims[2]}, expected 28x28")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def load_mnist(folder, split: str = "train", *, cancel: Callable[[], bool] | None = None) -> Digits:
    """The ``train`` or ``test`` split from a folder of MNIST IDX files; ``cancel`` as in
    ``read_idx``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such data folder")
    images_stem, labels_stem, count = SPLITS[split]
    images = read_idx(_find(folder, images_stem), IMAGES_MAGIC, count, cancel=cancel)
    labels = read_idx(_find(folder, labels_stem), LABELS_MAGIC, count, cancel=cancel)
    if labels.max() > 9:
        raise DataError(f"{_find(folder, labels_stem)}: labels outside 0-9")
    return Digits(images=images, labels=labels.astype(np.int64))


def local_mnist_dir() -> Path | None:
    """An MNIST folder already on this machine: $DIGITPAD_DATA, a checkout's
    ``../shared/data/mnist``, or the download cache."""
    candidates = []
    if os.environ.get("DIGITPAD_DATA"):
        candidates.append(Path(os.environ["DIGITPAD_DATA"]))
    repo = Path(__file__).resolve().parent.parent
    candidates += [repo.parent / "shared" / "data" / "mnist", cache_dir()]
    for folder in candidates:
        try:
            _find(folder, SPLITS["test"][0])
            return folder
        except DataError:
            continue
    return None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "digitpad" / "mnist"


def download_mnist(folder: Path | None = None) -> Path:  # pragma: no cover - needs the network
    """Fetch MNIST with torchvision into the user cache (for users who are online)."""
    from torchvision import datasets

    folder = Path(folder or cache_dir())
    folder.mkdir(parents=True, exist_ok=True)
    for train in (True, False):
        datasets.MNIST(str(folder), train=train, download=True)
    return folder / "MNIST" / "raw"

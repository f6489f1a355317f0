"""The digit check's fitted statistics and its reference digits, kept in the user's cache
folder between runs, so a second start judges the first stroke at once.

Fitting ``uncertainty.DigitCheck`` costs seconds (preparing thousands of reference digits
and running the network over them); loading what an earlier run fitted costs
milliseconds. Two kinds of file, each an uncompressed ``.npz`` named by a key:

- ``check-<key>.npz``: the bank's features, labels and the threshold of one set of
  weights. The key hashes the weights' content (every tensor of the state dict, with its
  name, dtype and shape), the architecture, the check's recipe
  (``uncertainty.CHECK_RECIPE``: code version and every constant that shapes the
  statistics) and where the reference digits came from. Edited weights hash differently,
  so they never meet a stale file.
- ``reference-<key>.npz``: the reference digits themselves (they do not depend on the
  weights), keyed by the recipe and their source; refits after edits and the nearest
  digit's thumbnail use them.

A file is written atomically (``fileio.atomic_write``) and checked when read: one that
is truncated, corrupt, of another layout or for another key is ignored (and replaced by
the next fit), never an error. Only the newest ``MAX_CHECK_FILES`` check files are kept.
The folder is ``$DIGITPAD_CACHE_DIR``, else the platform's user cache folder (what Qt's
``QStandardPaths.CacheLocation`` gives, found without Qt) plus ``digit-check``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from .anatomy import anatomy
from .data import DataError, images_file, local_mnist_dir
from .fileio import atomic_write
from .models import arch_name
from .uncertainty import CHECK_RECIPE, DigitCheck, ReferenceDigits, model_fingerprint

CACHE_ENV = "DIGITPAD_CACHE_DIR"
FILE_LAYOUT = 1  # of the .npz files themselves
MAX_CHECK_FILES = 6  # about 23 MB each for SimpleCNN

log = logging.getLogger("digitpad")


def cache_folder() -> Path:
    """``$DIGITPAD_CACHE_DIR``, else the user's cache folder for digitpad's digit check."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "digitpad" / "cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "digitpad"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "digitpad"
    return base / "digit-check"


def mnist_source() -> str | None:
    """What identifies the MNIST training digits the reference is made of (the images
    file's path, size and modification time), or None when there are none here."""
    folder = local_mnist_dir()
    if folder is None:
        return None
    try:
        path = images_file(folder, "train").resolve()
        stat = path.stat()
    except (DataError, OSError):
        return None
    return f"mnist:{path}:{stat.st_size}:{stat.st_mtime_ns}"


def weights_digest(model: nn.Module) -> str:
    """sha256 of every tensor of ``model``'s state dict, with its name, dtype and shape."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        array = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{array.dtype}:{tuple(array.shape)}\0".encode())
        digest.update(array.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join((f"layout {FILE_LAYOUT}", CHECK_RECIPE, *parts)).encode()).hexdigest()[:32]


def check_key(model: nn.Module, source: str) -> str:
    return _hash("check", arch_name(model), weights_digest(model), source)


def reference_key(source: str) -> str:
    return _hash("reference", source)


def check_path(folder, key: str) -> Path:
    return Path(folder) / f"check-{key}.npz"


def reference_path(folder, key: str) -> Path:
    return Path(folder) / f"reference-{key}.npz"


# ------------------------------------------------------------------ reading and writing


def _read(path: Path, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of a cache file written for ``key``; None when it is missing or
    unusable (a damaged file is logged and left to be replaced)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}  # reading checks each CRC
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with it, it is only a cache
        log.info("ignoring the damaged cache file %s (%s)", path, exc)
        return None
    stored = arrays.get("key")
    if stored is None or stored.shape != () or str(stored) != key:
        log.info("ignoring the cache file %s: written for something else", path)
        return None
    return arrays


def _write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda handle: handle.write(buffer.getbuffer()))


def load_check(model: nn.Module, folder, source: str) -> DigitCheck | None:
    """The check fitted earlier to exactly ``model``'s weights, or None."""
    key = check_key(model, source)
    arrays = _read(check_path(folder, key), key)
    if arrays is None:
        return None
    try:
        feature = str(arrays["feature"])
        bank = arrays["bank"]
        labels = arrays["bank_labels"]
        threshold = float(arrays["threshold"])
    except (KeyError, TypeError, ValueError):
        return None
    if (feature != anatomy(model).last_map or bank.ndim != 2 or bank.dtype != np.float32
            or labels.shape != (len(bank),) or not math.isfinite(threshold)
            or not np.isfinite(bank).all()):
        log.info("ignoring the cache file %s: not a digit check of this model", check_path(folder, key))
        return None
    return DigitCheck(feature=feature, bank=torch.from_numpy(bank), bank_labels=labels.astype(np.int64),
                      threshold=threshold, fingerprint=model_fingerprint(model))


def save_check(check: DigitCheck, model: nn.Module, folder, source: str) -> Path:
    """Keep ``check`` (fitted to ``model``) for later runs; raises OSError if it cannot."""
    key = check_key(model, source)
    path = check_path(folder, key)
    _write(path, {"key": np.array(key), "feature": np.array(check.feature),
                  "bank": check.bank.numpy().astype(np.float32, copy=False),
                  "bank_labels": check.bank_labels, "threshold": np.array(check.threshold)})
    _prune(Path(folder))
    return path


def load_reference(folder, source: str) -> ReferenceDigits | None:
    key = reference_key(source)
    arrays = _read(reference_path(folder, key), key)
    if arrays is None:
        return None
    try:
        reference = ReferenceDigits(bank_inputs=arrays["bank_inputs"], bank_labels=arrays["bank_labels"],
                                    calibration_inputs=arrays["calibration_inputs"])
    except KeyError:
        return None
    shapes_fit = (reference.bank_inputs.shape[1:] == (28, 28) == reference.calibration_inputs.shape[1:]
                  and reference.bank_labels.shape == (len(reference.bank_inputs),))
    return reference if shapes_fit else None


def save_reference(reference: ReferenceDigits, folder, source: str) -> Path:
    key = reference_key(source)
    path = reference_path(folder, key)
    _write(path, {"key": np.array(key), "bank_inputs": reference.bank_inputs,
                  "bank_labels": reference.bank_labels,
                  "calibration_inputs": reference.calibration_inputs})
    return path


def _prune(folder: Path) -> None:
    """Delete all but the newest MAX_CHECK_FILES check files (a read refreshes a file)."""
    try:
        files = sorted(folder.glob("check-*.npz"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[MAX_CHECK_FILES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be tidied still works


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


# ------------------------------------------------------------------ the one entry point


def cached_reference(make: Callable[[], ReferenceDigits], folder, source: str | None) -> ReferenceDigits:
    """The reference digits from the cache, else ``make()`` (then kept when possible)."""
    if source is not None:
        reference = load_reference(folder, source)
        if reference is not None:
            return reference
    reference = make()
    if source is not None:
        try:
            save_reference(reference, folder, source)
        except OSError as exc:
            log.info("cannot keep the reference digits in the cache: %s", exc)
    return reference


def cached_fit(model: nn.Module, reference: Callable[[], ReferenceDigits], folder, source: str | None, *,
               store: bool = True, cancelled: Callable[[], bool] | None = None) -> tuple[DigitCheck, bool]:
    """(the digit check for ``model``, whether it came from the cache). Without a cached
    one it is fitted on ``reference()`` (called only then) and, with ``store``, kept.
    ``source`` (see ``mnist_source``) None means the reference's origin is unknown: no
    cache is used. Raises FitCancelled like ``DigitCheck.fit``."""
    if source is not None:
        check = load_check(model, folder, source)
        if check is not None:
            _touch(check_path(folder, check_key(model, source)))
            return check, True
    check = DigitCheck.fit(model, reference(), cancelled=cancelled)
    if store and source is not None:
        try:
            save_check(check, model, folder, source)
        except OSError as exc:  # a full disk or a read-only home: the check still works
            log.info("cannot keep the digit check in the cache: %s", exc)
    return check, False

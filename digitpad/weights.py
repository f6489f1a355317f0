"""Weight files: atomic saves with provenance, and loads that validate before they touch
anything.

A digitpad file is ``torch.save`` of a plain dict (format tag, version, architecture name,
metadata of plain values, ``state_dict``), so ``torch.load(weights_only=True)`` reads it
and no code in a file ever runs. A bare ``torch.save(model.state_dict(), path)`` file, as
in the lesson, loads too, and so does ``.safetensors``.
"""

from __future__ import annotations

import functools
import io
import json
import math
import pickle
import re
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn as nn

from . import bundled_folder, fileio
from .models import (
    ARCHITECTURES,
    DEFAULT_ARCH,
    MODEL_SPECS,
    arch_name,
    cpu_state_dict,
    create_model,
    guess_arch,
    spec_of,
)

FORMAT = "digitpad-weights"
FORMAT_VERSION = 1
SAFETENSORS_SUFFIX = ".safetensors"


class WeightsError(ValueError):
    """A weights file that cannot be saved, read or used; the message says why in one
    plain line, and ``details`` (maybe empty) holds the rest: tensor lists, what the
    reader library said."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


@dataclass
class WeightsFile:
    state_dict: dict[str, torch.Tensor]
    arch: str | None  # None for a bare state_dict that names no architecture
    metadata: dict = field(default_factory=dict)
    path: Path | None = None


@dataclass
class LoadedModel:
    model: nn.Module
    arch: str
    file: WeightsFile
    note: str = ""  # something to tell even though the weights loaded (another version of the network)


# ---------------------------------------------------------------------------- saving


def atomic_write(path, write: Callable[[object], None]) -> None:
    """``fileio.atomic_write``, failing with a WeightsError: the file is either the old
    one or the new one, never half written."""
    fileio.atomic_write(path, write, error=WeightsError)


def plain_metadata(metadata: dict | None) -> dict:
    """Metadata reduced to JSON values, which ``weights_only`` loading accepts."""
    return json.loads(json.dumps(metadata or {}, default=str))


def save_weights(path, model: nn.Module, *, arch: str | None = None, metadata=None) -> Path:
    """Save ``model``'s state_dict with its architecture name and ``metadata``, atomically.

    A ``.safetensors`` suffix writes safetensors; anything else a ``torch.save`` file.
    """
    path = Path(path)
    arch = arch or arch_name(model)
    state_dict = cpu_state_dict(model)
    metadata = plain_metadata(metadata)
    source = MODEL_SPECS[arch].source if arch in MODEL_SPECS else None
    if source is not None:  # a network the user wrote: which file, class and content
        metadata["network"] = source.as_metadata()
    if path.suffix == SAFETENSORS_SUFFIX:
        from safetensors.torch import save

        header = {"format": FORMAT, "format_version": str(FORMAT_VERSION), "arch": arch,
                  "metadata": json.dumps(metadata)}
        blob = save(state_dict, metadata=header)
        atomic_write(path, lambda handle: handle.write(blob))
    else:
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "arch": arch,
            "metadata": metadata,
            "state_dict": state_dict,
        }
        # Into memory first: torch.save writing to a file turns a full disk into an
        # opaque RuntimeError, where a plain write keeps the OSError and its errno.
        buffer = io.BytesIO()
        torch.save(payload, buffer)
        atomic_write(path, lambda handle: handle.write(buffer.getbuffer()))
    return path


# ---------------------------------------------------------------------------- loading


def read_weights(path) -> WeightsFile:
    """Read and check a weights file on its own: readable, not larger than any network
    needs (inflated too), tensors only, dense, all finite."""
    path = Path(path)
    try:
        mode, size = (info := path.stat()).st_mode, info.st_size
        if stat.S_ISDIR(mode):
            raise WeightsError(f"{path.name}: is a folder, not a weights file")
        if not stat.S_ISREG(mode):  # a FIFO would wait for a writer, /dev/zero never ends
            raise WeightsError(f"{path.name}: not a regular file (a pipe or a device), not a weights file")
        if size == 0:
            raise WeightsError(f"{path.name}: the file is empty")
        if size > max_weights_bytes():
            raise WeightsError(f"{path.name}: too large for digitpad weights ({_megabytes(size)}; "
                               f"at most {_megabytes(max_weights_bytes())})")
        with open(path, "rb") as handle:
            head = handle.read(9)
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file") from None
    except PermissionError:
        raise WeightsError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise WeightsError(f"cannot read {path}: {exc.strerror or exc}") from None

    if path.suffix == SAFETENSORS_SUFFIX or _looks_like_safetensors(head):
        weights = _read_safetensors(path)
    else:
        if head.startswith(b"PK\x03\x04"):  # torch.save's zip container
            _check_inflated_size(path)
        weights = _read_torch(path)
    weights.path = path
    _check_tensors(path, weights.state_dict)
    return weights


def max_weights_bytes() -> int:
    """The most bytes a weights file holds, inflated: the largest architecture in float64,
    with room for the pickle and metadata. More is refused before it is read."""
    return _max_weights_bytes(tuple(ARCHITECTURES))  # networks opened since count too


@functools.lru_cache(maxsize=4)
def _max_weights_bytes(architectures: tuple[str, ...]) -> int:
    largest = max(sum(t.numel() for t in create_model(arch).state_dict().values())
                  for arch in architectures)
    return 8 * largest + 16 * 2**20


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _check_inflated_size(path: Path) -> None:
    """Refuse a zip whose entries declare more bytes than any network needs, before any
    entry is inflated (a zip bomb: a few MB on disk, gigabytes inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # torch.load names the damage
    if declared > max_weights_bytes():
        raise WeightsError(f"{path.name}: refused: it would inflate to {_megabytes(declared)}, more "
                           f"than any digitpad network needs ({_megabytes(max_weights_bytes())})")


def _looks_like_safetensors(head: bytes) -> bool:
    return len(head) == 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 10**8


def _read_safetensors(path: Path) -> WeightsFile:
    from safetensors import SafetensorError
    from safetensors.torch import load_file, safe_open

    try:
        state_dict = load_file(path, device="cpu")
        with safe_open(path, framework="pt") as handle:
            header = handle.metadata() or {}
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise WeightsError(f"{path.name}: not a readable safetensors file",
                           f"safetensors could not read it: {exc}") from None
    try:
        metadata = json.loads(header.get("metadata", "{}"))
    except json.JSONDecodeError:
        metadata = {}
    arch = header.get("arch") if header.get("format") == FORMAT else None
    return WeightsFile(state_dict=dict(state_dict), arch=arch, metadata=metadata)


def _read_torch(path: Path) -> WeightsFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch's notes on pickle protocols
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        # weights_only admits tensors and plain containers only: whatever else the file
        # asks for is refused before it is built, so no code in it runs.
        found = re.search(r"unsupported GLOBAL (\S+)", str(exc))
        if found:
            raise WeightsError(
                f"{path.name}: refused: the file asks to run or build {found.group(1)}, which a "
                "weights file never needs (nothing in it was run)"
            ) from None
        raise WeightsError(f"{path.name}: not a weights file, or a damaged one",
                          "unreadable pickle data") from None
    except Exception as exc:  # torch raises many kinds for damaged input; all mean "unreadable"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        with open(path, "rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04"  # torch.save's container
        said = f"PyTorch could not read it: {message}"
        if is_zip or isinstance(exc, EOFError):
            raise WeightsError(f"{path.name}: the file is truncated or damaged", said) from None
        raise WeightsError(f"{path.name}: not a weights file, or a damaged one", said) from None
    return _interpret(path, payload)


def _interpret(path: Path, payload) -> WeightsFile:
    if isinstance(payload, dict) and payload.get("format") == FORMAT:
        version = payload.get("format_version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise WeightsError(f"{path.name}: damaged digitpad weights file (format version "
                               f"{str(version)[:40]!r} is not a version number)")
        if version > FORMAT_VERSION:
            raise WeightsError(
                f"{path.name}: written by a newer digitpad (format version {version}); "
                f"this one reads up to version {FORMAT_VERSION}"
            )
        state_dict = payload.get("state_dict")
        arch = payload.get("arch")
        metadata = payload.get("metadata") or {}
        if not isinstance(state_dict, dict) or not isinstance(metadata, dict):
            raise WeightsError(f"{path.name}: damaged digitpad weights file (no state_dict)")
        return WeightsFile(state_dict=state_dict, arch=arch if isinstance(arch, str) else None,
                           metadata=metadata)
    if isinstance(payload, dict) and payload and all(isinstance(v, torch.Tensor) for v in payload.values()):
        return WeightsFile(state_dict=dict(payload), arch=None)  # the lesson's bare state_dict
    if isinstance(payload, dict):
        for key in ("state_dict", "model_state_dict", "model"):
            inner = payload.get(key)
            if isinstance(inner, dict) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                return WeightsFile(state_dict=dict(inner), arch=None)
    kind = type(payload).__name__
    raise WeightsError(f"{path.name}: holds a {kind}, not a state_dict of tensors")


def _check_tensors(path: Path, state_dict: dict) -> None:
    if not state_dict:
        raise WeightsError(f"{path.name}: the state_dict is empty")
    not_tensors = [k for k, v in state_dict.items() if not isinstance(v, torch.Tensor)]
    if not_tensors:
        raise WeightsError(f"{path.name}: entries that are not tensors: {', '.join(map(str, not_tensors))}")
    for name, tensor in state_dict.items():
        if tensor.layout != torch.strided:
            raise WeightsError(f"{path.name}: tensor {name} is sparse ({tensor.layout}); weights are dense")
        if tensor.is_meta:
            raise WeightsError(f"{path.name}: tensor {name} has no data (a meta tensor)")
        if tensor.is_quantized:
            raise WeightsError(f"{path.name}: tensor {name} is quantized; weights are floating point")
    bad = [
        name
        for name, tensor in state_dict.items()
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all())
    ]
    if bad:
        raise WeightsError(f"{path.name}: NaN or infinite values in {', '.join(bad)}")


def _shape(tensor_or_shape) -> str:
    shape = tensor_or_shape.shape if hasattr(tensor_or_shape, "shape") else tensor_or_shape
    return "[" + ", ".join(str(n) for n in shape) + "]"


def check_fits(model: nn.Module, state_dict: dict, arch: str | None = None) -> None:
    """Raise one WeightsError naming every missing, unexpected or misshapen entry."""
    expected = model.state_dict()
    problems = []
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    if missing:
        problems.append("missing " + ", ".join(f"{k} {_shape(expected[k])}" for k in missing))
    if unexpected:
        problems.append("unexpected " + ", ".join(f"{k} {_shape(state_dict[k])}" for k in unexpected))
    for key in expected:
        if key in state_dict and state_dict[key].shape != expected[key].shape:
            problems.append(
                f"{key} has shape {_shape(state_dict[key])} in the file but "
                f"{_shape(expected[key])} in the model"
            )
        elif key in state_dict and expected[key].is_floating_point() and not state_dict[key].is_floating_point():
            problems.append(f"{key} holds {state_dict[key].dtype}, not floating point values")
    if problems:
        name = arch or arch_name(model)
        counts = [f"{len(missing)} tensor{'s' * (len(missing) > 1)} missing" if missing else "",
                  f"{len(unexpected)} unexpected" if unexpected else "",
                  f"{len(problems) - bool(missing) - bool(unexpected)} of other shapes or types"
                  if len(problems) > bool(missing) + bool(unexpected) else ""]
        made_for = guess_arch(state_dict)
        what = (f"made for {made_for}, not {name}" if made_for and made_for != name
                else f"the weights do not fit {name}")
        raise WeightsError(f"{what}: " + ", ".join(c for c in counts if c), "\n".join(problems))


def load_model(path, arch: str | None = None) -> LoadedModel:
    """A fresh model with the weights of ``path``; nothing existing is touched.

    The architecture comes from the file, else from the keys of a bare state_dict, else
    ``arch``. Every problem is raised as one WeightsError before any model sees a value.
    """
    weights = read_weights(path)
    chosen = weights.arch or guess_arch(weights.state_dict) or arch
    note = ""
    if chosen not in ARCHITECTURES and isinstance(weights.metadata.get("network"), dict):
        chosen, note = _other_version(Path(path), weights, arch)
    if chosen is None:
        raise WeightsError(
            f"{Path(path).name}: the keys match no known architecture ({', '.join(ARCHITECTURES)})"
        )
    if chosen not in ARCHITECTURES:
        raise WeightsError(
            f"{Path(path).name}: unknown architecture {chosen!r}; known: {', '.join(ARCHITECTURES)}"
        )
    model = create_model(chosen)
    try:
        check_fits(model, weights.state_dict, chosen)
    except WeightsError as exc:
        raise WeightsError(f"{Path(path).name}: {exc}", exc.details) from None
    model.load_state_dict(weights.state_dict, strict=True)
    model.eval()
    return LoadedModel(model=model, arch=chosen, file=weights, note=note)


def _other_version(path: Path, weights: WeightsFile, arch: str | None) -> tuple[str, str]:
    """Weights saved from a network the user wrote that is not open in this version: the
    live network ``arch`` when it comes from the same file and class (with a note that its
    content changed since), else a WeightsError saying which network to open."""
    network = weights.metadata["network"]
    file, name = str(network.get("file", "?")), str(network.get("class", ""))
    sha = str(network.get("sha256", ""))[:8]
    reference = f"{file}:{name}" if name else file
    live = MODEL_SPECS[arch].source if arch in MODEL_SPECS else None
    if arch is not None and live is not None and (live.file, live.name) == (file, name):
        return arch, (f"{path.name} was saved from another version of {reference} (content {sha}; "
                      f"the open one is {live.sha256[:8]}): check that the network still means the same")
    raise WeightsError(f"{path.name}: made for the network {shortened(reference)} (content {sha}), which "
                       f"is not open; open it first (File ▸ Open Network…, or --model {shortened(reference)})")


# ---------------------------------------------------------------------------- shipped weights


def shipped_dir() -> Path:
    """The folder of the weights shipped with digitpad, wherever it is installed."""
    return bundled_folder("digitpad._shipped", "models")


def shipped_weights_path(arch: str = DEFAULT_ARCH) -> Path:
    """Where ``arch``'s shipped weights are (the file may be missing)."""
    return shipped_dir() / (spec_of(arch).shipped_file or f"{arch.lower()}.pt")


def describe_metadata(metadata: dict, *, accuracy: str = "test accuracy {:.2f} %",
                      epochs: str = "{} epochs", separator: str = ", ") -> str:
    """One line of provenance for titles and About boxes. The words are templates (the
    percentage, the number of epochs) so the interface can pass its own language's."""
    parts = []
    test_accuracy = metadata.get("test_accuracy")
    if isinstance(test_accuracy, (int, float)) and math.isfinite(test_accuracy):
        parts.append(accuracy.format(100 * test_accuracy))
    if metadata.get("epochs"):
        parts.append(epochs.format(shortened(metadata["epochs"])))
    if metadata.get("date"):
        parts.append(str(metadata["date"])[:10])
    return separator.join(parts)


# Texts from a file are shown at most this long: a 2 MB string would spill over the window.
MAX_SHOWN_CHARACTERS = 40


def shortened(value, limit: int = MAX_SHOWN_CHARACTERS) -> str:
    """A value from a file as one line of at most ``limit`` characters (cut with "…")."""
    text = " ".join(str(value)[: 4 * limit].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

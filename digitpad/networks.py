"""Networks the user writes: opened from a Python file (``net.py:Net``) or an ONNX file,
checked against digitpad's contract, registered by name, and exported again.

The contract: a float input of shape (N, 1, 28, 28) in, a tensor of shape (N, 10) out
(ten logits, one per digit). ``open_network`` checks it on a fresh model before anything
else sees the network, so a network that breaks it never replaces the live one. Opening
registers the network in ``models.MODEL_SPECS`` under a name that includes its content
hash, so copies, training, weights files and every panel find it like a shipped one::

    opened = open_network("net.py", "Net")   # runs net.py (it is code)
    opened = open_network("net.onnx")        # runs no code: onnx2torch rebuilds it
    session.install(opened.model, None, {})
    export_onnx(session.model, "out.onnx")

Importing a Python file runs it: the app asks first. An ONNX file runs no code.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import inspect
import io
import re
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import torch
import torch.nn as nn

from . import fileio
from .models import (
    IMAGE_SIZE,
    MODEL_SPECS,
    NUM_CLASSES,
    ModelSpec,
    NetworkSource,
    arch_name,
    fresh_copy,
    register_spec,
    tag_model,
    unregister_spec,
)

ONNX_SUFFIX = ".onnx"
PYTHON_SUFFIX = ".py"
ONNX_OPSET = 17  # what the export writes: onnx2torch reads it, and so does onnxruntime
# Buffers onnx2torch makes of ONNX initializers no layer owns (a trainable `scale`, say).
ONNX_CONSTANT_PREFIX = "initializers."
MAX_NETWORK_FILE_BYTES = 512 * 2**20


class NetworkError(ValueError):
    """A network that cannot be opened, built, used or exported: the message says why in
    one plain line; ``details`` holds the rest (a traceback, what a library said)."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class OpenedNetwork:
    """A network that passed the contract: its registry ``spec`` and a ``model`` to
    install (untrained from Python; with the file's weights from ONNX)."""

    spec: ModelSpec
    model: nn.Module
    source: NetworkSource

    @property
    def trained(self) -> bool:
        """Weights came with it (an ONNX file); a Python network starts untrained."""
        return self.source.kind == "onnx"


# ---------------------------------------------------------------------------- names


def parse_reference(reference: str) -> tuple[Path, str | None]:
    """``net.py:Net`` -> (net.py, "Net"); ``net.onnx`` or ``net.py`` -> (path, None). The
    last colon splits, so a Windows drive letter stays in the path."""
    path, colon, name = reference.rpartition(":")
    if colon and name.isidentifier() and path and not path.endswith(("\\", "/")):
        return Path(path), name
    return Path(reference), None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path) -> str:
    """The SHA-256 of a file's bytes (the app remembers trust per file content)."""
    return content_hash(read_bytes(Path(path)))


def read_bytes(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise NetworkError(f"{path}: no such file" if not path.exists() else f"{path.name}: not a file")
        if path.stat().st_size > MAX_NETWORK_FILE_BYTES:
            raise NetworkError(f"{path.name}: too large for a digitpad network")
        return path.read_bytes()
    except PermissionError:
        raise NetworkError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise NetworkError(f"cannot read {path}: {exc.strerror or exc}") from None


def registry_name(source: NetworkSource) -> str:
    """The registry name: the reference and a short content hash, so two versions of one
    file are two networks and weights name the version they were saved from."""
    return f"{source.reference}@{source.sha256[:8]}"


# ---------------------------------------------------------------------------- the contract


def check_contract(model: nn.Module, what: str = "the network") -> None:
    """Raise a NetworkError unless ``model`` maps float (N, 1, 28, 28) to (N, 10) logits,
    for one input and for a batch of two (training and evaluation read batches)."""
    if not any(True for _ in model.parameters()):
        raise NetworkError(f"{what} has no parameters: there is nothing to train or show")
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(0)
    try:
        for batch in (1, 2):
            shape = (batch, 1, IMAGE_SIZE, IMAGE_SIZE)
            x = torch.randn(shape, generator=generator)
            try:
                with torch.no_grad():
                    out = model(x)
            except Exception as exc:
                raise NetworkError(f"{what} fails on a float input of shape {shape}: {first_line(exc)}",
                                   traceback.format_exc()) from None
            if isinstance(out, (tuple, list)):
                raise NetworkError(f"{what} returned a {type(out).__name__} of {len(out)} items; "
                                   f"digitpad needs one tensor of {NUM_CLASSES} logits")
            if not isinstance(out, torch.Tensor):
                raise NetworkError(f"{what} returned a {type(out).__name__}, not a tensor of "
                                   f"{NUM_CLASSES} logits")
            if tuple(out.shape) != (batch, NUM_CLASSES):
                raise NetworkError(f"{what} returned shape {tuple(out.shape)} for an input of shape "
                                   f"{shape}; digitpad needs {(batch, NUM_CLASSES)}: ten logits, "
                                   "one per digit")
            if not out.is_floating_point():
                raise NetworkError(f"{what} returned {out.dtype} values; logits are floating point")
    finally:
        model.train(was_training)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {line}" if line else type(exc).__name__


# ---------------------------------------------------------------------------- Python files


def import_python_file(path) -> ModuleType:
    """Run a Python file as a module (this runs its code). The bytes hashed are the bytes
    run, so trust given to a content hash covers exactly what runs. A file already run
    with the same content is not run again."""
    path = Path(path)
    source = read_bytes(path)
    sha = content_hash(source)
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"digitpad_user_{stem}_{sha[:12]}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None:
        raise NetworkError(f"{path.name}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look their module up here
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # so the file can import its neighbours
    try:
        code = compile(source, str(path), "exec")
        exec(code, module.__dict__)
    except (Exception, SystemExit) as exc:
        del sys.modules[module_name]
        raise NetworkError(f"{path.name} failed to import: {first_line(exc)}", traceback.format_exc()) from None
    finally:
        try:
            sys.path.remove(folder)
        except ValueError:
            pass
    module.__dict__["__digitpad_sha256__"] = sha
    return module


def takes_no_arguments(function) -> bool:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in signature.parameters.values())


def network_candidates(module: ModuleType) -> list[str]:
    """What in the file can be opened without arguments: its nn.Module classes, and its
    functions annotated to return one (a function of no arguments might do anything
    else, such as train, so it must say so)."""
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value) and issubclass(value, nn.Module) and takes_no_arguments(value):
            names.append(name)
        elif inspect.isfunction(value) and takes_no_arguments(value) and _returns_module(value):
            names.append(name)
    return names


def _returns_module(function) -> bool:
    try:
        returned = inspect.signature(function, eval_str=True).return_annotation
    except Exception:  # an annotation that does not evaluate: not a declared factory
        return False
    return inspect.isclass(returned) and issubclass(returned, nn.Module)


def python_network(path, name: str | None = None) -> OpenedNetwork:
    """Import ``path`` (runs it), build ``name`` (the only candidate when None), check the
    contract and register the network. Raises NetworkError with the traceback in details."""
    path = Path(path)
    module = import_python_file(path)
    if name is None:
        candidates = network_candidates(module)
        if len(candidates) != 1:
            found = ", ".join(candidates) if candidates else "none"
            raise NetworkError(f"{path.name}: name the network to open, as {path.name}:Net "
                               f"(classes or factories of no arguments found: {found})")
        name = candidates[0]
    factory = getattr(module, name, None)
    if factory is None:
        raise NetworkError(f"{path.name} has no {name}")
    if not callable(factory) or not takes_no_arguments(factory):
        raise NetworkError(f"{path.name}: {name} must be a class or function that takes no arguments")
    source = NetworkSource("python", path.name, name, module.__digitpad_sha256__)
    spec_name = registry_name(source)

    def build() -> nn.Module:
        model = factory()
        if not isinstance(model, nn.Module):
            raise NetworkError(f"{name}() returned a {type(model).__name__}, not an nn.Module")
        return tag_model(model.float(), spec_name)

    model = _built(build, name)
    check_contract(model, f"the network {name}")
    spec = ModelSpec(spec_name, build, f"{name} ({path.name})", None, source)
    _register(spec)
    return OpenedNetwork(spec, model, source)


def _built(build: Callable[[], nn.Module], name: str) -> nn.Module:
    try:
        return build()
    except NetworkError:
        raise
    except (Exception, SystemExit) as exc:
        raise NetworkError(f"{name}() failed: {first_line(exc)}", traceback.format_exc()) from None


def _register(spec: ModelSpec) -> None:
    register_spec(spec)


def forget(name: str) -> None:
    """Forget a network opened before (say, once nothing shows it any more)."""
    unregister_spec(name)


# ---------------------------------------------------------------------------- ONNX files


def onnx_network(path) -> OpenedNetwork:
    """Rebuild an ONNX file as an nn.Module with named layers (onnx2torch); no code in the
    file runs. The model keeps the file's weights; the spec builds it afresh (layers
    re-initialised) for training from scratch."""
    path = Path(path)
    data = read_bytes(path)
    try:
        import onnx
        from onnx2torch import convert
    except ImportError as exc:
        raise NetworkError(f"opening ONNX files needs the onnx and onnx2torch packages ({exc})") from None
    try:
        proto = onnx.load_model_from_string(data)
    except Exception as exc:
        raise NetworkError(f"{path.name}: not a readable ONNX file", first_line(exc)) from None
    opset = onnx_opset(proto)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            template = convert(proto)
    except NotImplementedError as exc:
        operator = _operator_named(str(exc)) or "an operator"
        raise NetworkError(
            f"{path.name} uses {operator} (opset {opset}), which digitpad's ONNX converter "
            f"(onnx2torch) cannot read; re-export it with opset {ONNX_OPSET}, as "
            f"torch.onnx.export(model, x, path, opset_version={ONNX_OPSET}, dynamo=False)",
            traceback.format_exc()) from None
    except Exception as exc:
        raise NetworkError(f"{path.name}: the ONNX graph could not be converted: {first_line(exc)}",
                           traceback.format_exc()) from None
    source = NetworkSource("onnx", path.name, "", content_hash(data))
    spec_name = registry_name(source)
    template = template.float().eval()
    check_contract(template, f"the network in {path.name}")

    def build() -> nn.Module:
        model = copy.deepcopy(template)
        for module in model.modules():
            reset = getattr(module, "reset_parameters", None)
            if callable(reset):
                reset()
        return tag_model(model, spec_name)

    model = tag_model(copy.deepcopy(template), spec_name)
    spec = ModelSpec(spec_name, build, f"{path.stem} (ONNX)", None, source)
    _register(spec)
    return OpenedNetwork(spec, model, source)


def onnx_opset(proto) -> int | None:
    for entry in proto.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return int(entry.version)
    return None


def _operator_named(message: str) -> str | None:
    """The operator an onnx2torch NotImplementedError names."""
    found = re.search(r"operation_type='(\w+)'", message) or re.search(r"\b([A-Z]\w+)\b", message)
    return f"the operator {found.group(1)}" if found else None


def onnx_constants(model: nn.Module) -> list[str]:
    """Buffers an ONNX import made of initializers no layer owns: values that were maybe
    parameters before the export (SimpleCNN's `scale`) and are constants now."""
    return [name for name, _ in model.named_buffers() if name.startswith(ONNX_CONSTANT_PREFIX)]


# ---------------------------------------------------------------------------- opening


def open_network(path, name: str | None = None) -> OpenedNetwork:
    """Open a network from an ONNX file, else from a Python file (runs it); ``path`` may
    be a reference ``net.py:Net`` when ``name`` is None."""
    path, named = (Path(path), name) if name is not None else parse_reference(str(path))
    if path.suffix.lower() == ONNX_SUFFIX:
        if named:
            raise NetworkError(f"{path.name}: an ONNX file holds one network; name no class")
        return onnx_network(path)
    return python_network(path, named)


# ---------------------------------------------------------------------------- export


@dataclass(frozen=True)
class Exported:
    path: Path
    seconds: float  # torch.onnx.export alone


def onnx_bytes(model: nn.Module) -> tuple[bytes, float]:
    """``model`` (a hook-free CPU copy of it) as ONNX opset 17, batch size free; and the
    seconds the export took."""
    duplicate = hook_free_copy(model).cpu().float().eval()
    buffer = io.BytesIO()
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notes
            torch.onnx.export(duplicate, (torch.zeros(1, 1, IMAGE_SIZE, IMAGE_SIZE),), buffer,
                              dynamo=False, opset_version=ONNX_OPSET, input_names=["input"],
                              output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    except Exception as exc:
        raise NetworkError(f"the network could not be exported to ONNX: {first_line(exc)}",
                           traceback.format_exc()) from None
    return buffer.getvalue(), time.perf_counter() - started


def hook_free_copy(model: nn.Module) -> nn.Module:
    """A copy of ``model`` that no view's hooks fire on (they would capture traced values)."""
    if arch_name(model) in MODEL_SPECS:
        return fresh_copy(model)
    duplicate = copy.deepcopy(model)
    for module in duplicate.modules():
        module._forward_hooks.clear()
        module._forward_pre_hooks.clear()
    return duplicate


def export_onnx(model: nn.Module, path) -> Exported:
    """Write ``model`` as it is now (edits and corrections included) to an ONNX file,
    atomically. Raises NetworkError."""
    path = Path(path)
    fileio.check_writable(path, error=NetworkError)
    data, seconds = onnx_bytes(model)
    fileio.atomic_write(path, lambda handle: handle.write(data), error=NetworkError)
    return Exported(path, seconds)

"""Export one reading in one call: the drawing, the 28x28 input, the feature maps, the
evidence map (PNG) and the probabilities (JSON), each file written atomically."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
from PIL import Image

from .classifier import Prediction
from .explain import Evidence
from .fileio import atomic_write
from .uncertainty import Uncertainty

TILE_MIN = 56  # feature-map tiles are scaled up to at least this many pixels a side
GAP = 2  # pixels between tiles
INPUT_ZOOM = 10  # the evidence-on-input picture is 280x280
POSITIVE = np.array([220, 40, 30], np.float32)  # evidence for the class: red
NEGATIVE = np.array([30, 90, 230], np.float32)  # evidence against it: blue


class ExportError(ValueError):
    """The export folder or a file in it cannot be written; the message says which."""


def grey_levels(array: np.ndarray, low: float, high: float) -> np.ndarray:
    """A float array as uint8 grey levels, ``low`` black and ``high`` white."""
    span = high - low if high > low else 1.0
    return np.round(np.clip((array - low) / span, 0, 1) * 255).astype(np.uint8)


def grey_png(array: np.ndarray, low: float, high: float) -> Image.Image:
    return Image.fromarray(grey_levels(array, low, high), "L")


def mosaic(maps: np.ndarray) -> Image.Image:
    """(C, H, W) maps as one grey grid image, all channels on the layer's common scale
    so their strengths compare; each tile scaled up to at least TILE_MIN pixels."""
    channels, height, width = maps.shape
    zoom = max(1, math.ceil(TILE_MIN / max(height, width)))
    columns = math.ceil(math.sqrt(channels))
    rows = math.ceil(channels / columns)
    tile_h, tile_w = height * zoom, width * zoom
    sheet = np.zeros((rows * (tile_h + GAP) - GAP, columns * (tile_w + GAP) - GAP), np.uint8)
    sheet[:] = 128  # gaps in mid grey
    tiles = grey_levels(maps, float(maps.min()), float(maps.max()))
    for index in range(channels):
        row, col = divmod(index, columns)
        tile = np.kron(tiles[index], np.ones((zoom, zoom), np.uint8))
        top, left = row * (tile_h + GAP), col * (tile_w + GAP)
        sheet[top : top + tile_h, left : left + tile_w] = tile
    return Image.fromarray(sheet, "L")


def evidence_overlay(values: np.ndarray, background: np.ndarray) -> Image.Image:
    """Signed evidence over a grey background (0..1, 1 white): red for, blue against,
    stronger colour for larger magnitude (scaled to the largest one)."""
    peak = float(np.abs(values).max()) or 1.0
    strength = np.clip(np.abs(values) / peak, 0, 1)[..., None]
    colour = np.where(values[..., None] >= 0, POSITIVE, NEGATIVE)
    grey = np.repeat(np.clip(background, 0, 1)[..., None] * 255.0, 3, axis=2)
    return Image.fromarray(np.round(grey * (1 - strength) + colour * strength).astype(np.uint8), "RGB")


def _file_name(layer: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", layer)


def _save_png(path: Path, image: Image.Image) -> None:
    atomic_write(path, lambda handle: image.save(handle, format="PNG"), error=ExportError)


def _json_ready(value):
    if isinstance(value, np.ndarray):
        return [round(float(v), 6) for v in value.ravel()]
    if isinstance(value, (np.floating, float)):
        return round(float(value), 6) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    return value


def export_reading(folder, prediction: Prediction, *, evidence: Evidence | None = None,
                   uncertainty: Uncertainty | None = None, info: dict | None = None) -> list[Path]:
    """Write into ``folder`` (made if missing) and return the paths written:

    - ``canvas.png``: the drawing, dark ink on white, at its own size
    - ``input.png``: the 28x28 image the network saw (white on black, as MNIST)
    - ``features_<layer>.png``: one mosaic per captured layer
    - ``evidence.png`` (on the input, 280x280) and ``evidence_canvas.png`` (on the drawing)
    - ``probabilities.json``: digit, probabilities, logits, evidence summary, uncertainty,
      the file names and ``info`` (for instance the architecture and weights file)

    All or nothing: every file is first written into a temporary folder inside
    ``folder`` and only when all are there are they renamed into place (renames within
    one folder need no disk space), replacing files of the same name. On any failure the
    temporary folder goes and ``folder`` is as it was. Raises ExportError naming the file
    that could not be written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None
    steps = prediction.steps
    images = {"canvas.png": grey_png(1.0 - steps.image, 0.0, 1.0)}
    if prediction.has_digit:
        images["input.png"] = grey_png(steps.centred, 0.0, 1.0)
        for layer, maps in prediction.feature_maps.items():
            images[f"features_{_file_name(layer)}.png"] = mosaic(np.asarray(maps, np.float32))
    if evidence is not None:
        zoomed = np.kron(evidence.input_map, np.ones((INPUT_ZOOM, INPUT_ZOOM), np.float32))
        background = 1.0 - np.kron(steps.centred, np.ones((INPUT_ZOOM, INPUT_ZOOM), np.float32))
        images["evidence.png"] = evidence_overlay(zoomed, background)
        images["evidence_canvas.png"] = evidence_overlay(evidence.on_source(), 1.0 - steps.image)

    try:
        staging = Path(tempfile.mkdtemp(prefix=".digitpad-export-", dir=folder))
    except OSError as exc:
        raise ExportError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        names = _write_all(staging, images, prediction, evidence, uncertainty, info)
        for name in names:
            os.replace(staging / name, folder / name)
    except ExportError as exc:  # named as the file it was to become, not the staging one
        raise ExportError(str(exc).replace(str(staging), str(folder))) from None
    except OSError as exc:
        raise ExportError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in names]


def _write_all(folder: Path, images: dict, prediction, evidence, uncertainty, info) -> list[str]:
    """Every file of the export into ``folder``; their names, the JSON last."""
    steps = prediction.steps
    written = []
    for name, image in images.items():
        _save_png(folder / name, image)
        written.append(folder / name)
    record = {
        "digit": prediction.digit,
        "confidence": prediction.confidence,
        "probabilities": prediction.probabilities,
        "logits": prediction.logits,
        "reason": steps.reason,
        "evidence": None if evidence is None else {
            "method": evidence.method, "target": evidence.target, "layer": evidence.layer,
            "logit": evidence.logit, "bias_term": evidence.bias_term,
            "total": float(evidence.grid.sum()),
        },
        "uncertainty": None if uncertainty is None else {
            **asdict(uncertainty), "looks_like_digit": uncertainty.looks_like_digit},
        "files": [path.name for path in written],
        "info": info or {},
    }
    text = json.dumps(_json_ready(record), indent=2) + "\n"
    path = folder / "probabilities.json"
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")), error=ExportError)
    return [p.name for p in (*written, path)]

"""How the parameters dock draws a tensor of two or more dimensions, chosen by its shape
(see ``digitpad.ui.panels.parameters``): conv weights as grids of kernels, a linear
layer's weights as templates shaped like its input, anything else as a matrix. No dock
here: a ``TileView`` says what to show and how to read a pixel of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QCoreApplication

from ...models import NUM_CLASSES
from ...params import format_shape
from ..mosaic import Spot, symmetric_levels

SUM = "sum"
ALL = "all"
MAX_LABELLED_TILES = 16


@dataclass
class TileView:
    """A parameter drawn as tiles: what to show, how to read a pixel of it."""

    tiles: np.ndarray  # (n, h, w)
    levels: tuple[float, float]
    caption: str
    describe: Callable[[Spot], str]  # the element under the pointer, in words
    columns: int | None = None
    labels: list[str] = field(default_factory=list)  # drawn in the tiles' corners
    square_pixels: bool = True  # False: a matrix, stretched to fill the view
    # The parameter's element a pixel shows (None where it shows a sum of several), and
    # the layer's output channel its tile belongs to.
    element: Callable[[Spot], tuple[int, ...] | None] = lambda spot: None
    channel: Callable[[Spot], int] = lambda spot: spot.index


def input_shape_of(layer: str, in_features: int, output_shapes: dict) -> tuple[int, ...] | None:
    """The (C, H, W) of the last map computed before ``layer`` whose size is
    ``in_features``: what a linear layer's flattened input looked like. Hooks fire in
    execution order, so ``output_shapes`` is ordered by when each module ran."""
    found = None
    for name, shape in output_shapes.items():
        if name == layer:
            return found
        if len(shape) == 4 and int(np.prod(shape[1:])) == in_features:
            found = tuple(shape[1:])
    return None


def view_options(values: np.ndarray, input_shape) -> list[tuple[str, object]]:
    """The choices of what part of a tensor to draw (empty when there is one picture)."""
    if values.ndim == 4 and values.shape[1] > 1:
        every = QCoreApplication.translate(
            "ParametersPanel", "all input channels (rows: output, columns: input)")
        return [(_input_channel(i), i) for i in range(values.shape[1])] + [(every, ALL)]
    if values.ndim == 2 and input_shape is not None:
        return [(_summed(), SUM)] + [(_channel(c), c) for c in range(input_shape[0])]
    return []


def _input_channel(channel: int) -> str:
    return QCoreApplication.translate("ParametersPanel", "input channel {channel}").format(
        channel=channel)


def _summed() -> str:
    return QCoreApplication.translate("ParametersPanel", "summed over channels")


def _channel(channel: int) -> str:
    return QCoreApplication.translate("ParametersPanel", "channel {channel}").format(
        channel=channel)


def tile_view(name: str, values: np.ndarray, option, input_shape) -> TileView:
    """How to draw a tensor of two or more dimensions (see the module docstring)."""
    if values.ndim == 4:
        return _kernel_view(name, values, option)
    if values.ndim == 2 and input_shape is not None:
        return _template_view(name, values, option, input_shape)
    rows = values.reshape(values.shape[0], -1)
    return TileView(
        tiles=rows[None], levels=symmetric_levels(rows), square_pixels=False,
        caption=QCoreApplication.translate(
            "ParametersPanel", "as a matrix: a row per output, a column per input"),
        describe=lambda s: f"{name}[{s.y}, {s.x}]",
        element=(lambda s: (s.y, s.x)) if values.ndim == 2 else (lambda s: None),
        channel=lambda s: s.y)


def _kernel_view(name: str, w: np.ndarray, option) -> TileView:
    out_channels, in_channels, kh, kw = w.shape
    levels = symmetric_levels(w)  # one scale for every channel choice, so they compare
    if option == ALL:
        return TileView(
            tiles=w.reshape(out_channels * in_channels, kh, kw), levels=levels,
            columns=in_channels,
            caption=QCoreApplication.translate(
                "ParametersPanel", "all {outputs}×{inputs} kernels of {height}×{width}: a row "
                "per output channel, a column per input channel").format(
                outputs=out_channels, inputs=in_channels, height=kh, width=kw),
            describe=lambda s: f"{name}[{s.row}, {s.column}] · y {s.y}, x {s.x}",
            element=lambda s: (s.row, s.column, s.y, s.x), channel=lambda s: s.row)
    channel = option or 0
    if in_channels > 1:
        caption = QCoreApplication.translate(
            "ParametersPanel", "{outputs} kernels of {height}×{width} on input channel "
            "{channel}, one per output channel")
    else:
        caption = QCoreApplication.translate(
            "ParametersPanel", "{outputs} kernels of {height}×{width}, one per output channel")
    return TileView(
        tiles=w[:, channel], levels=levels,
        caption=caption.format(outputs=out_channels, height=kh, width=kw, channel=channel),
        describe=lambda s: f"{name}[{s.index}, {channel}] · y {s.y}, x {s.x}",
        element=lambda s: (s.index, channel, s.y, s.x))


def _template_view(name: str, w: np.ndarray, option, input_shape) -> TileView:
    outputs = w.shape[0]
    templates = w.reshape(outputs, *input_shape)
    # Whole sentences per case: a word put into a sentence cannot be translated well.
    if outputs == NUM_CLASSES:
        caption = QCoreApplication.translate(
            "ParametersPanel", "a template per digit shaped like the layer's input {shape}, "
            "{part}: where the input is active, red raises the digit's score, blue lowers it")
        unit = QCoreApplication.translate("ParametersPanel", "digit {index}")
    else:
        caption = QCoreApplication.translate(
            "ParametersPanel", "a template per output shaped like the layer's input {shape}, "
            "{part}: where the input is active, red raises the output's score, blue lowers it")
        unit = QCoreApplication.translate("ParametersPanel", "output {index}")
    if option == SUM or option is None:
        tiles, part = templates.sum(axis=1), _summed()
        element = lambda s: None  # noqa: E731
    else:
        tiles, part = templates[:, option], _channel(option)
        _, height, width = input_shape
        element = lambda s: (s.index, (option * height + s.y) * width + s.x)  # noqa: E731
    return TileView(
        tiles=tiles, levels=symmetric_levels(tiles),
        caption=caption.format(shape=format_shape(input_shape), part=part),
        describe=lambda s: f"{name} · {unit.format(index=s.index)} · {part} · y {s.y}, x {s.x}",
        labels=[str(k) for k in range(outputs)] if outputs <= MAX_LABELLED_TILES else [],
        element=element)

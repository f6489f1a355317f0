"""Where the network view (``digitpad.ui.panels.network_view``) puts each layer: the
arithmetic alone, no Qt, so it can be reasoned about and tested on its own.

The view is a column of blocks, top to bottom in the order the network computes them
(input, kernels, maps, vectors, probabilities). A block is ``count`` tiles of
``tile = (h, w)`` values laid out in a grid with a one-value gap between tiles (as
``digitpad.ui.mosaic.Mosaic`` draws them). Consecutive blocks with the same ``group``
share their column count and tile pitch, so channel k of a convolution's kernels, of
its output and of the ReLU and pooling after it sit in the same place of each grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_MAGNIFY = 4.0  # how far the blocks grow past their minimum sizes to fill a tall view
SEARCH_STEPS = 14


@dataclass(frozen=True)
class Block:
    """What one block needs: its tiles and the smallest and largest size, in screen
    pixels, of one of its values."""

    count: int
    tile: tuple[int, int]  # (h, w) values per tile
    min_px: float
    max_px: float
    group: object = None  # consecutive blocks with an equal group share columns and pitch
    below: float = 0.0  # px under the picture for labels

    @property
    def unit(self) -> int:
        """Values per tile pitch across: the tile and its gap (a lone tile has none)."""
        return self.tile[1] + (1 if self.count > 1 else 0)


@dataclass(frozen=True)
class Placement:
    """Where a block's picture goes (its title sits just above ``y``), in view pixels."""

    x: float
    y: float
    scale: float  # screen pixels per value
    columns: int
    rows: int
    width: float
    height: float


@dataclass(frozen=True)
class Arrangement:
    placements: list[Placement]
    width: float
    height: float
    magnify: float


def arrange(blocks: list[Block], width: float, height: float, title_height: float,
            spacing: float) -> Arrangement:
    """Place ``blocks`` across ``width``: each at least its minimum size where the width
    allows, grown together (up to MAX_MAGNIFY) while the whole still fits ``height``."""
    best = _arrange_at(blocks, width, 1.0, title_height, spacing)
    if best.height < height:
        low, high = 1.0, MAX_MAGNIFY
        for _ in range(SEARCH_STEPS):
            middle = (low + high) / 2
            trial = _arrange_at(blocks, width, middle, title_height, spacing)
            if trial.height <= height:
                low, best = middle, trial
            else:
                high = middle
    return best


def _groups(blocks: list[Block]) -> list[list[int]]:
    """Indices of blocks, in runs that share a layout (an equal, non-None group)."""
    runs: list[list[int]] = []
    for index, block in enumerate(blocks):
        previous = blocks[runs[-1][-1]] if runs else None
        if (previous is not None and block.group is not None and block.group == previous.group
                and block.count == previous.count):
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _arrange_at(blocks: list[Block], width: float, magnify: float, title_height: float,
                spacing: float) -> Arrangement:
    placements: list[Placement | None] = [None] * len(blocks)
    y = 0.0
    for run in _groups(blocks):
        members = [blocks[i] for i in run]
        count = members[0].count
        smallest = max(b.min_px * b.unit for b in members)  # tile pitch, px
        largest = min(b.max_px * b.unit for b in members)
        wanted = min(largest, magnify * smallest)
        columns = max(1, min(count, math.floor(width / wanted)))
        rows = math.ceil(count / columns)
        columns = math.ceil(count / rows)  # as few columns as that many rows need
        # A grid fills the width (up to its largest size); a lone picture keeps its size.
        pitch = min(largest, width / columns) if count > 1 else min(wanted, width)
        for index, block in zip(run, members):
            scale = pitch / block.unit
            gap = scale if count > 1 else 0.0
            block_width = columns * pitch - gap
            block_height = rows * scale * (block.tile[0] + (1 if count > 1 else 0)) - gap
            y += title_height
            placements[index] = Placement((width - block_width) / 2, y, scale, columns, rows,
                                          block_width, block_height)
            y += block_height + block.below + spacing
    return Arrangement([p for p in placements if p is not None], width,
                       max(0.0, y - spacing), magnify)

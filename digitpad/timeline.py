"""The stroke timeline: the ten probabilities after each stroke, so the user sees how the
reading changed as the digit formed. Undo and redo move a cursor along it.

The canvas calls ``commit`` when a stroke is finished (or the canvas cleared), ``undo``
and ``redo`` when it undoes or redoes one. Each entry keeps its 28x28 model input, so
``reclassify`` can redraw the whole chart after the weights change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .classifier import Prediction, _softmax

NUM_CLASSES = 10


@dataclass(frozen=True)
class TimelineEntry:
    probabilities: np.ndarray | None  # (10,) after this stroke; None when no digit was seen
    model_input: np.ndarray | None  # (28, 28), what the network saw

    @property
    def digit(self) -> int | None:
        return None if self.probabilities is None else int(self.probabilities.argmax())


class StrokeTimeline:
    """A stack of entries with a cursor: ``entries[:cursor]`` are the strokes on the
    canvas now, the rest can be redone until the next commit drops them."""

    def __init__(self):
        self._entries: list[TimelineEntry] = []
        self.cursor = 0

    def __len__(self) -> int:
        return self.cursor

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        """The strokes on the canvas now, oldest first."""
        return tuple(self._entries[: self.cursor])

    @property
    def redoable(self) -> tuple[TimelineEntry, ...]:
        return tuple(self._entries[self.cursor :])

    @property
    def can_undo(self) -> bool:
        return self.cursor > 0

    @property
    def can_redo(self) -> bool:
        return self.cursor < len(self._entries)

    @property
    def current(self) -> TimelineEntry | None:
        return self._entries[self.cursor - 1] if self.cursor else None

    def commit(self, prediction: Prediction) -> TimelineEntry:
        """A stroke was finished; its prediction becomes the newest entry."""
        entry = TimelineEntry(
            probabilities=None if not prediction.has_digit else prediction.probabilities.copy(),
            model_input=None if prediction.model_input is None else prediction.model_input.copy(),
        )
        del self._entries[self.cursor :]
        self._entries.append(entry)
        self.cursor += 1
        return entry

    def undo(self) -> TimelineEntry | None:
        """Step back one stroke; the entry now current (None for an empty canvas)."""
        if not self.can_undo:
            raise IndexError("nothing to undo")
        self.cursor -= 1
        return self.current

    def redo(self) -> TimelineEntry | None:
        if not self.can_redo:
            raise IndexError("nothing to redo")
        self.cursor += 1
        return self.current

    def clear(self) -> None:
        """Forget everything (a new drawing that cannot be undone into the old one)."""
        self._entries.clear()
        self.cursor = 0

    def probabilities(self) -> np.ndarray:
        """(strokes, 10) for the chart: one row per stroke on the canvas, NaN where no
        digit was seen."""
        rows = np.full((self.cursor, NUM_CLASSES), np.nan, np.float32)
        for row, entry in zip(rows, self.entries):
            if entry.probabilities is not None:
                row[:] = entry.probabilities
        return rows

    def reclassify(self, logits_batch: Callable[[np.ndarray], np.ndarray]) -> None:
        """Recompute every entry's probabilities (redoable ones too) with new weights, in
        one batch: pass ``Classifier.logits_batch``."""
        indices = [i for i, e in enumerate(self._entries) if e.model_input is not None]
        if not indices:
            return
        logits = logits_batch(np.stack([self._entries[i].model_input for i in indices]))
        for i, row in zip(indices, logits):
            self._entries[i] = TimelineEntry(probabilities=_softmax(row),
                                             model_input=self._entries[i].model_input)

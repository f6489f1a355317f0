"""The stroke timeline: the ten probabilities after each stroke, so the user sees how the
reading changed as the digit formed. Undo and redo move a cursor along it.

The canvas calls ``commit`` when a stroke is finished (or the canvas cleared), ``undo``
and ``redo`` when it undoes or redoes one. Each entry keeps its 28x28 model input, so
``reclassify`` can redraw the whole chart after the weights change.

The app's timeline follows an undo stack instead (``follow``): each entry also remembers
the drawing its command left (the stroke objects themselves), which tells a redo, back
to a known drawing, from a new command, whose entry stays pending until ``read`` gives
it the drawing's prediction. A cleared pad starts a new drawing: ``drawing_span`` is the
entries since the last clear (undo the clear and the old drawing's strokes are back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .classifier import Prediction
from .models import NUM_CLASSES, softmax
from .preprocess import Preprocessed


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

    def __init__(self) -> None:
        self._entries: list[TimelineEntry] = []
        self.cursor = 0
        self.drawings: list[tuple] = []  # with ``follow``: the strokes after each entry's command
        self.pending = False  # the newest entry waits for its reading

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

    def follow(self, index: int, drawing: tuple) -> bool:
        """An undo stack moved to ``index`` and the pad shows ``drawing`` now. True when
        that is a new command, whose entry waits for ``read``; redoable entries go."""
        known = 0 < index <= len(self.drawings) and _same(self.drawings[index - 1], drawing)
        self.pending = index > 0 and not known
        if self.pending:
            while self.cursor > index - 1:
                self.undo()
            del self.drawings[index - 1 :]
            self.drawings.append(drawing)
            self.commit(NOT_READ)
            return True
        while self.cursor > index:
            self.undo()
        while self.cursor < index:
            self.redo()
        return False

    def read(self, prediction: Prediction) -> bool:
        """The pending entry's reading; False (nothing changes) when none is pending."""
        if not self.pending:
            return False
        self.pending = False
        self.undo()
        self.commit(prediction)
        return True

    def drawing_span(self) -> tuple[int, int]:
        """Entries [start, end) of the drawing on the pad now (with ``follow``): from the
        last clear before the cursor to the next one after it."""
        cursor, drawings = self.cursor, self.drawings
        start = max((i + 1 for i in range(cursor) if not drawings[i]), default=0)
        end = next((i for i in range(cursor, len(drawings)) if not drawings[i]), len(drawings))
        return start, end

    def drawing_probabilities(self) -> np.ndarray:
        """(strokes, 10) of the drawing on the pad, redoable strokes included; NaN where
        no digit was seen."""
        start, end = self.drawing_span()
        return _rows(self._entries[start:end])

    def current_stroke(self) -> int:
        """The stroke the pad shows now, counted in its drawing (0: none yet)."""
        return self.cursor - self.drawing_span()[0]

    def clear(self) -> None:
        """Forget everything (a new drawing that cannot be undone into the old one)."""
        self._entries.clear()
        self.cursor = 0

    def probabilities(self) -> np.ndarray:
        """(strokes, 10) for the chart: one row per stroke on the canvas, NaN where no
        digit was seen."""
        return _rows(self.entries)

    def reclassify(self, logits_batch: Callable[[np.ndarray], np.ndarray]) -> None:
        """Recompute every entry's probabilities (redoable ones too) with new weights, in
        one batch: pass ``Classifier.logits_batch``."""
        indices = [i for i, e in enumerate(self._entries) if e.model_input is not None]
        if not indices:
            return
        logits = logits_batch(np.stack([self._entries[i].model_input for i in indices]))
        for i, row in zip(indices, logits):
            self._entries[i] = TimelineEntry(probabilities=softmax(row),
                                             model_input=self._entries[i].model_input)


NOT_READ = Prediction(steps=Preprocessed(image=np.zeros((1, 1), np.float32), reason="not read yet"))


def _rows(entries) -> np.ndarray:
    rows = np.full((len(entries), NUM_CLASSES), np.nan, np.float32)
    for row, entry in zip(rows, entries):
        if entry.probabilities is not None:
            row[:] = entry.probabilities
    return rows


def _same(drawing: tuple, other: tuple) -> bool:
    """The same strokes, object for object (not merely equal points)."""
    return len(drawing) == len(other) and all(a is b for a, b in zip(drawing, other))

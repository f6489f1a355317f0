"""The stroke timeline: the ten probabilities after each stroke, so the user sees how the
reading changed as the digit formed. Undo and redo move a cursor along it.

The canvas calls ``commit`` when a stroke is finished (or the canvas cleared), ``undo``
and ``redo`` when it undoes or redoes one. Each entry keeps its 28x28 model input, so
``reclassify`` can redraw the whole chart after the weights change.

The app's timeline follows an undo stack instead (``follow``): each entry also remembers
the key of the drawing its command left (a name the pad gives it, the same on a redo),
which tells a redo, back to a known drawing, from a new command, whose entry stays
pending until ``read`` gives it the drawing's prediction. A cleared pad starts a new
drawing: ``drawing_span`` is the entries since the last clear (undo the clear and the
old drawing's strokes are back). When the stack lets its oldest commands go,
``drop_oldest`` lets their entries go too: the timeline holds no more than the stack.

New weights (``reclassify``) make every entry stale; an entry is read again with them
when it is asked for, so a what-if edit costs the entries on show, not the history.
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
    weights: int = 0  # the timeline's ``weights`` generation it was read with

    @property
    def digit(self) -> int | None:
        return None if self.probabilities is None else int(self.probabilities.argmax())


class StrokeTimeline:
    """A stack of entries with a cursor: ``entries[:cursor]`` are the strokes on the
    canvas now, the rest can be redone until the next commit drops them."""

    def __init__(self) -> None:
        self._entries: list[TimelineEntry] = []
        self.cursor = 0
        # With ``follow``: the key of the drawing each entry's command left, and whether
        # that drawing was blank (a clear).
        self.keys: list[object] = []
        self.blank: list[bool] = []
        # Strokes of the drawing at the front that went with ``drop_oldest``: the chart
        # still counts them.
        self.dropped_strokes = 0
        self.pending = False  # the newest entry waits for its reading
        self.weights = 0  # counts reclassify calls; entries read with older weights are stale
        self._logits_batch: Callable[[np.ndarray], np.ndarray] | None = None

    def __len__(self) -> int:
        return self.cursor

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        """The strokes on the canvas now, oldest first."""
        self._refresh(0, self.cursor)
        return tuple(self._entries[: self.cursor])

    @property
    def redoable(self) -> tuple[TimelineEntry, ...]:
        self._refresh(self.cursor, len(self._entries))
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
            weights=self.weights,
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

    def follow(self, index: int, key: object, blank: bool = False) -> bool:
        """An undo stack moved to ``index`` and the pad shows the drawing named ``key``
        now (``blank``: nothing on it). True when that is a new command, whose entry
        waits for ``read``; redoable entries go."""
        known = 0 < index <= len(self.keys) and self.keys[index - 1] == key
        self.pending = index > 0 and not known
        if self.pending:
            while self.cursor > index - 1:
                self.undo()
            del self.keys[index - 1 :], self.blank[index - 1 :]
            self.keys.append(key)
            self.blank.append(blank)
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

    def drop_oldest(self, count: int) -> None:
        """The undo stack let its ``count`` oldest commands go: their entries go too."""
        count = min(count, len(self._entries))
        for blank in self.blank[:count]:
            self.dropped_strokes = 0 if blank else self.dropped_strokes + 1
        del self._entries[:count], self.keys[:count], self.blank[:count]
        self.cursor = max(0, self.cursor - count)

    def drawing_span(self) -> tuple[int, int]:
        """Entries [start, end) of the drawing on the pad now (with ``follow``): from the
        last clear before the cursor to the next one after it."""
        cursor, blank = self.cursor, self.blank
        start = max((i + 1 for i in range(cursor) if blank[i]), default=0)
        end = next((i for i in range(cursor, len(blank)) if blank[i]), len(blank))
        return start, end

    def first_stroke(self, start: int) -> int:
        """The number, in its drawing, of the stroke of entry ``start`` of drawing_span
        (1 but where the drawing's first strokes were dropped)."""
        return 1 + (self.dropped_strokes if start == 0 else 0)

    def drawing_probabilities(self, limit: int | None = None) -> np.ndarray:
        """(strokes, 10) of the drawing on the pad, redoable strokes included; NaN where
        no digit was seen. With ``limit``, only the last ``limit`` of them."""
        start, end = self.drawing_span()
        if limit is not None:
            start = max(start, end - limit)
        return self.rows(start, end)

    def rows(self, start: int, end: int) -> np.ndarray:
        """(end - start, 10): entries [start, end), read with the latest weights."""
        self._refresh(start, end)
        return _rows(self._entries[start:end])

    def current_stroke(self) -> int:
        """The stroke the pad shows now, counted in its drawing (0: none yet)."""
        start = self.drawing_span()[0]
        if self.cursor == start:
            return 0
        return self.cursor - start + self.first_stroke(start) - 1

    def clear(self) -> None:
        """Forget everything (a new drawing that cannot be undone into the old one)."""
        self._entries.clear()
        self.keys.clear()
        self.blank.clear()
        self.cursor = self.dropped_strokes = 0

    def probabilities(self) -> np.ndarray:
        """(strokes, 10) for the chart: one row per stroke on the canvas, NaN where no
        digit was seen."""
        return _rows(self.entries)

    def reclassify(self, logits_batch: Callable[[np.ndarray], np.ndarray]) -> None:
        """New weights: every entry (redoable ones too) is read again with
        ``logits_batch`` (pass ``Classifier.logits_batch``), each when next asked for."""
        self.weights += 1
        self._logits_batch = logits_batch

    def _refresh(self, start: int, end: int) -> None:
        """Read entries [start, end) read with older weights again, in one batch."""
        if self._logits_batch is None:
            return
        indices = [i for i in range(start, end) if self._entries[i].weights != self.weights
                   and self._entries[i].model_input is not None]
        if not indices:
            return
        logits = self._logits_batch(np.stack([self._entries[i].model_input for i in indices]))
        for i, row in zip(indices, logits):
            self._entries[i] = TimelineEntry(probabilities=softmax(row),
                                             model_input=self._entries[i].model_input,
                                             weights=self.weights)


NOT_READ = Prediction(steps=Preprocessed(image=np.zeros((1, 1), np.float32), reason="not read yet"))


def _rows(entries) -> np.ndarray:
    rows = np.full((len(entries), NUM_CLASSES), np.nan, np.float32)
    for row, entry in zip(rows, entries):
        if entry.probabilities is not None:
            row[:] = entry.probabilities
    return rows


"""Unsaved weights kept across a crash: while the live weights differ from their file
(the title's ``*``), a copy is written to the user's data folder a moment after each
change; a clean quit removes it, and the next start offers to restore it.

``DIGITPAD_DATA_DIR`` overrides the folder (tests, portable installs)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from ..weights import WeightsError, save_weights
from .session import AppSession

DATA_DIR_ENV = "DIGITPAD_DATA_DIR"
AUTOSAVE_NAME = "unsaved-weights.pt"
AUTOSAVE_DELAY_MS = 2000  # a burst of what-if edits makes one write


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def autosave_path() -> Path:
    return data_dir() / AUTOSAVE_NAME


class Autosave(QObject):
    """Writes the live weights to ``autosave_path()`` while they are unsaved."""

    def __init__(self, session: AppSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        # Only a copy this window wrote is removed on its own: a copy left by a crash
        # waits for the user's answer (``discard``).
        self.wrote = False
        self.closed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.write_now)
        session.weights_edited.connect(lambda _edited: self.timer.start())
        session.model_changed.connect(self.timer.start)
        session.weights_saved.connect(lambda _path: self.timer.start())

    def write_now(self) -> None:
        """Keep a copy of unsaved weights, or remove the copy once nothing is unsaved."""
        if self.closed or self.session.state is None:
            return
        state = self.session.live()
        if not state.modified:
            if self.wrote:
                self.discard()
            return
        try:
            autosave_path().parent.mkdir(parents=True, exist_ok=True)
            save_weights(autosave_path(), state.model, arch=state.arch,
                         metadata=state.save_metadata(state.model))
            self.wrote = True
        except (WeightsError, OSError):
            pass  # a full disk must not interrupt drawing; the quit prompt still asks

    def close(self) -> None:
        """The window has closed: a job that finishes afterwards (or a timer still
        running) must not write a copy the next start would offer as a crash's."""
        self.closed = True
        self.timer.stop()

    def discard(self) -> None:
        self.timer.stop()
        self.wrote = False
        autosave_path().unlink(missing_ok=True)


def pending_autosave() -> Path | None:
    path = autosave_path()
    return path if path.is_file() else None

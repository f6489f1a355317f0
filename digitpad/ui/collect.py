"""Collect mode: the bar over the pad that asks for digits in a random order, as
data-collection apps do, for one named person's collection.

The bar only asks and counts; the window keeps each drawing (``AppSession.keep``) under
the person's name when Next is pressed, clears the pad, and moves the bar on.
"""

from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from . import style


class CollectBar(QWidget):
    """"Draw a 7" above the pad, with Next (Enter) and Stop. Each round of ten asks every
    digit once, in a new random order."""

    next_requested = Signal(int, str)  # (the digit asked for, the collection's name)
    stopped = Signal(int)  # how many were kept

    def __init__(self, parent: QWidget | None = None, seed: int | None = None):
        super().__init__(parent)
        self.setObjectName("collect_bar")
        self.random = random.Random(seed)
        self.name = ""
        self.queue: list[int] = []
        self.kept = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        self.prompt = QLabel()
        self.prompt.setObjectName("collect_prompt")
        self.prompt.setStyleSheet(style.WARNING_BANNER)
        layout.addWidget(self.prompt, 1)
        self.next_action = QAction(self.tr("Next"), self, triggered=self._next)
        self.next_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.next_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.next_action.setToolTip(self.tr("Keep this drawing as the digit asked for and ask for "
                                            "the next (Enter)"))
        self.stop_action = QAction(self.tr("Stop Collecting"), self, triggered=self.stop)
        for action, name in ((self.next_action, "collect_next"), (self.stop_action, "collect_stop")):
            button = QToolButton()
            button.setObjectName(name)
            button.setDefaultAction(action)
            layout.addWidget(button)
        self.addActions([self.next_action])
        self.hide()

    @property
    def active(self) -> bool:
        return bool(self.name)

    @property
    def asked(self) -> int | None:
        return self.queue[0] if self.queue else None

    def start(self, name: str) -> None:
        self.name, self.kept, self.queue = name, 0, []
        self._refill()
        self.show()
        self._show_prompt()

    def stop(self) -> None:
        if not self.active:
            return
        kept, self.name = self.kept, ""
        self.hide()
        self.stopped.emit(kept)

    def advance(self) -> None:
        """The drawing asked for was kept: ask for the next digit."""
        self.kept += 1
        self.queue.pop(0)
        self._refill()
        self._show_prompt()

    def _refill(self) -> None:
        if not self.queue:
            self.queue = list(range(10))
            self.random.shuffle(self.queue)

    def _next(self) -> None:
        if self.active and self.isVisible():
            self.next_requested.emit(self.asked, self.name)

    def _show_prompt(self) -> None:
        self.prompt.setText(self.tr("Collecting for <b>{name}</b>: draw a <b style='font-size:14pt'>"
                                    "{digit}</b>, then press Next · {kept} kept").format(
            name=self.name, digit=self.asked, kept=self.kept))

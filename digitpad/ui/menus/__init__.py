"""The main window's menus, one module per menu (as napari does): each ``create(window)``
makes that menu's actions, keeps each on the window under its name (``window.open_act``)
and fills the menu from the list of them (None: a separator). The window's slots do the
work; a menu module only says which action calls which."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


def fill(menu: QMenu, items: list[QAction | QMenu | None]) -> QMenu:
    """Add ``items`` to ``menu`` in order: actions, submenus, None for a separator."""
    for item in items:
        if item is None:
            menu.addSeparator()
        elif isinstance(item, QMenu):
            menu.addMenu(item)
        else:
            menu.addAction(item)
    return menu

"""The interface's colours and style sheets, in one place."""

from __future__ import annotations

import pyqtgraph as pg

EXPLAINING = "#4a5568"  # the colour of a panel's explanations
AXIS = "#8a94a6"
AXIS_TEXT = "#2d3748"
ACCENT = "#2b6cb0"  # sure readings, training loss, the corrected bars, a selection
WARNING_BACKGROUND, WARNING_TEXT, WARNING_EDGE = "#fff4d6", "#6b4a00", "#f0c36d"

WARNING_BANNER = (f"background: {WARNING_BACKGROUND}; color: {WARNING_TEXT}; "
                  f"border: 1px solid {WARNING_EDGE}; border-radius: 4px; padding: 6px 10px;")
EDITED_BADGE = (f"background: {WARNING_BACKGROUND}; color: {WARNING_TEXT}; "
                "border-radius: 3px; padding: 0 6px;")
EXPLAINING_TEXT = f"color: {EXPLAINING};"
CONFUSION_TABLE = ("QTableWidget { gridline-color: #e2e8f0; }"
                   "QTableWidget::item { padding: 0px; }"
                   f"QTableWidget::item:selected {{ background: {ACCENT}; color: white; }}")


def configure_plots() -> None:
    """pyqtgraph's global options for digitpad: images are (rows, columns) numpy arrays
    everywhere, and lines are smooth. Called before the first view is made."""
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)

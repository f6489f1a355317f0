"""What the feature-map and parameters dock tests share: classifiers that capture every
stage, drawings inked from the handwritten samples, a shown panel, a mosaic's tiles."""

import torch
from PySide6.QtCore import QPoint, QPointF

from digitpad.calibration import ink
from digitpad.capture import FEATURE_MAP_TYPES
from digitpad.classifier import Classifier
from digitpad.models import DeepCNN, SimpleCNN
from digitpad.samples import sample

ARCHES = {"SimpleCNN": SimpleCNN, "DeepCNN": DeepCNN}


def drawn(digit: int, style: int = 0):
    """A handwritten sample inked in numpy, as a 280x280 drawing."""
    return ink(sample(digit, style).strokes, size=280)


def make_classifier(arch: str, seed: int = 0) -> Classifier:
    """A freshly initialised model as the app holds it: every stage and shape captured."""
    torch.manual_seed(seed)
    return Classifier(ARCHES[arch](), capture_types=FEATURE_MAP_TYPES, record_shapes=True)


def shown(qtbot, panel, width: int, height: int):
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def pixels_of_tile(item, index):
    """Tile ``index`` as the ImageItem holds it (its own image array, not our buffer)."""
    y, x = item.mosaic.tile_origin(index)
    return item.values[y : y + item.mosaic.tile_h, x : x + item.mosaic.tile_w]


def hover(qtbot, view, item, y: int, x: int) -> None:
    """Rest the pointer on pixel (y, x) of ``item`` in the pyqtgraph ``view``, once the
    layout has settled. pyqtgraph drops a move within 10 ms of the last one (its
    mouseRateLimit), so the pointer comes in two moves, a pause apart, the last onto the
    pixel's centre."""
    for nudge in (QPoint(1, 1), QPoint(0, 0)):
        qtbot.wait(20)
        centre = view.mapFromScene(item.mapToScene(QPointF(x + 0.5, y + 0.5)))
        qtbot.mouseMove(view.viewport(), centre + nudge)

"""The panel interface the main window keeps: set_classifier, show_prediction,
parameters_edited."""

from __future__ import annotations

import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from digitpad.samples import sample
from digitpad.ui.panels import Panel

from .window_support import draw


class RecordingPanel(Panel):
    """A panel like the parameter editor: it edits the model in place and says so."""

    def __init__(self, session=None, parent=None):
        super().__init__("Recorder", "recorder", session, parent)
        self.classifiers, self.predictions = [], []

    def set_classifier(self, classifier):
        self.classifier = classifier
        self.classifiers.append(classifier)

    def show_prediction(self, prediction):
        self.predictions.append(prediction)

    def silence_the_output(self):
        with torch.no_grad():
            self.classifier.model.scale.zero_()  # every logit becomes 0
        self.parameters_edited.emit()


def test_an_added_panel_follows_model_and_predictions(window, qtbot):
    panel = window.add_panel(RecordingPanel(window.session, window), Qt.DockWidgetArea.LeftDockWidgetArea)
    assert panel in window.panels and panel.classifiers == [window.session.classifier]
    assert panel.toggleViewAction() in window.view_menu.actions()
    draw(window, sample(3).strokes, qtbot)
    assert panel.predictions[-1] is window.session.prediction  # the very object the others got
    assert panel.predictions[-1].digit == 3

    window.set_device("cpu")  # any model change rebuilds the panels
    assert len(panel.classifiers) == 2


def test_parameters_edited_reclassifies_and_refreshes_every_panel(window, qtbot):
    panel = window.add_panel(RecordingPanel(window.session, window), Qt.DockWidgetArea.LeftDockWidgetArea)
    draw(window, sample(3).strokes, qtbot)
    assert window.session.prediction.confidence > 0.9
    panel.silence_the_output()
    prediction = window.session.prediction
    assert abs(prediction.confidence - 0.1) < 1e-6  # ten equal logits
    assert panel.predictions[-1] is prediction
    assert window.probabilities.bars.opts["height"].max() < 0.11
    assert window.isWindowModified() and "[*]" in window.windowTitle()


def test_hidden_panels_skip_predictions_and_catch_up_when_shown(window, qtbot):
    panel = window.add_panel(RecordingPanel(window.session, window), Qt.DockWidgetArea.LeftDockWidgetArea)
    QApplication.processEvents()
    panel.hide()
    seen = len(panel.predictions)
    draw(window, sample(0).strokes, qtbot)
    assert len(panel.predictions) == seen
    panel.show()
    assert panel.predictions[-1] is window.session.prediction

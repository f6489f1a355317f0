"""The Device menu, and what the window remembers between runs (never in the user's settings)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from digitpad import classifier as classifier_module
from digitpad.samples import sample
from digitpad.ui import main_window as main_window_module
from digitpad.ui.app import open_settings
from digitpad.ui.main_window import MainWindow
from digitpad.ui.menus import model_menu

from .window_support import draw, shown_digit

REASON = "no CUDA device was found (test)"


@pytest.fixture
def no_cuda(monkeypatch):
    """CUDA unavailable, as on a machine without a GPU (also where there is one)."""
    monkeypatch.setattr(classifier_module, "cuda_unavailable_reason", lambda: REASON)
    monkeypatch.setattr(main_window_module, "cuda_unavailable_reason", lambda: REASON)
    monkeypatch.setattr(model_menu, "cuda_unavailable_reason", lambda: REASON)


def test_without_cuda_the_menu_says_why_and_the_model_stays_on_the_cpu(no_cuda, qtbot, settings,
                                                                       trained_weights, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    window = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(window)
    window.show()
    assert not window.cuda_act.isEnabled()
    assert REASON in window.cuda_act.toolTip()
    assert window.cpu_act.isChecked()

    window.set_device("cuda")  # as if chosen anyway (a saved setting, a script)
    assert window.session.classifier.device.type == "cpu"
    assert window.cpu_act.isChecked() and not window.cuda_act.isChecked()
    assert REASON in window.statusBar().currentMessage() and REASON in warnings[0]
    draw(window, sample(2).strokes, qtbot)
    assert shown_digit(window) == "2"  # and it keeps working


def test_a_saved_cuda_setting_falls_back_quietly(no_cuda, qtbot, settings, trained_weights,
                                                 monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail("no dialog at start"))
    settings.setValue("device", "cuda")
    window = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(window)
    assert window.session.classifier.device.type == "cpu"
    assert REASON in window.statusBar().currentMessage()


@pytest.mark.cuda
def test_switching_to_cuda_and_back_moves_the_model_live(window, qtbot):
    draw(window, sample(5).strokes, qtbot)
    on_cpu = window.session.prediction.probabilities
    window.cuda_act.trigger()
    assert window.session.classifier.device.type == "cuda" and window.cuda_act.isChecked()
    assert next(window.session.classifier.model.parameters()).is_cuda
    assert abs(window.session.prediction.probabilities - on_cpu).max() < 1e-4
    assert shown_digit(window) == "5"
    window.cpu_act.trigger()
    assert window.session.classifier.device.type == "cpu"


def test_tests_never_touch_the_users_settings(private_settings):
    settings = open_settings()
    assert settings.fileName() == str(private_settings)
    assert settings.format() == QSettings.Format.IniFormat


def test_the_window_remembers_its_state(qtbot, settings, trained_weights, tmp_path):
    first = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(first)
    # Within the offscreen screen's 800 x 600, above the window's least width with the
    # network view tabbed on the left (792), and not the default size.
    first.resize(796, 560)
    first.show()
    first.canvas.set_brush_size(30)
    first.steps_act.setChecked(True)
    first.probabilities.toggleViewAction().trigger()  # close the dock
    size = first.size()
    first.close()
    settings.sync()

    second = MainWindow(settings=QSettings(settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show()
    assert second.canvas.brush_size == 30 and second.brush_slider.value() == 30
    assert second.steps_act.isChecked()
    assert not second.probabilities.isVisible() and second.network_input.isVisible()
    assert second.size() == size and size.toTuple() == (796, 560)
    assert second.recent_files == []  # shipped weights are not a recent file
    assert second.session.classifier.device.type == "cpu" and second.session.classifier.arch == "SimpleCNN"


def test_recent_files_are_remembered(window, settings, tmp_path, qtbot):
    from digitpad.models import SimpleCNN
    from digitpad.weights import save_weights

    path = save_weights(tmp_path / "mine.pt", SimpleCNN())
    window.load_weights(path)
    window.close()
    again = MainWindow(settings=QSettings(settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.recent_files == [str(path.resolve())]

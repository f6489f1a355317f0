"""The app with hostile settings, metadata and disks (issue 17, cases 3, 6 and 15, and
--screenshot to an unwritable path)."""

import gc

import pytest
import torch
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from digitpad import cli
from digitpad.models import SimpleCNN
from digitpad.weights import save_weights

from .conftest import fill, tiny_disk


@pytest.fixture(scope="module", autouse=True)
def no_automatic_garbage_collection():
    """As in the app and tests/ui: collections only between tests, never inside Qt calls."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_between_tests(no_automatic_garbage_collection):
    yield
    gc.collect()


@pytest.fixture
def settings_path(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("DIGITPAD_SETTINGS", str(path))
    return path


@pytest.fixture
def dialogs(monkeypatch):
    shown = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *rest, kind=kind:
                            shown.append((kind, title, text)))
    return shown


def open_window(qtbot, settings, weights=None):
    from digitpad.ui.main_window import MainWindow

    window = MainWindow(settings=settings, weights=weights)
    qtbot.addWidget(window)
    return window


CORRUPT_INI = """[General]
brush_size=abc
show_steps=perhaps
language=en, zh_CN
architecture=SimpleCNN, DeepCNN
device=tpu
geometry=not a geometry
window_state=@ByteArray(garbage)
"""


@pytest.mark.parametrize("brush", ["abc", "12.5", "99999999999999999999", "-3"])
def test_corrupt_settings_never_stop_the_app_starting(qtbot, settings_path, dialogs, brush):
    from digitpad.ui.canvas import DEFAULT_BRUSH
    from digitpad.ui.translation import SYSTEM_LANGUAGE, chosen_language, install_language

    settings_path.write_text(CORRUPT_INI.replace("brush_size=abc", f"brush_size={brush}"))
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("recent_files", 5)  # an int where a list of paths belongs
    settings.sync()
    assert chosen_language(settings) == SYSTEM_LANGUAGE
    install_language(settings)  # raised before the error hook existed
    window = open_window(qtbot, settings)
    assert window.canvas.brush_size == DEFAULT_BRUSH
    assert window.recent_files == [] or window.recent_files == ["5"]
    classifier = window.session.classifier
    assert classifier.arch == "SimpleCNN" and classifier.device.type == "cpu"
    message = window.statusBar().currentMessage()
    for key in ("brush_size", "language", "architecture", "device", "show_steps"):
        assert key in message, message
    assert message.startswith("Ignored unreadable settings:")
    assert not [d for d in dialogs if d[0] == "critical"]
    window.close()  # and the settings it writes back are good ones
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).value("brush_size") in (
        DEFAULT_BRUSH, str(DEFAULT_BRUSH))


def test_a_list_where_a_list_belongs_but_of_numbers_is_ignored(qtbot, settings_path):
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("recent_files", [1, 2])
    window = open_window(qtbot, settings)
    assert window.recent_files == [] and "recent_files" in window.statusBar().currentMessage()


def hostile_weights(path):
    torch.manual_seed(0)
    return save_weights(path, SimpleCNN(), metadata={
        "epochs": "<h1>HACKED</h1><img src=/local/file>", "test_accuracy": 0.99,
        "date": "x" * 2_000_000})


def test_metadata_from_a_file_is_shown_as_short_plain_text(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, None, hostile_weights(tmp_path / "hostile.pt"))
    assert window.startup_error is None
    status = window.model_status
    assert status.textFormat() == Qt.TextFormat.PlainText
    assert "<h1>HACKED</h1>" in status.text() or "<h1>HACKED</h1><img" in status.text()
    assert len(status.text()) < 200
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_act.trigger()
    assert "<h1>HACKED" not in shown[0] and "&lt;h1&gt;HACKED" in shown[0]
    assert "<img src=/local" not in shown[0] and len(shown[0]) < 5000


def test_a_full_disk_keeps_the_weights_live_and_unsaved(qtbot, tmp_path, dialogs):
    window = open_window(qtbot, None)
    model, path_before = window.session.model, window.session.state.source.path
    with torch.no_grad():
        model.fc.bias.add_(1.0)  # a what-if edit, unsaved
    window.session.parameters_edited()
    with tiny_disk(tmp_path / "disk") as disk:
        fill(disk, leave_bytes=16 * 1024)
        assert window.save_weights(disk / "w.pt") is False
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    assert dialogs[-1][0] == "warning" and dialogs[-1][2].startswith("No space left on the disk: ")
    assert window.session.model is model and window.session.state.source.path == path_before
    assert window.isWindowModified()  # still unsaved: the user can save elsewhere
    assert window.save_weights(tmp_path / "elsewhere.pt") is True


@pytest.mark.parametrize("target,reason", [("missing/shot.png", "no such folder"),
                                           (".", "it is a folder")])
def test_screenshot_to_an_unwritable_path_says_why_before_rendering(tmp_path, capsys, monkeypatch,
                                                                   target, reason):
    from digitpad.ui import app

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered before the path was checked")

    monkeypatch.setattr(app, "create_app", no_rendering)
    assert cli.main(["--screenshot", str(tmp_path / target)]) == 1
    assert reason in capsys.readouterr().err

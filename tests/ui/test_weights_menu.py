"""Opening, saving and reverting weights from the File menu; architectures from the Model menu."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad import session as session_module
from digitpad.models import DeepCNN, SimpleCNN
from digitpad.samples import sample
from digitpad.ui.canvas import LOGICAL_SIZE
from digitpad.ui.main_window import MainWindow
from digitpad.weights import WeightsError, load_model, save_weights

from .window_support import draw, same_state, shown_digit, state_of


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes recorded instead of shown: (kind, title, text)."""
    shown = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *rest, kind=kind:
                            shown.append((kind, title, text)))
    # A warning with details (under Show Details) is a built box: its text and details.
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        ("warning", box.windowTitle(), f"{box.text()}\n{box.detailedText()}")))
    return shown


@pytest.fixture
def no_shipped_weights(monkeypatch, tmp_path):
    monkeypatch.setattr(session_module, "shipped_weights_path",
                        lambda arch="SimpleCNN": tmp_path / f"no-{arch}.pt")


BAD_FILES = {
    "garbage.pt": b"this is not a weights file at all",
    "empty.pt": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_shows_the_core_message_and_changes_nothing(window, qtbot, tmp_path, dialogs,
                                                               name):
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    with pytest.raises(WeightsError) as core:
        load_model(bad)
    draw(window, sample(3).strokes, qtbot)
    model, state, title = window.session.classifier.model, state_of(window), window.windowTitle()

    assert window.load_weights(bad) is False

    assert len(dialogs) == 1 and dialogs[0][0] == "warning"
    assert str(core.value) in dialogs[0][2]
    assert "Traceback" not in dialogs[0][2]
    assert window.session.classifier.model is model and same_state(state_of(window), state)
    assert window.windowTitle() == title
    window.canvas.clear()
    draw(window, sample(1).strokes, qtbot)
    assert shown_digit(window) == "1"  # still reading, with the old weights


def test_weights_of_the_wrong_shape_are_refused(window, tmp_path, dialogs):
    wrong = tmp_path / "wrong.pt"
    model = SimpleCNN()
    model.fc = torch.nn.Linear(16 * 13 * 13, 7)
    torch.save(model.state_dict(), wrong)
    state = state_of(window)
    assert window.load_weights(wrong) is False
    assert "fc.weight" in dialogs[0][2]
    assert same_state(state_of(window), state)


def test_open_weights_through_the_dialog(window, tmp_path, monkeypatch, dialogs):
    other = SimpleCNN()
    path = save_weights(tmp_path / "other.pt", other, metadata={"epochs": 3})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(path), ""))
    window.open_act.trigger()
    assert dialogs == []
    assert same_state(state_of(window), other.state_dict())
    assert window.windowTitle().startswith("other.pt")
    assert window.recent_files[0] == str(path.resolve())
    assert "3 epochs" in window.model_status.text()


def test_save_then_open_round_trips_exactly(window, qtbot, tmp_path, monkeypatch, dialogs):
    draw(window, sample(6).strokes, qtbot)
    before = window.session.prediction
    state = state_of(window)
    target = tmp_path / "saved.pt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(target), ""))
    window.save_as_act.trigger()
    assert dialogs == [] and target.is_file()
    assert window.windowTitle().startswith("saved.pt")

    fresh = MainWindow(weights=None)
    qtbot.addWidget(fresh)
    assert fresh.load_weights(target)
    assert fresh.session.classifier.model is not window.session.classifier.model
    assert same_state(state_of(fresh), state)
    assert load_model(target).file.metadata["saved_from"]
    again = fresh.session.classifier.classify_strokes(window.canvas.pen_strokes(), surface=LOGICAL_SIZE)
    assert (again.probabilities == before.probabilities).all()


def test_a_save_that_fails_says_why(window, tmp_path, dialogs):
    assert window.save_weights(tmp_path / "no such folder" / "w.pt") is False
    assert dialogs[0][0] == "warning" and "cannot save" in dialogs[0][2]
    assert not (tmp_path / "no such folder").exists()


def test_recent_files_reopen_and_drop_missing_ones(window, tmp_path, dialogs):
    first = save_weights(tmp_path / "first.pt", SimpleCNN())
    second = save_weights(tmp_path / "second.pt", SimpleCNN())
    window.load_weights(first)
    window.load_weights(second)
    assert window.recent_files[:2] == [str(second.resolve()), str(first.resolve())]
    window.fill_recent_menu()
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions[:2]] == ["&1 second.pt", "&2 first.pt"]
    actions[1].trigger()
    assert window.session.state.source.path == first.resolve()
    first.unlink()
    window.load_weights(first)
    assert str(first.resolve()) not in window.recent_files and len(dialogs) == 1


def test_without_shipped_weights_it_starts_random_and_says_so(qtbot, no_shipped_weights,
                                                              trained_weights):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    banner = window.warning_banner
    assert banner.isVisible() and "random" in banner.text() and "mean nothing" in banner.text()
    assert "random weights" in window.windowTitle()
    assert not window.revert_act.isEnabled()
    assert window.load_weights(trained_weights)
    assert not banner.isVisible()
    assert window.windowTitle().startswith(trained_weights.name)


def test_switching_architecture_uses_its_shipped_weights_or_random(window, qtbot, monkeypatch,
                                                                   tmp_path, dialogs):
    deep = DeepCNN()
    deep_file = save_weights(tmp_path / "deep.pt", deep)
    monkeypatch.setattr(session_module, "shipped_weights_path",
                        lambda arch="SimpleCNN": deep_file if arch == "DeepCNN" else tmp_path / "none")
    actions = {a.data(): a for a in window.arch_group.actions()}
    actions["DeepCNN"].trigger()
    assert window.session.classifier.arch == "DeepCNN" and actions["DeepCNN"].isChecked()
    assert same_state(state_of(window), deep.state_dict())
    assert not window.warning_banner.isVisible()
    draw(window, sample(0).strokes, qtbot)  # the new model reads the drawing
    assert window.session.prediction.has_digit

    actions["SimpleCNN"].trigger()  # no shipped SimpleCNN here: random, with the warning
    assert window.session.classifier.arch == "SimpleCNN" and isinstance(window.session.classifier.model, SimpleCNN)
    assert window.warning_banner.isVisible()
    assert dialogs == []


def test_a_file_of_another_architecture_switches_the_model_menu(window, tmp_path):
    window.load_weights(save_weights(tmp_path / "deep.pt", DeepCNN()))
    checked = [a.data() for a in window.arch_group.actions() if a.isChecked()]
    assert checked == ["DeepCNN"]


def test_revert_to_shipped_weights(window, tmp_path, monkeypatch, trained_weights, dialogs):
    monkeypatch.setattr(session_module, "shipped_weights_path", lambda arch="SimpleCNN": trained_weights)
    shipped = state_of(window)
    window.load_weights(save_weights(tmp_path / "other.pt", SimpleCNN()))
    assert not same_state(state_of(window), shipped)
    window.revert_act.trigger()
    assert same_state(state_of(window), shipped)
    assert window.session.state.source.path == trained_weights.resolve()


def test_a_bad_weights_argument_is_reported_at_start(qtbot, tmp_path, trained_weights, monkeypatch):
    monkeypatch.setattr(session_module, "shipped_weights_path", lambda arch="SimpleCNN": trained_weights)
    bad = tmp_path / "bad.pt"
    bad.write_text("nope")
    window = MainWindow(weights=bad)
    qtbot.addWidget(window)
    assert "bad.pt" in window.startup_error
    assert window.session.state.source.path == trained_weights.resolve()  # the shipped ones instead


def test_about_names_versions_device_and_provenance(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_act.trigger()
    text = shown[0]
    assert "PyTorch" in text and "Qt" in text and "CPU" in text
    assert str(window.session.state.source.path) in text
    assert "epochs" in text  # from the file's metadata

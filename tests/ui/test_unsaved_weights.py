"""Nothing lost: quitting with changed weights asks Save / Discard / Cancel (also while a
correction runs), unsaved weights are autosaved and offered back at the next start,
Save Weights As… never targets a shipped file, and weights errors read as plain words
with the details apart."""

from pathlib import Path

import pytest
import torch
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.samples import sample
from digitpad.ui.autosave import autosave_path
from digitpad.weights import save_weights, shipped_dir

from .window_support import draw, same_state, state_of

Button = QMessageBox.StandardButton


@pytest.fixture
def answers(monkeypatch):
    """QMessageBox.question answered from a list; the questions asked are kept."""
    asked, queue = [], []

    def question(parent, title, text, *rest, **kwargs):
        asked.append(text)
        return queue.pop(0) if queue else Button.Discard  # the closing at the end

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked, queue


def edit(window):
    window.parameters.select("scale")
    window.parameters.scalar_spin.setValue(0.5)
    assert window.isWindowModified()


def test_quitting_with_changed_weights_asks_and_cancel_keeps_the_window(window, answers):
    asked, queue = answers
    window.close()
    assert asked == []  # nothing changed: no question
    window.show()

    edit(window)
    queue.append(Button.Cancel)
    assert not window.close() and window.isVisible()
    assert "changed" in asked[-1]
    queue.append(Button.Discard)
    assert window.close()


def test_save_on_quit_saves_and_a_cancelled_save_keeps_the_window(window, answers, monkeypatch,
                                                                  tmp_path):
    asked, queue = answers
    edit(window)
    target = tmp_path / "mine.pt"
    chosen = {"path": ""}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (chosen["path"], ""))
    queue.append(Button.Save)  # and then the file dialog is cancelled
    assert not window.close()
    queue.append(Button.Save)
    chosen["path"] = str(target)
    edited = state_of(window)
    assert window.close()
    assert same_state(torch.load(target)["state_dict"], edited)


def test_quitting_mid_correction_asks(window, answers, qtbot):
    asked, queue = answers
    draw(window, sample(3).strokes, qtbot)
    assert window.correction.teach(8)
    assert window.session.jobs.busy
    queue.append(Button.Cancel)
    assert not window.close() and asked
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=120_000)


def test_unsaved_weights_are_autosaved_and_offered_at_the_next_start(
        window, answers, qtbot, settings, trained_weights):
    from digitpad.ui.main_window import MainWindow

    asked, queue = answers
    assert window.offer_unsaved_weights() is False and asked == []  # nothing pending
    edit(window)
    window.autosave.write_now()  # what its timer does a moment after the edit
    assert autosave_path().is_file()
    edited = state_of(window)
    window.autosave.wrote = False  # as if the app crashed: the copy stays

    again = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(again)
    queue.append(Button.Yes)
    assert again.offer_unsaved_weights()
    assert same_state(state_of(again), edited) and again.isWindowModified()

    queue.append(Button.Discard)  # quitting: the copy goes with the answer
    assert again.close() and not autosave_path().exists()


def test_nothing_is_autosaved_after_the_window_closed(window, answers, qtbot):
    # An edit starts the autosave timer; quitting with Discard must not leave a copy that
    # the timer (or a job finishing late) writes afterwards, to be offered as a crash's.
    asked, queue = answers
    edit(window)
    assert window.autosave.timer.isActive()
    queue.append(Button.Discard)
    assert window.close()
    assert not window.autosave.timer.isActive()
    window.autosave.write_now()  # what a late timer or a late job's edit would do
    qtbot.wait(50)
    assert not autosave_path().exists()


def test_declining_the_restore_removes_the_copy(window, answers, tmp_path):
    asked, queue = answers
    autosave_path().parent.mkdir(parents=True, exist_ok=True)
    save_weights(autosave_path(), window.session.model, arch=window.session.live().arch)
    before = state_of(window)
    queue.append(Button.Discard)
    assert window.offer_unsaved_weights() is False
    assert not autosave_path().exists() and same_state(state_of(window), before)


def test_save_as_opens_in_documents_and_refuses_a_shipped_file(window, monkeypatch, tmp_path):
    documents = tmp_path / "Documents"
    offered = []
    answer = {"path": ""}

    def get_save_file_name(parent, caption, suggestion, *rest, **kwargs):
        offered.append(Path(suggestion))
        return answer["path"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    monkeypatch.setattr("digitpad.ui.main_window.QStandardPaths.writableLocation",
                        lambda location: str(documents))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))

    assert not window.save_weights_dialog()
    assert offered[-1].parent == documents
    assert offered[-1].name not in {p.name for p in shipped_dir().iterdir()}

    shipped = shipped_dir() / "simplecnn.pt"
    before = shipped.read_bytes() if shipped.exists() else None
    answer["path"] = str(shipped)
    assert not window.save_weights_dialog()
    assert warnings and "shipped" in warnings[-1]
    assert (shipped.read_bytes() if shipped.exists() else None) == before

    answer["path"] = str(tmp_path / "elsewhere" / "mine.pt")
    (tmp_path / "elsewhere").mkdir()
    assert window.save_weights_dialog()
    window.save_weights_dialog()
    assert offered[-1].parent == tmp_path / "elsewhere"  # the last folder is remembered


def test_weights_errors_are_one_plain_line_with_the_details_apart(window, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((text, "")))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())))
    corrupt = tmp_path / "bad.pt"
    corrupt.write_bytes(b"\x80\x02]q\x00." * 3 + b"\x00" * 50)
    assert not window.load_weights(corrupt)
    text, _details = shown[-1]
    assert text.splitlines()[0].startswith("bad.pt: ") and "(" not in text.splitlines()[0]

    from digitpad.models import create_model

    wrong = tmp_path / "deep.pt"
    save_weights(wrong, create_model("DeepCNN"), arch="SimpleCNN")
    assert not window.load_weights(wrong)
    text, details = shown[-1]
    assert text.splitlines()[0].startswith("deep.pt: made for DeepCNN, not SimpleCNN: ")
    assert "block1.0.weight" not in text and "block1.0.weight" in details

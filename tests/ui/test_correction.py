"""Correcting the network from the app: "that was a 7" fine-tunes a copy in a worker, the
copy goes live, before and after are shown, and Undo brings the old weights back exactly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from digitpad.evaluate import accuracy
from digitpad.finetune import MAX_STEPS, Correction
from digitpad.ui import teaching
from digitpad.ui.panels import correction as correction_module

from .window_support import same_state, state_of

TIMEOUT_MS = 120_000


def place(window, qtbot, image):
    before = window.session.prediction
    window.canvas.place_image(image)
    qtbot.waitUntil(lambda: window.session.prediction is not before, timeout=5000)


@pytest.fixture
def misread(window, qtbot):
    """A test digit put on the pad that the network reads wrong, and its true label."""
    test_set = teaching.mnist("test")
    for index in range(len(test_set)):
        place(window, qtbot, test_set.images[index])
        if window.session.prediction.digit != test_set.labels[index]:
            return index, int(test_set.labels[index])
    pytest.fail("the network reads every test digit right")


def test_that_was_a_fixes_the_reading_shows_before_and_after_and_undoes_exactly(
        window, misread, qtbot, trained_weights):
    index, label = misread
    panel = window.correction
    window.correct_act.trigger()
    assert panel.isVisible()
    old = window.session.prediction
    assert f"<b>{old.digit}</b>" in panel.reading.text()
    before_model, before_state = window.session.classifier.model, state_of(window)
    test_set = teaching.mnist("test")
    images, labels = torch.from_numpy(np.array(test_set.images)), torch.from_numpy(test_set.labels)
    others = torch.arange(len(labels)) != index
    accuracy_before = accuracy(before_model, images[others], labels[others])

    QTest.mouseClick(panel.findChild(QToolButton, f"that_was_{label}"), Qt.MouseButton.LeftButton)
    assert window.session.jobs.busy and not panel.digit_buttons[0].isEnabled()
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)

    # The corrected copy is live and reads the drawing as the label.
    assert window.session.classifier.model is not before_model and window.session.prediction.digit == label
    assert same_state(before_model.state_dict(), before_state)  # the old model untouched
    # Before and after are shown: the bars hold the probabilities the correction measured.
    assert np.allclose(panel.before_bars.opts["height"], old.probabilities, atol=1e-5)
    assert np.allclose(panel.after_bars.opts["height"], window.session.prediction.probabilities, atol=1e-5)
    assert f"read as <b>{old.digit}</b>" in panel.status.text()
    assert f"After: <b>{label}</b>" in panel.status.text()
    # One correction does not wreck the rest: MNIST test accuracy barely moves.
    accuracy_after = accuracy(window.session.classifier.model, images[others], labels[others])
    assert accuracy_before - accuracy_after < 0.005
    # The weights are changed, in the same file's name, not saved.
    assert window.isWindowModified() and window.session.state.source.path == trained_weights.resolve()
    assert window.undo_correction_act.isEnabled() and panel.undo_button.isEnabled()

    window.undo_correction_act.trigger()
    assert window.session.classifier.model is before_model
    assert same_state(state_of(window), before_state)
    assert not window.isWindowModified() and window.session.prediction.digit == old.digit
    assert not window.undo_correction_act.isEnabled()
    assert "Undone" in panel.status.text()


def test_undo_is_forgotten_when_other_weights_come_in(window, misread, qtbot):
    index, label = misread
    panel = window.correction
    assert panel.teach(label)
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert window.undo_correction_act.isEnabled()
    window.set_architecture("DeepCNN")
    assert not window.undo_correction_act.isEnabled() and panel.undo_states == []


def test_nothing_to_correct_on_an_empty_pad(window):
    panel = window.correction
    assert not window.session.prediction.has_digit
    assert not any(button.isEnabled() for button in panel.digit_buttons)
    assert not panel.teach(3) and not window.session.jobs.busy
    assert "Draw a digit" in panel.status.text()


def test_a_correction_that_does_not_take_leaves_the_weights_alone(window, misread, qtbot,
                                                                 monkeypatch):
    index, label = misread
    probabilities = window.session.prediction.probabilities

    def stubborn(model, model_input, label, replay, **kwargs):
        # What `correct` returns when MAX_STEPS were not enough: the reading unchanged.
        return Correction(model=model, previous_state=model.state_dict(), label=label,
                          before=probabilities, after=probabilities, steps=MAX_STEPS,
                          guard_accuracy=(0.97, 0.97))

    monkeypatch.setattr(correction_module, "correct", stubborn)
    before_model, before_state = window.session.classifier.model, state_of(window)
    panel = window.correction
    assert panel.teach(label)
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert window.session.classifier.model is before_model and same_state(state_of(window), before_state)
    assert not window.isWindowModified() and not window.undo_correction_act.isEnabled()
    assert "could not learn" in panel.result.text()

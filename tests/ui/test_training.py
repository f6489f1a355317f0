"""Training inside the app: the core trainer in a worker thread on a small subset, curves
that grow, the other docks reading with the weights being trained, Cancel that keeps the
previous weights, and a result that is live and can be saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from digitpad.samples import sample
from digitpad.ui import teaching
from digitpad.ui.panels import training as training_module
from digitpad.weights import load_model

from .window_support import draw, same_state, state_of

SUBSET = 2000
TIMEOUT_MS = 120_000


@pytest.fixture
def training(window, qtbot):
    draw(window, sample(7).strokes, qtbot)  # a drawing for the docks to read while it learns
    panel = window.training
    panel.present()
    panel.images.setValue(SUBSET)
    panel.epochs.setValue(1)
    return panel


def wait_until_idle(window, qtbot):
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)


def test_training_runs_to_the_end_and_its_weights_go_live(window, training, qtbot, tmp_path,
                                                           monkeypatch):
    before_state = state_of(window)
    training.epochs.setValue(2)  # long enough for the event loop to turn many times
    seen = []  # what the GUI thread saw on each tick of a timer while training ran
    installed = []  # where each model the window read with came from
    install = window.session.install

    def recorded_install(model, path, metadata, **kwargs):
        installed.append(kwargs.get("origin"))
        install(model, path, metadata, **kwargs)

    monkeypatch.setattr(window.session, "install", recorded_install)

    def tick():
        seen.append((window.session.jobs.busy, training.progress.value()))

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    QTest.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    assert window.session.jobs.busy and training.cancel_button.isEnabled()
    assert not window.open_act.isEnabled() and not training.train_button.isEnabled()
    wait_until_idle(window, qtbot)
    timer.stop()

    # The event loop kept turning: the timer ticked while the job ran, and saw it progress.
    assert len({progress for busy, progress in seen if busy}) >= 3
    # The docks read the drawing with copies of the weights being trained, then the result.
    assert installed[0] == "training…" and installed[-1] == "trained here, unsaved"

    metadata = window.session.state.source.metadata
    assert metadata["train_images"] == SUBSET and metadata["epochs"] == 2
    assert 0.8 < metadata["test_accuracy"] <= 1
    assert window.session.state.source.path is None and "trained here, unsaved" in window.windowTitle()
    assert not window.warning_banner.isVisibleTo(window)  # trained, not random
    assert not same_state(state_of(window), before_state)
    assert window.open_act.isEnabled() and not training.cancel_button.isEnabled()
    assert training.progress.value() == training.progress.maximum()
    assert len(training.loss_curve.xData) == 2 * (SUBSET // 128 // 10 + 1)  # a point per report
    assert training.test_curve.yData[-1] == pytest.approx(100 * metadata["test_accuracy"])
    assert training.save_button.isVisibleTo(training)
    assert window.session.prediction.digit is not None  # the drawing read by the new weights

    saved = tmp_path / "trained.pt"
    assert window.save_weights(saved)
    loaded = load_model(saved)
    assert same_state(loaded.model.state_dict(), state_of(window))
    assert loaded.file.metadata["test_accuracy"] == pytest.approx(metadata["test_accuracy"])
    assert window.windowTitle().startswith("trained.pt")


def test_cancel_keeps_the_previous_weights_and_writes_nothing(window, training, qtbot, tmp_path,
                                                              monkeypatch, trained_weights):
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    weights_bytes = trained_weights.read_bytes()
    before_model, before_state = window.session.classifier.model, state_of(window)
    before_title, before_path = window.windowTitle(), window.session.state.source.path
    before_digit = window.session.prediction.digit
    training.epochs.setValue(3)

    assert training.start()
    # Wait until the window reads with a copy of the weights being trained.
    qtbot.waitUntil(lambda: window.session.classifier.model is not before_model, timeout=TIMEOUT_MS)
    assert "training" in window.windowTitle()
    QTest.mouseClick(training.cancel_button, Qt.MouseButton.LeftButton)

    # At once: the previous model, weights, file and title are back.
    assert window.session.classifier.model is before_model
    assert same_state(state_of(window), before_state)
    assert window.session.state.source.path == before_path and window.windowTitle() == before_title
    assert not window.isWindowModified() and "Cancelled" in training.status.text()
    assert training.progress.value() == 0
    assert window.session.prediction.digit == before_digit
    wait_until_idle(window, qtbot)
    assert window.session.classifier.model is before_model and same_state(state_of(window), before_state)
    assert list(folder.iterdir()) == [] and trained_weights.read_bytes() == weights_bytes
    assert training.train_button.isEnabled() and not training.cancel_button.isEnabled()


def test_continuing_from_the_current_weights(window, training, qtbot):
    before_state = state_of(window)
    training.start_choice.setCurrentIndex(1)
    training.learning_rate.setValue(0.001)
    assert training.start()
    wait_until_idle(window, qtbot)
    # It started from good weights, so one short epoch keeps them good.
    assert window.session.state.source.metadata["test_accuracy"] > 0.9
    assert not same_state(state_of(window), before_state)


def test_continuing_needs_the_same_network(window, training):
    training.arch_choice.setCurrentText("DeepCNN")
    assert not training.start_choice.model().item(1).isEnabled()
    assert training.start_choice.currentData() is False
    training.arch_choice.setCurrentText(window.session.classifier.arch)
    assert training.start_choice.model().item(1).isEnabled()


def test_a_failure_is_reported_and_keeps_the_previous_weights(window, training, qtbot, monkeypatch):
    def broken(config, train_set, test_set, **kwargs):
        raise RuntimeError("CUDA out of memory")
        yield  # a generator

    monkeypatch.setattr(training_module, "train", broken)
    before_model = window.session.classifier.model
    assert training.start()
    wait_until_idle(window, qtbot)
    assert window.session.classifier.model is before_model
    assert "CUDA out of memory" in training.status.text()
    assert "Traceback" not in training.status.text()


def test_without_mnist_it_says_what_to_do(window, training, monkeypatch):
    monkeypatch.setattr(teaching, "local_mnist_dir", lambda: None)
    assert not training.start()
    assert not window.session.jobs.busy
    assert "digitpad eval" in training.status.text() and "DIGITPAD_DATA" in training.status.text()


def test_closing_the_window_mid_training_stops_the_worker(window, training, qtbot):
    before_model = window.session.classifier.model
    training.epochs.setValue(5)
    assert training.start()
    worker = window.session.jobs.worker
    qtbot.waitUntil(lambda: window.session.classifier.model is not before_model, timeout=TIMEOUT_MS)
    window.close()
    assert worker.isFinished() and not window.session.jobs.busy
    assert window.session.classifier.model is before_model  # what the settings remember


@pytest.mark.cuda
def test_training_on_cuda(window, training, qtbot):
    training.device_choice.setCurrentIndex(training.device_choice.findData("cuda"))
    assert training.start()
    wait_until_idle(window, qtbot)
    assert window.session.state.source.metadata["device"].startswith("cuda")
    assert window.session.state.source.metadata["test_accuracy"] > 0.8

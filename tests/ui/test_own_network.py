"""A network of one's own in the app: File ▸ Open Network… says that a Python file runs
before it does, remembers the answer per content, shows a broken network's error and keeps
the live one; every panel shows what opens; a module's output can be shown on demand;
File ▸ Export Network writes what onnxruntime reads with the live probabilities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from digitpad.capture import hook_count
from digitpad.models import MODEL_SPECS
from digitpad.networks import export_onnx, forget
from digitpad.samples import sample
from digitpad.ui.panels.parameters import TREE_SHAPE, TREE_TYPE
from digitpad.weights import load_model

from .window_support import bring_forward, draw

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
onnxruntime = pytest.importorskip("onnxruntime")


@pytest.fixture(autouse=True)
def registry_as_it_was():
    before = set(MODEL_SPECS)
    yield
    for name in set(MODEL_SPECS) - before:
        forget(name)


class Answers:
    """Clicks the buttons named, one per modal dialog, as they come up; keeps what each said."""

    def __init__(self, *buttons: str):
        self.buttons = list(buttons)
        self.seen: list[tuple[str, str, str]] = []
        QTimer.singleShot(20, self._answer)

    def _answer(self) -> None:
        if not self.buttons:
            return
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if self.buttons:
                QTimer.singleShot(20, self._answer)
            return
        self.seen.append((box.windowTitle(), box.text(), box.detailedText()))
        wanted = self.buttons.pop(0)
        for button in box.findChildren(QPushButton):
            if button.text().replace("&", "") == wanted:
                button.click()
                break
        if self.buttons:
            QTimer.singleShot(20, self._answer)


def open_from_menu(window, monkeypatch, path, *answers) -> Answers:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    said = Answers(*answers)
    window.open_network_act.trigger()
    said.buttons.clear()  # dialogs that did not come up are not waited for
    return said


def test_a_python_network_runs_only_after_the_user_agrees_once_per_content(window, monkeypatch, qtbot, tmp_path):
    path = tmp_path / "lenet5.py"
    path.write_text((EXAMPLES / "lenet5.py").read_text())
    live = window.session.model
    said = open_from_menu(window, monkeypatch, path, "Cancel")
    assert said.seen[0][0] == "Run this Python file?" and "runs the Python code" in said.seen[0][1]
    assert window.session.model is live  # nothing ran, nothing changed
    said = open_from_menu(window, monkeypatch, path, "Run and Open")
    assert len(said.seen) == 1 and window.session.live().spec.source.name == "LeNet5"
    assert window.session.live().is_random and window.warning_banner.isVisible()
    assert "Train…" in window.warning_banner.text()
    window.warning_banner.linkActivated.emit("train")  # the banner offers Train
    assert window.training.isVisible() and window.training.arch_choice.currentData() == window.session.live().arch
    # Remembered for this content: no question the second time; asked again once it changes.
    window.set_architecture("SimpleCNN")
    said = open_from_menu(window, monkeypatch, path, "Run and Open")
    assert said.seen == [] and window.session.live().spec.source.name == "LeNet5"
    path.write_text(path.read_text() + "\n# changed\n")
    said = open_from_menu(window, monkeypatch, path, "Cancel")
    assert said.seen and said.seen[0][0] == "Run this Python file?"
    assert window.session.live().spec.source.sha256 != __import__("digitpad.networks").networks.file_hash(path)


@pytest.mark.parametrize("code, message", [
    ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = nn.Linear(784, 128)\n    def forward(self, x):\n        return self.fc(x.flatten(1))\n",
     "returned shape (1, 128)"),
    ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = nn.Linear(784, 10)\n    def forward(self, x):\n        raise RuntimeError('oops')\n",
     "RuntimeError: oops"),
    ("import no_such_module_here\n", "failed to import: ModuleNotFoundError"),
])
def test_a_broken_network_shows_its_error_and_the_live_one_stays(window, monkeypatch, tmp_path, qtbot, code, message):
    path = tmp_path / "broken.py"
    path.write_text("import torch.nn as nn\n" + code)
    live, arch = window.session.model, window.session.live().arch
    hooks = hook_count(live)
    said = open_from_menu(window, monkeypatch, f"{path}", "Run and Open", "OK")
    title, text, details = said.seen[-1]
    assert title == "Cannot open the network" and message in text
    assert "The live network stays as it was." in text
    if "oops" in message or "import" in message:
        assert "Traceback" in details  # under Show Details, never in the message itself
    assert window.session.model is live and window.session.live().arch == arch
    assert hook_count(live) == hooks


def test_every_panel_shows_the_lesson_network(window, qtbot, tmp_path):
    assert window.networks.open(EXAMPLES / "lesson_net.py", "LessonNet", ask=False)
    model = window.session.model
    draw(window, sample(3).strokes, qtbot)
    prediction = window.session.prediction
    assert prediction.has_digit and prediction.probabilities.shape == (10,)
    # Feature maps of every Conv2d.
    convolutions = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    assert convolutions == ["features.0.0", "features.1.0"]
    bring_forward(window.feature_maps, qtbot)  # a dock behind a tab is built when shown
    assert window.feature_maps.shown_layers() == convolutions
    # The parameters table and the Modules tree: ParameterList, ParameterDict, register_parameter,
    # the ModuleDict of heads, the buffer and the nested Sequentials.
    table = window.parameters.table
    names = [table.item(row, 0).text() for row in range(table.rowCount() - 1)]  # then the total
    assert names == [name for name, _ in model.named_parameters()]
    assert {"block_gains.0", "head_mix.fine", "temperature", "heads.fine.2.weight"} <= set(names)
    tree = window.parameters.tree_items
    assert {"features.1.0", "heads", "heads.fine.2", "block_gains", "head_mix"} <= set(tree)
    root_children = [(tree[""].child(i).text(TREE_TYPE), tree[""].child(i).text(TREE_SHAPE))
                     for i in range(tree[""].childCount())]
    assert ("Buffer", "[1]") in root_children and ("Parameter", "[]") in root_children
    # Evidence: Grad-CAM on a convolution the user picks, and saliency.
    evidence = window.evidence
    evidence.choose(None, "grad-cam")
    layers = [evidence.layer_choice.itemData(i) for i in range(evidence.layer_choice.count())]
    assert layers == [None, *convolutions]
    evidence.layer_choice.setCurrentIndex(evidence.layer_choice.findData("features.0.0"))
    assert evidence.evidence.method == "grad-cam" and evidence.evidence.layer == "features.0.0"
    assert evidence.evidence.grid.shape == (28, 28)
    evidence.choose(None, "saliency")
    assert evidence.evidence.method == "saliency" and np.abs(evidence.evidence.grid).sum() > 0
    # Certainty and the stroke timeline read it too.
    qtbot.waitUntil(lambda: not window.uncertainty.fitting(), timeout=60_000)
    assert window.timeline.timeline.entries
    np.testing.assert_allclose(window.timeline.timeline.probabilities()[-1], prediction.probabilities, rtol=1e-6)


def test_a_modules_output_is_shown_on_demand_and_its_hook_removed_after(window, qtbot):
    assert window.networks.open(EXAMPLES / "lesson_net.py", "LessonNet", ask=False)
    model = window.session.model
    hooks = hook_count(model)  # the app hooks every module once, to note output shapes
    capture = window.session.classifier.capture
    assert "heads.fine.2" not in capture.module_names
    # The fine head's last Linear: no Conv2d, and no view watches it (the network view
    # watches the hidden Linears, heads.fine.0 among them, for as long as the model is live).
    action, = window.parameters.module_actions("heads.fine.2")
    action.trigger()
    assert "heads.fine.2" in capture.module_names and hook_count(model) == hooks  # moved, none leaked
    draw(window, sample(7).strokes, qtbot)
    bring_forward(window.feature_maps, qtbot)
    assert "heads.fine.2" in window.feature_maps.shown_layers()
    assert window.session.prediction.feature_maps["heads.fine.2"].shape == (10,)
    assert window.parameters.tree_items["heads.fine.2"].font(0).bold()
    action, = window.parameters.module_actions("heads.fine.2")
    assert action.isChecked()
    action.trigger()
    assert "heads.fine.2" not in capture.module_names and hook_count(model) == hooks
    assert "heads.fine.2" not in window.feature_maps.shown_layers()


def test_an_onnx_network_opens_without_code_and_shows_its_constants(window, qtbot, tmp_path, trained_weights):
    simple = load_model(trained_weights).model
    export_onnx(simple, tmp_path / "simple.onnx")
    assert window.networks.open(tmp_path / "simple.onnx")
    state = window.session.live()
    assert state.spec.source.kind == "onnx" and not state.is_random
    assert not window.warning_banner.isVisible()  # the file brought its weights
    draw(window, sample(3).strokes, qtbot)
    x = torch.from_numpy(window.session.prediction.model_input)[None, None]
    with torch.no_grad():
        expected = simple(x).softmax(1)[0].numpy()
    np.testing.assert_allclose(window.session.prediction.probabilities, expected, atol=1e-5)
    constants = [(item.text(TREE_TYPE), item.text(TREE_SHAPE)) for item in window.parameters.tree.findItems(
        "onnx_initializer", __import__("PySide6.QtCore").QtCore.Qt.MatchFlag.MatchContains
        | __import__("PySide6.QtCore").QtCore.Qt.MatchFlag.MatchRecursive)]
    assert constants == [("Constant", "[]")]
    bring_forward(window.feature_maps, qtbot)
    assert window.feature_maps.shown_layers()  # its Conv2d, rebuilt by onnx2torch


def test_export_network_writes_the_live_weights_edits_included(window, monkeypatch, qtbot, tmp_path):
    assert window.networks.open(EXAMPLES / "lenet5.py", "LeNet5", ask=False)
    with torch.no_grad():
        window.session.model.conv1.weight[0].zero_()
    window.session.parameters_edited()
    draw(window, sample(4).strokes, qtbot)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "mine"), ""))
    window.export_onnx_act.trigger()
    path = tmp_path / "mine.onnx"
    assert path.is_file() and "Exported mine.onnx" in window.statusBar().currentMessage()
    x = torch.from_numpy(window.session.prediction.model_input)[None, None]
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    exported = torch.from_numpy(session.run(None, {"input": x.numpy()})[0]).softmax(1)[0].numpy()
    np.testing.assert_allclose(exported, window.session.prediction.probabilities, atol=1e-5, rtol=0)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "mine.safetensors"), ""))
    window.export_safetensors_act.trigger()
    loaded = load_model(tmp_path / "mine.safetensors")
    assert loaded.arch == window.session.live().arch
    assert torch.equal(loaded.model.conv1.weight, window.session.model.conv1.weight.cpu())
    assert window.session.live().source.path is None  # an export is a copy: the source stays


@pytest.mark.slow
def test_correct_it_and_evaluate_work_on_an_opened_network(window, qtbot, tmp_path, trained_weights):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolButton

    from digitpad.ui import teaching

    export_onnx(load_model(trained_weights).model, tmp_path / "trained.onnx")
    assert window.networks.open(tmp_path / "trained.onnx")  # trained: corrections can take
    arch = window.session.live().arch
    test_set = teaching.mnist("test")
    for index in range(len(test_set)):  # a digit it reads wrong
        before = window.session.prediction
        window.canvas.place_image(test_set.images[index])
        qtbot.waitUntil(lambda before=before: window.session.prediction is not before, timeout=5000)
        if window.session.prediction.digit != test_set.labels[index]:
            break
    label = int(test_set.labels[index])
    model = window.session.model
    window.correct_act.trigger()
    QTest.mouseClick(window.correction.findChild(QToolButton, f"that_was_{label}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=120_000)
    assert window.session.model is not model and window.session.live().arch == arch
    assert window.session.prediction.digit == label
    window.evaluation.present()
    qtbot.waitUntil(lambda: not window.session.jobs.busy and window.evaluation.result is not None,
                    timeout=120_000)
    assert window.evaluation.result.count == len(test_set) and window.evaluation.result.accuracy > 0.9
    assert window.evaluation.status.text().startswith("trained (ONNX) · weights from trained.onnx")

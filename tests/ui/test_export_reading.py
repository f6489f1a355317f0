"""File ▸ Export Reading… writes the reading's pictures and numbers into a chosen folder;
problems are shown in a dialog, success in the status bar."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.explain import Explainer
from digitpad.export import grey_levels
from digitpad.samples import sample

from .insight_support import draw_each


@pytest.fixture
def dialogs(monkeypatch):
    """The folder the dialog answers with, and the messages shown instead of dialogs."""
    answer = {"folder": ""}
    shown = []
    answer["suggested"] = []

    def get_save_file_name(parent, caption, suggestion, *rest, **kwargs):
        answer["suggested"].append(suggestion)
        return answer["folder"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda parent, title, text, *a, kind=kind: shown.append((kind, title, text)))
    return answer, shown


def test_export_writes_the_files_with_the_reading(window, qtbot, tmp_path, dialogs):
    answer, shown = dialogs
    assert window.export_act.shortcut().toString() == "Ctrl+Shift+E"
    window.export_act.trigger()  # nothing drawn: nothing to export
    assert shown[-1][:2] == ("information", "Nothing to export")

    draw_each(window, sample(6).strokes, qtbot)
    window.evidence.choose(target=5)
    answer["folder"] = str(tmp_path / "reading")
    window.export_act.trigger()
    assert len(shown) == 1
    folder = tmp_path / "reading"
    names = {"canvas.png", "input.png", "features_conv1.png", "features_pool.png",
             "evidence.png", "evidence_canvas.png", "probabilities.json"}
    assert {p.name for p in folder.iterdir()} == names
    # The dialog takes a new folder's name, and suggests one that does not exist yet.
    assert not Path(answer["suggested"][-1]).exists()
    window.export_act.trigger()
    assert Path(answer["suggested"][-1]).parent == tmp_path  # beside the last export
    assert Path(answer["suggested"][-1]).name == "digitpad-reading-1"
    assert window.statusBar().currentMessage() == f"Exported {len(names)} files to {folder}"

    prediction = window.session.prediction
    record = json.loads((folder / "probabilities.json").read_text())
    assert record["digit"] == prediction.digit == 6
    np.testing.assert_allclose(record["probabilities"], prediction.probabilities, atol=1e-6)
    evidence = Explainer(window.session.classifier).explain(prediction, 5)
    assert record["evidence"]["target"] == 5 and record["evidence"]["method"] == "exact"
    assert record["evidence"]["logit"] == pytest.approx(evidence.logit, abs=1e-5)
    assert record["uncertainty"]["confidence"] == pytest.approx(prediction.confidence, abs=1e-6)
    assert record["info"]["arch"] == "SimpleCNN" and record["info"]["edited_parameters"] == []
    canvas = np.asarray(Image.open(folder / "canvas.png"))
    np.testing.assert_array_equal(canvas, grey_levels(1.0 - prediction.steps.image, 0.0, 1.0))
    np.testing.assert_array_equal(np.asarray(Image.open(folder / "input.png")),
                                  grey_levels(prediction.steps.centred, 0.0, 1.0))
    assert Image.open(folder / "evidence_canvas.png").size == (280, 280)


def test_an_export_that_cannot_be_written_says_why(window, qtbot, tmp_path, dialogs):
    answer, shown = dialogs
    draw_each(window, sample(1).strokes, qtbot)
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    answer["folder"] = str(blocker / "reading")
    window.export_act.trigger()
    kind, title, text = shown[-1]
    assert (kind, title) == ("warning", "Cannot export the reading")
    assert "a file" in text and "Nothing else was changed" in text
    assert not window.statusBar().currentMessage().startswith("Exported")

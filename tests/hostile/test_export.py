"""Export Reading onto a disk that fills up half way (issue 17, case 9)."""

import numpy as np
import pytest
from PIL import Image

from digitpad.classifier import Classifier
from digitpad.explain import Explainer
from digitpad.export import ExportError, export_reading
from digitpad.synthetic import render_strokes

from .conftest import fill, tiny_disk


@pytest.fixture(scope="module")
def readings(shipped_model):
    classifier = Classifier(shipped_model)
    explainer = Explainer(classifier)
    explainer.anatomy()
    first = classifier.classify(render_strokes([[(60, 50), (170, 50), (100, 200)]], size=200))
    second = classifier.classify(render_strokes([[(100, 30), (100, 190)]], size=200))
    return [(p, explainer.explain(p)) for p in (first, second)]


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("fail_at", [1, 3, 5, 6])  # of 6 PNGs
def test_a_failure_half_way_changes_nothing(tmp_path, readings, monkeypatch, fail_at):
    (old, old_evidence), (new, new_evidence) = readings
    export_reading(tmp_path, old, evidence=old_evidence)
    (tmp_path / "notes.txt").write_text("the user's own file")
    before = snapshot(tmp_path)
    real_save, calls = Image.Image.save, []

    def save_until_full(self, handle, format=None, **kwargs):
        calls.append(1)
        if len(calls) == fail_at:
            raise OSError(28, "No space left on device")
        return real_save(self, handle, format=format, **kwargs)

    monkeypatch.setattr(Image.Image, "save", save_until_full)
    with pytest.raises(ExportError, match=f"No space left on the disk: cannot save {tmp_path}/\\w+\\.png$"):
        export_reading(tmp_path, new, evidence=new_evidence)
    assert snapshot(tmp_path) == before  # all from the old reading, no temporary folder


def test_a_really_full_disk_leaves_the_old_reading_whole(tmp_path, readings):
    (old, old_evidence), (new, new_evidence) = readings
    with tiny_disk(tmp_path / "disk", size_kb=1024) as disk:
        export_reading(disk, old, evidence=old_evidence)
        before = snapshot(disk)
        fill(disk, leave_bytes=40 * 1024)  # room for some of the new files, not all
        with pytest.raises(ExportError, match="No space left on the disk"):
            export_reading(disk, new, evidence=new_evidence)
        after = snapshot(disk)
        after.pop("filler")
        assert after == before


def test_a_complete_export_replaces_every_file(tmp_path, readings):
    (old, old_evidence), (new, new_evidence) = readings
    export_reading(tmp_path, old, evidence=old_evidence)
    paths = export_reading(tmp_path, new, evidence=new_evidence)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    canvas = np.asarray(Image.open(tmp_path / "canvas.png"))
    np.testing.assert_array_equal(canvas, np.round((1 - new.steps.image) * 255).astype(np.uint8))

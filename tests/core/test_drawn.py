"""The drawn-digit evaluation, and training with pen data mixed in."""

import json

import numpy as np
import pytest

from digitpad import cli
from digitpad.data import Digits
from digitpad.drawn import BRUSHES, PAD, SIZES, DrawnSet, evaluate_drawn, prepare, replays
from digitpad.pendata import PenDigits, mnist_strokes, unipen_dir
from digitpad.train import EpochEvent, TrainConfig, train
from digitpad.weights import load_model

needs_unipen = pytest.mark.skipif(unipen_dir() is None, reason="UNIPEN data not found "
                                  "(../shared/data/unipen-1a or $DIGITPAD_UNIPEN)")


@pytest.fixture(scope="module")
def stroke_digits(mnist_test):
    return mnist_strokes(mnist_test.images[:300], mnist_test.labels[:300])


def test_replays_span_the_pad_sizes_and_brushes(stroke_digits):
    placed = replays(stroke_digits, np.random.default_rng(0))
    sizes = np.array([r.size for r in placed])
    brushes = np.array([r.brush for r in placed])
    assert SIZES[0] <= sizes.min() < 0.35 and 0.8 < sizes.max() <= SIZES[1]
    assert BRUSHES[0] <= brushes.min() < 12 and 40 < brushes.max() <= BRUSHES[1]
    for replay in placed[:50]:
        points = np.concatenate([s.points for s in replay.strokes])
        assert points.min() >= 0 and points.max() <= PAD
        extent = (points.max(0) - points.min(0)).max()
        assert extent == pytest.approx(replay.size * PAD, abs=1.0)


def test_the_evaluation_reports_every_bucket_and_confusion(simple_model, stroke_digits):
    sets = [DrawnSet("mnist-strokes", stroke_digits)]
    result = evaluate_drawn(simple_model, sets)
    assert result.count == 300
    assert result.accuracy > 0.85  # chance is 0.10
    assert sum(n for _, _, n in result.per_size) == 300 == sum(n for _, _, n in result.per_brush)
    for _, accuracy, count in result.per_size + result.per_brush:
        assert count > 30 and 0 <= accuracy <= 1
    wrong = int(300 - round(result.accuracy * 300))
    assert sum(n for _, _, n in result.top_confusions(100)) == wrong
    as_json = json.loads(json.dumps(result.as_dict()))
    assert as_json["per_set"]["mnist-strokes"] == pytest.approx(result.accuracy)
    assert len(as_json["per_digit"]) == 10 and len(as_json["per_size"]) == 4


def test_the_pixel_path_reads_the_same_replays_for_comparison(simple_model, stroke_digits):
    sets = [DrawnSet("mnist-strokes", PenDigits(stroke_digits.strokes[:60], stroke_digits.labels[:60],
                                                stroke_digits.writers[:60]))]
    strokes = prepare(sets, "strokes")
    pixels = prepare(sets, "pixels")
    assert np.array_equal(strokes[0], pixels[0]) and np.array_equal(strokes[1], pixels[1])
    assert not np.allclose(strokes[4], pixels[4])  # different pictures of the same drawings
    assert evaluate_drawn(simple_model, sets, path="pixels", prepared=pixels).accuracy > 0.6


def test_training_mixes_pen_drawings_in_and_records_them(mnist_train, stroke_digits, tmp_path):
    mnist = Digits(mnist_train.images[:1200], mnist_train.labels[:1200])
    config = TrainConfig(epochs=1, batch_size=64, pen_share=0.25)
    events = list(train(config, mnist, out=tmp_path / "pen.pt", pen_set=stroke_digits,
                        pen_validation=stroke_digits, pen_record={"source": "test strokes"}))
    epoch = [e for e in events if isinstance(e, EpochEvent)][0]
    assert epoch.pen_accuracy is not None and epoch.pen_accuracy > 0.3
    meta = load_model(tmp_path / "pen.pt").file.metadata
    assert meta["pen_data"]["source"] == "test strokes" and meta["pen_data"]["share"] == 0.25
    assert meta["pen_data"]["drawings"] == 300 and meta["pen_data"]["variation"]["rotation"] > 0
    # 48 MNIST digits a step (the rest of the batch is pen data), as many steps as fit.
    assert epoch.images_per_second > 0


@needs_unipen
@pytest.mark.slow
def test_cli_eval_drawn_prints_json(capsys, simple_weights, mnist_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # traced afresh, not into the user's cache
    assert cli.main(["eval", "--drawn", "--json", "--weights", str(simple_weights),
                     "--data", str(mnist_dir)]) == 0
    printed = capsys.readouterr()
    assert "strokes (once): 10000/10000" in printed.err  # the slow first time shows progress
    assert len(list((tmp_path / "digitpad" / "strokes").glob("mnist-strokes-*.npz"))) == 1
    result = json.loads(printed.out)
    assert set(result["per_set"]) == {"unipen-validation", "mnist-strokes"}
    assert result["drawings"] > 13_000 and 0.5 < result["accuracy"] <= 1
    assert [b["drawings"] > 0 for b in result["per_brush"]] == [True] * 4

"""Evaluation: accuracy, per-class accuracy and confusion agree; the perturbed test set
is fixed; `digitpad eval` reports them."""

import json

import numpy as np
import pytest
import torch

from digitpad import cli
from digitpad.data import Digits
from digitpad.evaluate import PERTURBATION, confusion_matrix, evaluate, perturbed_copy, predict
from digitpad.weights import save_weights


def test_confusion_matrix_counts_pairs():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([0, 1, 1, 2, 0, 2])
    confusion = confusion_matrix(labels, predictions)
    assert confusion.shape == (10, 10) and confusion.sum() == 6
    assert confusion[0, 0] == 1 and confusion[0, 1] == 1 and confusion[2, 0] == 1 and confusion[2, 2] == 2


def test_evaluation_is_consistent(simple_model, mnist_test):
    subset = Digits(mnist_test.images[:2000], mnist_test.labels[:2000])
    result = evaluate(simple_model, subset)
    predictions = predict(simple_model, torch.from_numpy(np.array(subset.images))).numpy()

    assert result.count == 2000 and result.confusion.sum() == 2000
    assert np.array_equal(result.predictions, predictions)  # each image's reading, in order
    assert result.accuracy == pytest.approx((predictions == subset.labels).mean())
    assert np.trace(result.confusion) == (predictions == subset.labels).sum()
    assert (result.confusion.sum(axis=1) == np.bincount(subset.labels, minlength=10)).all()
    for digit in range(10):
        mine = subset.labels == digit
        assert result.per_class[digit] == pytest.approx((predictions[mine] == digit).mean())
    assert 0.8 < result.accuracy < 1.0
    # People's drawings are harder than MNIST's own test set.
    assert 0.3 < result.perturbed_accuracy < result.accuracy


def test_the_perturbed_test_set_is_fixed(mnist_test):
    images = mnist_test.images[:200]
    first, again = perturbed_copy(images), perturbed_copy(images)
    assert first.dtype == np.uint8 and first.shape == images.shape
    assert np.array_equal(first, again)
    assert (first != images).any(axis=(1, 2)).all()  # every digit is perturbed
    assert not np.array_equal(perturbed_copy(images, seed=1), first)


def test_cli_eval_json(simple_model, mnist_dir, tmp_path, capsys):
    weights = save_weights(tmp_path / "w.pt", simple_model)
    assert cli.main(["eval", "--weights", str(weights), "--data", str(mnist_dir), "--json",
                     "--device", "cpu"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["arch"] == "SimpleCNN" and report["images"] == 10000
    confusion = np.array(report["confusion"])
    assert confusion.sum() == 10000
    assert report["accuracy"] == pytest.approx(np.trace(confusion) / 10000)
    assert report["perturbation"]["rotation"] == PERTURBATION.rotation
    assert 0 < report["perturbed_accuracy"] < report["accuracy"]


def test_cli_eval_text(simple_model, mnist_dir, tmp_path, capsys):
    weights = save_weights(tmp_path / "w.pt", simple_model)
    assert cli.main(["eval", "--weights", str(weights), "--data", str(mnist_dir), "--device", "cpu"]) == 0
    text = capsys.readouterr().out
    assert "perturbed accuracy" in text and "confusion" in text


def test_cli_eval_bad_weights(mnist_dir, tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not weights")
    with pytest.raises(SystemExit, match="bad.pt"):
        cli.main(["eval", "--weights", str(bad), "--data", str(mnist_dir)])


@pytest.mark.cuda
def test_evaluation_on_cuda_matches_cpu(simple_model, mnist_test):
    subset = Digits(mnist_test.images[:1000], mnist_test.labels[:1000])
    on_cpu = evaluate(simple_model, subset, "cpu")
    on_cuda = evaluate(simple_model, subset, "cuda")
    assert abs(on_cuda.accuracy - on_cpu.accuracy) <= 0.002
    assert abs(on_cuda.perturbed_accuracy - on_cpu.perturbed_accuracy) <= 0.003

import numpy as np
import pytest
import torch

from digitpad.capture import hook_count
from digitpad.classifier import Classifier
from digitpad.finetune import correct, distorted_copies
from digitpad.preprocess import BLANK_INPUT as BLANK, normalise

CORRECTIONS = 2


def accuracy(model, inputs, labels):
    with torch.no_grad():
        return float((model(torch.from_numpy(inputs).unsqueeze(1)).argmax(1).numpy() == labels).mean())


def misreads(model, inputs, labels, count):
    """Test digits read wrongly whose true label was the runner-up: what users correct."""
    with torch.no_grad():
        ranked = model(torch.from_numpy(inputs).unsqueeze(1)).argsort(dim=1, descending=True).numpy()
    return [i for i in np.flatnonzero(ranked[:, 0] != labels) if ranked[i, 1] == labels[i]][:count]


def test_a_correction_fixes_the_drawing_without_wrecking_the_model(simple_model, mnist_train, mnist_test):
    inputs = normalise(mnist_test.images / np.float32(255))
    labels = mnist_test.labels
    classifier = Classifier(simple_model)  # the live model has hooks; the copy must not
    live_state = {k: v.clone() for k, v in simple_model.state_dict().items()}
    baseline = accuracy(simple_model, inputs, labels)
    for index in misreads(simple_model, inputs, labels, CORRECTIONS):
        label = int(labels[index])
        correction = correct(simple_model, inputs[index], label, mnist_train)
        assert correction.before.argmax() != label
        assert correction.learnt and correction.after.argmax() == label and correction.after[label] >= 0.5
        rest = np.arange(len(labels)) != index
        drop = (accuracy(simple_model, inputs[rest], labels[rest])
                - accuracy(correction.model, inputs[rest], labels[rest]))
        assert drop < 0.005, f"correcting test digit {index} cost {100 * drop:.2f} points"
        guard_before, guard_after = correction.guard_accuracy
        assert 0.9 < guard_before <= 1 and guard_before - guard_after < 0.01
        assert 3 <= correction.steps <= 40
        # The live model was never touched; the copy is separate and hook-free.
        for key, value in simple_model.state_dict().items():
            assert torch.equal(value, live_state[key])
            assert torch.equal(correction.previous_state[key], live_state[key])
        assert hook_count(correction.model) == 0 and hook_count(simple_model) == classifier.capture.handle_count
        assert all(p.grad is None for p in correction.model.parameters())
        undone = correction.restore()
        assert accuracy(undone, inputs, labels) == baseline
    assert baseline > 0.9


def test_swapping_in_the_correction_changes_the_live_reading(simple_model, mnist_train, mnist_test):
    classifier = Classifier(simple_model)
    drawings = mnist_test.images[:2000]  # as if drawn: through the canvas preprocessing
    inputs = np.stack([classifier.classify(d).model_input for d in drawings])
    index = misreads(simple_model, inputs, mnist_test.labels[:2000], 1)[0]
    drawing = drawings[index]
    before = classifier.classify(drawing).digit
    correction = correct(simple_model, inputs[index], int(mnist_test.labels[index]), mnist_train)
    classifier.set_model(correction.model)
    assert classifier.classify(drawing).digit == mnist_test.labels[index] != before
    classifier.set_model(correction.restore())
    assert classifier.classify(drawing).digit == before


def test_the_drawing_is_learnt_from_distorted_copies():
    generator = torch.Generator().manual_seed(0)
    blank = torch.full((1, 1, 28, 28), BLANK)
    np.testing.assert_allclose(distorted_copies(blank, 4, generator).numpy(), BLANK, atol=1e-5)
    digit = blank.clone()
    digit[0, 0, 8:20, 12:16] = float(normalise(np.ones(1))[0])
    copies = distorted_copies(digit, 8, generator)
    assert copies.shape == (8, 1, 28, 28) and not torch.allclose(copies[0], copies[1])
    ink = (copies - BLANK).sum(dim=(1, 2, 3)) / (digit - BLANK).sum()
    assert ink.min() > 0.5 and ink.max() < 2.0  # moved and reshaped, not lost


def test_bad_corrections_are_refused(simple_model, mnist_train):
    drawing = np.zeros((28, 28), np.float32)
    with pytest.raises(ValueError, match="0-9"):
        correct(simple_model, drawing, 10, mnist_train)
    with pytest.raises(ValueError, match="replay digits"):
        correct(simple_model, drawing, 3, type(mnist_train)(mnist_train.images[:10], mnist_train.labels[:10]))

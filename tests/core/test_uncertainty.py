import math

import numpy as np
import pytest
import torch

from digitpad.classifier import Classifier
from digitpad.preprocess import preprocess
from digitpad.synthetic import LETTERS, letters, load_fonts, scribbles
from digitpad.uncertainty import (
    FALSE_REJECT_TARGET,
    DigitCheck,
    FitCancelled,
    ReferenceDigits,
    assess,
    pooled_features,
    softmax_uncertainty,
)

TEST_DIGITS = 2000
SCRIBBLES = 200


def model_inputs(canvases):
    return np.stack([s.model_input for s in map(preprocess, canvases) if s.has_digit])


@pytest.fixture(scope="module")
def reference(mnist_train):
    return ReferenceDigits.from_mnist(mnist_train)


@pytest.fixture(scope="module")
def fitted(simple_weights, reference):
    from digitpad.weights import load_model

    model = load_model(simple_weights).model.eval()
    return model, DigitCheck.fit(model, reference)


def test_softmax_readings():
    flat = softmax_uncertainty(np.zeros(10))
    assert flat.confidence == pytest.approx(0.1)
    assert flat.entropy == pytest.approx(1.0)
    assert flat.energy == pytest.approx(-math.log(10))
    assert flat.looks_like_digit is None  # no statistics, no verdict
    sure = softmax_uncertainty(np.array([10.0] + [0.0] * 9))
    p = math.exp(10) / (math.exp(10) + 9)
    assert sure.confidence == pytest.approx(p)
    q = (1 - p) / 9
    assert sure.entropy == pytest.approx(-(p * math.log(p) + 9 * q * math.log(q)) / math.log(10))
    assert sure.energy == pytest.approx(-math.log(math.exp(10) + 9))


def test_reference_digits_are_preprocessed_and_split(reference, mnist_train):
    assert reference.bank_inputs.shape == (10_000, 28, 28)
    assert reference.calibration_inputs.shape == (5_000, 28, 28)
    np.testing.assert_array_equal(reference.bank_labels, mnist_train.labels[:10_000])
    np.testing.assert_allclose(reference.calibration_inputs[0],
                               preprocess(mnist_train.images[10_000]).model_input)


def test_the_digit_check_keeps_digits_and_rejects_scribbles_and_letters(fitted, mnist_test):
    model, check = fitted
    assert check.feature == "pool" and 0 < check.threshold < 1
    digits = model_inputs(mnist_test.images[:TEST_DIGITS])
    false_rejects = float((check.scores(model, digits) > check.threshold).mean())
    assert false_rejects < 2 * FALSE_REJECT_TARGET  # calibrated on other digits of the same kind
    scribbled = float((check.scores(model, model_inputs(scribbles(SCRIBBLES, seed=7))) > check.threshold).mean())
    assert scribbled > 0.5
    fonts = load_fonts(196, limit=2)
    rejected = check.scores(model, model_inputs(c for _, c in letters(fonts))) > check.threshold
    assert rejected.mean() > 0.25
    by_letter = dict(zip(LETTERS, rejected.reshape(len(fonts), len(LETTERS)).mean(axis=0)))
    assert min(by_letter[c] for c in "KMNWX") == 1.0  # nothing like a digit
    assert by_letter["O"] == 0.0  # a zero by any other name


def test_a_training_digit_is_its_own_nearest_neighbour(fitted, reference):
    model, check = fitted
    distances = check.scores(model, reference.bank_inputs[:5])
    np.testing.assert_allclose(distances, 0.0, atol=1e-5)


def test_assess_uses_the_classifiers_captured_map(fitted, mnist_test, simple_model):
    model, check = fitted
    classifier = Classifier(simple_model)
    prediction = classifier.classify(mnist_test.images[0])
    with pytest.raises(ValueError, match="watch"):
        assess(prediction, check)
    classifier.watch([check.feature])
    prediction = classifier.classify(mnist_test.images[0])
    readings = assess(prediction, check)
    assert readings.distance == pytest.approx(float(check.scores(model, prediction.model_input[None])[0]), abs=1e-5)
    assert readings.looks_like_digit is True
    assert readings.nearest_label == mnist_test.labels[0] == prediction.digit
    assert readings.confidence == pytest.approx(prediction.confidence, rel=1e-5)
    assert readings.entropy == pytest.approx(assess(prediction).entropy)


def test_the_check_knows_when_the_weights_changed(fitted, simple_model):
    _, check = fitted
    assert check.is_current(simple_model)
    with torch.no_grad():
        simple_model.conv1.weight[0, 0, 1, 1] += 0.01
    assert not check.is_current(simple_model)


def test_features_are_unit_vectors():
    features = pooled_features(torch.rand(3, 16, 13, 13))
    assert features.shape == (3, 16 * 6 * 6)
    np.testing.assert_allclose(features.norm(dim=1).numpy(), 1.0, rtol=1e-6)


def test_a_fit_stops_between_batches_when_cancelled(simple_model, reference):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(FitCancelled):
        DigitCheck.fit(simple_model, reference, cancelled=cancelled)
    assert len(calls) == 3  # two batches ran, the third was not started


def test_on_the_pads_strokes_drawn_digits_pass_and_scribbles_and_letters_do_not(fitted):
    """What a person meets: digits by writers the network never saw, scribbles and the
    letters of a stroke font, all replayed on the pad (benchmarks/ood_rates.py in full)."""
    from digitpad.data import DataError
    from digitpad.drawn import DrawnSet, prepare
    from digitpad.pendata import PenDigits, unipen_split
    from digitpad.synthetic import scribble_strokes, stroke_letter

    try:
        validation = unipen_split()[1]
    except DataError:
        pytest.skip("UNIPEN pen data not found")
    model, check = fitted

    def pad_inputs(drawings):
        digits = PenDigits(drawings, np.zeros(len(drawings), np.int64), np.full(len(drawings), ""))
        *_, inputs, found = prepare([DrawnSet("x", digits)])
        return inputs[found]

    def rejected(inputs):
        return check.scores(model, inputs) > check.threshold

    digits = pad_inputs(validation.subset(np.arange(0, len(validation), 8)).strokes)
    assert len(digits) > 400 and rejected(digits).mean() < 0.05
    rng = np.random.default_rng(3)
    for kind in ("random strokes", "zigzag"):
        assert rejected(pad_inputs([scribble_strokes(kind, rng) for _ in range(60)])).mean() > 0.5, kind
    assert rejected(pad_inputs([stroke_letter(c) for c in "KMNWXkmwx"])).mean() >= 0.6

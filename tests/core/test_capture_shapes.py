"""FeatureCapture's output shapes of every module, and the fixed display levels the
Classifier derives from a calibration batch."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from digitpad.capture import FEATURE_MAP_TYPES, FeatureCapture, display_range, hook_count
from digitpad.classifier import Classifier
from digitpad.models import DeepCNN, SimpleCNN

SIMPLE_SHAPES = {"conv1": (1, 16, 26, 26), "pool": (1, 16, 13, 13), "fc": (1, 10), "": (1, 10)}


def drawn_seven() -> np.ndarray:
    image = np.zeros((100, 100), np.float32)
    image[15:25, 20:80] = 1.0
    for row in range(25, 90):
        col = 75 - (row - 25) * 35 // 65
        image[row, col - 5 : col + 5] = 1.0
    return image


def test_record_shapes_hooks_every_module_once_and_copies_only_the_captured():
    model = SimpleCNN()
    capture = FeatureCapture(model, record_shapes=True)
    assert capture.handle_count == len(list(model.modules())) == hook_count(model)
    with torch.no_grad():
        model(torch.zeros(2, 1, 28, 28))
    assert capture.output_shapes() == {name: (2, *shape[1:]) for name, shape in SIMPLE_SHAPES.items()}
    assert list(capture.outputs()) == ["conv1"]
    capture.close()
    assert hook_count(model) == 0 and capture.output_shapes() == {}


def test_shapes_are_off_by_default():
    model = SimpleCNN()
    capture = FeatureCapture(model)
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    assert capture.handle_count == 1 and capture.output_shapes() == {}


def test_prediction_carries_batch_one_shapes_in_execution_order():
    torch.manual_seed(0)
    classifier = Classifier(DeepCNN(), record_shapes=True)
    classifier.logits_batch(np.zeros((5, 28, 28), np.float32))  # a batch forward in between
    shapes = classifier.classify(drawn_seven()).output_shapes
    assert shapes["block1.0"] == (1, 32, 28, 28)
    assert shapes["block2.3"] == (1, 64, 7, 7)
    assert shapes["classifier.0"] == (1, 3136)
    assert shapes[""] == (1, 10)
    names = list(shapes)
    # Hooks fire as modules finish: children before their Sequential, the model last.
    assert names.index("block1.3") < names.index("block1") < names.index("block2.0")
    assert names[-1] == ""


def test_display_range_signed_and_non_negative():
    signed = torch.linspace(-2.0, 4.0, 1001)
    low, high = display_range(signed, percentile=100.0)
    assert (low, high) == (-4.0, 4.0)
    relu = torch.relu(signed)
    assert display_range(relu, percentile=100.0) == (0.0, 4.0)
    low, high = display_range(relu, percentile=50.0)
    assert low == 0.0 and high == pytest.approx(float(np.percentile(relu.numpy(), 50.0)))
    assert display_range(torch.zeros(3, 4)) == (0.0, 1.0)


def test_feature_ranges_cover_every_captured_layer_without_side_effects():
    torch.manual_seed(0)
    classifier = Classifier(DeepCNN(), capture_types=FEATURE_MAP_TYPES, record_shapes=True)
    inputs = np.random.default_rng(0).normal(size=(16, 28, 28)).astype(np.float32)
    ranges = classifier.feature_ranges(inputs)
    types = dict(classifier.model.named_modules())
    assert set(ranges) == {n for n, m in types.items() if isinstance(m, FEATURE_MAP_TYPES)}
    assert ranges["block1.0"].shape == (32, 28, 28) and ranges["block2.3"].shape == (64, 7, 7)
    for name, r in ranges.items():
        if isinstance(types[name], nn.Conv2d):
            assert r.low == -r.high < 0
        else:  # after a ReLU nothing is negative
            assert r.low == 0.0 < r.high
    # The batch leaves nothing behind: the next prediction has batch-1 maps and shapes.
    prediction = classifier.classify(drawn_seven())
    assert prediction.feature_maps["block1.0"].shape == (32, 28, 28)
    assert prediction.output_shapes["block1.0"] == (1, 32, 28, 28)


def test_calibration_is_one_pass_per_weights_and_shared():
    from digitpad.calibration import calibrated, calibration_inputs

    torch.manual_seed(0)
    classifier = Classifier(DeepCNN(), capture_types=FEATURE_MAP_TYPES)
    passes = []
    classifier.model.register_forward_hook(lambda module, inputs, output: passes.append(len(output)))
    first = calibrated(classifier)
    assert passes == [len(calibration_inputs())]
    # The logits' levels are those of the same batch's logits.
    passes.clear()
    logits = classifier.logits_batch(calibration_inputs())
    assert first.logit_levels == display_range(torch.from_numpy(logits))
    passes.clear()
    # A second panel, or the same weights in another classifier, reuses the pass.
    twin = Classifier(classifier.model, capture_types=FEATURE_MAP_TYPES)
    assert calibrated(twin) is first and passes == []
    # Other weights, or other captured modules, are measured again.
    with torch.no_grad():
        classifier.model.block1[0].weight.mul_(2.0)
    second = calibrated(classifier)
    assert passes and second.ranges["block1.0"].high > first.ranges["block1.0"].high
    passes.clear()
    classifier.watch(["classifier.1"])
    assert "classifier.1" in calibrated(classifier).ranges and passes

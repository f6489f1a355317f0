import numpy as np
import pytest
import torch

from digitpad.classifier import Classifier
from digitpad.edits import LoadedWeights, set_element, zero_channel
from digitpad.models import DeepCNN, SimpleCNN
from digitpad.synthetic import render_strokes

SEVEN = [[(60, 50), (170, 50), (100, 200)], [(90, 125), (150, 125)]]


def state(model):
    return {name: value.clone() for name, value in model.state_dict().items()}


def test_edits_are_tracked_to_the_element_and_restored_bit_for_bit():
    torch.manual_seed(0)
    model = SimpleCNN()
    before = state(model)
    loaded = LoadedWeights(model)
    assert loaded.edited() == frozenset()

    set_element(model, "conv1.weight", (3, 0, 1, 2), 0.75)
    with torch.no_grad():
        model.scale.fill_(2.5)
    assert loaded.edited() == {"conv1.weight", "scale"}
    mask = loaded.edited_elements("conv1.weight")
    assert mask.shape == (16, 1, 3, 3) and mask.sum() == 1 and mask[3, 0, 1, 2]
    assert model.conv1.weight[3, 0, 1, 2].item() == 0.75
    assert loaded.loaded("scale").item() == before["scale"].item()

    assert loaded.restore() == {"conv1.weight", "scale"}
    assert loaded.edited() == frozenset()
    for name, value in model.state_dict().items():
        assert torch.equal(value, before[name]), name


def test_setting_the_loaded_value_again_is_no_edit():
    model = SimpleCNN()
    loaded = LoadedWeights(model)
    original = model.fc.weight[2, 5].item()
    set_element(model, "fc.weight", (2, 5), original + 1)
    assert loaded.edited() == {"fc.weight"}
    set_element(model, "fc.weight", (2, 5), original)
    assert loaded.edited() == frozenset()


def test_zeroing_a_channel_silences_its_feature_map():
    torch.manual_seed(1)
    classifier = Classifier(SimpleCNN())
    drawing = render_strokes(SEVEN)
    assert np.abs(classifier.classify(drawing).feature_maps["conv1"][5]).max() > 0
    assert zero_channel(classifier.model, "conv1", 5) == ["conv1.weight", "conv1.bias"]
    classifier.invalidate()
    maps = classifier.classify(drawing).feature_maps["conv1"]
    assert not maps[5].any()
    assert np.abs(maps[4]).max() > 0  # the others are untouched


def test_a_copy_with_the_loaded_weights_leaves_the_edits_live():
    torch.manual_seed(2)
    model = DeepCNN().eval()
    before = state(model)
    loaded = LoadedWeights(model)
    zero_channel(model, "block1.0", 0)
    copy = loaded.loaded_copy()
    for name, value in copy.state_dict().items():
        assert torch.equal(value, before[name]), name
    assert not model.block1[0].weight[0].any()


def test_bad_edits_say_what_is_wrong():
    model = SimpleCNN()
    with pytest.raises(ValueError, match="only convolutions and linear layers"):
        zero_channel(model, "pool", 0)
    with pytest.raises(ValueError, match="16 output channels"):
        zero_channel(model, "conv1", 16)
    with pytest.raises(ValueError, match="4 dimensions"):
        set_element(model, "conv1.weight", (0, 0), 1.0)


def test_a_changed_copy_is_compared_with_the_weights_loaded_before():
    torch.manual_seed(3)
    model = SimpleCNN()
    before = state(model)
    loaded = LoadedWeights(model)
    tuned = SimpleCNN()
    tuned.load_state_dict(model.state_dict())
    with torch.no_grad():
        tuned.fc.bias.add_(0.5)
    again = loaded.compared_with(tuned)
    assert again.edited() == {"fc.bias"}
    again.restore()
    for name, value in tuned.state_dict().items():
        assert torch.equal(value, before[name]), name
    assert loaded.compared_with(DeepCNN()) is None

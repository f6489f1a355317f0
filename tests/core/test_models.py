import pytest
import torch
import torch.nn as nn

from digitpad.models import ARCHITECTURES, DeepCNN, SimpleCNN, arch_name, create_model, guess_arch


def test_simplecnn_is_the_lessons_network():
    model = SimpleCNN()
    assert [name for name, _ in model.named_parameters()] == [
        "scale", "conv1.weight", "conv1.bias", "fc.weight", "fc.bias",
    ]
    assert model.conv1.in_channels == 1 and model.conv1.out_channels == 16
    assert model.conv1.kernel_size == (3, 3)
    assert model.fc.in_features == 16 * 13 * 13 and model.fc.out_features == 10
    assert model.scale.item() == 1.0 and model.scale.requires_grad


def test_simplecnn_forward_matches_the_lesson_formula():
    torch.manual_seed(0)
    model = SimpleCNN()
    with torch.no_grad():
        model.scale.fill_(1.7)
        x = torch.randn(4, 1, 28, 28)
        expected = model.fc(torch.max_pool2d(torch.relu(model.conv1(x)), 2).flatten(1)) * 1.7
        assert torch.allclose(model(x), expected, atol=1e-6)


def test_deep_model_nests_sequential_blocks_with_two_convs():
    model = DeepCNN()
    convs = [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    assert convs == ["block1.0", "block2.0"]
    assert isinstance(model.block1, nn.Sequential) and isinstance(model.block2, nn.Sequential)
    assert model(torch.randn(2, 1, 28, 28)).shape == (2, 10)


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_registry_round_trip(name):
    model = create_model(name)
    assert arch_name(model) == name
    assert guess_arch(model.state_dict()) == name


def test_unknown_architecture_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown architecture 'ResNet'.*SimpleCNN"):
        create_model("ResNet")

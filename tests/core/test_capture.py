import torch
import torch.nn as nn

from digitpad.capture import FeatureCapture, hook_count
from digitpad.models import DeepCNN, SimpleCNN


def test_hooks_every_conv_found_by_named_modules():
    model = DeepCNN()
    with FeatureCapture(model) as capture:
        assert capture.module_names == ["block1.0", "block2.0"]
        assert hook_count(model) == 2
        model(torch.randn(1, 1, 28, 28))
        outputs = capture.outputs()
        assert [tuple(t.shape) for t in outputs.values()] == [(1, 32, 28, 28), (1, 64, 14, 14)]
    assert hook_count(model) == 0


def test_outputs_are_detached_cpu_copies_of_the_latest_call():
    torch.manual_seed(0)
    model = SimpleCNN()
    capture = FeatureCapture(model, names=["pool"])
    x = torch.randn(1, 1, 28, 28, requires_grad=True)
    model(x)
    first = capture.outputs()
    assert set(first) == {"conv1", "pool"}
    assert not first["conv1"].requires_grad and first["conv1"].device.type == "cpu"
    expected = model.conv1(x).detach()
    assert torch.equal(first["conv1"], expected)
    model(x * 2)
    assert not torch.equal(capture.outputs()["conv1"], first["conv1"])
    capture.close()


def test_copy_survives_in_place_ops_after_the_hooked_module():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(inplace=True))
    capture = FeatureCapture(model)
    x = torch.randn(1, 1, 8, 8)
    raw = model[0](x).detach()
    model(x)
    assert (raw < 0).any()
    assert torch.equal(capture.outputs()["0"], raw)  # not the ReLU'd tensor


def test_reattaching_100_times_leaves_no_stale_hooks():
    capture = FeatureCapture()
    models = []
    for i in range(100):
        model = SimpleCNN() if i % 2 else DeepCNN()
        capture.attach(model)
        models.append(model)
        assert capture.handle_count == len(capture.module_names)
    assert sum(hook_count(m) for m in models) == capture.handle_count == 1
    capture.close()
    assert sum(hook_count(m) for m in models) == 0

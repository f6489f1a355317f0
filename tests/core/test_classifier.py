import numpy as np
import pytest
import torch
import torch.nn.functional as F

from digitpad.capture import hook_count
from digitpad.classifier import Classifier, cuda_unavailable_reason
from digitpad.models import DeepCNN, SimpleCNN


def drawing():
    image = np.zeros((280, 280), np.float32)
    image[40:240, 120:145] = 1.0
    image[40:60, 80:145] = 1.0
    return image


@pytest.fixture
def classifier():
    torch.manual_seed(0)
    return Classifier(SimpleCNN())


def test_prediction_carries_probabilities_digit_input_and_maps_of_that_call(classifier):
    prediction = classifier.classify(drawing())
    assert prediction.has_digit
    assert prediction.probabilities.shape == (10,)
    assert prediction.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert prediction.digit == int(np.argmax(prediction.probabilities))
    assert prediction.confidence == pytest.approx(prediction.probabilities.max())
    x = torch.from_numpy(prediction.model_input)[None, None]
    with torch.no_grad():
        conv = classifier.model.conv1(x)[0].numpy()
        logits = classifier.model(x)[0].numpy()
    np.testing.assert_allclose(prediction.feature_maps["conv1"], conv, atol=1e-6)
    np.testing.assert_allclose(prediction.logits, logits, atol=1e-6)
    np.testing.assert_allclose(prediction.probabilities, torch.softmax(torch.from_numpy(logits), 0).numpy(), atol=1e-6)


def test_each_prediction_keeps_its_own_maps(classifier):
    first = classifier.classify(drawing())
    kept = first.feature_maps["conv1"].copy()
    second = classifier.classify(np.rot90(drawing()).copy())
    np.testing.assert_array_equal(first.feature_maps["conv1"], kept)
    assert not np.array_equal(second.feature_maps["conv1"], kept)


def test_an_empty_canvas_is_not_a_guess(classifier):
    prediction = classifier.classify(np.zeros((280, 280), np.float32))
    assert not prediction.has_digit
    assert prediction.digit is None and prediction.probabilities is None
    assert prediction.feature_maps == {} and prediction.confidence == 0.0
    assert not prediction.unsure


def test_inference_is_eval_mode_without_autograd(classifier):
    classifier.model.train()
    classifier.set_model(classifier.model)
    assert not classifier.model.training
    prediction = classifier.classify(drawing())
    assert all(p.grad is None for p in classifier.model.parameters())
    assert prediction.logits.dtype == np.float32


def test_swapping_models_moves_the_hooks(classifier):
    old = classifier.model
    for i in range(50):
        classifier.set_model(DeepCNN() if i % 2 == 0 else SimpleCNN())
    assert hook_count(old) == 0
    assert hook_count(classifier.model) == classifier.capture.handle_count == 1
    deep = DeepCNN()
    classifier.set_model(deep)
    maps = classifier.classify(drawing()).feature_maps
    assert list(maps) == ["block1.0", "block2.0"]
    assert maps["block2.0"].shape == (64, 14, 14)


def test_batch_logits_match_single_calls(classifier):
    single = classifier.classify(drawing())
    batch = classifier.logits_batch(np.stack([single.model_input] * 3))
    np.testing.assert_allclose(batch, np.stack([single.logits] * 3), atol=1e-5)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback without CUDA")
def test_cuda_request_without_cuda_stays_on_cpu_and_says_why(classifier):
    status = classifier.set_device("cuda")
    assert status.device == "cpu" and status.message == cuda_unavailable_reason()
    assert "CUDA" in status.message
    assert next(classifier.model.parameters()).device.type == "cpu"
    assert classifier.classify(drawing()).has_digit


def test_unknown_device_is_refused(classifier):
    status = classifier.set_device("tpu")
    assert status.device == "cpu" and "unsupported device" in status.message


@pytest.mark.cuda
@pytest.mark.parametrize("arch", [SimpleCNN, DeepCNN])
def test_cuda_path_matches_cpu(arch):
    torch.manual_seed(1)
    classifier = Classifier(arch())
    on_cpu = classifier.classify(drawing())
    assert classifier.set_device("cuda").message == ""
    for _ in range(3):  # the CUDA graph is captured on the first call and replayed after
        on_gpu = classifier.classify(drawing())
        np.testing.assert_allclose(on_gpu.probabilities, on_cpu.probabilities, atol=1e-4)
        for name, fmap in on_cpu.feature_maps.items():
            np.testing.assert_allclose(on_gpu.feature_maps[name], fmap, atol=1e-4)
    other = classifier.classify(np.rot90(drawing()).copy())
    assert not np.allclose(other.probabilities, on_gpu.probabilities)
    with torch.no_grad():  # edits in place show at once, even through the captured graph
        for p in classifier.model.parameters():
            p.mul_(0.5)
    assert not np.allclose(classifier.classify(drawing()).logits, on_gpu.logits)
    assert classifier.set_device("cpu").device == "cpu"
    assert hook_count(classifier.model) == classifier.capture.handle_count


def test_gradients_come_from_the_one_forward_pass(classifier):
    from digitpad.classifier import GradientRequest

    model = classifier.model
    calls = []
    counter = model.register_forward_hook(lambda *_: calls.append(1))
    requests = [GradientRequest(None, "conv1"), GradientRequest(None, ""),
                GradientRequest(2, "conv1"), GradientRequest(None, "conv1")]
    with torch.no_grad():  # whatever the caller's mode
        prediction = classifier.classify(drawing(), gradients=requests)
    counter.remove()
    assert len(calls) == 1
    digit = prediction.digit
    assert set(prediction.gradients) == {(digit, "conv1"), (digit, ""), (2, "conv1")}
    assert prediction.gradients[(digit, "conv1")].shape == prediction.feature_maps["conv1"].shape
    assert prediction.gradients[(digit, "")].shape == (1, 28, 28)

    x = torch.from_numpy(prediction.model_input).view(1, 1, 28, 28).requires_grad_(True)
    conv = model.conv1(x)
    logits = model.fc(F.max_pool2d(F.relu(conv), 2).flatten(1)) * model.scale
    for target in (digit, 2):
        by_conv, by_input = torch.autograd.grad(logits[0, target], [conv, x], retain_graph=True)
        np.testing.assert_allclose(prediction.gradients[(target, "conv1")], by_conv[0].numpy(),
                                   rtol=1e-5, atol=1e-7)
        if target == digit:
            np.testing.assert_allclose(prediction.gradients[(digit, "")], by_input[0].numpy(),
                                       rtol=1e-5, atol=1e-7)
    assert all(p.grad is None for p in model.parameters())
    assert classifier.capture.graph_outputs() == {}  # no graph kept after the pass
    assert classifier.classify(drawing()).gradients == {}


def test_bad_gradient_requests_are_refused_clearly(classifier):
    from digitpad.classifier import GradientRequest

    with pytest.raises(ValueError, match="no module named 'conv9'"):
        classifier.classify(drawing(), gradients=[GradientRequest(None, "conv9")])
    with pytest.raises(ValueError, match="no class 10"):
        classifier.classify(drawing(), gradients=[GradientRequest(10, "")])
    assert classifier.classify(drawing()).has_digit  # and it works on

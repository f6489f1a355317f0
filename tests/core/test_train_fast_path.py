"""The trainer's cheaper forward pass of SimpleCNN computes what the module computes:
the same logits and the same weight gradients, while the module, its state_dict and
its hooks stay the lesson's."""

import pytest
import torch
import torch.nn.functional as F

from digitpad.models import DeepCNN, SimpleCNN
from digitpad.train import simple_cnn_logits, training_forward


def inputs_and_targets(seed: int, count: int = 64):
    generator = torch.Generator().manual_seed(seed)
    # Like normalised digits: a flat background (ties in every pooling window) and ink.
    images = (torch.rand(count, 1, 28, 28, generator=generator) > 0.8).float() * torch.rand(
        count, 1, 28, 28, generator=generator)
    inputs = ((images - 0.1307) / 0.3081).contiguous(memory_format=torch.channels_last)
    return inputs, torch.randint(0, 10, (count,), generator=generator)


def gradients(model, forward, inputs, targets):
    model.zero_grad(set_to_none=True)
    logits = forward(inputs)
    F.cross_entropy(logits, targets).backward()
    return logits.detach(), {name: p.grad.clone() for name, p in model.named_parameters()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_fast_path_gives_the_modules_logits_and_gradients(seed):
    torch.manual_seed(seed)
    model = SimpleCNN().to(memory_format=torch.channels_last)
    with torch.no_grad():  # some maps all negative, some all positive: both sides of ReLU
        model.conv1.bias.copy_(torch.linspace(-1.5, 1.5, 16))
    inputs, targets = inputs_and_targets(seed)
    fast_logits, fast = gradients(model, lambda x: simple_cnn_logits(model, x), inputs, targets)
    logits, slow = gradients(model, model, inputs, targets)
    assert torch.allclose(fast_logits, logits, atol=1e-5, rtol=0)
    assert fast.keys() == slow.keys() == {"conv1.weight", "conv1.bias", "fc.weight", "fc.bias", "scale"}
    for name in slow:
        assert slow[name].abs().max() > 0, name
        assert torch.allclose(fast[name], slow[name], atol=1e-5, rtol=1e-4), name


def test_the_fast_path_keeps_the_module_as_it_is():
    model = SimpleCNN()
    keys = list(model.state_dict())
    assert training_forward(model).func is simple_cnn_logits
    assert list(model.state_dict()) == keys == ["scale", "conv1.weight", "conv1.bias", "fc.weight", "fc.bias"]
    assert [name for name, _ in model.named_children()] == ["conv1", "pool", "fc"]


def test_a_hooked_or_other_network_runs_as_a_module():
    model = SimpleCNN()
    seen = []
    handle = model.conv1.register_forward_hook(lambda module, args, output: seen.append(output.shape))
    forward = training_forward(model)
    assert forward is model
    forward(torch.zeros(2, 1, 28, 28))
    assert seen == [torch.Size([2, 16, 26, 26])]  # the hook saw the call
    handle.remove()
    assert training_forward(model) is not model
    global_handle = torch.nn.modules.module.register_module_forward_hook(lambda *args: None)
    try:
        assert training_forward(model) is model
    finally:
        global_handle.remove()
    deep = DeepCNN()
    assert training_forward(deep) is deep


def test_the_fast_path_under_bfloat16_autocast_matches_the_module():
    torch.manual_seed(3)
    model = SimpleCNN()
    inputs, _ = inputs_and_targets(3, 16)
    with torch.autocast("cpu", torch.bfloat16):
        fast, slow = simple_cnn_logits(model, inputs), model(inputs)
    assert fast.dtype == slow.dtype
    assert torch.allclose(fast.float(), slow.float(), atol=2e-2, rtol=0)


# ------------------------------------------------------------------ batches made ahead


def batch_maker(mnist_train, ahead: int, seed: int = 0, share: float = 0.5):
    from digitpad.augment import Augmentation
    from digitpad.pendata import PenBank, mnist_strokes
    from digitpad.train import TrainConfig, _Batches, _Cycle

    images = torch.from_numpy(mnist_train.images[:640].copy())
    labels = torch.from_numpy(mnist_train.labels[:640].copy())
    bank = PenBank(mnist_strokes(mnist_train.images[:50], mnist_train.labels[:50]))
    generator = torch.Generator().manual_seed(seed)
    config = TrainConfig(augmentation=Augmentation(), augment_share=share)
    maker = _Batches(images, labels, 20, [(bank, _Cycle(len(bank), generator, "cpu"), 12)], config,
                     generator, ahead=ahead)
    return maker, labels, bank


@pytest.mark.parametrize("ahead", [1, 3, 8])
def test_batches_made_ahead_keep_labels_shapes_and_ranges(mnist_train, ahead):
    maker, labels, bank = batch_maker(mnist_train, ahead)
    order = torch.randperm(640, generator=torch.Generator().manual_seed(5))
    batches = list(maker.epoch(order, 7))  # 7 steps: a last, shorter run of steps made ahead
    assert len(batches) == 7
    low, high = (0 - 0.1307) / 0.3081, (1 - 0.1307) / 0.3081
    drawn_labels = []
    for step, (inputs, targets) in enumerate(batches):
        assert inputs.shape == (32, 1, 28, 28) and inputs.dtype == torch.float32
        assert inputs.is_contiguous(memory_format=torch.channels_last)
        assert inputs.min() >= low - 1e-5 and inputs.max() <= high + 1e-5
        # MNIST's digits in the epoch's order, then the drawings with their own labels.
        assert torch.equal(targets[:20], labels[order[step * 20:(step + 1) * 20]])
        drawn_labels.append(targets[20:])
        ink = inputs[20:] * 0.3081 + 0.1307
        assert (ink.flatten(1).amax(1) > 0.9).all()  # every drawing drawn
    # 84 drawings from a bank of 50: each taken once before any is taken again.
    assert sorted(torch.cat(drawn_labels)[:50].tolist()) == sorted(bank.labels.tolist())


def test_batches_are_seeded_and_distort_about_their_share(mnist_train):
    order = torch.randperm(640, generator=torch.Generator().manual_seed(5))
    first = list(batch_maker(mnist_train, 8)[0].epoch(order, 4))
    again = list(batch_maker(mnist_train, 8)[0].epoch(order, 4))
    other = list(batch_maker(mnist_train, 8, seed=1)[0].epoch(order, 4))
    assert all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) for a, b in zip(first, again))
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(first, other))
    maker, labels, _ = batch_maker(mnist_train, 8, share=0.5)
    plain = (torch.from_numpy(mnist_train.images[:640].copy()).float() / 255 - 0.1307) / 0.3081
    changed = sum(int(not torch.allclose(inputs[i, 0], plain[order[step * 20 + i]], atol=1e-5))
                  for step, (inputs, _) in enumerate(maker.epoch(order, 4)) for i in range(20))
    assert 20 <= changed <= 60  # about half of 80

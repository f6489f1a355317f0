"""The trainer: it learns, it is reproducible, it stops cleanly, and it writes weights
with their provenance."""

import gzip

import numpy as np
import pytest
import torch

from digitpad import cli
from digitpad.augment import Augmentation
from digitpad.data import Digits
from digitpad.models import SimpleCNN
from digitpad.train import (
    DoneEvent,
    EpochEvent,
    StepEvent,
    Teachers,
    TrainConfig,
    WeightAverage,
    distillation_loss,
    train,
)
from digitpad.weights import load_model, read_weights, save_weights

TRAIN_IMAGES = 3000
TEST_IMAGES = 1000


@pytest.fixture(scope="module")
def small_mnist(mnist_train, mnist_test):
    """A few thousand training images and a held-out slice of the test set."""
    return (Digits(mnist_train.images[:TRAIN_IMAGES], mnist_train.labels[:TRAIN_IMAGES]),
            Digits(mnist_test.images[:TEST_IMAGES], mnist_test.labels[:TEST_IMAGES]))


def quick_config(**changes) -> TrainConfig:
    return TrainConfig(**{"epochs": 2, "batch_size": 64, "lr": 0.01, **changes})


def run(config, small_mnist, **kwargs) -> list:
    return list(train(config, *small_mnist, **kwargs))


def test_a_short_run_learns_and_reports_progress(small_mnist, tmp_path):
    out = tmp_path / "small.pt"
    events = run(quick_config(), small_mnist, out=out, command="digitpad train --epochs 2")

    done = events[-1]
    assert isinstance(done, DoneEvent)
    assert done.test_accuracy > 0.85  # chance is 0.10
    steps = [e for e in events if isinstance(e, StepEvent)]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert [e.epoch for e in epochs] == [1, 2]
    assert steps[-1].step == steps[-1].steps == TRAIN_IMAGES // 64
    assert all(e.images_per_second > 0 and np.isfinite(e.loss) for e in steps)
    assert epochs[1].loss < epochs[0].loss
    assert epochs[-1].test_accuracy == done.test_accuracy

    loaded = load_model(out)
    assert loaded.arch == "SimpleCNN"
    meta = loaded.file.metadata
    assert meta["command"] == "digitpad train --epochs 2"
    assert meta["seed"] == 0 and meta["epochs"] == 2 and meta["train_images"] == TRAIN_IMAGES
    assert meta["test_accuracy"] == pytest.approx(done.test_accuracy)
    assert meta["augmentation"]["rotation"] > 0 and meta["weight_average"]
    assert meta["versions"]["torch"] == torch.__version__
    assert meta["device"].startswith("cpu") and meta["date"]
    for name, tensor in loaded.model.state_dict().items():
        assert torch.equal(tensor, done.model.state_dict()[name])


def test_the_same_seed_gives_the_same_weights(small_mnist):
    config = quick_config(epochs=1)
    first, again = run(config, small_mnist)[-1], run(config, small_mnist)[-1]
    other = run(quick_config(epochs=1, seed=1), small_mnist)[-1]
    assert first.test_accuracy == again.test_accuracy
    for name, tensor in first.model.state_dict().items():
        assert torch.equal(tensor, again.model.state_dict()[name]), name
    assert not torch.equal(first.model.conv1.weight, other.model.conv1.weight)


def test_cancelling_mid_epoch_writes_nothing(small_mnist, tmp_path):
    out = tmp_path / "cancelled.pt"
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) >= 5

    events = run(quick_config(report_every=1), small_mnist, out=out, cancelled=cancel)
    assert len(calls) == 5
    assert [type(e) for e in events] == [StepEvent] * 4
    assert list(tmp_path.iterdir()) == []


def test_closing_the_generator_writes_nothing(small_mnist, tmp_path):
    events = train(quick_config(report_every=1), *small_mnist, out=tmp_path / "closed.pt")
    assert isinstance(next(events), StepEvent)
    events.close()
    assert list(tmp_path.iterdir()) == []


def test_continuing_from_a_model_leaves_that_model_alone(small_mnist):
    start = SimpleCNN()
    before = {k: v.clone() for k, v in start.state_dict().items()}
    done = run(quick_config(epochs=1, augmentation=None, average=False), small_mnist, model=start)[-1]
    assert all(torch.equal(before[k], v) for k, v in start.state_dict().items())
    assert done.model is not start and done.test_accuracy > 0.8


def test_step_events_lend_the_network_being_trained(small_mnist):
    snapshots = []
    # Without the weight average the last step's weights are the result.
    for event in train(quick_config(epochs=1, report_every=20, average=False), *small_mnist):
        if isinstance(event, StepEvent):
            snapshots.append({k: v.clone() for k, v in event.model.state_dict().items()})
    done = event
    assert len(snapshots) == TRAIN_IMAGES // 64 // 20 + 1
    assert not torch.equal(snapshots[0]["conv1.weight"], snapshots[1]["conv1.weight"])  # it learns
    for name, tensor in done.model.state_dict().items():  # the last step's weights are the result
        assert torch.equal(snapshots[-1][name], tensor), name


def test_distillation_from_a_teacher(small_mnist, tmp_path):
    teacher = run(quick_config(epochs=1), small_mnist)[-1]
    teacher_path = save_weights(tmp_path / "teacher.pt", teacher.model,
                                metadata={"test_accuracy": teacher.test_accuracy})
    out = tmp_path / "student.pt"
    done = run(quick_config(epochs=1, teacher=str(teacher_path)), small_mnist, out=out)[-1]
    assert done.test_accuracy > 0.8
    recorded = read_weights(out).metadata["teacher"]
    assert recorded["file"] == "teacher.pt" and recorded["arch"] == "SimpleCNN"
    assert recorded["test_accuracy"] == pytest.approx(teacher.test_accuracy)


def test_several_teachers_teach_their_averaged_softened_outputs():
    torch.manual_seed(0)
    first, second = SimpleCNN(), SimpleCNN()
    with torch.no_grad():
        second.scale.fill_(3.0)  # another network: other outputs
    x = torch.rand(5, 1, 28, 28)
    temperature = 4.0
    taught = Teachers([first, second], temperature)(x)
    averaged = (torch.softmax(first(x) / temperature, 1) + torch.softmax(second(x) / temperature, 1)) / 2
    assert torch.allclose(torch.softmax(taught / temperature, 1), averaged, atol=1e-6)
    # two copies of one network teach exactly what it teaches alone
    assert distillation_loss(first(x), Teachers([first, first], temperature)(x), temperature).item() == \
        pytest.approx(0.0, abs=1e-6)
    assert not Teachers([first], temperature).training and not first.training


def test_distillation_from_several_teachers_records_them_all(small_mnist, tmp_path):
    paths = []
    for seed in (1, 2):
        teacher = run(quick_config(epochs=1, seed=seed), small_mnist)[-1]
        paths.append(str(save_weights(tmp_path / f"teacher{seed}.pt", teacher.model,
                                      metadata={"test_accuracy": teacher.test_accuracy})))
    out = tmp_path / "student.pt"
    done = run(quick_config(epochs=1, teacher=tuple(paths)), small_mnist, out=out)[-1]
    assert done.test_accuracy > 0.8
    recorded = read_weights(out).metadata["teacher"]
    assert [t["file"] for t in recorded["ensemble"]] == ["teacher1.pt", "teacher2.pt"]
    assert recorded["temperature"] == 4.0 and recorded["weight"] == 0.9


def test_mnist_strokes_take_their_share_of_each_batch(small_mnist, tmp_path):
    from digitpad.pendata import mnist_strokes

    train_set = small_mnist[0]
    strokes = mnist_strokes(train_set.images[:300], train_set.labels[:300])
    out = tmp_path / "strokes.pt"
    events = run(quick_config(epochs=1, stroke_share=0.25), small_mnist, out=out, stroke_set=strokes)
    step = next(e for e in events if isinstance(e, StepEvent))
    assert step.steps == TRAIN_IMAGES // 48  # 64 per batch: 16 of them drawn strokes
    assert events[-1].test_accuracy > 0.8
    assert read_weights(out).metadata["mnist_strokes"]["drawings"] == 300


def test_a_bfloat16_run_learns_and_keeps_float32_weights(small_mnist):
    done = run(quick_config(epochs=1, bfloat16=True), small_mnist)[-1]
    assert done.test_accuracy > 0.8
    assert all(p.dtype == torch.float32 for p in done.model.parameters())
    assert done.metadata["bfloat16"] is True


def test_distillation_loss_vanishes_when_student_matches_teacher():
    logits = torch.randn(8, 10)
    assert distillation_loss(logits, logits, 4.0).item() == pytest.approx(0.0, abs=1e-6)
    assert distillation_loss(logits, torch.randn(8, 10), 4.0).item() > 0


def test_a_missing_output_folder_fails_before_training(small_mnist, tmp_path):
    from digitpad.weights import WeightsError

    with pytest.raises(WeightsError, match="no such folder"):
        next(train(quick_config(), *small_mnist, out=tmp_path / "nowhere" / "w.pt"))


# ------------------------------------------------------------------------- the CLI


@pytest.fixture
def small_cli_data(small_mnist, monkeypatch):
    """`digitpad train` on the small subsets, so the CLI test takes a second."""
    subsets = {"train": small_mnist[0], "test": small_mnist[1]}
    monkeypatch.setattr("digitpad.data.load_mnist", lambda folder, split: subsets[split])


def test_cli_trains_and_records_its_command(small_cli_data, mnist_dir, tmp_path, capsys):
    out = tmp_path / "cli.pt"
    argv = ["train", "--data", str(mnist_dir), "--epochs", "1", "--batch-size", "100",
            "--device", "cpu", "--seed", "3", "--no-augment", "--out", str(out)]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "epoch 1/1" in captured.err and "test" in captured.err
    assert f"wrote {out}" in captured.out
    meta = read_weights(out).metadata
    assert meta["command"] == "digitpad " + " ".join(argv)
    assert meta["seed"] == 3 and meta["augmentation"] is None and meta["batch_size"] == 100


def test_cli_augmentation_options_reach_the_trainer(small_cli_data, mnist_dir, tmp_path):
    out = tmp_path / "aug.pt"
    assert cli.main(["train", "--data", str(mnist_dir), "--epochs", "1", "--device", "cpu",
                     "--augment-strength", "0.5", "--elastic", "1.5", "--augment-share", "0.25",
                     "--out", str(out)]) == 0
    meta = read_weights(out).metadata
    assert meta["augmentation"]["rotation"] == Augmentation().rotation / 2
    assert meta["augmentation"]["elastic"] == 1.5 and meta["augment_share"] == 0.25


def test_ctrl_c_during_cli_training_writes_nothing(small_cli_data, mnist_dir, tmp_path, monkeypatch,
                                                   capsys):
    def interrupt(self, event):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.ProgressBar, "epoch", interrupt)
    out = tmp_path / "interrupted.pt"
    assert cli.main(["train", "--data", str(mnist_dir), "--epochs", "2", "--out", str(out)]) == 130
    assert "nothing written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def write_idx(path, magic: int, dims, payload: bytes, compress=False):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    data = header + payload
    if compress:
        data = gzip.compress(data)
    path.write_bytes(data)


@pytest.mark.parametrize("problem, message", [
    ("missing", "missing train-images-idx3-ubyte"),
    ("magic", "wrong magic number"),
    ("size", "header says"),
    ("truncated", "cannot be read"),
    ("labels missing", "missing train-labels-idx1-ubyte"),
])
def test_cli_names_the_bad_data_file(problem, message, mnist_dir, tmp_path, capsys):
    data = tmp_path / "mnist"
    data.mkdir()
    images = data / "train-images-idx3-ubyte"
    if problem == "magic":
        write_idx(images, 0x0801, [60000, 28, 28], b"")
    elif problem == "size":
        write_idx(images, 0x0803, [60000, 28, 28], bytes(1000))
    elif problem == "truncated":
        images = data / "train-images-idx3-ubyte.gz"
        write_idx(images, 0x0803, [60000, 28, 28], bytes(60000 * 28 * 28), compress=True)
        images.write_bytes(images.read_bytes()[:5000])
    elif problem == "labels missing":
        images = data / "train-images-idx3-ubyte.gz"
        images.symlink_to(mnist_dir / "train-images-idx3-ubyte.gz")
    out = tmp_path / "never.pt"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--data", str(data), "--out", str(out)])
    text = str(exit_info.value.code)
    assert message in text
    if problem != "missing" and problem != "labels missing":
        assert str(images) in text
    assert not out.exists()


@pytest.mark.cuda
def test_a_short_run_on_cuda_learns(small_mnist):
    done = run(quick_config(device="cuda"), small_mnist)[-1]
    assert done.test_accuracy > 0.85
    assert next(done.model.parameters()).device.type == "cpu"


def test_the_weight_average_follows_the_weights_slowly():
    model = SimpleCNN()
    average = WeightAverage(model, total_steps=100)  # spans about 10 steps: decay 0.9
    with torch.no_grad():
        model.conv1.weight.mul_(2.0)
    average.update()  # the first step's weights are taken as they are
    assert torch.equal(average.module.conv1.weight, model.conv1.weight)
    start = model.conv1.weight.detach().clone()
    with torch.no_grad():
        model.conv1.weight.add_(1.0)
    average.update()
    assert torch.allclose(average.module.conv1.weight, start + 0.1, atol=1e-6)

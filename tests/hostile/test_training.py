"""Training that diverges, and train options out of range (issue 17, cases 4, 10, 11, 12)."""

import math

import numpy as np
import pytest

from digitpad import cli
from digitpad.data import Digits
from digitpad.train import TrainConfig, TrainingError, train


def random_digits(count=512, seed=0):
    rng = np.random.default_rng(seed)
    return Digits(rng.integers(0, 256, (count, 28, 28), dtype=np.uint8),
                  rng.integers(0, 10, count).astype(np.int64))


@pytest.mark.parametrize("overrides", [{"lr": 1e6}, {"lr": math.inf}, {"weight_decay": 1e9}])
def test_diverged_training_stops_and_writes_nothing(tmp_path, overrides):
    out = tmp_path / "good.pt"
    out.write_bytes(b"the old weights")
    config = TrainConfig(epochs=2, batch_size=32, augmentation=None, **overrides)
    events = []
    with pytest.raises(TrainingError, match="training diverged: the (loss|weights) (is|are) not finite"):
        for event in train(config, random_digits(), out=out):
            events.append(event)
    assert out.read_bytes() == b"the old weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.pt"]  # no temporary file left
    assert all(math.isfinite(e.loss) for e in events if hasattr(e, "loss"))


def test_cli_diverged_training_exits_non_zero_and_keeps_the_old_file(tmp_path, mnist_dir, capsys):
    out = tmp_path / "good.pt"
    out.write_bytes(b"the old weights")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--lr", "10", "--weight-decay", "1", "--batch-size", "512", "--epochs", "1",
                  "--data", str(mnist_dir),
                  "--device", "cpu", "--no-augment", "--out", str(out)])
    assert "training diverged" in str(exit_info.value.code)
    assert out.read_bytes() == b"the old weights"
    assert "wrote" not in capsys.readouterr().out


def test_reading_mnist_stops_soon_after_a_cancel(mnist_dir):
    from digitpad.data import READ_CHUNK, LoadCancelled, load_mnist

    checks = []

    def cancel():
        checks.append(1)
        return len(checks) >= 3

    with pytest.raises(LoadCancelled):
        load_mnist(mnist_dir, "train", cancel=cancel)
    assert len(checks) == 3  # stopped at the third piece of READ_CHUNK bytes, not at the end
    assert READ_CHUNK <= 4 << 20


def test_training_work_cancelled_while_reading_ends_without_an_event(mnist_dir, monkeypatch):
    pytest.importorskip("PySide6")
    from digitpad.ui import teaching
    from digitpad.ui.panels.training import training_work

    monkeypatch.setattr(teaching, "_read_splits", {})  # not read yet this session
    monkeypatch.setattr(teaching, "local_mnist_dir", lambda: mnist_dir)
    events = list(training_work(TrainConfig(epochs=1), 1000, None)(lambda: True))
    assert events == []

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
        cli.main(["train", "--lr", "1e6", "--epochs", "1", "--data", str(mnist_dir),
                  "--device", "cpu", "--no-augment", "--out", str(out)])
    assert "training diverged" in str(exit_info.value.code)
    assert out.read_bytes() == b"the old weights"
    assert "wrote" not in capsys.readouterr().out

"""The command line with hostile options and unlucky output (issue 17, cases 10, 11, 12,
16, and the Ctrl+C and /dev/full items)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from PIL import Image

from digitpad import cli
from digitpad.weights import save_weights

from .conftest import as_ordinary_user, digit_pixels

REPO = Path(__file__).resolve().parents[2]


def digit_file(path):
    Image.fromarray(digit_pixels(7)).save(path)
    return str(path)


def env():
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


@pytest.mark.parametrize("command", [["train"], ["eval"], ["predict", "x.png"]])
@pytest.mark.parametrize("device", ["tpu", "meta", "", "cuda:x", "cpu:0"])
def test_every_command_parses_devices_the_same_way(capsys, command, device):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--device", device])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --device: unsupported device {device!r}: use auto, cpu, cuda or cuda:N" in err
    assert "Traceback" not in err


def test_a_missing_cuda_device_falls_back_to_the_cpu_with_a_warning():
    device, warning = cli.resolve_device("cuda:999")
    assert device == "cpu" and warning.startswith("digitpad: CUDA not used: ")


@pytest.mark.parametrize("option,value,allowed", [
    ("--label-smoothing", "5", "from 0 to 1"),
    ("--seed", str(2**70), f"from 0 to {2**63 - 1}"),
    ("--seed", "-1", "from 0"),
    ("--weight-decay", "-1000", "from 0 to 1"),
    ("--elastic", "-5", "from 0 to 10"),
    ("--augment-strength", "1e9", "above 0 and at most 10"),
    ("--epochs", "99999999999999999999", "from 1 to 1000"),
    ("--epochs", "2.5", "a whole number from 1 to 1000"),
    ("--batch-size", "0", "from 1 to 60000"),
    ("--lr", "inf", "above 0 and at most 10"),
    ("--lr", "nan", "above 0 and at most 10"),
    ("--lr", "1e6", "above 0 and at most 10"),
    ("--temperature", "inf", "above 0 and at most 100"),
    ("--distill-weight", "1.5", "from 0 to 1"),
    ("--augment-share", "nan", "between 0 and 1"),
])
def test_train_options_out_of_range_are_refused_with_the_range(capsys, option, value, allowed):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", option, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: must be" in err and allowed in err, err


def test_out_is_checked_before_training(tmp_path, monkeypatch, capsys):
    def no_data(*args):
        raise AssertionError("the data was read before --out was checked")

    monkeypatch.setattr(cli, "mnist_folder_or_exit", no_data)
    fifo = tmp_path / "fifo.pt"
    os.mkfifo(fifo)
    for out, reason in [(tmp_path, "it is a folder, not a regular file"),
                        (tmp_path / "missing" / "w.pt", "no such folder"),
                        (fifo, "it is a FIFO (named pipe), not a regular file")]:
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["train", "--out", str(out)])
        assert reason in str(exit_info.value.code)


def test_out_in_a_read_only_folder_is_refused_before_training(public_tmp, monkeypatch):
    def no_data(*args):
        raise AssertionError("the data was read before --out was checked")

    monkeypatch.setattr(cli, "mnist_folder_or_exit", no_data)
    folder = public_tmp / "locked"
    folder.mkdir()
    folder.chmod(0o555)

    def train_into_locked_folder():
        try:
            cli.main(["train", "--out", str(folder / "w.pt")])
        except SystemExit as exc:
            return str(exc.code)

    assert "permission denied" in as_ordinary_user(train_into_locked_folder)


def test_weights_whose_output_overflows_are_an_error_and_json_stays_valid(tmp_path, shipped_model, capsys):
    model = type(shipped_model)()
    model.load_state_dict(shipped_model.state_dict())
    with torch.no_grad():
        model.fc.weight.fill_(3e38)  # finite in the file; inf and NaN once multiplied out
    weights = save_weights(tmp_path / "overflow.pt", model)
    image = digit_file(tmp_path / "seven.png")
    code = cli.main(["predict", "--weights", str(weights), "--device", "cpu", "--json", image])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    record = json.loads(out[0], parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert record["error"].endswith("the network's output is not finite")
    assert "digit" not in record


def test_predict_to_a_full_disk_says_so_without_a_traceback(tmp_path):
    image = digit_file(tmp_path / "seven.png")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--device", "cpu",
                                 image, image], stdout=full, stderr=subprocess.PIPE, text=True,
                                timeout=120, env=env())
    assert result.returncode == 1
    assert "digitpad: cannot write the output: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_while_starting_up_is_quiet(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_app", interrupted)
    assert cli.main([]) == 130
    assert capsys.readouterr().err == "digitpad: interrupted\n"


@pytest.mark.parametrize("delay", [0.5, 1.0, 2.0])  # inside the imports of torch and Qt, or later
def test_ctrl_c_in_a_starting_app_prints_no_traceback(tmp_path, delay):
    process = subprocess.Popen([sys.executable, "-m", "digitpad"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env={**env(), "DIGITPAD_SETTINGS": str(tmp_path / "s.ini")})
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"the app did not stop on Ctrl+C: {err}")
    assert "Traceback" not in err, err

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from digitpad import cli
from digitpad.models import SimpleCNN
from digitpad.weights import save_weights


@pytest.fixture
def weights(tmp_path):
    torch.manual_seed(0)
    return str(save_weights(tmp_path / "w.pt", SimpleCNN()))


def digit_png(path, invert=False, size=(120, 90)):
    pixels = np.zeros(size[::-1], np.uint8)
    pixels[15:105, 40:52] = 255
    pixels[15:27, 20:52] = 255
    Image.fromarray(255 - pixels if invert else pixels).save(path)
    return str(path)


def run(capsys, *argv):
    code = cli.main(["predict", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_json_lines_for_each_file_in_order(tmp_path, weights, capsys):
    files = [digit_png(tmp_path / "a.png"), digit_png(tmp_path / "b.jpg", invert=True)]
    Image.fromarray(np.zeros((50, 50), np.uint8)).save(tmp_path / "blank.png")
    files.append(str(tmp_path / "blank.png"))
    code, out, err = run(capsys, "--weights", weights, "--device", "cpu", "--json", *files)
    assert code == 0 and err == []
    rows = [json.loads(line) for line in out]
    assert [row["file"] for row in rows] == files
    assert rows[0]["digit"] == rows[1]["digit"] == int(np.argmax(rows[0]["probabilities"]))
    assert abs(sum(rows[0]["probabilities"]) - 1) < 1e-4
    assert rows[0]["confidence"] == pytest.approx(max(rows[0]["probabilities"]), abs=1e-6)
    assert rows[2]["digit"] is None and rows[2]["probabilities"] is None


def test_unreadable_file_gets_an_error_line_and_a_failing_exit_at_the_end(tmp_path, weights, capsys):
    (tmp_path / "broken.png").write_bytes(b"not a png")
    files = [str(tmp_path / "broken.png"), str(tmp_path / "missing.png"), digit_png(tmp_path / "ok.png")]
    code, out, err = run(capsys, "--weights", weights, *files)
    assert code == 1
    assert len(err) == 2 and "broken.png: not a supported image" in err[0] and "no such file" in err[1]
    assert len(out) == 1 and out[0].startswith(f"{files[2]}: ") and out[0].endswith("%)")


def test_many_files_go_through_in_batches(tmp_path, weights, capsys, monkeypatch):
    monkeypatch.setattr(cli, "PREDICT_BATCH", 7)
    files = [digit_png(tmp_path / f"{i}.png", invert=i % 2 == 1) for i in range(30)]
    code, out, _ = run(capsys, "--weights", weights, "--json", *files)
    rows = [json.loads(line) for line in out]
    assert code == 0 and [row["file"] for row in rows] == files
    assert len({row["digit"] for row in rows}) == 1  # the same drawing, either polarity


def test_bad_weights_exit_with_the_core_message(tmp_path, capsys):
    (tmp_path / "bad.pt").write_bytes(b"")
    with pytest.raises(SystemExit, match="cannot load weights: bad.pt: the file is empty"):
        cli.main(["predict", "--weights", str(tmp_path / "bad.pt"), digit_png(tmp_path / "a.png")])


def test_cuda_request_falls_back_with_a_warning(tmp_path, weights, capsys):
    if torch.cuda.is_available():
        pytest.skip("checks the fallback without CUDA")
    code, out, err = run(capsys, "--weights", weights, "--device", "cuda", digit_png(tmp_path / "a.png"))
    assert code == 0 and len(out) == 1
    assert "CUDA not used" in err[0]


def test_python_dash_m_runs_the_cli(tmp_path, weights):
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--weights", weights,
                             digit_png(tmp_path / "a.png")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "a.png"))


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path, weights):
    files = [digit_png(tmp_path / f"{i}.png") for i in range(5)]
    process = subprocess.Popen([sys.executable, "-m", "digitpad", "predict", "--weights", weights, *files],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # like `digitpad predict ... | head -0`
    stderr = process.stderr.read()
    process.wait(timeout=120)
    process.stderr.close()
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert process.returncode == 1

import os
import pickle
import stat

import pytest
import torch

from digitpad.models import DeepCNN, SimpleCNN
from digitpad.weights import (
    FORMAT,
    WeightsError,
    atomic_write,
    describe_metadata,
    load_model,
    read_weights,
    save_weights,
    shipped_dir,
)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return SimpleCNN()


def same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_save_then_load_round_trips_exactly(tmp_path, model, suffix):
    path = save_weights(tmp_path / f"w{suffix}", model, metadata={"test_accuracy": 0.987, "epochs": 3})
    loaded = load_model(path)
    assert loaded.arch == "SimpleCNN" and same_weights(loaded.model, model)
    assert loaded.file.metadata == {"test_accuracy": 0.987, "epochs": 3}
    assert not loaded.model.training


def test_file_is_readable_with_plain_weights_only_torch_load(tmp_path, model):
    path = save_weights(tmp_path / "w.pt", model, metadata={"command": "digitpad train", "when": object()})
    payload = torch.load(path, weights_only=True)
    assert payload["format"] == FORMAT and payload["arch"] == "SimpleCNN"
    assert payload["metadata"]["command"] == "digitpad train"
    assert isinstance(payload["metadata"]["when"], str)  # odd values become text, not pickles


def test_lessons_bare_state_dict_loads(tmp_path):
    model = DeepCNN()
    torch.save(model.state_dict(), tmp_path / "bare.pt")
    loaded = load_model(tmp_path / "bare.pt")
    assert loaded.arch == "DeepCNN" and same_weights(loaded.model, model)
    assert loaded.file.arch is None and loaded.file.metadata == {}


def test_mismatch_names_every_key_and_shape_in_one_message(tmp_path, model):
    state = model.state_dict()
    del state["conv1.bias"]
    state["fc.weight"] = torch.zeros(10, 100)
    state["conv2.weight"] = torch.zeros(32, 16, 3, 3)
    torch.save({"format": FORMAT, "format_version": 1, "arch": "SimpleCNN", "metadata": {},
                "state_dict": state}, tmp_path / "bad.pt")
    with pytest.raises(WeightsError) as info:
        load_model(tmp_path / "bad.pt")
    assert str(info.value) == ("bad.pt: the weights do not fit SimpleCNN: 1 tensor missing, "
                               "1 unexpected, 1 of other shapes or types")
    message = info.value.details
    assert "missing conv1.bias [16]" in message
    assert "unexpected conv2.weight [32, 16, 3, 3]" in message
    assert "fc.weight has shape [10, 100] in the file but [10, 2704] in the model" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_values_are_rejected(tmp_path, model, value):
    state = model.state_dict()
    state["fc.bias"][3] = value
    torch.save(state, tmp_path / "nan.pt")
    with pytest.raises(WeightsError, match="NaN or infinite values in fc.bias"):
        load_model(tmp_path / "nan.pt")


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_malicious_pickle_is_refused_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.save({"conv1.weight": torch.zeros(1), "payload": Exploit()}, tmp_path / "evil.pt")
    with open(tmp_path / "evil.pkl", "wb") as handle:
        pickle.dump(Exploit(), handle)
    for name in ("evil.pt", "evil.pkl"):
        refused = "refused: the file asks to run or build posix.system|not a weights file"
        with pytest.raises(WeightsError, match=refused):
            load_model(tmp_path / name)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (os.urandom(4096), "not a weights file|truncated or damaged"),
    (b"PK\x03\x04" + b"\x00" * 100, "truncated or damaged|not a weights file"),
    (b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": broken", "safetensors"),
])
def test_junk_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "junk.pt"
    path.write_bytes(content)
    with pytest.raises(WeightsError, match=message):
        load_model(path)


def test_truncated_file_gives_a_clear_error(tmp_path, model):
    path = save_weights(tmp_path / "w.pt", model)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightsError, match="truncated or damaged"):
        load_model(path)


@pytest.mark.parametrize("payload, message", [
    ([1, 2, 3], "holds a list"),
    ({"format": FORMAT, "format_version": 99, "state_dict": {}}, "newer digitpad"),
    ({}, "holds a dict, not a state_dict"),
    ({"x": torch.zeros(3)}, "match no known architecture"),
])
def test_wrong_contents_give_a_clear_error(tmp_path, payload, message):
    torch.save(payload, tmp_path / "w.pt")
    with pytest.raises(WeightsError, match=message):
        load_model(tmp_path / "w.pt")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(WeightsError, match="no such file"):
        load_model(tmp_path / "nope.pt")
    (tmp_path / "dir.pt").mkdir()
    with pytest.raises(WeightsError):
        load_model(tmp_path / "dir.pt")


def test_failed_save_leaves_the_old_file_byte_identical_and_no_temp(tmp_path, model):
    path = save_weights(tmp_path / "w.pt", model)
    before = path.read_bytes()

    def explode(handle):
        handle.write(b"half a file")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, explode)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.pt"]


def test_failed_replace_is_a_clear_error_and_keeps_the_old_file(tmp_path, model, monkeypatch):
    path = save_weights(tmp_path / "w.pt", model)
    before = path.read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WeightsError, match="cannot save .*w.pt: Permission denied"):
        save_weights(path, SimpleCNN())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.pt"]


def test_save_into_a_missing_folder_is_a_clear_error(tmp_path, model):
    with pytest.raises(WeightsError, match="cannot save .*no such folder"):
        save_weights(tmp_path / "missing" / "w.pt", model)


def test_a_replaced_file_keeps_its_permissions(tmp_path, model):
    path = save_weights(tmp_path / "w.pt", model)
    path.chmod(0o640)
    save_weights(path, model)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_read_weights_does_not_build_a_model(tmp_path, model):
    path = save_weights(tmp_path / "w.pt", model)
    weights = read_weights(path)
    assert weights.arch == "SimpleCNN" and set(weights.state_dict) == set(model.state_dict())


def test_shipped_dir_is_the_models_folder_of_a_checkout():
    assert shipped_dir().name in ("models", "_shipped")


def test_describe_metadata_in_english_or_in_the_words_given():
    metadata = {"test_accuracy": 0.98741, "epochs": 20, "date": "2026-11-26T23:05:00"}
    assert describe_metadata(metadata) == "test accuracy 98.74 %, 20 epochs, 2026-11-26"
    assert describe_metadata(metadata, accuracy="测试准确率 {:.2f} %", epochs="{} 轮",
                             separator="，") == "测试准确率 98.74 %，20 轮，2026-11-26"
    assert describe_metadata({"test_accuracy": float("nan")}) == ""


def test_errors_start_with_one_plain_line_and_keep_the_details_apart(tmp_path):
    """No Python exception text in the summary; the lists go to ``details``."""
    from digitpad.models import create_model
    from digitpad.weights import load_model, save_weights

    corrupt = tmp_path / "bad.pt"
    corrupt.write_bytes(b"\x80\x02]q\x00." * 3 + b"\x00" * 50)
    with pytest.raises(WeightsError) as caught:
        load_model(corrupt)
    assert str(caught.value).startswith("bad.pt: ") and "(" not in str(caught.value)
    assert "\n" not in str(caught.value)

    deep = tmp_path / "deep.pt"
    save_weights(deep, create_model("DeepCNN"), arch="SimpleCNN")  # a file that claims the wrong model
    with pytest.raises(WeightsError) as caught:
        load_model(deep)
    summary = str(caught.value)
    assert summary.startswith("deep.pt: made for DeepCNN, not SimpleCNN: ")
    assert "tensors missing" in summary and "block1.0.weight" not in summary
    assert "\n" not in summary
    assert "block1.0.weight" in caught.value.details and "conv1.weight" in caught.value.details


def test_shipped_weights_are_checked_once_copied_each_time_and_read_again_when_replaced(
        tmp_path, monkeypatch, simple_weights):
    from digitpad import session as session_module

    path = tmp_path / "shipped.pt"
    path.write_bytes(simple_weights.read_bytes())
    monkeypatch.setattr(session_module, "shipped_weights_path", lambda arch: path)
    reads = []
    real_load = session_module.load_model
    monkeypatch.setattr(session_module, "load_model", lambda *a, **k: reads.append(a) or real_load(*a, **k))
    first, where, _, error = session_module.shipped_or_random("SimpleCNN")
    second, *_ = session_module.shipped_or_random("SimpleCNN")
    assert where == path and error is None and len(reads) == 1
    assert first is not second and torch.equal(first.fc.weight, second.fc.weight)
    with torch.no_grad():
        first.fc.weight.zero_()  # the caller's copy: the next one is still the file's
    assert session_module.shipped_or_random("SimpleCNN")[0].fc.weight.abs().sum() > 0
    path.write_bytes(b"not weights any more")  # replaced: read again, and refused
    model, where, _, error = session_module.shipped_or_random("SimpleCNN")
    assert where is None and error and len(reads) == 2

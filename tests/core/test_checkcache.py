"""The digit check's cache: a warm cache gives the same check without fitting, a damaged
file is ignored and rebuilt, edited weights or another recipe never meet a stale file."""

import numpy as np
import pytest
import torch

from digitpad import checkcache
from digitpad.checkcache import (
    MAX_CHECK_FILES,
    cache_folder,
    cached_fit,
    cached_reference,
    check_key,
    check_path,
    load_check,
    load_reference,
)
from digitpad.models import DeepCNN, SimpleCNN
from digitpad.uncertainty import DigitCheck, ReferenceDigits

SOURCE = "mnist:/somewhere/train-images-idx3-ubyte:47040016:1"


@pytest.fixture(scope="module")
def reference():
    rng = np.random.default_rng(0)
    inputs = rng.normal(0, 1, (300, 28, 28)).astype(np.float32)
    return ReferenceDigits(bank_inputs=inputs[:200], bank_labels=rng.integers(0, 10, 200),
                           calibration_inputs=inputs[200:])


@pytest.fixture
def model():
    torch.manual_seed(1)
    return SimpleCNN().eval()


class Counted:
    """A reference maker that counts its calls."""

    def __init__(self, reference):
        self.reference, self.calls = reference, 0

    def __call__(self):
        self.calls += 1
        return self.reference


def assert_same_check(a: DigitCheck, b: DigitCheck) -> None:
    assert a.feature == b.feature and a.threshold == b.threshold and a.fingerprint == b.fingerprint
    np.testing.assert_array_equal(a.bank.numpy(), b.bank.numpy())
    np.testing.assert_array_equal(a.bank_labels, b.bank_labels)


def test_a_warm_cache_gives_the_check_without_fitting(tmp_path, model, reference, monkeypatch):
    make = Counted(reference)
    fitted, from_cache = cached_fit(model, make, tmp_path, SOURCE)
    assert not from_cache and make.calls == 1
    assert check_path(tmp_path, check_key(model, SOURCE)).is_file()

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the cache holds the check")

    monkeypatch.setattr(DigitCheck, "fit", no_fit)
    again, from_cache = cached_fit(model, make, tmp_path, SOURCE)
    assert from_cache and make.calls == 1  # the reference digits were not even made
    assert_same_check(again, fitted)
    assert again.is_current(model)
    inputs = reference.calibration_inputs[:20]
    np.testing.assert_array_equal(again.scores(model, inputs), fitted.scores(model, inputs))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "flipped byte", "other key",
                                    "a plain array", "a folder"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path, model, reference, damage):
    fitted, _ = cached_fit(model, Counted(reference), tmp_path, SOURCE)
    path = check_path(tmp_path, check_key(model, SOURCE))
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a cache file at all" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "flipped byte":  # inside the bank's numbers: the zip's CRC tells
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "a plain array":  # numpy's own format, but no archive of arrays
        path.unlink()
        np.save(path.with_suffix(""), np.zeros(3))
        path.with_suffix(".npy").rename(path)
    elif damage == "a folder":
        path.unlink()
        path.mkdir()
    else:  # a whole, valid file written for other weights, under this name
        other = SimpleCNN().eval()
        cached_fit(other, Counted(reference), tmp_path, SOURCE)
        path.write_bytes(check_path(tmp_path, check_key(other, SOURCE)).read_bytes())
    assert load_check(model, tmp_path, SOURCE) is None

    make = Counted(reference)
    rebuilt, from_cache = cached_fit(model, make, tmp_path, SOURCE)
    assert not from_cache and make.calls == 1
    assert_same_check(rebuilt, fitted)
    if damage != "a folder":  # never replaced (fileio.atomic_write): the check still works
        assert_same_check(load_check(model, tmp_path, SOURCE), fitted)  # the file is whole again


def test_edited_weights_do_not_use_the_stale_cache(tmp_path, model, reference):
    fitted, _ = cached_fit(model, Counted(reference), tmp_path, SOURCE)
    with torch.no_grad():
        model.conv1.weight[0, 0, 1, 1] += 1e-3
    assert load_check(model, tmp_path, SOURCE) is None
    make = Counted(reference)
    refitted, from_cache = cached_fit(model, make, tmp_path, SOURCE)
    assert not from_cache and make.calls == 1
    assert refitted.is_current(model) and not fitted.is_current(model)
    assert not np.array_equal(refitted.bank.numpy(), fitted.bank.numpy())


def test_another_recipe_or_reference_source_is_another_key(tmp_path, model, reference, monkeypatch):
    cached_fit(model, Counted(reference), tmp_path, SOURCE)
    assert load_check(model, tmp_path, SOURCE + "x") is None  # MNIST changed
    monkeypatch.setattr(checkcache, "CHECK_RECIPE", checkcache.CHECK_RECIPE + " v-next")
    assert load_check(model, tmp_path, SOURCE) is None


def test_the_key_hashes_every_tensor_buffers_too():
    deep = DeepCNN().eval()
    before = check_key(deep, SOURCE)
    batch_norm = next(m for m in deep.modules() if isinstance(m, torch.nn.BatchNorm2d))
    batch_norm.running_mean += 0.5  # a buffer, no parameter: the features change all the same
    assert check_key(deep, SOURCE) != before


def test_no_source_no_cache_and_store_false_writes_nothing(tmp_path, model, reference):
    make = Counted(reference)
    cached_fit(model, make, tmp_path, None)
    cached_fit(model, make, tmp_path, SOURCE, store=False)
    assert make.calls == 2 and not list(tmp_path.iterdir())


def test_a_cache_that_cannot_be_written_still_gives_the_check(tmp_path, model, reference):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    check, from_cache = cached_fit(model, Counted(reference), blocked, SOURCE)
    assert not from_cache and check.is_current(model)


def test_only_the_newest_check_files_are_kept(tmp_path, reference):
    for seed in range(MAX_CHECK_FILES + 2):
        torch.manual_seed(seed)
        cached_fit(SimpleCNN().eval(), Counted(reference), tmp_path, SOURCE)
    assert len(list(tmp_path.glob("check-*.npz"))) == MAX_CHECK_FILES
    assert not list(tmp_path.glob("*.tmp"))  # written atomically: no leftovers


def test_the_reference_digits_are_cached_and_checked(tmp_path, reference):
    make = Counted(reference)
    first = cached_reference(make, tmp_path, SOURCE)
    second = cached_reference(make, tmp_path, SOURCE)
    assert make.calls == 1 and first is reference
    np.testing.assert_array_equal(second.bank_inputs, reference.bank_inputs)
    np.testing.assert_array_equal(second.calibration_inputs, reference.calibration_inputs)
    path = next(tmp_path.glob("reference-*.npz"))
    path.write_bytes(path.read_bytes()[:1000])
    assert load_reference(tmp_path, SOURCE) is None
    cached_reference(make, tmp_path, SOURCE)
    assert make.calls == 2 and load_reference(tmp_path, SOURCE) is not None


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITPAD_CACHE_DIR", str(tmp_path))
    assert cache_folder() == tmp_path
    monkeypatch.delenv("DIGITPAD_CACHE_DIR")
    monkeypatch.setattr(checkcache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "digitpad" / "digit-check"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "digitpad" / "digit-check"

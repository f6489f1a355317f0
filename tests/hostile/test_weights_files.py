"""Hostile weights files and unlucky saves (issue 17, cases 3, 5, 7, 8, 17, and the FIFO,
/dev/zero and format_version=True items)."""

import io
import os
import zipfile

import pytest
import torch

from digitpad import fileio
from digitpad.models import SimpleCNN
from digitpad.weights import WeightsError, load_model, max_weights_bytes, read_weights, save_weights

from .conftest import as_ordinary_user, fill, tiny_disk


@pytest.fixture
def model():
    torch.manual_seed(0)
    return SimpleCNN()


# ---------------------------------------------------------------- zip bombs (case 5)


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path, model, monkeypatch):
    good = save_weights(tmp_path / "good.pt", model)
    bomb = tmp_path / "bomb.pt"
    inflated = 4 * max_weights_bytes()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        entry = zipfile.ZipInfo("archive/data/999")
        entry.compress_type = zipfile.ZIP_DEFLATED
        with target.open(entry, "w", force_zip64=True) as handle:
            chunk = bytes(2**20)
            for _ in range(inflated // 2**20):
                handle.write(chunk)
    assert bomb.stat().st_size < max_weights_bytes()  # small on disk

    def never(*args, **kwargs):
        raise AssertionError("torch.load was reached")

    monkeypatch.setattr(torch, "load", never)
    with pytest.raises(WeightsError, match=r"bomb.pt: refused: it would inflate to [\d,.]+ MB, more than"):
        read_weights(bomb)


def test_a_file_larger_than_any_network_is_refused_unread(tmp_path):
    path = tmp_path / "huge.pt"
    with open(path, "wb") as handle:
        handle.truncate(max_weights_bytes() + 1)  # sparse: no disk space used
    with pytest.raises(WeightsError, match="huge.pt: too large for digitpad weights"):
        read_weights(path)


# ---------------------------------------------------------------- tensors without data (case 7)


@pytest.mark.parametrize("kind,message", [
    ("sparse", "tensor fc.weight is sparse"),
    ("meta", "tensor fc.weight has no data"),
])
def test_sparse_and_meta_tensors_are_clear_errors(tmp_path, model, kind, message):
    state = model.state_dict()
    weight = state["fc.weight"]
    state["fc.weight"] = weight.to_sparse() if kind == "sparse" else torch.empty_like(weight, device="meta")
    path = tmp_path / f"{kind}.pt"
    torch.save(state, path)
    with pytest.raises(WeightsError, match=message):
        load_model(path)


# ---------------------------------------------------------------- unreadable files (case 8)


@pytest.mark.parametrize("name", ["locked.pt", "locked.safetensors", "locked.bin"])
def test_an_unreadable_file_says_permission_denied(public_tmp, model, name):
    path = save_weights(public_tmp / name, model)
    path.chmod(0o000)

    def read():
        read_weights(path)

    assert as_ordinary_user(read) == f"WeightsError: cannot read {path}: permission denied"


def test_pipes_and_devices_are_not_weights_files(tmp_path):
    fifo = tmp_path / "weights.pt"
    os.mkfifo(fifo)  # reading would wait for a writer for ever
    for path in (fifo, "/dev/zero", "/dev/null"):
        with pytest.raises(WeightsError, match="not a regular file"):
            read_weights(path)


@pytest.mark.parametrize("version", [True, False, -1, 0, "1", 1.0, None])
def test_a_format_version_that_is_not_a_version_number_is_refused(tmp_path, model, version):
    path = tmp_path / "odd.pt"
    torch.save({"format": "digitpad-weights", "format_version": version, "arch": "SimpleCNN",
                "metadata": {}, "state_dict": model.state_dict()}, path)
    with pytest.raises(WeightsError, match="is not a version number"):
        read_weights(path)


# ---------------------------------------------------------------- a full disk (case 3)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_a_full_disk_says_so_and_keeps_the_old_file(tmp_path, model, suffix):
    with tiny_disk(tmp_path / "disk") as disk:
        old = disk / f"w{suffix}"
        old.write_bytes(b"old weights")
        fill(disk, leave_bytes=16 * 1024)  # SimpleCNN needs about 110 KB
        with pytest.raises(WeightsError, match=f"^No space left on the disk: cannot save {old}$"):
            save_weights(old, model)
        assert old.read_bytes() == b"old weights"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", old.name]


def test_a_failed_write_through_torch_keeps_its_errno(tmp_path, model, monkeypatch):
    """Without a mountable disk: the write that fails is the plain one of the bytes torch
    made in memory, so the errno survives (torch writing to the file masks it)."""
    real_fdopen = os.fdopen

    def full_disk(fd, *args, **kwargs):
        os.close(fd)
        return real_fdopen(os.open("/dev/full", os.O_WRONLY), *args, **kwargs)

    monkeypatch.setattr(fileio.os, "fdopen", full_disk)
    with pytest.raises(WeightsError, match="^No space left on the disk: cannot save"):
        save_weights(tmp_path / "w.pt", model)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- special files (case 17)


def test_saving_over_a_fifo_or_device_is_refused(tmp_path, model):
    fifo = tmp_path / "fifo.pt"
    os.mkfifo(fifo)
    targets = [(fifo, "a FIFO")]
    if os.geteuid() == 0:
        device = tmp_path / "null.pt"
        os.mknod(device, 0o666 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
        targets.append((device, "a device"))
    for path, kind in targets:
        before = os.lstat(path)
        with pytest.raises(WeightsError, match=f"cannot save {path}: it is {kind}.*not a regular file"):
            save_weights(path, model)
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p, _ in targets)


def test_saving_to_a_folder_is_refused(tmp_path, model):
    with pytest.raises(WeightsError, match="it is a folder"):
        save_weights(tmp_path, model)


def test_a_symlink_is_written_through_to_its_target(tmp_path, model):
    real = tmp_path / "store" / "real.pt"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.pt"
    link.symlink_to(real)
    save_weights(link, model)
    assert link.is_symlink() and link.resolve() == real
    assert load_model(link).arch == "SimpleCNN"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.pt"]  # no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.pt", "store"]


def test_a_symlink_to_a_fifo_is_refused(tmp_path, model):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link.pt"
    link.symlink_to(fifo)
    with pytest.raises(WeightsError, match="a FIFO"):
        save_weights(link, model)
    assert link.is_symlink()


def test_export_text_write_reports_no_space(tmp_path, monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(fileio.os, "fdopen", lambda fd, *a, **k: (os.close(fd), real_fdopen(
        os.open("/dev/full", os.O_WRONLY), *a, **k))[1])
    with pytest.raises(OSError, match="No space left on the disk"):
        fileio.atomic_write(tmp_path / "a.txt", lambda handle: handle.write(io.BytesIO(b"x" * 9000).getvalue()))

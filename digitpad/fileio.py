"""Writing files so that a crash or a full disk never leaves half a file behind.

Only regular files are replaced. A symlink is written through: the new bytes go beside
its target and replace the target, so the link stays and still points at the new file.
A FIFO, a device node, a socket or a folder at the path is refused, never replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def target_of(path) -> Path:
    """Where writing ``path`` lands: the path itself, or a symlink's final target."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path, *, error: type[Exception] = OSError) -> Path:
    """Raise ``error`` saying why ``path`` cannot be saved (before any long work is done);
    returns the file that saving will replace (see ``target_of``)."""
    path = Path(path)
    try:
        target = target_of(path)
        mode = target.stat().st_mode
    except FileNotFoundError:
        target, mode = target_of(path), None
    except PermissionError:
        raise error(f"cannot save {path}: permission denied") from None
    except OSError as exc:
        raise error(f"cannot save {path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise error(f"cannot save {path}: it is {_kind(mode)}, not a regular file, and is "
                    "never replaced")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise error(f"cannot save {path}: no such folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"cannot save {path}: permission denied (the folder {folder} is not writable)")
    return target


def atomic_write(path, write: Callable[[BinaryIO], object], *, error: type[Exception] = OSError) -> None:
    """Write ``path`` through ``write(fileobj)`` so it is either the old file or the new.

    The bytes go to a temporary file beside the file replaced (a symlink's target), are
    flushed and fsynced, then ``os.replace`` puts them in place. On any failure the old
    file is untouched and the temporary file is removed; an OSError is raised again as
    ``error``: "No space left on the disk: ..." for a full disk or quota, else
    "cannot save ...". Anything but a regular file at the path is refused.
    """
    path = Path(path)
    target = check_writable(path, error=error)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _save_error(error, path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _new_file_mode(target))
        os.replace(tmp_name, target)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise _save_error(error, path, exc) from None
        raise
    _fsync_folder(folder)


def _save_error(error: type[Exception], path: Path, exc: OSError) -> Exception:
    if exc.errno in NO_SPACE:
        return error(f"No space left on the disk: cannot save {path}")
    return error(f"cannot save {path}: {exc.strerror or exc}")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777  # keep the replaced file's permissions
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every filesystem can sync a folder; the file itself is synced
    finally:
        os.close(fd)

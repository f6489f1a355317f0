"""Writing files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path, write: Callable[[object], None], *, error: type[Exception] = OSError) -> None:
    """Write ``path`` through ``write(fileobj)`` so it is either the old file or the new.

    The bytes go to a temporary file in the same folder, are flushed and fsynced, then
    ``os.replace`` puts them in place. On any failure the old file is untouched and the
    temporary file is removed; an OSError is raised again as ``error("cannot save ...")``.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise error(f"cannot save {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _new_file_mode(path))
        os.replace(tmp_name, path)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise error(f"cannot save {path}: {exc.strerror or exc}") from None
        raise
    _fsync_folder(folder)


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

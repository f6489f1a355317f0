"""What the teaching docks (training, correction, evaluation) share: the MNIST digits,
read once per session, what to tell a user who has none, distortion ranges in words, and
how a teaching dock comes forward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ..augment import Augmentation
from ..data import DataError, Digits, load_mnist, local_mnist_dir

# The height a teaching dock asks for when it is brought forward; the docks beside it
# keep at least their minimum.
DOCK_HEIGHT = 600


def bring_forward(dock: QDockWidget) -> None:
    """Show ``dock`` in front of the docks it shares a place with, and roomy."""
    dock.show()
    dock.raise_()
    window = dock.parentWidget()  # the main window the dock is docked in
    if not dock.isFloating() and isinstance(window, QMainWindow):
        window.resizeDocks([dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)


_read_splits: dict[str, Digits] = {}


def mnist(split: str, cancelled: Callable[[], bool] | None = None) -> Digits:
    """The ``train`` or ``test`` split, read once a session (slow the first time: call it
    in a worker). Raises LoadCancelled soon after ``cancelled()`` turns True, so closing
    the window need not wait for the whole file."""
    if split not in _read_splits:
        folder = local_mnist_dir()
        if folder is None:
            raise DataError(missing_mnist_message())
        _read_splits[split] = load_mnist(folder, split, cancel=cancelled)
    return _read_splits[split]


def missing_mnist_message() -> str | None:
    """What to do to get MNIST, or None when it is here."""
    if local_mnist_dir() is not None:
        return None
    return QCoreApplication.translate(
        "teaching",
        "This needs the MNIST digits, and digitpad found none on this computer. To get them "
        "(about 12 MB), run <code>digitpad eval</code> once in a terminal: it downloads them "
        "into your cache folder. Or set <code>DIGITPAD_DATA</code> to a folder holding the "
        "four MNIST files. Then try again.")


def describe_augmentation(augmentation: Augmentation) -> str:
    """The distortion ranges in the interface's language (``str()`` gives them in English)."""
    text = QCoreApplication.translate(
        "teaching", "rotation {rotation:g} deg, scale {scale:g}, shear {shear:g}, shift "
        "{shift:g} px, thickness {thickness:g}").format(**asdict(augmentation))
    if augmentation.elastic:
        text += QCoreApplication.translate("teaching", ", elastic {elastic:g} px").format(
            elastic=augmentation.elastic)
    return text

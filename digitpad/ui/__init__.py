"""The desktop app: the only package that imports PySide6 and pyqtgraph."""

import sys


def _spare_none_references() -> None:
    """Survive PySide6 6.12.0 on Python < 3.12.

    That build returns None from every void method without taking a reference to it,
    and True and False from some overrides likewise (harmless from Python 3.12 on, where
    they are immortal). On 3.11 each call costs a reference, and after some thousands of
    pointer moves the interpreter aborts with "deallocating None". pyproject.toml keeps
    6.12.0 off Python < 3.12; where it is installed anyway, and the leak shows, these
    singletons get references to spare, as 3.12 makes them immortal.
    """
    if sys.version_info >= (3, 12):
        return
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    probe.setObjectName("probe")
    if sys.getrefcount(None) < before:
        import ctypes

        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


_spare_none_references()

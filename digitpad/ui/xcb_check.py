"""Does Qt's xcb platform plugin load? ``make run`` asks before launching, because when a
library it needs is missing Qt names only the first one (say libxcb-cursor0) and aborts.

``python -m digitpad.ui.xcb_check PACKAGE...`` exits 0 when the plugin loads (or xcb is not
the platform that will be used), else prints why and the one ``apt-get install`` line with
every package given (the Makefile's XCB_PACKAGES) and exits 1."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path


def xcb_plugin() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def uses_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    """Linux, with no other platform asked for (offscreen, wayland…)."""
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux") or (chosen and not chosen.startswith("xcb")):
        return False
    return not (environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY") and not chosen)


def xcb_problem(packages: list[str], plugin: Path | None = None) -> str | None:
    """None when the plugin loads; else a message ending in the apt-get line."""
    import PySide6.QtGui  # noqa: F401  (the Qt libraries the plugin links against, loaded first)

    plugin = plugin or xcb_plugin()
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return (f"Qt's X11 (xcb) platform plugin cannot load: {exc}\n"
                "Install the libraries it needs with:\n"
                f"    sudo apt-get install {' '.join(packages)}")
    return None


def main(argv: list[str]) -> int:
    if not uses_xcb():
        return 0
    problem = xcb_problem(argv)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`make run` checks that Qt's xcb plugin loads, and when it does not prints the one
apt-get line with every package the Makefile lists (also in the README)."""

import ctypes
import re
from pathlib import Path

from digitpad.ui import xcb_check

REPO = Path(__file__).resolve().parents[2]


def makefile_packages() -> list[str]:
    text = (REPO / "Makefile").read_text().replace("\\\n", " ")
    return re.search(r"^XCB_PACKAGES :=(.*)$", text, re.M).group(1).split()


def test_the_makefile_runs_the_check_before_launching_with_every_package():
    packages = makefile_packages()
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(packages)
    run = re.search(r"^run:.*?(?=^\S)", (REPO / "Makefile").read_text(), re.M | re.S).group(0)
    assert run.index("digitpad.ui.xcb_check $(XCB_PACKAGES)") < run.index("$(VENV)/bin/digitpad")
    readme = " ".join((REPO / "README.md").read_text().replace("\\\n", " ").split())
    assert "sudo apt-get install " + " ".join(packages) in readme


def test_a_plugin_that_cannot_load_gives_the_one_apt_get_line(monkeypatch, capsys):
    def missing(path, *args, **kwargs):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    monkeypatch.setattr(xcb_check, "uses_xcb", lambda: True)
    packages = makefile_packages()
    assert xcb_check.main(packages) == 1
    lines = capsys.readouterr().err.splitlines()
    assert "libxcb-cursor.so.0" in lines[0]
    assert [line.strip() for line in lines if "apt-get" in line] == [
        "sudo apt-get install " + " ".join(packages)]


def test_the_installed_plugin_loads_and_other_platforms_are_not_checked():
    assert xcb_check.xcb_plugin().is_file()
    assert xcb_check.xcb_problem(makefile_packages()) is None
    assert not xcb_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not xcb_check.uses_xcb({}, "darwin")
    assert xcb_check.uses_xcb({"DISPLAY": ":0"}, "linux")

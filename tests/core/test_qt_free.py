"""The core must run where Qt is absent: importing it never loads PySide6 or pyqtgraph."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import digitpad

CORE_MODULES = sorted(
    f"digitpad.{info.name}"
    for info in pkgutil.iter_modules([str(Path(digitpad.__file__).parent)])
    if info.name != "ui"
)


def test_core_modules_are_found():
    assert {"digitpad.models", "digitpad.classifier", "digitpad.cli"} <= set(CORE_MODULES)


def test_importing_the_core_loads_no_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    if name != 'digitpad.__main__':\n"
        "        importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(digitpad.__file__).parent.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_no_core_source_mentions_qt_imports():
    root = Path(digitpad.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "ui" not in path.relative_to(root).parts
        and any(
            line.lstrip().startswith(("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []

"""An installed copy (a wheel, not this checkout) finds its shipped weights and resources."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIND_SHIPPED = """
import sys, digitpad, digitpad.weights as w
print(digitpad.__file__)
for arch in ("SimpleCNN", "DeepCNN"):
    path = w.shipped_weights_path(arch)
    loaded = w.load_model(path)
    print(arch, path, type(loaded.model).__name__, loaded.file.metadata.get("test_accuracy"))
resources = digitpad.bundled_folder("digitpad._resources", "resources")
print("resources", resources, sorted(p.name for p in resources.glob("*.qm")))
"""


def _setuptools_can_build() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


@pytest.mark.slow
@pytest.mark.skipif(not _setuptools_can_build(), reason="needs setuptools>=77 to build the wheel offline")
def test_an_installed_wheel_finds_its_shipped_weights(tmp_path):
    # Build from a copy so the checkout gets no build/ or egg-info folders.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("digitpad", "models", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    shutil.rmtree(source)  # nothing may point back at the source

    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", FIND_SHIPPED], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(target)), lines[0]
    for line, arch in zip(lines[1:3], ("SimpleCNN", "DeepCNN")):
        name, path, model_class, accuracy = line.split()
        assert name == arch == model_class
        assert path.startswith(str(target))
        assert float(accuracy) > 0.98
    translations = sorted(p.name for p in (ROOT / "resources").glob("*.qm"))
    if translations:  # the interface's translations travel with the package too
        _, folder, installed = lines[3].split(" ", 2)
        assert folder.startswith(str(target))
        assert installed == str(translations)

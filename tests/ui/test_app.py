"""``digitpad --screenshot`` in a process of its own, and the guard against tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from digitpad.ui import app

REPO = Path(__file__).resolve().parents[2]


def run_digitpad(*args, tmp_path):
    env = dict(os.environ, DIGITPAD_SETTINGS=str(tmp_path / "settings.ini"))
    env.pop("QT_QPA_PLATFORM", None)  # --screenshot goes offscreen by itself
    return subprocess.run([sys.executable, "-m", "digitpad", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def test_screenshot_writes_a_png_of_the_window(tmp_path, trained_weights):
    target = tmp_path / "shot.png"
    result = run_digitpad("--screenshot", str(target), "--digit", "7", "--weights",
                          str(trained_weights), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    pixels = np.array([[image.pixelColor(x, y).lightness() for x in range(0, 1280, 8)]
                       for y in range(0, 800, 8)])
    assert pixels.std() > 20 and (pixels < 60).mean() > 0.02  # not blank: ink and text
    assert not (tmp_path / "settings.ini").exists()  # a screenshot remembers nothing


def test_screenshot_with_bad_weights_fails_with_a_message(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_text("not weights")
    result = run_digitpad("--screenshot", str(tmp_path / "x.png"), "--weights", str(bad),
                          tmp_path=tmp_path)
    assert result.returncode == 1
    assert "bad.pt" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_an_unexpected_error_shows_a_message_not_a_traceback(qapp, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(app, "log_path", lambda: tmp_path / "logs" / "digitpad.log")
    try:
        {}["missing key"]
    except KeyError:
        app.report_unexpected_error(*sys.exc_info())
    assert len(shown) == 1
    assert "missing key" in shown[0] and "Traceback" not in shown[0]
    assert str(tmp_path / "logs" / "digitpad.log") in shown[0]
    assert "Traceback" in (tmp_path / "logs" / "digitpad.log").read_text()


def test_the_app_collects_garbage_only_from_its_event_loop(tmp_path):
    script = """
import gc, os, weakref
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from digitpad.ui.app import create_app
app = create_app()
assert not gc.isenabled()
class Node: pass
for _ in range(2000):  # cycles enough for the collector's first threshold
    node = Node(); node.self = node
probe = Node(); probe.self = probe; alive = weakref.ref(probe); del probe, node
assert alive() is not None  # nothing collected them outside the event loop
QTimer.singleShot(2500, app.quit)
app.exec()
print("collected" if alive() is None else "kept")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "collected"

"""The application: QApplication, settings, a guard against tracebacks, and ``main()``,
which opens the window or writes a screenshot of it."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

import torch
from PySide6.QtCore import QBuffer, QCoreApplication, QEventLoop, QIODevice, QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__
from ..fileio import atomic_write, check_writable
from .translation import install_language

ORGANIZATION = "digitpad"
APPLICATION = "digitpad"
# A settings file to use instead of the user's (tests, benchmarks, a second profile).
SETTINGS_ENV = "DIGITPAD_SETTINGS"
SCREENSHOT_SIZE = (1280, 800)
DEFAULT_SCREENSHOT_DIGIT = 3
SCREENSHOT_WAIT_S = 60  # for the digit check to be fitted

log = logging.getLogger("digitpad")


def open_settings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings()  # per user, under ORGANIZATION/APPLICATION


def create_app() -> QApplication:
    """The QApplication (the existing one if there is one), named for QSettings."""
    # The app classifies one 28x28 image at a time: more threads only add handovers, which
    # stall for whole scheduler slices when other programs keep the CPU busy (48 ms instead
    # of 0.3 ms for SimpleCNN on a loaded two-core machine).
    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("digitpad")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")  # one look on every platform, and in screenshots
    collect_garbage_in_event_loop()
    return app


_collector = None


def collect_garbage_in_event_loop() -> None:
    """Python's cyclic garbage collection only from a timer in the event loop.

    Left automatic, it can start inside a Qt call that holds a connection lock (seen in
    QObject::disconnect) and destroy a dead widget there, whose destructor waits for the
    same lock: the app freezes for good. pyqtgraph's collector disables the automatic
    collection and collects on a timer instead."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)


def settle_start_up_objects() -> None:
    """Once the window is up: collect, then leave what survived to live as long as the app
    (modules, torch, the window's widgets and wrappers: some 240,000 objects) out of the
    cyclic collector's passes (gc.freeze). A full pass over them stalled the event loop
    for 0.3-1.5 s every couple of minutes; now it visits only what the session made since.
    Frozen objects are still freed the moment nothing refers to them."""
    gc.collect()
    gc.freeze()


def log_path() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder) / "digitpad.log"


def report_unexpected_error(exc_type, exc, tb) -> None:
    """sys.excepthook for the app: log the traceback, show a short message, keep going."""
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", details)
    where = QCoreApplication.translate("app", "the terminal's output")
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(details + "\n")
        where = str(path)
    except OSError:
        pass
    if report_unexpected_error.showing:  # an error while showing the last one: log only
        return
    report_unexpected_error.showing = True
    if report_unexpected_error.starting:  # no drawing or model yet to reassure about
        text = QCoreApplication.translate(
            "app", "digitpad hit an unexpected problem while starting: {problem}\n\n"
            "The details are in {where}.")
    else:
        text = QCoreApplication.translate(
            "app", "digitpad hit an unexpected problem: {problem}\n\n"
            "Your drawing and the model are as they were. The details are in {where}.")
    try:
        QMessageBox.critical(
            QApplication.activeWindow(), QCoreApplication.translate("app", "Something went wrong"),
            text.format(problem=exc or exc_type.__name__, where=where))
    finally:
        report_unexpected_error.showing = False


report_unexpected_error.showing = False
report_unexpected_error.starting = False


def main(screenshot=None, digit=None, weights=None, model=None) -> int:
    """Run the app; with ``screenshot``, draw sample ``digit`` offscreen and save a PNG.
    ``model``: a network of the user's own (``net.py:Net`` or ``net.onnx``), opened first,
    then ``weights`` for it."""
    if screenshot is not None:
        try:
            check_writable(screenshot)  # before seconds of rendering, not after them
        except OSError as exc:
            print(f"digitpad: {exc}", file=sys.stderr)
            return 1
    if screenshot is not None and QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = create_app()
    settings = None if screenshot is not None else open_settings()  # a screenshot remembers nothing
    if screenshot is None:
        sys.excepthook = report_unexpected_error  # from the first setting read on
        report_unexpected_error.starting = True
    install_language(settings)  # before the window: its texts are set once
    from .main_window import MainWindow  # after the QApplication: pyqtgraph wants one

    if screenshot is not None:
        window = MainWindow(weights=None if model else weights)
        if model and not open_model_quietly(window, model, weights):
            window.close()
            return 1
        return write_screenshot(window, Path(screenshot), digit)

    window = MainWindow(settings=settings, weights=None if model else weights)
    window.show()
    settle_start_up_objects()
    report_unexpected_error.starting = False
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C quits (see excepthook)
    QTimer.singleShot(0, window.offer_unsaved_weights)  # left by a crash
    if model:  # asks before a Python file runs, as File ▸ Open Network… does
        QTimer.singleShot(0, lambda: window.networks.open_reference(model, weights))
    if window.startup_error:
        QTimer.singleShot(0, lambda: QMessageBox.warning(
            window, QCoreApplication.translate("app", "Cannot open weights"),
            QCoreApplication.translate(
                "app", "{reason}\n\ndigitpad started with its shipped weights instead (or "
                "random ones if there are none).").format(reason=window.startup_error)))
    return app.exec()


def open_model_quietly(window, model: str, weights) -> bool:
    """For a screenshot: open ``model`` (the command line named it, so it may run) and
    ``weights`` without dialogs; False after saying why on stderr."""
    from ..networks import NetworkError, open_network
    from ..weights import WeightsError

    try:
        opened = open_network(model)
        window.session.open_network(opened, origin=Path(opened.source.file).name)
        if weights:
            window.session.open(weights)
    except (NetworkError, WeightsError) as exc:
        print(f"digitpad: cannot open {model}: {exc}", file=sys.stderr)
        return False
    return True


def run_events_until(done, timeout_ms: int, poll_ms: int = 20) -> None:
    """Run the event loop until ``done()`` or ``timeout_ms`` have passed."""
    loop = QEventLoop()
    poll = QTimer(interval=poll_ms)
    poll.timeout.connect(lambda: done() and loop.quit())
    QTimer.singleShot(timeout_ms, loop.quit)
    if not done():
        poll.start()
        loop.exec()
        poll.stop()


def write_screenshot(window, path: Path, digit: int | None) -> int:
    """The window at its default size with a sample digit drawn by real mouse events."""
    from ..samples import sample
    from .canvas import draw_strokes
    from .panels.uncertainty import CHECK_INTERVAL_MS

    if window.startup_error:
        print(f"digitpad: cannot open weights: {window.startup_error}", file=sys.stderr)
        window.close()  # its worker threads end with it, before Python exits
        return 1
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()
    for stroke in sample(DEFAULT_SCREENSHOT_DIGIT if digit is None else digit).strokes:
        draw_strokes(window.canvas, [stroke])
        QApplication.processEvents()  # the coalesced classification and the repaints
    # The digit check is fitted in a worker thread; then its verdict for the digit drawn.
    run_events_until(lambda: not window.uncertainty.fitting(), SCREENSHOT_WAIT_S * 1000)
    run_events_until(lambda: False, 2 * CHECK_INTERVAL_MS)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.grab().save(buffer, "PNG")
    window.close()
    try:
        atomic_write(path, lambda handle: handle.write(bytes(buffer.data())))
    except OSError as exc:  # says why: a full disk, a folder, no permission
        print(f"digitpad: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0

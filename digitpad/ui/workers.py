"""Long work off the GUI thread: a QThread that iterates one of the core's generators and
re-emits what it yields as Qt signals, and ``Jobs``, which runs one such worker at a time.

The core reports progress by yielding (``digitpad.train.train``) and stops when a
``cancelled()`` callable says so; a worker hands its generator function exactly that
callable, so the CLI and the app run the very same code. A one-off call (an evaluation,
a fine-tune) is a generator that yields once: ``single(function, *args)``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

log = logging.getLogger("digitpad")

# work(cancelled) -> the events; cancelled() turns True once the job is cancelled.
Work = Callable[[Callable[[], bool]], Iterable]


def single(function, *args, **kwargs) -> Work:
    """Work that calls ``function`` once and yields its result."""
    def work(cancelled):
        yield function(*args, **kwargs)
    return work


class Worker(QThread):
    """Runs ``work`` in its own thread; ``event`` carries each item it yields, ``failed``
    a message when it raises. Items yielded after ``cancel()`` are dropped and the
    generator is closed, so a core generator stops at its next step.

    Make it without a parent and, once it has ended, drop the last reference rather than
    call ``deleteLater()``: PySide 6.11 keeps a ``deleteLater()``'d thread's Python
    wrapper (and what it holds) alive for good, a leak per job over a long session."""

    event = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Work, parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        events = None
        try:
            events = iter(self._work(self.is_cancelled))
            for item in events:
                if self.is_cancelled():
                    break
                self.event.emit(item)
        except Exception as exc:  # shown to the user in words; the traceback goes to the log
            log.exception("background job failed")
            self.failed.emit(str(exc) or type(exc).__name__)
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()
            self._work = None  # the work's closure may hold a model copy: free it now


def sent_by_running(sender, worker: Worker | None) -> bool:
    """Whether a signal's ``sender`` is ``worker``, still running its work and not
    cancelled (a stopped worker's last signals may still be queued, and ``sender`` is
    None once its thread is freed)."""
    return worker is not None and sender is worker and not worker.is_cancelled()


class Jobs(QObject):
    """The app's background work, one job at a time: on a small machine a second job
    would only slow the first, and every job reads the current weights.

    ``start(work, on_event, on_finished, on_failed)`` calls back in the GUI thread:
    ``on_event(item)`` per item, ``on_failed(message)`` if it raised, then always
    ``on_finished(completed)``, where ``completed`` is False after a failure or a cancel.
    After ``cancel()`` no more items arrive, though the thread may take a moment to end;
    ``busy`` stays True until it has.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.worker: Worker | None = None
        self._ended: Worker | None = None  # the last job's thread, ended (see Worker)
        self._callbacks = None
        self._failed = False

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start(self, work: Work, on_event: Callable, on_finished: Callable[[bool], None],
              on_failed: Callable[[str], None]) -> bool:
        """Start ``work``; False (and nothing started) while another job runs."""
        if self.busy:
            return False
        worker = Worker(work)
        queued = Qt.ConnectionType.QueuedConnection  # delivered in this (the GUI) thread
        worker.event.connect(self._event, queued)
        worker.failed.connect(self._failure, queued)
        worker.finished.connect(self._finished, queued)
        self.worker, self._callbacks, self._failed = worker, (on_event, on_finished, on_failed), False
        worker.start()
        self.busy_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def stop(self) -> None:
        """Cancel and wait for the thread to end (before the app closes)."""
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self._end(worker)

    def _current(self) -> bool:
        """Whether the signal being delivered comes from the running, uncancelled job
        (a stopped job's last signals may still be queued)."""
        return sent_by_running(self.sender(), self.worker)

    @Slot(object)
    def _event(self, item) -> None:
        if self._current():
            self._callbacks[0](item)

    @Slot(str)
    def _failure(self, message: str) -> None:
        if self._current():
            self._failed = True
            self._callbacks[2](message)

    @Slot()
    def _finished(self) -> None:
        self._end(self.sender())

    def _end(self, worker) -> None:
        if worker is None or worker is not self.worker:
            return  # already ended by stop()
        callbacks = self._callbacks
        worker.wait()
        # Freed with the next job, not inside its own finished signal.
        self._ended = worker
        self.worker, self._callbacks = None, None
        self.busy_changed.emit(False)
        callbacks[1](not (worker.is_cancelled() or self._failed))

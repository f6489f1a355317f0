"""Workers: a core generator iterated in a thread, its items delivered in the GUI thread,
stopped by its cancel callable; one job at a time."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread

from digitpad.ui.workers import Jobs, single


class Recorder:
    def __init__(self):
        self.items, self.threads, self.finished, self.failures = [], set(), [], []

    def event(self, item):
        self.items.append(item)
        self.threads.add(QThread.currentThread())

    def callbacks(self):
        return self.event, self.finished.append, self.failures.append


def test_items_arrive_in_order_in_the_gui_thread(qtbot):
    jobs, seen, worker_threads = Jobs(), Recorder(), set()

    def work(cancelled):
        for number in range(5):
            worker_threads.add(threading.get_ident())
            yield number

    assert jobs.start(work, *seen.callbacks())
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=5000)
    assert seen.items == [0, 1, 2, 3, 4] and seen.finished == [True] and not seen.failures
    assert seen.threads == {QThread.currentThread()}  # delivered where the widgets live
    assert threading.get_ident() not in worker_threads  # computed elsewhere
    assert not jobs.busy


def test_cancel_reaches_the_generator_and_nothing_arrives_after_it(qtbot):
    jobs, seen = Jobs(), Recorder()
    ended = []

    def endless(cancelled):
        try:
            while not cancelled():
                time.sleep(0.002)
                yield len(seen.items)
        finally:
            ended.append(True)  # returned on its own, or closed at a yield

    jobs.start(endless, *seen.callbacks())
    qtbot.waitUntil(lambda: len(seen.items) >= 3, timeout=5000)
    jobs.cancel()
    count = len(seen.items)
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=5000)
    assert seen.finished == [False] and len(seen.items) == count
    assert ended == [True]  # the generator itself stopped


def test_one_job_at_a_time_and_failures_are_reported_in_words(qtbot):
    jobs, seen, busy = Jobs(), Recorder(), []
    jobs.busy_changed.connect(busy.append)
    release = threading.Event()

    def failing(cancelled):
        release.wait(5)
        raise ValueError("no digits in this folder")
        yield  # a generator

    assert jobs.start(failing, *seen.callbacks())
    assert not jobs.start(single(int, "1"), *Recorder().callbacks())  # refused while busy
    release.set()
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=5000)
    assert seen.failures == ["no digits in this folder"] and seen.finished == [False]
    assert busy == [True, False]

    again = Recorder()
    assert jobs.start(single(int, "41"), *again.callbacks())
    qtbot.waitUntil(lambda: bool(again.finished), timeout=5000)
    assert again.items == [41] and again.finished == [True]


def test_stop_waits_for_the_thread(qtbot):
    jobs, seen = Jobs(), Recorder()

    def slow(cancelled):
        while not cancelled():
            time.sleep(0.01)
            yield 1

    jobs.start(slow, *seen.callbacks())
    qtbot.waitUntil(lambda: bool(seen.items), timeout=5000)
    worker = jobs.worker
    jobs.stop()
    assert worker.isFinished() and not jobs.busy and seen.finished == [False]


def test_ended_jobs_leave_neither_their_threads_nor_what_their_work_held(qtbot):
    # A long session runs thousands of jobs: PySide kept every deleteLater()'d thread's
    # wrapper, and with it the work's closure (a model copy), alive for good.
    import gc
    import weakref

    from digitpad.ui.workers import Worker

    class Held:  # stands for the model copy a job's closure holds
        pass

    jobs, held = Jobs(), []

    def job():
        thing = Held()
        held.append(weakref.ref(thing))

        def work(cancelled):
            yield thing
        return work

    finished = []
    for count in range(1, 21):
        assert jobs.start(job(), lambda item: None, finished.append, print)
        qtbot.waitUntil(lambda count=count: len(finished) == count, timeout=5000)
    qtbot.wait(20)  # deferred deletions, had there been any
    gc.collect()
    assert sum(ref() is not None for ref in held) == 0
    assert sum(type(obj) is Worker for obj in gc.get_objects()) <= 1  # the last one

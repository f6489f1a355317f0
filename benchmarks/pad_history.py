"""The pad's history under hostile use, in the real window (issue 17, cases 13 and 14).

``draw-clear``: draw a sample digit stroke by stroke and clear the pad, again and again;
RSS after a short warm-up and every ``--report-every`` cycles. ``many-strokes``: short
random strokes on one pad, never cleared; at the stroke counts of ``--undo-at`` one undo
(timed from the undo to the reading of the drawing it leaves) and its redo.

Each stroke (its press, moves and release, as events that queued up while the app was
busy; ``--turn-per-event`` for a turn each), undo, redo and clear is one event-loop turn
driven by a timer, as a user's input would be; a 5 ms heartbeat timer measures the
event loop (a stall is the time its tick came late), so a stall is one turn that ran
long, whatever did it.

    python benchmarks/pad_history.py draw-clear [--cycles 10000]
    python benchmarks/pad_history.py many-strokes [--strokes 10000] [--undo-at 50,200,1000,5000]

Prints JSON lines: progress reports, then a summary.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from digitpad.samples import SAMPLES  # noqa: E402
from digitpad.ui.app import create_app, settle_start_up_objects  # noqa: E402
from digitpad.ui.canvas import LOGICAL_SIZE, send_mouse  # noqa: E402

HEARTBEAT_MS = 5
LEFT, NO_BUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


class Driver:
    """Runs a generator of actions, one step per event-loop turn, and watches the loop."""

    def __init__(self, window, actions):
        self.window, self.actions = window, actions
        self.last_tick = time.perf_counter()
        self.worst_stall = 0.0
        self.stalls_over_100 = 0
        self.readings = 0
        window.session.prediction_changed.connect(self._read)
        self.beat = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=HEARTBEAT_MS, timeout=self._tick)
        self.step_timer = QTimer(interval=0, timeout=self._step)

    def _read(self, _prediction) -> None:
        self.readings += 1

    def _tick(self) -> None:
        now = time.perf_counter()
        late = 1000 * (now - self.last_tick) - HEARTBEAT_MS
        self.last_tick = now
        self.worst_stall = max(self.worst_stall, late)
        self.stalls_over_100 += late > 100

    def _step(self) -> None:
        try:
            next(self.actions)
        except StopIteration:
            self.step_timer.stop()
            QApplication.quit()

    def run(self) -> None:
        self.beat.start()
        self.step_timer.start()
        QApplication.exec()

    def reset_stall(self) -> None:
        self.worst_stall, self.stalls_over_100 = 0.0, 0
        self.last_tick = time.perf_counter()


def stroke_events(canvas, points, turn_per_event: bool):
    """One stroke in widget pixels: press, moves, release; in one event-loop turn (a
    fast hand whose events queued up), or with ``turn_per_event`` a turn each."""
    send_mouse(canvas, QEvent.Type.MouseButtonPress, points[0], LEFT, LEFT)
    if turn_per_event:
        yield
    for point in points[1:]:
        send_mouse(canvas, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT)
        if turn_per_event:
            yield
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, points[-1], LEFT, NO_BUTTON)
    yield


def digit_strokes(canvas, rng: random.Random):
    digit = rng.choice(SAMPLES)
    jitter = rng.uniform(-15, 15), rng.uniform(-15, 15)
    return [[canvas.to_widget(QPointF(x * LOGICAL_SIZE + jitter[0], y * LOGICAL_SIZE + jitter[1]))
             for x, y in stroke] for stroke in digit.strokes]


def history_state(window) -> dict:
    canvas = window.canvas
    return {"undo_commands": canvas.undo_stack.count(), "strokes_on_pad": len(canvas.strokes),
            "timeline_entries": len(window.timeline.timeline.keys),
            "history_bytes": canvas.history_bytes()}


def draw_clear(window, driver: Driver, args) -> dict:
    rng = random.Random(args.seed)
    canvas = window.canvas
    result: dict = {}

    def actions():
        for cycle in range(1, args.cycles + args.warmup + 1):
            for points in digit_strokes(canvas, rng):
                yield from stroke_events(canvas, points, args.turn_per_event)
            canvas.clear()
            yield
            done = cycle - args.warmup
            if done == 0:
                gc.collect()
                result["rss_after_warmup_mb"] = rss_mb()
                driver.reset_stall()
                emit(benchmark="pad_history", case="draw-clear", cycles=0, warmup_cycles=args.warmup,
                     rss_mb=round(result["rss_after_warmup_mb"], 1), **history_state(window))
            elif done > 0 and (done % args.report_every == 0 or done == args.cycles):
                emit(benchmark="pad_history", case="draw-clear", cycles=done, rss_mb=round(rss_mb(), 1),
                     worst_stall_ms=round(driver.worst_stall, 1), readings=driver.readings,
                     **history_state(window))

    driver.actions = actions()
    started = time.monotonic()
    driver.run()
    gc.collect()
    end = rss_mb()
    return {"cycles": args.cycles, "warmup_cycles": args.warmup,
            "rss_after_warmup_mb": round(result["rss_after_warmup_mb"], 1), "rss_end_mb": round(end, 1),
            "rss_growth_mb": round(end - result["rss_after_warmup_mb"], 1),
            "goal_growth_mb": 10.0, "worst_stall_ms": round(driver.worst_stall, 1),
            "stalls_over_100ms": driver.stalls_over_100, "seconds": round(time.monotonic() - started, 1),
            **history_state(window)}


def many_strokes(window, driver: Driver, args) -> dict:
    rng = random.Random(args.seed)
    canvas = window.canvas
    undo_at = sorted(int(n) for n in args.undo_at.split(",") if n)
    undo_ms: dict[int, tuple[float, float]] = {}
    redo_ms: dict[int, tuple[float, float]] = {}
    start_rss = rss_mb()

    def timed(action):
        """Wall and CPU ms from ``action`` to the reading it brings (CPU time: the work
        itself, which other programs on a busy machine do not inflate)."""
        before = driver.readings
        started, cpu = time.perf_counter(), time.thread_time()
        action()
        while driver.readings == before:
            yield
        return 1000 * (time.perf_counter() - started), 1000 * (time.thread_time() - cpu)

    def actions():
        side = canvas.pad_rect()
        for count in range(1, args.strokes + 1):
            x, y = rng.uniform(side.left() + 20, side.right() - 20), rng.uniform(side.top() + 20, side.bottom() - 20)
            points = [QPointF(x, y)] + [QPointF(x + rng.uniform(-30, 30), y + rng.uniform(-30, 30))
                                        for _ in range(4)]
            yield from stroke_events(canvas, points, args.turn_per_event)
            if count in undo_at:
                yield  # the stroke's own reading is done (the timeline asks for it at once)
                undo_ms[count] = yield from timed(canvas.undo_stack.undo)
                redo_ms[count] = yield from timed(canvas.undo_stack.redo)
                emit(benchmark="pad_history", case="many-strokes", strokes=count,
                     undo_ms=round(undo_ms[count][0], 1), undo_cpu_ms=round(undo_ms[count][1], 1),
                     redo_ms=round(redo_ms[count][0], 1), redo_cpu_ms=round(redo_ms[count][1], 1),
                     rss_mb=round(rss_mb(), 1), worst_stall_ms=round(driver.worst_stall, 1),
                     **history_state(window))
            elif count % args.report_every == 0:
                emit(benchmark="pad_history", case="many-strokes", strokes=count, rss_mb=round(rss_mb(), 1),
                     worst_stall_ms=round(driver.worst_stall, 1), **history_state(window))

    driver.actions = actions()
    started = time.monotonic()
    driver.run()
    end = rss_mb()
    return {"strokes": args.strokes, "undo_ms": {str(k): round(v[0], 1) for k, v in undo_ms.items()},
            "undo_cpu_ms": {str(k): round(v[1], 1) for k, v in undo_ms.items()},
            "redo_ms": {str(k): round(v[0], 1) for k, v in redo_ms.items()},
            "rss_start_mb": round(start_rss, 1), "rss_end_mb": round(end, 1),
            "worst_stall_ms": round(driver.worst_stall, 1), "stalls_over_100ms": driver.stalls_over_100,
            "goal_undo_ms": 20.0, "goal_stall_ms": 100.0, "seconds": round(time.monotonic() - started, 1),
            **history_state(window)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=("draw-clear", "many-strokes"))
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=300, help="draw-clear cycles before RSS counts")
    parser.add_argument("--strokes", type=int, default=10_000)
    parser.add_argument("--undo-at", default="50,200,1000,5000")
    parser.add_argument("--report-every", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--turn-per-event", action="store_true",
                        help="a pointer event per event-loop turn (default: a stroke per turn)")
    args = parser.parse_args()

    create_app()
    from digitpad.ui.main_window import MainWindow

    for kind in ("warning", "information", "critical"):  # a dialog would block the run
        setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Ok)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    while window.uncertainty.fitting():
        QApplication.processEvents()
        time.sleep(0.02)
    settle_start_up_objects()  # as the app does once its window is up

    driver = Driver(window, iter(()))
    run = draw_clear if args.case == "draw-clear" else many_strokes
    summary = run(window, driver, args)
    emit(benchmark="pad_history", case=args.case, summary=True, **summary, cpu_count=os.cpu_count(),
         load_average_1min=round(os.getloadavg()[0], 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

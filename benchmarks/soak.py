"""A long session in the real window: random drawing, undo, redo, clear, model switching
and what-if edits, with the memory and the event loop watched all along.

Every action is one event-loop turn driven by a timer, as a user's input would be: a
pointer move of a sample stroke, a press or release, an undo, a redo, a clear, a switch
of architecture, a what-if edit of a bias and its restore. A separate 10 ms heartbeat
timer measures the event loop: a stall is the time its tick came late.

    python benchmarks/soak.py [--minutes 30] [--seed 0] [--max-growth-mb 20] [--max-stall-ms 100]

Prints one JSON line a minute (RSS, the minute's worst stall, the slowest action of each
kind, actions done, strokes on the pad), then a summary. Exits 1 when RSS grew more than
--max-growth-mb after the first minute (the warm-up; from 10 minutes on, the median of the
last five minutes against that of minutes 1-5), or any stall passed --max-stall-ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import torch  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from digitpad.samples import SAMPLES  # noqa: E402
from digitpad.ui.app import create_app, settle_start_up_objects  # noqa: E402
from digitpad.ui.canvas import LOGICAL_SIZE, send_mouse  # noqa: E402

HEARTBEAT_MS = 10
# A random number under each limit picks the action (see Session.step).
ACTIONS = ((0.70, "press"), (0.80, "undo"), (0.85, "redo"), (0.92, "clear"), (0.93, "switch"),
           (0.98, "edit"), (1.01, "restore"))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """Random user actions, one per call of ``step``."""

    def __init__(self, window, rng: random.Random):
        self.window, self.rng = window, rng
        self.points: list[QPointF] = []  # the rest of the stroke being drawn
        self.actions = 0
        self.slowest: dict[str, float] = {}  # this minute's slowest action of each kind, ms
        self.kind = ""

    def step(self) -> None:
        started = time.perf_counter()
        self._step()
        took = 1000 * (time.perf_counter() - started)
        self.slowest[self.kind] = max(self.slowest.get(self.kind, 0.0), took)

    def _step(self) -> None:
        self.actions += 1
        canvas = self.window.canvas
        left = Qt.MouseButton.LeftButton
        if self.points:  # finish the stroke under way first, one move a turn
            point = self.points.pop(0)
            self.kind = "move" if self.points else "release"
            if self.points:
                send_mouse(canvas, QEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, left)
            else:
                send_mouse(canvas, QEvent.Type.MouseButtonRelease, point, left, Qt.MouseButton.NoButton)
            return
        roll = self.rng.random()
        self.kind = next(kind for limit, kind in ACTIONS if roll < limit)
        if roll < 0.70:
            stroke = self.rng.choice(self.rng.choice(SAMPLES).strokes)
            jitter = self.rng.uniform(-20, 20), self.rng.uniform(-20, 20)
            self.points = [canvas.to_widget(QPointF(x * LOGICAL_SIZE + jitter[0], y * LOGICAL_SIZE + jitter[1]))
                           for x, y in stroke]
            send_mouse(canvas, QEvent.Type.MouseButtonPress, self.points.pop(0), left, left)
        elif roll < 0.80:
            canvas.undo_stack.undo()
        elif roll < 0.85:
            canvas.undo_stack.redo()
        elif roll < 0.92:
            canvas.clear()
        elif roll < 0.93:
            arch = "DeepCNN" if self.window.session.classifier.arch == "SimpleCNN" else "SimpleCNN"
            self.window.set_architecture(arch)
        elif roll < 0.98:
            with torch.no_grad():
                bias = dict(self.window.session.model.named_parameters())
                name = [n for n in bias if n.endswith("bias")][-1]
                bias[name][self.rng.randrange(bias[name].numel())] += self.rng.uniform(-1, 1)
            self.window.session.parameters_edited()  # as a panel's what-if edit says it
        else:
            self.window.restore_loaded_weights()


def census() -> dict[str, int]:
    """Live objects the garbage collector tracks, by type name."""
    gc.collect()
    counts: dict[str, int] = {}
    for obj in gc.get_objects():
        name = type(obj).__qualname__
        counts[name] = counts.get(name, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-growth-mb", type=float, default=20.0)
    parser.add_argument("--max-stall-ms", type=float, default=100.0)
    parser.add_argument("--weights", help="weights file (default: shipped)")
    parser.add_argument("--report-seconds", type=float, default=60.0,
                        help="seconds between reports (a \"minute\"); shorter for trying")
    parser.add_argument("--census", action="store_true",
                        help="also count live Python objects by type each minute and print "
                             "the types that grew most since minute 1 (slow: a full gc pass)")
    args = parser.parse_args()

    app = create_app()
    from digitpad.ui.main_window import MainWindow

    for kind in ("warning", "information", "critical"):  # a dialog would block the session
        setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Ok)
    # Quitting with what-if edits live asks whether to save them: not at the end of a soak.
    QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Discard
    window = MainWindow(weights=args.weights)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    while window.uncertainty.fitting():
        QApplication.processEvents()
        time.sleep(0.02)
    settle_start_up_objects()  # as the app does once its window is up

    session = Session(window, random.Random(args.seed))
    started = time.monotonic()
    state = {"last_tick": time.perf_counter(), "minute_stall": 0.0, "worst_stall": 0.0,
             "minute": 0, "rss": [], "stalls": []}

    def heartbeat():
        now = time.perf_counter()
        late = 1000 * (now - state["last_tick"]) - HEARTBEAT_MS
        state["last_tick"] = now
        state["minute_stall"] = max(state["minute_stall"], late)

    def report():
        state["minute"] += 1
        rss, stall = rss_mb(), state["minute_stall"]
        state["rss"].append(rss)
        state["stalls"].append(stall)
        state["minute_stall"] = 0.0
        slowest = {kind: round(ms, 1) for kind, ms in sorted(session.slowest.items())}
        session.slowest = {}
        line = {"benchmark": "soak", "minute": state["minute"], "rss_mb": round(rss, 1),
                "worst_stall_ms": round(stall, 1), "actions": session.actions,
                "strokes_on_pad": len(window.canvas.strokes),
                "undo_commands": window.canvas.undo_stack.count(),
                "arch": window.session.classifier.arch, "slowest_action_ms": slowest}
        if args.census:
            counts = census()
            if "census" not in state:
                state["census"] = counts
            grown = {name: n - state["census"].get(name, 0) for name, n in counts.items()}
            line["objects_grown_since_minute_1"] = dict(sorted(grown.items(), key=lambda kv: -kv[1])[:8])
        print(json.dumps(line), flush=True)
        if time.monotonic() - started >= 60 * args.minutes:
            for timer in (beat, actions, minutes):
                timer.stop()
            app.quit()  # closes the window: its Save/Discard question is answered Discard

    beat = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=HEARTBEAT_MS, timeout=heartbeat)
    actions = QTimer(interval=0, timeout=session.step)
    minutes = QTimer(interval=round(1000 * args.report_seconds), timeout=report)
    for timer in (beat, actions, minutes):
        timer.start()
    app.exec()

    # Minute 1 is the warm-up (caches, the second architecture's first load); growth
    # counts from its end. RSS swings by tens of MB from minute to minute as the
    # allocator keeps and returns freed memory, so over 10 minutes or more the growth is
    # that of the median of the last five minutes over the median of minutes 1-5: a
    # leak moves both, a swing only one minute.
    rss = state["rss"]
    if len(rss) >= 10:
        growth = statistics.median(rss[-5:]) - statistics.median(rss[:5])
    else:
        growth = rss[-1] - rss[0] if rss else 0.0
    worst = max(state["stalls"][1:] or state["stalls"] or [0.0])
    passed = growth <= args.max_growth_mb and worst <= args.max_stall_ms
    print(json.dumps({"benchmark": "soak", "summary": True, "minutes": state["minute"],
                      "actions": session.actions, "rss_start_mb": round(state["rss"][0], 1),
                      "rss_end_mb": round(state["rss"][-1], 1), "rss_growth_mb": round(growth, 1),
                      "worst_stall_ms_after_warmup": round(worst, 1),
                      "max_growth_mb": args.max_growth_mb, "max_stall_ms": args.max_stall_ms,
                      "passed": passed, "cpu_count": os.cpu_count(),
                      "load_average_1min": round(os.getloadavg()[0], 2)}), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

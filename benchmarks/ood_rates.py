"""How the digit check ("does not look like a digit") does on what people draw: the share
of real drawn digits it passes and the share of scribbles and letters it rejects, for
each shipped network. JSON lines.

    python benchmarks/ood_rates.py [--weights models/simplecnn.pt ...] [--per-kind 300]

Everything goes through the pad's own path, as strokes (``digitpad.strokes.Rasteriser``):

- digits: UNIPEN's held-out writers (``digitpad.pendata``), replayed on the pad at a
  random size, place and brush (``digitpad.drawn``), as the drawn-digit evaluation does;
- scribbles: random strokes, random walks, zigzags, spirals and filled blobs
  (``digitpad.synthetic.scribble_strokes``), slanted, rotated and stretched at random,
  replayed the same way;
- letters: a small stroke font (``synthetic.STROKE_LETTERS``) varied the same way, and
  every letter A-Z a-z of a few installed fonts thinned to strokes (``glyph_strokes``).

The check is fitted as the app fits it (``DigitCheck.fit`` on ``ReferenceDigits``), and
also with the threshold at ``--before-target`` of held-out digits rejected (0.5 %, the
calibration before issue 12), for the before/after of the recalibration. Softmax
confidence and energy thresholds set to the same false-reject target on the same
held-out digits are printed for comparison.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from digitpad.data import load_mnist, local_mnist_dir
from digitpad.drawn import DrawnSet, prepare
from digitpad.pendata import PenDigits, unipen_split
from digitpad.synthetic import (
    LETTERS,
    SCRIBBLE_KINDS,
    STROKE_LETTERS,
    glyph_strokes,
    load_fonts,
    scribble_strokes,
    stroke_letter,
)
from digitpad.uncertainty import FALSE_REJECT_TARGET, DigitCheck, ReferenceDigits, softmax_uncertainty
from digitpad.weights import load_model, shipped_weights_path

SEED = 12


def emit(**record):
    print(json.dumps(record), flush=True)


def varied(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """A hand's variation of a drawing: slant, rotation, aspect and a little jitter."""
    slant, angle = rng.uniform(-0.3, 0.3), np.radians(rng.uniform(-12, 12))
    aspect = rng.uniform(0.75, 1.3)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    transform = rotation @ np.array([[aspect, slant], [0.0, 1.0]])
    out = []
    for stroke in strokes:
        points = np.asarray(stroke, np.float64)
        if len(points) > 1:  # points every ~1 % of the box, as a pointer gives them
            steps = np.maximum(1, (np.linalg.norm(np.diff(points, axis=0), axis=1) / 0.01).astype(int))
            points = np.concatenate([np.linspace(a, b, n, endpoint=False)
                                     for a, b, n in zip(points[:-1], points[1:], steps)] + [points[-1:]])
        points = points @ transform.T + rng.normal(0, 0.004, points.shape)
        out.append(points.astype(np.float32))
    return out


def as_pen_digits(drawings: list[list[np.ndarray]]) -> PenDigits:
    return PenDigits(drawings, np.zeros(len(drawings), np.int64), np.full(len(drawings), ""))


def pad_inputs(drawings: list[list[np.ndarray]]) -> np.ndarray:
    """The model inputs the pad makes of the drawings (those it finds a digit in)."""
    _, _, _, _, inputs, found = prepare([DrawnSet("x", as_pen_digits(drawings))])
    return inputs[found]


def drawn_sets(per_kind: int, fonts: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    _, validation, _ = unipen_split()
    labels, _, _, _, inputs, found = prepare([DrawnSet("unipen-validation", validation)])
    sets = {"digits: unipen validation writers": inputs[found]}
    for kind in SCRIBBLE_KINDS:
        sets[f"scribbles: {kind}"] = pad_inputs([varied(scribble_strokes(kind, rng), rng)
                                                 for _ in range(per_kind)])
    chars = sorted(STROKE_LETTERS)
    sets["letters: stroke font"] = pad_inputs([varied(stroke_letter(c), rng)
                                               for c in chars for _ in range(max(1, per_kind // 10))])
    glyphs = [glyph_strokes(c, font) for font in load_fonts(48, limit=fonts) for c in LETTERS]
    sets["letters: font skeletons"] = pad_inputs([varied(g, rng) for g in glyphs if g])
    return sets


def logits_of(model, inputs: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.from_numpy(inputs).unsqueeze(1)).numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", nargs="*", default=[str(shipped_weights_path("SimpleCNN")),
                                                        str(shipped_weights_path("DeepCNN"))])
    parser.add_argument("--per-kind", type=int, default=300, help="scribbles of each kind")
    parser.add_argument("--fonts", type=int, default=4, help="at most this many fonts")
    parser.add_argument("--before-target", type=float, default=0.005,
                        help="the false-reject target to compare with (0: none)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    sets = drawn_sets(args.per_kind, args.fonts)
    emit(what="sets", seconds=round(time.perf_counter() - started, 1),
         sizes={name: len(inputs) for name, inputs in sets.items()})
    train = load_mnist(local_mnist_dir(), "train")
    started = time.perf_counter()
    reference = ReferenceDigits.from_mnist(train)
    emit(what="reference", seconds=round(time.perf_counter() - started, 1))
    targets = {"now": FALSE_REJECT_TARGET}
    if args.before_target:
        targets["before"] = args.before_target

    for weights in args.weights:
        loaded = load_model(weights)
        model = loaded.model.eval()
        for calibration, target in targets.items():
            check = DigitCheck.fit(model, reference, false_reject=target)
            summary = {"what": "summary", "arch": loaded.arch, "calibration": calibration,
                       "false_reject_target": target, "threshold": round(check.threshold, 4)}
            rejected_by_group: dict[str, list[float]] = {}
            for name, inputs in sets.items():
                rejected = check.scores(model, inputs) > check.threshold
                emit(what="rejected", arch=loaded.arch, calibration=calibration, set=name,
                     n=len(inputs), rate=round(float(rejected.mean()), 4))
                rejected_by_group.setdefault(name.split(":")[0], []).extend(rejected.tolist())
            summary["digits_passed"] = round(1 - float(np.mean(rejected_by_group["digits"])), 4)
            summary["scribbles_rejected"] = round(float(np.mean(rejected_by_group["scribbles"])), 4)
            summary["letters_rejected"] = round(float(np.mean(rejected_by_group["letters"])), 4)
            emit(**summary)
        # The softmax's own signals, held to the same share of held-out digits rejected.
        held_out = reference.calibration_inputs
        held_logits = logits_of(model, held_out)
        for signal, score in (
                ("softmax confidence", lambda logits: -np.array([softmax_uncertainty(x).confidence for x in logits])),
                ("energy", lambda logits: np.array([softmax_uncertainty(x).energy for x in logits]))):
            threshold = float(np.quantile(score(held_logits), 1.0 - FALSE_REJECT_TARGET))
            emit(what="other signal", arch=loaded.arch, signal=signal, rates={
                name: round(float((score(logits_of(model, inputs)) > threshold).mean()), 4)
                for name, inputs in sets.items()})


if __name__ == "__main__":
    main()

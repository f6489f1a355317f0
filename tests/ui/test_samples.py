"""The handwritten sample digits (Qt-free)."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.samples import POINT_SPACING, SAMPLES, sample, samples_of


def test_every_digit_has_at_least_three_hand_styles():
    for digit in range(10):
        styles = [s.style for s in samples_of(digit)]
        assert len(styles) >= 3 and len(set(styles)) == len(styles)
    assert {s.style for s in samples_of(4)} >= {"closed top", "open top"}
    assert {s.style for s in samples_of(7)} >= {"plain", "crossed"}
    assert {s.style for s in samples_of(1)} >= {"plain stroke", "with a flag"}


def test_strokes_are_evenly_spaced_points_inside_the_box():
    for handwritten in SAMPLES:
        for stroke in handwritten.strokes:
            assert stroke.ndim == 2 and stroke.shape[1] == 2 and len(stroke) >= 2
            assert stroke.min() > 0.05 and stroke.max() < 0.95, handwritten.name
            steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
            assert steps.max() <= POINT_SPACING * 1.01, handwritten.name


def test_lookup():
    assert sample(7).digit == 7 and sample(7, 1).style == "crossed"
    with pytest.raises(ValueError, match="0-9"):
        samples_of(10)

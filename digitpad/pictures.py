"""Pictures of digits (image files) to the network's input, with their stroke width made
MNIST's when it is far from it.

The MNIST recipe (``digitpad.preprocess``) keeps a picture's stroke width, scaled with the
digit: a digit written with a hairline or a marker reaches the network much thinner or
fatter than anything it learned from. So when the width, measured in the 20-px box, is
outside what MNIST's digits have, the picture is thinned to its skeleton and drawn again
by the pad's rasteriser with MNIST's pen: the same pixels as a drawing of those strokes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .pendata import skeleton_strokes
from .preprocess import Preprocessed, as_ink, preprocess
from .strokes import rasterise

# Stroke width (ink per unit of skeleton length) of 90 % of MNIST's digits, in the 20-px box.
MNIST_WIDTHS = (1.7, 4.3)
SKELETON_SIZE = 64  # px: the picture's longer side when it is thinned


def stroke_width(boxed: np.ndarray) -> float:
    """Ink per unit of skeleton length of a digit in the 20-px box (0..1 ink)."""
    from skimage.morphology import skeletonize

    length = int(skeletonize(boxed >= 0.3).sum())
    return float(boxed.sum()) / max(length, 1)


def read_picture(image, *, min_extent: float | None = None) -> Preprocessed:
    """The MNIST recipe, and when the stroke width is outside MNIST's range, the picture's
    skeleton drawn again with MNIST's pen (the first step stays the picture itself)."""
    steps = preprocess(image, min_extent=min_extent)
    if not steps.has_digit or MNIST_WIDTHS[0] <= stroke_width(steps.boxed) <= MNIST_WIDTHS[1]:
        return steps
    enlarged, factor = _enlarged(steps.cropped)
    strokes = skeleton_strokes(enlarged, threshold=0.5)
    if not strokes:
        return steps
    redrawn = rasterise(strokes)
    # The redrawn box in the picture's own pixels, so ``input_rect`` still lies on it.
    top, left = steps.bbox[0], steps.bbox[1]
    y0, x0, y1, x1 = redrawn.bbox
    bbox = (top + y0 / factor, left + x0 / factor, top + y1 / factor, left + x1 / factor)
    return Preprocessed(image=steps.image, cropped=steps.cropped, boxed=redrawn.boxed,
                        centred=redrawn.centred, model_input=redrawn.model_input,
                        bbox=bbox, offset=redrawn.offset)


def _enlarged(cropped: np.ndarray) -> tuple[np.ndarray, float]:
    """The crop with its longer side SKELETON_SIZE px and its ink scaled to peak at 1, so
    a faint or blocky scan still has a clean skeleton; and the enlargement factor."""
    ink = as_ink(cropped)
    factor = SKELETON_SIZE / max(ink.shape)
    size = (max(1, round(ink.shape[1] * factor)), max(1, round(ink.shape[0] * factor)))
    resample = Image.Resampling.BICUBIC if factor > 1 else Image.Resampling.BOX
    enlarged = np.asarray(Image.fromarray(np.ascontiguousarray(ink), mode="F").resize(size, resample))
    peak = float(enlarged.max())
    return (np.clip(enlarged / peak, 0, 1) if peak > 0 else enlarged), factor

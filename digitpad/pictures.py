"""Pictures of digits (image files) to the network's input, with strokes much thinner than
MNIST's drawn again with MNIST's pen.

The MNIST recipe (``digitpad.preprocess``) keeps a picture's stroke width, scaled with the
digit: a digit written with a fine pen reaches the network much thinner and fainter than
anything it learned from. So when the width, measured in the 20-px box, is under what
MNIST's digits have, the picture is thinned to its skeleton and drawn again by the pad's
rasteriser with MNIST's pen: the same pixels as a drawing of those strokes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .pendata import skeleton_strokes
from .preprocess import BOX_SIZE, Preprocessed, as_ink, preprocess
from .strokes import rasterise

# Strokes thinner than nearly all of MNIST's (5 % of its digits are under 1.7 px in the
# 20-px box) are redrawn. Fatter ones are not: their skeletons are poor, and measured on
# drawn digits the pixel recipe reads them better (benchmarks in models/README.md).
THIN_BELOW = 1.7
SKELETON_SIZE = 64  # px: the picture's longer side when it is thinned


def stroke_width(cropped: np.ndarray, box: int = BOX_SIZE) -> float:
    """The stroke width of a digit cropped to its ink, in pixels of the ``box``-px box
    its longer side is scaled to: its ink (above half the peak) per unit of skeleton
    length, measured at the picture's own resolution, where faint hairlines still count."""
    from skimage.morphology import skeletonize

    ink = as_ink(cropped)
    inked = ink >= 0.5 * float(ink.max()) if ink.size and ink.max() > 0 else ink > 0
    length = int(skeletonize(inked).sum())
    return float(inked.sum()) / max(length, 1) * box / max(ink.shape)


def read_picture(image, *, min_extent: float | None = None) -> Preprocessed:
    """The MNIST recipe, and when the strokes are thinner than MNIST's, the picture's
    skeleton drawn again with MNIST's pen (the first step stays the picture itself)."""
    steps = preprocess(image, min_extent=min_extent)
    if not steps.has_digit or stroke_width(steps.cropped) >= THIN_BELOW:
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

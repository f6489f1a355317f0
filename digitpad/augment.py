"""Batched, on-device distortions of MNIST digits: the trainer's augmentation and the
evaluator's perturbed test set are the same code.

One affine grid per batch (rotation, scale, shear, shift; optionally a smooth elastic
displacement added to it) and one ``grid_sample`` call move every digit; stroke thickness
changes by blending each digit towards its 3x3 max-pool dilation or min-pool erosion.
No per-sample Python, so a batch costs a few kernels on any device.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from .preprocess import INPUT_SIZE, MNIST_MEAN, MNIST_STD

# The elastic displacement is drawn on this coarse grid and smoothly upsampled.
ELASTIC_GRID = 5


@dataclass(frozen=True)
class Augmentation:
    """Ranges of the random distortions; each digit draws uniformly within +/- each one."""

    rotation: float = 12.0  # degrees
    scale: float = 0.1  # relative size change, drawn log-uniformly in [1/(1+s), 1+s]
    shear: float = 0.2  # horizontal shear factor (slanted handwriting)
    shift: float = 1.0  # pixels, each axis (digits come centred, so shifts stay small)
    thickness: float = 0.6  # fraction of one 3x3 dilation (+) or erosion (-) step
    elastic: float = 0.0  # pixels of smooth random displacement; 0 turns it off

    def scaled(self, strength: float) -> Augmentation:
        """Every range times ``strength`` (0 leaves the images as they are)."""
        return Augmentation(**{name: strength * value for name, value in asdict(self).items()})

    def __str__(self) -> str:
        elastic = f", elastic {self.elastic:g} px" if self.elastic else ""
        return (f"rotation {self.rotation:g} deg, scale {self.scale:g}, shear {self.shear:g}, "
                f"shift {self.shift:g} px, thickness {self.thickness:g}{elastic}")


def _uniform(count: int, bound: float, generator: torch.Generator, device) -> torch.Tensor:
    return (torch.rand(count, generator=generator, device=device) * 2 - 1) * bound


def max_3x3(images: torch.Tensor) -> torch.Tensor:
    """The maximum over each pixel's 3x3 neighbourhood, as two passes of shifted maxima:
    on CPUs some twenty times faster than ``max_pool2d`` with stride 1."""
    padded = F.pad(images, (1, 1, 1, 1))
    rows = torch.maximum(torch.maximum(padded[..., :, :-2], padded[..., :, 1:-1]), padded[..., :, 2:])
    return torch.maximum(torch.maximum(rows[..., :-2, :], rows[..., 1:-1, :]), rows[..., 2:, :])


def vary_thickness(images: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    """Thicker strokes where ``amount`` (one per image, -1..1) is positive, thinner where
    negative, by blending with the 3x3 dilation or erosion.

    One max pass serves both: the erosion is the dilation of the negated image, negated,
    so each image is flipped by the sign of its amount before and after."""
    sign = torch.where(amount < 0, -1.0, 1.0).to(images.dtype).view(-1, 1, 1, 1)
    target = sign * max_3x3(sign * images)
    return images + amount.abs().view(-1, 1, 1, 1) * (target - images)


def sampling_grid(count: int, aug: Augmentation, generator: torch.Generator, device) -> torch.Tensor:
    """Where each output pixel reads its input: a random affine map per image, plus an
    optional smooth elastic displacement. Shape (count, 28, 28, 2), normalised coords."""
    return grid_of(*random_maps(count, aug, generator, device))


def random_maps(count: int, aug: Augmentation, generator: torch.Generator, device):
    """The random numbers of ``sampling_grid``: affine maps (count, 2, 3) and the coarse
    elastic displacements (count, 2, 5, 5), or None without elastic distortion."""
    angle = _uniform(count, math.radians(aug.rotation), generator, device)
    log_scale = _uniform(count, math.log1p(aug.scale), generator, device)
    shear = _uniform(count, aug.shear, generator, device)
    shift = _uniform(2 * count, 2 * aug.shift / INPUT_SIZE, generator, device).view(count, 2)
    # affine_grid wants the map from output to input coordinates: rotate, shear, then
    # divide by the scale (reading from a smaller area makes the digit bigger).
    cos, sin, inv_scale = torch.cos(angle), torch.sin(angle), torch.exp(-log_scale)
    theta = torch.stack([
        torch.stack([cos, cos * shear - sin, shift[:, 0]], dim=1),
        torch.stack([sin, sin * shear + cos, shift[:, 1]], dim=1),
    ], dim=1)
    theta[:, :, :2] *= inv_scale.view(-1, 1, 1)
    coarse = None
    if aug.elastic > 0:
        coarse = _uniform(count * 2 * ELASTIC_GRID**2, 2 * aug.elastic / INPUT_SIZE, generator,
                          device).view(count, 2, ELASTIC_GRID, ELASTIC_GRID)
    return theta, coarse


def grid_of(theta: torch.Tensor, coarse: torch.Tensor | None) -> torch.Tensor:
    """The sampling grid of affine maps and elastic displacements (``random_maps``)."""
    count = theta.shape[0]
    # affine_grid's own arithmetic (its base grid times theta, one bmm), the base grid made
    # once: the same bits at half the cost.
    grid = _base_grid(theta.dtype, theta.device).expand(count, -1, -1).bmm(theta.transpose(1, 2))
    grid = grid.view(count, INPUT_SIZE, INPUT_SIZE, 2)
    if coarse is not None:
        field = F.interpolate(coarse, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
        grid = grid + field.permute(0, 2, 3, 1)
    return grid


@functools.lru_cache(maxsize=8)
def _base_grid(dtype: torch.dtype, device) -> torch.Tensor:
    """(1, 784, 3): each output pixel's normalised (x, y, 1), as ``affine_grid`` makes it."""
    identity = torch.eye(2, 3, dtype=dtype, device=device).unsqueeze(0)
    base = F.affine_grid(identity, [1, 1, INPUT_SIZE, INPUT_SIZE], align_corners=False)
    return torch.cat([base, torch.ones_like(base[..., :1])], dim=-1).view(1, -1, 3)


def augment(images: torch.Tensor, aug: Augmentation, generator: torch.Generator,
            share: float = 1.0) -> torch.Tensor:
    """Randomly distorted copies of ``images`` ((N, 1, 28, 28) float, 0..1, ink high);
    with ``share`` < 1 only that share of them, chosen at random, the others unchanged."""
    count, device = images.shape[0], images.device
    # Every random number is drawn for every digit, in this order, whatever the share: a
    # seed gives the same distortions on any device and with any way of computing them.
    amount = _uniform(count, aug.thickness, generator, device) if aug.thickness > 0 else None
    theta, coarse = random_maps(count, aug, generator, device)
    if share >= 1:
        return _distort(images, amount, grid_of(theta, coarse).to(images.dtype))
    chosen = torch.rand(count, generator=generator, device=device) < share
    if device.type != "cpu":  # no host sync: distort all, keep the chosen
        grid = grid_of(theta, coarse).to(images.dtype)
        return torch.where(chosen.view(-1, 1, 1, 1), _distort(images, amount, grid), images)
    # On a CPU the work is the cost: distort only the chosen digits, and make only their grids.
    index = chosen.nonzero().squeeze(1)
    grid = grid_of(theta[index], None if coarse is None else coarse[index]).to(images.dtype)
    distorted = _distort(images[index], None if amount is None else amount[index], grid)
    return images.index_copy(0, index, distorted)


def _distort(images: torch.Tensor, amount: torch.Tensor | None, grid: torch.Tensor) -> torch.Tensor:
    if amount is not None:
        images = vary_thickness(images, amount)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def model_inputs(images: torch.Tensor, aug: Augmentation | None = None,
                 generator: torch.Generator | None = None, share: float = 1.0) -> torch.Tensor:
    """uint8 digits (N, 28, 28) to normalised network inputs (N, 1, 28, 28), a ``share`` of
    them distorted by ``aug`` when given; channels-last, which CPU convolutions run about
    twice as fast."""
    batch = images.unsqueeze(1).float().div_(255)
    if aug is not None:
        batch = augment(batch, aug, generator, share)
    batch = (batch - MNIST_MEAN) / MNIST_STD
    return batch.contiguous(memory_format=torch.channels_last)

"""The batched augmentation shared by the trainer and the perturbed test set."""

import pytest
import torch
import torch.nn.functional as F

from digitpad.augment import Augmentation, augment, max_3x3, model_inputs, vary_thickness
from digitpad.preprocess import MNIST_MEAN, MNIST_STD

NOTHING = Augmentation(rotation=0, scale=0, shear=0, shift=0, thickness=0, elastic=0)


def digits(count=16, seed=0):
    """Blobby strokes: random bars inside the central 20x20 box."""
    generator = torch.Generator().manual_seed(seed)
    images = torch.zeros(count, 1, 28, 28)
    for i in range(count):
        top, left = torch.randint(4, 14, (2,), generator=generator).tolist()
        images[i, 0, top : top + 10, left : left + 3] = 1.0
        images[i, 0, top : top + 3, left : left + 8] = 0.8
    return images


def test_scaling_an_augmentation_scales_every_range():
    assert Augmentation().scaled(0) == NOTHING
    assert Augmentation().scaled(0.5).rotation == Augmentation().rotation / 2


def test_max_3x3_is_a_3x3_max_pool():
    images = torch.rand(5, 1, 28, 28)
    assert torch.equal(max_3x3(images), F.max_pool2d(images, 3, stride=1, padding=1))


def test_no_distortion_leaves_images_unchanged():
    images = digits()
    result = augment(images, NOTHING, torch.Generator().manual_seed(0))
    assert torch.allclose(result, images, atol=1e-5)


def test_thickness_thickens_and_thins_strokes():
    images = digits()
    ink = images.sum()
    thicker = vary_thickness(images, torch.ones(len(images)))
    thinner = vary_thickness(images, -torch.ones(len(images)))
    assert thicker.sum() > 1.5 * ink and thinner.sum() < 0.5 * ink
    assert torch.equal(vary_thickness(images, torch.zeros(len(images))), images)


@pytest.mark.parametrize("aug", [Augmentation(), Augmentation(elastic=1.5)])
def test_augmentation_is_random_per_image_and_seeded(aug):
    images = digits(1).repeat(8, 1, 1, 1)
    first = augment(images, aug, torch.Generator().manual_seed(1))
    again = augment(images, aug, torch.Generator().manual_seed(1))
    assert torch.equal(first, again)
    assert not torch.allclose(first[0], first[1])  # each image draws its own distortion
    assert first.shape == images.shape and first.min() >= -1e-6 and first.max() <= 1 + 1e-6
    # Distorted, but the digit stays inside the frame: most of the ink survives.
    assert (first.sum(dim=(1, 2, 3)) > 0.5 * images[0].sum()).all()


def test_model_inputs_normalise_like_preprocessing():
    images = torch.tensor([[[0] * 28] * 28, [[255] * 28] * 28], dtype=torch.uint8)
    inputs = model_inputs(images)
    assert inputs.shape == (2, 1, 28, 28)
    assert inputs[0].flatten().unique().item() == pytest.approx(-MNIST_MEAN / MNIST_STD)
    assert inputs[1].flatten().unique().item() == pytest.approx((1 - MNIST_MEAN) / MNIST_STD)


def test_a_share_of_the_digits_passes_unchanged():
    images = digits(200)
    result = augment(images, Augmentation(), torch.Generator().manual_seed(2), share=0.5)
    unchanged = (result == images).flatten(1).all(dim=1).float().mean().item()
    assert 0.35 < unchanged < 0.65
    assert torch.equal(augment(images, Augmentation(), torch.Generator(), share=0.0), images)


def reference_augment(images, aug, generator, share):
    """The plain formulation: both stroke changes and the warp for every digit, then the
    chosen share kept. The trainer's faster one must give the same bits, so that weights
    trained with either are the same."""
    count = images.shape[0]
    distorted = images
    if aug.thickness > 0:
        amount = ((torch.rand(count, generator=generator) * 2 - 1) * aug.thickness).view(-1, 1, 1, 1)
        dilated = F.max_pool2d(images, 3, stride=1, padding=1)
        eroded = -F.max_pool2d(-images, 3, stride=1, padding=1)
        distorted = images + amount.clamp(min=0) * (dilated - images) + (-amount).clamp(min=0) * (eroded - images)
    from digitpad.augment import sampling_grid
    grid = sampling_grid(count, aug, generator, images.device)
    distorted = F.grid_sample(distorted, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if share >= 1:
        return distorted
    chosen = torch.rand(count, generator=generator) < share
    return torch.where(chosen.view(-1, 1, 1, 1), distorted, images)


@pytest.mark.parametrize("share", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("aug", [Augmentation(), Augmentation(elastic=1.5), Augmentation(thickness=0)])
def test_augmentation_gives_the_same_bits_as_the_plain_formulation(aug, share):
    images = digits(300, seed=3)
    expected = reference_augment(images, aug, torch.Generator().manual_seed(7), share)
    assert torch.equal(augment(images, aug, torch.Generator().manual_seed(7), share), expected)


def test_the_sampling_grid_is_affine_grids_to_the_bit():
    from digitpad.augment import grid_of, random_maps

    theta, _ = random_maps(50, Augmentation(), torch.Generator().manual_seed(2), "cpu")
    expected = F.affine_grid(theta, [50, 1, 28, 28], align_corners=False)
    assert torch.equal(grid_of(theta, None), expected)
    assert torch.equal(grid_of(theta[7:9], None), expected[7:9])  # a few alone: the same bits
    theta, coarse = random_maps(5, Augmentation(elastic=1.5), torch.Generator().manual_seed(2), "cpu")
    displaced = grid_of(theta, coarse) - F.affine_grid(theta, [5, 1, 28, 28], align_corners=False)
    assert 0 < displaced.abs().max() <= 2 * 1.5 / 28 + 1e-6

"""Geometric transforms that keep or rescale the whole frame: flips, transposes, rotations,
affine and perspective maps, resizes and padding. Each one only says where pixels go."""
from __future__ import annotations

import torch

from ..core import geometry
from ..core.transform import GeometricTransform, Params
from ..core.validation import parse_interpolation, to_size

__all__ = ["HorizontalFlip", "VerticalFlip", "Resize"]


class HorizontalFlip(GeometricTransform):
    """Mirror left-right.

    OpenCV: cv2.flip(img, 1). Keypoints: x -> W - 1 - x; boxes: x -> W - x; angles a -> pi - a.
    Params: none beyond ``apply``.

    Examples:
        >>> aug = HorizontalFlip(p=1.0)
        >>> aug(torch.tensor([[[1., 2., 3.]]]))
        tensor([[[3., 2., 1.]]])
    """

    axis_aligned = True
    exact = True

    def __init__(self, p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)

    def matrix(self, params: Params, image_size):
        return geometry.hflip(image_size[1], like=params.like())


class VerticalFlip(HorizontalFlip):
    """Mirror top-bottom.

    OpenCV: cv2.flip(img, 0). Keypoints: y -> H - 1 - y; angles a -> -a.
    """

    def matrix(self, params: Params, image_size):
        return geometry.vflip(image_size[0], like=params.like())


class Resize(GeometricTransform):
    """Resize to a fixed (height, width).

    OpenCV: cv2.resize(img, (width, height), interpolation=interpolation). Keypoints follow the
    pixel centres: x -> (x + 0.5) * W_out / W_in - 0.5 (albumentations scales x * W_out / W_in, a
    difference of at most half a pixel).

    Args:
        height, width: the output size.
        interpolation: cv2.INTER_* flag or name (default linear).
        mask_interpolation: for masks (default nearest, sampled at pixel centres).
    """

    axis_aligned = True

    def __init__(self, height: int, width: int, interpolation=1, mask_interpolation=0,
                 p: float = 1.0, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.size = to_size((height, width), "(height, width)")

    def output_size(self, image_size):
        return self.size

    def matrix(self, params, image_size):
        return geometry.resize(image_size, self.size, like=params.like())

"""Crops: a window of the image, optionally resized to a fixed size. Every output size is static
(from the configuration and the input size), so a batch keeps one shape."""
from __future__ import annotations

import math

import torch

from ..core import geometry
from ..core.transform import GeometricTransform
from ..core.validation import to_range, to_size

__all__ = ["RandomResizedCrop"]


class RandomResizedCrop(GeometricTransform):
    """Crop a random window of random area and aspect ratio, resized to ``size``.

    OpenCV: cv2.resize(img[y_min:y_max, x_min:x_max], (W, H), interpolation). Sampling follows
    albumentations 2.0: ten tries per sample of an area from ``scale`` x image area and a
    log-uniform aspect ratio from ``ratio``, rounded to whole pixels; the first try that fits
    wins, else the central crop of the clamped ratio. The tries are vectorised: all ten are drawn
    for every sample and the first valid one is picked with ``argmax``.

    The crop is read from the full image, so where the window touches its own edge the
    interpolation sees the pixels beyond it (albumentations replicates the window's edge row);
    inside the window the result is identical.

    Args:
        size: (height, width) of the output.
        scale: range of the crop area as a fraction of the image area.
        ratio: range of the crop aspect ratio (width / height).
        interpolation, mask_interpolation: cv2.INTER_* flags or names.

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max) in pixels (integers).
    """

    axis_aligned = True
    tries = 10

    def __init__(self, size, scale=(0.08, 1.0), ratio=(0.75, 1.3333333333333333),
                 interpolation=1, mask_interpolation=0, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.size = to_size(size, "size")
        self.scale = to_range(scale, "scale", low=0.0)
        self.ratio = to_range(ratio, "ratio", low=1e-6)

    def output_size(self, image_size):
        return self.size

    def sample(self, rng, batch_size, image_size):
        h, w = image_size
        area = h * w
        target = rng.uniform(self.scale[0] * area, self.scale[1] * area, (self.tries,))
        log_ratio = rng.uniform(math.log(self.ratio[0]), math.log(self.ratio[1]), (self.tries,))
        aspect = torch.exp(log_ratio.to(torch.float64))
        target = target.to(torch.float64)
        cw = torch.round(torch.sqrt(target * aspect))
        ch = torch.round(torch.sqrt(target / aspect))
        fits = (cw > 0) & (cw <= w) & (ch > 0) & (ch <= h)
        first = torch.argmax(fits.to(torch.int8), dim=1, keepdim=True)
        found = fits.any(dim=1)
        cw = cw.gather(1, first)[:, 0]
        ch = ch.gather(1, first)[:, 0]
        h_start, w_start = rng.uniform(shape=(2,)).to(torch.float64).unbind(1)
        y0 = torch.floor((h - ch + 1) * h_start)
        x0 = torch.floor((w - cw + 1) * w_start)
        # fallback: the central crop of the clamped ratio
        in_ratio = w / h
        if in_ratio < self.ratio[0]:
            fw, fh = w, round(w / self.ratio[0])
        elif in_ratio > self.ratio[1]:
            fw, fh = round(h * self.ratio[1]), h
        else:
            fw, fh = w, h
        fx0, fy0 = (w - fw) // 2, (h - fh) // 2
        x0 = torch.where(found, x0, torch.full_like(x0, fx0))
        y0 = torch.where(found, y0, torch.full_like(y0, fy0))
        cw = torch.where(found, cw, torch.full_like(cw, fw))
        ch = torch.where(found, ch, torch.full_like(ch, fh))
        return {"crop": torch.stack([x0, y0, x0 + cw, y0 + ch], dim=1)}

    def matrix(self, params, image_size):
        x0, y0, x1, y1 = params["crop"].unbind(1)
        return geometry.crop_resize(x0, y0, x1 - x0, y1 - y0, self.size, like=x0)

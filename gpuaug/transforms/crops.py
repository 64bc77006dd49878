"""Crops: a window of the image, optionally padded or resized to a fixed size.

Every output size is static (from the configuration and the input size), so a batch keeps one
shape. Parameter sampling follows albumentations 2.0.8 exactly (the same distributions, the same
integer rounding of the crop window); the window itself is given as a matrix and the core reads
it, so a crop followed by other geometric transforms is still one resample.

Conventions shared by every transform here:

* ``crop`` params are albumentations' ``crop_coords``: (x_min, y_min, x_max, y_max) in pixels of
  the (padded) image, whole numbers stored as float64. ``pad`` params are albumentations'
  ``pad_params`` as (top, bottom, left, right); replaying albumentations' own parameters is a
  matter of copying them into these tensors.
* Skipped samples (``p < 1``): albumentations returns them uncropped, at their own size; a batch
  must keep one shape, so gpuaug resizes a skipped sample to the output size instead.
* Boxes and keypoints move with the very matrix that moves the pixels (see SPEC §2).
"""
from __future__ import annotations

import math

import torch

from ..core import geometry
from ..core.constants import constant
from ..core.transform import GeometricTransform, Params
from ..core.validation import (_describe, check_choice, check_int, check_number, to_int_range,
                               to_range, to_size)

__all__ = ["RandomCrop", "CenterCrop", "Crop", "RandomSizedCrop", "RandomResizedCrop"]

PAD_POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")
AREA_FOR_DOWNSCALE = (None, "image", "image_mask")


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_describe(value)}")
    return value


def _full(value: float, like: torch.Tensor) -> torch.Tensor:
    """A (B,) float64 tensor holding a Python number (no host copy: a fill kernel)."""
    return torch.full(like.shape, float(value), dtype=geometry.DTYPE, device=like.device)


def _starts(rng, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """albumentations' (h_start, w_start): two uniforms in [0, 1) per sample, float64."""
    u = rng.uniform(shape=(2,)).to(geometry.DTYPE)
    return u[:, 0], u[:, 1]


# ---------------------------------------------------------------------------------------------
# Integer crops with optional padding
# ---------------------------------------------------------------------------------------------
class _CropAndPad(GeometricTransform):
    """Shared machinery of RandomCrop, CenterCrop and Crop: an integer window of a (virtually)
    padded image. The padding is never materialised: pixels outside the input frame are read with
    ``border_mode`` by the core, which is ``cv2.copyMakeBorder`` followed by slicing."""

    axis_aligned = True
    integer = True

    def __init__(self, pad_if_needed: bool, pad_position: str, border_mode, fill, fill_mask,
                 p: float, same_on_batch: bool, seed: int | None):
        super().__init__(border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.pad_if_needed = _check_bool(pad_if_needed, "pad_if_needed")
        self.pad_position = check_choice(pad_position, "pad_position", PAD_POSITIONS)

    # ---- what a subclass says ------------------------------------------------------------
    def _pad_split(self, image_size) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) padding before ``pad_position`` moves it (static)."""
        raise NotImplementedError

    def _window(self, rng, padded_size, like) -> tuple[torch.Tensor, torch.Tensor]:
        """(x_min, y_min) of the window in the padded frame, (B,) float64."""
        raise NotImplementedError

    # ---- shared ---------------------------------------------------------------------------
    def warp_settings(self, image_size=None) -> dict:
        settings = super().warp_settings(image_size)
        if not self.pad_if_needed:  # never reads outside the input frame
            settings["border"] = None
        return settings

    def _static_window(self, padded_size) -> tuple[int, int] | None:
        """(x_min, y_min) of a window that is the same for every sample; None: drawn."""
        return None

    def _random_pad(self, image_size) -> bool:
        top, bottom, left, right = self._pad_split(image_size)
        return self.pad_position == "random" and bool(top + bottom or left + right)

    def _fixed_pad(self, image_size) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) moved by a fixed ``pad_position``."""
        top, bottom, left, right = self._pad_split(image_size)
        ph, pw = top + bottom, left + right
        return {"center": (top, bottom, left, right), "top_left": (0, ph, 0, pw),
                "top_right": (0, ph, pw, 0), "bottom_left": (ph, 0, 0, pw),
                "bottom_right": (ph, 0, pw, 0), "random": (0, 0, 0, 0)}[self.pad_position]

    def _sample_pad(self, rng, image_size, like) -> torch.Tensor:
        """(B, 4) float64 (top, bottom, left, right): albumentations' adjust_padding_by_position."""
        if self._random_pad(image_size):
            top, bottom, left, right = self._pad_split(image_size)
            ph, pw = top + bottom, left + right
            t = rng.integers(0, ph).to(geometry.DTYPE)
            lf = rng.integers(0, pw).to(geometry.DTYPE)
            return torch.stack([t, ph - t, lf, pw - lf], dim=1)
        return torch.stack([_full(v, like) for v in self._fixed_pad(image_size)], dim=1)

    def static_matrix(self, image_size):
        if self._random_pad(image_size):
            return None
        top, bottom, left, right = self._pad_split(image_size)
        window = self._static_window((image_size[0] + top + bottom, image_size[1] + left + right))
        if window is None:
            return None
        top, _, left, _ = self._fixed_pad(image_size)
        return geometry.translation_rows(left - window[0], top - window[1])

    def sample(self, rng, batch_size, image_size):
        self.output_size(image_size)  # the static size check
        like = torch.zeros(batch_size, dtype=geometry.DTYPE, device=rng.device)
        pad = self._sample_pad(rng, image_size, like)
        top, bottom, left, right = self._pad_split(image_size)
        padded = (image_size[0] + top + bottom, image_size[1] + left + right)
        x0, y0 = self._window(rng, padded, like)
        out_h, out_w = self.output_size(image_size)
        return {"crop": torch.stack([x0, y0, x0 + out_w, y0 + out_h], dim=1), "pad": pad}

    def matrix(self, params: Params, image_size):
        crop, pad = params["crop"].to(geometry.DTYPE), params.get("pad")
        tx, ty = -crop[:, 0], -crop[:, 1]
        if pad is not None:
            pad = pad.to(geometry.DTYPE)
            tx, ty = tx + pad[:, 2], ty + pad[:, 0]
        return geometry.translation(tx, ty, like=tx)

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, pad_if_needed={self.pad_if_needed}, "
                f"pad_position={self.pad_position!r}, border_mode={self.border_mode!r}")


class _SizedCropAndPad(_CropAndPad):
    """RandomCrop / CenterCrop: a (height, width) window, padding centred as albumentations'
    get_padding_params when the image is smaller."""

    def __init__(self, height: int, width: int, pad_if_needed, pad_position, border_mode, fill,
                 fill_mask, p, same_on_batch, seed):
        super().__init__(pad_if_needed, pad_position, border_mode, fill, fill_mask, p,
                         same_on_batch, seed)
        self.height = check_int(height, "height", low=1)
        self.width = check_int(width, "width", low=1)

    def output_size(self, image_size):
        h, w = image_size
        if not self.pad_if_needed and (self.height > h or self.width > w):
            raise ValueError(
                f"{type(self).__name__}: crop size (height, width) = {(self.height, self.width)} "
                f"exceeds the image size {(h, w)}; pass pad_if_needed=True to pad the image")
        return (self.height, self.width)

    def _pad_split(self, image_size):
        if not self.pad_if_needed:
            return (0, 0, 0, 0)
        h, w = image_size
        ph, pw = max(self.height - h, 0), max(self.width - w, 0)
        return (ph // 2, ph - ph // 2, pw // 2, pw - pw // 2)

    def extra_repr(self) -> str:
        return f"height={self.height}, width={self.width}, {super().extra_repr()}"


class RandomCrop(_SizedCropAndPad):
    """Crop a random (height, width) window.

    OpenCV: ``img[y_min:y_min + height, x_min:x_min + width]``, after
    ``cv2.copyMakeBorder(img, top, bottom, left, right, border_mode, value=fill)`` when
    ``pad_if_needed`` and the image is smaller than the crop.

    Sampling follows albumentations 2.0.8: ``y_min = int((H_pad - height + 1) * h_start)`` and
    ``x_min = int((W_pad - width + 1) * w_start)`` with h_start, w_start uniform in [0, 1), so every
    window position is equally likely. The padding is split as albumentations' PadIfNeeded does
    (``pad_top = (height - H) // 2``), then moved by ``pad_position`` ("random" draws
    ``pad_top`` uniformly in [0, height - H], likewise ``pad_left``).

    Differences from albumentations: with ``pad_if_needed`` and a reflecting ``border_mode``,
    albumentations adds mirrored copies of boxes and keypoints that fall in the padding (the
    number of rows changes); gpuaug keeps each row once and moves it with the image (rows are
    never added). A skipped sample (``p < 1``) is resized to (height, width) so that the batch
    keeps one shape, where albumentations returns it uncropped.

    Args:
        height: crop height in pixels.
        width: crop width in pixels.
        pad_if_needed: pad the image when it is smaller than the crop; otherwise a crop larger
            than the image raises ValueError when called.
        pad_position: where the padding goes: "center", "top_left", "top_right", "bottom_left",
            "bottom_right" or "random" (albumentations' names: "top_left" puts the padding at the
            bottom and right, so the image sits in the top-left corner).
        border_mode: how the padding is filled: cv2.BORDER_* flag or name ("constant",
            "replicate", "reflect", "wrap", "reflect_101").
        fill: image padding value for ``border_mode="constant"`` (a number or one per channel).
        fill_mask: mask padding value for ``border_mode="constant"``.
        p: per-sample probability of applying the transform.
        same_on_batch: one window for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max) in pixels of the padded image.
        pad: (B, 4) float64, (top, bottom, left, right) padding in pixels.

    Examples:
        >>> aug = RandomCrop(2, 2, seed=0)
        >>> aug(torch.zeros(1, 3, 5, 6)).shape
        torch.Size([1, 3, 2, 2])
    """

    def __init__(self, height: int, width: int, pad_if_needed: bool = False,
                 pad_position: str = "center", border_mode=0, fill=0.0, fill_mask=0.0,
                 p: float = 1.0, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(height, width, pad_if_needed, pad_position, border_mode, fill, fill_mask,
                         p, same_on_batch, seed)

    def _window(self, rng, padded_size, like):
        h_start, w_start = _starts(rng, like.shape[0])
        y0 = torch.floor((padded_size[0] - self.height + 1) * h_start)
        x0 = torch.floor((padded_size[1] - self.width + 1) * w_start)
        return x0, y0


class CenterCrop(_SizedCropAndPad):
    """Crop the central (height, width) window.

    OpenCV: ``img[y_min:y_min + height, x_min:x_min + width]`` with
    ``y_min = (H_pad - height) // 2``, ``x_min = (W_pad - width) // 2``, after
    ``cv2.copyMakeBorder`` when ``pad_if_needed`` and the image is smaller than the crop.

    The window is fixed; only ``pad_position="random"`` draws anything (the split of the padding).
    Differences from albumentations as in RandomCrop (mirrored boxes and keypoints in reflected
    padding are not added; skipped samples are resized to the output size).

    Args:
        height: crop height in pixels.
        width: crop width in pixels.
        pad_if_needed: pad the image when it is smaller than the crop; otherwise a crop larger
            than the image raises ValueError when called.
        pad_position: "center", "top_left", "top_right", "bottom_left", "bottom_right" or
            "random" (see RandomCrop).
        border_mode: cv2.BORDER_* flag or name for the padding.
        fill: image padding value for ``border_mode="constant"``.
        fill_mask: mask padding value for ``border_mode="constant"``.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max) in pixels of the padded image.
        pad: (B, 4) float64, (top, bottom, left, right) padding in pixels.

    Examples:
        >>> img = torch.arange(20.).view(1, 1, 4, 5)
        >>> CenterCrop(2, 3)(img)[0, 0]
        tensor([[ 6.,  7.,  8.],
                [11., 12., 13.]])
    """

    def __init__(self, height: int, width: int, pad_if_needed: bool = False,
                 pad_position: str = "center", border_mode=0, fill=0.0, fill_mask=0.0,
                 p: float = 1.0, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(height, width, pad_if_needed, pad_position, border_mode, fill, fill_mask,
                         p, same_on_batch, seed)

    def _static_window(self, padded_size):
        return (padded_size[1] - self.width) // 2, (padded_size[0] - self.height) // 2

    def _window(self, rng, padded_size, like):
        return tuple(_full(v, like) for v in self._static_window(padded_size))


class Crop(_CropAndPad):
    """Crop the fixed window x_min <= x < x_max, y_min <= y < y_max.

    OpenCV: ``img[y_min:y_max, x_min:x_max]``. With ``pad_if_needed``, a window that reaches past
    the right or bottom edge is read from ``cv2.copyMakeBorder(img, top, bottom, left, right,
    border_mode, value=fill)``, the padding computed as albumentations 2.0.8 does: the missing
    rows ``d = y_max - H`` are split ``top = d // 2`` (moved by ``pad_position``), ``bottom = d``,
    and the window keeps its coordinates in the padded image (so ``top`` rows of padding shift
    the content down inside it). Likewise for columns.

    Without ``pad_if_needed`` a window past the image raises ValueError when called (as
    albumentations does). Differences from albumentations as in RandomCrop.

    Args:
        x_min: left edge of the window (inclusive), >= 0.
        y_min: top edge of the window (inclusive), >= 0.
        x_max: right edge of the window (exclusive), > x_min.
        y_max: bottom edge of the window (exclusive), > y_min.
        pad_if_needed: pad the image when the window reaches past it.
        pad_position: "center", "top_left", "top_right", "bottom_left", "bottom_right" or
            "random" (see RandomCrop).
        border_mode: cv2.BORDER_* flag or name for the padding.
        fill: image padding value for ``border_mode="constant"``.
        fill_mask: mask padding value for ``border_mode="constant"``.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max): the configured window.
        pad: (B, 4) float64, (top, bottom, left, right) padding in pixels.

    Examples:
        >>> img = torch.arange(20.).view(1, 1, 4, 5)
        >>> Crop(1, 2, 4, 4)(img)[0, 0]
        tensor([[11., 12., 13.],
                [16., 17., 18.]])
    """

    def __init__(self, x_min: int = 0, y_min: int = 0, x_max: int = 1024, y_max: int = 1024,
                 pad_if_needed: bool = False, pad_position: str = "center", border_mode=0,
                 fill=0, fill_mask=0, p: float = 1.0, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(pad_if_needed, pad_position, border_mode, fill, fill_mask, p,
                         same_on_batch, seed)
        self.x_min = check_int(x_min, "x_min", low=0)
        self.y_min = check_int(y_min, "y_min", low=0)
        self.x_max = check_int(x_max, "x_max", low=1)
        self.y_max = check_int(y_max, "y_max", low=1)
        if self.x_max <= self.x_min:
            raise ValueError(f"x_max must be greater than x_min, got x_min={x_min}, x_max={x_max}")
        if self.y_max <= self.y_min:
            raise ValueError(f"y_max must be greater than y_min, got y_min={y_min}, y_max={y_max}")

    def output_size(self, image_size):
        h, w = image_size
        if not self.pad_if_needed and (self.x_max > w or self.y_max > h):
            raise ValueError(
                f"Crop: the window (x_min, y_min, x_max, y_max) = "
                f"{(self.x_min, self.y_min, self.x_max, self.y_max)} reaches past the image of "
                f"size (height, width) = {(h, w)}; pass pad_if_needed=True to pad the image")
        return (self.y_max - self.y_min, self.x_max - self.x_min)

    def _pad_split(self, image_size):
        if not self.pad_if_needed:
            return (0, 0, 0, 0)
        h, w = image_size
        dh, dw = max(self.y_max - h, 0), max(self.x_max - w, 0)
        return (dh // 2, dh - dh // 2, dw // 2, dw - dw // 2)

    def _sample_pad(self, rng, image_size, like):
        # albumentations moves the split padding by position, then keeps at least the minimal
        # padding on the bottom / right: bottom = max(bottom', d) = d, right = d as well.
        pad = super()._sample_pad(rng, image_size, like)
        top, bottom, left, right = self._pad_split(image_size)
        dh, dw = top + bottom, left + right
        return torch.stack([pad[:, 0], torch.clamp(pad[:, 1], min=dh), pad[:, 2],
                            torch.clamp(pad[:, 3], min=dw)], dim=1)

    def _static_window(self, padded_size):
        return self.x_min, self.y_min

    def sample(self, rng, batch_size, image_size):
        self.output_size(image_size)
        like = torch.zeros(batch_size, dtype=geometry.DTYPE, device=rng.device)
        pad = self._sample_pad(rng, image_size, like)
        crop = torch.stack([_full(v, like) for v in (self.x_min, self.y_min, self.x_max,
                                                     self.y_max)], dim=1)
        return {"crop": crop, "pad": pad}

    def extra_repr(self) -> str:
        return (f"x_min={self.x_min}, y_min={self.y_min}, x_max={self.x_max}, "
                f"y_max={self.y_max}, {super().extra_repr()}")


# ---------------------------------------------------------------------------------------------
# Crops resized to a fixed size
# ---------------------------------------------------------------------------------------------
class _SizedCrop(GeometricTransform):
    """A random integer window resized to ``size``; ``area_for_downscale`` as albumentations."""

    axis_aligned = True

    def __init__(self, size, interpolation, mask_interpolation, area_for_downscale,
                 p: float, same_on_batch: bool, seed: int | None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.size = to_size(size, "size")
        if area_for_downscale not in AREA_FOR_DOWNSCALE:
            raise ValueError(f"area_for_downscale must be one of {AREA_FOR_DOWNSCALE}, "
                             f"got {_describe(area_for_downscale)}")
        self.area_for_downscale = area_for_downscale
        self.base_interpolation, self.base_mask_interpolation = (self.interpolation,
                                                                 self.mask_interpolation)
        # The core picks cv2.INTER_AREA per sample where the window shrinks along either axis
        # (and the base interpolation elsewhere) when told "area_down:<base>".
        if area_for_downscale in ("image", "image_mask") and self.interpolation != "area":
            self.interpolation = f"area_down:{self.interpolation}"
        if area_for_downscale == "image_mask" and self.mask_interpolation != "area":
            self.mask_interpolation = f"area_down:{self.mask_interpolation or 'nearest'}"

    def output_size(self, image_size):
        return self.size

    def matrix(self, params: Params, image_size):
        return geometry.crop_resize_box(params["crop"], self.size)

    def extra_repr(self) -> str:
        return (f"size={self.size}, interpolation={self.base_interpolation!r}, "
                f"mask_interpolation={self.base_mask_interpolation!r}, "
                f"area_for_downscale={self.area_for_downscale!r}, {super().extra_repr()}")


class RandomSizedCrop(_SizedCrop):
    """Crop a random window of random height and fixed aspect ratio, resized to ``size``.

    OpenCV: ``cv2.resize(img[y_min:y_max, x_min:x_max], (W, H), interpolation=interpolation)``.

    Sampling follows albumentations 2.0.8: the crop height is an integer drawn uniformly from
    ``min_max_height`` (both ends included), the width ``int(height * w2h_ratio)``; both are
    clipped to the image; the position is ``y_min = int((H - crop_h + 1) * h_start)``,
    ``x_min = int((W - crop_w + 1) * w_start)`` with h_start, w_start uniform in [0, 1).

    Differences from albumentations (the first three shared with RandomResizedCrop):

    * The window is read from the full image, so where interpolation taps reach past the window's
      own edge (upscaling, or cubic) they see the neighbouring image pixels, where albumentations'
      cv2.resize of the cut-out window replicates its edge row. Inside the window the result is
      cv2.resize's (uint8 within one level of OpenCV's fixed-point arithmetic).
    * Masks with nearest interpolation are sampled at pixel centres (source index
      ``floor((x + 0.5) * crop_w / W)``, as cv2.INTER_NEAREST_EXACT), where albumentations'
      cv2.INTER_NEAREST takes ``floor(x * crop_w / W)``: the mask stays aligned with the image
      instead of shifting by up to half a source pixel.
    * Keypoints follow the pixel centres: ``x -> (x - x_min + 0.5) * W / crop_w - 0.5`` where
      albumentations scales ``(x - x_min) * W / crop_w``, a difference of ``0.5 * |s - 1|``
      pixel. Boxes (on pixel edges) agree exactly.
    * ``area_for_downscale="image_mask"`` uses INTER_AREA for masks only when the window shrinks,
      as documented by albumentations (its 2.0.8 code uses INTER_AREA for masks always).
    * A skipped sample (``p < 1``) is resized to ``size``; lanczos interpolation is not offered.

    Args:
        min_max_height: (min, max) crop height in pixels, both included.
        size: (height, width) of the output.
        w2h_ratio: crop aspect ratio (width / height); ``int(min_max_height[0] * w2h_ratio)``
            must be at least 1.
        interpolation: image interpolation: cv2.INTER_* flag or name (default linear).
        mask_interpolation: mask interpolation (default nearest).
        area_for_downscale: None; "image" to use INTER_AREA for images whose window shrinks along
            either axis (the chosen interpolation otherwise); "image_mask" for images and masks.
        p: per-sample probability of applying the transform.
        same_on_batch: one window for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max) in pixels (whole numbers).

    Examples:
        >>> aug = RandomSizedCrop((10, 20), size=(8, 8), seed=0)
        >>> aug(torch.rand(2, 3, 32, 32)).shape
        torch.Size([2, 3, 8, 8])
    """

    def __init__(self, min_max_height, size, w2h_ratio: float = 1.0, interpolation=1,
                 mask_interpolation=0, area_for_downscale=None, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(size, interpolation, mask_interpolation, area_for_downscale, p,
                         same_on_batch, seed)
        self.min_max_height = to_int_range(min_max_height, "min_max_height", low=1)
        self.w2h_ratio = check_number(w2h_ratio, "w2h_ratio", low=0.0, low_inclusive=False)
        if int(self.min_max_height[0] * self.w2h_ratio) < 1:
            raise ValueError(
                f"min_max_height[0] * w2h_ratio must be at least 1 (the crop width "
                f"int(height * w2h_ratio) would be 0), got {self.min_max_height[0]} * "
                f"{self.w2h_ratio}")

    def sample(self, rng, batch_size, image_size):
        h, w = image_size
        lo, hi = self.min_max_height
        ch = rng.integers(lo, hi).to(geometry.DTYPE)
        cw = torch.floor(ch * self.w2h_ratio)     # int(height * w2h_ratio), positive
        ch, cw = ch.clamp(max=h), cw.clamp(max=w)  # get_crop_coords clips to the image
        h_start, w_start = _starts(rng, batch_size)
        y0 = torch.floor((h - ch + 1) * h_start)
        x0 = torch.floor((w - cw + 1) * w_start)
        return {"crop": torch.stack([x0, y0, x0 + cw, y0 + ch], dim=1)}


class RandomResizedCrop(_SizedCrop):
    """Crop a random window of random area and aspect ratio, resized to ``size``.

    OpenCV: ``cv2.resize(img[y_min:y_max, x_min:x_max], (W, H), interpolation=interpolation)``.

    Sampling follows albumentations 2.0.8: up to ten tries per sample, each drawing a target area
    uniform in ``scale * H * W`` and an aspect ratio log-uniform in ``ratio``; the window is
    ``round(sqrt(area * ratio))`` by ``round(sqrt(area / ratio))`` (Python's round half to even);
    the first try with ``0 < w <= W`` and ``0 < h <= H`` wins and is placed at
    ``y_min = int((H - h + 1) * h_start)``, ``x_min = int((W - w + 1) * w_start)``. If no try
    fits, the central crop of the whole image clamped to ``ratio`` is taken. The tries are
    vectorised: all ten are drawn for every sample and the first valid one is picked with
    ``argmax``, so nothing waits on the device.

    Differences from albumentations: as listed for RandomSizedCrop (window edge read from the
    neighbouring pixels, masks and keypoints on pixel centres, ``area_for_downscale="image_mask"``
    as documented, skipped samples resized, no lanczos).

    Args:
        size: (height, width) of the output.
        scale: (min, max) crop area as a fraction of the image area, within [0, 1].
        ratio: (min, max) crop aspect ratio (width / height), both > 0.
        interpolation: image interpolation: cv2.INTER_* flag or name (default linear).
        mask_interpolation: mask interpolation (default nearest).
        area_for_downscale: None; "image" to use INTER_AREA for images whose window shrinks along
            either axis (the chosen interpolation otherwise); "image_mask" for images and masks.
        p: per-sample probability of applying the transform.
        same_on_batch: one window for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        crop: (B, 4) float64, (x_min, y_min, x_max, y_max) in pixels (whole numbers).

    Examples:
        >>> aug = RandomResizedCrop((8, 8), seed=0)
        >>> aug(torch.rand(2, 3, 32, 32)).shape
        torch.Size([2, 3, 8, 8])
    """

    tries = 10

    def __init__(self, size, scale=(0.08, 1.0), ratio=(0.75, 1.3333333333333333),
                 interpolation=1, mask_interpolation=0, area_for_downscale=None, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(size, interpolation, mask_interpolation, area_for_downscale, p,
                         same_on_batch, seed)
        self.scale = to_range(scale, "scale", low=0.0, high=1.0)
        self.ratio = to_range(ratio, "ratio")
        if self.ratio[0] <= 0:
            raise ValueError(f"ratio must be positive (width / height), got {self.ratio}")

    def _fallback(self, image_size) -> tuple[int, int]:
        """(width, height) of albumentations' central fallback crop (static)."""
        h, w = image_size
        in_ratio = w / h
        if in_ratio < self.ratio[0]:
            return w, round(w / self.ratio[0])
        if in_ratio > self.ratio[1]:
            return round(h * self.ratio[1]), h
        return w, h

    def sample(self, rng, batch_size, image_size):
        h, w = image_size
        area = h * w
        dt = geometry.DTYPE
        # ten tries per sample, each an area fraction and a log aspect ratio, then the window's
        # (w_start, h_start): one draw of (B, 22), the columns in albumentations' order
        u = rng.uniform(shape=(2 * self.tries + 2,)).to(dt)
        log_lo, log_hi = math.log(self.ratio[0]), math.log(self.ratio[1])
        a_lo, a_span = self.scale[0] * area, (self.scale[1] - self.scale[0]) * area
        # each try drawn twice, as (area, log ratio) for the width and (area, -log ratio) for
        # the height: (B, tries, 2, 2) from one multiply-add over the try's two columns
        low = constant((a_lo, log_lo, a_lo, -log_lo), u, shape=(2, 2))
        span = constant((a_span, log_hi - log_lo, a_span, log_lo - log_hi), u, shape=(2, 2))
        tries = u[:, :-2].view(-1, self.tries, 1, 2)
        drawn = torch.addcmul(low, tries, span)
        # (width, height) = sqrt(area * ratio), sqrt(area / ratio) with ratio = exp(+-log ratio),
        # rounded half to even as round()
        dims = torch.round(torch.sqrt(drawn[..., 0] * torch.exp(drawn[..., 1])))  # (B, tries, 2)
        # a try fits when 1 <= width <= w and 1 <= height <= h; max finds the first that fits
        # (not a max over bools: Inductor's C++ for it does not compile). Eager, the two bools
        # read as one int16 (257: both) save the sum's kernel; Inductor fuses the sum instead
        fits = torch.eq(dims.clamp(constant((1, 1), dims), constant((w, h), dims)), dims)
        compiling = torch.compiler.is_compiling()
        both = 2 if compiling else 257
        pairs = fits.sum(-1) if compiling else fits.view(torch.int16)[..., 0]
        best, first = torch.max(pairs, dim=1)
        dims = dims.gather(1, first.view(-1, 1, 1).expand(-1, 1, 2))[:, 0]   # (B, 2)
        xy0 = torch.floor((constant((w + 1, h + 1), dims) - dims) * u[:, -2:])
        crop = torch.cat([xy0, xy0 + dims], dim=1)
        # no try fitted: albumentations' central crop of the clamped ratio
        fw, fh = self._fallback(image_size)
        x0, y0 = (w - fw) // 2, (h - fh) // 2
        fallback = constant((x0, y0, x0 + fw, y0 + fh), crop)
        return {"crop": torch.where(best[:, None] == both, crop, fallback)}

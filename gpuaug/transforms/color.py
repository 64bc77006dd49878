"""Colour and tone transforms: thin modules that draw albumentations 2.0.8's parameters per sample
and call the kernels in gpuaug/functional/color.py.

Conventions shared by every transform here:

* Parameters are drawn as albumentations draws them (the same ranges, distributions and order of
  draws), one set per sample; ``params`` hold them as (B, ...) tensors, so albumentations'
  ``applied_transforms`` can be replayed by copying its numbers into these tensors (each
  docstring's ``Params`` section says where a unit differs).
* Images are computed in float and rounded once at the end of a pipeline (SPEC §2): where
  albumentations truncates (its uint8 lookup tables) gpuaug rounds, at most one level apart for a
  single step. Where albumentations works on 8-bit levels whatever the dtype
  (HueSaturationValue, Posterize, Equalize, CLAHE, ToGray "from_lab"), OpenCV's 8-bit
  conversions are reproduced in integer arithmetic, float images going through rint(x * 255).
* Skipped samples (``p < 1``) get neutral parameters where one exists (else a ``where`` over the
  image); no branch depends on data.
* Transforms that are inherently RGB (hue, saturation, HSV, gray from RGB, LAB) raise a
  ValueError naming the channel count when called with an image they cannot handle.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real

import numpy as np
import torch
from torch import Tensor

from ..core.transform import Params, PixelTransform, combine_masks
from ..core.validation import (_describe, check_choice, check_int, check_number, to_int_range,
                               to_range)
from ..functional import color as F

__all__ = ["Normalize", "ToFloat", "FromFloat", "InvertImg", "RandomBrightnessContrast",
           "ColorJitter", "HueSaturationValue", "RandomGamma", "RGBShift", "ChannelShuffle",
           "Solarize", "Posterize", "ToGray", "Equalize", "CLAHE"]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_describe(value)}")
    return value


def _check_values(value, name: str, allow_none: bool = False, nonzero: bool = False):
    """A number or a non-empty sequence of numbers (a per-channel value)."""
    if value is None and allow_none:
        return None
    if isinstance(value, Real) and not isinstance(value, bool):
        values = (check_number(value, name),)
    elif isinstance(value, (list, tuple)) and value:
        values = tuple(check_number(v, f"{name}[{i}]") for i, v in enumerate(value))
    else:
        raise TypeError(f"{name} must be a number or a sequence of per-channel numbers, "
                        f"got {_describe(value)}")
    if nonzero and any(v == 0 for v in values):
        raise ValueError(f"{name} must not contain 0, got {value!r}")
    return value if isinstance(value, Real) else values


def _factor_range(value, name: str) -> tuple[float, float]:
    """albumentations ColorJitter's brightness / contrast / saturation: v -> (max(1 - v, 0), 1 + v),
    a pair is taken as it is (both ends >= 0)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        v = check_number(value, name, low=0.0)
        return (max(1.0 - v, 0.0), 1.0 + v)
    return to_range(value, name, low=0.0)


def _current_dtype(state) -> torch.dtype:
    """The dtype the images would be returned in now (before this transform)."""
    if state.out_dtype is not None:
        return state.out_dtype
    for _, (_, _, like) in state.image_info.items():
        return like.dtype
    return torch.float32


def _uniforms(rng, low: tuple[float, ...], high: tuple[float, ...]) -> Tensor:
    """(B, n) uniform draws, column i in [low[i], high[i]): one bank read and one multiply-add."""
    u = rng.columns(len(low))
    lo = F._const(low, u)
    span = F._const(tuple(h - l for l, h in zip(low, high)), u)
    return torch.addcmul(lo, u, span)


class _ColorTransform(PixelTransform):
    """A pixel transform whose kernel takes the (B,) apply mask itself (None: every sample) and
    gives skipped samples neutral parameters (``uint8_kernel``: see PixelTransform)."""

    def kernel(self, image: Tensor, params: Params, apply: Tensor | None, *,
               max_value: float) -> Tensor:
        raise NotImplementedError

    def apply(self, image: Tensor, params: Params, *, max_value: float) -> Tensor:
        return self.kernel(image, params, None, max_value=max_value)

    def _params(self, state, rng, params, force) -> Params:
        if params is None:
            return self._draw(rng, state.batch_size, state.size, force, state.channels)
        return Params.of(params, state.batch_size, state.device)

    def _run(self, state, rng, params, mask, force=False):
        params = self._params(state, rng, params, force)
        apply = combine_masks(params.get("apply"), mask)
        for name, image in self._images(state).items():
            state.images[name] = self.kernel(image, params, apply, max_value=state.max_value)
        return params


# ---------------------------------------------------------------------------------------------
# Normalize, ToFloat, FromFloat
# ---------------------------------------------------------------------------------------------
class Normalize(_ColorTransform):
    """Normalise images to float32: ImageNet-style mean/std, or per-image statistics.

    albumentations: ``A.Normalize(mean, std, max_pixel_value, normalization, p)``.

    ``"standard"``: ``(img - mean * max_pixel_value) / (std * max_pixel_value)`` per channel, on the
    input's own values, as albumentations does: 0..255 for uint8 images; for float images in
    [0, 1] pass ``max_pixel_value=1.0``. ``"image"`` / ``"image_per_channel"``: (x - mean) / std
    over the image / each channel; ``"min_max"`` / ``"min_max_per_channel"``: (x - min) /
    (max - min); results clipped to [-20, 20]. The epsilon (1e-4) in the per-image denominators
    follows albumentations' path for the input dtype (uint8: every mode; float: "image" and
    "min_max_per_channel"); a constant image or channel without epsilon gives 0 (albumentations'
    float path gives NaN or inf there).

    Output: float32 (albumentations returns float64 for the per-image modes of uint8 images).
    Skipped samples (p < 1) keep their values, as float32.

    Args:
        mean: per-channel means (or one number) for "standard".
        std: per-channel standard deviations (or one number) for "standard".
        max_pixel_value: the value mean and std are scaled by for "standard".
        normalization: "standard", "image", "image_per_channel", "min_max" or
            "min_max_per_channel".
        p: per-sample probability.

    Params:
        none besides ``apply``.
    """

    def __init__(self, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 max_pixel_value: float | None = 255.0, normalization: str = "standard",
                 p: float = 1.0, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.normalization = check_choice(normalization, "normalization", F.NORMALIZATIONS)
        standard = normalization == "standard"
        if standard and (mean is None or std is None or max_pixel_value is None):
            raise ValueError("mean, std and max_pixel_value must be given for "
                             f"normalization='standard', got mean={mean!r}, std={std!r}, "
                             f"max_pixel_value={max_pixel_value!r}")
        self.mean = _check_values(mean, "mean", allow_none=not standard)
        self.std = _check_values(std, "std", allow_none=not standard, nonzero=standard)
        self.max_pixel_value = (None if max_pixel_value is None
                                else check_number(max_pixel_value, "max_pixel_value"))
        if standard and self.max_pixel_value == 0:
            raise ValueError("max_pixel_value must not be 0")

    def kernel(self, image, params, apply, *, max_value):
        if self.normalization == "standard":
            return F._normalize(image, self.mean, self.std, self.max_pixel_value, apply)
        return F._normalize_per_image(image, self.normalization, max_value == 255.0, apply)

    def _run(self, state, rng, params, mask, force=False):
        uint8_path = _current_dtype(state) == torch.uint8
        params = self._params(state, rng, params, force)
        apply = combine_masks(params.get("apply"), mask)
        for name, image in state.pixel_images().items():
            if self.normalization == "standard":
                out = F._normalize(image, self.mean, self.std, self.max_pixel_value, apply)
            else:
                out = F._normalize_per_image(image, self.normalization, uint8_path, apply)
            state.images[name] = out
        state.set_output(torch.float32, 1.0)
        return params

    def extra_repr(self) -> str:
        return (f"mean={self.mean}, std={self.std}, max_pixel_value={self.max_pixel_value}, "
                f"normalization={self.normalization!r}, p={self.p}")


class ToFloat(_ColorTransform):
    """Convert uint8 images to float32 in [0, 1] (divided by ``max_value``).

    albumentations: ``A.ToFloat(max_value, p)``. Float inputs are returned as float32 with their
    values unchanged, as albumentations does. Skipped samples (p < 1) keep their values (0..255
    for uint8 inputs), as float32: a batch has one dtype.

    Args:
        max_value: the divisor (default: 255 for uint8 images).
        p: per-sample probability.

    Params:
        none besides ``apply``.
    """

    def __init__(self, max_value: float | None = None, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.max_value = (None if max_value is None
                          else check_number(max_value, "max_value", low=0.0, low_inclusive=False))

    def kernel(self, image, params, apply, *, max_value):
        divisor = max_value if self.max_value is None else self.max_value
        if apply is None:
            return image / divisor
        return image / _col_where(apply, divisor, 1.0, image)

    def _run(self, state, rng, params, mask, force=False):
        dtype = _current_dtype(state)
        params = self._params(state, rng, params, force)
        if dtype.is_floating_point:
            state.pixel_images()
            state.set_output(torch.float32, state.max_value)
            return params
        apply = combine_masks(params.get("apply"), mask)
        max_value = state.max_value
        for name, image in state.pixel_images().items():
            state.images[name] = self.kernel(image, params, apply, max_value=max_value)
        divisor = max_value if self.max_value is None else self.max_value
        state.set_output(torch.float32, max_value / divisor)
        return params

    def extra_repr(self) -> str:
        return f"max_value={self.max_value}, p={self.p}"


def _col_where(apply: Tensor, value: float, neutral: float, like: Tensor) -> Tensor:
    """(B, 1, 1, 1): ``value`` where apply holds, else ``neutral``."""
    return torch.where(apply.reshape(-1, 1, 1, 1), torch.full((), value, dtype=like.dtype,
                                                               device=like.device), neutral)


class FromFloat(_ColorTransform):
    """Convert float images in [0, 1] to an integer dtype: ``rint(img * max_value)``, saturated.

    albumentations: ``A.FromFloat(dtype, max_value, p)``. Rounding is half to even, as np.rint.
    As in albumentations the multiplication applies to the input's own values (a uint8 input is
    multiplied too). Skipped samples (p < 1) are cast as ``Tensor.to`` casts them (truncated):
    a batch has one dtype.

    Args:
        dtype: "uint8" or "uint16" ("uint32" is not supported: float32 cannot hold its range).
        max_value: the multiplier (default: the dtype's maximum).
        p: per-sample probability.

    Params:
        none besides ``apply``.
    """

    def __init__(self, dtype: str = "uint8", max_value: float | None = None, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        if dtype == "uint32":
            raise ValueError("dtype='uint32' is not supported by gpuaug (float32 working images "
                             "cannot hold its range); use 'uint8' or 'uint16'")
        self.dtype = check_choice(dtype, "dtype", tuple(F._FROM_FLOAT))
        self._torch_dtype, self._top = F._FROM_FLOAT[dtype]
        self.max_value = (self._top if max_value is None
                          else check_number(max_value, "max_value", low=0.0, low_inclusive=False))

    def kernel(self, image, params, apply, *, max_value):
        return F._from_float(image, self.max_value, self._top, apply)

    def _run(self, state, rng, params, mask, force=False):
        params = super()._run(state, rng, params, mask, force)
        state.set_output(self._torch_dtype, self._top)
        return params

    def extra_repr(self) -> str:
        return f"dtype={self.dtype!r}, max_value={self.max_value}, p={self.p}"


# ---------------------------------------------------------------------------------------------
# InvertImg, RandomBrightnessContrast, ColorJitter
# ---------------------------------------------------------------------------------------------
class InvertImg(_ColorTransform):
    """Invert pixel values: ``max_value - img`` (255 for uint8, 1 for float).

    albumentations: ``A.InvertImg(p)``. Any channel count.

    Params:
        none besides ``apply``.
    """

    uint8_kernel = True

    def __init__(self, p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)

    def kernel(self, image, params, apply, *, max_value):
        return F._invert(image, max_value, apply)


class RandomBrightnessContrast(_ColorTransform):
    """Random brightness and contrast: ``clip(alpha * img + beta)``.

    albumentations: ``A.RandomBrightnessContrast(brightness_limit, contrast_limit,
    brightness_by_max, ensure_safe_range, p)``: alpha = 1 + U(contrast_limit), then
    beta = U(brightness_limit) times the dtype's maximum (``brightness_by_max``) or times the
    image's mean; ``ensure_safe_range`` clamps alpha and beta as albumentations does. Any channel
    count.

    Args:
        brightness_limit: a number v (meaning (-v, v)) or a (min, max) range.
        contrast_limit: a number v (meaning (-v, v)) or a (min, max) range.
        brightness_by_max: scale beta by the dtype's maximum (True) or by the image mean (False).
        ensure_safe_range: keep the result from saturating at 0 and max (albumentations' rule).
        p: per-sample probability.

    Params:
        alpha: (B,) float32, the contrast factor (albumentations' ``alpha``).
        beta: (B,) float32, the brightness draw before scaling: albumentations' ``beta`` divided
            by the dtype's maximum (255 or 1), or by the image mean when ``brightness_by_max`` is
            False (and before the safe-range clamp).
    """

    def __init__(self, brightness_limit=(-0.2, 0.2), contrast_limit=(-0.2, 0.2),
                 brightness_by_max: bool = True, ensure_safe_range: bool = False,
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.brightness_limit = to_range(brightness_limit, "brightness_limit", symmetric=True)
        self.contrast_limit = to_range(contrast_limit, "contrast_limit", symmetric=True)
        self.brightness_by_max = _check_bool(brightness_by_max, "brightness_by_max")
        self.ensure_safe_range = _check_bool(ensure_safe_range, "ensure_safe_range")

    def sample(self, rng, batch_size, image_size):
        (c0, c1), (b0, b1) = self.contrast_limit, self.brightness_limit
        u = _uniforms(rng, (1.0 + c0, b0), (1.0 + c1, b1))
        return {"alpha": u[:, 0], "beta": u[:, 1]}

    def kernel(self, image, params, apply, *, max_value):
        return F._brightness_contrast(image, params["alpha"], params["beta"], max_value,
                                      self.brightness_by_max, self.ensure_safe_range, apply)

    def extra_repr(self) -> str:
        return (f"brightness_limit={self.brightness_limit}, contrast_limit={self.contrast_limit}, "
                f"brightness_by_max={self.brightness_by_max}, "
                f"ensure_safe_range={self.ensure_safe_range}, p={self.p}")


class ColorJitter(_ColorTransform):
    """Randomly change brightness, contrast, saturation and hue, in a random order per sample.

    albumentations: ``A.ColorJitter(brightness, contrast, saturation, hue, p)``, torchvision-style
    steps: brightness ``img * f``; contrast ``img * f + mean(gray) * (1 - f)``; saturation
    ``img * f + gray * (1 - f)`` (gray: cv2.COLOR_RGB2GRAY); hue: OpenCV's HSV hue shifted by
    ``360 * h`` degrees. Each step clips to [0, max]. Factors are drawn uniformly from their
    ranges (brightness, contrast, saturation, hue, in that order) and the four steps are applied
    in a random permutation per sample, as albumentations does.

    Gray (1-channel) images: saturation and hue leave them unchanged (as albumentations). Other
    channel counts raise a ValueError. uint8 images are computed in float and rounded once:
    within one level of albumentations' float32 path; albumentations' own uint8 path truncates
    after every step and quantises hue to 2 degrees (see the parity figures in the tests).
    ``hue=0`` (or (0, 0)) skips the hue step statically (fewer kernels). On CUDA in eager mode
    (3 channels, any dtype but float64, Triton installed) the steps run as two fused Triton
    kernels (``gpuaug.functional.fused``; ``GPUAUG_TRITON=0`` turns them off).

    Args:
        brightness: a number v (meaning (max(0, 1 - v), 1 + v)) or a (min, max) range >= 0.
        contrast: as brightness.
        saturation: as brightness.
        hue: a number v (meaning (-v, v)) or a (min, max) range within [-0.5, 0.5].
        p: per-sample probability.

    Params:
        brightness, contrast, saturation: (B,) float32 factors.
        hue: (B,) float32 hue shift in turns.
        order: (B, 4) int64, the permutation of (0 brightness, 1 contrast, 2 saturation, 3 hue)
            (albumentations' ``order``).
    """

    def __init__(self, brightness=(0.8, 1.2), contrast=(0.8, 1.2), saturation=(0.8, 1.2),
                 hue=(-0.5, 0.5), p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.brightness = _factor_range(brightness, "brightness")
        self.contrast = _factor_range(contrast, "contrast")
        self.saturation = _factor_range(saturation, "saturation")
        if isinstance(hue, Real) and not isinstance(hue, bool):
            v = check_number(hue, "hue", low=0.0)
            self.hue = (-v, v)
        else:
            self.hue = to_range(hue, "hue", low=-0.5, high=0.5)

    def sample(self, rng, batch_size, image_size):
        ranges = (self.brightness, self.contrast, self.saturation, self.hue)
        u = _uniforms(rng, tuple(r[0] for r in ranges), tuple(r[1] for r in ranges))
        order = rng.permutation(4)
        return {"brightness": u[:, 0], "contrast": u[:, 1], "saturation": u[:, 2],
                "hue": u[:, 3], "order": order}

    def kernel(self, image, params, apply, *, max_value):
        hue = None if self.hue == (0.0, 0.0) else params["hue"]
        return F._color_jitter(image, params["brightness"], params["contrast"],
                               params["saturation"], hue, params["order"], max_value, apply)

    def extra_repr(self) -> str:
        return (f"brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue}, p={self.p}")


# ---------------------------------------------------------------------------------------------
# HueSaturationValue, RandomGamma, RGBShift, ChannelShuffle
# ---------------------------------------------------------------------------------------------
class HueSaturationValue(_ColorTransform):
    """Shift hue, saturation and value in OpenCV's 8-bit HSV units.

    albumentations: ``A.HueSaturationValue(hue_shift_limit, sat_shift_limit, val_shift_limit, p)``:
    hue, saturation and value shifts drawn uniformly (in that order) and applied, as
    albumentations does, to OpenCV's 8-bit HSV image (H in [0, 180), 2 degrees a unit): H moves
    by floor(hue_shift) units (mod 180), S and V by trunc(sat_shift) / trunc(val_shift) levels,
    saturated, and gray pixels (S = 0) stay gray. The RGB -> HSV conversion reproduces OpenCV's
    fixed point bit for bit; the way back uses OpenCV's float formulas and rounds once (OpenCV
    truncates or rounds there depending on a pixel's position in its SIMD loop): results are
    within one level of albumentations'. Float images go through rint(x * 255) levels as in
    albumentations (their output is not re-quantised). A sample whose three draws are all 0 is
    returned unchanged, as albumentations does.

    Gray (1-channel) images: only the value shift applies (albumentations ignores the others).
    Other channel counts raise a ValueError.

    Args:
        hue_shift_limit: a number v (meaning (-v, v)) or a (min, max) range, in hue units.
        sat_shift_limit: as hue_shift_limit, in saturation levels.
        val_shift_limit: as hue_shift_limit, in value levels.
        p: per-sample probability.

    Params:
        hue_shift, sat_shift, val_shift: (B,) float32, albumentations' draws as they are.
    """

    def __init__(self, hue_shift_limit=(-20, 20), sat_shift_limit=(-30, 30),
                 val_shift_limit=(-20, 20), p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.hue_shift_limit = to_range(hue_shift_limit, "hue_shift_limit", symmetric=True)
        self.sat_shift_limit = to_range(sat_shift_limit, "sat_shift_limit", symmetric=True)
        self.val_shift_limit = to_range(val_shift_limit, "val_shift_limit", symmetric=True)

    def sample(self, rng, batch_size, image_size):
        ranges = (self.hue_shift_limit, self.sat_shift_limit, self.val_shift_limit)
        u = _uniforms(rng, tuple(r[0] for r in ranges), tuple(r[1] for r in ranges))
        return {"hue_shift": u[:, 0], "sat_shift": u[:, 1], "val_shift": u[:, 2]}

    uint8_kernel = True  # reads 8-bit levels; returns the float result, rounded at the end

    def kernel(self, image, params, apply, *, max_value):
        return F._shift_hsv(image, params["hue_shift"], params["sat_shift"], params["val_shift"],
                            max_value, apply)

    def extra_repr(self) -> str:
        return (f"hue_shift_limit={self.hue_shift_limit}, sat_shift_limit={self.sat_shift_limit}, "
                f"val_shift_limit={self.val_shift_limit}, p={self.p}")


def _one_plus_range(value, name: str) -> tuple[float, float]:
    """albumentations' OnePlusFloatRangeType: v -> (1, v); a pair as it is; both ends >= 1."""
    if isinstance(value, Real) and not isinstance(value, bool):
        v = check_number(value, name)
        value = (min(1.0, v), max(1.0, v))
    return to_range(value, name, low=1.0)


class RandomGamma(_ColorTransform):
    """Gamma correction with a random gamma: ``(img / max) ** gamma * max``.

    albumentations: ``A.RandomGamma(gamma_limit, p)``: gamma = U(gamma_limit) / 100. Any channel
    count.

    Args:
        gamma_limit: a (min, max) range in percent (a number v means (1, v)), both >= 1.
        p: per-sample probability.

    Params:
        gamma: (B,) float32, the exponent (albumentations' ``gamma``, already divided by 100).
    """

    def __init__(self, gamma_limit=(80, 120), p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.gamma_limit = _one_plus_range(gamma_limit, "gamma_limit")

    def sample(self, rng, batch_size, image_size):
        lo, hi = self.gamma_limit
        return {"gamma": _uniforms(rng, (lo / 100.0,), (hi / 100.0,))[:, 0]}

    uint8_kernel = True  # looks the 256 levels' float results up; rounded at the end
    uint8_compiled = False  # Inductor's gather from the table: 8.1 -> 14.7 ms (batch 32, 224 px)

    def kernel(self, image, params, apply, *, max_value):
        return F._gamma(image, params["gamma"], max_value, apply)

    def extra_repr(self) -> str:
        return f"gamma_limit={self.gamma_limit}, p={self.p}"


class RGBShift(_ColorTransform):
    """Add a random constant to each of the r, g, b channels, saturated.

    albumentations: ``A.RGBShift(r_shift_limit, g_shift_limit, b_shift_limit, p)``: limits
    above 1 in magnitude are in levels of 1/255, else fractions of the full intensity (as
    albumentations reads them); one shift per channel drawn uniformly (r, g, b), times the
    full intensity (255 or 1). Images with 1 or 2 channels use the first shifts; more than 3
    channels raise a ValueError. uint8 images move by whole levels, the shift truncated toward
    zero, as albumentations adds its float shift to a uint8 image: the same values as
    albumentations (computed in int16, without a float copy of the image).

    Args:
        r_shift_limit: a number v (meaning (-v, v)) or a (min, max) range.
        g_shift_limit: as r_shift_limit.
        b_shift_limit: as r_shift_limit.
        p: per-sample probability.

    Params:
        shift: (B, 3) float32, the r, g, b shifts as fractions of the full intensity
            (albumentations' ``noise_map`` divided by 255 for uint8 images).
    """

    def __init__(self, r_shift_limit=(-20, 20), g_shift_limit=(-20, 20), b_shift_limit=(-20, 20),
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.r_shift_limit = to_range(r_shift_limit, "r_shift_limit", symmetric=True)
        self.g_shift_limit = to_range(g_shift_limit, "g_shift_limit", symmetric=True)
        self.b_shift_limit = to_range(b_shift_limit, "b_shift_limit", symmetric=True)
        self._ranges = tuple((lo / 255.0, hi / 255.0) if max(abs(lo), abs(hi)) > 1 else (lo, hi)
                             for lo, hi in (self.r_shift_limit, self.g_shift_limit,
                                            self.b_shift_limit))

    def sample(self, rng, batch_size, image_size):
        return {"shift": _uniforms(rng, tuple(r[0] for r in self._ranges),
                                   tuple(r[1] for r in self._ranges))}

    uint8_kernel = True  # whole levels, added in int16

    def kernel(self, image, params, apply, *, max_value):
        return F._shift_rgb(image, params["shift"], max_value, apply)

    def extra_repr(self) -> str:
        return (f"r_shift_limit={self.r_shift_limit}, g_shift_limit={self.g_shift_limit}, "
                f"b_shift_limit={self.b_shift_limit}, p={self.p}")


class ChannelShuffle(_ColorTransform):
    """Randomly permute the channels of each sample.

    albumentations: ``A.ChannelShuffle(p)``. Any channel count (1-channel images are left as
    they are).

    Params:
        channels_shuffled: (B, C) int64, output channel i = input channel channels_shuffled[i]
            (albumentations' ``channels_shuffled``).
    """

    sample_needs_channels = True

    uint8_kernel = True

    def __init__(self, p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)

    def sample(self, rng, batch_size, image_size, channels: int = 1):
        return {"channels_shuffled": rng.permutation(channels)}

    def kernel(self, image, params, apply, *, max_value):
        return F._channel_shuffle(image, params["channels_shuffled"], apply)


# ---------------------------------------------------------------------------------------------
# Solarize, Posterize, ToGray
# ---------------------------------------------------------------------------------------------
class Solarize(_ColorTransform):
    """Invert the pixels at or above a threshold: ``max - x`` where ``x >= threshold * max``.

    albumentations: ``A.Solarize(threshold_range, p)``; threshold drawn uniformly from
    ``threshold_range`` (fractions of the full intensity). Any channel count. (For uint8 images
    albumentations compares in float64 and gpuaug in float32: a threshold within 1e-5 of a
    level boundary may select that level differently.)

    Args:
        threshold_range: (min, max) within [0, 1].
        p: per-sample probability.

    Params:
        threshold: (B,) float32, a fraction of the full intensity (albumentations' ``threshold``).
    """

    uint8_kernel = True
    uint8_compiled = False  # Inductor's loop over the uint8 form: 6.29 ms against 1.09 on floats

    def __init__(self, threshold_range=(0.5, 0.5), p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.threshold_range = to_range(threshold_range, "threshold_range", low=0.0, high=1.0)

    def sample(self, rng, batch_size, image_size):
        lo, hi = self.threshold_range
        return {"threshold": _uniforms(rng, (lo,), (hi,))[:, 0]}

    def kernel(self, image, params, apply, *, max_value):
        return F._solarize(image, params["threshold"], max_value, apply)

    def extra_repr(self) -> str:
        return f"threshold_range={self.threshold_range}, p={self.p}"


def _bits_range(value, name: str) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        check_int(value, name, low=1, high=7)
        return (value, value)
    pair = to_int_range(value, name, low=0)
    if pair[1] > 8:
        raise ValueError(f"{name} must lie in [0, 8], got {pair}")
    return pair


class Posterize(_ColorTransform):
    """Keep the high ``num_bits`` bits of every 8-bit value.

    albumentations: ``A.Posterize(num_bits, p)``: an int (1..7), a (min, max) range drawn as
    random.randint, or a list of more than two of those: one per channel. Float images are
    posterised on rint(x * 255) levels and returned / 255, as albumentations does.

    Args:
        num_bits: see above.
        p: per-sample probability.

    Params:
        num_bits: (B,) int64, or (B, C) int64 for per-channel values.
    """

    def __init__(self, num_bits=4, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        if isinstance(num_bits, Sequence) and not isinstance(num_bits, str) and len(num_bits) > 2:
            self.num_bits = [_bits_range(v, f"num_bits[{i}]") for i, v in enumerate(num_bits)]
        else:
            self.num_bits = _bits_range(num_bits, "num_bits")

    def sample(self, rng, batch_size, image_size):
        if isinstance(self.num_bits, list):
            return {"num_bits": torch.stack([rng.integers(lo, hi) for lo, hi in self.num_bits], 1)}
        return {"num_bits": rng.integers(*self.num_bits)}

    uint8_kernel = True

    def kernel(self, image, params, apply, *, max_value):
        return F._posterize(image, params["num_bits"], max_value, apply)

    def extra_repr(self) -> str:
        return f"num_bits={self.num_bits}, p={self.p}"


class ToGray(_ColorTransform):
    """Convert to gray, repeated over ``num_output_channels`` channels.

    albumentations: ``A.ToGray(num_output_channels, method, p)``. Methods: "weighted_average"
    (cv2.COLOR_RGB2GRAY), "from_lab" (L of cv2.COLOR_RGB2Lab, 8-bit), "desaturation"
    ((max + min) / 2), "average", "max", "pca" (first principal component of the pixels, min-max
    scaled). The first two need RGB images (else a ValueError); the others take any channel
    count. 1-channel images are returned unchanged, as albumentations does. With
    ``num_output_channels`` different from the input's channel count every sample must be
    converted (p=1), since a batch has one shape.

    Differences: uint8 results are rounded where albumentations truncates ("average",
    "desaturation") or uses OpenCV's fixed-point gray (at most one level). "from_lab" reproduces
    OpenCV's 8-bit Lab L bit for bit (float images through rint(x * 255), as albumentations).
    "pca": OpenCV's eigen solver leaves the component's sign to its iteration order, so
    albumentations' result is sometimes inverted (x -> max - x); gpuaug orients the component to
    a positive channel sum (brighter pixels give a brighter gray).

    Args:
        num_output_channels: channels of the output (>= 1).
        method: see above.
        p: per-sample probability.

    Params:
        none besides ``apply``.
    """

    def __init__(self, num_output_channels: int = 3, method: str = "weighted_average",
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.num_output_channels = check_int(num_output_channels, "num_output_channels", low=1)
        self.method = check_choice(method, "method", F.TO_GRAY_METHODS)

    uint8_kernel = True  # the weighted average reads the levels; rounded at the end

    def kernel(self, image, params, apply, *, max_value):
        return F._to_gray(image, self.method, self.num_output_channels, max_value, apply)

    def extra_repr(self) -> str:
        return (f"num_output_channels={self.num_output_channels}, method={self.method!r}, "
                f"p={self.p}")


# ---------------------------------------------------------------------------------------------
# Equalize, CLAHE
# ---------------------------------------------------------------------------------------------
class Equalize(_ColorTransform):
    """Histogram equalisation, per sample.

    albumentations: ``A.Equalize(mode, by_channels, mask, mask_params, p)``. ``mode="cv"``:
    cv2.equalizeHist; ``mode="pil"``: albumentations' PIL-style rule. ``by_channels=True``:
    every channel on its own; ``False``: the Y channel of cv2's YCrCb (OpenCV's fixed-point
    conversions, reproduced exactly). 1- or 3-channel images; float images are equalised on
    rint(x * 255) levels and returned / 255, as albumentations does, so results equal
    albumentations' exactly.

    ``mask`` (pixels that build the histogram, nonzero = counted; the lookup table applies to
    every pixel): None; a fixed array (H, W) or (H, W, C) as in albumentations, or a tensor
    (H, W), (B, H, W) or (B, 1 or C, H, W); or a callable taking ``image=`` (the (B, C, H, W)
    batch, float working values) plus the targets named in ``mask_params`` (masks as
    (B, K, H, W)) and returning such a tensor. A 3-channel mask gives each channel its own.

    Args:
        mode: "cv" or "pil".
        by_channels: equalise each channel (True) or the luma (False).
        mask: see above.
        mask_params: names of mask targets passed to a callable ``mask``.
        p: per-sample probability.

    Params:
        none besides ``apply``.
    """

    def __init__(self, mode: str = "cv", by_channels: bool = True,
                 mask: np.ndarray | Tensor | Callable | None = None,
                 mask_params: Sequence[str] = (),
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.mode = check_choice(mode, "mode", F.EQUALIZE_MODES)
        self.by_channels = _check_bool(by_channels, "by_channels")
        if mask is not None and not callable(mask) and not isinstance(mask, (np.ndarray, Tensor)):
            raise TypeError(f"mask must be None, an array, a tensor or a callable, got "
                            f"{_describe(mask)}")
        self.mask = mask
        if isinstance(mask_params, str) or not all(isinstance(k, str) for k in mask_params):
            raise TypeError(f"mask_params must be a sequence of target names, got {mask_params!r}")
        self.mask_params = tuple(mask_params)
        if self.mask_params and not callable(mask):
            raise ValueError("mask_params needs a callable mask")

    def kernel(self, image, params, apply, *, max_value, targets=None):
        mask = self.mask
        if callable(mask):
            mask = mask(image=image, **(targets or {}))
        return F._equalize(image, self.mode, self.by_channels, F._mask_batch(mask, image),
                           max_value, apply)

    def _run(self, state, rng, params, mask, force=False):
        params = self._params(state, rng, params, force)
        apply = combine_masks(params.get("apply"), mask)
        images = state.pixel_images()
        targets = {}
        for key in self.mask_params:
            if key not in state.masks:
                raise KeyError(f"Equalize: mask_params names {key!r}, which was not passed as a "
                               "mask target")
            targets[key] = state.masks[key].mask
        for name, image in images.items():
            state.images[name] = self.kernel(image, params, apply, max_value=state.max_value,
                                             targets=targets)
        return params

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}, by_channels={self.by_channels}, p={self.p}"


class CLAHE(_ColorTransform):
    """Contrast Limited Adaptive Histogram Equalisation with a random clip limit.

    albumentations: ``A.CLAHE(clip_limit, tile_grid_size, p)``: ``cv2.createCLAHE(clip_limit,
    tile_grid_size)`` applied to gray images, or to the L channel of CIE Lab for RGB images;
    clip_limit drawn uniformly. The CLAHE reproduces OpenCV's bit for bit (tiles of the
    reflect_101-padded image, clipping and redistribution, bilinear LUT interpolation), per
    sample, and so does the RGB -> Lab conversion of 8-bit images (OpenCV's fixed point); the way
    back to RGB uses OpenCV's float Lab formulas on the 8-bit L, a, b and rounds once (within one
    or two levels of OpenCV's fixed-point conversion). Float images go through rint(x * 255)
    levels, as in albumentations. 1- or 3-channel images.

    Args:
        clip_limit: a (min, max) range (a number v means (1, v)), both >= 1.
        tile_grid_size: (columns, rows) of tiles, as cv2's tileGridSize (width, height).
        p: per-sample probability.

    Params:
        clip_limit: (B,) float32 (albumentations' ``clip_limit``).
    """

    def __init__(self, clip_limit=4.0, tile_grid_size=(8, 8), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.clip_limit = _one_plus_range(clip_limit, "clip_limit")
        if not (isinstance(tile_grid_size, Sequence) and len(tile_grid_size) == 2):
            raise TypeError(f"tile_grid_size must be a (columns, rows) pair of ints, got "
                            f"{_describe(tile_grid_size)}")
        self.tile_grid_size = (check_int(tile_grid_size[0], "tile_grid_size[0]", low=1),
                               check_int(tile_grid_size[1], "tile_grid_size[1]", low=1))

    def sample(self, rng, batch_size, image_size):
        lo, hi = self.clip_limit
        return {"clip_limit": _uniforms(rng, (lo,), (hi,))[:, 0]}

    def kernel(self, image, params, apply, *, max_value):
        grid = (self.tile_grid_size[1], self.tile_grid_size[0])
        return F._clahe(image, params["clip_limit"], grid, max_value, apply)

    def extra_repr(self) -> str:
        return f"clip_limit={self.clip_limit}, tile_grid_size={self.tile_grid_size}, p={self.p}"

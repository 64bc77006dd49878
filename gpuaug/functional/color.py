"""Colour and tone kernels: pure functions with explicit per-sample parameters, albumentations 2.0.8
and OpenCV semantics, no randomness.

Every public function takes (B, C, H, W) or (C, H, W) images, uint8 or float in [0, 1], and
returns the same shape and dtype (uint8 rounded half-up and saturated once, at the end), except
``normalize`` / ``normalize_per_image`` / ``to_float`` (float32 out) and ``from_float`` (uint8 out).
Per-sample values are Python scalars or (B,) tensors (per-channel ones (C,) or (B, C)).

The underscored functions work on float working images whose full intensity is ``max_value``
(255 for uint8 inputs, 1 for float ones: what ``PixelTransform.apply`` gets) and are what the
transforms call. They take per-sample parameters as (B,) tensors and an optional (B,) bool
``apply`` mask: samples where it is False get neutral parameters (no ``where`` over the image
where a neutral value exists).

Differences from albumentations, by design (SPEC §2):

* uint8 images are computed in float and rounded once; albumentations rounds or truncates after
  every step (its lookup tables truncate). Single-step transforms differ by at most one level;
  chains of steps (ColorJitter) stay within one level of albumentations' float32 path.
* ColorJitter's hue is a rotation on OpenCV's continuous (float) HSV cone for uint8 images too;
  albumentations' uint8 path goes through OpenCV's 8-bit HSV (hue quantised to 2 degrees), so
  uint8 results differ from albumentations' by what its own uint8 and float32 paths differ by.
* Where albumentations works on 8-bit levels for every dtype (HueSaturationValue, Posterize,
  Equalize, CLAHE, ToGray "from_lab"), the 8-bit conversions are reproduced in integer
  arithmetic (OpenCV's RGB -> HSV, RGB -> Lab, RGB <-> YCrCb fixed point), float images going
  through rint(x * 255) levels as albumentations' uint8_io does.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from numbers import Real

import torch
from torch import Tensor

from . import fused
from ..core import constants
from ..core.tensors import (as_batch, computed_once, finish_like, max_value as _dtype_max,
                            per_sample, pick_samples, planar, stacked_columns, working, pixel_rows,
                            along_rows, from_pixel_rows)
from ..core.validation import check_choice, check_number

__all__ = ["normalize", "normalize_per_image", "to_float", "from_float", "invert",
           "brightness_contrast", "adjust_brightness", "adjust_contrast", "adjust_saturation",
           "adjust_hue", "color_jitter", "rgb_to_gray", "shift_hsv", "gamma_transform",
           "shift_rgb", "channel_shuffle", "solarize", "posterize", "to_gray", "equalize",
           "clahe"]

NORMALIZATIONS = ("standard", "image", "image_per_channel", "min_max", "min_max_per_channel")
GRAY_WEIGHTS = (0.299, 0.587, 0.114)  # cv2.COLOR_RGB2GRAY
_EPS = 1e-4                           # albumentations' per-image normalisation epsilon
_TINY = 1e-20                         # guards 0 / 0 where the numerator is 0 too


# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------
_const = constants.constant  # small per-channel constants and lookup tables, made once per device


def _col(value: Tensor) -> Tensor:
    """(B,) -> (B, 1, 1, 1)."""
    return value.reshape(-1, 1, 1, 1)


def _keep(apply: Tensor | None, value: Tensor, neutral: float) -> Tensor:
    """``value`` where ``apply`` holds, else the neutral value (one small kernel)."""
    if apply is None:
        return value
    return torch.where(apply.reshape(-1, *([1] * (value.dim() - 1))), value, neutral)


def _select(apply: Tensor | None, out: Tensor, image: Tensor, in_place: bool = False) -> Tensor:
    """The transformed image where ``apply`` holds, else the input (for ops without neutral
    parameters); written over ``out`` when ``in_place``."""
    if apply is None:
        return out
    return pick_samples(apply, out, image, in_place)




def _run(image: Tensor, fn, out_dtype: torch.dtype | None = None) -> Tensor:
    """Apply ``fn(x, batch, max_value)`` to a public-API image and convert back."""
    batch, single = as_batch(image)
    out = fn(working(batch), batch.shape[0], _dtype_max(batch.dtype))
    out = finish_like(out, batch, out_dtype or batch.dtype)
    return out[0] if single else out


def _check_channels(x: Tensor, allowed: tuple[int, ...], what: str) -> int:
    c = x.shape[1]
    if c not in allowed:
        want = " or ".join(str(a) for a in allowed)
        raise ValueError(f"{what} needs an image with {want} channels (RGB order for 3), "
                         f"got {c} channels")
    return c


def _gray(x: Tensor) -> Tensor:
    """cv2.COLOR_RGB2GRAY in float: (B, 3, H, W) -> (B, 1, H, W), R, G and B products added in
    that order. On the planes, not as a sum over the channels: no (B, 3, H, W) temporary, and
    a reduction over a short non-innermost dimension is slow on the CPU (2.5 -> 0.8 ms at batch
    32, 224 px). uint8 images give the float result of their levels."""
    w = _const(GRAY_WEIGHTS, x, x.dtype if x.is_floating_point() else torch.float32,
               shape=(3, 1, 1, 1))
    out = x[:, 0:1] * w[0]
    out = torch.addcmul(out, x[:, 1:2], w[1], out=out)
    return torch.addcmul(out, x[:, 2:3], w[2], out=out)


def _channel_tuple(value, channels: int, name: str) -> tuple[float, ...]:
    """A number or a per-channel sequence -> C Python floats (albumentations' convert_value)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return (float(value),) * channels
    if isinstance(value, Sequence) and not isinstance(value, str):
        values = tuple(float(check_number(v, f"{name}[{i}]")) for i, v in enumerate(value))
        if len(values) == 1:
            return values * channels
        if len(values) < channels:
            raise ValueError(f"{name} has {len(values)} values but the image has {channels} "
                             "channels")
        return values[:channels]
    raise TypeError(f"{name} must be a number or a per-channel sequence, got {value!r}")


# ---------------------------------------------------------------------------------------------
# Normalize, ToFloat, FromFloat
# ---------------------------------------------------------------------------------------------
def _normalize(x: Tensor, mean, std, max_pixel_value: float, apply: Tensor | None = None) -> Tensor:
    """(x - mean * max_pixel_value) / (std * max_pixel_value) per channel, as one multiply-add."""
    c = x.shape[1]
    mean = _channel_tuple(mean, c, "mean")
    std = _channel_tuple(std, c, "std")
    scale = tuple(1.0 / (s * float(max_pixel_value)) for s in std)
    bias = tuple(-m * float(max_pixel_value) * k for m, k in zip(mean, scale))
    scale_t = _const(scale, x, shape=(1, c, 1, 1))
    bias_t = _const(bias, x, shape=(1, c, 1, 1))
    if apply is not None:
        keep = apply.reshape(-1, 1, 1, 1)
        scale_t = torch.where(keep, scale_t, 1.0)
        bias_t = torch.where(keep, bias_t, 0.0)
    rows = pixel_rows(x)
    if rows is not None:
        w = x.shape[-1]
        return from_pixel_rows(torch.addcmul(along_rows(bias_t, w), rows, along_rows(scale_t, w)),
                               x.shape)
    return torch.addcmul(bias_t, x, scale_t)


def normalize(image: Tensor, mean, std, max_pixel_value: float = 255.0) -> Tensor:
    """albumentations' ``Normalize`` (standard): ``(img - mean * max_pixel_value) / (std *
    max_pixel_value)`` per channel, float32 out.

    As in albumentations, the formula applies to the input's own values: 0..255 for uint8, the
    values themselves for float images (pass ``max_pixel_value=1.0`` for float images in [0, 1]).

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float.
        mean: a number or one per channel.
        std: a number or one per channel.
        max_pixel_value: the value mean and std are scaled by.

    Examples:
        >>> img = torch.zeros((3, 1, 2), dtype=torch.uint8)
        >>> normalize(img, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))[:, 0, 0]
        tensor([-1., -1., -1.])
    """
    check_number(max_pixel_value, "max_pixel_value")
    return _run(image, lambda x, b, mv: _normalize(x, mean, std, max_pixel_value), torch.float32)


def _normalize_per_image(x: Tensor, normalization: str, uint8_path: bool,
                         apply: Tensor | None = None) -> Tensor:
    """albumentations' per-image normalisations. ``uint8_path`` selects its uint8 (lookup-table)
    formulas, which add eps = 1e-4 to every denominator; its float32 (OpenCV) formulas add it
    only for "image" and "min_max_per_channel"."""
    c = x.shape[1]
    per_channel = normalization.endswith("per_channel") and c > 1
    dims = (2, 3) if per_channel else (1, 2, 3)
    if normalization.startswith("image"):
        std, mean = torch.std_mean(x, dim=dims, correction=0, keepdim=True)
        eps = _EPS if (uint8_path or not per_channel) else 0.0
        denom = std + eps if eps else std
    else:
        lo, hi = x.amin(dim=dims, keepdim=True), x.amax(dim=dims, keepdim=True)
        mean = lo
        eps = _EPS if (uint8_path or per_channel) else 0.0
        denom = (hi - lo) + eps if eps else hi - lo
    # 0 / 0 (a constant image or channel with no epsilon) gives 0, as cv2.normalize does
    scale = torch.where(denom > 0, 1.0 / denom.clamp_min(_TINY), 0.0)
    out = (x - mean) * scale
    if not (normalization == "min_max_per_channel" and per_channel):
        out = out.clamp_(-20.0, 20.0)  # albumentations does not clip min_max_per_channel
    return _select(apply, out, x)


def normalize_per_image(image: Tensor, normalization: str) -> Tensor:
    """albumentations' ``Normalize(normalization=...)`` for the per-image modes, float32 out.

    ``"image"``: (x - mean) / (std + 1e-4) over the whole image; ``"image_per_channel"``: per
    channel; ``"min_max"``: (x - min) / (max - min) over the whole image; ``"min_max_per_channel"``:
    per channel. Results are clipped to [-20, 20]. The epsilon follows albumentations' path for
    the input dtype (uint8: every mode; float: "image" and "min_max_per_channel").
    """
    check_choice(normalization, "normalization", NORMALIZATIONS[1:])
    return _run(image, lambda x, b, mv: _normalize_per_image(x, normalization, mv == 255.0),
                torch.float32)


def to_float(image: Tensor, max_value: float | None = None) -> Tensor:
    """albumentations' ``to_float``: uint8 -> float32 divided by ``max_value`` (default 255);
    float images are returned as float32 with their values unchanged."""
    batch, single = as_batch(image)
    if batch.is_floating_point():
        out = batch.to(torch.float32)
    else:
        mv = 255.0 if max_value is None else check_number(max_value, "max_value", low=0.0,
                                                          low_inclusive=False)
        out = batch.to(torch.float32) / mv
    return out[0] if single else out


_FROM_FLOAT = {"uint8": (torch.uint8, 255.0), "uint16": (torch.uint16, 65535.0)}


def _from_float(x: Tensor, scale: float, top: float, apply: Tensor | None = None) -> Tensor:
    """round(x * scale) saturated to [0, top]; skipped samples are truncated as Tensor.to casts."""
    out = torch.round(x * scale).clamp_(0.0, top)  # np.rint: half to even, as albumentations
    if apply is None:
        return out
    return torch.where(apply.reshape(-1, 1, 1, 1), out, torch.trunc(x).clamp_(0.0, top))


def from_float(image: Tensor, dtype: str = "uint8", max_value: float | None = None) -> Tensor:
    """albumentations' ``from_float``: ``rint(img * max_value)`` saturated to ``dtype``.

    Args:
        image: (B, C, H, W) or (C, H, W) float image (a uint8 image is multiplied as it is, as in
            albumentations).
        dtype: "uint8" or "uint16".
        max_value: the multiplier (default: the dtype's maximum).
    """
    check_choice(dtype, "dtype", tuple(_FROM_FLOAT))
    torch_dtype, top = _FROM_FLOAT[dtype]
    scale = top if max_value is None else check_number(max_value, "max_value")
    batch, single = as_batch(image)
    out = _from_float(working(batch), scale, top).to(torch_dtype)
    return out[0] if single else out


# ---------------------------------------------------------------------------------------------
# InvertImg, RandomBrightnessContrast
# ---------------------------------------------------------------------------------------------
def _invert(x: Tensor, max_value: float, apply: Tensor | None = None) -> Tensor:
    if x.dtype == torch.uint8:  # 255 - v is v ^ 255 for 8-bit v
        if apply is None:
            return 255 - x
        return x ^ _col(apply.to(torch.uint8) * 255)
    if apply is None:
        return max_value - x
    # x + s * (max - 2x) with s in {0, 1}: exact for both
    s = _col(apply.to(x.dtype))
    return torch.addcmul(x, s, max_value - 2.0 * x)


def invert(image: Tensor) -> Tensor:
    """albumentations' ``invert``: ``max_value - img`` (255 for uint8, 1 for float)."""
    return _run(image, lambda x, b, mv: _invert(x, mv))


def _safe_brightness_contrast(alpha: Tensor, beta: Tensor, max_value: float):
    """albumentations' get_safe_brightness_contrast_params, per sample (beta in pixel units)."""
    pos = alpha > 0
    beta_pos = beta.clamp(0.0, max_value)
    alpha_pos = torch.minimum(alpha, (max_value - beta_pos) / max_value)
    beta_neg = beta.clamp(max=max_value)
    alpha_neg = torch.maximum(alpha, -beta_neg / max_value)
    return torch.where(pos, alpha_pos, alpha_neg), torch.where(pos, beta_pos, beta_neg)


def _brightness_contrast(x: Tensor, alpha: Tensor, beta: Tensor, max_value: float,
                         brightness_by_max: bool = True, ensure_safe_range: bool = False,
                         apply: Tensor | None = None) -> Tensor:
    """clip(alpha * x + beta_px); beta is a fraction of ``max_value`` (``brightness_by_max``) or
    of the sample's mean pixel value."""
    alpha, beta = _keep(apply, alpha, 1.0), _keep(apply, beta, 0.0)
    if brightness_by_max:
        beta_px = beta * max_value
    else:
        beta_px = beta * x.mean(dim=(1, 2, 3))
    if ensure_safe_range:
        alpha, beta_px = _safe_brightness_contrast(alpha, beta_px, max_value)
    return torch.addcmul(_col(beta_px), _col(alpha), x).clamp_(0.0, max_value)


def brightness_contrast(image: Tensor, alpha, beta, brightness_by_max: bool = True,
                        ensure_safe_range: bool = False) -> Tensor:
    """albumentations' ``RandomBrightnessContrast`` step: ``clip(alpha * img + beta')``.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float.
        alpha: contrast factor (albumentations' ``alpha`` = 1 + contrast draw), number or (B,).
        beta: brightness as a fraction: ``beta' = beta * max_value`` (255 for uint8, 1 for float)
            when ``brightness_by_max``, else ``beta * mean(img)``; number or (B,).
        ensure_safe_range: albumentations' safe-range clamp of alpha and beta'.
    """
    def fn(x, b, mv):
        return _brightness_contrast(x, per_sample(alpha, b, x, "alpha"),
                                    per_sample(beta, b, x, "beta"), mv, brightness_by_max,
                                    ensure_safe_range)
    return _run(image, fn)


# ---------------------------------------------------------------------------------------------
# ColorJitter: brightness, contrast, saturation and hue in a per-sample order
# ---------------------------------------------------------------------------------------------
# Brightness, contrast and saturation are one family of steps,
#     y <- clip(a * y + beta * T),   T = gray(y) (saturation) or mean(gray(y)) (contrast),
# with beta = 1 - a (0 for brightness), so one "linear slot" computes any of them (or the
# identity) per sample: clip(M @ y + v . mean(y)) with a per-sample channel-mixing matrix
# M = a I + sigma beta 1 w^T and vector v = (1 - sigma) beta w (w: cv2's gray weights), one
# batched matrix product over the pixels. Hue is a rotation on OpenCV's HSV cone. A sample
# applies its four steps in its own order; with the hue at position p there are p linear steps
# before it and 3 - p after, so the batch runs three linear slots, the hue, and three linear
# slots, each sample filling the slots it needs and the identity elsewhere. No branch depends on
# data, and every step clips as albumentations does after each of its steps.


def _step_rows(c: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per step id (0 brightness, 1 contrast, 2 saturation, 3 identity/hue) the slot data at
    factor a = 0 and at a = 1; the data is affine in a. Layout per row: M (c * c, row-major),
    V = 1 v^T (c * c: v in every row, so that the shift comes out (c, 1) and the matrix product
    adds it without a broadcast copy), a (1), beta * w (c), sigma (1) -- the last three for the
    elementwise fallback."""
    w = GRAY_WEIGHTS if c == 3 else (1.0,)
    eye = [1.0 if i == j else 0.0 for i in range(c) for j in range(c)]

    def row(step: int, a: float) -> list[float]:
        if step == 3 or (step == 2 and c == 1):  # identity (saturation leaves gray alone)
            return eye + [0.0] * (c * c) + [1.0] + [0.0] * c + [0.0]
        beta = 0.0 if step == 0 else 1.0 - a
        sigma = 1.0 if step == 2 else 0.0
        mix = [a * eye[i * c + j] + sigma * beta * w[j] for i in range(c) for j in range(c)]
        return mix + [(1.0 - sigma) * beta * wj for _ in range(c) for wj in w] + [a] \
            + [beta * wj for wj in w] + [sigma]

    at0 = tuple(itertools.chain.from_iterable(row(s, 0.0) for s in range(4)))
    at1 = tuple(itertools.chain.from_iterable(row(s, 1.0) for s in range(4)))
    return at0, tuple(v1 - v0 for v0, v1 in zip(at0, at1))


_STEPS = {c: _step_rows(c) for c in (1, 3)}


@torch.compiler.assume_constant_result
def _tf32_matmuls() -> bool:
    """Whether CUDA float32 matrix products may run in reduced precision (TF32 / bf16). Read
    outside the traced graph (dynamo cannot trace these flags), as Inductor reads them."""
    matmul = torch.backends.cuda.matmul
    precision = getattr(matmul, "fp32_precision", None)
    if precision is not None:
        return precision not in ("none", "ieee")
    return bool(matmul.allow_tf32) or torch.get_float32_matmul_precision() != "highest"


def _exact_matmul(x: Tensor) -> bool:
    """Whether float32 matrix products on ``x``'s device are full precision (not TF32/bf16)."""
    if x.device.type != "cuda" or x.dtype != torch.float32:
        return True
    return not _tf32_matmuls()


def _slot_table(with_hue: bool) -> tuple[float, ...]:
    """A 4 x 4 x 4 x 4 table, flat, indexed by an order (order[0] first): the step id of each
    linear slot (3 = identity). With hue: 3 slots before it and 3 after; without: the 3 non-hue
    steps in order."""
    rows = []
    for code in range(256):
        order = [(code >> (2 * (3 - i))) & 3 for i in range(4)]
        if sorted(order) != [0, 1, 2, 3]:
            rows.append((3,) * (6 if with_hue else 3))
            continue
        p = order.index(3)
        if with_hue:
            pre = [order[j] if j < p else 3 for j in range(3)]
            post = [order[j + 1] if j + 1 > p else 3 for j in range(3)]
            rows.append(tuple(pre + post))
        else:
            rows.append(tuple(o for o in order if o != 3))
    return tuple(itertools.chain.from_iterable(rows))


_SLOTS = {True: _slot_table(True), False: _slot_table(False)}

# OpenCV's HSV -> RGB sextant offsets n = 5, 3, 1 (R, G, B), plus 1, less 6 (see _hue_channels)
_HUE_N = (0.0, -2.0, -4.0)


def _hue_position(y: Tensor | list[Tensor], spare: Tensor | None = None
                  ) -> tuple[Tensor, Tensor, Tensor]:
    """OpenCV's float RGB -> HSV of (B, 3, H, W) images (or their three (B, 1, H, W) channel
    planes, see ``_jitter_planes``), as (V, chroma, H / 120), each (B, 1, H, W): V = max,
    chroma = max - min (S = chroma / V), H / 120 in [-0.5, 3).

    OpenCV branches on which channel is the maximum (R first, then G, then B): here the
    numerator and the sextant offset of the first maximum are picked per pixel, then
    ``offset + numerator / chroma``. Eager, with exact 0/1 blends of single-channel planes
    (``not_r``, ``not_g``; no argmax, gather or per-pixel ``where`` over the channels, all slow
    on the CPU); on planes (compiled), with selects, which Inductor makes blends (its lerp is
    seven vector ops): the same values. OpenCV's ``H < 0: H += 360`` is left to ``_from_hue``
    (see ``_hue_channels``). ``spare``: a (B, 3, H, W) plane that may be overwritten."""
    if isinstance(y, list):
        r, g, b = y
        hi = torch.maximum(torch.maximum(r, g), b)
        chroma = hi - torch.minimum(torch.minimum(r, g), b)
        is_r, is_g = torch.eq(r, hi), torch.eq(g, hi)
        numerator = torch.where(is_r, g - b, torch.where(is_g, b - r, r - g))
        half = torch.where(is_r, 0.0, torch.where(is_g, 1.0, 2.0))      # sextant / 2: 0 R, 1 G, 2 B
        return hi, chroma, torch.addcdiv(half, numerator, chroma.clamp_min(_TINY), value=0.5)
    r, b = y[:, 0:1], y[:, 2:3]
    # amax / amin over the channels: one kernel each, as fast as two maximum()s on the CPU;
    # planes reused in place where they are ours (fresh large allocations page-fault on the CPU)
    hi, chroma = y.amax(1, keepdim=True), y.amin(1, keepdim=True)
    chroma = torch.sub(hi, chroma, out=chroma)
    # two channels per op: fewer kernels
    if spare is not None:
        not_rg = torch.ne(y[:, 0:2], hi, out=spare[:, 0:2])           # written as float
    else:
        not_rg = torch.ne(y[:, 0:2], hi).to(y.dtype)
    not_r, not_g = not_rg[:, 0:1], not_rg[:, 1:2]
    rg_gb = torch.sub(y[:, 0:2], y[:, 1:3])
    r_g, g_b = rg_gb[:, 0:1], rg_gb[:, 1:2]
    numerator = torch.lerp(b - r, r_g, not_g)                         # G max: b - r; B max: r - g
    numerator = torch.lerp(g_b, numerator, not_r, out=numerator)      # R max: g - b
    half = torch.addcmul(not_r, not_r, not_g,                        # sextant / 2: 0 R, 1 G, 2 B
                         out=not_g if spare is not None else None)
    half = torch.addcdiv(half, numerator, chroma.clamp_min(_TINY), value=0.5, out=half)
    return hi, chroma, half


def _from_hue(value: Tensor, chroma: Tensor, h: Tensor, shift: Tensor | None = None,
              scale: float = 1.0, h_scale: float = 1.0, out: Tensor | None = None,
              planes: bool = False) -> Tensor | list[Tensor]:
    """OpenCV's float HSV -> RGB from V, chroma (V * S) and ``h * h_scale`` sextants (H / 60,
    in [-1, 6]), the hue turned by ``shift * scale`` (B,) sextants: channel = V - chroma * f(k)
    with f(k) = clamp(min(k, 4 - k), 0, 1), k = (n + H / 60) mod 6, n = 5, 3, 1 for R, G, B.
    With t = (k + 1) mod 6, f = clamp(2 - |t - 3|, 0, 1), so channel = (V - 2 chroma)
    + chroma * clamp(|t - 3|, 1, 2). ``out``: a (B, 3, H, W) plane that may be overwritten
    (holds the result). ``planes``: the three channels as (B, 1, H, W) planes."""
    n = _const(_HUE_N, h, shape=(1, 3))
    if shift is not None:
        # n + 1 - 6 taken into (-6, 0] on the (B, 3) offsets, not per pixel (see _hue_channels)
        n = torch.remainder(torch.add(n, shift.reshape(-1, 1), alpha=scale), -6.0)
        # compiled: written out once; inlined, the C++ fmod runs in every pixel of the hue loop
        # (compiled ColorJitter at batch 32: -7 to -12% time)
        n = computed_once(n)
    n = n.reshape(-1, 3, 1, 1)
    if planes:
        return [_hue_channels(value, chroma, h, n[:, i:i + 1], h_scale) for i in range(3)]
    return _hue_channels(value, chroma, h, n, h_scale, out)


def _hue_channels(value: Tensor, chroma: Tensor, h: Tensor, n: Tensor, h_scale: float,
                  out: Tensor | None = None) -> Tensor:
    """``_from_hue`` for the channels whose (B, C, 1, 1) offsets ``n`` = (n + 1) mod 6 - 6, in
    (-6, 0], are given (turn included). With s = n + h * h_scale = t - 6 in (-7, 6],
    |t - 3| = ||s| - 3| for t in [0, 12] and both sides clamp to 2 for t in (-1, 0): no
    per-pixel modulo (a division, 5x a clamp on the CPU; a vector fmod and a division in
    Inductor's code)."""
    t = torch.add(n, h, alpha=h_scale, out=out)
    t = t.abs_().sub_(3.0).abs_().clamp_(1.0, 2.0)
    return torch.addcmul(torch.add(value, chroma, alpha=-2.0), chroma, t, out=t)


def _hue_rotate(y: Tensor | list[Tensor], shift: Tensor, buffers: list[Tensor] | None = None
                ) -> Tensor | list[Tensor]:
    """Rotate the hue of RGB (B, 3, H, W) images (or their channel planes) by ``shift`` (B,)
    turns on OpenCV's HSV cone (S and V kept): cv2 RGB2HSV (float), H += 360 * shift mod 360,
    cv2 HSV2RGB (float). ``buffers``: two planes like ``y`` that may be overwritten (``y`` itself
    may be one; the result is written into the first)."""
    first, second = buffers if buffers is not None else (None, None)
    spare = second if second is not None and second.data_ptr() != y.data_ptr() else None
    value, chroma, half = _hue_position(y, spare)
    return _from_hue(value, chroma, half, shift, 6.0, 2.0, first, planes=isinstance(y, list))


def _color_jitter(x: Tensor, brightness: Tensor, contrast: Tensor, saturation: Tensor,
                  hue: Tensor | None, order: Tensor, max_value: float,
                  apply: Tensor | None = None) -> Tensor:
    """The four ColorJitter steps per sample in ``order`` (B, 4) (0 brightness, 1 contrast,
    2 saturation, 3 hue), each clipped to [0, max_value]. ``hue=None`` skips the hue statically.
    1-channel images: saturation and hue leave them unchanged, as in albumentations."""
    b, c, h, w = x.shape
    _check_channels(x, (1, 3), "ColorJitter")
    with_hue = hue is not None and c == 3
    hue_col = hue if hue is not None else brightness  # any value: step 3's rows ignore it
    factors = stacked_columns([brightness, contrast, saturation, hue_col])    # (B, 4)
    at0, slope = _STEPS[c]
    k = len(at0) // 4
    per_step = torch.addcmul(_const(at0, factors, shape=(1, 4, k)), factors[..., None],
                             _const(slope, factors, shape=(1, 4, k)))         # (B, 4, K)
    n_slots = 6 if with_hue else 3
    table = _const(_SLOTS[with_hue], order, shape=(4, 4, 4, 4, n_slots))
    slots = table[tuple(order.unbind(1))]                                     # (B, slots)
    data = torch.gather(per_step, 1, slots[..., None].expand(b, n_slots, k))  # (B, slots, K)
    if c == 3 and fused.usable(x):  # CUDA: the whole chain in two Triton kernels
        o = 2 * c * c
        return fused.color_jitter(x, data[..., o:o + fused.SLOT_COLUMNS], slots,
                                  hue if with_hue else None, max_value, apply)
    x = planar(x)  # (the Triton kernels read any layout)
    # batched matrix products in eager mode; under torch.compile the elementwise form
    if not _exact_matmul(x) or torch.compiler.is_compiling():
        return _jitter_planes(x, data, hue if with_hue else None, max_value, apply)
    buffers = []  # consecutive linear slots alternate between two outputs (see _from_hue)

    def linear(y: Tensor, j: int) -> Tensor:
        d = data[:, j]
        mix, v = d[:, :c * c].reshape(b, c, c), d[:, c * c:2 * c * c].reshape(b, c, c)
        flat = y.reshape(b, c, h * w)
        shift = torch.bmm(v, flat.mean(2, keepdim=True))                      # (B, c, 1)
        # slot j reads slot j - 1's buffer (or x, or the hue's output); the first two slots
        # allocate the two buffers
        out = buffers[j % 2] if len(buffers) == 2 else None
        if c == 1:  # baddbmm fused a 1 x 1 product with its bias at batch 1 only (AVX-512 Xeon)
            out = torch.mul(flat, mix, out=out).add_(shift)
        else:
            out = torch.baddbmm(shift, mix, flat, out=out)
        if len(buffers) < 2:
            buffers.append(out)
        return out.clamp_(0.0, max_value).reshape(b, c, h, w)

    y = x
    for j in range(3):
        y = linear(y, j)
    if with_hue:
        # y is the first buffer, read into (V, chroma, H) before the turn writes over it
        y = _hue_rotate(y, hue, [b_.view(b, c, h, w) for b_ in buffers] if buffers else None)
        for j in range(3, 6):
            y = linear(y, j)
    # skipped samples: the input itself (a hue turn by 0 is exact only to an ulp)
    return _select(apply, y, x, in_place=bool(buffers))


def _jitter_planes(x: Tensor, data: Tensor, hue: Tensor | None, max_value: float,
                   apply: Tensor | None) -> Tensor:
    """``_color_jitter``'s slots elementwise (what torch.compile gets, and CUDA where TF32
    matmuls would cost up to a quarter level): ``data`` (B, slots, K) the slots' rows, ``hue``
    the turn between slot 2 and slot 3 (None: three slots, no hue); skipped samples keep ``x``.

    The image goes from slot to slot as C separate (B, 1, H, W) channel planes: each slot's
    output planes and the gray sum that the next slot's mean needs then have one shape, and
    Inductor writes them in one loop per slot (a (B, C, H, W) tensor needs a second loop for the
    (B, 1, H, W) reduction: twice the passes)."""
    c = x.shape[1]
    o = 2 * c * c

    def linear(planes: list[Tensor], j: int, joined: Tensor | None = None
               ) -> list[Tensor] | Tensor:
        d = data[:, j, :, None, None, None]
        a, bw, sigma = d[:, o], d[:, o + 1:o + 1 + c], d[:, o + 1 + c]
        mean = _weighted(planes, bw).mean(dim=(2, 3), keepdim=True)
        # sigma is exactly 1 (saturation: blend with beta * gray) or 0 (contrast: with its mean),
        # so t = lerp(mean, gray, sigma) is, bit for bit, the sum below: a second weighted sum
        # that Inductor computes where it is needed instead of storing a gray plane
        t = _weighted(planes, bw * sigma[:, None]) + (1.0 - sigma) * mean
        if joined is not None:
            return torch.addcmul(t, a, joined).clamp_(0.0, max_value)
        return [torch.addcmul(t, a, p).clamp_(0.0, max_value) for p in planes]

    # the last slot runs on the joined image: on planes, the join's loop over the channels
    # would compute every plane's last step for each channel and pick one
    last = 5 if hue is not None else 2
    planes = [x[:, i:i + 1] for i in range(c)]
    for j in range(last):
        if j == 3:  # (with the hue only) the turn between slots 2 and 3
            planes = _hue_rotate(planes, hue)
        planes = linear(planes, j)
    return _select(apply, linear(planes, last, _join(planes)), x)


def _join(planes: list[Tensor]) -> Tensor:
    """(B, 1, H, W) channel planes as one (B, C, H, W) image: a where over the channel index (a
    cat may be given a channels-last buffer, (B, 1, H, W) planes being both layouts, and a
    transposing copy)."""
    if len(planes) == 1:
        return planes[0]
    channel = _const(tuple(range(len(planes))), planes[0], torch.int64, shape=(1, len(planes), 1, 1))
    out = planes[-1]
    for i in range(len(planes) - 2, -1, -1):
        out = torch.where(channel == i, planes[i], out)
    return out


def _weighted(planes: list[Tensor], weights: Tensor) -> Tensor:
    """sum_i planes[i] * weights[:, i] for (B, 1, H, W) planes and (B, C, 1, 1, 1) weights."""
    out = planes[0] * weights[:, 0]
    for i in range(1, len(planes)):
        out = out + planes[i] * weights[:, i]
    return out


def _order_tensor(order, batch: int, like: Tensor) -> Tensor:
    if order is None:
        order = (0, 1, 2, 3)
    if not isinstance(order, Tensor):
        if sorted(order) != [0, 1, 2, 3]:
            raise ValueError(f"order must be a permutation of (0, 1, 2, 3), got {order!r}")
        order = torch.tensor(order, dtype=torch.int64)
    order = order.to(device=like.device, dtype=torch.int64)
    if order.dim() == 1:
        order = order.expand(batch, 4)
    if order.shape != (batch, 4):
        raise ValueError(f"order must have shape (4,) or ({batch}, 4), got {tuple(order.shape)}")
    return order


def color_jitter(image: Tensor, brightness=1.0, contrast=1.0, saturation=1.0, hue=0.0,
                 order=None) -> Tensor:
    """albumentations' ``ColorJitter`` with given factors: the torchvision-style brightness,
    contrast, saturation and hue steps in ``order``, each clipped.

    Args:
        image: (B, 3, H, W) RGB or (B, 1, H, W) gray (saturation and hue leave gray unchanged);
            uint8 or float.
        brightness: factor (x * f), number or (B,).
        contrast: factor (blend with the mean of cv2's gray image), number or (B,).
        saturation: factor (blend with cv2's gray image), number or (B,).
        hue: shift in turns, in [-0.5, 0.5] (OpenCV HSV hue += 360 * hue degrees), number or (B,).
        order: the steps' order, a permutation of (0 brightness, 1 contrast, 2 saturation, 3 hue),
            (4,) or (B, 4); default (0, 1, 2, 3).
    """
    def fn(x, b, mv):
        return _color_jitter(x, per_sample(brightness, b, x, "brightness"),
                             per_sample(contrast, b, x, "contrast"),
                             per_sample(saturation, b, x, "saturation"),
                             per_sample(hue, b, x, "hue"), _order_tensor(order, b, x), mv)
    return _run(image, fn)


def adjust_brightness(image: Tensor, factor) -> Tensor:
    """albumentations' ``adjust_brightness_torchvision``: clip(img * factor)."""
    return color_jitter(image, brightness=factor, order=(0, 1, 2, 3))


def adjust_contrast(image: Tensor, factor) -> Tensor:
    """albumentations' ``adjust_contrast_torchvision``: clip(img * f + mean(gray) * (1 - f))."""
    return color_jitter(image, contrast=factor, order=(1, 0, 2, 3))


def adjust_saturation(image: Tensor, factor) -> Tensor:
    """albumentations' ``adjust_saturation_torchvision``: clip(img * f + gray * (1 - f))."""
    return color_jitter(image, saturation=factor, order=(2, 0, 1, 3))


def adjust_hue(image: Tensor, factor) -> Tensor:
    """albumentations' ``adjust_hue_torchvision``: OpenCV HSV hue += 360 * factor degrees (RGB)."""
    def fn(x, b, mv):
        _check_channels(x, (1, 3), "adjust_hue")
        if x.shape[1] == 1:
            return x
        return _hue_rotate(x, per_sample(factor, b, x, "factor"))
    return _run(image, fn)


def rgb_to_gray(image: Tensor) -> Tensor:
    """``cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)``: (B, 3, H, W) -> (B, 1, H, W)."""
    def fn(x, b, mv):
        _check_channels(x, (3,), "rgb_to_gray")
        return _gray(x)
    return _run(image, fn)


# ---------------------------------------------------------------------------------------------
# HueSaturationValue, RandomGamma, RGBShift, ChannelShuffle, Solarize, Posterize
# ---------------------------------------------------------------------------------------------
# cv2.COLOR_RGB2HSV for 8-bit images: fixed-point division tables (hsv_shift = 12)
_SDIV = (0,) + tuple(round((255 << 12) / i) for i in range(1, 256))
_HDIV = (0,) + tuple(round((180 << 12) / (6.0 * i)) for i in range(1, 256))


def _rgb_to_hsv8(q: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """cv2.cvtColor(img, cv2.COLOR_RGB2HSV) for 8-bit images, bit-exact: (B, 3, H, W) levels
    (any dtype holding them) -> H in [0, 180), S, V in [0, 255], each (B, 1, H, W) int32 (the
    fixed-point products stay below 2**31)."""
    q = q.to(torch.int32)
    r, g, b = q[:, 0:1], q[:, 1:2], q[:, 2:3]
    v = q.amax(1, keepdim=True)
    diff = v - q.amin(1, keepdim=True)

    def table(values, index):  # index_select takes int32 indices (advanced indexing may not)
        return _const(values, q).index_select(0, index.reshape(-1)).view_as(index)

    s = (diff * table(_SDIV, v)).add_(2048)
    s >>= 12
    h = torch.where(v == r, g - b, torch.where(v == g, (b - r).add_(diff, alpha=2),
                                               (r - g).add_(diff, alpha=4)))
    h = h.mul_(table(_HDIV, diff)).add_(2048)
    h >>= 12
    return h.add_((h < 0).to(torch.int32), alpha=180), s, v


def _shift_hsv(x: Tensor, hue_shift: Tensor, sat_shift: Tensor, val_shift: Tensor,
               max_value: float, apply: Tensor | None = None) -> Tensor:
    """albumentations' shift_hsv: OpenCV's 8-bit HSV (bit-exact; float images through
    rint(x * 255) levels, as albumentations' uint8_io), H += floor(hue_shift) mod 180,
    S += trunc(sat_shift) (S = 0 stays 0), V += trunc(val_shift), saturated; back to RGB with
    OpenCV's float HSV formulas, rounded once (OpenCV truncates or rounds there, depending on
    the pixel's position in its SIMD loop: at most one level apart). Gray images: V only.
    Samples whose three shifts are all 0 are returned unchanged, as albumentations does."""
    x = planar(x)
    c = _check_channels(x, (1, 3), "HueSaturationValue")
    levels = _to_levels(x, max_value)
    moved = (hue_shift != 0) | (sat_shift != 0) | (val_shift != 0)
    keep = moved if apply is None else apply & moved
    val = _col(torch.trunc(val_shift))
    if c == 1:
        out = (levels + val).clamp_(0.0, 255.0)
    else:
        h, s, v = _rgb_to_hsv8(levels)
        h = torch.remainder(h + _col(torch.floor(hue_shift)).to(torch.int32), 180)
        sat = _col(torch.trunc(sat_shift)).to(torch.int32)
        s = (s + sat).clamp_(0, 255).mul_((s != 0).to(torch.int32))  # S = 0 stays 0
        dtype = x.dtype if x.is_floating_point() else torch.float32
        value = (v.to(dtype) + val).clamp_(0.0, 255.0)
        out = _from_hue(value, value * s.to(dtype) * (1.0 / 255.0), h.to(dtype), h_scale=1.0 / 30.0)
    if max_value != 255.0:
        out = out.mul_(max_value / 255.0)
    return _select(keep, out, x, in_place=True)  # out is ours


def shift_hsv(image: Tensor, hue_shift, sat_shift, val_shift) -> Tensor:
    """albumentations' ``shift_hsv`` (HueSaturationValue's step), in OpenCV's 8-bit HSV units.

    Args:
        image: (B, 3, H, W) RGB or (B, 1, H, W) gray, uint8 or float.
        hue_shift: in OpenCV's 8-bit hue units (2 degrees), number or (B,); applied as whole
            units (floored), as albumentations' lookup table does.
        sat_shift: in levels of 1/255 of saturation, number or (B,); whole levels (truncated).
        val_shift: in levels of 1/255 of value, number or (B,); whole levels (truncated).
    """
    def fn(x, b, mv):
        return _shift_hsv(x, per_sample(hue_shift, b, x, "hue_shift"),
                          per_sample(sat_shift, b, x, "sat_shift"),
                          per_sample(val_shift, b, x, "val_shift"), mv)
    return _run(image, fn)


_LEVELS = tuple(float(i) for i in range(256))


def _look_up(levels: Tensor, table: Tensor) -> Tensor:
    """uint8 (B, C, H, W) images through per-sample (B, 256) tables, in either memory layout;
    the result has the table's dtype."""
    rows = pixel_rows(levels)  # channels-last: read in memory order
    flat = (levels if rows is None else rows).reshape(levels.shape[0], -1)
    out = torch.gather(table, 1, flat.to(torch.int64))
    return out.view(levels.shape) if rows is None else from_pixel_rows(out.view(rows.shape),
                                                                          levels.shape)


def _gamma(x: Tensor, gamma: Tensor, max_value: float, apply: Tensor | None = None) -> Tensor:
    """(x / max) ** gamma * max (negative inputs are treated as 0). uint8 images: the float
    results of the 256 levels, looked up (the same values; five float passes become an index
    and a gather: RandomGamma at batch 32, 224 px 11.9 -> 9.3 ms on the CPU)."""
    if x.dtype == torch.uint8:
        levels = _const(_LEVELS, x, torch.float32, shape=(1, 1, 1, 256))
        return _look_up(x, _gamma(levels, gamma, max_value, apply).reshape(-1, 256))
    g = _col(_keep(apply, gamma, 1.0))
    if max_value == 1.0:
        return torch.pow(x.clamp_min(0.0), g)
    return torch.pow(x.clamp_min(0.0) * (1.0 / max_value), g).mul_(max_value)


def gamma_transform(image: Tensor, gamma) -> Tensor:
    """albumentations' ``gamma_transform``: ``(img / max) ** gamma * max`` (gamma a number or
    a (B,) tensor)."""
    return _run(image, lambda x, b, mv: _gamma(x, per_sample(gamma, b, x, "gamma"), mv))


def _shift_rgb(x: Tensor, shift: Tensor, max_value: float, apply: Tensor | None = None) -> Tensor:
    """x + shift[:, c] * max_value per channel, saturated; ``shift`` (B, 3) as fractions of the
    full intensity (r, g, b; images with fewer channels use the first ones).

    Images of 8-bit levels (``max_value`` 255) move by whole levels, the shift truncated toward
    zero, as albumentations' float shift added to a uint8 image; uint8 tensors are then shifted
    in int16, exactly (batch 32, 224 px on the CPU: 1.7 ms against 11.9 through float)."""
    c = x.shape[1]
    if c > 3:
        raise ValueError(f"RGBShift shifts at most 3 channels (r, g, b), got {c} channels")
    shift = _keep(apply, shift, 0.0)[:, :c, None, None]
    if max_value == 255.0:
        shift = torch.trunc(shift * 255.0)  # (v / 255 * 255 is v again in float32, v <= 255)
        if x.dtype == torch.uint8:
            shift = shift.to(torch.int16)
    elif max_value != 1.0:
        shift = shift * max_value
    rows = pixel_rows(x)
    if rows is not None:
        out = from_pixel_rows(torch.add(rows, along_rows(shift, x.shape[-1])), x.shape)
    else:
        out = torch.add(x, shift)
    if x.dtype == torch.uint8:
        return out.clamp_(0, 255).to(torch.uint8)
    return out.clamp_(0.0, max_value)


def shift_rgb(image: Tensor, r_shift, g_shift, b_shift) -> Tensor:
    """albumentations' RGBShift step: add a constant per channel, saturated. Shifts are in the
    image's own units (levels for uint8, fractions for float), numbers or (B,) tensors."""
    def fn(x, b, mv):
        shift = torch.stack([per_sample(v, b, x, n) for v, n in
                             ((r_shift, "r_shift"), (g_shift, "g_shift"), (b_shift, "b_shift"))], 1)
        return _shift_rgb(x, shift / mv, mv)
    return _run(image, fn)


def _pixel_starts(w: int, c: int, device) -> Tensor:
    """(1, 1, W * C): the row position of each entry's pixel, c * (j // c) (made once)."""
    return constants.cached(("pixel_starts", w, c, torch.device(device)), lambda: (
        torch.arange(0, w * c, c, device=device).view(1, 1, w, 1).expand(1, 1, w, c)
        .reshape(1, 1, w * c)))


def _channel_shuffle(x: Tensor, permutation: Tensor, apply: Tensor | None = None) -> Tensor:
    """Output channel i = input channel permutation[:, i]; ``permutation`` (B, C) int64."""
    b, c = x.shape[:2]
    if permutation.shape[-1] != c:
        raise ValueError(f"channels_shuffled has {permutation.shape[-1]} entries but the image "
                         f"has {c} channels")
    if apply is not None:
        permutation = torch.where(apply[:, None], permutation,
                                  _const(tuple(range(c)), permutation))
    pixels = pixel_rows(x, compiled=True)
    if pixels is not None:  # channels-last: a gather along the rows of interleaved pixels
        w = x.shape[-1]
        index = along_rows(permutation.view(b, c, 1, 1), w) + _pixel_starts(w, c, x.device)
        return from_pixel_rows(torch.gather(pixels, 2, index.expand_as(pixels)), x.shape)
    # whole channel planes copied by index_select over (B * C) rows: a gather along the channels
    # reads pixel by pixel (on the CPU 30x slower: 10 ms against 0.3 for uint8, batch 32, 224 px)
    rows = torch.add(permutation, constants.arange(0, b, x.device).view(b, 1), alpha=c)
    return x.reshape(b * c, -1).index_select(0, rows.reshape(-1)).view(x.shape)


def channel_shuffle(image: Tensor, permutation) -> Tensor:
    """albumentations' ``channel_shuffle``: channel i of the output is channel permutation[i]
    of the input; ``permutation`` a sequence (C,) or a (B, C) tensor."""
    batch, single = as_batch(image)
    perm = torch.as_tensor(permutation, dtype=torch.int64, device=batch.device)
    if perm.dim() == 1:
        perm = perm.expand(batch.shape[0], -1)
    out = _channel_shuffle(batch, perm)
    return out[0] if single else out


def _solarize(x: Tensor, threshold: Tensor, max_value: float,
              apply: Tensor | None = None) -> Tensor:
    """max - x where x >= threshold * max, else x (threshold a fraction of the full intensity)."""
    thr = _col(_keep(apply, threshold, math.inf) * max_value)
    if x.dtype == torch.uint8:  # x >= t is x >= ceil(t) for whole x; 255 - x is x ^ 255
        level = torch.ceil(thr).clamp_(0, 256).to(torch.int16)
        return x ^ (x >= level).to(torch.uint8).mul_(255)
    return torch.where(x >= thr, max_value - x, x)


def solarize(image: Tensor, threshold) -> Tensor:
    """albumentations' ``solarize``: invert pixels at or above ``threshold * max`` (threshold in
    [0, 1], number or (B,))."""
    return _run(image, lambda x, b, mv: _solarize(x, per_sample(threshold, b, x, "threshold"), mv))


_POSTERIZE_STEPS = tuple(float(2 ** (8 - b)) for b in range(9))  # num_bits 0..8 -> step


def _posterize(x: Tensor, num_bits: Tensor, max_value: float,
               apply: Tensor | None = None) -> Tensor:
    """Keep the ``num_bits`` high bits of each 8-bit value (float images through rint(x * 255)
    and back, as albumentations' uint8_io). ``num_bits`` (B,) or (B, C) int64 in [0, 8]."""
    c = x.shape[1]
    bits = num_bits if num_bits.dim() == 2 else num_bits[:, None]
    if bits.shape[1] not in (1, c):
        raise ValueError(f"num_bits has {bits.shape[1]} values per sample but the image has "
                         f"{c} channels")
    uint8 = max_value == 255.0
    if uint8:
        bits = _keep(apply, bits, 8)
    if x.dtype == torch.uint8:  # the high bits kept by a mask: 256 - step
        mask = 256 - _const(_POSTERIZE_STEPS, x, torch.int64)[bits.clamp(0, 8)]
        return x & mask.to(torch.uint8)[..., None, None]
    step = _const(_POSTERIZE_STEPS, x)[bits.clamp(0, 8)][..., None, None]
    x8 = x if uint8 else torch.round(x * 255.0).clamp_(0.0, 255.0)
    out = torch.floor(x8 / step).mul_(step)
    if uint8:
        return out
    return _select(apply, out.div_(255.0), x)


def posterize(image: Tensor, num_bits) -> Tensor:
    """albumentations' ``posterize``: keep ``num_bits`` bits per 8-bit value; num_bits an int,
    a (B,) tensor, or a (B, C) tensor (per channel)."""
    def fn(x, b, mv):
        bits = torch.as_tensor(num_bits, dtype=torch.int64, device=x.device)
        if bits.dim() == 0:
            bits = bits.expand(b)
        elif bits.dim() == 1 and bits.shape[0] != b:
            bits = bits[None].expand(b, -1)
        return _posterize(x, bits, mv)
    return _run(image, fn)


# ---------------------------------------------------------------------------------------------
# CIE Lab (OpenCV's float formulas, sRGB D65) and ToGray
# ---------------------------------------------------------------------------------------------
_RGB2XYZ = (0.412453, 0.357580, 0.180423, 0.212671, 0.715160, 0.072169,
             0.019334, 0.119193, 0.950227)
_XYZ2RGB = (3.240479, -1.53715, -0.498535, -0.969256, 1.875991, 0.041556,
            0.055648, -0.204043, 1.057311)
_WHITE = (0.950456, 1.0, 1.088754)
_LAB_T = 0.008856
_LAB_K = 903.3


def _linear_to_srgb(v: Tensor) -> Tensor:
    v = v.clamp(0.0, 1.0)
    return torch.where(v <= 0.0031308, v * 12.92, 1.055 * torch.pow(v, 1.0 / 2.4) - 0.055)


def _mix3(v: Tensor, matrix: tuple[float, ...]) -> Tensor:
    """Per-pixel 3x3 colour matrix on (B, 3, H, W), elementwise (no TF32 matmul)."""
    m = _const(matrix, v, shape=(3, 3, 1, 1))
    return (v[:, None] * m).sum(2)


def _lab_to_rgb(lum: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """cv2.COLOR_Lab2RGB (float): -> RGB in [0, 1], (B, 3, H, W)."""
    low = lum <= _LAB_T * _LAB_K
    y = torch.where(low, lum / _LAB_K, torch.pow((lum + 16.0) / 116.0, 3.0))
    fy = torch.where(low, 7.787 * y + 16.0 / 116.0, (lum + 16.0) / 116.0)
    fxz = torch.cat([fy + a / 500.0, fy - b / 200.0], 1)
    xz = torch.where(fxz > 7.787 * _LAB_T + 16.0 / 116.0, torch.pow(fxz, 3.0),
                     (fxz - 16.0 / 116.0) / 7.787)
    xyz = torch.cat([xz[:, 0:1], y, xz[:, 1:2]], 1) * _const(_WHITE, lum, shape=(1, 3, 1, 1))
    return _linear_to_srgb(_mix3(xyz, _XYZ2RGB))


def _lab8_tables() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """OpenCV's 8-bit RGB -> Lab tables: the sRGB gamma table (12-bit), the cube-root table
    (15-bit) and the 12-bit RGB -> XYZ matrix pre-divided by the D65 white point."""
    import numpy as np

    i = np.arange(256, dtype=np.float64) / 255.0
    gamma = np.where(i <= 0.04045, i / 12.92, ((i + 0.055) / 1.055) ** 2.4)
    gamma_tab = np.round(255.0 * 8 * gamma).astype(np.int64)
    j = np.arange(3072, dtype=np.float64) / (255.0 * 8)
    cbrt_tab = np.round(32768 * np.where(j < _LAB_T, j * 7.787 + 16.0 / 116.0, np.cbrt(j)))
    matrix = np.round(4096 * np.array(_RGB2XYZ).reshape(3, 3) / np.array(_WHITE)[:, None])
    return (tuple(gamma_tab.tolist()), tuple(cbrt_tab.astype(np.int64).tolist()),
            tuple(matrix.astype(np.int64).reshape(-1).tolist()))


_LAB8 = _lab8_tables()


def _rgb_to_lab8(levels: Tensor, luminance_only: bool = False) -> Tensor:
    """cv2.cvtColor(img, cv2.COLOR_RGB2Lab) for 8-bit images, in OpenCV's fixed point (L is
    bit-exact; a and b within one level): integral float levels (B, 3, H, W) -> int64 (B, 3 or
    1, H, W) holding L * 255 / 100, a + 128, b + 128."""
    gamma_tab, cbrt_tab, matrix = _LAB8
    lin = _const(gamma_tab, levels, torch.int64)[levels.to(torch.int64)]      # (B, 3, H, W)
    rows = slice(1, 2) if luminance_only else slice(0, 3)
    m = _const(matrix, levels, torch.int64, shape=(3, 3, 1, 1))[rows]
    xyz = ((lin[:, None] * m).sum(2) + 2048) >> 12
    f = _const(cbrt_tab, levels, torch.int64)[xyz]
    fy = f[:, 0:1] if luminance_only else f[:, 1:2]
    lum = (296 * fy - 1336934 + 16384) >> 15                     # (116 * 255 + 50) // 100 = 296
    if luminance_only:
        return lum.clamp_(0, 255)
    a = (500 * (f[:, 0:1] - fy) + (128 << 15) + 16384) >> 15
    b = (200 * (fy - f[:, 2:3]) + (128 << 15) + 16384) >> 15
    return torch.cat([lum, a, b], 1).clamp_(0, 255)


TO_GRAY_METHODS = ("weighted_average", "from_lab", "desaturation", "average", "max", "pca")


def _pca_gray(x: Tensor) -> Tensor:
    """The image's first principal component (over pixels, channels as features), min-max
    scaled to [0, 1]; the component is oriented to a positive channel sum."""
    b, c, h, w = x.shape
    flat = x.reshape(b, c, h * w).to(torch.float64)
    centred = flat - flat.mean(2, keepdim=True)
    cov = torch.bmm(centred, centred.transpose(1, 2)) / (h * w)         # float64: no TF32
    v = _principal_vector(cov) if c == 3 else _power_vector(cov)
    proj = torch.bmm(v[:, None, :], centred).reshape(b, 1, h, w)
    lo, hi = proj.amin(dim=(2, 3), keepdim=True), proj.amax(dim=(2, 3), keepdim=True)
    span = hi - lo
    out = torch.where(span > 0, (proj - lo) / span.clamp_min(1e-300), 0.0)
    return out.to(x.dtype)


def _principal_vector(a: Tensor) -> Tensor:
    """Unit eigenvector of the largest eigenvalue of symmetric (B, 3, 3) float64 matrices, in
    closed form (trigonometric eigenvalues, cross products of rows), sign: positive sum."""
    eye = torch.eye(3, dtype=a.dtype, device=a.device)
    q = a.diagonal(dim1=1, dim2=2).sum(-1) / 3.0
    off = a[:, 0, 1] ** 2 + a[:, 0, 2] ** 2 + a[:, 1, 2] ** 2
    dev = a - q[:, None, None] * eye
    p = torch.sqrt((dev.diagonal(dim1=1, dim2=2) ** 2).sum(-1) + 2.0 * off) / math.sqrt(6.0)
    bm = dev / p.clamp_min(1e-300)[:, None, None]
    r = (_det3(bm) / 2.0).clamp(-1.0, 1.0)
    lam = q + 2.0 * p * torch.cos(torch.acos(r) / 3.0)
    rows = a - lam[:, None, None] * eye
    crosses = torch.stack([torch.linalg.cross(rows[:, 0], rows[:, 1]),
                           torch.linalg.cross(rows[:, 0], rows[:, 2]),
                           torch.linalg.cross(rows[:, 1], rows[:, 2])], 1)      # (B, 3, 3)
    norms = crosses.norm(dim=2)
    best = norms.argmax(1)
    v = torch.gather(crosses, 1, best[:, None, None].expand(-1, 1, 3))[:, 0]
    norm = torch.gather(norms, 1, best[:, None])
    fallback = _const((1.0, 1.0, 1.0), v) / math.sqrt(3.0)
    v = torch.where(norm > 1e-12 * (lam.abs()[:, None] ** 2 + 1e-300), v / norm.clamp_min(1e-300),
                    fallback)
    return v * torch.where(v.sum(1, keepdim=True) < 0, -1.0, 1.0)


def _det3(m: Tensor) -> Tensor:
    return (m[:, 0, 0] * (m[:, 1, 1] * m[:, 2, 2] - m[:, 1, 2] * m[:, 2, 1])
            - m[:, 0, 1] * (m[:, 1, 0] * m[:, 2, 2] - m[:, 1, 2] * m[:, 2, 0])
            + m[:, 0, 2] * (m[:, 1, 0] * m[:, 2, 1] - m[:, 1, 1] * m[:, 2, 0]))


def _power_vector(a: Tensor, squarings: int = 12) -> Tensor:
    """Principal eigenvector of symmetric PSD (B, C, C) float64 matrices for any C: repeated
    squaring (A^(2^12)), then the column of largest norm; sign: positive sum."""
    m = a / a.diagonal(dim1=1, dim2=2).sum(-1).clamp_min(1e-300)[:, None, None]
    for _ in range(squarings):
        m = torch.bmm(m, m)
        m = m / m.diagonal(dim1=1, dim2=2).sum(-1).clamp_min(1e-300)[:, None, None]
    norms = m.norm(dim=1)
    best = norms.argmax(1)
    v = torch.gather(m, 2, best[:, None, None].expand(-1, m.shape[1], 1))[..., 0]
    v = v / v.norm(dim=1, keepdim=True).clamp_min(1e-300)
    return v * torch.where(v.sum(1, keepdim=True) < 0, -1.0, 1.0)


def _to_gray(x: Tensor, method: str, num_output_channels: int, max_value: float,
             apply: Tensor | None = None) -> Tensor:
    """albumentations' to_gray, float: one gray channel repeated ``num_output_channels`` times.
    1-channel images are returned unchanged (as albumentations does). uint8 images give the
    float result (the weighted average reads their planes as they are)."""
    c = x.shape[1]
    if c == 1:
        return x
    if x.dtype == torch.uint8 and method != "weighted_average":
        x = working(x)  # (the uint8 kernel computes the weighted average only)
    if method in ("weighted_average", "from_lab"):
        _check_channels(x, (3,), f"ToGray(method={method!r})")
    if method == "weighted_average":
        gray = _gray(x)
    elif method == "from_lab":   # albumentations: L of the 8-bit Lab (float images via rint)
        gray = _rgb_to_lab8(_to_levels(x, max_value), luminance_only=True).to(x.dtype)
        gray = gray if max_value == 255.0 else gray / (255.0 / max_value)
    elif method == "desaturation":
        # (not aminmax: over the channels it is ~10x slower than amin and amax on the CPU)
        lo, hi = x.amin(1, keepdim=True), x.amax(1, keepdim=True)
        gray = (lo + hi) * 0.5
    elif method == "average":
        gray = x.mean(1, keepdim=True)
    elif method == "max":
        gray = x.amax(1, keepdim=True)
    else:
        gray = _pca_gray(x) * max_value
    if apply is not None:
        if num_output_channels != c:
            raise ValueError(f"ToGray(num_output_channels={num_output_channels}) on {c}-channel "
                             "images changes the channel count, so every sample must be "
                             "converted: use p=1 (skipped samples would keep their channels)")
        return _select(apply, gray, x)  # the gray plane broadcast over the channels: no repeat
    if num_output_channels == 1:
        return gray
    if x.dtype == torch.uint8:  # still 8-bit: rounding at the end copies it out anyway
        return gray.expand(-1, num_output_channels, -1, -1)
    return gray.repeat(1, num_output_channels, 1, 1)


def to_gray(image: Tensor, num_output_channels: int = 3,
            method: str = "weighted_average") -> Tensor:
    """albumentations' ``to_gray``: (B, C, H, W) -> (B, num_output_channels, H, W).

    Methods: "weighted_average" (cv2.COLOR_RGB2GRAY), "from_lab" (L of cv2.COLOR_RGB2Lab),
    "desaturation" ((max + min) / 2), "average", "max", "pca" (first principal component,
    min-max scaled; oriented to a positive channel sum). The first two need RGB.
    """
    check_choice(method, "method", TO_GRAY_METHODS)
    return _run(image, lambda x, b, mv: _to_gray(x, method, num_output_channels, mv))


# ---------------------------------------------------------------------------------------------
# Equalize and CLAHE (8-bit histograms per sample: scatter_add into fixed-size buffers)
# ---------------------------------------------------------------------------------------------
EQUALIZE_MODES = ("cv", "pil")


def _to_levels(x: Tensor, max_value: float) -> Tensor:
    """The 8-bit levels an image holds, as float (float images through rint(x * 255), as
    albumentations' uint8_io)."""
    if max_value == 255.0:
        return x
    return torch.round(x * 255.0).clamp_(0.0, 255.0)


def _histograms(levels: Tensor, weights: Tensor | None = None) -> Tensor:
    """256-bin histograms of integral float levels (B, K, H, W) -> (B, K, 256) int64."""
    b, k = levels.shape[:2]
    index = levels.reshape(b * k, -1).to(torch.int64)
    hist = torch.zeros(b * k, 256, dtype=torch.int64, device=levels.device)
    src = (torch.ones_like(index) if weights is None
           else weights.expand(levels.shape).reshape(b * k, -1).to(torch.int64))
    return hist.scatter_add_(1, index, src).reshape(b, k, 256)


def _ycrcb_y(r: Tensor, g: Tensor, b: Tensor) -> Tensor:
    """OpenCV's 8-bit RGB -> Y (fixed point, 14 bits), int64."""
    return (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14


def _equalize_luts(hist: Tensor, mode: str, masked: bool) -> Tensor:
    """(B, K, 256) int64 histograms -> (B, K, 256) float LUTs (cv2.equalizeHist or
    albumentations' PIL-style rule); an image with one level (or none) is left unchanged."""
    cum = hist.cumsum(-1)
    total = cum[..., -1:]
    identity = torch.arange(256, device=hist.device, dtype=torch.float64)
    if mode == "cv":
        first = (cum == 0).sum(-1, keepdim=True).clamp_max(255)      # first occupied level
        at_first = torch.gather(hist, -1, first)
        denom = total - at_first
        if masked:   # albumentations' numpy rule: float64 scale, round half to even
            scale = 255.0 / denom.clamp_min(1).to(torch.float64)
            lut = torch.round((cum - at_first).to(torch.float64) * scale)
        else:        # cv2.equalizeHist: float32 scale and product, cvRound
            scale = 255.0 / denom.clamp_min(1).to(torch.float32)
            lut = torch.round((cum - at_first).to(torch.float32) * scale).to(torch.float64)
        lut = lut.clamp_(0.0, 255.0)
        return torch.where(denom > 0, lut, identity)
    # "pil": step = (pixels outside the last occupied level) // 255
    last = (cum < total).sum(-1, keepdim=True).clamp_max(255)
    step = (total - torch.gather(hist, -1, last)) // 255
    lut = ((cum + step // 2) // step.clamp_min(1)).clamp_max(255).to(torch.float64)
    keep = (step > 0) & ((hist > 0).sum(-1, keepdim=True) > 1)
    return torch.where(keep, lut, identity)


def _apply_lut(lut: Tensor, levels: Tensor) -> Tensor:
    """lut (B, K, 256) at integral float levels (B, K, H, W)."""
    b, k, h, w = levels.shape
    index = levels.reshape(b, k, h * w).to(torch.int64)
    return torch.gather(lut.to(levels.dtype), 2, index).reshape(b, k, h, w)


def _equalize(x: Tensor, mode: str = "cv", by_channels: bool = True, mask: Tensor | None = None,
              max_value: float = 255.0, apply: Tensor | None = None) -> Tensor:
    """albumentations' equalize on 8-bit levels. ``mask`` (B or 1, 1 or C, H, W): pixels that
    count in the histogram (nonzero); the LUT applies to every pixel."""
    x = planar(x)
    c = _check_channels(x, (1, 3), "Equalize")
    levels = _to_levels(x, max_value)
    weights = None if mask is None else (mask != 0)
    if c == 1 or by_channels:
        if weights is not None and weights.shape[1] not in (1, c):
            raise ValueError(f"Equalize mask has {weights.shape[1]} channels, the image {c}")
        lut = _equalize_luts(_histograms(levels, weights), mode, mask is not None)
        out = _apply_lut(lut, levels)
    else:
        if weights is not None and weights.shape[1] != 1:
            raise ValueError("Equalize(by_channels=False) takes a 1-channel mask, got "
                             f"{weights.shape[1]} channels")
        q = levels.to(torch.int64)
        r, g, b = q[:, 0:1], q[:, 1:2], q[:, 2:3]
        y = _ycrcb_y(r, g, b)                                      # cv2.COLOR_RGB2YCrCb, 8-bit
        cr = ((r - y) * 11682 + (128 << 14) + 8192) >> 14
        cb = ((b - y) * 9241 + (128 << 14) + 8192) >> 14
        lut = _equalize_luts(_histograms(y.to(x.dtype), weights), mode, mask is not None)
        y2 = _apply_lut(lut, y.to(x.dtype)).to(torch.int64)
        cr, cb = cr.clamp(0, 255) - 128, cb.clamp(0, 255) - 128   # cv2.COLOR_YCrCb2RGB
        out = torch.cat([y2 + ((cr * 22987 + 8192) >> 14),
                         y2 + ((cb * -5636 + cr * -11698 + 8192) >> 14),
                         y2 + ((cb * 29049 + 8192) >> 14)], 1).clamp_(0, 255).to(x.dtype)
    if max_value != 255.0:
        out = out / 255.0
    return _select(apply, out, x)


def equalize(image: Tensor, mode: str = "cv", by_channels: bool = True,
             mask: Tensor | None = None) -> Tensor:
    """albumentations' ``equalize``: histogram equalisation per channel (``by_channels``) or of
    the Y channel of cv2's YCrCb; ``mode`` "cv" (cv2.equalizeHist) or "pil".

    Args:
        image: (B, C, H, W) or (C, H, W) with 1 or 3 channels, uint8 or float (float images are
            equalised on rint(x * 255) levels and returned / 255, as albumentations does).
        mask: optional (H, W), (B, H, W) or (B, 1 or C, H, W): nonzero pixels build the histogram.
    """
    check_choice(mode, "mode", EQUALIZE_MODES)

    def fn(x, b, mv):
        return _equalize(x, mode, by_channels, _mask_batch(mask, x), mv)
    return _run(image, fn)


def _mask_batch(mask, x: Tensor) -> Tensor | None:
    """(H, W) / (H, W, C) numpy (albumentations' layout) / (B, H, W) / (B, K, H, W) -> 4-d."""
    if mask is None:
        return None
    m = torch.as_tensor(mask, device=x.device)
    h, w = x.shape[-2:]
    if m.dim() == 2:
        m = m[None, None]
    elif m.dim() == 3 and tuple(m.shape[:2]) == (h, w) and m.shape[2] != w:
        m = m.permute(2, 0, 1)[None]
    elif m.dim() == 3:
        m = m[:, None]
    if m.dim() != 4 or tuple(m.shape[-2:]) != (h, w):
        raise ValueError(f"the Equalize mask must cover the image ({h}, {w}), got shape "
                         f"{tuple(torch.as_tensor(mask).shape)}")
    return m


def _clahe_tables(size: tuple[int, int], grid: tuple[int, int], like: Tensor) -> dict:
    """Static tables of cv2.CLAHE for an image size (cached): the reflect_101-padded LUT source
    rows / columns and the tile of each of its pixels; per output pixel its two tile rows /
    columns and interpolation weights, float32 computed as OpenCV computes them."""
    return constants.cached(("clahe", tuple(size), tuple(grid), like.device),
                            lambda: _make_clahe_tables(tuple(size), tuple(grid), like.device))


@torch.compiler.assume_constant_result  # numpy at trace time, its tables graph constants
def _make_clahe_tables(size: tuple[int, int], grid: tuple[int, int], device: torch.device) -> dict:
    import numpy as np

    h, w = size
    ty, tx = grid
    ph = h if h % ty == 0 else h + ty - h % ty
    pw = w if w % tx == 0 else w + tx - w % tx
    th, tw = ph // ty, pw // tx

    def fold(i: int, n: int) -> int:  # BORDER_REFLECT_101 (padding below / right only)
        if n == 1:
            return 0
        period = 2 * n - 2
        i %= period
        return i if i < n else period - i

    def axis(n: int, tsize: int, tiles: int):
        inv = np.float32(1.0) / np.float32(tsize)
        pos = np.arange(n, dtype=np.float32) * inv - np.float32(0.5)
        t1 = np.floor(pos).astype(np.int64)
        frac = (pos - t1.astype(np.float32)).astype(np.float32)
        return np.maximum(t1, 0), np.minimum(t1 + 1, tiles - 1), frac, np.float32(1.0) - frac

    y1, y2, ya, ya1 = axis(h, th, ty)
    x1, x2, xa, xa1 = axis(w, tw, tx)
    tile = (np.arange(ph)[:, None] // th) * tx + np.arange(pw)[None, :] // tw

    def put(a, dtype, shape=None):
        t = torch.from_numpy(np.ascontiguousarray(a)).to(dtype)
        return (t if shape is None else t.reshape(shape)).to(device)

    i64, f32 = torch.int64, torch.float32
    out = dict(rows=put(np.array([fold(i, h) for i in range(ph)]), i64),
               cols=put(np.array([fold(i, w) for i in range(pw)]), i64),
               tile=put(tile, i64, (1, ph * pw)),
               y1=put(y1, i64, (h, 1)), y2=put(y2, i64, (h, 1)),
               x1=put(x1, i64, (1, w)), x2=put(x2, i64, (1, w)),
               ya=put(ya, f32, (h, 1)), ya1=put(ya1, f32, (h, 1)),
               xa=put(xa, f32, (1, w)), xa1=put(xa1, f32, (1, w)),
               tile_area=th * tw, tiles=ty * tx, tx=tx,
               scale=float(np.float32(255.0) / np.float32(th * tw)))
    return out


def _clahe_levels(levels: Tensor, clip_limit: Tensor, grid: tuple[int, int]) -> Tensor:
    """cv2.createCLAHE(clip_limit, grid).apply on integral float levels (B, 1, H, W), per sample
    clip limits (B,): histograms of the tiles of the reflect_101-padded image, clipped and
    redistributed, LUTs, bilinear interpolation between the four nearest tiles' LUTs."""
    b, _, h, w = levels.shape
    t = _clahe_tables((h, w), grid, levels)
    n_tiles, area = t["tiles"], t["tile_area"]
    padded = levels[:, 0][:, t["rows"]][:, :, t["cols"]].reshape(b, -1).to(torch.int64)
    index = padded + t["tile"] * 256                                       # (B, Hp * Wp)
    hist = torch.zeros(b, n_tiles * 256, dtype=torch.int64, device=levels.device)
    hist = hist.scatter_add_(1, index, torch.ones_like(index)).reshape(b, n_tiles, 256)
    limit = torch.floor(clip_limit.to(torch.float64) * area / 256).to(torch.int64)
    limit = torch.where(clip_limit > 0, limit.clamp_min(1), 1 << 40)[:, None, None]
    clipped = (hist - limit).clamp_min(0).sum(-1, keepdim=True)
    hist = torch.minimum(hist, limit)
    batch = clipped // 256
    residual = clipped - batch * 256
    bins = torch.arange(256, device=levels.device)
    step = (256 // residual.clamp_min(1)).clamp_min(1)
    extra = ((bins % step) == 0) & ((bins // step) < residual)
    hist = hist + batch + extra
    lut = torch.round(hist.cumsum(-1).to(torch.float32) * t["scale"]).clamp_(0.0, 255.0)
    lut = lut.reshape(b, n_tiles * 256)
    v = levels[:, 0].to(torch.int64)                                       # (B, H, W)
    tx = t["tx"]

    def at(ty_: Tensor, tx_: Tensor) -> Tensor:
        return torch.gather(lut, 1, ((ty_ * tx + tx_) * 256 + v).reshape(b, -1)).reshape(b, h, w)

    res = (at(t["y1"], t["x1"]) * t["xa1"] + at(t["y1"], t["x2"]) * t["xa"]) * t["ya1"] \
        + (at(t["y2"], t["x1"]) * t["xa1"] + at(t["y2"], t["x2"]) * t["xa"]) * t["ya"]
    return torch.round(res).clamp_(0.0, 255.0)[:, None].to(levels.dtype)


def _clahe(x: Tensor, clip_limit: Tensor, tile_grid_size: tuple[int, int], max_value: float,
           apply: Tensor | None = None) -> Tensor:
    """albumentations' clahe: cv2 CLAHE on gray images, on the L channel of OpenCV's 8-bit CIE
    Lab for RGB (L, a, b as OpenCV quantises them), converted back with OpenCV's float formulas
    and rounded once."""
    x = planar(x)
    c = _check_channels(x, (1, 3), "CLAHE")
    levels = _to_levels(x, max_value)
    if c == 1:
        out = _clahe_levels(levels, clip_limit, tile_grid_size)
        out = out if max_value == 255.0 else out / 255.0
        return _select(apply, out, x)
    lab = _rgb_to_lab8(levels).to(x.dtype)                                  # OpenCV's 8-bit Lab
    lum = _clahe_levels(lab[:, 0:1], clip_limit, tile_grid_size) * (100.0 / 255.0)
    out = _lab_to_rgb(lum, lab[:, 1:2] - 128.0, lab[:, 2:3] - 128.0)
    out = out * max_value if max_value != 1.0 else out
    return _select(apply, out, x)


def clahe(image: Tensor, clip_limit, tile_grid_size=(8, 8)) -> Tensor:
    """albumentations' ``clahe``: ``cv2.createCLAHE(clip_limit, tile_grid_size)`` applied to gray
    images, or to the L channel of CIE Lab for RGB images.

    Args:
        image: (B, C, H, W) or (C, H, W), 1 or 3 channels, uint8 or float (float images through
            rint(x * 255) levels, as albumentations).
        clip_limit: number or (B,) tensor.
        tile_grid_size: (columns, rows) of tiles, as cv2's tileGridSize=(width, height).
    """
    grid = tuple(int(v) for v in tile_grid_size)

    def fn(x, b, mv):
        return _clahe(x, per_sample(clip_limit, b, x, "clip_limit"), (grid[1], grid[0]), mv)
    return _run(image, fn)

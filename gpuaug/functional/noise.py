"""Noise kernels: pure functions with explicit per-sample parameters and albumentations 2.0.8
semantics, no randomness.

Every public function takes (B, C, H, W) or (C, H, W) images, uint8 or float in [0, 1], and
returns the same shape and dtype (uint8 rounded half-up and saturated once, at the end).
Per-sample values are Python numbers or (B,) tensors; the random fields (standard normal noise,
uniforms, multipliers) are passed in explicitly, so that a result is a deterministic function of
its arguments and can be compared with albumentations fed the same draws.

The underscored functions work on float working images whose full intensity is ``max_value``
(what ``PixelTransform.apply`` gets) and are what the transforms call.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

from ..core.tensors import as_batch, finish_like, max_value as _max_value_of, planar, working, per_sample
from ..core.constants import constant

__all__ = ["gauss_noise", "iso_noise", "multiplicative_noise", "rgb_to_hls_float",
           "hls_to_rgb_float", "poisson_from_uniform", "poisson_max_count"]

_FLT_EPSILON = 1.1920928955078125e-07  # FLT_EPSILON, OpenCV's "no chroma" threshold
_HUE_SCALE = float(np.float32(6.0 / 360.0))  # OpenCV's hscale for float HLS -> RGB (6.f / 360)
_ONE_SIXTH = float(np.float32(1.0 / 6.0))


# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------


def _field(value: Tensor, batch: int, name: str, like: Tensor) -> Tensor:
    """A (B, C', h, w) or (C', h, w) field tensor as float32 (B, C', h, w) on ``like``'s device."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(value).__name__}")
    if value.dim() == 3:
        value = value.unsqueeze(0).expand(batch, *value.shape)
    if value.dim() != 4 or value.shape[0] != batch:
        raise ValueError(f"{name} must have shape ({batch}, C, h, w) or (C, h, w), "
                         f"got {tuple(value.shape)}")
    return value.to(device=like.device, dtype=torch.float32)


def _public(image: Tensor, kernel, *args) -> Tensor:
    """Run a working-image kernel on a user image: float32 in, the input's dtype out."""
    batch, single = as_batch(image)
    out = kernel(working(batch), *args, max_value=_max_value_of(batch.dtype))
    out = finish_like(out, batch, image.dtype, clamp=True)
    return out[0] if single else out


def _channels(field: Tensor, channels: int) -> Tensor:
    """A field drawn for the widest image of a call, cut to this image's channel count (a field
    of one channel broadcasts)."""
    return field if field.shape[1] in (1, channels) else field[:, :channels]


_TAPS: dict = {}


def _linear_taps(n_in: int, n_out: int) -> tuple[tuple, tuple, tuple, tuple]:
    """cv2.resize INTER_LINEAR's taps for float images: source indices and weights per output
    (static Python tuples, cached outside compiled regions)."""
    if torch.compiler.is_compiling():
        return _compute_taps(n_in, n_out)
    taps = _TAPS.get((n_in, n_out))
    if taps is None:
        taps = _TAPS[(n_in, n_out)] = _compute_taps(n_in, n_out)
    return taps


@torch.compiler.assume_constant_result  # numpy at trace time, Python numbers in the graph
def _compute_taps(n_in: int, n_out: int) -> tuple[tuple, tuple, tuple, tuple]:
    scale = n_in / n_out
    i0, i1, w0, w1 = [], [], [], []
    for d in range(n_out):
        f = float(np.float32((d + 0.5) * scale - 0.5))
        s = math.floor(f)
        f = float(np.float32(f - s))
        if s < 0:
            s, f = 0, 0.0
        if s >= n_in - 1:
            s, f = n_in - 1, 0.0
        i0.append(s)
        i1.append(min(s + 1, n_in - 1))
        w0.append(float(np.float32(1.0 - f)))
        w1.append(f)
    return tuple(i0), tuple(i1), tuple(w0), tuple(w1)


def _resize_linear(x: Tensor, size: tuple[int, int]) -> Tensor:
    """``cv2.resize(x, (W, H), interpolation=cv2.INTER_LINEAR)`` for a float (B, C, h, w) field:
    a horizontal then a vertical two-tap pass with OpenCV's float weights, written in plain
    gathers so that eager and compiled runs agree bit for bit."""
    (h, w), (oh, ow) = tuple(x.shape[-2:]), size
    out = x
    if ow != w:
        i0, i1, w0, w1 = _linear_taps(w, ow)
        out = (out.index_select(-1, constant(i0, out, torch.int64)) * constant(w0, out)
               + out.index_select(-1, constant(i1, out, torch.int64)) * constant(w1, out))
    if oh != h:
        i0, i1, w0, w1 = _linear_taps(h, oh)
        out = (out.index_select(-2, constant(i0, out, torch.int64)) * constant(w0, out)[:, None]
               + out.index_select(-2, constant(i1, out, torch.int64)) * constant(w1, out)[:, None])
    return out


# ---------------------------------------------------------------------------------------------
# GaussNoise
# ---------------------------------------------------------------------------------------------
def _gauss_noise(image: Tensor, noise: Tensor, std: Tensor, mean: Tensor, *,
                 max_value: float) -> Tensor:
    """``image + (mean + std * noise) * max_value``, saturated to [0, max_value].

    ``noise`` is a standard normal (B, C or 1, h, w) field; when (h, w) is smaller than the image
    (albumentations' ``noise_scale_factor < 1``) it is upsampled bilinearly, half-pixel centres,
    as ``cv2.resize(..., INTER_LINEAR)`` does.
    """
    image = planar(image)
    noise = _channels(noise, image.shape[1])
    if tuple(noise.shape[-2:]) != tuple(image.shape[-2:]):
        noise = _resize_linear(noise, tuple(image.shape[-2:]))
    scale = (std * max_value).view(-1, 1, 1, 1)
    shift = (mean * max_value).view(-1, 1, 1, 1)
    noise_map = torch.mul(noise, scale).add_(shift)
    if (noise_map.dtype, noise_map.shape) == (image.dtype, image.shape):  # one fresh plane
        return noise_map.add_(image).clamp_(0.0, max_value)
    return (image + noise_map).clamp_(0.0, max_value)


def gauss_noise(image: Tensor, noise: Tensor, std, mean=0.0) -> Tensor:
    """Add Gaussian noise: albumentations' ``GaussNoise.apply`` with a given standard normal field.

    albumentations: ``fpixel.add_noise(img, noise_map)`` with ``noise_map = (mean + std * noise)
    * max_value`` (max_value 255 for uint8, 1 for float), upsampled with cv2.INTER_LINEAR when
    the field is smaller than the image.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float in [0, 1].
        noise: standard normal field, (B, C, h, w), (B, 1, h, w) (one field for all channels) or
            without the batch dimension; (h, w) smaller than (H, W) is upsampled bilinearly.
        std: noise standard deviation as a fraction of the maximum value; a number or (B,).
        mean: noise mean as a fraction of the maximum value; a number or (B,).

    Returns:
        The noisy image, same shape and dtype, saturated. uint8 results are rounded half-up:
        albumentations truncates the noise towards zero before adding it (at most one level apart).

    Examples:
        >>> img = torch.full((1, 1, 2, 2), 100, dtype=torch.uint8)
        >>> gauss_noise(img, torch.ones(1, 1, 2, 2), std=0.1)
        tensor([[[[126, 126],
                  [126, 126]]]], dtype=torch.uint8)
    """
    batch, _ = as_batch(image)
    b = batch.shape[0]
    return _public(image, _gauss_noise, _field(noise, b, "noise", batch),
                   per_sample(std, b, batch, "std"), per_sample(mean, b, batch, "mean"))


# ---------------------------------------------------------------------------------------------
# MultiplicativeNoise
# ---------------------------------------------------------------------------------------------
def _multiplicative_noise(image: Tensor, multiplier: Tensor, *, max_value: float) -> Tensor:
    """``image * multiplier`` saturated; ``multiplier`` is (B, C or 1) or (B, C or 1, H, W)."""
    if multiplier.dim() == 2:
        multiplier = multiplier[:, :, None, None]
    multiplier = _channels(multiplier, image.shape[1])
    return (image * multiplier).clamp_(0.0, max_value)


def multiplicative_noise(image: Tensor, multiplier) -> Tensor:
    """Multiply by a per-sample, per-channel or per-pixel factor (MultiplicativeNoise's kernel).

    albumentations: ``albucore.multiply(img, multiplier)``.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float in [0, 1].
        multiplier: a number, a (B,) tensor (one factor per sample), (B, C) / (B, 1) (per channel
            or shared), or (B, C, H, W) / (B, 1, H, W) (per pixel).

    Returns:
        The product, saturated. uint8 results are rounded half-up; albumentations truncates (its
        lookup tables and ``astype``), at most one level lower.

    Examples:
        >>> img = torch.full((1, 1, 1, 2), 101, dtype=torch.uint8)
        >>> multiplicative_noise(img, 1.1)
        tensor([[[[111, 111]]]], dtype=torch.uint8)
    """
    batch, _ = as_batch(image)
    b = batch.shape[0]
    if isinstance(multiplier, Tensor) and multiplier.dim() in (2, 4):
        if multiplier.shape[0] != b:
            raise ValueError(f"multiplier has batch size {multiplier.shape[0]} "
                             f"but the image has {b}")
        m = multiplier.to(device=batch.device, dtype=torch.float32)
    else:
        m = per_sample(multiplier, b, batch, "multiplier")[:, None]
    return _public(image, _multiplicative_noise, m)


# ---------------------------------------------------------------------------------------------
# ISONoise: OpenCV's float RGB <-> HLS, Poisson luminance noise by inverse CDF
# ---------------------------------------------------------------------------------------------
def _rgb_to_hls(r: Tensor, g: Tensor, b: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """OpenCV's vectorised float RGB -> HLS on channel planes (see :func:`rgb_to_hls_float`)."""
    vmax = torch.maximum(torch.maximum(r, g), b)
    vmin = torch.minimum(torch.minimum(r, g), b)
    diff = vmax - vmin
    total = vmax + vmin
    light = total * 0.5
    chroma = diff > _FLT_EPSILON
    safe = torch.where(chroma, diff, 1.0)
    sat = torch.where(chroma, safe / torch.where(light < 0.5, total, 2.0 - total), 0.0)
    r_max = vmax == r
    g_max = vmax == g
    delta = torch.where(r_max, g - b, torch.where(g_max, b - r, r - g))
    offset = torch.where(r_max, torch.where(g < b, 360.0, 0.0), torch.where(g_max, 120.0, 240.0))
    hue = torch.where(chroma, delta * (60.0 / safe) + offset, 0.0)
    return hue, light, sat


def _hls_to_rgb(h: Tensor, light: Tensor, sat: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """OpenCV's vectorised float HLS -> RGB on channel planes (see :func:`hls_to_rgb_float`)."""
    ls = light * sat
    half = torch.where(light <= 0.5, ls, sat - ls)       # (p2 - p1) / 2
    raw = h * _HUE_SCALE
    whole = torch.trunc(raw)
    twice = 2.0 * (raw - whole)                          # 2 * fraction of the sector
    sector = whole - 6.0 * torch.trunc(raw * _ONE_SIXTH)
    up = light + half                                    # p2
    down = light - half                                  # p1
    step = half * twice                                  # (p2 - p1) * fraction
    falling = up - step
    rising = down + step
    b = torch.where(sector < 2, down, torch.where(sector <= 2, rising,
                                                  torch.where(sector <= 4, up, falling)))
    g = torch.where(sector < 1, rising, torch.where(sector <= 2, up,
                                                    torch.where(sector < 4, falling, down)))
    r = torch.where(sector < 1, up, torch.where(sector < 2, falling, torch.where(
        sector < 4, down, torch.where(sector <= 4, rising, up))))
    return r, g, b


def rgb_to_hls_float(image: Tensor) -> Tensor:
    """``cv2.cvtColor(img, cv2.COLOR_RGB2HLS)`` for float images in [0, 1], batched.

    Follows the arithmetic of OpenCV's vectorised path (what cv2 runs on every pixel but the last
    few of a row): ``S = diff / (L < 0.5 ? max + min : 2 - (max + min))``, ``H = delta * 60 /
    diff + offset``, H and S zero where diff <= FLT_EPSILON.

    Args:
        image: (B, 3, H, W) float RGB in [0, 1].

    Returns:
        (B, 3, H, W) float32: H in degrees [0, 360], L and S in [0, 1].
    """
    return torch.stack(_rgb_to_hls(*image.unbind(1)), 1)


def hls_to_rgb_float(hls: Tensor) -> Tensor:
    """``cv2.cvtColor(hls, cv2.COLOR_HLS2RGB)`` for float HLS (H in degrees), batched.

    Follows OpenCV's vectorised path, which cv2 runs on every pixel but the last few of a row: the
    sector is found by truncation, so hues of 360 degrees and above wrap around while negative
    hues extend sector 0 (OpenCV's scalar tail wraps those too; a hue just below 0 then differs
    by a fraction of the tiny shift that produced it).

    Args:
        hls: (B, 3, H, W) float32.

    Returns:
        (B, 3, H, W) float32 RGB (not clipped).
    """
    return torch.stack(_hls_to_rgb(*hls.unbind(1)), 1)


def poisson_max_count(max_rate: float, tail: float = 2.0 ** -26) -> int:
    """The smallest k with P(X > k) < ``tail`` for X ~ Poisson(``max_rate``): the static length of
    the inverse-CDF table (a uniform with 24 random bits never reaches past it)."""
    lam = float(max_rate)
    if lam <= 0.0:
        return 0
    k, pmf = 0, math.exp(-lam) if lam < 700 else 0.0
    if pmf == 0.0:  # far from the origin: a generous normal bound
        return int(math.ceil(lam + 12.0 * math.sqrt(lam) + 12.0))
    cdf = pmf
    while 1.0 - cdf >= tail and k < 100000:
        k += 1
        pmf *= lam / k
        cdf += pmf
    return k


def poisson_from_uniform(uniform: Tensor, rate: Tensor, max_count: int) -> Tensor:
    """Poisson(``rate``) counts by inverse transform: the smallest k with u < CDF(k).

    Args:
        uniform: (B, ...) uniforms in [0, 1).
        rate: (B,) Poisson rates.
        max_count: the static largest count (see :func:`poisson_max_count`).

    Returns:
        float32 counts, the shape of ``uniform``.
    """
    b = uniform.shape[0]
    k = torch.arange(max_count + 1, device=uniform.device, dtype=torch.float64)
    lam = rate.to(torch.float64)[:, None]
    log_pmf = torch.xlogy(k[None, :], lam) - lam - torch.lgamma(k + 1.0)[None, :]
    cdf = torch.exp(log_pmf).cumsum(1).to(torch.float32)             # (B, K + 1)
    u = uniform.reshape(b, -1).to(torch.float32).contiguous()
    counts = torch.searchsorted(cdf.contiguous(), u, right=True)     # #{k : CDF(k) <= u}
    return counts.clamp_(max=max_count).to(torch.float32).reshape(uniform.shape)


def _iso_noise(image: Tensor, color_shift: Tensor, intensity: Tensor, luminance_uniform: Tensor,
               color_noise: Tensor, max_count: int, *, max_value: float) -> Tensor:
    """albumentations' ``iso_noise`` on a float working image (see :func:`iso_noise`)."""
    image = planar(image)
    if image.shape[1] != 3:
        raise ValueError(f"ISONoise needs RGB images (3 channels), got {image.shape[1]} channels")
    rgb = image / max_value if max_value != 1.0 else image
    hue, light, sat = _rgb_to_hls(*rgb.unbind(1))
    # cv2.meanStdDev: the population standard deviation of L over the image
    spread = light.to(torch.float64).std(dim=(-2, -1), correction=0)
    rate = spread * intensity.to(torch.float64)
    counts = poisson_from_uniform(luminance_uniform[:, 0], rate, max_count)
    hue = hue + color_noise[:, 0] * (color_shift * intensity).view(-1, 1, 1)
    light = (light + counts * intensity.view(-1, 1, 1) * (1.0 - light)).clamp_(0.0, 1.0)
    out = torch.stack(_hls_to_rgb(hue, light, sat), 1).clamp_(0.0, 1.0)
    return out * max_value if max_value != 1.0 else out


def iso_noise(image: Tensor, color_shift, intensity, luminance_uniform: Tensor,
              color_noise: Tensor, max_count: int | None = None) -> Tensor:
    """Camera sensor noise: albumentations' ``iso_noise`` with its random draws given.

    albumentations: in float RGB, ``hls = cv2.cvtColor(img, COLOR_RGB2HLS)``; ``H +=
    N(0, color_shift * intensity)`` (degrees); ``L += Poisson(std(L) * intensity) * intensity *
    (1 - L)``, clipped to [0, 1]; back with COLOR_HLS2RGB and clipped. uint8 images go through
    float [0, 1] and back (rounded).

    Args:
        image: (B, 3, H, W) or (3, H, W) RGB, uint8 or float in [0, 1].
        color_shift: a number or (B,).
        intensity: a number or (B,).
        luminance_uniform: (B, 1, H, W) uniforms in [0, 1), turned into Poisson counts by inverse
            CDF with the per-image rate std(L) * intensity.
        color_noise: (B, 1, H, W) standard normal field (scaled by color_shift * intensity).
        max_count: static largest Poisson count; default from the largest possible rate
            (std(L) <= 0.5) when ``intensity`` is a number, else 64.

    Returns:
        The noisy image, same shape and dtype.
    """
    batch, _ = as_batch(image)
    b = batch.shape[0]
    if max_count is None:
        max_count = (poisson_max_count(0.5 * float(intensity))
                     if isinstance(intensity, (int, float)) else 64)
    return _public(image, _iso_noise, per_sample(color_shift, b, batch, "color_shift"),
                   per_sample(intensity, b, batch, "intensity"),
                   _field(luminance_uniform, b, "luminance_uniform", batch),
                   _field(color_noise, b, "color_noise", batch), int(max_count))

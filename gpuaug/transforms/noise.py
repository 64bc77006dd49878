"""Noise transforms (see gpuaug/functional/noise.py for the kernels).

Where the noise lives: every random field (standard normal noise, per-pixel multipliers, the
uniforms behind ISONoise's Poisson counts) is drawn in ``sample`` with ``rng.field`` and returned
in the parameters, as a (B, C or 1, h, w) float32 tensor. That keeps ``apply`` pure and makes
replay exact, including replaying albumentations' own noise map; the price is that the
parameters of a call hold one image-sized field (what ``return_params=True`` hands back). Seeded
fields are hashed per element from the seed, so they are the same on CPU and CUDA, eager and
compiled, and do not depend on the batch a sample sits in; unseeded ones come from
``torch.rand`` / ``torch.randn`` (one kernel), so ``torch.manual_seed`` governs.

Per-channel fields need the channel count, which ``Transform.sample(rng, batch_size,
image_size)`` is not told; these transforms take it as a keyword (``sample(..., channels=C)``)
and draw through :class:`_ChannelDraws`, the widest image of a call deciding (narrower extra
images use the first channels of the field).
"""
from __future__ import annotations

from ..core.transform import Params, PixelTransform
from ..core.validation import _describe, to_range
from ..functional import noise as fn

__all__ = ["GaussNoise", "ISONoise", "MultiplicativeNoise"]


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_describe(value)}")
    return value


def _check_range(value, name: str, low: float | None, high: float | None) -> tuple[float, float]:
    """A (min, max) pair, as albumentations' ``check_range_bounds`` + ``nondecreasing`` take it
    (a single number is refused, as albumentations 2.0.8 refuses it)."""
    if isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a (min, max) pair, got {_describe(value)}")
    return to_range(value, name, low=low, high=high)


class _ChannelDraws(PixelTransform):
    """A pixel transform whose ``sample`` receives ``channels=`` (see Transform.sample_needs_channels)."""

    sample_needs_channels = True


class GaussNoise(_ChannelDraws):
    """Add Gaussian noise with a standard deviation and mean drawn per sample.

    albumentations: ``A.GaussNoise(std_range, mean_range, per_channel, noise_scale_factor, p)``.
    The noise added is ``(mean + std * N(0, 1)) * max_value``: ``std_range`` and ``mean_range``
    are fractions of the maximum value (255 for uint8 images, 1 for float images).

    Args:
        std_range: range of the noise standard deviation, fractions of the maximum value in [0, 1].
        mean_range: range of the noise mean, fractions of the maximum value in [-1, 1].
        per_channel: independent noise per channel; False adds one field to every channel.
        noise_scale_factor: in (0, 1]; below 1 the noise is drawn at (int(H * f), int(W * f))
            (at least 1) and upsampled bilinearly (cv2.INTER_LINEAR), giving spatially smooth
            noise.
        p: per-sample probability.
        same_on_batch: one draw (and noise field) for the whole batch.
        seed: a seed for reproducible draws.

    Params:
        std: (B,) float32, fraction of the maximum value.
        mean: (B,) float32, fraction of the maximum value.
        noise: (B, C or 1, h, w) float32 standard normal field (1 channel unless per_channel;
            (h, w) reduced by noise_scale_factor).

    Differences from albumentations 2.0.8: uint8 results are rounded once to nearest;
    albumentations truncates the noise towards zero before adding it (at most one level apart,
    and the noise keeps its nominal standard deviation instead of losing about 0.4 level).
    """

    identity_params = {"std": 0.0, "mean": 0.0}

    def __init__(self, std_range: tuple[float, float] = (0.2, 0.44),
                 mean_range: tuple[float, float] = (0.0, 0.0), per_channel: bool = True,
                 noise_scale_factor: float = 1, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.std_range = _check_range(std_range, "std_range", 0.0, 1.0)
        self.mean_range = _check_range(mean_range, "mean_range", -1.0, 1.0)
        self.per_channel = _check_bool(per_channel, "per_channel")
        if isinstance(noise_scale_factor, bool) or not isinstance(noise_scale_factor, (int, float)):
            raise TypeError(f"noise_scale_factor must be a number in (0, 1], "
                            f"got {_describe(noise_scale_factor)}")
        if not 0.0 < float(noise_scale_factor) <= 1.0:
            raise ValueError(f"noise_scale_factor must be in (0, 1], got {noise_scale_factor}")
        self.noise_scale_factor = float(noise_scale_factor)

    def noise_size(self, image_size: tuple[int, int]) -> tuple[int, int]:
        """The (h, w) the noise is drawn at: albumentations' reduced size."""
        h, w = image_size
        f = self.noise_scale_factor
        if f == 1.0:
            return (h, w)
        return (max(1, int(h * f)), max(1, int(w * f)))

    def sample(self, rng, batch_size, image_size, channels: int = 3):
        std = rng.uniform(*self.std_range)
        mean = rng.uniform(*self.mean_range)
        c = channels if self.per_channel else 1
        noise = rng.field((batch_size, c, *self.noise_size(image_size)), kind="normal")
        return {"std": std, "mean": mean, "noise": noise}

    def apply(self, image, params, *, max_value):
        return fn._gauss_noise(image, params["noise"], params["std"], params["mean"],
                               max_value=max_value)

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, std_range={self.std_range}, "
                f"mean_range={self.mean_range}, per_channel={self.per_channel}, "
                f"noise_scale_factor={self.noise_scale_factor}")


class ISONoise(PixelTransform):
    """Camera sensor noise (high ISO): hue jitter and Poisson luminance noise in HLS.

    albumentations: ``A.ISONoise(color_shift, intensity, p)``. Per sample, in float RGB [0, 1]:
    ``H += N(0, color_shift * intensity)`` (H in degrees, as OpenCV's float HLS has it),
    ``L += Poisson(std(L) * intensity) * intensity * (1 - L)`` clipped to [0, 1], where std(L) is
    the image's own standard deviation of L; then back to RGB, clipped. RGB images only.

    Args:
        color_shift: range of the hue noise scale, in [0, 1].
        intensity: range of the noise intensity, >= 0.
        p: per-sample probability.
        same_on_batch: one draw (and noise field) for the whole batch.
        seed: a seed for reproducible draws.

    Params:
        color_shift: (B,) float32.
        intensity: (B,) float32.
        luminance_uniform: (B, 1, H, W) float32 uniforms in [0, 1); the Poisson counts are their
            inverse CDF at the rate std(L) * intensity, which depends on the image, so ``apply``
            computes them (a deterministic function of these uniforms and the image).
        color_noise: (B, 1, H, W) float32 standard normal field.

    Differences from albumentations 2.0.8: the Poisson draws come from uniforms by inverse CDF
    (the same distribution, other random numbers); the RGB <-> HLS conversions are computed in
    float32 here and by OpenCV's SIMD code there (last-bit differences, so a uint8 value can
    differ by one level where it sits on a rounding edge).
    """

    def __init__(self, color_shift: tuple[float, float] = (0.01, 0.05),
                 intensity: tuple[float, float] = (0.1, 0.5), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.color_shift = _check_range(color_shift, "color_shift", 0.0, 1.0)
        self.intensity = _check_range(intensity, "intensity", 0.0, None)
        # std(L) <= 0.5 for L in [0, 1], so the rate never exceeds 0.5 * max intensity
        self.max_count = fn.poisson_max_count(0.5 * self.intensity[1])

    def sample(self, rng, batch_size, image_size):
        color_shift = rng.uniform(*self.color_shift)
        intensity = rng.uniform(*self.intensity)
        shape = (batch_size, 1, *image_size)
        return {"color_shift": color_shift, "intensity": intensity,
                "luminance_uniform": rng.field(shape, kind="uniform"),
                "color_noise": rng.field(shape, kind="normal")}

    def apply(self, image, params, *, max_value):
        return fn._iso_noise(image, params["color_shift"], params["intensity"],
                             params["luminance_uniform"], params["color_noise"], self.max_count,
                             max_value=max_value)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, color_shift={self.color_shift}, intensity={self.intensity}"


class MultiplicativeNoise(_ChannelDraws):
    """Multiply the image by a random factor: per sample, per channel or per pixel.

    albumentations: ``A.MultiplicativeNoise(multiplier, per_channel, elementwise, p)``.

    Args:
        multiplier: range of the factor, (min, max) with min >= 0.
        per_channel: a factor per channel (else one shared by every channel).
        elementwise: a factor per pixel (else one per sample, or per channel).
        p: per-sample probability.
        same_on_batch: one draw for the whole batch.
        seed: a seed for reproducible draws.

    Params:
        multiplier: float32, (B, C or 1) when not elementwise, (B, C or 1, H, W) when elementwise
            (1 channel unless per_channel).

    Differences from albumentations 2.0.8: uint8 results are rounded to nearest; albumentations
    truncates (its lookup tables and ``astype``), at most one level lower.
    """

    identity_params = {"multiplier": 1.0}

    def __init__(self, multiplier: tuple[float, float] | float = (0.9, 1.1),
                 per_channel: bool = False, elementwise: bool = False, p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.multiplier = _check_range(multiplier, "multiplier", 0.0, None)
        self.per_channel = _check_bool(per_channel, "per_channel")
        self.elementwise = _check_bool(elementwise, "elementwise")

    def sample(self, rng, batch_size, image_size, channels: int = 3):
        c = channels if self.per_channel else 1
        lo, hi = self.multiplier
        if self.elementwise:
            u = rng.field((batch_size, c, *image_size), kind="uniform")
            return {"multiplier": lo + u * (hi - lo)}
        return {"multiplier": rng.uniform(lo, hi, (c,))}

    def apply(self, image, params, *, max_value):
        return fn._multiplicative_noise(image, params["multiplier"], max_value=max_value)

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, multiplier={self.multiplier}, "
                f"per_channel={self.per_channel}, elementwise={self.elementwise}")

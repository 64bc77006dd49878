"""Blur and convolution filters: GaussianBlur, MotionBlur, MedianBlur, Blur, Defocus, ZoomBlur,
Sharpen, Emboss (see gpuaug/functional/blur.py for the kernels).

Parameters, defaults and sampling follow albumentations 2.0.8; pixels follow the OpenCV call
albumentations makes, with OpenCV's default border (BORDER_REFLECT_101; MedianBlur replicates,
as cv2.medianBlur does).

Conventions shared by every transform here:

* Per-sample kernel sizes never become tensor-dependent shapes: each kernel is built at the
  largest size the configuration allows, with zero weight outside the sample's own support, and
  the whole batch is filtered by one grouped convolution (separable for the Gaussian and box
  filters). Replayed params must therefore lie inside the transform's configured ranges.
* Skipped samples (``p < 1``) get neutral params (a kernel size of 1, an alpha of 0, an empty
  kernel...), never a ``torch.where`` over the image.
* Results are saturated to the image's range. uint8 images are computed in float and rounded
  once (half-up) at the end of the pipeline: OpenCV's fixed-point uint8 paths (GaussianBlur's
  bit-exact kernel, cv2.blur) and albumentations' truncations agree within one level.
* Kernel-size arguments follow albumentations' leniency: an even size is raised to the next odd
  one and a size below the minimum is raised to it, with a UserWarning naming the argument; a
  range with min > max, a negative value or a value of the wrong type raises.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from numbers import Real

import torch

from ..core.transform import PixelTransform
from ..core.validation import _describe, check_choice, check_int, check_number, to_range
from ..core.constants import constant
from ..core.tensors import working
from ..functional import blur as FB

__all__ = ["Blur", "MotionBlur", "MedianBlur", "GaussianBlur", "Defocus", "ZoomBlur", "Sharpen",
           "Emboss"]


# ---------------------------------------------------------------------------------------------
# argument checking (albumentations' conventions, SPEC §8 errors)
# ---------------------------------------------------------------------------------------------
def _int_pair(value, name: str, default_low: int) -> tuple[int, int]:
    """An int v -> (default_low, v) (albumentations' ``to_tuple(v, low)`` gives the sorted pair);
    a pair of ints as given."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (min(default_low, value), max(default_low, value))
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        lo = check_int(value[0], f"{name}[0]")
        hi = check_int(value[1], f"{name}[1]")
        if lo > hi:
            raise ValueError(f"{name} must have min <= max, got ({lo}, {hi})")
        return (lo, hi)
    raise TypeError(f"{name} must be an int or a (min, max) pair of ints, got {_describe(value)}")


def _blur_limit(value, name: str = "blur_limit") -> tuple[int, int]:
    """albumentations' process_blur_limit(min_value=3): an int v means (3, v); sizes below 3 are
    raised to 3 and even sizes to the next odd one, with a warning."""
    if isinstance(value, int) and not isinstance(value, bool):
        pair = (3, value)
    else:
        pair = _int_pair(value, name, 3)
    fixed = (max(3, pair[0]), max(3, pair[1]))
    fixed = tuple(v + 1 if v % 2 == 0 else v for v in fixed)
    if fixed != pair:
        warnings.warn(f"{name}: kernel sizes must be odd and >= 3; {pair} adjusted to {fixed}",
                      UserWarning, stacklevel=3)
    if fixed[0] > fixed[1]:
        raise ValueError(f"{name} must have min <= max, got {fixed}")
    return fixed


def _float_pair(value, name: str, default_low: float, *, low: float | None = None,
                high: float | None = None) -> tuple[float, float]:
    """A number v -> the sorted (default_low, v); a pair as given; bounds checked."""
    if isinstance(value, Real) and not isinstance(value, bool):
        v = check_number(value, name)
        value = (min(default_low, v), max(default_low, v))
    return to_range(value, name, low=low, high=high)


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {_describe(value)}")
    return value


def _odd_sizes(rng, limit: tuple[int, int]):
    """albumentations' sample_odd_from_range: an odd size uniform over the odd values of the
    (normalised) range, (B,) int64."""
    lo, hi = limit
    lo = max(3, lo + (lo % 2 == 0))
    hi = max(lo, max(3, hi + (hi % 2 == 0)))
    if lo == hi:
        return torch.full((rng.batch_size,), lo, dtype=torch.int64, device=rng.device)
    return lo + 2 * rng.integers(0, (hi - lo) // 2)


def _one(like: torch.Tensor) -> torch.Tensor:
    return constant((1,), like, torch.int64)


def _largest_odd(limit: tuple[int, int]) -> int:
    lo, hi = limit
    lo = max(3, lo + (lo % 2 == 0))
    return max(lo, max(3, hi + (hi % 2 == 0)))


def _uniform64(rng, low: float, high: float) -> torch.Tensor:
    """Uniform in [low, high], float64, clamped to the range (so that derived counts, e.g. the
    number of zoom factors, never pass the bound computed from the configuration)."""
    return rng.uniform(low, high).to(torch.float64).clamp(low, high)


# ---------------------------------------------------------------------------------------------
# Box, median and motion blur
# ---------------------------------------------------------------------------------------------
class Blur(PixelTransform):
    """Box blur with a random odd kernel size per sample.

    OpenCV: ``cv2.blur(img, (k, k))`` (BORDER_REFLECT_101).
    albumentations: ``A.Blur(blur_limit, p)``; k is drawn uniformly from the odd values of
    ``blur_limit``.

    Args:
        blur_limit: kernel size range; an int v means (3, v). Sizes are odd and >= 3 (others are
            adjusted with a warning, as albumentations does).
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        kernel_size: (B,) int64, the odd kernel size (albumentations' ``kernel``).

    Examples:
        >>> aug = Blur(blur_limit=(3, 5), p=1.0, seed=0)
        >>> aug(torch.rand(2, 3, 16, 16)).shape
        torch.Size([2, 3, 16, 16])
    """

    identity_params = {"kernel_size": 1}

    def __init__(self, blur_limit: tuple[int, int] | int = (3, 7), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.blur_limit = _blur_limit(blur_limit)
        self._size = _largest_odd(self.blur_limit)

    def sample(self, rng, batch_size, image_size):
        return {"kernel_size": _odd_sizes(rng, self.blur_limit)}

    def apply(self, image, params, *, max_value):
        return FB._box_blur(image, params["kernel_size"], self._size)

    def extra_repr(self) -> str:
        return f"blur_limit={self.blur_limit}, {super().extra_repr()}"


class MedianBlur(Blur):
    """Median filter with a random odd aperture per sample.

    OpenCV: ``cv2.medianBlur(img, k)`` (replicated borders, as OpenCV's median filter reads them).
    albumentations: ``A.MedianBlur(blur_limit, p)``.

    Differences from albumentations: float images are filtered in float; albumentations rounds
    them to uint8 first (``uint8_io``) and back, so its float results are multiples of 1/255 and
    differ from gpuaug's by at most half a level. On the CPU the median is a min/max selection
    network on shifted planes, run once for each odd size up to the largest in ``blur_limit``
    (each sample picks its own: the cost is that of all sizes); on other devices a (k_max, k_max)
    window per pixel is materialised (memory k_max^2 times the image) and reduced with
    ``median``, the taps outside each sample's own k set to -inf / +inf in equal numbers.

    Args:
        blur_limit: aperture range; an int v means (3, v). Odd and >= 3 (adjusted with a warning
            otherwise).
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        kernel_size: (B,) int64, the odd aperture (albumentations' ``kernel``); replayed sizes
            must be 1 or odd within ``blur_limit`` (only those sizes are computed).

    Examples:
        >>> aug = MedianBlur(blur_limit=3, p=1.0, seed=0)
        >>> aug(torch.zeros(1, 1, 8, 8, dtype=torch.uint8)).shape
        torch.Size([1, 1, 8, 8])
    """

    def __init__(self, blur_limit: tuple[int, int] | int = (3, 7), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(blur_limit=blur_limit, p=p, same_on_batch=same_on_batch, seed=seed)

    uint8_kernel = True  # a median of uint8 values is one of them: exact without float

    def apply(self, image, params, *, max_value):
        if not image.is_floating_point() and image.device.type != "cpu":
            image = working(image)  # the windowed median pads with infinities
        # only the sizes this transform draws (and 1 for skipped samples) are computed
        smallest = max(3, self.blur_limit[0] + (self.blur_limit[0] % 2 == 0))
        return FB._median_blur(image, params["kernel_size"], self._size, smallest)


class MotionBlur(PixelTransform):
    """Motion blur: a line kernel with a random length, angle, direction bias and shift.

    OpenCV: ``cv2.filter2D(img, -1, kernel)`` (BORDER_REFLECT_101).
    albumentations: ``A.MotionBlur(blur_limit, allow_shifted, angle_range, direction_range, p)``.
    The kernel is drawn as albumentations' ``create_motion_kernel`` draws it: an odd size k from
    ``blur_limit``, an angle (degrees) from ``angle_range``, a direction bias from
    ``direction_range``; k points along the biased segment through the centre, shifted by
    ``uniform(-1, 1) * (k // 2) / 2`` on each axis when ``allow_shifted``, rounded half-to-even
    and clipped to the k x k frame, are set to 1; the kernel is normalised to sum 1. See
    :func:`gpuaug.functional.motion_kernel`.

    Args:
        blur_limit: kernel size range; an int v means (3, v). Odd and >= 3 (adjusted with a
            warning otherwise).
        allow_shifted: shift the line off the kernel centre at random.
        angle_range: angle range in degrees, within [0, 360].
        direction_range: direction bias range, within [-1, 1] (-1 backward only, 0 symmetric,
            1 forward only).
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        kernel: (B, K, K) float32, the normalised kernel centred in a K x K grid (K the largest
            size of ``blur_limit``); albumentations' ``kernel``, and the only key ``apply`` reads.
            An all-zero kernel leaves its sample unchanged (what skipped samples get).
        kernel_size: (B,) int64, k.
        angle: (B,) float64, degrees.
        direction: (B,) float64.
        shift: (B, 2) float64, the (x, y) shift in pixels (zeros without ``allow_shifted``).

    Examples:
        >>> aug = MotionBlur(blur_limit=5, p=1.0, seed=0)
        >>> out = aug(torch.rand(2, 3, 16, 16), return_params=True)
        >>> out["params"]["kernel"].sum((-2, -1))
        tensor([1., 1.])
    """

    identity_params = {"kernel": 0.0}

    def __init__(self, blur_limit: tuple[int, int] | int = (3, 7), allow_shifted: bool = True,
                 angle_range: tuple[float, float] = (0, 360),
                 direction_range: tuple[float, float] = (-1.0, 1.0), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.blur_limit = _blur_limit(blur_limit)
        self.allow_shifted = _check_bool(allow_shifted, "allow_shifted")
        self.angle_range = to_range(angle_range, "angle_range", low=0.0, high=360.0)
        self.direction_range = to_range(direction_range, "direction_range", low=-1.0, high=1.0)
        self._size = _largest_odd(self.blur_limit)

    def sample(self, rng, batch_size, image_size):
        k = _odd_sizes(rng, self.blur_limit)
        angle = rng.uniform(*self.angle_range).to(torch.float64)
        direction = rng.uniform(*self.direction_range).to(torch.float64)
        if self.allow_shifted:  # uniform(-1, 1) * (k // 2) / 2 per axis
            u = rng.uniform(-0.5, 0.5, shape=(2,)).to(torch.float64)
            shift = u * (k // 2)[:, None]
        else:
            shift = torch.zeros(batch_size, 2, dtype=torch.float64, device=rng.device)
        kernel = FB.motion_kernel(k, angle, direction, shift, self._size)
        return {"kernel": kernel, "kernel_size": k, "angle": angle, "direction": direction,
                "shift": shift}

    def apply(self, image, params, *, max_value):
        return FB._filter2d(image, FB._identity_if_zero(params["kernel"]))

    def extra_repr(self) -> str:
        return (f"blur_limit={self.blur_limit}, allow_shifted={self.allow_shifted}, "
                f"angle_range={self.angle_range}, direction_range={self.direction_range}, "
                f"{super().extra_repr()}")


# ---------------------------------------------------------------------------------------------
# Gaussian blur
# ---------------------------------------------------------------------------------------------
class GaussianBlur(PixelTransform):
    """Gaussian blur with a random sigma and kernel size per sample.

    OpenCV: ``cv2.sepFilter2D(img, -1, g, g)`` with the 1D kernel ``g = exp(-x^2 / (2 sigma^2))``
    normalised over k taps (BORDER_REFLECT_101), which is ``cv2.GaussianBlur(img, (k, k), sigma)``
    for sigma > 0.
    albumentations: ``A.GaussianBlur(blur_limit, sigma_limit, p)``: sigma uniform in
    ``sigma_limit``; k uniform over the integers of ``blur_limit`` (``randint``), then 0 means
    ``int(sigma * 3.5) * 2 + 1`` (PIL's rule) and an even k becomes k + 1.

    All samples go through one separable grouped convolution with kernels of the largest size the
    configuration allows (zero weight outside each sample's k).

    Differences from albumentations: a sigma of exactly 0 (possible only when ``sigma_limit``
    starts at 0) gives the identity, the limit of the Gaussian, where albumentations' kernel is
    NaN.

    Args:
        blur_limit: kernel size range; an int v means (0, v). 0 derives the size from sigma;
            even sizes are used as the next odd one (as albumentations does).
        sigma_limit: sigma range; a number v means (0, v). Non-negative.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        sigma: (B,) float32.
        kernel_size: (B,) int64, the odd kernel size used (albumentations' ``kernel`` has this
            many taps).

    Examples:
        >>> aug = GaussianBlur(sigma_limit=(1.0, 2.0), p=1.0, seed=0)
        >>> aug(torch.rand(2, 3, 16, 16)).shape
        torch.Size([2, 3, 16, 16])
    """

    identity_params = {"kernel_size": 1}

    def __init__(self, blur_limit: tuple[int, int] | int = 0,
                 sigma_limit: tuple[float, float] | float = (0.5, 3.0), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.blur_limit = _int_pair(blur_limit, "blur_limit", 0)
        if self.blur_limit[0] < 0:
            raise ValueError(f"blur_limit must be >= 0, got {self.blur_limit}")
        self.sigma_limit = _float_pair(sigma_limit, "sigma_limit", 0.0, low=0.0)
        lo, hi = self.blur_limit
        size = hi + (hi % 2 == 0)
        if lo == 0:  # (float32 draws may round just past the top of sigma_limit)
            size = max(size, FB.gaussian_kernel_size(self.sigma_limit[1] * (1 + 1e-6)))
        self._size = max(size, 1)
        self._static_size = lo == hi and lo > 0  # one kernel size for every sample
        if self._static_size:  # skipped samples: sigma 0 (a delta) instead of a 1-tap kernel
            self.identity_params = (("sigma", 0.0),)  # (name, value) pairs, as the class's

    def sample(self, rng, batch_size, image_size):
        sigma = rng.uniform(*self.sigma_limit)
        lo, hi = self.blur_limit
        if self._static_size:
            # a fresh fill, not a cached constant: params returned to the caller may be written
            k = torch.full_like(sigma, self._size, dtype=torch.int64)
        elif lo == hi == 0:  # PIL's size from sigma, int(sigma * 3.5) * 2 + 1
            k = torch.add(_one(sigma), (sigma * 3.5).to(torch.int64), alpha=2)
        else:
            k = rng.integers(lo, hi)
            if lo == 0:
                k = torch.where(k == 0, (sigma * 3.5).to(torch.int64) * 2 + 1, k)
            k = k + (k % 2 == 0).to(torch.int64)  # an even size is used as the next odd one
        return {"sigma": sigma, "kernel_size": k}

    def apply(self, image, params, *, max_value):
        return FB._gaussian_blur(image, params["sigma"], params["kernel_size"], self._size,
                                 full=self._static_size)

    def extra_repr(self) -> str:
        return (f"blur_limit={self.blur_limit}, sigma_limit={self.sigma_limit}, "
                f"{super().extra_repr()}")


# ---------------------------------------------------------------------------------------------
# Defocus, ZoomBlur
# ---------------------------------------------------------------------------------------------
class Defocus(PixelTransform):
    """Defocus: convolution with an anti-aliased disc of random radius.

    OpenCV / albumentations: ``cv2.filter2D(img, -1, kernel)`` where ``kernel`` is the disc
    ``x^2 + y^2 <= radius^2`` on the grid -n..n (n = max(8, radius)) normalised to sum 1 and
    blurred by ``cv2.GaussianBlur(disc, (k, k), alias_blur)`` (k = 3 for radius <= 8, else 5).
    albumentations: ``A.Defocus(radius, alias_blur, p)``: radius ``randint`` in ``radius``,
    alias_blur uniform in ``alias_blur``. See :func:`gpuaug.functional.defocus_kernel`.

    Args:
        radius: disc radius range in pixels; an int v means (1, v). >= 1.
        alias_blur: Gaussian sigma range for the disc's edge; a number v means (0, v). >= 0.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        radius: (B,) int64 (0 is the identity, what skipped samples get).
        alias_blur: (B,) float32.

    Examples:
        >>> aug = Defocus(radius=(3, 5), p=1.0, seed=0)
        >>> aug(torch.rand(1, 3, 24, 24)).shape
        torch.Size([1, 3, 24, 24])
    """

    identity_params = {"radius": 0}

    def __init__(self, radius: tuple[int, int] | int = (3, 10),
                 alias_blur: tuple[float, float] | float = (0.1, 0.5), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.radius = _int_pair(radius, "radius", 1)
        if self.radius[0] < 1:
            raise ValueError(f"radius must be >= 1, got {self.radius}")
        self.alias_blur = _float_pair(alias_blur, "alias_blur", 0.0, low=0.0)

    def sample(self, rng, batch_size, image_size):
        return {"radius": rng.integers(*self.radius),
                "alias_blur": rng.uniform(*self.alias_blur)}

    def apply(self, image, params, *, max_value):
        return FB._defocus(image, params["radius"], params["alias_blur"], self.radius[1],
                           max_value)

    def extra_repr(self) -> str:
        return f"radius={self.radius}, alias_blur={self.alias_blur}, {super().extra_repr()}"


class ZoomBlur(PixelTransform):
    """Zoom blur: the mean of the image and its centre zooms by a ramp of factors.

    OpenCV / albumentations: ``(img + sum_z central_zoom(img, z)) / (n + 1)`` over
    ``zoom_factors = np.arange(1.0, max_factor, step_factor)`` (n of them), where
    ``central_zoom`` crops the centre ``ceil(H / z) x ceil(W / z)`` window, resizes it with
    ``cv2.resize(..., cv2.INTER_LINEAR)`` to ``int(ceil(H / z) * z)`` rows (likewise columns) and
    trims it back to H x W, centred. Computed in float, saturated.
    albumentations: ``A.ZoomBlur(max_factor, step_factor, p)``: step uniform in
    ``step_factor``, then ``max_factor = max(1 + step, uniform(max_factor))``.

    Each sample's factors sit in a (B, K) tensor with K the largest count the configuration
    allows (``ceil((max_factor[1] - 1) / step_factor[0])``); unused slots are 0. The cost grows
    with K: every factor is one bilinear resample of the image (8 per pass).

    Differences from albumentations: a single number ``step_factor=s`` means the step s, as
    albumentations documents it, where its code makes the range (0, s), which can draw steps near
    0 (thousands of zoom copies); ranges must be strictly positive here.

    Args:
        max_factor: range of the largest zoom factor; a number v means (1, v). >= 1.
        step_factor: range of the step between factors; a number s means (s, s). > 0.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        zoom_factors: (B, K) float64, albumentations' ``zoom_factors`` padded with 0 (unused;
            all zeros is the identity, what skipped samples get).

    Examples:
        >>> aug = ZoomBlur(max_factor=(1.05, 1.1), step_factor=0.02, p=1.0, seed=0)
        >>> aug(torch.rand(1, 3, 24, 24)).shape
        torch.Size([1, 3, 24, 24])
    """

    identity_params = {"zoom_factors": 0.0}

    def __init__(self, max_factor: tuple[float, float] | float = (1, 1.31),
                 step_factor: tuple[float, float] | float = (0.01, 0.03), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.max_factor = _float_pair(max_factor, "max_factor", 1.0, low=1.0)
        self.step_factor = to_range(step_factor, "step_factor")
        if self.step_factor[0] <= 0:
            raise ValueError(f"step_factor must be > 0 (the step between zoom factors), "
                             f"got {self.step_factor}")
        self._count = max(1, math.ceil((self.max_factor[1] - 1.0) / self.step_factor[0]))

    def sample(self, rng, batch_size, image_size):
        step = _uniform64(rng, *self.step_factor)
        top = torch.maximum(1 + step, _uniform64(rng, *self.max_factor))
        n = torch.ceil((top - 1.0) / step)                     # len(np.arange(1, top, step))
        delta = (1.0 + step) - 1.0                              # numpy's arange increment
        i = torch.arange(self._count, dtype=torch.float64, device=rng.device)
        factors = 1.0 + i[None, :] * delta[:, None]
        return {"zoom_factors": torch.where(i[None, :] < n[:, None], factors, 0.0)}

    def apply(self, image, params, *, max_value):
        return FB._zoom_blur(image, params["zoom_factors"], max_value)

    def extra_repr(self) -> str:
        return (f"max_factor={self.max_factor}, step_factor={self.step_factor}, "
                f"{super().extra_repr()}")


# ---------------------------------------------------------------------------------------------
# Sharpen, Emboss
# ---------------------------------------------------------------------------------------------
class Sharpen(PixelTransform):
    """Sharpen by a Laplacian kernel blended with the identity, or by an unsharp mask.

    OpenCV: method "kernel": ``cv2.filter2D(img, -1, (1 - alpha) I + alpha L)`` with
    ``L = [[-1, -1, -1], [-1, 8 + lightness, -1], [-1, -1, -1]]``; method "gaussian":
    ``img + alpha * (img - cv2.GaussianBlur(img, (kernel_size, kernel_size), sigma))``.
    albumentations: ``A.Sharpen(alpha, lightness, method, kernel_size, sigma, p)``; alpha and
    lightness uniform in their ranges.

    Differences from albumentations: results are saturated to the image's range (albumentations
    leaves float results of the "kernel" method outside [0, 1]). The "gaussian" method is
    computed in float: albumentations subtracts the uint8 blur from the uint8 image, which wraps
    around where the blur is brighter (then truncates), so its uint8 output there is not an
    unsharp mask; gpuaug follows the formula (and the float path, where albumentations agrees).

    Args:
        alpha: blend range, within [0, 1] (0 keeps the image).
        lightness: range of the kernel's extra centre weight, >= 0 ("kernel" method).
        method: "kernel" or "gaussian".
        kernel_size: Gaussian kernel size for the "gaussian" method, >= 3 (even sizes become
            odd, as in albumentations).
        sigma: Gaussian sigma for the "gaussian" method, > 0.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        alpha: (B,) float32.
        lightness: (B,) float32 ("kernel" method only).

    Examples:
        >>> aug = Sharpen(p=1.0, seed=0)
        >>> aug(torch.rand(2, 3, 16, 16)).shape
        torch.Size([2, 3, 16, 16])
    """

    identity_params = {"alpha": 0.0}

    def __init__(self, alpha: tuple[float, float] = (0.2, 0.5),
                 lightness: tuple[float, float] = (0.5, 1.0), method: str = "kernel",
                 kernel_size: int = 5, sigma: float = 1.0, p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.alpha = to_range(alpha, "alpha", low=0.0, high=1.0)
        self.lightness = to_range(lightness, "lightness", low=0.0)
        self.method = check_choice(method, "method", ("kernel", "gaussian"))
        kernel_size = check_int(kernel_size, "kernel_size", low=3)
        self.kernel_size = kernel_size + 1 if kernel_size % 2 == 0 else kernel_size
        self.sigma = check_number(sigma, "sigma", low=0.0, low_inclusive=False)

    def sample(self, rng, batch_size, image_size):
        params = {"alpha": rng.uniform(*self.alpha)}
        if self.method == "kernel":
            params["lightness"] = rng.uniform(*self.lightness)
        return params

    def apply(self, image, params, *, max_value):
        if self.method == "kernel":
            kernel = FB._sharpen_kernel(params["alpha"], params["lightness"])
            return FB._filter2d(image, kernel).clamp_(0, max_value)
        return FB._sharpen_gaussian(image, params["alpha"], self.kernel_size, self.sigma,
                                    max_value)

    def extra_repr(self) -> str:
        extra = (f", lightness={self.lightness}" if self.method == "kernel"
                 else f", kernel_size={self.kernel_size}, sigma={self.sigma}")
        return (f"alpha={self.alpha}, method={self.method!r}{extra}, {super().extra_repr()}")


class Emboss(PixelTransform):
    """Emboss: a directional relief kernel blended with the identity.

    OpenCV: ``cv2.filter2D(img, -1, (1 - alpha) I + alpha E)`` with
    ``E = [[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]]`` (s the strength).
    albumentations: ``A.Emboss(alpha, strength, p)``; alpha and strength uniform in their ranges.

    Differences from albumentations: results are saturated to the image's range (albumentations
    leaves float results outside [0, 1]).

    Args:
        alpha: blend range, within [0, 1] (0 keeps the image).
        strength: relief strength range, >= 0.
        p: per-sample probability of applying the transform.
        same_on_batch: one draw for the whole batch.
        seed: make the draws reproducible (see Transform).

    Params:
        alpha: (B,) float32.
        strength: (B,) float32.

    Examples:
        >>> aug = Emboss(p=1.0, seed=0)
        >>> aug(torch.rand(2, 3, 16, 16)).shape
        torch.Size([2, 3, 16, 16])
    """

    identity_params = {"alpha": 0.0}

    def __init__(self, alpha: tuple[float, float] = (0.2, 0.5),
                 strength: tuple[float, float] = (0.2, 0.7), p: float = 0.5,
                 same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.alpha = to_range(alpha, "alpha", low=0.0, high=1.0)
        self.strength = to_range(strength, "strength", low=0.0)

    def sample(self, rng, batch_size, image_size):
        return {"alpha": rng.uniform(*self.alpha), "strength": rng.uniform(*self.strength)}

    def apply(self, image, params, *, max_value):
        kernel = FB._emboss_kernel(params["alpha"], params["strength"])
        return FB._filter2d(image, kernel).clamp_(0, max_value)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, strength={self.strength}, {super().extra_repr()}"

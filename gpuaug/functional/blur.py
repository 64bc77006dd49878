"""Blur and convolution kernels: pure functions with explicit per-sample parameters, OpenCV and
albumentations 2.0.8 semantics, no randomness.

Every public function takes (B, C, H, W) or (C, H, W) images, uint8 or float in [0, 1], and
returns the same shape and dtype (uint8 rounded half-up and saturated once, at the end).
Per-sample values are Python scalars or (B,) tensors.

How per-sample kernel sizes stay sync-free: a kernel is built at the largest size the call can
need (a Python int, known before any tensor is read) with zero weight outside each sample's own
support, and the whole batch goes through one grouped convolution (the batch folded into the
channels, ``groups = B * C``), separable where the kernel is (eager on the CPU, separable
kernels of up to 9 taps run as one k x k pass: oneDNN's depthwise 1 x k and k x 1 passes cost
more). Where that largest size can only be known from tensor values (a (B,) ``kernel_size`` or
``sigma`` tensor and no ``max_kernel_size``), the public functions read it from the device once;
the transforms always pass the static bound.

Borders follow OpenCV's defaults: ``BORDER_REFLECT_101`` for every filter, except
``cv2.medianBlur``, which replicates the edge pixels.

The underscored functions work on float working images (what ``PixelTransform.apply`` gets) and
are what the transforms call.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from ..core import extern
from ..core.tensors import as_batch, finish_like, pick_samples, planar, working, per_sample
from ..core.validation import check_int, check_number
from ..core.constants import constant
from ..core.warp import normalised

__all__ = ["gaussian_blur", "box_blur", "median_blur", "filter2d", "motion_kernel",
           "motion_blur", "defocus_kernel", "defocus", "zoom_blur", "sharpen", "sharpen_gaussian",
           "emboss", "gaussian_kernel_size"]

# cv2.getGaussianKernel's fixed kernels for ksize <= 7 and sigma <= 0 (SMALL_GAUSSIAN_SIZE)
_SMALL_GAUSSIAN = {1: (1.0,), 3: (0.25, 0.5, 0.25), 5: (0.0625, 0.25, 0.375, 0.25, 0.0625),
                   7: (0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125)}
_WHOLE_KERNEL_TAPS = 9  # eager on the CPU, separable kernels up to this size run as one k x k pass
# compiled, 2-D kernels of up to this many taps run as shifted multiply-adds, not a convolution
# (per-sample kernels, batch 32, 224 px: 3 x 3 3.2 against 15.5 ms, 5 x 5 6.7 against 16.4; at
# 7 x 7 MotionBlur ran 1.29x the convolution's time)
_SHIFTED_TAPS = 25
_ZOOM_CHUNK = 8  # zoom copies resampled per pass in zoom_blur (memory: this many image copies)


# ---------------------------------------------------------------------------------------------
# Plumbing: borders, grouped convolutions, per-sample values
# ---------------------------------------------------------------------------------------------
def _fold(i: int, n: int, border: str) -> int:
    """cv2.borderInterpolate for one Python int (static index tables)."""
    if border == "replicate":
        return min(max(i, 0), n - 1)
    if n == 1:
        return 0
    period = 2 * n - 2
    t = i % period
    return t if t < n else period - t


def _planes(x: Tensor) -> Tensor:
    """Eager, the batch as channel planes (``planar``) for the convolutions and shifted planes;
    compiled, as it is: Inductor's loops (the pads before a convolution, the multiply-adds)
    read either layout, and a materialised transpose cost compiled GaussianBlur on a
    channels-last batch 1.7x, Sharpen 1.07x."""
    return x if torch.compiler.is_compiling() else planar(x)


def _pad(x: Tensor, top: int, bottom: int, left: int, right: int, border: str) -> Tensor:
    """Pad the last two dims with OpenCV's "reflect_101" or "replicate" border."""
    if not (top or bottom or left or right):
        return x
    h, w = x.shape[-2:]
    fits = max(top, bottom) < h and max(left, right) < w
    if torch.compiler.is_compiling() and fits:
        # joined from slices: a folded index (|i|) keeps Inductor's loops from vectorising
        return _join_border(_join_border(x, left, right, -1, border), top, bottom, -2, border)
    mode = "reflect" if border == "reflect_101" else "replicate"
    # F.pad for float (uint8 replicate padding is missing from older torch versions)
    if x.is_floating_point() and (border == "replicate" or fits):
        return F.pad(x, (left, right, top, bottom), mode=mode)
    # a border wider than the image: fold the indices (as OpenCV does), from a cached table
    return x.index_select(-2, _folded(h, top, bottom, border, x)).index_select(
        -1, _folded(w, left, right, border, x))


def _folded(n: int, before: int, after: int, border: str, like: Tensor) -> Tensor:
    """The source index of each of ``before + n + after`` padded positions along an axis of n
    (cv2.borderInterpolate), a cached int64 table on ``like``'s device."""
    return constant(tuple(_fold(i, n, border) for i in range(-before, n + after)), like,
                    torch.int64)


def _join_border(x: Tensor, before: int, after: int, dim: int, border: str) -> Tensor:
    """``_pad`` along one dim (both widths below its size) as a concatenation of slices."""
    if not (before or after):
        return x
    n = x.shape[dim]
    if border == "reflect_101":
        head, tail = x.narrow(dim, 1, before).flip(dim), x.narrow(dim, n - 1 - after, after).flip(dim)
    else:
        def edge(index: int, width: int) -> Tensor:
            shape = list(x.shape)
            shape[dim] = width
            return x.narrow(dim, index, 1).expand(shape)
        head, tail = edge(0, before), edge(n - 1, after)
    return torch.cat([head, x, tail], dim)


def _grouped(x: Tensor, kernel: Tensor) -> Tensor:
    """Correlate (B, C, Hp, Wp) with a kernel shared (kh, kw), per sample (B, kh, kw) or per
    sample and channel (B, C, kh, kw), no padding: one convolution for the whole batch."""
    b, c, h, w = x.shape
    kernel = kernel.to(x.dtype)
    kh, kw = kernel.shape[-2:]
    if kernel.dim() == 2 and x.device.type != "cpu":
        out = F.conv2d(x.reshape(b * c, 1, h, w), kernel[None, None])
    else:
        # a shared kernel too: oneDNN's depthwise convolution is ~6x faster on the CPU than one
        # filter over a batch of one-channel images (batch 32, 224 px, 3 x 3 and 7 x 7)
        if kernel.dim() == 2:
            weight = kernel.expand(b * c, 1, kh, kw)
        elif kernel.dim() == 3:
            weight = kernel[:, None].expand(b, c, kh, kw).reshape(b * c, 1, kh, kw)
        else:
            weight = kernel.reshape(b * c, 1, kh, kw)
        out = F.conv2d(x.reshape(1, b * c, h, w), weight, groups=b * c)
    return out.reshape(b, c, out.shape[-2], out.shape[-1])


def _filter2d(x: Tensor, kernel: Tensor, border: str = "reflect_101") -> Tensor:
    """cv2.filter2D(x, -1, kernel, borderType=border) with the anchor at the kernel centre."""
    x = _planes(x)
    kh, kw = kernel.shape[-2:]
    top, left = kh // 2, kw // 2
    if torch.compiler.is_compiling() and kh * kw <= _SHIFTED_TAPS:
        # one loop that Inductor fuses with what follows (the rounding): the columns padded
        # (a copy that also computes the previous step's pixels once), the rows read through a
        # folded row index (whole rows: vector loads); no padded copy of the rows, no layout
        # conversions around an external convolution. Sums in another order than oneDNN's:
        # uint8 results may differ from eager by one level at ties (Sharpen, batch 32, 224 px:
        # 33 of 4.8 M values)
        h, w = x.shape[-2:]
        k = kernel.to(x.dtype)
        k = k.reshape(k.shape[0], -1, 1, 1, kh, kw) if k.dim() > 2 else k
        x = _pad(x, 0, 0, left, kw - 1 - left, border)
        rows = _folded(h, top, kh - 1 - top, border, x)   # padded row y + i: source row
        out = None
        for i in range(kh):
            line = x.index_select(-2, rows[i:i + h])
            for j in range(kw):
                term = line[..., j:j + w] * k[..., i, j]
                out = term if out is None else out + term
        return out
    return _grouped(_pad(x, top, kh - 1 - top, left, kw - 1 - left, border), kernel)


def _separable(x: Tensor, taps: Tensor, border: str = "reflect_101") -> Tensor:
    """cv2.sepFilter2D(x, -1, taps, taps): the same odd 1D kernel, (K,), (B, K) or per sample
    and channel (B, C, K), along rows and columns (one copy of the per-channel weights serves
    both passes)."""
    b, c, h, w = x.shape
    k = taps.shape[-1]
    r = k // 2
    if torch.compiler.is_compiling():
        # shifted multiply-adds: Inductor fuses each pass into one loop (a grouped convolution
        # stays an external call with its own layout conversions). Three passes: the rows
        # padded (a copy that also computes the previous step's pixels once: read directly,
        # each shifted read would recompute them), the columns (``_shifted_columns``: the border
        # columns from thin strips, no padded copy), the rows from that with no second padded
        # copy, a plain loop that the next pixel step fuses into (Normalize in the ImageNet
        # pipeline). Against padding before each pass: GaussianBlur 0.86x, Blur 0.71x, the
        # ImageNet pipeline 0.91x (compiled, batch 32, 224 px, two threads); rows read through a
        # folded index instead of the first copy: GaussianBlur 0.85-0.89x of this, the pipeline
        # 1.08-1.12x (a ColorJitter before the blur computed again in every shifted read).
        # A kernel shared by the batch too: Sharpen(method="gaussian") compiled 4.9-7.5 against
        # 35-39 ms as a convolution
        t = taps.to(x.dtype)
        t = t.reshape(b, -1, 1, 1, k) if t.dim() > 1 else t
        x = _shifted_columns(_pad(x, r, r, 0, 0, border), t, border)
        return sum(x[..., i:i + h, :] * t[..., i] for i in range(k))
    x = _pad(_planes(x), r, r, r, r, border)
    taps = taps.to(x.dtype)
    if x.device.type == "cpu" and k <= _WHOLE_KERNEL_TAPS:
        # one k x k convolution of the taps' outer product: oneDNN's depthwise 1 x k and k x 1
        # passes cost more than one k x k pass up to k = 9 (batch 32, 224 px: 12.9 vs 9.0 ms at
        # 7 taps, 16.4 vs 14.2 at 9, 13.2 vs 16.1 at 11). Exact for uint8 images under OpenCV's
        # fixed-point taps (products and sums are multiples of 2^-16 below 256).
        return _grouped(x, taps[..., :, None] * taps[..., None, :])
    if taps.dim() == 2:  # per sample: expanded over the channels once, for both passes
        taps = taps[:, None].expand(b, c, k).contiguous()
    return _grouped(_grouped(x, taps[..., None, :]), taps[..., :, None])


def _shifted_columns(x: Tensor, t: Tensor, border: str) -> Tensor:
    """sum_i t[..., i] * x shifted by i - r along the columns (k = 2 r + 1 taps), OpenCV's
    ``border`` beyond the edges, traced for Inductor: the columns at least r from an edge read
    ``x`` itself, the r columns at each edge a thin padded strip, and the three parts are
    written into one output (a concatenation, which Inductor writes out), with no padded copy
    of the whole of ``x``."""
    r, w = t.shape[-1] // 2, x.shape[-1]

    def taps_over(y: Tensor, width: int) -> Tensor:  # output column j reads y's j .. j + 2 r
        return sum(y[..., i:i + width] * t[..., i] for i in range(2 * r + 1))

    if w <= 2 * r or r == 0:  # no inner columns (or no border): pad the whole image
        return taps_over(_pad(x, 0, 0, r, r, border), w)
    head = _join_border(x[..., :2 * r], r, 0, -1, border)          # 3 r columns
    tail = _join_border(x[..., w - 2 * r:], 0, r, -1, border)
    return torch.cat([taps_over(head, r), taps_over(x, w - 2 * r), taps_over(tail, r)], -1)


def _finish_like(out: Tensor, image: Tensor, batch: Tensor, single: bool) -> Tensor:
    out = finish_like(out, batch, image.dtype, clamp=True)
    return out[0] if single else out




def _bound(value, given: int | None, name: str, derive=None) -> int:
    """The static largest value of a per-sample size: ``given``, the Python value itself, or (a
    tensor with no ``given`` bound) one read from the device."""
    if given is not None:
        return check_int(given, name, low=1)
    if isinstance(value, Tensor):
        value = value.max().item()  # the only host read; pass the max_* argument to avoid it
    return int(derive(value) if derive is not None else value)


def _offsets(k: int, like: Tensor, dtype=torch.float32) -> Tensor:
    """The (k,) tap offsets -(k // 2) .. k // 2, cached on the device."""
    return constant(tuple(range(-(k // 2), k // 2 + 1)), like, dtype)


def _span(size: int, like: Tensor) -> Tensor:
    """(size,) int64: the smallest odd kernel size that reaches each tap of a centred row."""
    return constant(tuple(2 * abs(i) + 1 for i in range(-(size // 2), size // 2 + 1)), like,
                    torch.int64)


def _outside(ksize: Tensor, size: int) -> Tensor:
    """(B, ..., size) True at the taps outside each sample's own odd ``ksize`` (B, ...), centred."""
    return _span(size, ksize) > ksize[..., None]


# ---------------------------------------------------------------------------------------------
# Gaussian blur
# ---------------------------------------------------------------------------------------------
def gaussian_kernel_size(sigma: float) -> int:
    """albumentations' (PIL's) kernel size for a sigma: ``int(sigma * 3.5) * 2 + 1``."""
    return int(max(sigma, 0.0) * 3.5) * 2 + 1


def _gaussian_taps(sigma: Tensor, ksize: Tensor, size: int, opencv_zero: bool = False,
                   full: bool = False) -> Tensor:
    """(B, ..., size) normalised Gaussian taps of per-sample odd length ``ksize`` (zero outside),
    ``exp(-x^2 / (2 sigma^2))`` as cv2.getGaussianKernel and albumentations compute them, for
    (B, ...) ``sigma`` and ``ksize``. ``full``: the caller knows every ``ksize`` is ``size`` (no
    taps to mask).

    ``opencv_zero``: sigma <= 0 means what it means to cv2.GaussianBlur (a sigma derived from the
    size, and OpenCV's fixed kernels up to size 7); otherwise a sigma of 0 is the limit, a delta.
    """
    half_x2 = constant(tuple(-0.5 * i * i for i in range(-(size // 2), size // 2 + 1)), sigma)
    if opencv_zero:
        zero = sigma <= 0
        derived = 0.3 * ((ksize.to(sigma.dtype) - 1) * 0.5 - 1) + 0.8
        sigma = torch.where(zero, derived, sigma)
    var = torch.addcmul(constant((1e-12,), sigma), sigma, sigma)   # no NaN at sigma = 0
    g = half_x2 / var[..., None]
    if not full:
        g = g.masked_fill_(_outside(ksize, size), -math.inf)
    if torch.compiler.is_compiling():  # Inductor fuses these; its softmax adds a max pass
        g = g.exp_()
        g = g / g.sum(-1, keepdim=True)
    else:  # eager: one kernel (the centre tap's exponent, 0, is the largest: no shift)
        g = torch.softmax(g, -1)
    if opencv_zero:
        table = _small_gaussian_table(size, sigma)
        row = (ksize // 2).clamp(0, 3)
        fixed = (ksize <= 7) & zero
        g = torch.where(fixed[..., None], table[row], g)
    return g


def _fixed_point(taps: Tensor) -> Tensor:
    """OpenCV's uint8 GaussianBlur kernel: the float kernel (B, size), centred and symmetric,
    quantised to multiples of 1/256 by error diffusion from the outer taps inwards
    (getGaussianKernelFixedPoint_ED), the centre tap taking what makes the sum exactly 1.

    The diffusion telescopes: the first i quantised taps sum to round(256 * sum of the first i
    float taps) (rounding x - n for an integer n is rounding x, minus n, away from exact ties),
    so one cumulative sum replaces OpenCV's loop.
    """
    size = taps.shape[-1]
    half = size // 2
    if half == 0:
        return torch.ones_like(taps)
    run = torch.round(torch.cumsum(taps[:, :half].double() * 256, dim=-1))
    outer = torch.diff(run, dim=-1, prepend=torch.zeros_like(run[:, :1]))
    centre = 256 - 2 * run[:, -1:]
    return (torch.cat([outer, centre, outer.flip(-1)], dim=-1) / 256).to(taps.dtype)


def _gaussian_taps_py(k: int, sigma: float) -> tuple[float, ...]:
    """cv2.getGaussianKernel(k, sigma) as Python floats (static kernels, cached on the device)."""
    if sigma <= 0 and k in _SMALL_GAUSSIAN:
        return _SMALL_GAUSSIAN[k]
    if sigma <= 0:
        sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8
    g = [math.exp(-0.5 * (i - k // 2) ** 2 / (sigma * sigma)) for i in range(k)]
    total = sum(g)
    return tuple(v / total for v in g)


def _fixed_point_py(taps: tuple[float, ...]) -> tuple[float, ...]:
    """:func:`_fixed_point` for one static kernel, in Python."""
    half = len(taps) // 2
    run, total, outer = 0.0, 0, []
    for v in taps[:half]:
        run += v * 256
        q = round(run)                  # half-to-even, as cvRound
        outer.append(q - total)
        total = q
    centre = 256 - 2 * total
    return tuple(v / 256 for v in (*outer, centre, *outer[::-1]))


def _small_gaussian_table(size: int, like: Tensor) -> Tensor:
    """(4, size) OpenCV's fixed kernels of size 1, 3, 5, 7, centred in ``size`` taps."""
    rows = []
    for k in (1, 3, 5, 7):
        values = [0.0] * size
        for j, v in enumerate(_SMALL_GAUSSIAN[k]):
            pos = size // 2 - k // 2 + j
            if 0 <= pos < size:
                values[pos] = v
        rows.extend(values)
    return constant(tuple(rows), like).reshape(4, size)


def _check_kernel_size(kernel_size, name: str = "kernel_size", allow_zero: bool = True):
    if isinstance(kernel_size, Tensor):
        if kernel_size.is_floating_point() or kernel_size.dtype == torch.bool:
            raise TypeError(f"{name} as a tensor must hold integers, got {kernel_size.dtype}")
        return kernel_size
    k = check_int(kernel_size, name, low=0 if allow_zero else 1)
    if k % 2 == 0 and not (allow_zero and k == 0):
        raise ValueError(f"{name} must be odd{' or 0' if allow_zero else ''}, got {k}")
    return k


def _gaussian_blur(x: Tensor, sigma: Tensor, ksize: Tensor, size: int,
                   opencv_zero: bool = False, full: bool = False) -> Tensor:
    """Per-sample Gaussian blur of a float working image: (B,) sigma, (B,) odd ksize <= size
    (``full``: every ksize is ``size``). Eager, the taps are made per sample and channel,
    (B, C, size): the grouped convolution's weights without a copy that expands them over the
    channels (compiled, the blur is multiply-adds that broadcast (B, size) taps)."""
    if not torch.compiler.is_compiling():
        c = x.shape[1]
        sigma, ksize = sigma[:, None].expand(-1, c), ksize[:, None].expand(-1, c)
    return _separable(x, _gaussian_taps(sigma, ksize, size, opencv_zero, full))


def gaussian_blur(image: Tensor, kernel_size, sigma, *, max_kernel_size: int | None = None
                  ) -> Tensor:
    """Per sample ``cv2.GaussianBlur(img, (k, k), sigma, borderType=cv2.BORDER_REFLECT_101)``.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float.
        kernel_size: odd int, or 0 to derive it from sigma as albumentations does
            (``int(sigma * 3.5) * 2 + 1``), or a (B,) integer tensor of such values.
        sigma: float or (B,) tensor. With an explicit ``kernel_size``, ``sigma <= 0`` means what
            it means to OpenCV: ``0.3 * ((k - 1) * 0.5 - 1) + 0.8`` (OpenCV's fixed kernels for
            k <= 7).
        max_kernel_size: the largest kernel size in the batch, when ``kernel_size`` or ``sigma``
            is a tensor; without it that bound is read from the device (one host sync).

    For uint8 images the kernel is OpenCV's own 8-bit fixed-point one (multiples of 1/256, see
    :func:`_fixed_point`), applied in float and rounded once, which reproduces
    cv2.GaussianBlur's bit-exact uint8 path (up to float ties); float images use the float
    kernel, as OpenCV does.

    Examples:
        >>> img = torch.zeros(1, 5, 5); img[0, 2, 2] = 1
        >>> out = gaussian_blur(img, 3, 0.0)      # OpenCV's fixed [1/4, 1/2, 1/4] kernel
        >>> out[0, 1:4, 2]
        tensor([0.1250, 0.2500, 0.1250])
    """
    batch, single = as_batch(image)
    b = batch.shape[0]
    kernel_size = _check_kernel_size(kernel_size)
    x = working(batch)
    sig64 = per_sample(sigma, b, x, "sigma", torch.float64)
    sig = sig64.to(torch.float32)
    if isinstance(kernel_size, int) and kernel_size > 0:
        size, k = kernel_size, torch.full((b,), kernel_size, dtype=torch.int64, device=x.device)
    elif isinstance(kernel_size, int) and not isinstance(sigma, Tensor):
        size = gaussian_kernel_size(check_number(sigma, "sigma"))
        k = torch.full((b,), size, dtype=torch.int64, device=x.device)
    else:
        from_sigma = torch.floor(sig64.clamp_min(0) * 3.5).to(torch.int64) * 2 + 1
        if isinstance(kernel_size, int):  # 0: from sigma
            k = from_sigma
            size = _bound(sigma, max_kernel_size, "max_kernel_size",
                          derive=lambda s: gaussian_kernel_size(float(s)))
        else:
            k = kernel_size.to(x.device)
            k = torch.where(k == 0, from_sigma, k)
            size = _bound(k, max_kernel_size, "max_kernel_size")
        size += 1 - size % 2
    taps = _gaussian_taps(sig, k, size, opencv_zero=True)
    if image.dtype == torch.uint8:  # OpenCV's bit-exact fixed-point kernel for 8-bit images
        taps = _fixed_point(taps)
    out = _separable(x, taps)
    return _finish_like(out, image, batch, single)


# ---------------------------------------------------------------------------------------------
# Box and median blur
# ---------------------------------------------------------------------------------------------
def _box_blur(x: Tensor, ksize: Tensor, size: int) -> Tensor:
    """Per-sample normalised box filter (cv2.blur), odd (B,) ksize <= size."""
    taps = (_span(size, ksize)[None, :] <= ksize[:, None]) / ksize[:, None]
    return _separable(x, taps)


def box_blur(image: Tensor, kernel_size, *, max_kernel_size: int | None = None) -> Tensor:
    """Per sample ``cv2.blur(img, (k, k))`` (BORDER_REFLECT_101); ``kernel_size`` an odd int or
    a (B,) tensor of odd sizes (then ``max_kernel_size`` avoids a host read)."""
    batch, single = as_batch(image)
    kernel_size = _check_kernel_size(kernel_size, allow_zero=False)
    x = working(batch)
    k = per_sample(kernel_size, batch.shape[0], x, "kernel_size", torch.int64)
    out = _box_blur(x, k, _bound(kernel_size, max_kernel_size, "max_kernel_size"))
    return _finish_like(out, image, batch, single)


def _median_blur(x: Tensor, ksize: Tensor | int, size: int, smallest: int = 3) -> Tensor:
    """Per-sample median over a (k, k) window, odd (B,) ksize <= size (or one int k = size),
    replicated borders; ksize is 1 (the input) or at least ``smallest``.

    On the CPU, a min/max selection network on shifted planes (exact in any dtype; ~150 planes
    for 5 x 5, ~400 for 7 x 7) for each odd size from ``smallest`` to ``size``, each sample
    picking its own; elsewhere a (size, size) window per pixel, materialised and reduced with
    ``median``.
    """
    x = _planes(x)
    r = size // 2
    padded = _pad(x, r, r, r, r, "replicate")
    if x.device.type != "cpu":
        if isinstance(ksize, int):
            ksize = torch.full((x.shape[0],), ksize, dtype=torch.int64, device=x.device)
        return _median_by_sort(padded, ksize, size)
    if isinstance(ksize, int):
        return x if size == 1 else extern.median_network(padded, size, r)
    out = x  # k = 1
    for k in range(smallest, size + 1, 2):
        median = extern.median_network(padded, k, r)  # a fresh plane: selected into in place
        out = pick_samples(ksize == k, median, out, in_place=True)
    return out


def _median_by_sort(padded: Tensor, ksize: Tensor, size: int) -> Tensor:
    """The window is always ``size`` wide; for a smaller k, the taps outside the sample's own window
    are set to -inf and +inf in equal numbers (the outer ring is point-symmetric, so the first
    half of the flattened window gets -inf and the second +inf), which leaves the median of the
    whole window equal to the median of the inner one."""
    r = size // 2
    b, c = padded.shape[:2]
    h, w = padded.shape[2] - 2 * r, padded.shape[3] - 2 * r
    patches = padded.unfold(2, size, 1).unfold(3, size, 1)
    span = constant(tuple(2 * max(abs(i - r), abs(j - r)) + 1 for i in range(size)
                          for j in range(size)), padded, torch.int64)
    half = constant(tuple(-math.inf if i < size * size // 2 else math.inf
                          for i in range(size * size)), padded)
    inside = span[None, :] <= ksize[:, None]                              # (B, size * size)
    fill = half.reshape(size, size).to(padded.dtype)
    window = torch.where(inside.reshape(b, 1, 1, 1, size, size), patches, fill)
    return window.reshape(b, c, h, w, size * size).median(dim=-1).values


def _median_by_network(padded: Tensor, k: int, r: int) -> Tensor:
    """Median of every k x k window of ``padded`` (padded by r >= k // 2 on each side): the
    window's columns are sorted once per column (shared by the k windows that contain it), then
    the program of :func:`_median_program` runs on planes shifted along the width."""
    h, w = padded.shape[2] - 2 * r, padded.shape[3] - 2 * r
    o = r - k // 2
    rows = [padded[..., o + i:o + i + h, o:o + w + k - 1] for i in range(k)]
    column_sort, median = _median_programs(k)
    columns = _run_program(*column_sort, rows)                     # i-th smallest of each column
    program, output = median
    inputs = [columns[i][..., j:j + w] for i in range(k) for j in range(k)]
    return _run_program(program, [output], inputs)[0]


def _run_program(program, outputs: list[int], inputs: list[Tensor]) -> list[Tensor]:
    """Evaluate a min/max program (see :class:`_MinMaxGraph`): node ids index ``inputs`` first,
    then the steps; planes are released after their last use and their buffers reused."""
    values: dict[int, Tensor] = dict(enumerate(inputs))
    spare: list[Tensor] = []
    n = len(inputs)
    for step, (kind, a, b, dead) in enumerate(program):
        fn = torch.minimum if kind == 0 else torch.maximum
        values[n + step] = fn(values[a], values[b], out=spare.pop()) if spare \
            else fn(values[a], values[b])
        for d in dead:
            plane = values.pop(d)
            if d >= n:
                spare.append(plane)
    return [values[o] for o in outputs]


class _MinMaxGraph:
    """Builds straight-line min/max programs symbolically: nodes are ints (inputs first), a
    static +inf (``INF``) folds away, repeated steps are shared, and :meth:`program` keeps only
    the steps the outputs need, each with the nodes whose last use it is."""

    INF = -1

    def __init__(self, n_inputs: int):
        self.n_inputs = n_inputs
        self.steps: list[tuple[int, int, int]] = []
        self.ids: dict[tuple[int, int, int], int] = {}

    def op(self, kind: int, a: int, b: int) -> int:  # kind 0 = min, 1 = max
        if a == self.INF or b == self.INF:
            other = b if a == self.INF else a
            return other if kind == 0 else self.INF
        if a == b:
            return a
        key = (kind, min(a, b), max(a, b))
        if key not in self.ids:
            self.ids[key] = self.n_inputs + len(self.steps)
            self.steps.append(key)
        return self.ids[key]

    def compare(self, wires: list[int], i: int, j: int) -> None:
        wires[i], wires[j] = self.op(0, wires[i], wires[j]), self.op(1, wires[i], wires[j])

    def sort(self, wires: list[int]) -> list[int]:
        """Batcher's odd-even merge sort, on a power-of-two width padded with +inf."""
        n, width = len(wires), 1
        while width < n:
            width *= 2
        w = list(wires) + [self.INF] * (width - n)
        p = 1
        while p < width:
            k = p
            while k >= 1:
                for j in range(k % p, width - k, 2 * k):
                    for i in range(k):
                        if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                            self.compare(w, i + j, i + j + k)
                k //= 2
            p *= 2
        return w[:n]

    def merge(self, a: list[int], b: list[int]) -> list[int]:
        """Batcher's odd-even merge of two sorted lists (each padded with +inf)."""
        width = 1
        while width < max(len(a), len(b)):
            width *= 2
        w = list(a) + [self.INF] * (width - len(a)) + list(b) + [self.INF] * (width - len(b))

        def merge_range(lo: int, n: int, r: int) -> None:
            if 2 * r < n:
                merge_range(lo, n, 2 * r)
                merge_range(lo + r, n, 2 * r)
                for i in range(lo + r, lo + n - r, 2 * r):
                    self.compare(w, i, i + r)
            else:
                self.compare(w, lo, lo + r)

        merge_range(0, 2 * width, 1)
        return [v for v in w if v != self.INF]

    def program(self, outputs: list[int]):
        """(steps, outputs): the needed steps as (kind, a, b, nodes dead after it), renumbered
        so that step s is node n_inputs + s, and the outputs' node ids."""
        need, stack = set(), list(outputs)
        while stack:
            node = stack.pop()
            if node >= self.n_inputs and node not in need:
                need.add(node)
                _, a, b = self.steps[node - self.n_inputs]
                stack += [a, b]
        kept = [i for i in range(len(self.steps)) if self.n_inputs + i in need]
        renumber = {self.n_inputs + old: self.n_inputs + new for new, old in enumerate(kept)}
        last = {}
        for pos, i in enumerate(kept):
            _, a, b = self.steps[i]
            last[a] = last[b] = pos
        for o in outputs:
            last.pop(o, None)
        dead: dict[int, list[int]] = {}
        for node, pos in last.items():
            dead.setdefault(pos, []).append(renumber.get(node, node))
        steps = tuple((kind, renumber.get(a, a), renumber.get(b, b), tuple(dead.get(pos, ())))
                      for pos, (kind, a, b) in enumerate(self.steps[i] for i in kept))
        return steps, [renumber.get(o, o) for o in outputs]


def _sort_program(n: int):
    """A program sorting n inputs (outputs: the nodes of the 1st, 2nd, ... smallest)."""
    graph = _MinMaxGraph(n)
    return graph.program(graph.sort(list(range(n))))


def _median_program(k: int):
    """The median of a k x k window whose columns are sorted, from the inputs (i, j) = i-th
    smallest of column j at id i * k + j. Each row of i-th smallest values is sorted too (a
    matrix sorted by columns stays so when its rows are sorted); then the value at (i, j) has
    at least (i + 1)(j + 1) values <= it and (k - i)(k - j) values >= it, which rules out all
    but a band of candidates around the anti-diagonal; the candidates' rows are merged and the
    one at the median's rank among them is the median."""
    graph = _MinMaxGraph(k * k)
    m = (k * k - 1) // 2
    below, lists = 0, []
    for i in range(k):
        row = graph.sort([i * k + j for j in range(k)])
        kept = []
        for j in range(k):
            if (k - i) * (k - j) > k * k - m:
                below += 1
            elif (i + 1) * (j + 1) <= m + 1:
                kept.append(row[j])
        if kept:
            lists.append(kept)
    while len(lists) > 1:
        lists = [graph.merge(lists[t], lists[t + 1]) if t + 1 < len(lists) else lists[t]
                 for t in range(0, len(lists), 2)]
    program, (output,) = graph.program([lists[0][m - below]])
    return program, output


def _median_programs(k: int):
    """(column sort, median) programs for a k x k median, built once (the common sizes at import,
    so that torch.compile finds them made and does not trace the building)."""
    if k not in _MEDIAN_PROGRAMS:
        _MEDIAN_PROGRAMS[k] = (_sort_program(k), _median_program(k))
    return _MEDIAN_PROGRAMS[k]


_MEDIAN_PROGRAMS: dict = {}
for _k in (3, 5, 7, 9):
    _median_programs(_k)


def median_blur(image: Tensor, kernel_size, *, max_kernel_size: int | None = None) -> Tensor:
    """Per sample ``cv2.medianBlur(img, k)`` (replicated borders); ``kernel_size`` an odd int or
    a (B,) tensor of odd sizes. Float images are filtered in float (albumentations rounds them to
    uint8 first)."""
    batch, single = as_batch(image)
    kernel_size = _check_kernel_size(kernel_size, allow_zero=False)
    x = working(batch)
    if isinstance(kernel_size, int):
        out = _median_blur(x, kernel_size, kernel_size)
    else:
        k = per_sample(kernel_size, batch.shape[0], x, "kernel_size", torch.int64)
        out = _median_blur(x, k, _bound(kernel_size, max_kernel_size, "max_kernel_size"))
    return _finish_like(out, image, batch, single)


# ---------------------------------------------------------------------------------------------
# Arbitrary kernels: filter2D, motion blur
# ---------------------------------------------------------------------------------------------
def filter2d(image: Tensor, kernel: Tensor) -> Tensor:
    """Per sample ``cv2.filter2D(img, -1, kernel)``: correlation (the kernel is not flipped),
    anchor at the kernel centre, BORDER_REFLECT_101. ``kernel`` is (kh, kw) or per-sample
    (B, kh, kw). The result is saturated to the image's range."""
    batch, single = as_batch(image)
    if not isinstance(kernel, Tensor) or kernel.dim() not in (2, 3):
        raise ValueError("kernel must be a (kh, kw) or (B, kh, kw) tensor")
    if kernel.dim() == 3 and kernel.shape[0] != batch.shape[0]:
        raise ValueError(f"kernel has batch size {kernel.shape[0]} but the image has "
                         f"{batch.shape[0]}")
    x = working(batch)
    out = _filter2d(x, kernel.to(x.device))
    return _finish_like(out, image, batch, single)


def motion_kernel(kernel_size: Tensor, angle: Tensor, direction: Tensor, shift: Tensor,
                  size: int) -> Tensor:
    """albumentations' motion-blur line kernels, batched: (B, size, size) float32, each summing
    to 1 and centred in the ``size`` grid.

    For a sample with odd kernel size k (line half-length L = k // 2), k points
    ``t = linspace(t0, t1, k)`` are placed at ``centre + t * (cos a, sin a) + shift``, rounded
    half-to-even and clipped to the k x k frame; every pixel hit gets weight 1, then the kernel
    is normalised. ``direction`` in [-1, 1] biases the segment: [t0, t1] is [-L, L] at 0,
    [-L, L (1 - |d|)] when d < 0 and [-L (1 - d), L] when d > 0 (create_motion_kernel).

    Args:
        kernel_size: (B,) odd integers <= size.
        angle: (B,) degrees.
        direction: (B,) in [-1, 1].
        shift: (B, 2) the (x, y) shift in pixels (albumentations' ``uniform(-1, 1) * L / 2``), or
            zeros when shifts are not allowed.
        size: the static grid size (odd).
    """
    f64 = torch.float64
    k = kernel_size.to(torch.int64)
    kf = k.to(f64)
    length = torch.floor(kf / 2)                      # line_length and the centre, per sample
    # [t0, t1] = L * [-(1 - max(d, 0)), 1 - max(-d, 0)]
    d = direction.to(f64).clamp(-1.0, 1.0)
    sign, flip = constant((-1.0, 1.0), d), constant((1.0, -1.0), d)
    ends = length[:, None] * sign * (1 - (d[:, None] * flip).clamp_min(0))          # (B, 2)
    t0, t1 = ends[:, :1], ends[:, 1:]
    i = constant(tuple(range(size)), d)               # point index
    # the very operations numpy uses, in its order (no fused multiply-adds: ties must round alike)
    t = i[None, :] * ((t1 - t0) / (kf[:, None] - 1).clamp_min(1)) + t0
    t = torch.where(i[None, :] == (kf[:, None] - 1), t1, t)   # numpy's linspace ends at stop
    rad = torch.deg2rad(angle.to(f64))
    unit = torch.stack([torch.cos(rad), torch.sin(rad)], dim=1)                    # (B, 2)
    pos = (length[:, None, None] + unit[:, :, None] * t[:, None, :]) + shift.to(f64)[:, :, None]
    pos = torch.round(pos)
    pos = torch.minimum(pos.clamp_min(0), (kf - 1)[:, None, None])                 # (B, 2, size)
    # into the centred size x size grid; points past the sample's own k go nowhere (-1)
    offset = torch.floor((size - kf) / 2) * (size + 1)
    flat = torch.addcmul(pos[:, 0] + offset[:, None], pos[:, 1], constant((size,), d))
    flat = torch.where(i[None, :] < kf[:, None], flat, -1.0)
    cells = constant(tuple(range(size * size)), d)
    hit = (flat[:, :, None] == cells[None, None, :]).any(dim=1).to(torch.float32)
    return (hit / hit.sum(-1, keepdim=True)).reshape(-1, size, size)


def _identity_if_zero(kernel: Tensor) -> Tensor:
    """A (B, kh, kw) kernel where all-zero kernels (skipped samples) become a centred delta."""
    kh, kw = kernel.shape[-2:]
    empty = kernel.abs().amax((-2, -1)) == 0                               # (B,)
    delta = constant(tuple(1.0 if (i == kh // 2 and j == kw // 2) else 0.0
                           for i in range(kh) for j in range(kw)), kernel).reshape(kh, kw)
    return torch.where(empty[:, None, None], delta, kernel)


def motion_blur(image: Tensor, kernel: Tensor) -> Tensor:
    """Convolve with (B, k, k) motion kernels (from :func:`motion_kernel` or albumentations'
    ``kernel`` param) as albumentations does: ``cv2.filter2D``, BORDER_REFLECT_101. An all-zero
    kernel leaves its sample unchanged."""
    batch, single = as_batch(image)
    x = working(batch)
    out = _filter2d(x, _identity_if_zero(kernel.to(x.device)))
    return _finish_like(out, image, batch, single)


# ---------------------------------------------------------------------------------------------
# Defocus
# ---------------------------------------------------------------------------------------------
def _defocus_half(max_radius: int) -> int:
    return max(8, max_radius)


def defocus_kernel(radius: Tensor, alias_blur: Tensor, max_radius: int) -> Tensor:
    """albumentations' defocus kernels, batched: (B, S, S) float32 with S = 2 max(8, max_radius)
    + 1, each centred.

    Per sample: the disc ``x^2 + y^2 <= r^2`` on the grid -n..n (n = max(8, r)), normalised to
    sum 1, then ``cv2.GaussianBlur(disc, (k, k), alias_blur)`` with k = 3 for r <= 8, else 5,
    which reads the disc's own frame with BORDER_REFLECT_101 (built here by reflecting the grid
    coordinates about each sample's n before drawing the disc). Not renormalised afterwards, as in
    albumentations. A radius of 0 gives a centred delta (the identity).
    """
    f32 = torch.float32
    big = _defocus_half(max_radius)
    size = 2 * big + 1
    ext = big + 2                                     # room for the 5-tap blur
    r = radius.to(torch.int64)
    n = torch.clamp(r, min=8)                         # per-sample half size
    coords = constant(tuple(range(-ext, ext + 1)), r, torch.int64)
    nn_ = n[:, None]
    folded = torch.where(coords.abs()[None, :] > nn_,
                         torch.sign(coords)[None, :] * (2 * nn_ - coords.abs()[None, :]),
                         coords[None, :])             # (B, E) reflect_101 about +-n
    sq = folded * folded
    r2 = (r * r)[:, None, None]
    disc = ((sq[:, :, None] + sq[:, None, :]) <= r2).to(f32)            # (B, E, E)
    inner = (coords.abs()[None, :] <= nn_)
    frame = (inner[:, :, None] & inner[:, None, :]).to(f32)
    count = (disc * frame).sum((-2, -1))
    disc = disc / count[:, None, None]
    # the blur's 5 taps (3-tap kernels padded with zeros), OpenCV's kernel for the sigma
    ksize = torch.where(r <= 8, 3, 5)
    taps = _gaussian_taps(alias_blur.to(f32), ksize, 5, opencv_zero=True)        # (B, 5)
    blurred = _grouped(disc[:, None], taps[:, None, :])                           # rows
    blurred = _grouped(blurred, taps[:, :, None])[:, 0]                           # (B, S, S)
    inner = inner[:, 2:-2]
    blurred = blurred * (inner[:, :, None] & inner[:, None, :]).to(f32)
    delta = constant(tuple(1.0 if i == big and j == big else 0.0
                           for i in range(size) for j in range(size)), blurred)
    return torch.where((r == 0)[:, None, None], delta.reshape(size, size), blurred)


def _defocus(x: Tensor, radius: Tensor, alias_blur: Tensor, max_radius: int,
             max_value: float) -> Tensor:
    kernel = defocus_kernel(radius, alias_blur, max_radius)
    return _filter2d(x, kernel).clamp_(0, max_value)


def defocus(image: Tensor, radius, alias_blur, *, max_radius: int | None = None) -> Tensor:
    """albumentations' ``defocus(img, radius, alias_blur)``: ``cv2.filter2D`` with the kernel of
    :func:`defocus_kernel`. ``radius`` an int >= 0 or a (B,) tensor (then ``max_radius`` avoids a
    host read); ``alias_blur`` a float or (B,) tensor."""
    batch, single = as_batch(image)
    if not isinstance(radius, Tensor):
        check_int(radius, "radius", low=0)
    x = working(batch)
    b = batch.shape[0]
    r = per_sample(radius, b, x, "radius", torch.int64)
    a = per_sample(alias_blur, b, x, "alias_blur")
    out = _defocus(x, r, a, _bound(radius, max_radius, "max_radius"), _max_of(image))
    return _finish_like(out, image, batch, single)


def _max_of(image: Tensor) -> float:
    return 255.0 if image.dtype == torch.uint8 else 1.0


# ---------------------------------------------------------------------------------------------
# Zoom blur
# ---------------------------------------------------------------------------------------------
def _zoom_axis(z: Tensor, n: int) -> tuple[Tensor, Tensor]:
    """One axis of albumentations' central_zoom as OpenCV's linear resize reads it.

    For zoom factors z (B, K) float64 and an axis of n pixels: the centre crop of ceil(n / z)
    pixels starting at (n - ceil(n / z)) // 2 is resized to int(ceil(n / z) * z) pixels and
    trimmed back to n, centred. Returns the first source tap (B, K, n) int64 and the weight of
    the second one (B, K, n) float32, with cv2.resize's float32 coordinate and edge clamping.
    """
    crop = torch.ceil(n / z)
    top = torch.floor((n - crop) / 2)
    out = torch.floor(crop * z)
    trim = torch.floor((out - n) / 2)
    scale = 1.0 / (out / crop)                                # cv2: 1 / (dst / src), double
    dst = constant(tuple(range(n)), z, torch.float64)
    f = ((dst + trim[..., None] + 0.5) * scale[..., None] - 0.5).to(torch.float32)
    s = torch.floor(f)
    frac = f - s
    last = (crop - 1)[..., None].to(torch.float32)
    frac = torch.where((s < 0) | (s >= last), 0.0, frac)
    s = torch.minimum(s.clamp_min(0), last)
    return (s + top[..., None].to(torch.float32)).to(torch.int64), frac


def _zoom_blur(x: Tensor, zoom_factors: Tensor, max_value: float,
               chunk: int = _ZOOM_CHUNK) -> Tensor:
    """albumentations' zoom_blur on a float working image: the mean of the image and its central
    zooms by each factor >= 1 in ``zoom_factors`` (B, K); entries < 1 (0) are unused slots."""
    x = _planes(x)
    b, c, h, w = x.shape
    z = zoom_factors.to(device=x.device, dtype=torch.float64)
    used = z >= 1
    z = torch.where(used, z, 1.0)
    weight = used.to(x.dtype) / (used.sum(-1, keepdim=True) + 1).to(x.dtype)      # (B, K)
    y0, fy = _zoom_axis(z, h)
    x0, fx = _zoom_axis(z, w)
    out = x * (1 - weight.sum(-1))[:, None, None, None]
    if not torch.compiler.is_compiling():
        # eager: one bilinear grid_sample per zoom (its normalised coordinates move the taps by
        # ~1e-5 pixel); compiled: the two-pass gathers below, which Inductor fuses
        gy = normalised(y0.to(x.dtype) + fy, h)                            # (B, K, H)
        gx = normalised(x0.to(x.dtype) + fx, w)                            # (B, K, W)
        for k in range(z.shape[1]):
            grid = torch.stack([gx[:, k, None, :].expand(b, h, w),
                                gy[:, k, :, None].expand(b, h, w)], -1)
            zoomed = F.grid_sample(x, grid, mode="bilinear", padding_mode="border",
                                   align_corners=False)
            out = out.addcmul_(zoomed, weight[:, k, None, None, None])
        return out.clamp_(0, max_value)
    y1 = (y0 + 1).clamp_max(h - 1)
    x1 = (x0 + 1).clamp_max(w - 1)
    fy, fx = fy.to(x.dtype), fx.to(x.dtype)
    for start in range(0, z.shape[1], chunk):
        sl = slice(start, start + chunk)
        g = y0[:, sl].shape[1]
        src = x[:, None].expand(b, g, c, h, w)

        def rows(idx):
            return torch.gather(src, 3, idx[:, :, None, :, None].expand(b, g, c, h, w))

        tmp = torch.lerp(rows(y0[:, sl]), rows(y1[:, sl]), fy[:, sl, None, :, None])

        def cols(idx):
            return torch.gather(tmp, 4, idx[:, :, None, None, :].expand(b, g, c, h, w))

        tmp = torch.lerp(cols(x0[:, sl]), cols(x1[:, sl]), fx[:, sl, None, None, :])
        out = out + torch.einsum("bg,bgchw->bchw", weight[:, sl], tmp)
    return out.clamp_(0, max_value)


def zoom_blur(image: Tensor, zoom_factors: Tensor) -> Tensor:
    """albumentations' ``zoom_blur(img, zoom_factors)`` per sample: the average of the image and
    its centre crops zoomed back to full size (bilinear, as cv2.resize) by each factor.

    ``zoom_factors`` is (K,) or (B, K); entries below 1 (e.g. 0) are unused slots, so that
    samples with different numbers of factors share one tensor. The cost grows with K."""
    batch, single = as_batch(image)
    x = working(batch)
    z = zoom_factors if zoom_factors.dim() == 2 else zoom_factors[None].expand(batch.shape[0], -1)
    out = _zoom_blur(x, z, _max_of(image))
    return _finish_like(out, image, batch, single)


# ---------------------------------------------------------------------------------------------
# Sharpen, Emboss
# ---------------------------------------------------------------------------------------------
def _sharpen_kernel(alpha: Tensor, lightness: Tensor) -> Tensor:
    """(B, 3, 3): (1 - a) * I + a * [[-1, -1, -1], [-1, 8 + lightness, -1], [-1, -1, -1]]."""
    a = alpha.to(torch.float32)[:, None]
    ring = constant((-1.0, -1.0, -1.0, -1.0, 0.0, -1.0, -1.0, -1.0, -1.0), a)
    centre = constant((0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0), a)
    light = (1 - a) + a * (8 + lightness.to(torch.float32)[:, None])
    return (a * ring + light * centre).reshape(-1, 3, 3)


def _emboss_kernel(alpha: Tensor, strength: Tensor) -> Tensor:
    """(B, 3, 3): (1 - a) * I + a * [[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]]."""
    a = alpha.to(torch.float32)[:, None]
    s = strength.to(torch.float32)[:, None]
    pattern = constant((-1.0, -1.0, 0.0, -1.0, 0.0, 1.0, 0.0, 1.0, 1.0), a)   # the s terms
    base = constant((-1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), a)
    centre = constant((0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0), a)
    return ((1 - a) * centre + a * (base + s * pattern)).reshape(-1, 3, 3)


def sharpen(image: Tensor, alpha, lightness) -> Tensor:
    """albumentations' Sharpen (method="kernel"): ``cv2.filter2D`` with
    ``(1 - alpha) I + alpha L`` (L the Laplacian sharpening kernel with centre 8 + lightness),
    saturated to the image's range."""
    batch, single = as_batch(image)
    x = working(batch)
    b = batch.shape[0]
    kernel = _sharpen_kernel(per_sample(alpha, b, x, "alpha"),
                             per_sample(lightness, b, x, "lightness"))
    out = _filter2d(x, kernel)
    return _finish_like(out, image, batch, single)


def _sharpen_gaussian(x: Tensor, alpha: Tensor, kernel_size: int, sigma: float,
                      max_value: float) -> Tensor:
    taps = _gaussian_taps_py(kernel_size, sigma)
    if max_value == 255.0:  # uint8 images: OpenCV's fixed-point kernel
        taps = _fixed_point_py(taps)
    taps = constant(taps, x)
    blurred = _separable(x, taps)
    a = alpha.to(x.dtype)[:, None, None, None]
    return torch.lerp(x, blurred, -a).clamp_(0, max_value)    # x + a (x - blurred)


def sharpen_gaussian(image: Tensor, alpha, kernel_size: int, sigma: float) -> Tensor:
    """albumentations' Sharpen (method="gaussian"): the unsharp mask ``img + alpha * (img -
    cv2.GaussianBlur(img, (k, k), sigma))``, saturated. Computed in float (albumentations
    subtracts uint8 arrays, which wraps around where the blur is brighter)."""
    batch, single = as_batch(image)
    kernel_size = _check_kernel_size(kernel_size, allow_zero=False)
    sigma = check_number(sigma, "sigma")
    x = working(batch)
    a = per_sample(alpha, batch.shape[0], x, "alpha")
    out = _sharpen_gaussian(x, a, kernel_size, sigma, _max_of(image))
    return _finish_like(out, image, batch, single)


def emboss(image: Tensor, alpha, strength) -> Tensor:
    """albumentations' Emboss: ``cv2.filter2D`` with ``(1 - alpha) I + alpha E(strength)``,
    saturated to the image's range."""
    batch, single = as_batch(image)
    x = working(batch)
    b = batch.shape[0]
    kernel = _emboss_kernel(per_sample(alpha, b, x, "alpha"),
                            per_sample(strength, b, x, "strength"))
    out = _filter2d(x, kernel)
    return _finish_like(out, image, batch, single)

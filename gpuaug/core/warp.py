"""The one place where sampling coordinates are built and pixels are read.

A chain of geometric transforms is kept as a list of *segments*. A segment is a product of 3x3
matrices (source pixel -> destination pixel) between two frames; a new segment starts where a
transform brings a border of its own (``border_mode`` / ``fill``) into a frame that is not the
source image. Resampling walks back from every destination pixel through the segments:

* at each intermediate frame with a border, the coordinate is folded (reflect, reflect_101, wrap,
  replicate) or, for ``constant``, clamped and given a coverage weight that blends in the fill
  exactly as a bilinear OpenCV warp of that frame would at its edge;
* at the source image, each interpolation tap is read with OpenCV's per-tap border rule
  (``cv2.borderInterpolate``), so a chain of one transform *is* ``cv2.warpAffine`` /
  ``cv2.warpPerspective`` / ``cv2.resize``.

Coordinates for linear and cubic interpolation are quantised to 1/32 pixel as OpenCV does
(``INTER_BITS = 5``); integer maps (identity, shifts, flips, rot90, transposes, integer crops)
are therefore read exactly, whatever the interpolation. Axis-aligned chains (resizes, crops,
flips, pads) are read with two 1-D passes instead of a 2-D gather; whole-pixel crops and flips
that stay inside the frame copy whole row windows.

Everything is batched with per-sample matrices, has static shapes, and never syncs with the host.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from . import constants, extern, geometry
from .constants import constant
from .tensors import computed_once, is_channels_last

_QUANT = 32.0  # OpenCV's INTER_TAB_SIZE
_CUBIC_A = -0.75


# ---------------------------------------------------------------------------------------------
# Chains of geometric transforms
# ---------------------------------------------------------------------------------------------
@dataclass
class Segment:
    matrix: Tensor                    # (B, 3, 3) float64: input frame -> output frame
    in_size: tuple[int, int]          # (H, W) of the input frame
    border: str | None = None         # border rule in the input frame; None: never left
    fill: float | tuple = 0.0
    fill_mask: float = 0.0
    axis_aligned: bool = True         # no rotation or shear (flips allowed)
    projective: bool = False
    transparent: bool = True          # only exact pixel permutations so far (flips, rot90, ...)
    integer: bool = True              # whole-pixel moves only (integer shifts, crops, pads, ...)
    host: tuple[float, ...] | None = None  # the matrix as nine numbers, when one for all samples
    mirrors: bool = False             # holds a pixel permutation (flip, ...): may reverse an axis


@dataclass
class Chain:
    """A run of geometric transforms that will be resampled once."""

    source_size: tuple[int, int]
    size: tuple[int, int]
    segments: list[Segment] = field(default_factory=list)
    interpolation: str | None = None
    mask_interpolation: str | None = None
    max_scale: tuple[float, float] = (1.0, 1.0)   # bound on source pixels per output pixel

    @property
    def empty(self) -> bool:
        return not self.segments

    def accepts(self, interpolation: str | None, mask_interpolation: str | None) -> bool:
        """False when the transform wants another interpolation than the run so far (resample first)."""
        return ((interpolation is None or self.interpolation in (None, interpolation))
                and (mask_interpolation is None
                     or self.mask_interpolation in (None, mask_interpolation)))

    def add(self, matrix: Tensor, out_size: tuple[int, int], *, border: str | None = None,
            fill=0.0, fill_mask=0.0, interpolation: str | None = None,
            mask_interpolation: str | None = None, axis_aligned: bool = False,
            projective: bool = False, exact: bool = False, integer: bool = False,
            max_scale: tuple[float, float] | None = None,
            host: tuple[float, ...] | None = None) -> None:
        """Append one transform: ``matrix`` maps the current frame to a frame of ``out_size``.

        ``exact`` marks a pixel permutation of the frame (flip, rot90, transpose): it moves no
        frame edge, so a border that follows may be handled at the source. ``integer`` marks a
        map of whole pixels (integer shifts, crops and pads, flips, rot90s, transposes): every
        output pixel is one input pixel or the border, neighbours staying neighbours (unit steps,
        no scaling: the row-window read relies on it). ``max_scale`` bounds
        the source pixels per output pixel the transform can produce (y, x), where the frame sizes
        alone understate it (area interpolation sizes its taps from this bound). ``host``:
        ``matrix`` as nine numbers when every sample has the same (see ``Resampler``).
        """
        if interpolation is not None:
            self.interpolation = interpolation
        if mask_interpolation is not None:
            self.mask_interpolation = mask_interpolation
        h, w = self.size
        bound = max_scale or (h / out_size[0], w / out_size[1])
        self.max_scale = (self.max_scale[0] * max(1.0, bound[0]),
                          self.max_scale[1] * max(1.0, bound[1]))
        last = self.segments[-1] if self.segments else None
        # A border-free transform joins the current segment; a transform with a border joins it
        # only while that segment is a pure pixel permutation of its input frame (flips, rot90,
        # transposes), so that its border can still be applied there.
        if last is not None and (border is None or (last.transparent and last.border is None)):
            last.matrix = matrix @ last.matrix
            last.axis_aligned = last.axis_aligned and axis_aligned
            last.projective = last.projective or projective
            last.transparent = last.transparent and exact
            last.integer = last.integer and (integer or exact)
            last.mirrors = last.mirrors or exact
            last.host = (None if host is None or last.host is None
                         else geometry.rows_product(host, last.host))
            if border is not None:
                last.border, last.fill, last.fill_mask = border, fill, fill_mask
        else:
            self.segments.append(Segment(matrix, self.size, border, fill, fill_mask,
                                         axis_aligned, projective, exact, integer or exact, host,
                                         mirrors=exact))
        self.size = tuple(out_size)

    def matrix(self) -> Tensor:
        """The whole chain as one matrix (source -> destination), for boxes and keypoints."""
        out = self.segments[0].matrix
        for seg in self.segments[1:]:
            out = seg.matrix @ out
        return out


# ---------------------------------------------------------------------------------------------
# Borders and interpolation taps
# ---------------------------------------------------------------------------------------------
def fold_index(i: Tensor, n: int, border: str) -> tuple[Tensor, Tensor | None]:
    """cv2.borderInterpolate on integer tap positions: (index in [0, n), validity for constant)."""
    if border == "constant":
        valid = (i >= 0) & (i < n)
        return i.clamp(0, n - 1), valid
    if border == "replicate":
        return i.clamp(0, n - 1), None
    if border == "wrap":
        return i.remainder(n), None
    if border == "reflect":
        t = i.remainder(2 * n)
        return torch.where(t < n, t, 2 * n - 1 - t), None
    if border == "reflect_101":
        if n == 1:
            return torch.zeros_like(i), None
        t = i.remainder(2 * n - 2)
        return torch.where(t < n, t, 2 * n - 2 - t), None
    raise ValueError(f"unknown border mode {border!r}")


def fold_coordinate(u: Tensor, n: int, border: str, nearest: bool) -> tuple[Tensor, Tensor | None]:
    """A border rule applied to continuous coordinates in an intermediate frame of n pixels.

    Returns the coordinate brought inside [0, n - 1] and, for ``constant``, the coverage in
    [0, 1]: the weight of in-frame taps that a linear (or nearest) OpenCV warp of this frame
    would have used.
    """
    if border == "constant":
        if nearest:
            cov = ((u >= -0.5) & (u < n - 0.5)).to(u.dtype)
        elif n == 1:
            cov = (u + 1).clamp(0, 1) * (n - u).clamp(0, 1)
        else:  # (u + 1) and (n - u), each clamped to [0, 1]: one of them is 1 when n >= 2
            cov = torch.add(u, 1)
            cov = torch.minimum(cov, torch.rsub(u, n), out=cov).clamp_(0, 1)
        return u.clamp(0, n - 1), cov
    if border == "replicate":
        return u.clamp(0, n - 1), None
    if border == "wrap":
        return ((u + 0.5).remainder(n) - 0.5).clamp(0, n - 1), None
    if border == "reflect":
        t = (u + 0.5).remainder(2 * n)
        return (n - 0.5 - (t - n).abs()).clamp(0, n - 1), None
    if border == "reflect_101":
        if n == 1:
            return torch.zeros_like(u), None
        t = u.remainder(2 * n - 2)
        return (n - 1 - (t - (n - 1)).abs()), None
    raise ValueError(f"unknown border mode {border!r}")


def _cubic_weights(f: Tensor) -> Tensor:
    """OpenCV's bicubic weights (A = -0.75) for taps at -1, 0, 1, 2 around a fraction f."""
    a = _CUBIC_A
    x0, x1, x2, x3 = f + 1, f, 1 - f, 2 - f
    w0 = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a
    w1 = ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1
    w2 = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1
    w3 = 1 - w0 - w1 - w2
    return torch.stack([w0, w1, w2, w3], dim=-1)


def taps(base: Tensor, frac: Tensor, n: int, interpolation: str,
         border: str) -> tuple[Tensor, Tensor]:
    """Tap indices (..., k) int64 and weights (..., k) float32 around integer positions ``base``
    with fractions ``frac``, in a frame of n pixels; taps outside under ``constant`` weigh zero."""
    if interpolation == "cubic":
        offsets = constants.arange(-1, 3, base.device)
        weights = _cubic_weights(frac)
    else:  # linear (area in a warp is linear, as in OpenCV)
        offsets = constants.arange(0, 2, base.device)
        weights = torch.stack([1 - frac, frac], dim=-1)
    idx, valid = fold_index(base[..., None] + offsets, n, border)
    if valid is not None:
        weights = weights * valid
    return idx, weights


def split(u: Tensor) -> tuple[Tensor, Tensor]:
    """Continuous coordinates -> (integer base, float32 fraction)."""
    base = torch.floor(u)
    return base.to(torch.int64), (u - base).to(torch.float32)


def nearest_taps(u: Tensor, n: int, border: str) -> tuple[Tensor, Tensor | None]:
    """The nearest pixel (integer ``u`` is taken as it is; float ``u`` rounds ties up, as OpenCV's
    fixed-point rounding does) and its validity under ``constant``."""
    i = torch.floor(u + 0.5).to(torch.int64) if u.is_floating_point() else u.to(torch.int64)
    return fold_index(i, n, border)


def area_taps(lo: Tensor, hi: Tensor, n: int, k: int) -> tuple[Tensor, Tensor]:
    """Box-filter taps for the source interval [lo, hi) in edge coordinates (cv2.INTER_AREA).

    The interval is clipped to the image [0, n] and the weights normalised by its clipped length.
    """
    lo_c, hi_c = lo.clamp(0, n), hi.clamp(0, n)
    first = torch.floor(lo_c).clamp(max=n - 1)
    cells = first[..., None] + constants.arange(0, k, lo.device, lo.dtype)
    overlap = (torch.minimum(cells + 1, hi_c[..., None]) - torch.maximum(cells, lo_c[..., None]))
    overlap = overlap.clamp(min=0)
    length = (hi_c - lo_c).clamp(min=1e-12)
    weights = (overlap / length[..., None]).to(torch.float32)
    return cells.to(torch.int64).clamp(0, n - 1), weights


def area_upscale_taps(coord: Tensor, scale: Tensor, forward: Tensor, n: int) -> tuple[Tensor, Tensor]:
    """cv2.resize INTER_AREA when not shrinking on both axes: linear taps with OpenCV's area-mode
    fraction ``fx = (dx + 1) - (sx + 1) / scale``, ``sx = floor(dx * scale)``.

    ``coord`` holds the source pixel-centre coordinates of the output pixels (B, L), ``scale`` the
    source pixels per output pixel and ``forward`` its reciprocal as the matrix holds it (B, 1).
    Where the output frame starts at a whole source pixel (a resize, or a crop then resize), the
    output index and the offset are separated so that ``dx * scale`` is OpenCV's own double
    product: its floor decides the tap, and OpenCV's rounding of it is part of its result.
    """
    dx = constants.arange(0, coord.shape[-1], coord.device, coord.dtype)
    offset = coord[..., :1] + 0.5 - 0.5 * scale            # source edge of the first output pixel
    whole = torch.round(offset)
    aligned = (offset - whole).abs() < 1e-7
    local = dx * scale
    sx_local = torch.where(aligned, torch.floor(local), torch.floor(local + offset) - whole)
    fx = (dx + 1) - (sx_local + 1) * forward
    fx = fx.to(torch.float32)
    fx = torch.where(fx <= 0, torch.zeros_like(fx), fx - torch.floor(fx))
    base = (sx_local + whole).to(torch.int64)
    idx = torch.stack([base, base + 1], dim=-1)
    weights = torch.stack([1 - fx, fx], dim=-1)
    return idx.clamp(0, n - 1), weights


# ---------------------------------------------------------------------------------------------
# Resampling
# ---------------------------------------------------------------------------------------------
def _affine_coords(inv: Tensor, x: Tensor, y: Tensor, projective: bool) -> tuple[Tensor, Tensor]:
    """Map destination coordinates through (B, 3, 3) float32 inverse matrices (elementwise ops:
    immune to TF32 matmul settings, exact for integer matrices): u = x m00 + (y m01 + m02),
    rounded after each product and sum (no fused multiply-add, so eager and compiled agree).
    One fresh plane per result and one scratch, the rest in place (fresh planes page-fault on
    the CPU)."""
    def entry(r, c):
        return inv[:, r, c].view(-1, *([1] * (x.dim() - 1)))

    scratch = None

    def row(r):
        nonlocal scratch
        t = torch.mul(y, entry(r, 1)).add_(entry(r, 2))
        scratch = torch.mul(x, entry(r, 0), out=scratch)
        return t.add_(scratch) if t.shape == scratch.shape else t + scratch

    u, v = row(0), row(1)
    if projective:
        w = row(2)
        w.masked_fill_(w.abs() < 1e-8, 1e-8)
        u, v = u.div_(w), v.div_(w)
    return u, v


@dataclass
class _Blend:
    coverage: Tensor        # broadcastable to (B, 1, Ho, Wo)
    fill: float | tuple
    fill_mask: float
    inside: Callable[[], Tensor]  # bool, nearest-rule coverage for masks (made when a read needs it)
    _valid: Tensor | None = None

    def valid(self) -> Tensor:
        if self._valid is None:
            self._valid = self.inside()
        return self._valid


class Resampler:
    """Where every output pixel of a chain reads from: built once, applied to images and masks."""

    def __init__(self, chain: Chain, batch_size: int, device: torch.device):
        self.chain = chain
        self.out_size = chain.size
        self.src_size = chain.source_size
        self.batch_size = batch_size
        self.device = device
        self.interpolation = chain.interpolation or "nearest"
        self.mask_interpolation = chain.mask_interpolation or "nearest"
        self.source_border = chain.segments[0].border or "replicate"
        self.separable = all(s.axis_aligned and not s.projective for s in chain.segments)
        self.blends: list[_Blend] = []
        self.index = self.uv = self.windows = None
        # one matrix for all samples: whole-batch reads, the per-sample plan only when a read
        # needs it (a mask read with nearest after a whole-batch resize)
        self.whole = _whole_batch_plan(chain)
        if isinstance(self.whole, _WholeResize) and torch.compiler.is_compiling():
            self.whole = None  # Inductor's lowering of F.interpolate: 2x its two-pass gather
        self.planned = False
        if self.whole is None:
            self._plan()

    # ---- planning: coordinates in the source frame ----------------------------------------
    def _plan(self):
        chain = self.chain
        if len(chain.segments) == 1 and chain.segments[0].integer:
            self._plan_integer()
        elif self.separable:
            self._plan_separable()
        else:
            self._plan_2d()
        self.planned = True

    def _walk(self, u, v, uv=None):
        """Walk destination coordinates back through the segments; handle intermediate borders.

        Separable chains may pass ``uv`` instead of ``u`` and ``v``: x along row 0 and y along
        row 1 of one (B, 2, L) tensor, walked with one op per step until a border folds the axes
        apart. Returns (u, v, uv), uv None once the axes are apart (u and v are then its rows)."""
        segments = self.chain.segments
        nearest = self.interpolation in ("nearest", "nearest_exact")
        for index in range(len(segments) - 1, -1, -1):
            seg = segments[index]
            if self.separable:
                # invert x' = m00 x + m02 directly (1 / m00 is cv2.resize's scale_x, bit for bit)
                m = seg.matrix
                diag = m.diagonal(dim1=1, dim2=2)[:, :2]       # (B, 2): m00, m11 (a view)
                inv = diag.reciprocal()
                if uv is not None:
                    uv = inv[..., None] * (uv - m[:, :2, 2, None])
                else:
                    u, v = inv[:, :1] * (u - m[:, 0, 2, None]), inv[:, 1:] * (v - m[:, 1, 2, None])
                self._diagonals.append((inv, diag))
            else:
                inv = geometry.inverse(seg.matrix)
                u, v = _affine_coords(inv.to(torch.float32), u, v, seg.projective)
            if index == 0 or seg.border is None:
                continue
            if uv is not None:
                (u, v), uv = self._rows(uv), None
            h, w = seg.in_size
            unfolded_u, unfolded_v = u, v
            u, cov_u = fold_coordinate(u, w, seg.border, nearest)
            v, cov_v = fold_coordinate(v, h, seg.border, nearest)
            if cov_u is None:
                continue
            if self.separable:
                cov = cov_v[:, :, None] * cov_u[:, None, :]
            else:
                cov = cov_u.mul_(cov_v)  # fresh from fold_coordinate
            self.blends.append(_Blend(cov[:, None].to(torch.float32), seg.fill, seg.fill_mask,
                                      functools.partial(_inside_2d, unfolded_u, unfolded_v, h, w,
                                                        self.separable)))
        if uv is not None:
            u, v = self._rows(uv)
        return u, v, uv

    def _rows(self, uv: Tensor) -> tuple[Tensor, Tensor]:
        """The x row (B, Wo) and the y row (B, Ho) of a (B, 2, L) coordinate tensor (views)."""
        return uv[:, 0, :self.out_size[1]], uv[:, 1, :self.out_size[0]]

    def _plan_integer(self):
        """A map of whole pixels (crops, pads, flips, rot90s, transposes): every output pixel
        reads one source pixel, whatever the interpolation, so one flat-index gather reads it
        (the border folds each axis's index as cv2.borderInterpolate does); an axis-aligned map
        that never leaves the frame copies row windows instead (``_RowWindows``)."""
        h, w = self.src_size
        ho, wo = self.out_size
        seg = self.chain.segments[0]
        inv = geometry.inverse(seg.matrix).round().to(torch.int64)                  # (B, 3, 3)
        self.index_valid = None
        if seg.border is None and seg.axis_aligned:
            self.windows = _RowWindows.plan(inv, (ho, wo), seg.mirrors)
            return
        x = constants.arange(0, wo, self.device, torch.int64).view(1, 1, wo)
        y = constants.arange(0, ho, self.device, torch.int64).view(1, ho, 1)
        if seg.border is None:  # never leaves the frame: flat index per unit of x, y and 1
            steps = inv[:, 1, :] * w + inv[:, 0, :]
            row = steps[:, 1, None, None] * y + steps[:, 2, None, None]            # (B, Ho, 1)
            self.index = (steps[:, 0, None, None] * x + row)[:, None]                   # (B, 1, Ho, Wo)
            return
        if seg.axis_aligned:  # u from x only, v from y only: fold the short axes
            u = inv[:, 0, 0, None, None] * x + inv[:, 0, 2, None, None]             # (B, 1, Wo)
            v = inv[:, 1, 1, None, None] * y + inv[:, 1, 2, None, None]             # (B, Ho, 1)
        else:
            u = inv[:, 0, 0, None, None] * x + (inv[:, 0, 1, None, None] * y + inv[:, 0, 2, None, None])
            v = inv[:, 1, 0, None, None] * x + (inv[:, 1, 1, None, None] * y + inv[:, 1, 2, None, None])
        u, valid_u = fold_index(u, w, seg.border)
        v, valid_v = fold_index(v, h, seg.border)
        self.index = (v * w + u).expand(self.batch_size, ho, wo)[:, None]
        if valid_u is not None:
            self.index_valid = (valid_v & valid_u)[:, None]

    def _plan_separable(self):
        ho, wo = self.out_size
        dt = geometry.DTYPE
        xy = constants.arange(0, max(ho, wo), self.device, dt).expand(self.batch_size, 2, -1)
        self._diagonals = []  # (1 / m, m) diagonals of the segments, last segment first
        self._scale_cache = None
        self.u, self.v, self.uv = self._walk(None, None, xy)

    def _scales(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """(du, dv, fu, fv), each (B, 1): source pixels per output pixel along x and y, and the
        forward scales (output pixels per source pixel); made only when a read needs them."""
        if self._scale_cache is None:
            du = dv = fu = fv = None
            for inv, diag in self._diagonals:
                scale, fwd = inv.abs(), diag.abs()
                if du is None:
                    du, dv, fu, fv = scale[:, :1], scale[:, 1:], fwd[:, :1], fwd[:, 1:]
                else:
                    du, dv = du * scale[:, :1], dv * scale[:, 1:]
                    fu, fv = fu * fwd[:, :1], fv * fwd[:, 1:]
            self._scale_cache = (du, dv, fu, fv)
        return self._scale_cache

    def _plan_2d(self):
        ho, wo = self.out_size
        segments = self.chain.segments
        self.fixed = self.fixed_projective = self.u = self.v = None
        if len(segments) == 1 and not segments[0].projective:
            self.fixed = _opencv_affine_fixed(segments[0].matrix, ho, wo)
            return
        if len(segments) == 1:
            self.fixed_projective = segments[0].matrix
            return
        x = constants.arange(0, wo, self.device, torch.float32).view(1, 1, wo)
        y = constants.arange(0, ho, self.device, torch.float32).view(1, ho, 1)
        u, v, _ = self._walk(x, y)
        self.u, self.v = u.expand(self.batch_size, ho, wo), v.expand(self.batch_size, ho, wo)

    def _coords_2d(self, nearest: bool):
        """(base_x, frac_x, base_y, frac_y) on OpenCV's grid, or nearest indices (frac None)."""
        if self.fixed is not None and nearest:  # round_delta = AB_SCALE / 2, then >> AB_BITS
            x0, ax, y0, ay = self.fixed
            return (x0[:, :, None] + ax[:, None, :] + 512) >> 10, None, \
                   (y0[:, :, None] + ay[:, None, :] + 512) >> 10, None
        if self.fixed_projective is not None and nearest:
            x, y = _opencv_perspective_fixed(self.fixed_projective, *self.out_size, 1.0)
            return x, None, y, None
        if nearest:
            return self.u, None, self.v, None
        qx, qy = self._quantised_2d()
        return (qx >> 5, (qx & 31).to(torch.float32) * (1 / _QUANT),
                qy >> 5, (qy & 31).to(torch.float32) * (1 / _QUANT))

    def _quantised_2d(self) -> tuple[Tensor, Tensor]:
        """Source coordinates (B, Ho, Wo) in integer 1/32 pixels, as OpenCV's warps compute them
        for linear and cubic interpolation."""
        if self.fixed is not None:
            x0, ax, y0, ay = self.fixed
            return (((x0 + 16)[:, :, None] + ax[:, None, :]) >> 5,
                    ((y0 + 16)[:, :, None] + ay[:, None, :]) >> 5)
        if self.fixed_projective is not None:
            return _opencv_perspective_fixed(self.fixed_projective, *self.out_size, _QUANT)
        return (torch.mul(self.u, _QUANT).round_().to(torch.int64),
                torch.mul(self.v, _QUANT).round_().to(torch.int64))

    # ---- reading --------------------------------------------------------------------------
    def _axis_taps(self, coord: Tensor, scale: Tensor, forward: Tensor, n: int, interpolation: str,
                   max_scale: float):
        """Per-axis taps for the separable path (coord float64 (B, L))."""
        if interpolation in ("nearest", "nearest_exact"):
            idx, valid = nearest_taps(coord, n, self.source_border)
            return idx[..., None], None if valid is None else valid[..., None]
        if interpolation == "area":
            # cv2.resize INTER_AREA box-filters only when both axes shrink (scale >= 1 on both);
            # otherwise it uses its area-mode linear rule on both axes.
            k = max(int(math.ceil(max_scale - 1e-9)) + 1, 2)
            centre_edge = coord + 0.5
            idx_d, w_d = _pad_taps(*area_taps(centre_edge - scale / 2, centre_edge + scale / 2, n, k), k)
            idx_u, w_u = _pad_taps(*area_upscale_taps(coord, scale, forward, n), k)
            du, dv = self._scales()[:2]
            both_down = ((du >= 1) & (dv >= 1))[..., None]
            return torch.where(both_down, idx_d, idx_u), torch.where(both_down, w_d, w_u)
        # axis-aligned chains follow cv2.resize: exact (unquantised) source coordinates
        base, frac = split(coord)
        return taps(base, frac, n, interpolation, self.source_border)

    def _area_down_taps(self, base: str):
        """albumentations' ``area_for_downscale``: INTER_AREA for the samples that shrink along
        either axis, ``base`` interpolation for the others (a per-sample choice of taps)."""
        h, w = self.src_size
        du, dv, fu, fv = self._scales()
        down = ((du > 1) | (dv > 1))[..., None]  # (B, 1, 1)
        out = []
        for coord, scale, forward, n, bound in (
                (self.u, du, fu, w, self.chain.max_scale[1]),
                (self.v, dv, fv, h, self.chain.max_scale[0])):
            ia, wa = self._axis_taps(coord, scale, forward, n, "area", bound)
            ib, wb = self._axis_taps(coord, scale, forward, n, base, bound)
            if wb is None or wb.dtype == torch.bool:  # nearest: one tap of weight 1 (or validity)
                wb = torch.ones(ib.shape, dtype=torch.float32, device=ib.device) if wb is None \
                    else wb.to(torch.float32)
            k = max(ia.shape[-1], ib.shape[-1])
            ia, wa = _pad_taps(ia, wa, k)
            ib, wb = _pad_taps(ib, wb, k)
            out += [torch.where(down, ia, ib), torch.where(down, wa, wb)]
        return out

    def image(self, image: Tensor) -> Tensor:
        """Resample (B, C, H, W) ``image`` (any dtype; float32 result unless nearest)."""
        return self._read(image, self.interpolation, is_mask=False)

    def mask(self, mask: Tensor) -> Tensor:
        """Resample a (B, K, H, W) mask with the mask interpolation (nearest keeps its dtype)."""
        return self._read(mask, self.mask_interpolation, is_mask=True)

    def _read(self, image: Tensor, interpolation: str, is_mask: bool) -> Tensor:
        seg0 = self.chain.segments[0]
        src_fill = _fill_for(seg0.fill_mask if is_mask else seg0.fill, image.dtype)
        if isinstance(self.whole, _WholeShift):
            return self.whole.read(image, src_fill)
        if isinstance(self.whole, _WholeResize) and interpolation == "linear":
            return self.whole.read(image, self.out_size)
        if not self.planned:
            self._plan()
        nearest = interpolation in ("nearest", "nearest_exact")
        if self.windows is not None:
            return self.windows.read(image)
        if self.index is not None:
            b, c, h, w = image.shape
            ho, wo = self.out_size
            # the flat source broadcast over output rows keeps the index 4-D: a compiled loop then
            # walks rows and columns instead of dividing a flat position by the width
            source = image.reshape(b, c, 1, h * w).expand(b, c, ho, h * w)
            index = self.index.expand(b, c, ho, wo)
            if is_channels_last(image) and not torch.compiler.is_compiling():
                # gathered straight into a channels-last result (NCHW, then transposed back:
                # 3.7x the time, uint8 batch 32, 256 px)
                out = torch.empty((b, c, ho, wo), dtype=image.dtype, device=image.device,
                                  memory_format=torch.channels_last)
                out = torch.gather(source, 3, index, out=out)
            else:
                out = torch.gather(source, 3, index)
            # interpolating between whole pixels reads them exactly; outside, the fill as is
            return out if self.index_valid is None else _where_fill(out, self.index_valid, src_fill)
        if self.separable:
            out, cov = self._read_separable(image, interpolation)
        else:
            out, cov = self._read_2d(image, interpolation, _is_zero(src_fill))
        out = _apply_fill(out, cov, src_fill, nearest)
        for blend in reversed(self.blends):
            fill = _fill_for(blend.fill_mask if is_mask else blend.fill, image.dtype)
            if nearest:
                out = _where_fill(out, blend.valid(), fill)
            else:
                out = _blend_fill(out, blend.coverage, fill)
        return out

    def _read_separable(self, image: Tensor, interpolation: str):
        h, w = self.src_size
        ho, wo = self.out_size
        if interpolation == "linear" and self.source_border == "replicate" \
                and not torch.compiler.is_compiling():
            # eager: one grid_sample kernel; compiled: the two-pass gather below, which Inductor
            # fuses into one loop (it lowers grid_sample less well)
            return self._read_bilinear_clamped(image), None
        if interpolation.startswith("area_down:"):
            ix, wx, iy, wy = self._area_down_taps(interpolation.split(":", 1)[1])
        else:
            du, dv, fu, fv = self._scales()
            ix, wx = self._axis_taps(self.u, du, fu, w, interpolation, self.chain.max_scale[1])
            iy, wy = self._axis_taps(self.v, dv, fv, h, interpolation, self.chain.max_scale[0])
        # compiled: the taps written out before the gathers. Inlined, Inductor would redo the
        # float64 coordinate maths for every pixel the gathers read and vectorise that loop with
        # slow emulated gathers; reading precomputed taps it emits a plain scalar loop, 2.5x
        # faster (RandomResizedCrop + flip at batch 32, 224 px: ~15 -> ~6 ms)
        ix, wx, iy, wy = (computed_once(t) for t in (ix, wx, iy, wy))
        b, c = image.shape[:2]
        kx, ky = ix.shape[-1], iy.shape[-1]
        nearest = interpolation in ("nearest", "nearest_exact")

        def along_w(x):
            rows = x.shape[2]
            out = None
            for t in range(kx):  # one gather per tap, accumulated: no (…, k) intermediate
                idx = ix[..., t].reshape(b, 1, 1, wo).expand(b, c, rows, wo)
                g = torch.gather(x, 3, idx)
                if nearest:
                    return g
                out = _accumulate(out, g, wx[..., t].reshape(b, 1, 1, wo))
            return out

        def along_h(x):
            cols = x.shape[3]
            out = None
            for t in range(ky):
                idx = iy[..., t].reshape(b, 1, ho, 1).expand(b, c, ho, cols)
                g = torch.gather(x, 2, idx)
                if nearest:
                    return g
                out = _accumulate(out, g, wy[..., t].reshape(b, 1, ho, 1))
            return out

        # eager: the cheaper pass first. Compiled: along W first, always: Inductor writes that
        # pass out and the row gather reads it with vector loads; the other order it fuses into
        # one loop of scalar gathers, 1.8-2.5x slower on the CPU (three input shapes measured)
        w_first = h * wo * kx + ho * wo * ky <= ho * w * ky + ho * wo * kx
        if w_first or torch.compiler.is_compiling():
            out = along_h(along_w(image))
        else:
            out = along_w(along_h(image))
        if nearest:
            cov = None
            if wx is not None or wy is not None:
                vx = wx[..., 0] if wx is not None else torch.ones_like(self.u, dtype=torch.bool)
                vy = wy[..., 0] if wy is not None else torch.ones_like(self.v, dtype=torch.bool)
                cov = (vy[:, :, None] & vx[:, None, :])[:, None]
        else:
            cov = None
            if self.source_border == "constant":
                cov = (wy.sum(-1)[:, :, None] * wx.sum(-1)[:, None, :])[:, None]
        return out, cov

    def _read_bilinear_clamped(self, image: Tensor) -> Tensor:
        """cv2.resize's INTER_LINEAR (taps clamped to the image) for an axis-aligned chain, in one
        fused kernel: grid_sample with border padding computes exactly this rule. The pixel
        coordinates pass through grid_sample's normalised ones (align_corners=False), which moves
        them by ~1e-5 pixel: results agree with the two-pass gather to ~1e-3 of a level."""
        h, w = self.src_size
        ho, wo = self.out_size
        b = image.shape[0]
        if self.uv is not None:  # both axes in one (B, 2, L) tensor: one op per step
            gx, gy = self._rows(normalised(self.uv, (w, h)).to(torch.float32))
        else:
            gx = normalised(self.u, w).to(torch.float32)                    # (B, Wo)
            gy = normalised(self.v, h).to(torch.float32)                    # (B, Ho)
        grid = torch.stack([gx[:, None, :].expand(b, ho, wo), gy[:, :, None].expand(b, ho, wo)], -1)
        source = image if image.dtype in (torch.float32, torch.float64) else image.to(torch.float32)
        return torch.nn.functional.grid_sample(source, grid.to(source.dtype), mode="bilinear",
                                               padding_mode="border", align_corners=False)

    def _read_2d(self, image: Tensor, interpolation: str, zero_fill: bool = False):
        h, w = self.src_size
        ho, wo = self.out_size
        b, c = image.shape[:2]
        flat = image.reshape(b, c, h * w)
        if interpolation.startswith("area_down:"):
            interpolation = interpolation.split(":", 1)[1]
        nearest = interpolation in ("nearest", "nearest_exact")
        # float32: only where the float32 canvas makes the coordinates exact (integer maps
        # must read pixels bit for bit)
        by_grid_sample = image.dtype == torch.uint8 or (
            image.dtype == torch.float32 and interpolation == "linear"
            and self.source_border in ("constant", "replicate") and _canvas(h, w) is not None)
        if not nearest and by_grid_sample and self.source_border in _GRID_SAMPLE_BORDERS \
                and not torch.compiler.is_compiling():
            return self._read_2d_grid_sample(image, interpolation, zero_fill)
        bx, fx, by, fy = self._coords_2d(nearest)
        if nearest:
            ix, vx = nearest_taps(bx, w, self.source_border)
            iy, vy = nearest_taps(by, h, self.source_border)
            index = (iy * w + ix).reshape(b, 1, ho * wo).expand(b, c, ho * wo)
            out = torch.gather(flat, 2, index).view(b, c, ho, wo)
            cov = None if vx is None else (vx & vy)[:, None]
            return out, cov
        ix, wx = taps(bx, fx, w, interpolation, self.source_border)
        iy, wy = taps(by, fy, h, interpolation, self.source_border)
        k = ix.shape[-1]
        out, cov = None, None
        # compiled: one gather per channel plane, stacked. Inductor then makes one loop over the
        # pixels that computes each tap's index and weight once for all channels; gathering the
        # (B, C, L) image at once it loops over the channels outside and redoes that integer
        # arithmetic per channel (the geometric chain at batch 32: 42 -> 31 ms on the CPU).
        # Up to 4 channels: the graph grows with them.
        planes = torch.compiler.is_compiling() and c <= 4
        outs = [None] * c
        for ty in range(k):
            row = iy[..., ty] * w
            for tx in range(k):
                weight = (wy[..., ty] * wx[..., tx]).reshape(b, 1, ho * wo)
                if planes:
                    index = (row + ix[..., tx]).reshape(b, ho * wo)
                    for i in range(c):
                        value = torch.gather(flat[:, i], 1, index)
                        outs[i] = _accumulate(outs[i], value, weight[:, 0])
                else:
                    index = (row + ix[..., tx]).reshape(b, 1, ho * wo).expand(b, c, ho * wo)
                    out = _accumulate(out, torch.gather(flat, 2, index), weight)
                if self.source_border == "constant":
                    cov = weight if cov is None else cov + weight
        if planes:
            out = torch.stack(outs, 1)
        out = out.view(b, c, ho, wo)
        if cov is not None:
            cov = cov.view(b, 1, ho, wo)
        return out, cov

    def _read_2d_grid_sample(self, image: Tensor, interpolation: str, zero_fill: bool):
        """Eager 2-D read of a uint8 image (or a float32 one, bilinear on a canvas, see below) in
        one grid_sample kernel at OpenCV's quantised coordinates: its padding modes are OpenCV's
        per-tap border rules (zeros: constant, border: replicate, reflection: reflect) and its
        bicubic uses OpenCV's a = -0.75.

        Bilinear is exact: with 1/32-pixel fractions OpenCV's uint8 result is the exact weighted
        sum (a multiple of 1/1024 level) rounded half up, and its float result that sum in float
        (up to the order of the additions). grid_sample maps its normalised
        coordinates back to pixels as ((g + 1) * n - 1) / 2, which is exact in float32 when n
        is a power of two (g is then a short dyadic fraction); so for the constant and replicate
        borders the image is read from a float32 canvas of power-of-two sides, the image in its
        top-left corner and the rest filled by the border rule (zeros, or the edge pixels,
        which grid_sample's border clamp continues), when that canvas is at most twice the
        image's area. Otherwise (reflect, or a canvas too large) bilinear runs in float64,
        snapped to 1/1024. OpenCV's bicubic weights are rounded anyway (within one level), so
        cubic stays float32 on the image itself."""
        h, w = self.src_size
        padding = _GRID_SAMPLE_BORDERS[self.source_border]
        cubic = interpolation == "cubic"
        canvas = _canvas(h, w) if not cubic and padding in ("zeros", "border") else None
        gh, gw = canvas or (h, w)
        # on a canvas (power-of-two sides) float32 coordinates are exact; otherwise they are
        # normalised in float64, and bilinear stays in float64 to be snapped
        dtype = torch.float32 if cubic or canvas is not None else torch.float64
        exact = torch.float32 if canvas is not None else torch.float64
        grid = torch.empty((*self.u.shape, 2) if self.u is not None else
                           (self.batch_size, *self.out_size, 2), dtype=exact, device=self.device)
        # a walked chain on a canvas: whole 1/32 pixels are exact in float32 (no int64 planes)
        walked = self.u is not None and exact == torch.float32
        for i, (q, n) in enumerate(zip((self.u, self.v) if walked else self._quantised_2d(), (gw, gh))):
            g = grid[..., i]
            if walked:
                torch.mul(q, _QUANT, out=g).round_()
            else:
                g.copy_(q)  # whole 1/32 pixels, exact in the grid's dtype
            normalised(g, n, _QUANT, in_place=True)
        grid = grid.to(dtype)
        mode = "bicubic" if cubic else "bilinear"

        def sample(source: Tensor) -> Tensor:
            out = torch.nn.functional.grid_sample(source, grid, mode=mode, padding_mode=padding,
                                                  align_corners=False)
            if dtype == torch.float64:
                return out.mul_(_TIE_GRID).round_().to(torch.float32).mul_(1.0 / _TIE_GRID)
            return out

        b = image.shape[0]
        out = sample(image.to(dtype) if canvas is None else _on_canvas(image, gh, gw, padding))
        cov = None
        if padding == "zeros" and not zero_fill:  # the weight inside: the fill takes the rest
            if canvas is None:
                ones = torch.ones((), dtype=dtype, device=image.device).expand(b, 1, h, w)
            else:
                ones = constants.cached(("canvas ones", h, w, gh, gw, image.device),
                                        lambda: _on_canvas(torch.ones(1, 1, h, w, device=image.device),
                                                           gh, gw, "zeros")).expand(b, 1, gh, gw)
            cov = sample(ones)
        return out, cov


# ---------------------------------------------------------------------------------------------
# Whole-batch reads: one matrix for every sample, known on the host
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _AxisShift:
    """One axis of a whole-pixel shift: output positions 0 .. n_out - 1 read source positions
    first, first + 1, ...: a slice of the source, then ``before`` / ``after`` positions of fill
    for a constant border; where another border folds, the folded positions (``index_select``)."""
    first: int
    n_out: int
    n_src: int
    fold: str | None = None

    @staticmethod
    def plan(first: int, n_out: int, n_src: int, border: str | None) -> _AxisShift | None:
        inside = first >= 0 and first + n_out <= n_src
        if not inside and (border is None or min(first + n_out, n_src) <= max(first, 0)):
            return None  # (a frame that never leaves the source; nothing of it inside)
        fold = None if inside or border == "constant" else border
        return _AxisShift(first, n_out, n_src, fold)

    @property
    def pads(self) -> tuple[int, int]:
        """Fill positions (before, after) for a constant border."""
        if self.fold is not None:
            return 0, 0
        return max(-self.first, 0), max(self.first + self.n_out - self.n_src, 0)

    def read(self, image: Tensor, dim: int) -> Tensor:
        if self.fold is not None:  # cv2.borderInterpolate, as the per-sample reads fold
            positions = constants.arange(self.first, self.first + self.n_out, image.device)
            return image.index_select(dim, fold_index(positions, self.n_src, self.fold)[0])
        before, after = self.pads
        return image.narrow(dim, self.first + before, self.n_out - before - after)


@dataclass(frozen=True)
class _RowWindows:
    """A per-sample map of whole pixels that stays inside an axis-aligned frame (crops, flips,
    integer shifts, without a border): output row i of sample b is ``Wo`` consecutive pixels of
    source row ``rows[b, i]`` from column ``first[b]``, in order or, for ``mirrored`` samples,
    reversed. It is read as one ``index_select`` of those windows from a view of the flat source
    (a copy of whole rows), then the mirrored samples' rows are reversed (``extern.row_windows``):
    in place of a gather of every pixel by a flat index (uint8 batch 32, 224 px: 0.2 ms, and 1.3
    more for the flips, against 5.4)."""
    first: Tensor              # (B, 1) source column of each row window's first pixel
    rows: Tensor               # (B, Ho) source row of each output row
    mirrored: Tensor | None    # (B,) samples read right to left; None: the chain never mirrors
    out_size: tuple[int, int]

    @staticmethod
    def plan(inv: Tensor, out_size: tuple[int, int], mirrors: bool) -> _RowWindows:
        """From the (B, 3, 3) integer inverse map (output -> source pixel)."""
        ho, wo = out_size
        y = constants.arange(0, ho, inv.device, torch.int64).view(1, ho)
        rows = inv[:, 1, 1, None] * y + inv[:, 1, 2, None]                         # (B, Ho)
        step = inv[:, 0, 0, None]                                                   # +1 or -1
        # a reversed row reads columns u0 - Wo + 1 .. u0, then is turned around
        first = inv[:, 0, 2, None] + step.clamp(max=0) * (wo - 1)
        return _RowWindows(first, rows, (step[:, 0] < 0) if mirrors else None, out_size)

    def read(self, image: Tensor) -> Tensor:
        b, c, h, w = image.shape
        ho, wo = self.out_size
        batch = constants.arange(0, b, image.device, torch.int64).view(b, 1)
        last = is_channels_last(image)
        if last:  # rows of interleaved pixels: a window is Wo * C values, a pixel C of them
            source = image.permute(0, 2, 3, 1)
            starts = ((batch * h + self.rows) * w + self.first) * c                   # (B, Ho)
            length = wo * c
        else:
            source = image.contiguous()
            planes = constants.arange(0, c, image.device, torch.int64).view(1, c, 1)
            row_starts = (batch * (c * h) + self.rows) * w + self.first                # (B, Ho)
            starts = row_starts[:, None, :] + planes * (h * w)                         # (B, C, Ho)
            length = wo
        shape = (b, ho, wo, c) if last else (b, c, ho, wo)
        out = extern.row_windows(source, starts, length, shape, self.mirrored, 2 if last else 3)
        return out.permute(0, 3, 1, 2) if last else out


@dataclass(frozen=True)
class _WholeShift:
    """A whole-pixel shift of every sample alike (crops, pads: CenterCrop, Crop, PadIfNeeded):
    slices, ``index_select`` where a border folds, and ``F.pad`` for a constant border, in
    place of a per-pixel gather. Any dtype, exact."""
    rows: _AxisShift
    cols: _AxisShift

    def read(self, image: Tensor, fill) -> Tensor:
        out = self.cols.read(self.rows.read(image, 2), 3)
        pads = self.cols.pads + self.rows.pads
        if not any(pads):
            if self.rows.fold is None and self.cols.fold is None:  # a view: never return
                # the caller's tensor; a channels-last window copied as it lies (to NCHW and
                # back cost 35x: 2.4 + 3.9 against 0.13 ms, uint8 batch 32, 224 px)
                out = out.clone(memory_format=torch.preserve_format)
            return out
        return extern.constant_pad(out, pads, _fill_tensor(fill, out))


@dataclass(frozen=True)
class _WholeResize:
    """cv2.resize (INTER_LINEAR) of one source window (y0, y1, x0, x1) for every sample alike
    (Resize, LongestMaxSize, SmallestMaxSize, a resize and a centre crop): ``F.interpolate`` of
    the window, with no sampling grid (a grid is read as much as a 2-channel image). The window
    is the whole source along each axis that grows, so its taps never cross a window edge that
    is not the image's. Float32 result."""
    window: tuple[int, int, int, int]

    def read(self, image: Tensor, size: tuple[int, int]) -> Tensor:
        y0, y1, x0, x1 = self.window
        source = image[:, :, y0:y1, x0:x1]
        # the window only, as float planes: one copy converts it and lays it out (a channels-last
        # source is transposed in it)
        dtype = source.dtype if source.dtype in (torch.float32, torch.float64) else torch.float32
        source = source.to(dtype, memory_format=torch.contiguous_format)
        b, c, h, w = source.shape
        # as (B * C, 1) planes: on the CPU with one thread 2-3x faster than (B, C) with C = 3
        # (32 x 3 planes of 256 -> 224 px: 9-11 against 22-28 ms; alike with two threads), and
        # every plane computed alike whatever the batch ((1, B * C) would vectorise across
        # planes: a sample's pixels would change with the batch it came in)
        out = torch.nn.functional.interpolate(source.reshape(b * c, 1, h, w), size=tuple(size),
                                              mode="bilinear", align_corners=False)
        return out.view(b, c, *size)


def _whole_batch_plan(chain: Chain) -> _WholeShift | _WholeResize | None:
    """A whole-batch read for a chain of one segment that every sample shares (``host``): a
    whole-pixel shift, or a resize of a source window (x' = (x - x0 + 0.5) * Wo / w - 0.5);
    None for anything else (the per-sample reads)."""
    if len(chain.segments) != 1 or chain.segments[0].host is None:
        return None
    seg = chain.segments[0]
    sx, m01, tx, m10, sy, ty, m20, m21, m22 = seg.host
    if (m01, m10, m20, m21, m22) != (0.0, 0.0, 0.0, 0.0, 1.0) or sx <= 0 or sy <= 0:
        return None
    (h, w), (ho, wo) = chain.source_size, chain.size
    if sx == sy == 1.0 and tx == round(tx) and ty == round(ty):
        rows = _AxisShift.plan(-round(ty), ho, h, seg.border)
        cols = _AxisShift.plan(-round(tx), wo, w, seg.border)
        return None if rows is None or cols is None else _WholeShift(rows, cols)
    if seg.border not in (None, "replicate"):
        return None
    window = []
    for scale, shift, n_out, n_src in ((sy, ty, ho, h), (sx, tx, wo, w)):
        size, start = n_out / scale, 0.5 - (shift + 0.5) / scale
        if abs(size - round(size)) > 1e-6 or abs(start - round(start)) > 1e-6:
            return None
        start, size = round(start), round(size)
        # the taps of an upscale reach past a window's edge into the image around it (as the
        # per-sample reads do; F.interpolate would replicate the window's edge): whole axes only
        if start < 0 or start + size > n_src or (scale > 1.0 and size != n_src):
            return None
        window += [start, start + size]
    return _WholeResize(tuple(window))


def _canvas(h: int, w: int) -> tuple[int, int] | None:
    """Power-of-two (height, width) >= (h, w), if its area is at most twice the image's."""
    gh, gw = _power_of_two_at_least(h), _power_of_two_at_least(w)
    return (gh, gw) if gh * gw <= 2 * h * w else None


def _power_of_two_at_least(n: int) -> int:
    out = 1
    while out < n:  # (not int.bit_length: torch 2.4's Dynamo cannot call it)
        out *= 2
    return out


def _on_canvas(image: Tensor, gh: int, gw: int, padding: str) -> Tensor:
    """``image`` as float32 in the top-left corner of a (gh, gw) canvas; the rest zeros
    ("zeros") or the edge pixels continued ("border")."""
    h, w = image.shape[-2:]
    if (gh, gw) == (h, w):
        return image.to(torch.float32)
    if padding == "border":
        return torch.nn.functional.pad(image.to(torch.float32), (0, gw - w, 0, gh - h),
                                       mode="replicate")
    out = image.new_empty((*image.shape[:-2], gh, gw), dtype=torch.float32)
    out[..., :h, :w] = image
    out[..., :h, w:] = 0  # only the margins are zeroed: one write of every canvas pixel
    out[..., h:, :] = 0
    return out


def normalised(coord: Tensor, n: int | tuple[int, ...], unit: float = 1.0, *,
               in_place: bool = False) -> Tensor:
    """Pixel coordinates (in 1/unit pixels) -> grid_sample's align_corners=False ones,
    (2u + 1) / n - 1, as one multiply-add (over ``coord`` when ``in_place``). ``n`` may give one
    size per row of ``coord``'s second-to-last dimension ((B, 2, L) x and y rows: (w, h))."""
    if isinstance(n, tuple):
        scale = constants.constant(tuple(2.0 / (unit * k) for k in n), coord, shape=(len(n), 1))
        shift = constants.constant(tuple(1.0 / k - 1.0 for k in n), coord, shape=(len(n), 1))
        return torch.addcmul(shift, coord, scale, out=coord if in_place else None)
    scale, shift = 2.0 / (unit * n), 1.0 / n - 1.0
    return coord.mul_(scale).add_(shift) if in_place else coord * scale + shift


_TIE_GRID = _QUANT * _QUANT  # bilinear weights at 1/32-pixel fractions are multiples of 1/1024
_GRID_SAMPLE_BORDERS = {"constant": "zeros", "replicate": "border", "reflect": "reflection"}


def _is_zero(fill) -> bool:
    values = fill if isinstance(fill, tuple) else (fill,)
    return all(float(f) == 0.0 for f in values)


def _opencv_perspective_fixed(m: Tensor, ho: int, wo: int, scale: float) -> tuple[Tensor, Tensor]:
    """cv2.warpPerspective's coordinates in double precision: ``round((M0 x + M1 y + M2) *
    scale / (M6 x + M7 y + M8))`` with ties to even, in units of 1/scale pixel (scale 32 for
    linear and cubic, 1 for nearest)."""
    inv = geometry.inverse(m)
    x = constants.arange(0, wo, m.device, m.dtype)
    y = constants.arange(0, ho, m.device, m.dtype)

    def row(r):  # (B, Ho, Wo): the row term first, then the column term, as OpenCV adds them
        return (inv[:, r, 1, None] * y + inv[:, r, 2, None])[:, :, None] + inv[:, r, 0, None, None] * x

    # in place where the plane is ours (fresh planes page-fault on the CPU)
    w = row(2)
    zero = w == 0
    w = w.masked_fill_(zero, 1.0).reciprocal_().mul_(scale).masked_fill_(zero, 0.0)  # scale / w
    limit = float(2 ** 31 - 1)
    px = row(0).mul_(w).clamp_(-limit, limit).round_().to(torch.int64)
    py = row(1).mul_(w).clamp_(-limit, limit).round_().to(torch.int64)
    return px, py


def _opencv_affine_fixed(m: Tensor, ho: int, wo: int):
    """cv2.warpAffine's coordinates: the inverse map as OpenCV inverts it, then 1/1024 fixed-point
    column and row terms (``AB_BITS = 10``) whose sum is exact integer arithmetic.

    Returns (x0, ax, y0, ay): the row terms (B, Ho) and column terms (B, Wo) of x and y, int32.
    """
    lin = m[:, :2, :2]
    det = lin[:, 0, 0] * lin[:, 1, 1] - lin[:, 0, 1] * lin[:, 1, 0]
    d = torch.where(det != 0, 1.0 / torch.where(det != 0, det, torch.ones_like(det)), torch.zeros_like(det))
    # OpenCV's inverse: [[m4, -m1], [-m3, m0]] * D, and b = -(A @ t) with A's rows times t
    adj = lin.flip((1, 2)).transpose(1, 2) * constant((1.0, -1.0, -1.0, 1.0), lin).view(1, 2, 2)
    inv = adj * d[:, None, None]                                      # (B, 2, 2)
    shift = -(inv * m[:, None, :2, 2]).sum(-1)                         # (B, 2)
    x = constants.arange(0, wo, m.device, m.dtype)
    y = constants.arange(0, ho, m.device, m.dtype)
    cols = torch.round(inv[:, :, 0:1] * x * 1024.0).to(torch.int32)                     # (B, 2, Wo)
    rows = torch.round((inv[:, :, 1:2] * y + shift[:, :, None]) * 1024.0).to(torch.int32)  # (B, 2, Ho)
    # compiled: written out once (stacked over the x / y pair). Inlined, Inductor redoes this
    # float64 arithmetic and its rounding for every pixel and tap that reads the terms
    cols, rows = (computed_once(t.transpose(1, 2)).transpose(1, 2) for t in (cols, rows))
    return rows[:, 0], cols[:, 0], rows[:, 1], cols[:, 1]


def _accumulate(out: Tensor | None, values: Tensor, weight: Tensor) -> Tensor:
    """out + values * weight, in place after the first tap (values may be uint8)."""
    if out is None:
        return values * weight
    return out.addcmul_(values, weight)


def _pad_taps(idx: Tensor, weights: Tensor, k: int) -> tuple[Tensor, Tensor]:
    """Extend (…, k0) taps to k with zero-weight copies of the first tap."""
    extra = k - idx.shape[-1]
    if extra <= 0:
        return idx, weights
    idx = torch.cat([idx, idx[..., :1].expand(*idx.shape[:-1], extra)], dim=-1)
    weights = torch.cat([weights, torch.zeros_like(weights[..., :1]).expand(*weights.shape[:-1], extra)], -1)
    return idx, weights


def _inside_2d(u: Tensor, v: Tensor, h: int, w: int, separable: bool) -> Tensor:
    """(B, 1, Ho, Wo) bool: (u, v) inside a (h, w) frame (u, v per axis when separable)."""
    valid_u, valid_v = _inside(u, w), _inside(v, h)
    if separable:
        return (valid_v[:, :, None] & valid_u[:, None, :])[:, None]
    return (valid_u & valid_v)[:, None]


def _inside(u: Tensor, n: int) -> Tensor:
    return (u >= -0.5) & (u < n - 0.5)


def _fill_tensor(fill, like: Tensor) -> Tensor | float:
    """A fill from ``_fill_for`` as a number, or one per channel as a (1, C, 1, 1) constant in
    ``like``'s dtype (exact: an integer image's fill is already whole and in range)."""
    if isinstance(fill, tuple):
        if len(fill) == 1:
            return float(fill[0])
        if len(fill) != like.shape[1]:
            raise ValueError(f"fill has {len(fill)} values but the image has {like.shape[1]} channels")
        return constant(fill, like).view(1, -1, 1, 1)
    return float(fill)


def _apply_fill(out: Tensor, cov: Tensor | None, fill, nearest: bool) -> Tensor:
    if cov is None:
        return out
    if nearest:
        return _where_fill(out, cov, fill)
    return out + (1 - cov) * _fill_tensor(fill, out)


def _fill_for(fill, dtype: torch.dtype):
    """A fill (a number or one per channel) as OpenCV takes it for an image of ``dtype``: in the
    image's type, so an integer image's is rounded and saturated (cv2.saturate_cast: 300 is 255
    for uint8, -5 is 0) before any interpolation blends it."""
    if dtype.is_floating_point:
        return fill
    low, high = (0, 1) if dtype == torch.bool else (torch.iinfo(dtype).min, torch.iinfo(dtype).max)

    def saturated(value) -> float:
        return float(min(max(round(value), low), high))

    return tuple(saturated(v) for v in fill) if isinstance(fill, tuple) else saturated(fill)


def _where_fill(out: Tensor, valid: Tensor, fill) -> Tensor:
    value = _fill_tensor(fill, out)
    if not out.is_floating_point():
        # the fill is a whole number in range (_fill_for); out * valid + fill * ~valid (one term
        # is 0, so nothing overflows) is many times faster than torch.where with a broadcast
        # mask on the CPU
        out = out * valid.to(out.dtype)
        if isinstance(value, Tensor) or value != 0:
            out = out + (~valid).to(out.dtype) * value
        return out
    if isinstance(value, Tensor):
        return torch.where(valid, out, value)
    return torch.where(valid, out, torch.full((), value, dtype=out.dtype, device=out.device))


def _blend_fill(out: Tensor, cov: Tensor, fill) -> Tensor:
    """cov * out + (1 - cov) * fill, over ``out`` (a fresh read) when it is float."""
    out = out.mul_(cov) if out.is_floating_point() else out.to(torch.float32).mul_(cov)
    if _is_zero(fill):
        return out
    return out.add_((1 - cov) * _fill_tensor(fill, out))




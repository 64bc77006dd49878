"""Geometric transforms that keep or rescale the whole frame: flips, transposes, rotations,
affine and perspective maps, resizes and padding. Each one only says where pixels go.

Every matrix here maps source pixels to destination pixels with pixel centres at integer
coordinates (OpenCV's convention); boxes and keypoints are moved by the core from that one matrix.
Parameters and their sampling follow albumentations 2.0.8; where albumentations changes the output
shape at random, the output size here depends only on the configuration and the input size, and
each docstring says how.

Keypoint angles follow the pixels: a keypoint's direction vector is carried by the local Jacobian
of the map, so a short segment drawn at the keypoint's angle still points along the returned
angle after the warp. albumentations agrees for flips, Transpose (angles up to 180 degrees) and
RandomRotate90, but *adds* the rotation angle in Rotate / Affine / ShiftScaleRotate / SafeRotate,
where a counter-clockwise turn of the pixels by ``a`` subtracts ``a`` from a direction measured in
image coordinates (y down): there gpuaug returns ``angle - a`` and albumentations ``angle + a``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import torch
from torch import Tensor

from ..core import geometry
from ..core.geometry import DTYPE
from ..core.transform import GeometricTransform, Params
from ..core.validation import check_choice, check_int, check_number, to_range, to_size

__all__ = ["HorizontalFlip", "VerticalFlip", "Transpose", "RandomRotate90", "Resize",
           "LongestMaxSize", "SmallestMaxSize", "PadIfNeeded", "Rotate", "SafeRotate", "Affine",
           "ShiftScaleRotate", "Perspective"]

_ROTATE_METHODS = ("largest_box", "ellipse")
_SMALL_NUMBER = 1e-10  # albumentations' tolerance in the largest-rotated-rectangle rule


# ---------------------------------------------------------------------------------------------
# helpers (all batched, float64, no host syncs)
# ---------------------------------------------------------------------------------------------
def _check_rotate_method(value) -> str:
    check_choice(value, "rotate_method", _ROTATE_METHODS)
    if value == "ellipse":
        raise ValueError("rotate_method='ellipse' is not supported: gpuaug maps every box through "
                         "the transform's matrix as the hull of its four corners (what "
                         "'largest_box' does); use rotate_method='largest_box'")
    return value


def _check_area_for_downscale(value):
    if value not in (None, "image", "image_mask"):
        raise ValueError(f"area_for_downscale must be None, 'image' or 'image_mask', got {value!r}")
    return value


def _area_down(interpolation: str) -> str:
    """The warp core's per-sample rule: INTER_AREA where a sample shrinks, else the given one."""
    return interpolation if interpolation == "area" else f"area_down:{interpolation}"


class _AreaForDownscale:
    """albumentations' ``area_for_downscale`` for the resizes: cv2.INTER_AREA when the image
    shrinks. The choice is static for a fixed output size (made per call from the input size);
    only a per-sample size (a sequence ``max_size``) needs the warp core's per-sample rule."""

    def _init_area(self, area_for_downscale) -> None:
        self.area_for_downscale = _check_area_for_downscale(area_for_downscale)
        self._base_interpolation = self.interpolation
        self._base_mask_interpolation = self.mask_interpolation
        if self.area_for_downscale is not None:
            # what a size-less caller (OneOf's matrix selection) sees
            self.interpolation = _area_down(self.interpolation)
            if self.area_for_downscale == "image_mask" and self.mask_interpolation not in (
                    "nearest", "nearest_exact"):
                self.mask_interpolation = _area_down(self.mask_interpolation)

    def _shrinks(self, image_size) -> tuple[bool, bool]:
        """(some sample shrinks, every sample shrinks) for this input size."""
        raise NotImplementedError

    def _settings_for(self, image_size) -> dict:
        settings = GeometricTransform.warp_settings(self)
        if self.area_for_downscale is None:
            return settings
        some, every = self._shrinks(image_size)
        image, mask = self._base_interpolation, self._base_mask_interpolation
        if every:
            image, mask = "area", "area"
        elif some:
            image, mask = _area_down(image), _area_down(mask)
        settings["interpolation"] = image
        if self.area_for_downscale == "image_mask":
            settings["mask_interpolation"] = mask
        return settings

    def _add(self, state, rng, params, mask, force):
        size = state.size
        drawn = params is None
        params = (self._draw(rng, state.batch_size, size, force) if drawn
                  else Params.of(params, state.batch_size, state.device))
        m = self.placed_matrix(params, size, mask)
        state.add_geometry(m, self.output_size(size), **self._settings_for(size),
                           **self.host_settings(params, size, drawn, mask))
        return params


def _fit_into(out_h: Tensor, out_w: Tensor, size: tuple[int, int]) -> Tensor:
    """The pixel-centre map that resizes a canvas of (out_h, out_w) pixels by one factor so that
    it fits (H, W), centred: x' = (x + 0.5) * s - 0.5 + (W - out_w * s) / 2 (and y alike)."""
    h, w = size
    out_h, out_w = out_h.to(DTYPE), out_w.to(DTYPE)
    s = torch.minimum(h / out_h, w / out_w)
    ox = (w - out_w * s) / 2
    oy = (h - out_h * s) / 2
    return geometry.from_rows(s, 0.0, 0.5 * s - 0.5 + ox, 0.0, s, 0.5 * s - 0.5 + oy, like=s)


def _corner_extent(m: Tensor, size: tuple[int, int]) -> tuple[Tensor, Tensor]:
    """x and y of the image corners (0, 0), (W, 0), (W, H), (0, H) mapped through ``m``."""
    h, w = size
    like = m[:, 0, 0]
    xs = torch.stack([torch.zeros_like(like), torch.full_like(like, w), torch.full_like(like, w),
                      torch.zeros_like(like)], dim=1)
    ys = torch.stack([torch.zeros_like(like), torch.zeros_like(like), torch.full_like(like, h),
                      torch.full_like(like, h)], dim=1)
    mapped = geometry.map_points(m, torch.stack([xs, ys], dim=-1))
    return mapped[..., 0], mapped[..., 1]


def _affine_matrix(rotate: Tensor, scale: Tensor, translate: Tensor, shear: Tensor,
                   size: tuple[int, int]) -> Tensor:
    """albumentations' create_affine_transformation_matrix about the pixel centre of the image:
    T(c + t) @ Shear(-shear) @ Rot(rotate) @ Scale @ T(-c), with c = (W / 2 - 0.5, H / 2 - 0.5),
    Rot as cv2.getRotationMatrix2D (counter-clockwise) and Shear [[1, tan sx], [tan sy, 1]]."""
    h, w = size
    cx, cy = w / 2 - 0.5, h / 2 - 0.5
    theta = rotate.to(DTYPE).remainder(360.0) * (math.pi / 180.0)
    c, s = torch.cos(theta), torch.sin(theta)
    sx, sy = scale[:, 0].to(DTYPE), scale[:, 1].to(DTYPE)
    kx = torch.tan(-shear[:, 0].to(DTYPE) * (math.pi / 180.0))
    ky = torch.tan(-shear[:, 1].to(DTYPE) * (math.pi / 180.0))
    a00, a01 = sx * (c - kx * s), sy * (s + kx * c)
    a10, a11 = sx * (ky * c - s), sy * (ky * s + c)
    tx, ty = translate[:, 0].to(DTYPE), translate[:, 1].to(DTYPE)
    return geometry.from_rows(a00, a01, cx + tx - a00 * cx - a01 * cy,
                              a10, a11, cy + ty - a10 * cx - a11 * cy, like=c)


def _square_to_quad(quad: Tensor) -> Tensor:
    """The projective map of the unit square's corners (0,0), (1,0), (1,1), (0,1) onto ``quad``
    (B, 4, 2), in closed form (Heckbert); (B, 3, 3) float64."""
    x0, x1, x2, x3 = quad[..., 0].unbind(1)
    y0, y1, y2, y3 = quad[..., 1].unbind(1)
    sx, sy = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
    den = dx1 * dy2 - dx2 * dy1
    den = torch.where(den == 0, torch.full_like(den, 1e-12), den)
    g = (sx * dy2 - dx2 * sy) / den
    k = (dx1 * sy - sx * dy1) / den
    return geometry.from_rows(x1 - x0 + g * x1, x3 - x0 + k * x3, x0,
                              y1 - y0 + g * y1, y3 - y0 + k * y3, y0, g, k, 1.0, like=x0)


def _normalised(m: Tensor) -> Tensor:
    last = m[:, 2:3, 2:3]
    return m / torch.where(last == 0, torch.ones_like(last), last)


def _quad_to_rect(quad: Tensor, size: tuple[int, int]) -> Tensor:
    """cv2.getPerspectiveTransform(quad, [[0, 0], [W, 0], [W, H], [0, H]])."""
    h, w = size
    like = quad[:, 0, 0]
    scale = geometry.from_rows(float(w), 0.0, 0.0, 0.0, float(h), 0.0, like=like)
    return _normalised(scale @ geometry.inverse(_square_to_quad(quad)))


def _rect_to_quad(quad: Tensor, size: tuple[int, int]) -> Tensor:
    """cv2.getPerspectiveTransform([[0, 0], [W, 0], [W, H], [0, H]], quad)."""
    h, w = size
    like = quad[:, 0, 0]
    scale = geometry.from_rows(1.0 / w, 0.0, 0.0, 0.0, 1.0 / h, 0.0, like=like)
    return _normalised(_square_to_quad(quad) @ scale)


def _adjust_side(p1: Tensor, p2: Tensor, min_size: float = 2.0):
    """albumentations' adjust_dimension: a side shorter than ``min_size`` is stretched by moving
    its corners apart, coordinate by coordinate (its sequence of in-place numpy masks reduces to:
    where p1 > p2, p1 += step and p2 -= step; elsewhere p1 -= step and p2 += step). The step is
    clamped at 0, so longer sides are left as they are without a branch."""
    diff = p1 - p2
    size = torch.sqrt((diff * diff).sum(-1))
    step = ((min_size - size) * 0.5).clamp(min=0.0)[..., None]
    signed = torch.where(diff > 0, step, -step)
    return size.clamp(min=min_size), p1 + signed, p2 - signed


def _order_points(points: Tensor) -> Tensor:
    """albumentations' order_points, batched: (B, 4, 2) -> top-left, top-right, bottom-right,
    bottom-left (stable sort by x; the lower y of each pair is the top)."""
    b = points.shape[0]
    idx = torch.sort(points[..., 0], dim=1, stable=True).indices
    s = points.gather(1, idx[..., None].expand(b, 4, 2))
    l0, l1, r0, r1 = s.unbind(1)
    left_top = (l0[:, 1] < l1[:, 1])[:, None]
    right_top = (r0[:, 1] < r1[:, 1])[:, None]
    tl, bl = torch.where(left_top, l0, l1), torch.where(left_top, l1, l0)
    tr, br = torch.where(right_top, r0, r1), torch.where(right_top, r1, r0)
    return torch.stack([tl, tr, br, bl], dim=1)


def _axis_ranges(value, name: str, default: float) -> dict[str, tuple[float, float]]:
    """albumentations' Affine arguments: a number, a (min, max) pair, or a dict with "x" / "y"."""
    if isinstance(value, dict):
        unknown = set(value) - {"x", "y"}
        if unknown or not value:
            raise ValueError(f"{name} as a dict must have the keys 'x' and/or 'y', "
                             f"got {sorted(value)}")
        return {axis: to_range(value.get(axis, default), f"{name}[{axis!r}]")
                for axis in ("x", "y")}
    pair = to_range(value, name)
    return {"x": pair, "y": pair}


def _draw_axes(rng, ranges: dict[str, tuple[float, float]]) -> Tensor:
    """(B, 2) uniform draws, x from ranges['x'] and y from ranges['y']."""
    u = rng.uniform(shape=(2,)).to(DTYPE)
    x = ranges["x"][0] + u[:, 0] * (ranges["x"][1] - ranges["x"][0])
    y = ranges["y"][0] + u[:, 1] * (ranges["y"][1] - ranges["y"][0])
    return torch.stack([x, y], dim=1)


# ---------------------------------------------------------------------------------------------
# flips, transpose, rot90
# ---------------------------------------------------------------------------------------------
class HorizontalFlip(GeometricTransform):
    """Mirror left-right.

    OpenCV: cv2.flip(img, 1). Keypoints: x -> W - 1 - x, angle a -> 180 - a; boxes: x -> W - x.

    Args:
        p: per-sample probability (albumentations' default 0.5).

    Params:
        none beyond ``apply``.

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

    OpenCV: cv2.flip(img, 0). Keypoints: y -> H - 1 - y, angle a -> -a; boxes: y -> H - y.

    Args:
        p: per-sample probability (albumentations' default 0.5).

    Params:
        none beyond ``apply``.
    """

    def matrix(self, params: Params, image_size):
        return geometry.vflip(image_size[0], like=params.like())


class Transpose(GeometricTransform):
    """Swap rows and columns (reflect over the main diagonal): an (H, W) image becomes (W, H).

    OpenCV: cv2.transpose(img). Keypoints: (x, y) -> (y, x), angle a -> 90 - a (the direction
    follows the pixels; albumentations returns 270 - a for angles above 180 degrees, the opposite
    direction). Boxes: (x_min, y_min, x_max, y_max) -> (y_min, x_min, y_max, x_max).

    On a non-square image every sample of the batch comes out (W, H); with ``p < 1`` a skipped
    sample cannot keep (H, W) in that batch and is resized to (W, H) instead (albumentations would
    return images of two shapes).

    Args:
        p: per-sample probability (albumentations' default 0.5).

    Params:
        none beyond ``apply``.

    Examples:
        >>> Transpose(p=1.0)(torch.arange(6.).view(1, 2, 3))
        tensor([[[0., 3.],
                 [1., 4.],
                 [2., 5.]]])
    """

    exact = True

    def __init__(self, p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)

    def output_size(self, image_size):
        return (image_size[1], image_size[0])

    def matrix(self, params: Params, image_size):
        return geometry.transpose(like=params.like())


class RandomRotate90(GeometricTransform):
    """Rotate counter-clockwise by k * 90 degrees, k drawn uniformly from {0, 1, 2, 3} per sample.

    OpenCV: np.rot90(img, k) (cv2.rotate with ROTATE_90_COUNTERCLOCKWISE, ROTATE_180,
    ROTATE_90_CLOCKWISE for k = 1, 2, 3). Keypoints: angle a -> a - k * 90 (as albumentations).

    On a non-square (H, W) image an odd k would give a (W, H) image; here the batch keeps (H, W):
    the rotated image is placed centred in the same frame (offset ((W - H) // 2, (H - W) // 2),
    rounded down so that pixels move exactly, without interpolation). Its parts that leave the
    frame are cut and the bands it does not cover are filled with 0 (masks 0); boxes are clipped
    and points that leave the frame are flagged, as for any warp. Square images are exactly
    albumentations' result.

    Args:
        p: per-sample probability (albumentations' default 1.0; even then k = 0 a quarter of the
            time).

    Params:
        factor: (B,) int64 in [0, 3], the number of counter-clockwise quarter turns.
    """

    integer = True

    def __init__(self, p: float = 1.0, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(border_mode="constant", fill=0, fill_mask=0, p=p,
                         same_on_batch=same_on_batch, seed=seed)

    def sample(self, rng, batch_size, image_size):
        return {"factor": rng.integers(0, 3)}

    def warp_settings(self, image_size=None) -> dict:
        settings = super().warp_settings(image_size)
        if image_size is not None and image_size[0] == image_size[1]:
            settings.update(border=None, exact=True)  # square: a permutation of the frame
        return settings

    def matrix(self, params: Params, image_size):
        h, w = image_size
        k = params["factor"].to(params.device).to(torch.int64)
        m = geometry.rot90(k, image_size)
        if h != w:
            odd = k.remainder(2).to(DTYPE)
            m = geometry.translation(odd * ((w - h) // 2), odd * ((h - w) // 2), like=odd) @ m
        return m


# ---------------------------------------------------------------------------------------------
# resizes and padding
# ---------------------------------------------------------------------------------------------
class Resize(_AreaForDownscale, GeometricTransform):
    """Resize to a fixed (height, width).

    OpenCV: cv2.resize(img, (width, height), interpolation=interpolation). Keypoints follow the
    pixel centres: x -> (x + 0.5) * W_out / W_in - 0.5 (albumentations scales x * W_out / W_in, a
    difference of 0.5 * |W_out / W_in - 1| pixel). Boxes scale on their edges, as albumentations.
    Masks (nearest) are sampled at the pixel centres (cv2.INTER_NEAREST_EXACT's rule);
    albumentations' cv2.INTER_NEAREST takes floor(x * W_in / W_out), so some mask pixels next to
    label edges differ by one source pixel.

    Args:
        height, width: the output size.
        interpolation: cv2.INTER_* flag or name (default linear).
        mask_interpolation: for masks (default nearest, sampled at pixel centres).
        area_for_downscale: None, "image" (cv2.INTER_AREA for images of samples that shrink along
            either axis) or "image_mask" (masks too), as albumentations.
        p: per-sample probability (a skipped sample is still resized: the batch keeps one shape).

    Params:
        none beyond ``apply``.
    """

    axis_aligned = True
    matrix_reads_params = False

    def __init__(self, height: int, width: int, interpolation=1, mask_interpolation=0,
                 area_for_downscale=None, p: float = 1.0, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.size = to_size((height, width), "(height, width)")
        self._init_area(area_for_downscale)

    def output_size(self, image_size):
        return self.size

    def _shrinks(self, image_size):
        down = self.size[0] < image_size[0] or self.size[1] < image_size[1]
        return down, down

    def _run(self, state, rng, params, mask, force=False):
        return self._add(state, rng, params, mask, force)

    def static_matrix(self, image_size):
        return geometry.resize_rows(image_size, self.size)

    def matrix(self, params, image_size):
        return geometry.from_rows(*self.static_matrix(image_size), like=params.like())


class _MaxSize(_AreaForDownscale, GeometricTransform):
    """Shared by LongestMaxSize and SmallestMaxSize: an aspect-keeping resize by one factor."""

    axis_aligned = True
    matrix_reads_params = False  # (a sequence max_size draws a scale: it has no static matrix)

    def __init__(self, max_size=None, max_size_hw=None, interpolation=1, mask_interpolation=0,
                 area_for_downscale=None, p: float = 1.0, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        if (max_size is None) == (max_size_hw is None):
            raise ValueError("pass exactly one of max_size and max_size_hw, got "
                             f"max_size={max_size!r}, max_size_hw={max_size_hw!r}")
        self.max_size = max_size
        self.max_size_hw = max_size_hw
        self.choices: tuple[int, ...] | None = None
        if max_size is not None:
            if isinstance(max_size, Sequence) and not isinstance(max_size, str):
                if len(max_size) == 0:
                    raise ValueError("max_size must be an int or a non-empty sequence of "
                                     "ints, got []")
                self.choices = tuple(check_int(v, f"max_size[{i}]", low=1)
                                     for i, v in enumerate(max_size))
                if len(set(self.choices)) == 1:
                    self.max_size, self.choices = self.choices[0], None
            else:
                self.max_size = check_int(max_size, "max_size", low=1)
        else:
            if not (isinstance(max_size_hw, Sequence) and len(max_size_hw) == 2):
                raise TypeError("max_size_hw must be a (height, width) pair of ints or None, "
                                f"got {max_size_hw!r}")
            if max_size_hw[0] is None and max_size_hw[1] is None:
                raise ValueError("max_size_hw needs at least one of height and width, "
                                 "got (None, None)")
            self.max_size_hw = tuple(None if v is None else check_int(v, f"max_size_hw[{i}]", low=1)
                                     for i, v in enumerate(max_size_hw))
        self._init_area(area_for_downscale)

    # ---- the scale rule (subclasses set _longest) --------------------------------------------
    def _hw_scale(self, h, w):
        mh, mw = self.max_size_hw
        if mh is not None and mw is not None:  # longest: both sides fit; smallest: both cover
            return min(mh / h, mw / w) if self._longest else max(mh / h, mw / w)
        return mh / h if mh is not None else mw / w

    def _scale(self, max_size: int, h: int, w: int) -> float:
        return max_size / (max(h, w) if self._longest else min(h, w))

    @staticmethod
    def _new_size(h: int, w: int, scale: float) -> tuple[int, int]:
        return (max(1, round(h * scale)), max(1, round(w * scale)))

    def _scales(self, image_size) -> list[float]:
        h, w = image_size
        if self.max_size_hw is not None:
            return [self._hw_scale(h, w)]
        return [self._scale(m, h, w) for m in (self.choices or (self.max_size,))]

    def _shrinks(self, image_size):
        down = [s < 1.0 for s in self._scales(image_size)]
        return any(down), all(down)

    def output_size(self, image_size):
        h, w = image_size
        if self.max_size_hw is not None:
            return self._new_size(h, w, self._hw_scale(h, w))
        if self.choices is None:
            return self._new_size(h, w, self._scale(self.max_size, h, w))
        sizes = [self._new_size(h, w, self._scale(m, h, w)) for m in self.choices]
        return (max(s[0] for s in sizes), max(s[1] for s in sizes))

    def sample(self, rng, batch_size, image_size):
        if self.choices is None:
            return {}
        h, w = image_size
        pick = rng.choice([1.0] * len(self.choices))
        scale = torch.zeros(pick.shape, dtype=DTYPE, device=pick.device)
        for i, m in enumerate(self.choices):
            scale = scale + (pick == i).to(DTYPE) * self._scale(m, h, w)
        return {"scale": scale}

    def static_matrix(self, image_size):
        if self.choices is not None:
            return None
        return geometry.resize_rows(image_size, self.output_size(image_size))

    def matrix(self, params, image_size):
        if self.choices is None:
            return geometry.from_rows(*self.static_matrix(image_size), like=params.like())
        h, w = image_size
        fh, fw = self.output_size(image_size)
        s = params["scale"].to(device=params.device, dtype=DTYPE)
        nh = torch.round(h * s).clamp(min=1)
        nw = torch.round(w * s).clamp(min=1)
        top = torch.div(fh - nh, 2, rounding_mode="floor")
        left = torch.div(fw - nw, 2, rounding_mode="floor")
        sx, sy = nw / w, nh / h
        return geometry.from_rows(sx, 0.0, 0.5 * sx - 0.5 + left, 0.0, sy, 0.5 * sy - 0.5 + top,
                                  like=s)

    def warp_settings(self, image_size=None) -> dict:
        settings = super().warp_settings(image_size)
        if self.choices is not None:  # content smaller than the frame: fill the rest with 0
            settings.update(border="constant", fill=0.0, fill_mask=0.0)
        return settings

    def _run(self, state, rng, params, mask, force=False):
        """A sequence ``max_size`` is resampled as two linked segments so that each sample reads
        the source with cv2.resize's replicated edge and the frame around its content is filled
        exactly: the source resized to the whole frame (no border), then each sample's content
        box inside that frame (a constant border at the frame's edge)."""
        if self.choices is None:
            return self._add(state, rng, params, mask, force)
        size = state.size
        params = (self._draw(rng, state.batch_size, size, force) if params is None
                  else Params.of(params, state.batch_size, state.device))
        frame = self.output_size(size)
        full = self.placed_matrix(params, size, mask)
        stage1 = geometry.resize(size, frame, like=params.like())
        stage2 = full @ geometry.inverse(stage1)
        settings = self._settings_for(size)
        settings["border"] = None
        fuse, state.fuse = state.fuse, True
        state.add_geometry(stage1, frame, **settings)
        # the smallest content box shrinks further than the frames alone say (INTER_AREA taps)
        smallest = [self._new_size(*size, self._scale(m, *size)) for m in self.choices]
        spread = (frame[0] / min(s[0] for s in smallest), frame[1] / min(s[1] for s in smallest))
        state.add_geometry(stage2, frame, **{**settings, "border": "constant", "fill": 0.0,
                                             "fill_mask": 0.0, "max_scale": spread})
        state.fuse = fuse
        if not fuse:
            state.resample()
        return params


class LongestMaxSize(_MaxSize):
    """Resize so that the longest side equals ``max_size`` (or the sides fit ``max_size_hw``),
    keeping the aspect ratio.

    OpenCV: cv2.resize(img, (round(W * s), round(H * s)), interpolation) with
    s = max_size / max(H, W); with max_size_hw = (h, w): s = min(h / H, w / W) (or the one given).

    A sequence ``max_size`` draws one value per sample (albumentations returns images of several
    sizes). Here the batch keeps the frame of the largest value: each sample is resized by its
    own draw and centred in that frame as PadIfNeeded(position="center") would place it, the rest
    filled with 0 (masks 0). A skipped sample (p < 1) is resized to the frame.

    Keypoints follow the pixel centres: x -> (x + 0.5) * W' / W - 0.5 with the realised size W'
    (albumentations scales x * s: up to 0.5 * |s - 1| pixel apart). Masks (nearest) are sampled at
    pixel centres (see Resize).

    Args:
        max_size: the longest side, or a sequence of them to draw from per sample.
        max_size_hw: (height, width) bounds, either may be None.
        interpolation, mask_interpolation: cv2.INTER_* flags or names.
        area_for_downscale: None, "image" or "image_mask" (cv2.INTER_AREA where a sample shrinks).
        p: per-sample probability (default 1).

    Params:
        scale: (B,) float64, the drawn factor (only with a sequence ``max_size``).
    """

    _longest = True                # max_size sets the longest side; max_size_hw: both fit


class SmallestMaxSize(_MaxSize):
    """Resize so that the smallest side equals ``max_size`` (or the sides reach ``max_size_hw``),
    keeping the aspect ratio.

    OpenCV: cv2.resize(img, (round(W * s), round(H * s)), interpolation) with
    s = max_size / min(H, W); with max_size_hw = (h, w): s = max(h / H, w / W) (or the one given).

    A sequence ``max_size`` is handled as in LongestMaxSize: the frame of the largest value,
    smaller draws centred in it and the rest filled with 0. Keypoints and masks as LongestMaxSize.

    Args:
        max_size: the smallest side, or a sequence of them to draw from per sample.
        max_size_hw: (height, width) targets, either may be None.
        interpolation, mask_interpolation: cv2.INTER_* flags or names.
        area_for_downscale: None, "image" or "image_mask".
        p: per-sample probability (default 1).

    Params:
        scale: (B,) float64, the drawn factor (only with a sequence ``max_size``).
    """

    _longest = False               # max_size sets the smallest side; max_size_hw: both cover


_POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")


class PadIfNeeded(GeometricTransform):
    """Pad to at least (min_height, min_width), or to multiples of the divisors.

    OpenCV: cv2.copyMakeBorder(img, top, bottom, left, right, border_mode, value=fill).
    The pads follow albumentations: "center" puts int(pad / 2) before and the rest after (the
    divisor rule puts pad // 2 before); "random" draws the top and left pads per sample from
    [0, total] (integers, both ends included).

    Boxes and keypoints move with the pixels. With a reflecting border albumentations also adds
    mirrored copies of the boxes and keypoints that fall in the padding; gpuaug never adds rows
    (row i stays row i), so only the originals are returned.

    A skipped sample (p < 1) keeps its pixels where they were (top-left) inside the padded frame,
    the rest filled by the border rule, so the batch keeps one shape.

    Args:
        min_height, min_width: the minimum output size (or None, with the divisor instead).
        pad_height_divisor, pad_width_divisor: pad up to a multiple of these (or None).
        position: "center", "top_left", "top_right", "bottom_left", "bottom_right" or "random".
        border_mode: cv2.BORDER_* flag or name (default constant).
        fill, fill_mask: constant border values for images (a number or one per channel) and masks.
        p: per-sample probability (default 1).

    Params:
        pad_top: (B,) int64, rows added above the image.
        pad_left: (B,) int64, columns added left of it.
    """

    axis_aligned = True
    integer = True

    def __init__(self, min_height: int | None = 1024, min_width: int | None = 1024,
                 pad_height_divisor: int | None = None, pad_width_divisor: int | None = None,
                 position="center", border_mode=0, fill=0, fill_mask=0, p: float = 1.0,
                 same_on_batch: bool = False, seed: int | None = None):
        if (min_height is None) == (pad_height_divisor is None):
            raise ValueError("pass exactly one of min_height and pad_height_divisor, got "
                             f"min_height={min_height!r}, "
                             f"pad_height_divisor={pad_height_divisor!r}")
        if (min_width is None) == (pad_width_divisor is None):
            raise ValueError("pass exactly one of min_width and pad_width_divisor, got "
                             f"min_width={min_width!r}, pad_width_divisor={pad_width_divisor!r}")
        if fill is None:
            raise ValueError("fill must be a number or one per channel, got None")
        super().__init__(border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.min_height = None if min_height is None else check_int(min_height, "min_height", low=1)
        self.min_width = None if min_width is None else check_int(min_width, "min_width", low=1)
        self.pad_height_divisor = (None if pad_height_divisor is None
                                   else check_int(pad_height_divisor, "pad_height_divisor", low=1))
        self.pad_width_divisor = (None if pad_width_divisor is None
                                  else check_int(pad_width_divisor, "pad_width_divisor", low=1))
        self.position = check_choice(position, "position", _POSITIONS)

    @staticmethod
    def _axis(n: int, minimum: int | None, divisor: int | None) -> tuple[int, int]:
        if minimum is not None:
            if n < minimum:
                before = int((minimum - n) / 2.0)
                return before, minimum - n - before
        elif n % divisor:
            total = divisor - n % divisor
            return total // 2, total - total // 2
        return 0, 0

    def _pads(self, image_size) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) for the fixed positions."""
        h, w = image_size
        top, bottom = self._axis(h, self.min_height, self.pad_height_divisor)
        left, right = self._axis(w, self.min_width, self.pad_width_divisor)
        hp, wp = top + bottom, left + right
        return {
            "center": (top, bottom, left, right),
            "top_left": (0, hp, 0, wp),
            "top_right": (0, hp, wp, 0),
            "bottom_left": (hp, 0, 0, wp),
            "bottom_right": (hp, 0, wp, 0),
            "random": (top, bottom, left, right),
        }[self.position]

    def output_size(self, image_size):
        top, bottom, left, right = self._pads(image_size)
        return (image_size[0] + top + bottom, image_size[1] + left + right)

    def sample(self, rng, batch_size, image_size):
        top, bottom, left, right = self._pads(image_size)
        if self.position == "random":
            return {"pad_top": rng.integers(0, top + bottom),
                    "pad_left": rng.integers(0, left + right)}
        device = rng.device
        return {"pad_top": torch.full((batch_size,), top, dtype=torch.int64, device=device),
                "pad_left": torch.full((batch_size,), left, dtype=torch.int64, device=device)}

    def static_matrix(self, image_size):
        if self.position == "random":
            return None
        top, _, left, _ = self._pads(image_size)
        return geometry.translation_rows(left, top)

    def matrix(self, params, image_size):
        like = params.like()
        return geometry.translation(params["pad_left"].to(like), params["pad_top"].to(like),
                                    like=like)

    def skip_matrix(self, image_size, like):
        return geometry.identity(like.shape[0], like.device)

    def skip_is_integer(self, image_size) -> bool:
        return True


# ---------------------------------------------------------------------------------------------
# rotations, affine and perspective maps
# ---------------------------------------------------------------------------------------------
class Rotate(GeometricTransform):
    """Rotate counter-clockwise about the image centre by an angle drawn from ``limit`` (degrees).

    OpenCV: cv2.warpAffine(img, cv2.getRotationMatrix2D((W / 2 - 0.5, H / 2 - 0.5), angle, 1),
    (W, H), flags=interpolation, borderMode=border_mode, borderValue=fill).

    ``crop_border=True``: albumentations crops the largest axis-aligned rectangle inside the
    rotated image (the window of its ``_rotated_rect_with_max_area``, whole pixels), so its output
    size changes with the angle. Here that same window is resized back to (H, W) in the same
    resample: the output equals albumentations' crop followed by Resize(H, W) (one interpolation
    instead of two); the window's aspect ratio may differ slightly from the image's.

    Keypoint angles follow the pixels (angle - a; albumentations returns angle + a). Keypoint
    scales are multiplied by the map's largest singular value (1 here). With a reflecting border
    albumentations adds mirrored copies of boxes and keypoints; gpuaug never adds rows.

    Args:
        limit: angle range in degrees; a number v means (-v, v).
        interpolation: cv2.INTER_* flag or name (default linear).
        border_mode: cv2.BORDER_* flag or name (default constant).
        rotate_method: "largest_box" only (the hull of the box's corners); "ellipse" raises.
        crop_border: crop the black corners away and resize back to (H, W) (see above).
        mask_interpolation: default nearest.
        fill, fill_mask: constant border values for images and masks.
        p: per-sample probability (default 0.5).

    Params:
        angle: (B,) float32, degrees, counter-clockwise.
    """

    def __init__(self, limit=(-90, 90), interpolation=1, border_mode=0,
                 rotate_method="largest_box", crop_border: bool = False, mask_interpolation=0,
                 fill=0, fill_mask=0, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.limit = to_range(limit, "limit", symmetric=True)
        self.rotate_method = _check_rotate_method(rotate_method)
        if not isinstance(crop_border, bool):
            raise TypeError(f"crop_border must be a bool, got {crop_border!r}")
        self.crop_border = crop_border

    def sample(self, rng, batch_size, image_size):
        return {"angle": rng.uniform(self.limit[0], self.limit[1])}

    @staticmethod
    def crop_window(angle: Tensor, image_size) -> Tensor:
        """albumentations' _rotated_rect_with_max_area: (B, 4) float64 (x_min, y_min, x_max,
        y_max), whole pixels, of the largest axis-aligned rectangle inside the rotated image."""
        h, w = image_size
        a = angle.to(DTYPE) * (math.pi / 180.0)
        long_side, short_side = (w, h) if w >= h else (h, w)
        sin_a, cos_a = torch.sin(a).abs(), torch.cos(a).abs()
        half = ((short_side <= 2.0 * sin_a * cos_a * long_side)
                | ((sin_a - cos_a).abs() < _SMALL_NUMBER))
        x = 0.5 * short_side
        safe_sin = sin_a.clamp(min=1e-300)
        safe_cos = cos_a.clamp(min=1e-300)
        if w >= h:
            wr_half, hr_half = x / safe_sin, x / safe_cos
        else:
            wr_half, hr_half = x / safe_cos, x / safe_sin
        cos_2a = cos_a * cos_a - sin_a * sin_a
        cos_2a = torch.where(cos_2a == 0, torch.full_like(cos_2a, 1e-300), cos_2a)
        wr_full = (w * cos_a - h * sin_a) / cos_2a
        hr_full = (h * cos_a - w * sin_a) / cos_2a
        wr = torch.where(half, wr_half, wr_full)
        hr = torch.where(half, hr_half, hr_full)
        x_min = torch.trunc(w / 2 - wr / 2).clamp(min=0)
        x_max = torch.trunc(w / 2 + wr / 2).clamp(max=w)
        y_min = torch.trunc(h / 2 - hr / 2).clamp(min=0)
        y_max = torch.trunc(h / 2 + hr / 2).clamp(max=h)
        return torch.stack([x_min, y_min, x_max, y_max], dim=1)

    def matrix(self, params, image_size):
        h, w = image_size
        angle = params["angle"].to(device=params.device, dtype=DTYPE)
        m = geometry.rotation(angle, center=(w / 2 - 0.5, h / 2 - 0.5), like=angle)
        if self.crop_border:
            window = self.crop_window(angle, image_size)
            window = torch.cat([window[:, :2], torch.maximum(window[:, 2:], window[:, :2] + 1)], 1)
            m = geometry.crop_resize_box(window, (h, w)) @ m
        return m


class SafeRotate(GeometricTransform):
    """Rotate by an angle drawn from ``limit`` and scale the result (per axis) so that the whole
    rotated image fits the (H, W) frame.

    OpenCV: with R = cv2.getRotationMatrix2D((W / 2 - 0.5, H / 2 - 0.5), angle, 1),
    W' = int(H |sin| + W |cos|), H' = int(H |cos| + W |sin|), R[:, 2] += (W' / 2 - cx, H' / 2 - cy):
    cv2.warpAffine(img, diag(W / W', H / H') @ R, (W, H), ...), as albumentations.

    Keypoint angles follow the pixels (albumentations adds the angle); keypoint scales are
    multiplied by the map's largest singular value (albumentations: max(W / W', H / H')).

    Args:
        limit: angle range in degrees; a number v means (-v, v).
        interpolation, border_mode, mask_interpolation, fill, fill_mask: as Rotate.
        rotate_method: "largest_box" only.
        p: per-sample probability (default 0.5).

    Params:
        angle: (B,) float32, degrees, counter-clockwise.
    """

    def __init__(self, limit=(-90, 90), interpolation=1, border_mode=0,
                 rotate_method="largest_box", mask_interpolation=0, fill=0, fill_mask=0,
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.limit = to_range(limit, "limit", symmetric=True)
        self.rotate_method = _check_rotate_method(rotate_method)

    def sample(self, rng, batch_size, image_size):
        return {"angle": rng.uniform(self.limit[0], self.limit[1])}

    def matrix(self, params, image_size):
        h, w = image_size
        cx, cy = w / 2 - 0.5, h / 2 - 0.5
        angle = params["angle"].to(device=params.device, dtype=DTYPE)
        r = geometry.rotation(angle, center=(cx, cy), like=angle)
        abs_cos, abs_sin = r[:, 0, 0].abs(), r[:, 0, 1].abs()
        new_w = torch.trunc(h * abs_sin + w * abs_cos).clamp(min=1)
        new_h = torch.trunc(h * abs_cos + w * abs_sin).clamp(min=1)
        sx, sy = w / new_w, h / new_h
        return geometry.from_rows(sx * r[:, 0, 0], sx * r[:, 0, 1],
                                  sx * (r[:, 0, 2] + new_w / 2 - cx),
                                  sy * r[:, 1, 0], sy * r[:, 1, 1],
                                  sy * (r[:, 1, 2] + new_h / 2 - cy), like=angle)


class Affine(GeometricTransform):
    """Scale, translate, rotate and shear about the image centre, each drawn per sample.

    OpenCV: cv2.warpAffine(img, M, (W, H), flags=interpolation, borderMode=border_mode,
    borderValue=fill) with M = T(c + t) @ Shear(-shear) @ Rot(rotate) @ Scale(sx, sy) @ T(-c),
    c = (W / 2 - 0.5, H / 2 - 0.5): albumentations' create_affine_transformation_matrix.

    Sampling follows albumentations 2.0.8: ``scale`` / ``shear`` / ``translate_*`` as a number
    (fixed), a pair (x and y drawn independently from it) or a dict with "x" / "y";
    ``keep_ratio`` copies the x scale to y; ``balanced_scale`` picks the part of the range below
    or above 1 with equal odds first; ``translate_percent`` becomes int(t * W) pixels (truncated)
    and ``translate_px`` is drawn as integers, both ends included; shear enters the matrix negated.
    Difference: a shear dict without "y" (or "x") means 0 on that axis here; albumentations fills
    in 1 degree.

    ``fit_output=True``: albumentations grows the canvas to the warped image's extent
    (floor/ceil of its corners, + 1 pixel) and returns that size, which changes per sample. Here
    the batch keeps (H, W): that same canvas is resized by one factor to fit (H, W) and centred
    (the output equals albumentations' result resized, aspect kept, and centred; content smaller
    than the frame is enlarged). Translation has no effect then, as in albumentations.

    Keypoint angles follow the pixels (albumentations adds the rotation); keypoint scales are
    multiplied by the map's largest singular value (albumentations: max(sx, sy), the same without
    shear). With a reflecting border albumentations adds mirrored copies of boxes and keypoints;
    gpuaug never adds rows.

    Args:
        scale: scale factor(s); 1 keeps the size.
        translate_percent: translation as a fraction of the width / height.
        translate_px: translation in pixels (use one of the two).
        rotate: angle(s) in degrees, counter-clockwise; a number is fixed.
        shear: shear angle(s) in degrees.
        interpolation, mask_interpolation: cv2.INTER_* flags or names.
        fit_output: keep the whole warped image (see above).
        keep_ratio: one scale for both axes.
        rotate_method: "largest_box" only.
        balanced_scale: as albumentations.
        border_mode: cv2.BORDER_* flag or name (default constant).
        fill, fill_mask: constant border values for images and masks.
        p: per-sample probability (default 0.5).

    Params:
        rotate: (B,) float64, degrees.
        scale: (B, 2) float64, (sx, sy).
        translate: (B, 2) float64, (tx, ty) in whole pixels.
        shear: (B, 2) float64, degrees as drawn (the matrix uses their negatives).
    """

    def __init__(self, scale=(1.0, 1.0), translate_percent=None, translate_px=None, rotate=0.0,
                 shear=(0.0, 0.0), interpolation=1, mask_interpolation=0,
                 fit_output: bool = False, keep_ratio: bool = False,
                 rotate_method="largest_box", balanced_scale: bool = False, border_mode=0,
                 fill=0, fill_mask=0, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        self.scale = _axis_ranges(scale, "scale", 1.0)
        self.shear = _axis_ranges(shear, "shear", 0.0)
        self.rotate = to_range(rotate, "rotate")
        if translate_percent is not None and translate_px is not None:
            raise ValueError("pass either translate_percent or translate_px, not both")
        self.translate_percent = (None if translate_percent is None
                                  else _axis_ranges(translate_percent, "translate_percent", 0.0))
        self.translate_px = None
        if translate_percent is None:
            ranges = _axis_ranges(0 if translate_px is None else translate_px, "translate_px", 0)
            for axis, (lo, hi) in ranges.items():
                if lo != int(lo) or hi != int(hi):
                    raise TypeError(f"translate_px[{axis!r}] must be whole pixels, got {(lo, hi)}")
            self.translate_px = {k: (int(lo), int(hi)) for k, (lo, hi) in ranges.items()}
        for name, value in (("fit_output", fit_output), ("keep_ratio", keep_ratio),
                            ("balanced_scale", balanced_scale)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool, got {value!r}")
        self.fit_output, self.keep_ratio = fit_output, keep_ratio
        self.balanced_scale = balanced_scale
        if keep_ratio and self.scale["x"] != self.scale["y"]:
            raise ValueError("keep_ratio=True needs the same scale range for x and y, got "
                             f"{self.scale}")
        self.rotate_method = _check_rotate_method(rotate_method)

    def _draw_scale(self, rng) -> Tensor:
        if not self.balanced_scale:
            out = _draw_axes(rng, self.scale)
        else:
            cols = []
            u = rng.uniform(shape=(2, 2)).to(DTYPE)
            for i, axis in enumerate(("x", "y")):
                lo, hi = self.scale[axis]
                if lo < 1 and hi > 1:
                    upper = u[:, i, 0] < 0.5
                    one = torch.ones_like(u[:, i, 1])
                    a = torch.where(upper, one, one * lo)
                    b = torch.where(upper, one * hi, one)
                elif lo < 1:
                    a, b = lo, 1.0
                elif hi > 1:
                    a, b = 1.0, hi
                else:
                    a, b = 1.0, 1.0
                cols.append(a + u[:, i, 1] * (b - a))
            out = torch.stack(cols, dim=1)
        if self.keep_ratio:
            out = torch.stack([out[:, 0], out[:, 0]], dim=1)
        return out

    def sample(self, rng, batch_size, image_size):
        h, w = image_size
        if self.translate_px is not None:
            tx = rng.integers(*self.translate_px["x"])
            ty = rng.integers(*self.translate_px["y"])
            translate = torch.stack([tx, ty], dim=1).to(DTYPE)
        else:
            t = _draw_axes(rng, self.translate_percent)
            translate = torch.trunc(torch.stack([t[:, 0] * w, t[:, 1] * h], dim=1))
        shear = _draw_axes(rng, self.shear)
        scale = self._draw_scale(rng)
        rotate = rng.uniform(self.rotate[0], self.rotate[1]).to(DTYPE)
        return {"rotate": rotate, "scale": scale, "translate": translate, "shear": shear}

    def matrix(self, params, image_size):
        dev = params.device
        m = _affine_matrix(params["rotate"].to(dev), params["scale"].to(dev),
                           params["translate"].to(dev), params["shear"].to(dev), image_size)
        if self.fit_output:
            xs, ys = _corner_extent(m, image_size)
            min_x, min_y = torch.floor(xs.amin(1)), torch.floor(ys.amin(1))
            max_x, max_y = torch.ceil(xs.amax(1)), torch.ceil(ys.amax(1))
            out_w, out_h = max_x - min_x + 1, max_y - min_y + 1
            m = geometry.translation(-min_x, -min_y, like=min_x) @ m
            m = _fit_into(out_h, out_w, image_size) @ m
        return m


class ShiftScaleRotate(Affine):
    """Shift, scale and rotate about the image centre (albumentations' special case of Affine).

    OpenCV: cv2.warpAffine(img, M, (W, H), ...) with M as in Affine, no shear.

    As albumentations 2.0.8 builds it: ``scale_limit`` (biased by 1) is drawn independently for x
    and y (the scale is anisotropic, the same as Affine(scale=(1 + lo, 1 + hi), keep_ratio=False)),
    the shift is int(shift * W) / int(shift * H) whole pixels, the rotation is drawn from
    ``rotate_limit``. albumentations warns that this transform is deprecated in favour of Affine;
    gpuaug keeps it for porting, without the warning.

    Args:
        shift_limit: shift range as a fraction of the size; a number v means (-v, v); in [-1, 1].
        scale_limit: scale range minus 1; a number v means (1 - v, 1 + v).
        rotate_limit: angle range in degrees; a number v means (-v, v).
        interpolation, border_mode, mask_interpolation, fill, fill_mask: as Affine.
        shift_limit_x, shift_limit_y: override ``shift_limit`` per axis.
        rotate_method: "largest_box" only.
        p: per-sample probability (default 0.5).

    Params:
        as Affine: rotate (B,), scale (B, 2), translate (B, 2), shear (B, 2) (zeros).
    """

    def __init__(self, shift_limit=(-0.0625, 0.0625), scale_limit=(-0.1, 0.1),
                 rotate_limit=(-45, 45), interpolation=1, border_mode=0, shift_limit_x=None,
                 shift_limit_y=None, rotate_method="largest_box", mask_interpolation=0, fill=0,
                 fill_mask=0, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        sx = to_range(shift_limit if shift_limit_x is None else shift_limit_x,
                      "shift_limit" if shift_limit_x is None else "shift_limit_x",
                      symmetric=True, low=-1.0, high=1.0)
        sy = to_range(shift_limit if shift_limit_y is None else shift_limit_y,
                      "shift_limit" if shift_limit_y is None else "shift_limit_y",
                      symmetric=True, low=-1.0, high=1.0)
        scale = to_range(scale_limit, "scale_limit", symmetric=True, bias=1.0, low=0.0)
        rotate = to_range(rotate_limit, "rotate_limit", symmetric=True)
        super().__init__(scale=scale, translate_percent={"x": sx, "y": sy}, rotate=rotate,
                         shear=(0.0, 0.0), interpolation=interpolation,
                         mask_interpolation=mask_interpolation, fit_output=False,
                         keep_ratio=False, rotate_method=rotate_method, border_mode=border_mode,
                         fill=fill, fill_mask=fill_mask, p=p, same_on_batch=same_on_batch,
                         seed=seed)
        self.shift_limit_x, self.shift_limit_y = sx, sy
        self.scale_limit = (scale[0] - 1.0, scale[1] - 1.0)
        self.rotate_limit = rotate


class Perspective(GeometricTransform):
    """A random four-point perspective warp: each corner moves inwards by a random fraction.

    OpenCV: cv2.warpPerspective(img, M, (W, H), flags=interpolation, borderMode=border_mode,
    borderValue=fill) with M = cv2.getPerspectiveTransform(quad, [[0, 0], [W, 0], [W, H], [0, H]])
    as albumentations builds it: corner offsets |N(0, s)| mod 0.32 of the size, s drawn from
    ``scale``; the quad ordered top-left, top-right, bottom-right, bottom-left; sides shorter than
    2 pixels stretched; max_width / max_height the longest opposite sides (truncated).

    * ``keep_size=True`` (default): M = diag(W / max_width, H / max_height) @ M, as albumentations
      (its image, its matrix).
    * ``keep_size=False``: albumentations returns a (max_height, max_width) image, a size that
      changes per sample. Here the output keeps (H, W) and uses M itself: albumentations' result
      is its top-left (max_height, max_width) window, and the rest of the warped quad is kept.
    * ``fit_output=True``: the canvas grows to the whole warped image (albumentations'
      expand_transform); with keep_size it is squeezed back into (H, W) per axis (as
      albumentations); without keep_size it is resized by one factor to fit (H, W) and centred.

    Keypoints move with M; their angles follow the pixels and their scales are multiplied by the
    map's largest local singular value (albumentations turns angles by the matrix's top-left
    block and scales by its row norms). albumentations maps box corners with M as if it mapped
    edge coordinates while the image treats it as a pixel-centre map; gpuaug maps boxes with
    the pixel-centre map that moves the image, so boxes differ by up to about half a pixel.

    Args:
        scale: range of the offsets' standard deviation (fraction of the size); a number v means
            (0, v).
        keep_size: resize the warped image back to the input size (see above).
        fit_output: keep the whole warped image (see above).
        interpolation, mask_interpolation: cv2.INTER_* flags or names.
        border_mode: cv2.BORDER_* flag or name (default constant).
        fill, fill_mask: constant border values for images and masks.
        p: per-sample probability (default 0.5).

    Params:
        points: (B, 4, 2) float64, the source quad in pixels (top-left, top-right, bottom-right,
            bottom-left), rounded to float32 as albumentations stores it.
    """

    projective = True

    def __init__(self, scale=(0.05, 0.1), keep_size: bool = True, fit_output: bool = False,
                 interpolation=1, mask_interpolation=0, border_mode=0, fill=0, fill_mask=0,
                 p: float = 0.5, same_on_batch: bool = False, seed: int | None = None):
        super().__init__(interpolation=interpolation, mask_interpolation=mask_interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p,
                         same_on_batch=same_on_batch, seed=seed)
        if isinstance(scale, Real) and not isinstance(scale, bool):
            scale = (0.0, check_number(scale, "scale", low=0.0))
        self.scale = to_range(scale, "scale", low=0.0)
        for name, value in (("keep_size", keep_size), ("fit_output", fit_output)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool, got {value!r}")
        self.keep_size, self.fit_output = keep_size, fit_output

    def sample(self, rng, batch_size, image_size):
        h, w = image_size
        sigma = rng.uniform(self.scale[0], self.scale[1]).to(DTYPE)
        jitter = (rng.normal(0.0, 1.0, (4, 2)).to(DTYPE) * sigma[:, None, None]).abs()
        jitter = jitter.remainder(0.32)
        x, y = jitter[..., 0], jitter[..., 1]
        # top-left: jitter; top-right: x = 1 - j; bottom-right: 1 - j; bottom-left: y = 1 - j
        flip_x = torch.stack([torch.zeros_like(x[:, 0]), torch.ones_like(x[:, 0]),
                              torch.ones_like(x[:, 0]), torch.zeros_like(x[:, 0])], dim=1)
        flip_y = torch.stack([torch.zeros_like(x[:, 0]), torch.zeros_like(x[:, 0]),
                              torch.ones_like(x[:, 0]), torch.ones_like(x[:, 0])], dim=1)
        px = (flip_x + (1 - 2 * flip_x) * x) * w
        py = (flip_y + (1 - 2 * flip_y) * y) * h
        points = _order_points(torch.stack([px, py], dim=-1))
        return {"points": points.to(torch.float32).to(DTYPE)}

    def matrix(self, params, image_size):
        h, w = image_size
        points = params["points"].to(device=params.device, dtype=DTYPE)    # tl, tr, br, bl
        # albumentations adjusts the top and bottom sides, then the right and left ones; the
        # sides of each pair share no corner, so each pair is one batched step
        horizontal, right, left = _adjust_side(points[:, 1:3], points[:, 0::3])
        (tr, br), (tl, bl) = right.unbind(1), left.unbind(1)
        vertical, lower, upper = _adjust_side(torch.stack([br, bl], 1), torch.stack([tr, tl], 1))
        (br, bl), (tr, tl) = lower.unbind(1), upper.unbind(1)
        max_w = torch.trunc(horizontal.amax(1))
        max_h = torch.trunc(vertical.amax(1))
        m = _quad_to_rect(torch.stack([tl, tr, br, bl], dim=1), image_size)
        if self.fit_output:
            xs, ys = _corner_extent(m, image_size)
            dst = torch.stack([xs - xs.amin(1, keepdim=True), ys - ys.amin(1, keepdim=True)], -1)
            dst = torch.round(dst)
            m = _rect_to_quad(dst, image_size)
            max_w = dst[..., 0].amax(1).clamp(min=1)
            max_h = dst[..., 1].amax(1).clamp(min=1)
        if self.keep_size:
            m = geometry.from_rows(w / max_w, 0.0, 0.0, 0.0, h / max_h, 0.0, like=max_w) @ m
        elif self.fit_output:
            m = _fit_into(max_h, max_w, image_size) @ m
        return m

"""Dropout transforms (see gpuaug/functional/dropout.py for the kernels).

CoarseDropout cuts a random number of holes per sample. A batch keeps one static number of hole
rows, ``num_holes_range[1]``, and a per-sample ``num_holes`` says how many of them are real, so
nothing waits on the device. Boxes and keypoints under the holes are handled as albumentations
2.0.8 handles them, through the validity flags: rows are never dropped (SPEC §2).
"""
from __future__ import annotations

import torch

from ..core.transform import Params, combine_masks
from ..core.validation import _describe, check_number, parse_fill
from ..functional import dropout as fd
from .noise import _ChannelDraws

__all__ = ["CoarseDropout"]

_RANDOM_FILLS = ("random", "random_uniform")
_INPAINT = ("inpaint_telea", "inpaint_ns")


def _pair(value, name: str, *, integer: bool = False) -> tuple:
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{name} must be a (min, max) pair, got {_describe(value)}")
    for i, v in enumerate(value):
        if integer and (isinstance(v, bool) or not isinstance(v, int)):
            raise TypeError(f"{name}[{i}] must be an int, got {_describe(v)}")
        check_number(v, f"{name}[{i}]", low=1 if integer else 0)
    if value[0] > value[1]:
        raise ValueError(f"{name} must have min <= max, got {tuple(value)}")
    return tuple(value)


def _whole_levels(fill) -> bool:
    """Whether ``fill`` paints uint8 images with whole levels in [0, 255] (random fills, whole
    numbers): the float path's result is then those levels, so CoarseDropout has a uint8 kernel
    (``PixelTransform.uint8_kernel``) and paints eager uint8 images as they are (batch 32,
    224 px: 12.7 -> 6.7 ms)."""
    if isinstance(fill, str):
        return True
    return all(float(v).is_integer() and 0 <= v <= 255
               for v in (fill if isinstance(fill, tuple) else (fill,)))


class CoarseDropout(_ChannelDraws):
    """Cut rectangular holes: fill them in the image (and optionally the mask), and mark the boxes
    and keypoints they hide as invalid.

    albumentations: ``A.CoarseDropout(num_holes_range, hole_height_range, hole_width_range, fill,
    fill_mask, p)``, sampled as 2.0.8 samples it, per sample:

    * ``num_holes`` uniform in ``num_holes_range`` (both ends included);
    * sizes: when ``hole_height_range[1] >= 1`` both ranges are pixels, each hole's height an
      integer uniform in [int(lo), int(min(hi, H))] (width likewise); otherwise both are fractions
      and a height is int(H * uniform(lo, hi));
    * the top-left corner uniform over the positions that keep the hole inside the image.

    Boxes (albumentations' ``filter_bboxes_by_holes``, on the box with truncated integer
    coordinates): a box whose uncovered pixels are fewer than ``min_area``, a fraction below
    ``min_visibility`` of its area, or zero is marked False in ``bbox_valid``; every other box of
    an applied sample becomes the bounding rectangle of its uncovered rows and columns, in whole
    pixels, as albumentations returns it. Keypoints inside a hole (x_min <= x < x_max, y likewise)
    are marked False in ``keypoint_valid`` when ``KeypointParams.remove_invisible`` holds.

    Args:
        num_holes_range: (min, max) number of holes, ints >= 1.
        hole_height_range: (min, max) hole height: pixels when max >= 1, else fractions of H.
        hole_width_range: (min, max) hole width, read as ``hole_height_range`` decides.
        fill: a number or one per channel, in the image's range (0-255 for uint8, 0-1 for float);
            "random": every pixel of a hole random (uint8: integers 0-255, float: [0, 1));
            "random_uniform": one random colour per hole. "inpaint_telea" / "inpaint_ns" (OpenCV
            inpainting, a CPU algorithm) are refused with a ValueError.
        fill_mask: None leaves masks alone; a number or one per mask channel fills the holes in
            masks too (cast to the mask's dtype).
        p: per-sample probability.
        same_on_batch: one draw for the whole batch.
        seed: a seed for reproducible draws.

    Params:
        num_holes: (B,) int64, how many of the hole rows are real (0 for skipped samples).
        holes: (B, N, 4) int64 (x_min, y_min, x_max, y_max), N = num_holes_range[1]; albumentations'
            ``holes`` of a sample are its first ``num_holes`` rows.
        fill_uniform: only for random fills: (B, C, H, W) float32 uniforms ("random") or
            (B, N, C) ("random_uniform"); uint8 images use floor(256 u), float images u.

    Differences from albumentations 2.0.8:

    * a non-integer fill on a uint8 image is rounded (albumentations truncates it);
    * box coordinates outside the frame are clamped to it before the visible area is measured
      (albumentations would slice with negative numpy indices); boxes inside the frame are
      handled exactly as albumentations handles them;
    * a ``hole_width_range`` that the height range's reading makes meaningless raises a
      ValueError: fractions (max < 1) beside a pixel height range (albumentations cuts holes of
      zero width), or a max above 1 beside a fractional height range (albumentations fails on
      the first call).
    """

    uint8_kernel = True  # with a whole-level fill (the instance's, set in __init__)
    uint8_compiled = False  # Inductor's one float loop: 1.5 ms; painting uint8 9.1 (batch 32)

    def __init__(self, num_holes_range: tuple[int, int] = (1, 2),
                 hole_height_range: tuple[float, float] | tuple[int, int] = (0.1, 0.2),
                 hole_width_range: tuple[float, float] | tuple[int, int] = (0.1, 0.2),
                 fill=0, fill_mask=None, p: float = 0.5, same_on_batch: bool = False,
                 seed: int | None = None):
        super().__init__(p=p, same_on_batch=same_on_batch, seed=seed)
        self.num_holes_range = _pair(num_holes_range, "num_holes_range", integer=True)
        self.hole_height_range = _pair(hole_height_range, "hole_height_range")
        self.hole_width_range = _pair(hole_width_range, "hole_width_range")
        self.in_pixels = self.hole_height_range[1] >= 1
        wh = self.hole_width_range[1]
        if (self.in_pixels and wh < 1) or (not self.in_pixels and wh > 1):
            reading = "pixels" if self.in_pixels else "fractions of the image size"
            raise ValueError(
                f"hole_width_range {self.hole_width_range} does not fit hole_height_range "
                f"{self.hole_height_range}: albumentations reads both ranges as the height range "
                f"says ({reading}), which would make "
                + ("every hole zero pixels wide" if self.in_pixels
                   else "holes wider than the image"))
        if isinstance(fill, str):
            if fill in _INPAINT:
                raise ValueError(f"fill={fill!r} (OpenCV inpainting) has no GPU implementation in "
                                 f"gpuaug; use a number, a per-channel tuple, 'random' or "
                                 f"'random_uniform'")
            if fill not in _RANDOM_FILLS:
                raise ValueError(f"fill must be a number, a per-channel tuple, 'random' or "
                                 f"'random_uniform', got {fill!r}")
            self.fill = fill
        else:
            self.fill = parse_fill(fill, "fill")
        self.fill_mask = None if fill_mask is None else parse_fill(fill_mask, "fill_mask")
        self.uint8_kernel = _whole_levels(self.fill)

    # ---- sampling -------------------------------------------------------------------------
    def _size_bounds(self, image_size) -> tuple[tuple[int, int], tuple[int, int]]:
        """The integer (lo, hi) of hole heights and widths in pixels (the pixel reading)."""
        h, w = image_size
        (hl, hh), (wl, wh) = self.hole_height_range, self.hole_width_range
        heights = (int(hl), int(min(hh, h) + 1) - 1)
        widths = (int(wl), int(min(wh, w) + 1) - 1)
        if heights[0] > heights[1] or widths[0] > widths[1]:
            raise ValueError(f"CoarseDropout: hole sizes (height {self.hole_height_range}, width "
                             f"{self.hole_width_range}) cannot fit an image of size {(h, w)}")
        return heights, widths

    def sample(self, rng, batch_size, image_size, channels: int = 3):
        h, w = image_size
        n = self.num_holes_range[1]
        num = rng.integers(*self.num_holes_range)
        if self.in_pixels:
            (h0, h1), (w0, w1) = self._size_bounds(image_size)
            heights = rng.integers(h0, h1, (n,))
            widths = rng.integers(w0, w1, (n,))
        else:
            u = rng.uniform(shape=(2, n)).to(torch.float64)
            (hl, hh), (wl, wh) = self.hole_height_range, self.hole_width_range
            heights = torch.floor(h * (hl + u[:, 0] * (hh - hl))).to(torch.int64)
            widths = torch.floor(w * (wl + u[:, 1] * (wh - wl))).to(torch.int64)
        corner = rng.uniform(shape=(2, n)).to(torch.float64)
        y0 = torch.floor(corner[:, 0] * (h - heights + 1)).to(torch.int64)
        x0 = torch.floor(corner[:, 1] * (w - widths + 1)).to(torch.int64)
        y0 = torch.minimum(y0, h - heights)
        x0 = torch.minimum(x0, w - widths)
        params = {"num_holes": num,
                  "holes": torch.stack([x0, y0, x0 + widths, y0 + heights], dim=-1)}
        if self.fill == "random":
            params["fill_uniform"] = rng.field((batch_size, channels, h, w), kind="uniform")
        elif self.fill == "random_uniform":
            params["fill_uniform"] = rng.uniform(shape=(n, channels))
        return params

    # ---- applying -------------------------------------------------------------------------
    def _run(self, state, rng, params, mask, force=False):
        images = self._images(state)  # resamples pending geometry: masks and boxes too
        params = (self._draw(rng, state.batch_size, state.size, force, state.channels)
                  if params is None else Params.of(params, state.batch_size, state.device))
        apply = combine_masks(params.get("apply"), mask)
        holes = params["holes"].to(torch.int64)
        num = params["num_holes"].to(torch.int64)
        if apply is not None:
            num = torch.where(apply, num, torch.zeros_like(num))
        active = torch.arange(holes.shape[1], device=holes.device)[None, :] < num[:, None]
        union = fd._union(holes, active, state.size)
        fill = self.fill
        if isinstance(fill, str):
            fill = (fill, params["fill_uniform"])
        for name, image in images.items():
            images[name] = fd._cutout(image, holes, active, fill, max_value=state.max_value,
                                      union=union)
        if self.fill_mask is not None:
            for entry in state.masks.values():
                entry.mask = fd._fill_mask(entry.mask, union, self.fill_mask)
        applied = num > 0
        bp = state.bbox_params
        for entry in state.boxes.values():
            entry.boxes, entry.valid = fd._filter_boxes(entry.boxes, entry.valid, union, applied,
                                                        bp.min_area, bp.min_visibility)
        if state.keypoint_params.remove_invisible:
            for entry in state.points.values():
                entry.valid = entry.valid & ~fd._keypoints_in_holes(entry.boxes, holes, active)
        return params

    def apply(self, image, params, *, max_value):
        """The image part alone (for direct use): fill the active holes."""
        holes = params["holes"].to(torch.int64)
        num = params["num_holes"].to(torch.int64)
        active = torch.arange(holes.shape[1], device=holes.device)[None, :] < num[:, None]
        fill = (self.fill, params["fill_uniform"]) if isinstance(self.fill, str) else self.fill
        return fd._cutout(image, holes, active, fill, max_value=max_value)

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, num_holes_range={self.num_holes_range}, "
                f"hole_height_range={self.hole_height_range}, "
                f"hole_width_range={self.hole_width_range}, fill={self.fill!r}, "
                f"fill_mask={self.fill_mask!r}")

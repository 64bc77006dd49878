"""Dropout kernels: pure functions with explicit per-sample holes, albumentations 2.0.8 semantics,
no randomness.

Holes are (B, N, 4) integer tensors ``(x_min, y_min, x_max, y_max)`` in pixels, max exclusive,
as albumentations' ``holes``; a per-sample count ``num_holes`` (B,) says how many of the N rows
are real (the first ``num_holes``), so that a batch keeps one static N while samples cut
different numbers of holes.

The underscored functions work on float working images whose full intensity is ``max_value``
(what ``PixelTransform.apply`` gets) and are what the transforms call.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ..core.tensors import as_batch, finish_like, max_value as _max_value_of, working
from ..core.validation import parse_fill
from ..core.constants import constant

__all__ = ["holes_mask", "cutout", "filter_bboxes_by_holes", "filter_keypoints_in_holes"]


# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------
def _holes(holes: Tensor, batch: int, device) -> Tensor:
    if not isinstance(holes, Tensor):
        raise TypeError(f"holes must be a (B, N, 4) tensor, got {type(holes).__name__}")
    if holes.dim() == 2:
        holes = holes.unsqueeze(0).expand(batch, *holes.shape)
    if holes.dim() != 3 or holes.shape[-1] != 4 or holes.shape[0] != batch:
        raise ValueError(f"holes must have shape ({batch}, N, 4) or (N, 4), "
                         f"got {tuple(holes.shape)}")
    return holes.to(device=device, dtype=torch.int64)


def _active(holes: Tensor, num_holes) -> Tensor:
    """(B, N) bool: which hole rows are real."""
    b, n = holes.shape[:2]
    if num_holes is None:
        return torch.ones((b, n), dtype=torch.bool, device=holes.device)
    if not isinstance(num_holes, Tensor):
        num_holes = torch.full((b,), int(num_holes), dtype=torch.int64, device=holes.device)
    idx = torch.arange(n, device=holes.device)
    return idx[None, :] < num_holes.to(holes.device).view(-1, 1)


def _spans(holes: Tensor, active: Tensor, size: tuple[int, int]) -> tuple[Tensor, Tensor]:
    """Per hole, which rows (B, N, H) and which columns (B, N, W) it covers (inactive: none)."""
    h, w = size
    ys = torch.arange(h, device=holes.device)
    xs = torch.arange(w, device=holes.device)
    rows = (ys >= holes[..., 1:2]) & (ys < holes[..., 3:4]) & active[..., None]
    cols = (xs >= holes[..., 0:1]) & (xs < holes[..., 2:3])
    return rows, cols


def _union(holes: Tensor, active: Tensor, size: tuple[int, int]) -> Tensor:
    """(B, H, W) bool: the pixels inside any active hole (one batched matrix product of the
    row and column indicators, so no (B, N, H, W) tensor)."""
    rows, cols = _spans(holes, active, size)
    cover = torch.bmm(rows.transpose(1, 2).to(torch.float32), cols.to(torch.float32))
    return cover > 0.5


def _last_hole(holes: Tensor, active: Tensor, size: tuple[int, int]) -> Tensor:
    """(B, H, W) int64: 1 + the index of the last active hole covering a pixel, 0 outside every
    hole (albumentations fills holes in order, so the last one wins where they overlap)."""
    rows, cols = _spans(holes, active, size)
    n = holes.shape[1]
    rank = torch.arange(1, n + 1, device=holes.device, dtype=torch.int16).view(1, n, 1)
    ranked_rows = rows.to(torch.int16) * rank                           # (B, N, H)
    inside = ranked_rows[..., :, None] * cols[..., None, :].to(torch.int16)  # (B, N, H, W)
    return inside.amax(dim=1).to(torch.int64)


def holes_mask(holes: Tensor, size, num_holes=None) -> Tensor:
    """The (B, H, W) bool map of the pixels inside any of the holes.

    Args:
        holes: (B, N, 4) or (N, 4) integer (x_min, y_min, x_max, y_max), max exclusive.
        size: (H, W).
        num_holes: None (every row is a hole), an int, or (B,): the first ``num_holes`` rows.

    Examples:
        >>> holes_mask(torch.tensor([[[1, 0, 3, 1]]]), (2, 4)).int()
        tensor([[[0, 1, 1, 0],
                 [0, 0, 0, 0]]], dtype=torch.int32)
    """
    if not isinstance(holes, Tensor):
        raise TypeError(f"holes must be a (B, N, 4) tensor, got {type(holes).__name__}")
    if holes.dim() == 2:
        holes = holes.unsqueeze(0)
    h = _holes(holes, holes.shape[0], holes.device)
    return _union(h, _active(h, num_holes), (int(size[0]), int(size[1])))


# ---------------------------------------------------------------------------------------------
# Images and masks
# ---------------------------------------------------------------------------------------------
def _fill_values(fill, like: Tensor, dtype: torch.dtype | None = None) -> Tensor | float:
    """A number, or a per-channel tuple as a (1, C, 1, 1) tensor."""
    if isinstance(fill, tuple):
        if len(fill) == 1:
            return float(fill[0])
        if len(fill) != like.shape[1]:
            raise ValueError(f"fill has {len(fill)} values but the image has "
                             f"{like.shape[1]} channels")
        return constant(fill, like, dtype).view(1, -1, 1, 1)
    return float(fill)


def _paint(image: Tensor, holes: Tensor, active: Tensor, values,
           union: Tensor | None = None) -> Tensor:
    """Write ``values`` into the holes of a float (B, C, H, W) image.

    ``values``: a number; a (1, C, 1, 1) per-channel tensor; a (B, C', H, W) per-pixel tensor; or
    a (B, N, C') per-hole tensor of colours (the last hole covering a pixel wins, as
    albumentations fills holes in order). C' may be 1, C, or wider (cut to C).
    """
    size = tuple(image.shape[-2:])
    c = image.shape[1]
    if isinstance(values, Tensor) and values.dim() == 3:
        last = _last_hole(holes, active, size)                              # (B, H, W)
        colors = values if values.shape[2] in (1, c) else values[:, :, :c]
        colors = torch.cat([torch.zeros_like(colors[:, :1]), colors], dim=1)  # row 0: no hole
        b, _, cc = colors.shape
        index = last.view(b, 1, -1).expand(b, cc, -1)
        painted = torch.gather(colors.transpose(1, 2), 2, index).view(b, cc, *size)
        return torch.where((last > 0)[:, None], painted, image)
    inside = _union(holes, active, size) if union is None else union
    if not isinstance(values, Tensor):
        return image.masked_fill(inside[:, None], float(values))
    if values.shape[1] not in (1, c):
        values = values[:, :c]
    return torch.where(inside[:, None], values, image)


def _cutout(image: Tensor, holes: Tensor, active: Tensor, fill, *, max_value: float,
            union: Tensor | None = None) -> Tensor:
    """Fill the holes of a float working image (CoarseDropout's ``fill``), or of a uint8 image
    when the fill is whole levels in [0, 255].

    ``fill``: a number or per-channel tuple (in the image's range); ``("random", u)`` with a
    (B, C', H, W) uniform field, or ``("random_uniform", u)`` with (B, N, C') uniforms (one colour
    per hole): uint8 images get integers floor(256 u), float images u.
    """
    if isinstance(fill, tuple) and len(fill) == 2 and isinstance(fill[0], str):
        values = _uniform_to_levels(fill[1], max_value)
    else:
        values = _fill_values(fill, image)
    if image.dtype == torch.uint8 and isinstance(values, Tensor):  # whole levels (the caller's)
        values = values.to(torch.uint8)
    return _paint(image, holes, active, values, union)


def _uniform_to_levels(u: Tensor, max_value: float) -> Tensor:
    """albumentations' generate_random_fill from uniforms: integers in [0, 255] for uint8
    images (floor(256 u)), uniform floats in [0, 1) for float images."""
    if max_value == 255.0:
        return torch.floor(u * 256.0).clamp_(max=255.0)
    return u * max_value


def _fill_mask(mask: Tensor, union: Tensor, fill_mask) -> Tensor:
    """Write ``fill_mask`` (a number or one per mask channel, cast to the mask's dtype as numpy
    casts it: truncated) into the (B, K, H, W) mask under the holes."""
    if isinstance(fill_mask, tuple) and len(fill_mask) == 1:
        fill_mask = fill_mask[0]
    if isinstance(fill_mask, tuple):
        if len(fill_mask) != mask.shape[1]:
            raise ValueError(f"fill_mask has {len(fill_mask)} values but the mask has "
                             f"{mask.shape[1]} channels")
        value = constant(fill_mask, mask, mask.dtype).view(1, -1, 1, 1)
    else:
        value = constant((fill_mask,), mask, mask.dtype).view(1, 1, 1, 1)
    return torch.where(union[:, None], value, mask)


def cutout(image: Tensor, holes: Tensor, fill=0, num_holes=None) -> Tensor:
    """Fill rectangular holes: albumentations' ``cutout`` (CoarseDropout's image path).

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float in [0, 1].
        holes: (B, N, 4) or (N, 4) integer (x_min, y_min, x_max, y_max), max exclusive.
        fill: a number or one per channel, in the image's range (uint8 fills are rounded and
            saturated); or a (B, C, H, W) tensor of per-pixel values; or a (B, N, C) tensor of
            per-hole colours (the last hole covering a pixel wins, as albumentations fills them
            in order).
        num_holes: None (every row is a hole), an int, or (B,): the first ``num_holes`` rows.

    Examples:
        >>> img = torch.full((1, 1, 2, 4), 9, dtype=torch.uint8)
        >>> cutout(img, torch.tensor([[[1, 0, 3, 2]]]), fill=0)
        tensor([[[[9, 0, 0, 9],
                  [9, 0, 0, 9]]]], dtype=torch.uint8)
    """
    batch, single = as_batch(image)
    b = batch.shape[0]
    h = _holes(holes, b, batch.device)
    active = _active(h, num_holes)
    work = working(batch)
    if isinstance(fill, Tensor):
        if fill.dim() not in (3, 4):
            raise ValueError(f"fill as a tensor must be (B, C, H, W) or (B, N, C), "
                             f"got {tuple(fill.shape)}")
        out = _paint(work, h, active, fill.to(device=work.device, dtype=work.dtype))
    else:
        out = _cutout(work, h, active, parse_fill(fill), max_value=_max_value_of(batch.dtype))
    out = finish_like(out, batch, image.dtype)
    return out[0] if single else out


# ---------------------------------------------------------------------------------------------
# Boxes and keypoints
# ---------------------------------------------------------------------------------------------
def _gather_rows(table: Tensor, index: Tensor) -> Tensor:
    """table (B, R, L), index (B, M) into the last dim -> (B, R, M)."""
    b, r, _ = table.shape
    return torch.gather(table, 2, index[:, None, :].expand(b, r, index.shape[1]))


def _filter_boxes(boxes: Tensor, valid: Tensor, union: Tensor, applied: Tensor,
                  min_area: float, min_visibility: float) -> tuple[Tensor, Tensor]:
    """albumentations' ``filter_bboxes_by_holes`` + ``resize_boxes_to_visible_area`` as flags.

    On the integer box (coordinates truncated): the pixels left uncovered must number at least
    ``min_area``, be a fraction >= ``min_visibility`` of the box and be more than zero, else the
    row is marked invalid; a kept box shrinks to the bounding rectangle of the rows and columns
    that still show an uncovered pixel (integer coordinates). Samples where ``applied`` is False,
    and rows already invalid, keep their boxes and flags.
    """
    b, n = boxes.shape[:2]
    h, w = union.shape[-2:]
    coords = torch.trunc(boxes[..., :4]).to(torch.int64)               # numpy's astype(int)
    area = (coords[..., 2] - coords[..., 0]) * (coords[..., 3] - coords[..., 1])
    x0 = coords[..., 0].clamp(0, w)
    y0 = coords[..., 1].clamp(0, h)
    x1 = torch.maximum(coords[..., 2].clamp(0, w), x0)
    y1 = torch.maximum(coords[..., 3].clamp(0, h), y0)
    covered = union.to(torch.int32)
    row_sums = F.pad(covered.cumsum(2, dtype=torch.int32), (1, 0))         # (B, H, W + 1)
    col_sums = F.pad(covered.cumsum(1, dtype=torch.int32), (0, 0, 1, 0))   # (B, H + 1, W)
    col_sums = col_sums.transpose(1, 2)                                     # (B, W, H + 1)
    # hole pixels of each box, per image row (B, H, N) and per image column (B, W, N)
    per_row = _gather_rows(row_sums, x1) - _gather_rows(row_sums, x0)
    per_col = _gather_rows(col_sums, y1) - _gather_rows(col_sums, y0)
    ys = torch.arange(h, device=boxes.device).view(1, h, 1)
    xs = torch.arange(w, device=boxes.device).view(1, w, 1)
    in_rows = (ys >= y0[:, None, :]) & (ys < y1[:, None, :])
    in_cols = (xs >= x0[:, None, :]) & (xs < x1[:, None, :])
    hidden = (per_row * in_rows).sum(1)                                # (B, N)
    remaining = area - hidden
    visibility = remaining.to(torch.float64) / area.to(torch.float64)  # nan / inf where area 0
    keep = (remaining >= min_area) & (visibility >= min_visibility) & (remaining > 0)
    show_rows = in_rows & (per_row < (x1 - x0)[:, None, :])             # a visible pixel in row y
    show_cols = in_cols & (per_col < (y1 - y0)[:, None, :])
    big_h = torch.full_like(ys, h)
    big_w = torch.full_like(xs, w)
    top = torch.where(show_rows, ys, big_h).amin(1)
    bottom = torch.where(show_rows, ys, -1).amax(1) + 1
    left = torch.where(show_cols, xs, big_w).amin(1)
    right = torch.where(show_cols, xs, -1).amax(1) + 1
    shrunk = torch.stack([left, top, right, bottom], -1).to(boxes.dtype)
    touch = applied[:, None] & valid
    new_valid = torch.where(touch, keep, valid)
    update = (touch & keep)[..., None]
    out = torch.cat([torch.where(update, shrunk, boxes[..., :4]), boxes[..., 4:]], -1)
    return out, new_valid


def _keypoints_in_holes(points: Tensor, holes: Tensor, active: Tensor) -> Tensor:
    """(B, N) bool: keypoints inside an active hole (x_min <= x < x_max, y likewise)."""
    x = points[..., 0:1]
    y = points[..., 1:2]
    hx0, hy0, hx1, hy1 = (holes[..., i][:, None, :].to(points.dtype) for i in range(4))
    inside = (x >= hx0) & (x < hx1) & (y >= hy0) & (y < hy1) & active[:, None, :]
    return inside.any(-1)


def filter_bboxes_by_holes(bboxes: Tensor, holes: Tensor, size, min_area: float = 0.0,
                           min_visibility: float = 0.0, num_holes=None,
                           valid: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """CoarseDropout's box handling (albumentations' ``filter_bboxes_by_holes``) as flags.

    Args:
        bboxes: (B, M, 4 + E) pascal_voc pixels.
        holes: (B, N, 4) or (N, 4) integer holes.
        size: (H, W) of the image.
        min_area, min_visibility: as BboxParams.
        num_holes: None, an int, or (B,): the first ``num_holes`` rows are holes; samples with
            none keep their boxes.
        valid: (B, M) bool, default all True.

    Returns:
        (boxes, valid): boxes shrunk to their visible part, validity with the boxes albumentations
        removes marked False (rows are never dropped).
    """
    b = bboxes.shape[0]
    h = _holes(holes, b, bboxes.device)
    active = _active(h, num_holes)
    size = (int(size[0]), int(size[1]))
    if valid is None:
        valid = torch.ones(bboxes.shape[:2], dtype=torch.bool, device=bboxes.device)
    return _filter_boxes(bboxes.to(torch.float32), valid, _union(h, active, size), active.any(1),
                         float(min_area), float(min_visibility))


def filter_keypoints_in_holes(keypoints: Tensor, holes: Tensor, num_holes=None,
                              valid: Tensor | None = None) -> Tensor:
    """Validity of keypoints after CoarseDropout: points inside a hole are marked False.

    Args:
        keypoints: (B, M, 2 + E) with x, y first (pixel coordinates).
        holes: (B, N, 4) or (N, 4) integer holes.
        num_holes: None, an int, or (B,).
        valid: (B, M) bool, default all True.
    """
    b = keypoints.shape[0]
    h = _holes(holes, b, keypoints.device)
    inside = _keypoints_in_holes(keypoints.to(torch.float32), h, _active(h, num_holes))
    if valid is None:
        return ~inside
    return valid & ~inside

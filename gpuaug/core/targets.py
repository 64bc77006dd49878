"""Boxes and keypoints: formats, validity flags, and mapping through a chain's matrix.

Internally boxes are (B, N, 4 + E) pascal_voc pixels on continuous edges, keypoints (B, N, 4 + E)
as (x, y, angle in radians, scale) on pixel centres; E extra columns ride along untouched. Rows are
never dropped or reordered: what albumentations would remove is marked False in the validity flag.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from . import geometry
from .validation import check_choice, check_number

BBOX_FORMATS = ("pascal_voc", "coco", "yolo", "albumentations")
KEYPOINT_FORMATS = ("xy", "yx", "xya", "xys", "xyas", "xysa")
_EPS = 1e-7


@dataclass
class BboxParams:
    """How boxes are read, filtered and written (albumentations' BboxParams).

    Args:
        format: "pascal_voc" (x_min, y_min, x_max, y_max in pixels), "coco" (x_min, y_min, w, h in
            pixels), "yolo" (x_c, y_c, w, h normalised) or "albumentations" (normalised pascal_voc).
        label_fields: accepted for porting; labels need no handling since rows never move.
        min_area, min_visibility, min_width, min_height, max_accept_ratio: a box that fails one is
            marked False in ``bbox_valid`` (albumentations removes it).
        clip: clip input boxes to the image before transforming.
        filter_invalid_bboxes: mark input boxes with non-positive width or height invalid.
        check_each_transform: also filter after every resample inside the pipeline (not only at
            the end), as albumentations filters after every transform.
    """

    format: str = "pascal_voc"
    label_fields: list | None = None
    min_area: float = 0.0
    min_visibility: float = 0.0
    min_width: float = 0.0
    min_height: float = 0.0
    check_each_transform: bool = True
    clip: bool = False
    filter_invalid_bboxes: bool = False
    max_accept_ratio: float | None = None

    def __post_init__(self):
        check_choice(self.format, "BboxParams.format", BBOX_FORMATS)
        check_number(self.min_area, "BboxParams.min_area", low=0)
        check_number(self.min_visibility, "BboxParams.min_visibility", low=0, high=1)
        check_number(self.min_width, "BboxParams.min_width", low=0)
        check_number(self.min_height, "BboxParams.min_height", low=0)
        if self.max_accept_ratio is not None:
            check_number(self.max_accept_ratio, "BboxParams.max_accept_ratio", low=1)


@dataclass
class KeypointParams:
    """How keypoints are read and written (albumentations' KeypointParams).

    Args:
        format: "xy", "yx", "xya", "xys", "xyas" or "xysa" (a: angle, s: scale); further columns
            ride along untouched.
        label_fields: accepted for porting; labels need no handling since rows never move.
        remove_invisible: mark points outside the frame False in ``keypoint_valid``.
        angle_in_degrees: angles are given and returned in degrees (else radians).
        check_each_transform: also check visibility after every resample inside the pipeline.
    """

    format: str = "xy"
    label_fields: list | None = None
    remove_invisible: bool = True
    angle_in_degrees: bool = True
    check_each_transform: bool = True

    def __post_init__(self):
        check_choice(self.format, "KeypointParams.format", KEYPOINT_FORMATS)


# ---------------------------------------------------------------------------------------------
# Boxes
# ---------------------------------------------------------------------------------------------
def boxes_to_pixels(boxes: Tensor, fmt: str, size: tuple[int, int]) -> Tensor:
    """(B, N, 4 + E) boxes in ``fmt`` -> pascal_voc pixels (float32)."""
    h, w = size
    b = boxes.to(torch.float32)
    a, c, d, e, extra = b[..., 0], b[..., 1], b[..., 2], b[..., 3], b[..., 4:]
    if fmt == "pascal_voc":
        x0, y0, x1, y1 = a, c, d, e
    elif fmt == "coco":
        x0, y0, x1, y1 = a, c, a + d, c + e
    elif fmt == "albumentations":
        x0, y0, x1, y1 = a * w, c * h, d * w, e * h
    elif fmt == "yolo":
        x0, y0, x1, y1 = (a - d / 2) * w, (c - e / 2) * h, (a + d / 2) * w, (c + e / 2) * h
    else:
        raise ValueError(f"unknown bbox format {fmt!r}")
    return torch.cat([torch.stack([x0, y0, x1, y1], dim=-1), extra], dim=-1)


def boxes_from_pixels(boxes: Tensor, fmt: str, size: tuple[int, int]) -> Tensor:
    h, w = size
    x0, y0, x1, y1, extra = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3], boxes[..., 4:]
    if fmt == "pascal_voc":
        cols = (x0, y0, x1, y1)
    elif fmt == "coco":
        cols = (x0, y0, x1 - x0, y1 - y0)
    elif fmt == "albumentations":
        cols = (x0 / w, y0 / h, x1 / w, y1 / h)
    elif fmt == "yolo":
        cols = ((x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h)
    else:
        raise ValueError(f"unknown bbox format {fmt!r}")
    return torch.cat([torch.stack(cols, dim=-1), extra], dim=-1)


def clip_boxes(boxes: Tensor, size: tuple[int, int]) -> Tensor:
    h, w = size
    xs = boxes[..., 0:4:2].clamp(0, w)
    ys = boxes[..., 1:4:2].clamp(0, h)
    return torch.cat([torch.stack([xs[..., 0], ys[..., 0], xs[..., 1], ys[..., 1]], -1),
                      boxes[..., 4:]], dim=-1)


def filter_boxes(boxes: Tensor, valid: Tensor, size: tuple[int, int],
                 params: BboxParams) -> tuple[Tensor, Tensor]:
    """albumentations' filter_bboxes as a flag: clip to the frame, then check area, visibility,
    width, height and aspect ratio against the box before clipping. Boxes wholly outside the
    frame are invalid (albumentations drops them)."""
    area = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    clipped = clip_boxes(boxes, size)
    cw = clipped[..., 2] - clipped[..., 0]
    ch = clipped[..., 3] - clipped[..., 1]
    clipped_area = cw * ch
    ok = (area >= _EPS) & (cw > 1e-6) & (ch > 1e-6)  # slivers from float round-off are empty
    ok &= clipped_area >= params.min_area - _EPS
    ok &= clipped_area / (area + _EPS) >= params.min_visibility
    ok &= (cw >= params.min_width - _EPS) & (ch >= params.min_height - _EPS)
    if params.max_accept_ratio is not None:
        ratio = torch.maximum(cw / (ch + _EPS), ch / (cw + _EPS))
        ok &= ratio <= params.max_accept_ratio
    return clipped, valid & ok


def map_boxes(matrix: Tensor, boxes: Tensor) -> Tensor:
    """Map pascal_voc pixel boxes through a (B, 3, 3) pixel-centre matrix: the axis-aligned hull
    of the four mapped corners, on continuous edges."""
    edge = geometry.edge_matrix(matrix)
    x0, y0, x1, y1 = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    corners = torch.stack([torch.stack([x0, y0], -1), torch.stack([x1, y0], -1),
                           torch.stack([x0, y1], -1), torch.stack([x1, y1], -1)], dim=-2)
    b, n = boxes.shape[:2]
    mapped = geometry.map_points(edge, corners.reshape(b, n * 4, 2)).reshape(b, n, 4, 2)
    lo, hi = mapped.amin(dim=-2), mapped.amax(dim=-2)
    return torch.cat([lo, hi, boxes[..., 4:]], dim=-1)


# ---------------------------------------------------------------------------------------------
# Keypoints
# ---------------------------------------------------------------------------------------------
def keypoints_to_internal(points: Tensor, params: KeypointParams) -> Tensor:
    """(B, N, len(format) + E) -> (B, N, 4 + E): x, y, angle (radians), scale, extras."""
    fmt = params.format
    p = points.to(torch.float32)
    cols = {name: p[..., i] for i, name in enumerate(fmt)}
    extra = p[..., len(fmt):]
    zeros = torch.zeros_like(p[..., 0])
    angle = cols.get("a", zeros)
    if "a" in cols and params.angle_in_degrees:
        angle = angle * (math.pi / 180.0)
    scale = cols["s"] if "s" in cols else torch.ones_like(zeros)
    return torch.cat([torch.stack([cols["x"], cols["y"], angle, scale], dim=-1), extra], dim=-1)


def keypoints_from_internal(points: Tensor, params: KeypointParams) -> Tensor:
    fmt = params.format
    angle = points[..., 2].remainder(2 * math.pi)
    if params.angle_in_degrees:
        angle = angle * (180.0 / math.pi)
    by_name = {"x": points[..., 0], "y": points[..., 1], "a": angle, "s": points[..., 3]}
    return torch.cat([torch.stack([by_name[c] for c in fmt], dim=-1), points[..., 4:]], dim=-1)


def keypoints_visible(points: Tensor, size: tuple[int, int]) -> Tensor:
    """albumentations' visibility: 0 <= x < W and 0 <= y < H (pixel-centre coordinates)."""
    h, w = size
    x, y = points[..., 0], points[..., 1]
    return (x >= 0) & (x < w) & (y >= 0) & (y < h)


def map_keypoints(matrix: Tensor, points: Tensor) -> Tensor:
    """Move keypoints with the image: (x, y) through the matrix; the angle turns and the scale
    stretches with the map's local Jacobian (its largest singular value), so a point follows the
    very matrix that moves its pixels."""
    xy = points[..., :2]
    new_xy = geometry.map_points(matrix, xy)
    jac = geometry.jacobian(matrix, xy)
    angle = points[..., 2].to(jac.dtype)
    dx = jac[..., 0, 0] * torch.cos(angle) + jac[..., 0, 1] * torch.sin(angle)
    dy = jac[..., 1, 0] * torch.cos(angle) + jac[..., 1, 1] * torch.sin(angle)
    new_angle = torch.atan2(dy, dx)
    frob = (jac ** 2).sum(dim=(-1, -2))
    det = jac[..., 0, 0] * jac[..., 1, 1] - jac[..., 0, 1] * jac[..., 1, 0]
    sigma_max = torch.sqrt((frob + torch.sqrt((frob ** 2 - 4 * det ** 2).clamp(min=0))) / 2)
    new_scale = points[..., 3].to(jac.dtype) * sigma_max
    return torch.cat([new_xy, torch.stack([new_angle, new_scale], -1).to(points.dtype),
                      points[..., 4:]], dim=-1)

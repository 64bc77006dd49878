"""3x3 matrices that map source pixels to destination pixels (OpenCV convention), batched.

Pixel centres sit at integer coordinates. Every builder returns (B, 3, 3) float64 on the device
of its tensor arguments; matrix algebra runs in float64 (it is tiny) and the sampling grids built
from it in float32. Boxes live on continuous edges, keypoints on pixel centres: a box is mapped
with ``T(+0.5) @ M @ T(-0.5)``.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from . import constants

DTYPE = torch.float64


def scalar(value: float, device) -> Tensor:
    """A 0-d float64 constant on ``device`` (cached; broadcast instead of filling a batch)."""
    return constants.scalar(value, device, DTYPE)


def _batch(value, like: Tensor) -> Tensor:
    """A (B,) float64 tensor from a (B,) tensor or a number (a broadcast view, no kernel)."""
    if isinstance(value, Tensor):
        return value.to(device=like.device, dtype=DTYPE).expand(like.shape)
    return scalar(value, like.device).expand(like.shape)


def from_rows(a, b, c, d, e, f, g=0.0, h=0.0, i=1.0, *, like: Tensor) -> Tensor:
    """[[a, b, c], [d, e, f], [g, h, i]] with each entry a (B,) tensor or a number: one kernel,
    or none when all are numbers (a cached constant broadcast over the batch: read-only)."""
    values = (a, b, c, d, e, f, g, h, i)
    if not any(isinstance(v, Tensor) for v in values):
        m = constants.constant(tuple(float(v) for v in values), like, DTYPE, shape=(3, 3))
        return m.expand(*like.shape, 3, 3)
    entries = [_batch(v, like) for v in values]
    return torch.stack(entries, dim=-1).reshape(*like.shape, 3, 3)


def identity(batch_size: int, device) -> Tensor:
    eye = constants.cached(("eye", torch.device(device)), lambda: torch.eye(3, dtype=DTYPE).to(device))
    return eye.expand(batch_size, 3, 3)


def translation(tx, ty, *, like: Tensor) -> Tensor:
    return from_rows(1.0, 0.0, tx, 0.0, 1.0, ty, like=like)


def translation_rows(tx: float, ty: float) -> tuple[float, ...]:
    """``translation`` by numbers, as the nine entries of the matrix (row-major)."""
    return (1.0, 0.0, float(tx), 0.0, 1.0, float(ty), 0.0, 0.0, 1.0)


def resize_rows(in_size: tuple[int, int], out_size: tuple[int, int]) -> tuple[float, ...]:
    """Pixel-centre resize, x' = (x + 0.5) * W_out / W_in - 0.5 (as cv2.resize maps
    coordinates), as the nine entries of the matrix (row-major)."""
    sy, sx = out_size[0] / in_size[0], out_size[1] / in_size[1]
    return (sx, 0.0, 0.5 * sx - 0.5, 0.0, sy, 0.5 * sy - 0.5, 0.0, 0.0, 1.0)


def resize(in_size: tuple[int, int], out_size: tuple[int, int], *, like: Tensor) -> Tensor:
    return from_rows(*resize_rows(in_size, out_size), like=like)


def rows_product(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """a @ b for 3x3 matrices given as nine numbers each (row-major)."""
    return tuple(sum(a[3 * r + k] * b[3 * k + c] for k in range(3))
                 for r in range(3) for c in range(3))


def _start_and_size_matrix(like: Tensor) -> Tensor:
    """(x_min, y_min, x_max, y_max) @ this = (-x_min, -y_min, w, h)."""
    return constants.constant((-1.0, 0.0, -1.0, 0.0,
                               0.0, -1.0, 0.0, -1.0,
                               0.0, 0.0, 1.0, 0.0,
                               0.0, 0.0, 0.0, 1.0), like, shape=(4, 4))


def crop_resize_box(box: Tensor, out_size: tuple[int, int]) -> Tensor:
    """Crop the (B, 4) windows (x_min, y_min, x_max, y_max) in pixels and resize them to
    ``out_size`` (height, width): x' = (x - x_min + 0.5) * W_out / w - 0.5, in a few vector ops.
    The scale is a true division W_out / w, bit-identical to cv2.resize's inv_scale_x."""
    box = box.to(DTYPE)
    if torch.compiler.is_compiling():  # Inductor fuses these (an addmm is an external call)
        half_minus_min, size = 0.5 - box[:, :2], box[:, 2:] - box[:, :2]
    else:  # eager: one kernel, a product with a matrix of 0 and +-1 (exact: at most two
        # nonzero terms per column)
        q = torch.addmm(constants.constant((0.5, 0.5, 0.0, 0.0), box), box,
                        _start_and_size_matrix(box))
        half_minus_min, size = q[:, :2], q[:, 2:]
    scale = constants.constant((out_size[1], out_size[0]), box) / size       # (B, 2): sx, sy
    shift = torch.addcmul(constants.constant((-0.5,), box, shape=()), half_minus_min, scale)
    return from_rows(scale[:, 0], 0.0, shift[:, 0], 0.0, scale[:, 1], shift[:, 1], like=box[:, 0])


def rotation(angle_deg, center: tuple[float, float], scale=1.0, *, like: Tensor) -> Tensor:
    """cv2.getRotationMatrix2D(center, angle, scale): positive angles turn the image counter-clockwise."""
    theta = _batch(angle_deg, like) * (math.pi / 180.0)
    s = _batch(scale, like)
    alpha, beta = s * torch.cos(theta), s * torch.sin(theta)
    cx, cy = center
    return from_rows(alpha, beta, (1 - alpha) * cx - beta * cy,
                     -beta, alpha, beta * cx + (1 - alpha) * cy, like=like)


def hflip(width: int, *, like: Tensor) -> Tensor:
    return from_rows(-1.0, 0.0, width - 1.0, 0.0, 1.0, 0.0, like=like)


def vflip(height: int, *, like: Tensor) -> Tensor:
    return from_rows(1.0, 0.0, 0.0, 0.0, -1.0, height - 1.0, like=like)


def transpose(*, like: Tensor) -> Tensor:
    return from_rows(0.0, 1.0, 0.0, 1.0, 0.0, 0.0, like=like)


def rot90(k: Tensor, size: tuple[int, int]) -> Tensor:
    """np.rot90(img, k) (counter-clockwise) for a (B,) int tensor k, on an (H, W) image.

    The output frame is (W, H) for odd k; for a non-square image the callers keep (H, W) and
    compose with a centring translation (see RandomRotate90).
    """
    h, w = size
    k = k.remainder(4)
    like = k.to(DTYPE)
    # x' = c*x + s*y + tx ; y' = -s*x + c*y + ty  with (c, s) = (cos, sin) of k*90 degrees
    c = (k == 0).to(DTYPE) - (k == 2).to(DTYPE)
    s = (k == 1).to(DTYPE) - (k == 3).to(DTYPE)
    tx = (k == 2).to(DTYPE) * (w - 1) + (k == 3).to(DTYPE) * (h - 1)
    ty = (k == 1).to(DTYPE) * (w - 1) + (k == 2).to(DTYPE) * (h - 1)
    return from_rows(c, s, tx, -s, c, ty, like=like)


def to3x3(matrix: Tensor) -> Tensor:
    """(…, 2, 3) or (…, 3, 3) -> (…, 3, 3) float64."""
    matrix = matrix.to(DTYPE)
    if matrix.shape[-2:] == (3, 3):
        return matrix
    if matrix.shape[-2:] != (2, 3):
        raise ValueError(f"matrix must be (..., 2, 3) or (..., 3, 3), got {tuple(matrix.shape)}")
    bottom = torch.zeros(matrix.shape[:-2] + (1, 3), dtype=DTYPE, device=matrix.device)
    bottom[..., 0, 2] = 1.0
    return torch.cat([matrix, bottom], dim=-2)


# cofactor C[i][j] = m[a] * m[b] - m[c] * m[d] (flat indices), transposed into the adjugate
_ADJ_A = (4, 2, 1, 5, 0, 2, 3, 1, 0)
_ADJ_B = (8, 7, 5, 6, 8, 3, 7, 6, 4)
_ADJ_C = (5, 1, 2, 3, 2, 0, 4, 0, 1)
_ADJ_D = (7, 8, 4, 8, 6, 5, 6, 7, 3)
_ADJ_ABCD = _ADJ_A + _ADJ_B + _ADJ_C + _ADJ_D


def inverse(m: Tensor) -> Tensor:
    """Closed-form inverse of (…, 3, 3) matrices: no solver, no host sync, fuses under compile
    (all nine cofactors from one index gather).

    A singular matrix gives a zero matrix (every destination pixel then reads the source origin)
    rather than inf/NaN.
    """
    flat = m.reshape(*m.shape[:-2], 9)
    p = flat.index_select(-1, constants.constant(_ADJ_ABCD, flat, torch.int64)).unflatten(-1, (4, 9))
    adj = p[..., 0, :] * p[..., 1, :] - p[..., 2, :] * p[..., 3, :]       # adjugate, row-major
    det = (flat[..., 0:3] * adj[..., 0:9:3]).sum(-1, keepdim=True)        # row 0 . column 0
    singular = det == 0
    zero, one = (constants.scalar(v, det.device, det.dtype) for v in (0.0, 1.0))
    return torch.where(singular, zero, adj / torch.where(singular, one, det)).reshape(m.shape)


def edge_matrix(m: Tensor) -> Tensor:
    """The same map on continuous edge coordinates (boxes): T(+0.5) @ M @ T(-0.5)."""
    last_col = m[..., :, 2] - 0.5 * (m[..., :, 0] + m[..., :, 1])
    shifted = torch.cat([m[..., :, :2], last_col[..., None]], dim=-1)
    bottom = shifted[..., 2:3, :]
    return torch.cat([shifted[..., :2, :] + 0.5 * bottom, bottom], dim=-2)


def map_points(m: Tensor, points: Tensor) -> Tensor:
    """Apply (B, 3, 3) matrices to (B, N, 2) points (projective division included)."""
    x, y = points[..., 0].to(DTYPE), points[..., 1].to(DTYPE)
    mm = m.to(DTYPE)[:, None]
    xs = mm[..., 0, 0] * x + mm[..., 0, 1] * y + mm[..., 0, 2]
    ys = mm[..., 1, 0] * x + mm[..., 1, 1] * y + mm[..., 1, 2]
    ws = mm[..., 2, 0] * x + mm[..., 2, 1] * y + mm[..., 2, 2]
    ws = torch.where(ws.abs() < 1e-12, torch.full_like(ws, 1e-12), ws)
    return torch.stack([xs / ws, ys / ws], dim=-1).to(points.dtype)


def jacobian(m: Tensor, points: Tensor) -> Tensor:
    """The 2x2 Jacobian of the (projective) map at each point: (B, N, 2, 2), float64."""
    x, y = points[..., 0].to(DTYPE), points[..., 1].to(DTYPE)
    mm = m.to(DTYPE)[:, None]
    u = mm[..., 0, 0] * x + mm[..., 0, 1] * y + mm[..., 0, 2]
    v = mm[..., 1, 0] * x + mm[..., 1, 1] * y + mm[..., 1, 2]
    w = mm[..., 2, 0] * x + mm[..., 2, 1] * y + mm[..., 2, 2]
    w = torch.where(w.abs() < 1e-12, torch.full_like(w, 1e-12), w)
    g, h = mm[..., 2, 0], mm[..., 2, 1]
    j00 = (mm[..., 0, 0] - u / w * g) / w
    j01 = (mm[..., 0, 1] - u / w * h) / w
    j10 = (mm[..., 1, 0] - v / w * g) / w
    j11 = (mm[..., 1, 1] - v / w * h) / w
    return torch.stack([j00, j01, j10, j11], dim=-1).reshape(*x.shape, 2, 2)

"""Geometric kernels with OpenCV semantics, batched with per-sample parameters.

Pixel centres sit at integer coordinates; matrices map source pixels to destination pixels, as
``cv2.warpAffine`` takes them. Every function accepts (B, C, H, W) or (C, H, W), uint8 or float,
and returns the same rank and dtype (uint8 rounded to nearest and saturated).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ..core import geometry
from ..core.tensors import as_batch, check_image, finish_like, restore_format
from ..core.validation import check_int, parse_border, parse_fill, parse_interpolation, to_size
from ..core.warp import Chain, Resampler

__all__ = ["warp_affine", "warp_perspective", "resize", "hflip", "vflip", "transpose", "rot90",
           "crop", "pad"]


def _matrix(matrix, batch: int, device, rows: int, name: str = "matrix") -> Tensor:
    if isinstance(matrix, np.ndarray):
        matrix = torch.from_numpy(matrix)
    if not isinstance(matrix, Tensor):
        raise TypeError(f"{name} must be a tensor or numpy array, got {type(matrix).__name__}")
    if matrix.shape[-2:] not in ((2, 3), (3, 3)) or matrix.dim() not in (2, 3):
        raise ValueError(f"{name} must be ({rows}, 3) or (B, {rows}, 3), got {tuple(matrix.shape)}")
    if rows == 3 and matrix.shape[-2] != 3:
        raise ValueError(f"{name} must be (3, 3) or (B, 3, 3) for a perspective warp, "
                         f"got {tuple(matrix.shape)}")
    m = geometry.to3x3(matrix.to(device))
    if m.dim() == 2:
        m = m.expand(batch, 3, 3)
    elif m.shape[0] != batch:
        raise ValueError(f"{name} has batch size {m.shape[0]} but the image has {batch}")
    return m


def _warp(image: Tensor, m: Tensor, size, interpolation, border_mode, fill, projective: bool):
    batch, single = as_batch(image)
    out_size = to_size(size, "size")
    chain = Chain(source_size=tuple(batch.shape[-2:]), size=tuple(batch.shape[-2:]))
    chain.add(_matrix(m, batch.shape[0], batch.device, 3 if projective else 2), out_size,
              border=parse_border(border_mode), fill=parse_fill(fill),
              interpolation=parse_interpolation(interpolation), projective=projective)
    out = Resampler(chain, batch.shape[0], batch.device).image(batch)
    out = finish_like(out, batch, image.dtype)
    return out[0] if single else out


def warp_affine(image: Tensor, matrix, size, interpolation="linear", border_mode="constant",
                fill=0) -> Tensor:
    """Per sample ``cv2.warpAffine(img, M, (W_out, H_out), flags, borderMode, borderValue=fill)``.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float.
        matrix: (2, 3) / (3, 3), or (B, 2, 3) / (B, 3, 3) for per-sample matrices; maps source
            pixels to destination pixels.
        size: (H_out, W_out).
        interpolation: "nearest", "linear", "cubic" ("area" acts as "linear", as in OpenCV) or a
            cv2.INTER_* flag.
        border_mode: "constant", "replicate", "reflect", "wrap", "reflect_101" or cv2.BORDER_*.
        fill: the constant border value, a number or one per channel.

    Examples:
        >>> img = torch.arange(12, dtype=torch.float32).view(1, 3, 4)
        >>> warp_affine(img, torch.tensor([[1., 0., 1.], [0., 1., 0.]]), (3, 4))[0, 0]
        tensor([0., 0., 1., 2.])
    """
    return _warp(image, matrix, size, interpolation, border_mode, fill, projective=False)


def warp_perspective(image: Tensor, matrix, size, interpolation="linear", border_mode="constant",
                     fill=0) -> Tensor:
    """Per sample ``cv2.warpPerspective(img, M, (W_out, H_out), ...)``; matrix (3, 3) or (B, 3, 3)."""
    return _warp(image, matrix, size, interpolation, border_mode, fill, projective=True)


def _nearest_index(n_in: int, n_out: int, exact: bool, device) -> Tensor:
    """cv2.resize's INTER_NEAREST (floor(x * in / out)) or INTER_NEAREST_EXACT source indices."""
    x = torch.arange(n_out, device=device, dtype=torch.float64)
    if exact:
        # OpenCV's 16.16 fixed-point rule for INTER_NEAREST_EXACT
        ifx = ((n_in << 16) + n_out // 2) // n_out
        ifx0 = ifx // 2 - n_in % 2
        idx = (torch.arange(n_out, device=device, dtype=torch.int64) * ifx + ifx0) >> 16
    else:
        idx = torch.floor(x * (1.0 / (n_out / n_in))).to(torch.int64)
    return idx.clamp(0, n_in - 1)


def resize(image: Tensor, size, interpolation="linear") -> Tensor:
    """Per sample ``cv2.resize(img, (W, H), interpolation=...)``.

    "nearest" follows cv2.INTER_NEAREST (source index floor(x * W_in / W_out)), "nearest_exact"
    cv2.INTER_NEAREST_EXACT; "linear", "cubic" and "area" read replicated borders as OpenCV does.

    Examples:
        >>> img = torch.tensor([[[0., 2.], [4., 6.]]])
        >>> resize(img, (1, 1), "area")
        tensor([[[3.]]])
    """
    batch, single = as_batch(image)
    out_size = to_size(size, "size")
    interp = parse_interpolation(interpolation)
    h, w = batch.shape[-2:]
    if (h, w) == tuple(out_size):  # cv2.resize to the same size copies the image
        return image.clone()
    if interp in ("nearest", "nearest_exact"):
        iy = _nearest_index(h, out_size[0], interp == "nearest_exact", batch.device)
        ix = _nearest_index(w, out_size[1], interp == "nearest_exact", batch.device)
        out = batch.index_select(-2, iy).index_select(-1, ix)
    else:
        chain = Chain(source_size=(h, w), size=(h, w))
        like = torch.zeros(batch.shape[0], device=batch.device, dtype=geometry.DTYPE)
        rows = geometry.resize_rows((h, w), out_size)
        chain.add(geometry.from_rows(*rows, like=like), out_size, interpolation=interp,
                  axis_aligned=True, host=rows)
        out = Resampler(chain, batch.shape[0], batch.device).image(batch)
    out = finish_like(out, batch, image.dtype)
    return out[0] if single else out


def hflip(image: Tensor) -> Tensor:
    """Mirror left-right (cv2.flip(img, 1))."""
    return check_image(image).flip(-1)


def vflip(image: Tensor) -> Tensor:
    """Mirror top-bottom (cv2.flip(img, 0))."""
    return check_image(image).flip(-2)


def transpose(image: Tensor) -> Tensor:
    """Swap rows and columns (cv2.transpose): output (…, W, H)."""
    return check_image(image).transpose(-1, -2)


def rot90(image: Tensor, k) -> Tensor:
    """Rotate counter-clockwise by k * 90 degrees, as ``np.rot90(img, k)``.

    ``k`` is an int, or a (B,) integer tensor of per-sample turns (then the image must be square,
    so that the batch keeps one shape).
    """
    check_image(image)
    if isinstance(k, int) and not isinstance(k, bool):
        return torch.rot90(image, k, dims=(-2, -1))
    if not isinstance(k, Tensor) or k.is_floating_point() or k.dtype == torch.bool:
        raise TypeError(f"k must be an int or a (B,) integer tensor, got "
                        f"{k.dtype if isinstance(k, Tensor) else type(k).__name__}")
    batch, single = as_batch(image)
    h, w = batch.shape[-2:]
    if h != w:
        raise ValueError(f"per-sample k needs a square image (the batch keeps one shape), "
                         f"got {h}x{w}; pass an int k instead")
    if k.shape != (batch.shape[0],):
        raise ValueError(f"k must have shape ({batch.shape[0]},), got {tuple(k.shape)}")
    chain = Chain(source_size=(h, w), size=(h, w))
    chain.add(geometry.rot90(k.to(batch.device), (h, w)), (h, w), exact=True)
    out = restore_format(Resampler(chain, batch.shape[0], batch.device).image(batch), batch)
    return out[0] if single else out


def _offset(value, name: str, batch: int) -> Tensor | int:
    if isinstance(value, Tensor):
        if value.is_floating_point() or value.dtype == torch.bool or value.shape != (batch,):
            raise ValueError(f"{name} as a tensor must be a ({batch},) integer tensor, "
                             f"got {value.dtype} {tuple(value.shape)}")
        return value
    return check_int(value, name)


def crop(image: Tensor, top, left, height: int, width: int) -> Tensor:
    """Cut a (height, width) window at (top, left): ints, or (B,) integer tensors for per-sample
    windows. Windows that reach outside the image read zeros there.
    """
    batch, single = as_batch(image)
    h, w = batch.shape[-2:]
    height, width = check_int(height, "height", low=1), check_int(width, "width", low=1)
    top, left = _offset(top, "top", batch.shape[0]), _offset(left, "left", batch.shape[0])
    if isinstance(top, int) and isinstance(left, int) and 0 <= top and top + height <= h \
            and 0 <= left and left + width <= w:
        out = batch[..., top:top + height, left:left + width]
    else:
        like = torch.zeros(batch.shape[0], device=batch.device, dtype=geometry.DTYPE)
        chain = Chain(source_size=(h, w), size=(h, w))
        tx = -left.to(geometry.DTYPE) if isinstance(left, Tensor) else -float(left)
        ty = -top.to(geometry.DTYPE) if isinstance(top, Tensor) else -float(top)
        host = geometry.translation_rows(tx, ty) if isinstance(left, int) and isinstance(top, int) \
            else None
        chain.add(geometry.translation(tx, ty, like=like), (height, width), border="constant",
                  axis_aligned=True, host=host)
        out = restore_format(Resampler(chain, batch.shape[0], batch.device).image(batch), batch)
    return out[0] if single else out


def pad(image: Tensor, top: int, bottom: int, left: int, right: int, border_mode="constant",
        fill=0) -> Tensor:
    """``cv2.copyMakeBorder(img, top, bottom, left, right, borderType, value=fill)``."""
    batch, single = as_batch(image)
    top, bottom = check_int(top, "top", low=0), check_int(bottom, "bottom", low=0)
    left, right = check_int(left, "left", low=0), check_int(right, "right", low=0)
    h, w = batch.shape[-2:]
    like = torch.zeros(batch.shape[0], device=batch.device, dtype=geometry.DTYPE)
    chain = Chain(source_size=(h, w), size=(h, w))
    chain.add(geometry.translation(float(left), float(top), like=like),
              (h + top + bottom, w + left + right), border=parse_border(border_mode),
              fill=parse_fill(fill), axis_aligned=True, host=geometry.translation_rows(left, top))
    out = Resampler(chain, batch.shape[0], batch.device).image(batch)
    out = finish_like(out, batch, image.dtype)
    return out[0] if single else out

"""Image tensor plumbing shared by the functional API and the transforms."""
from __future__ import annotations

import torch
from torch import Tensor

from . import extern

FLOAT_DTYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)


def check_image(image, name: str = "image") -> Tensor:
    if not isinstance(image, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (B, C, H, W) or (C, H, W), "
                        f"got {type(image).__name__}")
    if image.dim() not in (3, 4):
        raise ValueError(f"{name} must have shape (B, C, H, W) or (C, H, W), got {tuple(image.shape)}")
    if image.dtype != torch.uint8 and image.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be uint8 or floating point (float32/float16/bfloat16), "
                        f"got {image.dtype}")
    return image


def as_batch(image: Tensor, name: str = "image") -> tuple[Tensor, bool]:
    """(C, H, W) -> (1, C, H, W); returns the batch and whether it was a single image."""
    check_image(image, name)
    if image.dim() == 3:
        return image.unsqueeze(0), True
    return image, False


def planar(image: Tensor) -> Tensor:
    """The (B, C, H, W) batch as contiguous channel planes, the layout of kernels that reshape it
    to (B * C) planes or mix whole planes (convolutions, resizes, batched channel products): a
    channels-last batch is transposed here once, instead of by every reshape, pad and mixed-layout
    elementwise op after it (the result is laid out channels-last again by ``finish_like``).
    Compiled on the CPU the copy is aten's (``extern.planes``): Inductor would fold it into its
    loops and keep their strided plane loads (compiled ColorJitter on a channels-last batch
    17.6 -> 12.2 ms with it). The blurs' compiled loops skip it (``blur._planes``)."""
    return extern.planes(image)


def pixel_rows(image: Tensor, compiled: bool = False) -> Tensor | None:
    """A channels-last (B, C, H, W) batch as (B, H, W * C) rows of interleaved pixels (a view);
    None for any other layout, and under ``torch.compile``. Elementwise ops whose operands vary
    per channel run along these rows, their operands tiled by ``along_rows``: on channels-last
    data a (N, C, 1, 1) operand leaves aten C-long inner loops that do not vectorise (Normalize at
    batch 32, 224 px: 4.3 ms against 1.7 along rows, NCHW 2.0). Inductor vectorises the
    (N, C, 1, 1) form itself and loses along rows (compiled Normalize 1.8 ms against 5.5);
    ``compiled=True`` gives the rows there too (for a gather along them)."""
    if not is_channels_last(image) or (torch.compiler.is_compiling() and not compiled):
        return None
    b, c, h, w = image.shape
    return image.permute(0, 2, 3, 1).reshape(b, h, w * c)


def along_rows(value: Tensor, width: int) -> Tensor:
    """A per-channel (N, C, 1, 1) operand tiled to (N, 1, width * C), to meet ``pixel_rows``."""
    n, c = value.shape[:2]
    return value.reshape(n, 1, 1, c).expand(n, 1, width, c).reshape(n, 1, width * c)


def from_pixel_rows(rows: Tensor, shape: torch.Size) -> Tensor:
    """(B, H, W * C) rows back to the channels-last (B, C, H, W) batch they lay out (a view)."""
    b, c, h, w = shape
    return rows.view(b, h, w, c).permute(0, 3, 1, 2)


def max_value(dtype: torch.dtype) -> float:
    """The value of full intensity: 255 for uint8, 1 for float images."""
    return 255.0 if dtype == torch.uint8 else 1.0


def working(image: Tensor) -> Tensor:
    """A float tensor to compute on: float32 for uint8 / half inputs, float64 kept."""
    if image.dtype == torch.float64:
        return image
    return image.to(torch.float32)


def finish(out: Tensor, dtype: torch.dtype, clamp: bool = False) -> Tensor:
    """Back to the caller's dtype: uint8 rounded half-up and saturated.

    Half-up is what OpenCV's fixed-point warps and resizes do, so integer-weight ties agree
    exactly; saturate_cast elsewhere rounds ties to even, a difference only at exact .5 values.
    """
    if dtype == torch.uint8:
        if out.dtype == torch.uint8:
            return out
        # clamp, then truncation of a non-negative value is the floor: half-up in three passes
        out = (out + 0.5).clamp_(0, 255)
        if out.device.type == "cpu" and not torch.compiler.is_compiling():
            # aten's CPU float -> uint8 copy does not vectorise; float -> int16 -> uint8 does
            # (batch 32 x 3 x 224 x 224: 3.8 against 1.4 + 0.3 ms, AMD EPYC, AVX2)
            out = out.to(torch.int16)
        return out.to(torch.uint8)
    if clamp:
        out = out.clamp(0.0, 1.0)
    return out.to(dtype)


def is_channels_last(like: Tensor) -> bool:
    """A 4-D tensor laid out channels-last (and not also NCHW, as one-channel or 1x1 ones are)."""
    return like.dim() == 4 and like.is_contiguous(memory_format=torch.channels_last) \
        and not like.is_contiguous()


def restore_format(out: Tensor, like: Tensor) -> Tensor:
    """Keep channels-last inputs channels-last."""
    if is_channels_last(like) and not out.is_contiguous(memory_format=torch.channels_last):
        return extern.channels_last(out)
    return out


def finish_like(out: Tensor, like: Tensor, dtype: torch.dtype, clamp: bool = False) -> Tensor:
    """``finish`` into ``like``'s memory format. Eager, a float result is laid out channels-last
    before it is rounded: on the CPU a float transpose costs less than half a uint8 one (batch
    32, 224 px: 2.3 + 1.0 ms against 3.3 + 5.6). Compiled, Inductor stores the rounded values
    channels-last in the loop that computes them."""
    if out.is_floating_point() and is_channels_last(like):
        if torch.compiler.is_compiling():
            return finish(out, dtype, clamp).contiguous(memory_format=torch.channels_last)
        out = out.contiguous(memory_format=torch.channels_last)
    return restore_format(finish(out, dtype, clamp), like)


def per_sample(value, batch: int, like: Tensor, name: str, dtype=torch.float32) -> Tensor:
    """A Python number or a ()/(B,) tensor -> a (B,) tensor of ``dtype`` on ``like``'s device:
    how the functional kernels take per-sample parameters."""
    if isinstance(value, Tensor):
        if value.dim() == 0 or value.shape == (1,):
            value = value.reshape(1).expand(batch)
        if value.shape != (batch,):
            raise ValueError(f"{name} must be a number or a ({batch},) tensor, "
                             f"got shape {tuple(value.shape)}")
        return value.to(device=like.device, dtype=dtype)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number or a ({batch},) tensor, "
                        f"got {type(value).__name__}")
    return torch.full((batch,), float(value), dtype=dtype, device=like.device)


def pick_samples(keep: Tensor, chosen: Tensor, other: Tensor, in_place: bool = False) -> Tensor:
    """``torch.where(keep, chosen, other)`` for a (B,) ``keep`` over (B, ...) images;
    ``in_place``: written over ``chosen`` (which then has the result's shape). Eager on the CPU,
    uint8 images are picked through a byte mask instead, ``other ^ ((other ^ chosen) & m)``:
    aten's CPU where over uint8 does not vectorise (batch 32, 224 px: 5.5 against 0.45 ms)."""
    keep = keep.reshape(-1, *([1] * (other.dim() - 1)))
    if (chosen.dtype == other.dtype == torch.uint8 and other.device.type == "cpu"
            and not torch.compiler.is_compiling()):
        m = keep.to(torch.uint8).neg_()                 # 255 where kept, 0 elsewhere
        picked = chosen.bitwise_xor_(other) if in_place else torch.bitwise_xor(chosen, other)
        return picked.bitwise_and_(m).bitwise_xor_(other)
    return torch.where(keep, chosen, other, out=chosen if in_place else None)


def computed_once(value: Tensor | None) -> Tensor | None:
    """``value`` as a tensor that torch.compile writes out before the loops that read it (a
    stack of its last dimension's slices: Inductor does not inline a stack into its consumers).
    For small per-sample values whose arithmetic Inductor would otherwise inline into every
    pixel of a large loop. Eager: ``value`` itself."""
    if value is None or not torch.compiler.is_compiling():
        return value
    return torch.stack(value.unbind(-1), -1)


def stacked_columns(columns: list[Tensor]) -> Tensor:
    """``torch.stack(columns, 1)`` for (B,) tensors; eager, a view (no kernel) when they are the
    consecutive columns, in order, of one (B, n) tensor (as a transform's draws of one bank read
    usually are)."""
    base = columns[0]._base
    if (not torch.compiler.is_compiling() and base is not None and base.dim() == 2
            and base.shape[1] == len(columns)):
        offset, (row, step) = base.storage_offset(), base.stride()
        if all(c._base is base and c.dim() == 1 and c.stride() == (row,)
               and c.storage_offset() == offset + i * step for i, c in enumerate(columns)):
            return base
    return torch.stack(columns, 1)

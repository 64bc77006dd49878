"""Triton kernels that run several pixel steps in one pass over the image, for CUDA eager mode.

ColorJitter is the first: its eager path runs six clipped linear slots and a hue turn as about
fifty kernels and as many passes over the image (see ``color._color_jitter``). Here a sample's
whole chain is one per-pixel function, except for contrast, which needs the mean of its own
input. So the chain takes two kernels: ``jitter_stats`` runs the steps before each sample's
contrast step and sums that step's input per channel (partial sums per program, no atomics: the
result does not depend on scheduling), and ``jitter_apply`` runs the whole chain with that mean
and writes the output: two reads and one write of the image instead of about fifty passes.
The arithmetic is the elementwise form of ``color._color_jitter`` (``color._jitter_planes``,
the one ``torch.compile`` uses), so results agree with the eager path to float rounding.

Used where Triton runs: CUDA float32 tensors outside ``torch.compile`` (Inductor fuses the
elementwise form itself), and CPU tensors when ``TRITON_INTERPRET=1`` is set before Triton is
imported (Triton's interpreter: slow, for checking the kernels without a GPU). Set
``GPUAUG_TRITON=0`` to turn the kernels off.
"""
from __future__ import annotations

import functools
import os

import torch
from torch import Tensor

_INTERPRET = os.environ.get("TRITON_INTERPRET") == "1"
_ENABLED = os.environ.get("GPUAUG_TRITON", "1") != "0"

# ColorJitter's slot data: the elementwise fields of ``color._step_rows``, a, beta * w (3), sigma
SLOT_COLUMNS = 5
_MAX_PROGRAMS = 64  # programs per sample: each sums its pixels, the next kernel adds them up
_BLOCK = 1024


@functools.lru_cache(maxsize=None)
def _kernels():
    """The kernels module, or None where Triton is missing (imported on first use)."""
    try:
        from . import _fused_kernels
    except ImportError:
        return None
    return _fused_kernels


def usable(x: Tensor) -> bool:
    """Whether the fused kernels take this (B, C, H, W) image: 3-channel float32 on CUDA (or on
    the CPU under ``TRITON_INTERPRET=1``), outside torch.compile, with Triton installed."""
    if not _ENABLED or x.dtype != torch.float32 or x.dim() != 4 or x.shape[1] != 3:
        return False
    if torch.compiler.is_compiling():
        return False
    if x.device.type != "cuda" and not (_INTERPRET and x.device.type == "cpu"):
        return False
    return _kernels() is not None


def _pixel_strides(x: Tensor) -> tuple[Tensor, int, int, int]:
    """``x`` (a copy if its pixels are not one stride apart) and its batch, channel and pixel
    strides: NCHW and channels-last images need no copy."""
    _, _, h, w = x.shape
    if w == 1:
        return x, x.stride(0), x.stride(1), x.stride(2)
    if h > 1 and x.stride(2) != w * x.stride(3):
        x = x.contiguous()
    return x, x.stride(0), x.stride(1), x.stride(3)


def color_jitter(x: Tensor, slot_data: Tensor, step_ids: Tensor, turn: Tensor | None,
                 max_value: float, apply: Tensor | None = None, block: int = _BLOCK,
                 max_programs: int = _MAX_PROGRAMS) -> Tensor:
    """ColorJitter's chain on (B, 3, H, W) float32 ``x`` in two kernels.

    Args:
        slot_data: (B, S, 5) per linear slot: a, beta * w (3 values), sigma (see
            ``color._step_rows``); S = 6 with a hue turn (after slot 3), 3 without.
        step_ids: (B, S) int64, each slot's step (1: contrast, whose input mean is needed).
        turn: (B,) the hue shift in turns, or None (no hue step).
        apply: (B,) bool, or None: where False the output is the input.
        block, max_programs: pixels per step of a program, programs per sample (tests use
            small values to exercise several programs and several steps each).
    """
    kernels = _kernels()
    b, _, h, w = x.shape
    n = h * w
    if x.numel() == 0:
        return x.clone()
    x, sxb, sxc, sxp = _pixel_strides(x)
    y = torch.empty_like(x)
    _, syb, syc, syp = _pixel_strides(y)
    programs = max(1, min(max_programs, -(-n // block)))
    n_slots = slot_data.shape[1]
    if slot_data.dtype != torch.float32 or slot_data.stride(2) != 1:
        slot_data = slot_data.to(torch.float32).contiguous()
    partials = x.new_empty((b, programs, 3))
    with_hue = turn is not None
    turn_t, sturn = (turn, turn.stride(0)) if with_hue else (slot_data, 0)  # unread if None
    grid = (b, programs)
    slot_strides = (slot_data.stride(0), slot_data.stride(1))
    kernels.jitter_stats[grid](
        x, sxb, sxc, sxp, slot_data, *slot_strides, step_ids.contiguous(), turn_t, sturn,
        partials, n, programs, float(max_value), N_SLOTS=n_slots, WITH_HUE=with_hue,
        BLOCK=block)
    apply_t = apply.contiguous() if apply is not None else slot_data
    kernels.jitter_apply[grid](
        x, sxb, sxc, sxp, y, syb, syc, syp, slot_data, *slot_strides, turn_t, sturn, apply_t,
        partials, n, programs, float(max_value), N_SLOTS=n_slots, WITH_HUE=with_hue,
        HAS_APPLY=apply is not None, BLOCK=block,
        PROGRAMS=kernels.triton.next_power_of_2(programs))
    return y

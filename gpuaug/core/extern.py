"""aten ops that ``torch.compile`` calls instead of generating code for, on the CPU.

Inductor writes its own C++ for every op it can lower; for a few of ours that code is several
times slower than aten's kernel on the CPU (batch 32, 224 px, AMD EPYC, 2 threads): a
(32, 3, 224, 224) ``torch.randn`` 95 ms against 17, a constant ``F.pad`` of a uint8 batch to
256 px 12.5 ms against 0.6. Wrapped in a custom op, the op stays one aten call in the compiled
graph (no graph break; ``fullgraph=True`` holds). Eager mode and CUDA (where Inductor's code for
them is one fused kernel) call aten directly.
"""
from __future__ import annotations

import torch
from torch import Tensor


def _on_cpu_compiling(device: torch.device) -> bool:
    return torch.compiler.is_compiling() and device.type == "cpu"


def noise_field(size: tuple[int, ...], normal: bool, device: torch.device, salt: int) -> Tensor:
    """``torch.randn`` / ``torch.rand`` of ``size``: aten's draw, compiled or not, so that
    ``torch.manual_seed`` gives the same field in both. ``salt`` (the field's number in the call)
    keeps two fields of one size apart: graph passes may merge identical calls of an op."""
    if _on_cpu_compiling(device):
        return _noise_field(list(size), normal, device, salt)
    return (torch.randn if normal else torch.rand)(size, device=device)


def constant_pad(image: Tensor, pads: tuple[int, int, int, int], value: float | Tensor = 0.0
                 ) -> Tensor:
    """``F.pad(image, pads, value=value)`` of a (B, C, H, W) batch, pads (left, right, top,
    bottom); ``value`` a number or one fill per channel, (1, C, 1, 1)."""
    if _on_cpu_compiling(image.device):
        if isinstance(value, Tensor):
            return _banded_pad(image, list(pads), value)
        return _constant_pad(image, list(pads), float(value))
    return _pad(image, pads, value)


def _pad(image: Tensor, pads, value: float | Tensor) -> Tensor:
    if not isinstance(value, Tensor):
        return torch.nn.functional.pad(image, pads, value=value)
    out = torch.nn.functional.pad(image, pads)  # then the four bands, one fill per channel
    value = value.to(out.dtype)
    left, right, top, bottom = pads
    h, w = out.shape[-2:]
    for band in (out[..., :top, :], out[..., h - bottom:, :], out[..., :left], out[..., w - right:]):
        band.copy_(value.expand_as(band))
    return out


def channels_last(image: Tensor) -> Tensor:
    """``image`` laid out channels-last (a copy; ``image`` is not). Compiled on the CPU, where
    Inductor would fuse the transpose into the loop that gathers an integer result (flips,
    crops) and store with a stride of C, element by element: compiled HorizontalFlip of a uint8
    channels-last batch 21.6 ms, 11.1 with aten's copy after the NCHW gather (batch 32, 224 px).
    (Results of float work are laid out by Inductor as they are rounded: see
    ``tensors.finish_like``.)"""
    if _on_cpu_compiling(image.device):
        return _channels_last(image)
    return image.contiguous(memory_format=torch.channels_last)


def planes(image: Tensor) -> Tensor:
    """``image`` as contiguous channel planes (NCHW), materialised: compiled on the CPU,
    Inductor would fold a ``contiguous()`` into the loops that read it and keep their strided
    channel-plane loads."""
    if _on_cpu_compiling(image.device) and not image.is_contiguous():
        return _planes(image)
    return image.contiguous()


def median_network(padded: Tensor, k: int, r: int) -> Tensor:
    """``functional.blur._median_by_network(padded, k, r)``: the k x k median of every window of
    a batch padded by r. Compiled on the CPU Inductor fuses the hundreds of min / max planes of
    the selection network into loops 1.4-2x slower than aten's (MedianBlur on a uint8 batch)."""
    from ..functional.blur import _median_by_network
    if _on_cpu_compiling(padded.device):
        return _median_network(padded, k, r)
    return _median_by_network(padded, k, r)


def row_windows(source: Tensor, starts: Tensor, length: int, shape: tuple[int, ...],
                mirrored: Tensor | None, dim: int) -> Tensor:
    """The ``length`` consecutive values of ``source`` (contiguous in its own shape) from each
    flat position in ``starts``, viewed as ``shape`` (B, ...), reversed along ``dim`` for the
    (B,) ``mirrored`` samples (None: none): ``warp._RowWindows``'s read, one ``index_select``
    of overlapping windows then aten's flip and the byte-mask pick. Compiled on the CPU,
    Inductor's loops for it ran a RandomCrop 2.3x and a HorizontalFlip 5.7x the eager time."""
    if _on_cpu_compiling(source.device):
        return _row_windows(source, starts, length, list(shape), mirrored, dim)
    return _windows(source, starts, length, shape, mirrored, dim)


def _windows(source, starts, length, shape, mirrored, dim) -> Tensor:
    flat = source.reshape(-1)
    windows = flat.as_strided((flat.numel() - length + 1, length), (1, 1))
    out = windows.index_select(0, starts.reshape(-1)).view(shape)
    if mirrored is None:
        return out
    from .tensors import pick_samples
    return pick_samples(mirrored, out.flip(dim), out, in_place=True)


# the schemas spelled out: torch 2.4 cannot read this module's string annotations
@torch.library.custom_op("gpuaug::noise_field", mutates_args=(),
                         schema="(int[] size, bool normal, Device device, int salt) -> Tensor")
def _noise_field(size, normal, device, salt):
    return (torch.randn if normal else torch.rand)(size, device=device)


@_noise_field.register_fake
def _(size, normal, device, salt):
    return torch.empty(size, device=device)


@torch.library.custom_op("gpuaug::constant_pad", mutates_args=(),
                         schema="(Tensor image, int[] pads, float value) -> Tensor")
def _constant_pad(image, pads, value):
    return _pad(image, pads, value)


@torch.library.custom_op("gpuaug::banded_pad", mutates_args=(),
                         schema="(Tensor image, int[] pads, Tensor value) -> Tensor")
def _banded_pad(image, pads, value):
    return _pad(image, pads, value)


def _padded_like(image, pads, value):
    left, right, top, bottom = pads
    b, c, h, w = image.shape
    return image.new_empty((b, c, h + top + bottom, w + left + right))


_constant_pad.register_fake(_padded_like)
_banded_pad.register_fake(_padded_like)


@torch.library.custom_op("gpuaug::channels_last", mutates_args=(), schema="(Tensor image) -> Tensor")
def _channels_last(image):
    return image.clone(memory_format=torch.channels_last)  # (an op's output may not alias)


@_channels_last.register_fake
def _(image):
    return torch.empty_like(image, memory_format=torch.channels_last)


@torch.library.custom_op("gpuaug::planes", mutates_args=(), schema="(Tensor image) -> Tensor")
def _planes(image):
    return image.clone(memory_format=torch.contiguous_format)


@_planes.register_fake
def _(image):
    return torch.empty_like(image, memory_format=torch.contiguous_format)


@torch.library.custom_op("gpuaug::median_network", mutates_args=(),
                         schema="(Tensor padded, int k, int r) -> Tensor")
def _median_network(padded, k, r):
    from ..functional.blur import _median_by_network
    return _median_by_network(padded, k, r)  # (k >= 3: a fresh plane, never an alias)


@_median_network.register_fake
def _(padded, k, r):
    b, c, h, w = padded.shape
    return padded.new_empty((b, c, h - 2 * r, w - 2 * r))


@torch.library.custom_op(
    "gpuaug::row_windows", mutates_args=(),
    schema="(Tensor source, Tensor starts, int length, int[] shape, Tensor? mirrored, int dim) -> Tensor")
def _row_windows(source, starts, length, shape, mirrored, dim):
    return _windows(source, starts, length, shape, mirrored, dim)  # (a fresh tensor: index_select)


@_row_windows.register_fake
def _(source, starts, length, shape, mirrored, dim):
    return source.new_empty(shape)

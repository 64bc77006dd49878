"""Eager CPU fast paths over whole pixels and uint8 values, each against a reference that
computes the same thing another way: per-sample crops and flips against slicing and
``torch.flip``, ``pick_samples`` against ``torch.where``, the final rounding against
floor(x + 0.5) in numpy."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import gpuaug as A
from gpuaug.core.tensors import finish, pick_samples
from tests.conftest import make_inputs


class _Names(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.names = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.add(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def _reference(image: torch.Tensor, crops, hflip, vflip) -> torch.Tensor:
    """Each sample sliced to its crop (x0, y0, x1, y1), then flipped where asked."""
    out = []
    for i in range(image.shape[0]):
        x0, y0, x1, y1 = (int(v) for v in crops[i])
        window = image[i, ..., y0:y1, x0:x1]
        if hflip[i]:
            window = window.flip(-1)
        if vflip[i]:
            window = window.flip(-2)
        out.append(window)
    return torch.stack(out)


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_crops_and_flips_read_row_windows_as_slices_would(dtype, layout):
    """RandomCrop + HorizontalFlip + VerticalFlip with per-sample draws: one index_select of row
    windows (no per-pixel gather), and each sample's slice, flipped as drawn; the mask alike."""
    data = make_inputs(6, (40, 50), dtype, seed=3)
    image = data["image"]
    if layout == "channels_last":
        image = image.contiguous(memory_format=torch.channels_last)
    aug = A.Compose([A.RandomCrop(23, 31), A.HorizontalFlip(p=0.5), A.VerticalFlip(p=0.5)],
                    seed=4)
    with _Names() as names:
        out = aug(image=image, mask=data["mask"], return_params=True)
    assert "index_select" in names.names and "gather" not in names.names, names.names
    crop, hflip, vflip = out["params"]["transforms"]
    h_apply, v_apply = hflip["apply"], vflip["apply"]
    assert h_apply.any() and not h_apply.all() and v_apply.any() and not v_apply.all()
    expect = _reference(data["image"], crop["crop"], h_apply, v_apply)
    assert torch.equal(out["image"], expect)
    assert out["image"].is_contiguous(memory_format=torch.channels_last) == (layout != "nchw")
    assert torch.equal(out["mask"], _reference(data["mask"], crop["crop"], h_apply, v_apply))


def test_a_crop_alone_reads_no_flip():
    """Without a flip in the chain, the windows are the result: no reversed copy is made."""
    data = make_inputs(4, (40, 50), torch.uint8, seed=5)
    with _Names() as names:
        out = A.RandomCrop(20, 30, seed=1)(image=data["image"], return_params=True)
    assert "flip" not in names.names and "gather" not in names.names, names.names
    expect = _reference(data["image"], out["params"]["crop"], [False] * 4, [False] * 4)
    assert torch.equal(out["image"], expect)


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.int64])
def test_pick_samples_is_where(dtype, in_place):
    """The byte-mask pick (uint8 on the CPU) and torch.where (the rest) give where's result,
    also when one side is broadcast over the channels."""
    g = torch.Generator().manual_seed(0)
    keep = torch.tensor([True, False, True, False, False])
    full = torch.randint(0, 256, (5, 3, 7, 9), generator=g).to(dtype)
    other = torch.randint(0, 256, (5, 3, 7, 9), generator=g).to(dtype)
    plane = torch.randint(0, 256, (5, 1, 7, 9), generator=g).to(dtype)
    expect = torch.where(keep.view(-1, 1, 1, 1), full, other)
    chosen = full.clone()
    got = pick_samples(keep, chosen, other, in_place=in_place)
    assert torch.equal(got, expect) and got.dtype == dtype
    assert torch.equal(chosen, expect if in_place else full)
    assert torch.equal(pick_samples(keep, plane, other), torch.where(keep.view(-1, 1, 1, 1), plane, other))
    assert torch.equal(pick_samples(keep, other, plane), torch.where(keep.view(-1, 1, 1, 1), other, plane))


def test_uint8_rounding_is_half_up_and_saturated():
    """finish's float -> uint8 (through int16 on the CPU): floor(x + 0.5) (the sum in float32,
    as finish adds), clamped to [0, 255], for ties, values just below them, negatives and
    values past 255."""
    values = np.array([-300.0, -0.6, -0.5, -0.49, 0.0, 0.49999997, 0.5, 1.5, 2.5, 127.49999,
                       127.5, 254.5, 254.49998, 255.0, 255.5, 256.0, 1e6])
    grid = np.linspace(-3.0, 260.0, 100_003)
    x = np.concatenate([values, grid]).astype(np.float32)
    expect = np.clip(np.floor((x + np.float32(0.5)).astype(np.float64)), 0, 255).astype(np.uint8)
    got = finish(torch.from_numpy(x).view(1, 1, 1, -1), torch.uint8)
    assert got.dtype == torch.uint8
    np.testing.assert_array_equal(got.view(-1).numpy(), expect)


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
def test_compiled_crops_and_flips_equal_eager(layout):
    """Compiled on the CPU the row windows run as the custom op ``gpuaug::row_windows``: the same
    pixels and layout as eager, per-sample flips included."""
    image = make_inputs(6, (40, 50), torch.uint8, seed=8)["image"]
    if layout == "channels_last":
        image = image.contiguous(memory_format=torch.channels_last)

    def build():
        return A.Compose([A.RandomCrop(23, 31), A.HorizontalFlip(p=0.5), A.VerticalFlip(p=0.5)],
                         seed=9)

    eager = build()(image)
    compiled = torch.compile(build(), fullgraph=True)(image)
    assert torch.equal(compiled, eager) and compiled.stride() == eager.stride()

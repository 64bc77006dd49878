"""Chains whose one matrix every sample shares (Resize, LongestMaxSize, SmallestMaxSize,
CenterCrop, Crop, PadIfNeeded at a fixed position) are read with whole-batch kernels (slices,
index_select, F.pad, F.interpolate) instead of per-sample gathers and sampling grids: the same
pixels as the per-sample reads, and as OpenCV."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import gpuaug as A
import gpuaug.functional as F
from gpuaug.core import warp
from gpuaug.core.random import Random
from tests.conftest import make_inputs

BORDERS = {"constant": cv2.BORDER_CONSTANT, "replicate": cv2.BORDER_REPLICATE,
           "reflect": cv2.BORDER_REFLECT, "wrap": cv2.BORDER_WRAP,
           "reflect_101": cv2.BORDER_REFLECT_101}

# (transform, whole-pixel shift): each with a matrix known before drawing
STATIC = [
    (A.Resize(30, 33), False),
    (A.Resize(64, 80), False),
    (A.LongestMaxSize(64), False),
    (A.SmallestMaxSize(32), False),
    (A.CenterCrop(20, 25), True),
    (A.CenterCrop(50, 60, pad_if_needed=True, border_mode="reflect_101"), True),
    (A.CenterCrop(50, 60, pad_if_needed=True, pad_position="top_left", fill=5), True),
    (A.Crop(3, 4, 40, 30), True),
    (A.Crop(3, 4, 60, 50, pad_if_needed=True, border_mode="wrap"), True),
    (A.PadIfNeeded(60, 70, position="bottom_right", border_mode="replicate"), True),
] + [(A.PadIfNeeded(60, 70, border_mode=b, fill=7, fill_mask=3), True) for b in BORDERS] \
  + [(A.PadIfNeeded(60, 70, border_mode="constant", fill=(1, 2, 300)), True)]


class _Reads(TorchDispatchMode):
    """The names of the ops that read pixels per sample or as a whole batch."""

    NAMES = ("gather", "grid_sampler_2d", "upsample_bilinear2d", "index_select",
             "constant_pad_nd")

    def __init__(self):
        super().__init__()
        self.names = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name in self.NAMES:
            self.names.append(name)
        return func(*args, **(kwargs or {}))


def _reads(fn) -> list[str]:
    with _Reads() as mode:
        fn()
    return mode.names


def _per_sample(monkeypatch):
    monkeypatch.setattr(warp, "_whole_batch_plan", lambda chain: None)


@pytest.mark.parametrize("aug", [a for a, _ in STATIC], ids=lambda a: repr(a)[:60])
def test_static_matrix_is_the_drawn_matrix(aug):
    """What a transform says before drawing is what it draws (the whole-batch read trusts it)."""
    size = (40, 50)
    drawn = aug.matrix(aug._draw(Random(3, torch.device("cpu")), 3, size), size)
    static = torch.tensor(aug.static_matrix(size), dtype=torch.float64).view(3, 3)
    assert torch.equal(drawn, static.expand(3, 3, 3))


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
@pytest.mark.parametrize("aug,shift", STATIC, ids=lambda a: repr(a)[:60])
def test_whole_batch_reads_equal_per_sample_reads(aug, shift, dtype, monkeypatch):
    """Whole-pixel shifts are bit-identical to the per-sample gather (images and masks, any
    dtype); resizes agree within rounding (F.interpolate computes its coordinates in float32:
    at most a level of uint8 at a rounding tie, 1e-4 of float), masks exactly."""
    data = make_inputs(4, (40, 50), dtype, seed=1)
    whole = aug(image=data["image"], mask=data["mask"])
    _per_sample(monkeypatch)
    each = aug(image=data["image"], mask=data["mask"])
    assert whole["image"].dtype == each["image"].dtype and whole["image"].shape == each["image"].shape
    assert torch.equal(whole["mask"], each["mask"])
    if shift:
        assert torch.equal(whole["image"], each["image"])
    else:
        tol = 1.0 if dtype == torch.uint8 else 1e-4
        assert (whole["image"].float() - each["image"].float()).abs().max() <= tol


@pytest.mark.parametrize("border", list(BORDERS))
def test_fixed_padding_matches_copy_make_border(border):
    """PadIfNeeded at the centre, read as slices + F.pad or index_select, is
    cv2.copyMakeBorder sample by sample (image and mask; per-channel fill)."""
    data = make_inputs(3, (30, 26), torch.uint8, seed=2)
    aug = A.PadIfNeeded(41, 40, border_mode=border, fill=(9, 200, 31), fill_mask=4)
    out = aug(image=data["image"], mask=data["mask"])
    assert "gather" not in _reads(lambda: aug(image=data["image"], mask=data["mask"]))
    pads = (5, 6, 7, 7)  # albumentations' split of (11, 14): top, bottom, left, right
    for i in range(3):
        img = data["image"][i].permute(1, 2, 0).numpy()
        mask = data["mask"][i].numpy().astype(np.uint8)
        expect = cv2.copyMakeBorder(img, *pads, BORDERS[border], value=(9, 200, 31))
        assert np.array_equal(out["image"][i].permute(1, 2, 0).numpy(), expect)
        expect = cv2.copyMakeBorder(mask, *pads, BORDERS[border], value=4)
        assert np.array_equal(out["mask"][i].numpy(), expect)


@pytest.mark.parametrize("fill", [300, -5.4, (1, 2, 300), (-5, 2, 3.6)])
@pytest.mark.parametrize("whole", [True, False])
def test_fills_out_of_the_uint8_range_saturate_as_opencv(fill, whole, monkeypatch):
    """A uint8 image's constant fill is rounded and saturated (cv2.saturate_cast), on the
    whole-batch and the per-sample read alike (it once wrapped, 300 -> 44, or raised)."""
    if not whole:
        _per_sample(monkeypatch)
    data = make_inputs(2, (12, 10), torch.uint8, seed=3)
    out = A.PadIfNeeded(16, 15, border_mode="constant", fill=fill)(data["image"])
    value = fill if isinstance(fill, tuple) else (fill,) * 3
    for i in range(2):
        img = np.ascontiguousarray(data["image"][i].permute(1, 2, 0).numpy())
        expect = cv2.copyMakeBorder(img, 2, 2, 2, 3, cv2.BORDER_CONSTANT, value=value)
        assert np.array_equal(out[i].permute(1, 2, 0).numpy(), expect)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
@pytest.mark.parametrize("fill", [0, 7, (1, 2, 250)])
def test_compiled_whole_batch_pads_equal_eager(fill, dtype):
    """Compiled on the CPU the pad is aten's (``core.extern``: Inductor's own code for it ran
    10-40x slower on uint8); the same pixels as eager."""
    torch._dynamo.reset()
    x = make_inputs(3, (30, 26), dtype, seed=4)["image"]
    aug = A.PadIfNeeded(41, 40, border_mode="constant", fill=fill)
    compiled = torch.compile(aug, fullgraph=True)
    assert torch.equal(compiled(x), aug(x))


@pytest.mark.parametrize("size", [(30, 33), (64, 80), (40, 20)])
def test_resize_matches_opencv(size):
    """Resize read with one F.interpolate of the batch (no grid, no gather) is cv2.resize's
    INTER_LINEAR: float input within 1e-4, uint8 within one level (OpenCV's fixed point)."""
    for dtype, tol in ((torch.float32, 1e-4), (torch.uint8, 1)):
        data = make_inputs(3, (40, 50), dtype, seed=3)
        aug = A.Resize(*size)
        assert _reads(lambda: aug(image=data["image"])) == ["upsample_bilinear2d"]
        out = aug(data["image"])
        for i in range(3):
            img = data["image"][i].permute(1, 2, 0).numpy()
            expect = cv2.resize(img, size[::-1], interpolation=cv2.INTER_LINEAR)
            got = out[i].permute(1, 2, 0).numpy()
            assert np.abs(got.astype(np.float64) - expect.astype(np.float64)).max() <= tol


def test_a_downscale_then_a_centre_crop_reads_one_window():
    """Resize then CenterCrop (the evaluation transform) is one F.interpolate of a source window,
    equal to cv2.resize followed by slicing; an upscale then a crop is read per sample (its taps
    reach past the window into the image, as the per-sample reads document)."""
    data = make_inputs(3, (80, 100), torch.float32, seed=5)
    aug = A.Compose([A.Resize(40, 50), A.CenterCrop(30, 30)])
    assert _reads(lambda: aug(image=data["image"])) == ["upsample_bilinear2d"]
    out = aug(data["image"])
    for i in range(3):
        img = data["image"][i].permute(1, 2, 0).numpy()
        expect = cv2.resize(img, (50, 40), interpolation=cv2.INTER_LINEAR)[5:35, 10:40]
        assert np.abs(out[i].permute(1, 2, 0).numpy() - expect).max() <= 1e-4
    up = A.Compose([A.Resize(120, 150), A.CenterCrop(100, 100)])
    assert "upsample_bilinear2d" not in _reads(lambda: up(image=data["image"]))


def test_per_sample_cases_keep_the_per_sample_reads(monkeypatch):
    """Skipped samples (p < 1), parameters passed in, random pad positions and random crops have
    per-sample matrices: no whole-batch read (but a per-sample gather, or, for whole pixels
    inside the frame, per-sample row windows)."""
    data = make_inputs(4, (40, 50), torch.uint8, seed=6)
    image = data["image"]
    plans = []
    real = warp._whole_batch_plan
    monkeypatch.setattr(warp, "_whole_batch_plan", lambda chain: plans.append(real(chain)) or plans[-1])
    windows = []
    real_windows = warp._RowWindows.plan
    monkeypatch.setattr(warp._RowWindows, "plan",
                        staticmethod(lambda *a: windows.append(real_windows(*a)) or windows[-1]))

    def per_sample(fn) -> bool:
        plans.clear(), windows.clear()
        reads = _reads(fn)
        return plans == [None] and ("gather" in reads or "grid_sampler_2d" in reads or windows)

    assert per_sample(lambda: A.CenterCrop(20, 25, p=0.5)(image=image))
    params = A.CenterCrop(20, 25)(image=image, return_params=True)["params"]
    assert per_sample(lambda: A.CenterCrop(20, 25)(image=image, params=params)) and windows
    assert per_sample(lambda: A.PadIfNeeded(60, 70, position="random")(image=image))
    assert per_sample(lambda: A.RandomCrop(20, 25)(image=image)) and windows
    rotated = A.Compose([A.Resize(30, 30), A.Rotate(limit=10, p=1.0)])
    assert "upsample_bilinear2d" not in _reads(lambda: rotated(image=image))


@pytest.mark.parametrize("aug", [A.Resize(30, 33), A.SmallestMaxSize(32), A.CenterCrop(20, 25),
                                 A.PadIfNeeded(60, 70, border_mode="reflect_101")],
                         ids=lambda a: type(a).__name__)
def test_a_replay_reads_the_pixels_as_the_first_call(aug):
    """Parameters passed back in give the first call's pixels: a resize (whose matrix reads no
    parameter) keeps the whole-batch read; a crop or pad reads per sample, bit for bit alike."""
    data = make_inputs(3, (40, 50), torch.uint8, seed=7)
    first = aug(image=data["image"], mask=data["mask"], return_params=True)
    again = aug(image=data["image"], mask=data["mask"], params=first["params"])
    assert torch.equal(first["image"], again["image"]) and torch.equal(first["mask"], again["mask"])


def test_a_whole_frame_crop_is_a_copy():
    """A crop of the whole frame is a fresh tensor: later in-place steps cannot write into the
    caller's image."""
    image = make_inputs(2, (40, 50), torch.uint8)["image"]
    out = A.Crop(0, 0, 50, 40)(image)
    assert torch.equal(out, image) and out.data_ptr() != image.data_ptr()


def test_functional_resize_and_pad_read_whole_batches():
    """The functional cv2 equivalents with one size for the batch take the same reads."""
    image = make_inputs(2, (40, 50), torch.float32)["image"]
    assert _reads(lambda: F.resize(image, (30, 20))) == ["upsample_bilinear2d"]
    assert _reads(lambda: F.pad(image, 1, 2, 3, 4, "reflect_101")) == \
        ["index_select", "index_select"]
    expect = cv2.copyMakeBorder(image[0].permute(1, 2, 0).numpy(), 1, 2, 3, 4,
                                cv2.BORDER_REFLECT_101)
    assert np.array_equal(F.pad(image, 1, 2, 3, 4, "reflect_101")[0].permute(1, 2, 0).numpy(),
                          expect)


CHAINS = [
    (lambda: A.Compose([A.PadIfNeeded(60, 70, border_mode="reflect_101"), A.CenterCrop(50, 50)]),
     warp._WholeShift),
    (lambda: A.Compose([A.PadIfNeeded(60, 70, fill=9), A.Crop(5, 5, 65, 55)]), warp._WholeShift),
    (lambda: A.Compose([A.CenterCrop(30, 40), A.Resize(20, 20)]), warp._WholeResize),
    (lambda: A.Compose([A.Resize(80, 100), A.Crop(10, 10, 90, 70)]), type(None)),  # upscale + crop
]


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
@pytest.mark.parametrize("build,kind", CHAINS, ids=["pad-crop", "pad-fixed-crop", "crop-resize",
                                                    "upscale-crop"])
def test_chains_of_shared_matrices_read_like_the_per_sample_path(build, kind, dtype, monkeypatch):
    """A pad then a crop (one whole-pixel shift), a crop then a downscale (one window resize)
    and an upscale then a crop (per sample) give the per-sample pixels, masks and boxes."""
    data = make_inputs(3, (40, 50), dtype, seed=2)
    aug = build()
    plans = []
    real = warp._whole_batch_plan
    monkeypatch.setattr(warp, "_whole_batch_plan", lambda chain: plans.append(real(chain)) or plans[-1])
    whole = aug(**data)
    assert [type(p) for p in plans] == [kind]
    _per_sample(monkeypatch)
    each = aug(**data)
    tol = 0 if kind is not warp._WholeResize else (1 if dtype == torch.uint8 else 1e-4)
    assert (whole["image"].float() - each["image"].float()).abs().max() <= tol
    for key in ("mask", "bboxes", "keypoints"):
        assert torch.equal(whole[key], each[key]), key

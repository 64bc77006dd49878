"""The contract every transform keeps, driven by the case table (tests/cases.py).

Per row x dtype (x CUDA when present): shape, dtype and device kept; input not modified; p=0 is
the identity; same seed gives the same output; eager equals compiled (fullgraph); one sample alone
equals the same sample inside a batch; pixel transforms leave masks, boxes and keypoints alone; no
host sync and a kernel count that does not grow with the batch (op counter); every call
dispatches the same ops with the same output shapes (what a CUDA graph replays). Eager and
compiled may use different kernels for the same read (grid_sample / a fused gather): images then
agree to float rounding, masks, boxes and keypoints exactly.
"""
from __future__ import annotations

import pytest
import torch

from benchmarks.opcount import count
from gpuaug import Compose, Normalize
from gpuaug.core.transform import GeometricTransform, PixelTransform
from tests.cases import CASES, Case, public_transforms
from tests.conftest import dispatches, make_inputs

DTYPES = {"uint8": torch.uint8, "float32": torch.float32}


def _rows():
    for case in CASES:
        for dtype in case.dtypes:
            yield pytest.param(case, dtype, id=f"{case.id}-{dtype}")


ROWS = list(_rows())


def _inputs(case: Case, dtype: str, batch: int = 3, device="cpu", seed: int = 0):
    data = make_inputs(batch, case.size, DTYPES[dtype], device, seed)
    if case.channels != 3:
        image = data["image"]
        reps = -(-case.channels // 3)
        data["image"] = image.repeat(1, reps, 1, 1)[:, :case.channels].contiguous()
    return data


def _call(aug, data):
    return aug(**data)


def test_every_public_transform_has_a_row():
    covered = {case.cls for case in CASES}
    missing = [cls.__name__ for cls in public_transforms() if cls not in covered]
    assert not missing, f"transforms without a row in tests/cases_*.py: {missing}"


@pytest.mark.parametrize("case,dtype", ROWS)
def test_shape_dtype_device_and_input_kept(case, dtype, device):
    data = _inputs(case, dtype, device=device)
    before = {k: v.clone() for k, v in data.items()}
    aug = case.build(seed=1)
    out = _call(aug, data)
    for k in data:
        assert torch.equal(data[k], before[k]), f"{k} was modified in place"
    image = out["image"]
    assert image.dtype == data["image"].dtype or case.changes_dtype
    assert image.device == data["image"].device
    assert image.shape[:2] == data["image"].shape[:2]
    assert out["mask"].shape[0] == data["mask"].shape[0]
    assert out["mask"].shape[-2:] == image.shape[-2:]
    assert out["mask"].dtype == data["mask"].dtype
    assert out["bboxes"].shape == data["bboxes"].shape
    assert out["keypoints"].shape == data["keypoints"].shape
    assert out["bbox_valid"].shape == data["bboxes"].shape[:2]
    assert torch.isfinite(image.float()).all()
    single = aug(data["image"][0])
    assert single.shape == image.shape[1:]


@pytest.mark.parametrize("case,dtype", ROWS)
def test_channels_last_in_channels_last_out_same_values(case, dtype, device):
    """SPEC §2: the output keeps the input's memory format. A DataLoader's (B, H, W, C) batch
    permuted to (B, C, H, W) (what ``to_tensor`` gives) is channels-last; every transform
    returns it channels-last, with the values and targets an NCHW batch gets, and leaves it
    unmodified."""
    if case.channels == 1:
        pytest.skip("a one-channel batch is NCHW and channels-last at once")
    data = _inputs(case, dtype, device=device)
    cl = data["image"].permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    kept = cl.clone(memory_format=torch.preserve_format)
    ref = _call(case.build(seed=1), data)
    out = _call(case.build(seed=1), {**data, "image": cl})
    assert torch.equal(cl, kept) and cl.stride() == kept.stride()
    assert out["image"].is_contiguous(memory_format=torch.channels_last), out["image"].stride()
    for key in ref:
        assert torch.equal(out[key], ref[key]), key


UINT8_KERNELS = [pytest.param(case, id=case.id) for case in CASES
                 if getattr(case.cls, "uint8_kernel", False) and "uint8" in case.dtypes]


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("case", UINT8_KERNELS)
def test_uint8_kernel_gives_the_float_paths_values(case, layout):
    """A pixel transform with a uint8 kernel (``PixelTransform.uint8_kernel``) reads uint8
    images as they are; what it gives must be what its float path gives for the same levels:
    the same values before the final rounding (seen through a Normalize that keeps them) and
    so after it. The instance's ``uint8_kernel = False`` forces the float path."""
    image = _inputs(case, "uint8", batch=5, seed=4)["image"]
    if layout == "channels_last":
        if case.channels == 1:
            pytest.skip("a one-channel batch is NCHW and channels-last at once")
        image = image.contiguous(memory_format=torch.channels_last)
    keep = Normalize(mean=0.0, std=1.0, max_pixel_value=1.0, p=1.0)  # (x - 0) / 1: x itself

    def run(uint8_kernel: bool, then_keep: bool) -> torch.Tensor:
        aug = case.build(seed=5)
        aug.uint8_kernel = uint8_kernel
        return (Compose([aug, keep]) if then_keep else aug)(image)

    for then_keep in (False, True):
        fast, slow = run(True, then_keep), run(False, then_keep)
        assert fast.dtype == slow.dtype and fast.stride() == slow.stride()
        assert torch.equal(fast, slow), (then_keep, (fast.float() - slow.float()).abs().max())


@pytest.mark.parametrize("case,dtype", ROWS)
def test_p0_is_identity(case, dtype):
    data = _inputs(case, dtype)
    aug = case.build(p=0.0, seed=3)
    if isinstance(aug, GeometricTransform) and tuple(aug.output_size(case.size)) != case.size:
        pytest.skip("a size-changing transform must still resize skipped samples")
    out = _call(aug, data)
    for k in ("image", "mask", "bboxes", "keypoints"):
        assert torch.equal(out[k], data[k].to(out[k].dtype)), k


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_returned_params_are_the_callers_own(case):
    """Writing into the params a call returned changes nothing later (no cached constant is
    handed out: at batch 1 an expanded constant would be writable)."""
    data = _inputs(case, case.dtypes[0], batch=1)
    first = _call(case.build(seed=11), {**data, "return_params": True})["params"]
    kept = {k: v.clone() for k, v in first.items() if isinstance(v, torch.Tensor)}
    for v in first.values():
        if isinstance(v, torch.Tensor):
            v.add_(1) if v.dtype != torch.bool else v.logical_not_()
    again = _call(case.build(seed=11), {**data, "return_params": True})["params"]
    for k, v in kept.items():
        assert torch.equal(again[k], v), k


@pytest.mark.parametrize("case,dtype", ROWS)
def test_same_seed_same_output(case, dtype):
    data = _inputs(case, dtype)
    a = _call(case.build(seed=7), data)
    b = _call(case.build(seed=7), data)
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # and the second call of one module draws anew but reproducibly
    m1, m2 = case.build(seed=7), case.build(seed=7)
    _call(m1, data), _call(m2, data)
    assert torch.equal(_call(m1, data)["image"], _call(m2, data)["image"])


@pytest.mark.parametrize("case,dtype", ROWS)
def test_sample_alone_equals_sample_in_batch(case, dtype):
    data = _inputs(case, dtype, batch=4)
    full = _call(case.build(seed=11), data)
    one = _call(case.build(seed=11), {k: v[:1] for k, v in data.items()})
    for k in ("image", "mask", "bboxes", "keypoints", "bbox_valid", "keypoint_valid"):
        assert torch.equal(one[k][0], full[k][0]), k


@pytest.mark.parametrize("case,dtype", ROWS)
def test_eager_equals_compiled(case, dtype):
    # every transform shares Transform.forward: start from an empty cache so that the suite does
    # not hit Dynamo's recompile limit for that one code object
    torch._dynamo.reset()
    data = _inputs(case, dtype)
    eager = case.build(seed=5)
    compiled = torch.compile(case.build(seed=5), backend="aot_eager", fullgraph=True)
    for _ in range(2):  # the second call checks that the call counter advances under compile
        a, b = _call(eager, data), _call(compiled, data)
        for k in a:
            if k == "image" and a[k].is_floating_point():
                assert torch.allclose(a[k], b[k], atol=case.compiled_atol, rtol=0), k
            elif k == "image" and a[k].dtype == torch.uint8:
                # exact .5 ties (common in resizes by simple ratios) may round either way
                diff = (a[k].int() - b[k].int()).abs()
                assert diff.max() <= 1 and diff.float().mean() < 0.05, k
            else:
                assert torch.equal(a[k], b[k]), k


@pytest.mark.parametrize("case,dtype", ROWS)
def test_pixel_transforms_leave_targets(case, dtype):
    aug = case.build(seed=2)
    if not isinstance(aug, PixelTransform) or case.touches_targets:
        pytest.skip("not a pixel-only transform")
    data = _inputs(case, dtype)
    out = _call(aug, data)
    for k in ("mask", "bboxes", "keypoints"):
        assert torch.equal(out[k], data[k].to(out[k].dtype)), k


@pytest.mark.parametrize("case,dtype", ROWS)
def test_no_sync_and_kernels_do_not_grow_with_batch(case, dtype):
    aug = case.build(seed=4)
    small, large = _inputs(case, dtype, batch=2), _inputs(case, dtype, batch=6)
    s_small = count(lambda: _call(aug, small))
    s_large = count(lambda: _call(aug, large))
    assert s_small.syncs == 0 and s_large.syncs == 0, s_large.top(30)
    assert s_small.kernels == s_large.kernels, (s_small, s_large)


@pytest.mark.parametrize("case,dtype", ROWS)
def test_every_call_dispatches_the_same_ops_and_shapes(case, dtype, device):
    """A CUDA graph (``torch.compile(mode="reduce-overhead")``) replays one recorded call: a call
    whose ops or allocations followed its draws (a host-side choice, a shape read from the data)
    could not be replayed. Every call of a transform draws anew (p < 1 skips other samples each
    time), so two calls after a warm-up must dispatch the same ops with the same output shapes,
    strides and dtypes."""
    aug = case.build(seed=5)
    data = _inputs(case, dtype, batch=4, device=device)
    _call(aug, data)  # constants are made on the first call
    first, second = dispatches(lambda: _call(aug, data)), dispatches(lambda: _call(aug, data))
    assert len(first) == len(second), (len(first), len(second))
    for i, (a, b) in enumerate(zip(first, second)):
        assert a == b, f"op {i}: {a} on the first call, {b} on the second"

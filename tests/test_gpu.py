"""CUDA-only checks (skipped without a GPU; run by benchmarks/gpu.sh on a lent machine)."""
from __future__ import annotations

import pytest
import torch

import gpuaug as A
from tests.conftest import make_inputs

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def detection(seed=0):
    return A.Compose([
        A.RandomResizedCrop((96, 96), scale=(0.3, 1.0)), A.HorizontalFlip(),
        A.Affine(rotate=(-15, 15), scale=(0.9, 1.1), p=0.7), A.Perspective(p=0.5),
        A.ColorJitter(p=0.8), A.GaussianBlur(p=0.5), A.GaussNoise(p=0.3),
        A.CoarseDropout(p=0.3), A.Normalize(MEAN, STD),
    ], bbox_params=A.BboxParams("pascal_voc"), keypoint_params=A.KeypointParams("xy"), seed=seed)


def test_no_host_sync_on_cuda():
    data = make_inputs(16, (128, 160), device="cuda")
    aug = detection().cuda()
    aug(**data)                                  # first call: constants are made once here
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        aug(**data)
    finally:
        torch.cuda.set_sync_debug_mode("default")


def test_same_draws_and_close_results_on_cpu_and_cuda():
    cpu = make_inputs(8, (128, 160), torch.float32)
    gpu = {k: v.cuda() for k, v in cpu.items()}
    a = detection(3)(**cpu, return_params=True)
    b = detection(3).cuda()(**gpu, return_params=True)
    crop_a = a["params"]["transforms"][0]["crop"]
    crop_b = b["params"]["transforms"][0]["crop"]
    assert torch.equal(crop_a, crop_b.cpu())
    assert torch.allclose(a["image"], b["image"].cpu(), atol=1e-3)
    assert torch.equal(a["bbox_valid"], b["bbox_valid"].cpu())


def test_reduce_overhead_compiles_and_matches_eager():
    torch._dynamo.reset()
    data = make_inputs(16, (128, 160), device="cuda")
    eager = detection(5).cuda()
    graphed = torch.compile(detection(5).cuda(), mode="reduce-overhead", fullgraph=True)
    for _ in range(3):
        a, b = eager(**data), graphed(**data)
        assert torch.allclose(a["image"], b["image"], atol=1e-3)
        assert torch.equal(a["bbox_valid"], b["bbox_valid"])


def test_channels_last_stays_channels_last_on_cuda():
    x = make_inputs(4, (64, 80), device="cuda")["image"].contiguous(memory_format=torch.channels_last)
    out = A.Compose([A.Affine(rotate=(-10, 10), p=1.0), A.ColorJitter(p=1.0)], seed=0)(x)
    assert out.is_contiguous(memory_format=torch.channels_last)


@pytest.mark.parametrize("layout", ["contiguous", "channels_last"])
@pytest.mark.parametrize("hue", [0.1, 0.0])
def test_fused_color_jitter_matches_the_eager_path_on_cuda(layout, hue):
    """The Triton ColorJitter (gpuaug.functional.fused), compiled for this GPU, against the
    eager path it replaces (tests/test_fused.py checks the same under Triton's interpreter)."""
    pytest.importorskip("triton")
    from gpuaug.functional import color, fused
    g = torch.Generator(device="cuda").manual_seed(0)
    b = 24
    x = torch.rand(b, 3, 224, 200, device="cuda", generator=g)
    if layout == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last)
    factors = [torch.rand(b, device="cuda", generator=g) * 0.8 + 0.6 for _ in range(3)]
    turn = (torch.rand(b, device="cuda", generator=g) - 0.5) * 0.2 if hue else None
    order = torch.stack([torch.randperm(4, device="cuda", generator=g) for _ in range(b)])
    apply = torch.arange(b, device="cuda") % 4 != 0
    assert fused.usable(x)
    got = color._color_jitter(x, *factors, turn, order, 1.0, apply)
    fused._ENABLED = False
    try:
        eager = color._color_jitter(x, *factors, turn, order, 1.0, apply)
    finally:
        fused._ENABLED = True
    assert (got - eager).abs().max().item() < 1e-5
    assert torch.equal(got[~apply], x[~apply])

"""The foundation's acceptance chain: RandomResizedCrop + HorizontalFlip + Affine + Perspective on
image, mask, boxes and keypoints — one resample, constant kernels, no sync, compiles whole."""
from __future__ import annotations

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import gpuaug as A
from benchmarks.opcount import count
from tests.conftest import make_inputs


def chain(seed=0, fuse=True):
    return A.Compose([
        A.RandomResizedCrop((40, 44), scale=(0.3, 1.0)),
        A.HorizontalFlip(),
        A.Affine(rotate=(-20, 20), scale=(0.9, 1.1), shear=(-5, 5), p=1.0),
        A.Perspective(scale=(0.02, 0.06), p=1.0),
    ], bbox_params=A.BboxParams("pascal_voc"), keypoint_params=A.KeypointParams("xy"),
        seed=seed, fuse=fuse)


def _call(aug, data):
    return aug(**data)


class _PixelReads(TorchDispatchMode):
    """Counts gathers and grid samples that read whole images (not the small gathers of
    parameter sampling)."""

    def __init__(self, min_elements: int):
        super().__init__()
        self.min_elements, self.reads = min_elements, 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func.overloadpacket.__name__ in ("gather", "grid_sampler_2d") \
                and out.numel() >= self.min_elements:
            self.reads += 1
        return out


def _pixel_reads(aug, data) -> int:
    b = data["image"].shape[0]
    with _PixelReads(min_elements=b * 40 * 44) as mode:  # at least one output plane per sample
        aug(**data)
    return mode.reads


# one bilinear read of the image (eager: one grid_sample, for float32 because (48, 56) fits a
# power-of-two canvas; four exact tap gathers otherwise) and one nearest gather of the mask
IMAGE_AND_MASK_READS = {torch.uint8: 1 + 1, torch.float32: 1 + 1}


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_chain_reads_image_and_mask_once(dtype):
    """The fused chain reads pixels exactly as often as a single Perspective does; step by step
    it reads once per transform."""
    data = make_inputs(8, (48, 56), dtype)
    fused = _pixel_reads(chain(), data)
    single = _pixel_reads(A.Compose([A.Perspective(scale=(0.02, 0.06), p=1.0)], seed=0), data)
    steps = _pixel_reads(chain(fuse=False), data)
    assert fused == single == IMAGE_AND_MASK_READS[dtype]
    assert steps > 2 * fused


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_chain_kernels_do_not_grow_with_batch_and_no_sync(dtype):
    aug = chain()
    small, large = make_inputs(8, (48, 56), dtype), make_inputs(64, (48, 56), dtype)
    s, l = count(lambda: _call(aug, small)), count(lambda: _call(aug, large))
    assert s.syncs == 0 and l.syncs == 0
    assert s.kernels == l.kernels


def test_fused_and_step_by_step_agree_closely():
    data = make_inputs(6, (48, 56), torch.float32)
    fused = chain(3)(**data)
    steps = chain(3, fuse=False)(**data)
    diff = (fused["image"] - steps["image"]).abs()
    assert diff.mean() < 0.03  # in [0, 1] units: under 8 levels on average, edges differ most
    assert torch.allclose(fused["keypoints"], steps["keypoints"], atol=1e-3)
    both = fused["keypoint_valid"] & steps["keypoint_valid"]
    assert both.any()


def test_chain_compiles_whole_and_matches_eager():
    data = make_inputs(4, (48, 56))
    eager = chain(7)
    compiled = torch.compile(chain(7), fullgraph=True)
    for _ in range(2):
        a, b = eager(**data), compiled(**data)
        assert torch.equal(a["image"], b["image"]) or (a["image"].float() - b["image"].float()).abs().max() <= 1
        assert torch.equal(a["mask"], b["mask"])
        assert torch.allclose(a["bboxes"], b["bboxes"], atol=1e-3)
        assert torch.equal(a["bbox_valid"], b["bbox_valid"])
        assert torch.allclose(a["keypoints"], b["keypoints"], atol=1e-3)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.aug = A.Compose([A.RandomResizedCrop((32, 32)), A.HorizontalFlip(),
                              A.Affine(rotate=(-10, 10), p=0.5)], seed=1)
        self.conv = torch.nn.Conv2d(3, 4, 3)

    def forward(self, images):
        x = self.aug(images).float() / 255
        return self.conv(x).mean(dim=(1, 2, 3))


def test_model_holding_the_augmentation_compiles_fullgraph():
    images = make_inputs(4, (48, 56))["image"]
    model = Model()
    reference = Model()
    reference.load_state_dict(model.state_dict())
    compiled = torch.compile(model, fullgraph=True)
    assert torch.allclose(compiled(images), reference(images), atol=1e-5)


def _gathers(aug, data) -> tuple[int, int]:
    """(whole-image gathers, grid samples) one call dispatches."""
    class Reads(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.gathers = self.grids = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if out.numel() >= data["image"].shape[0] * 20 * 20:
                self.gathers += func.overloadpacket.__name__ == "gather"
                self.grids += func.overloadpacket.__name__ == "grid_sampler_2d"
            return out
    with Reads() as mode:
        aug(**data)
    return mode.gathers, mode.grids


@pytest.mark.parametrize("border", ["reflect", "constant"])
def test_whole_pixel_chain_is_one_gather_and_matches_opencv(border):
    """Pad, random crop, flip and rot90 move whole pixels: the chain reads the image and the mask
    with one flat-index gather each, equal to cv2.copyMakeBorder, slicing, np.flip and np.rot90
    sample by sample."""
    import cv2
    import numpy as np
    data = make_inputs(6, (30, 30), torch.uint8, seed=4)
    aug = A.Compose([A.PadIfNeeded(36, 40, border_mode=border, fill=7, fill_mask=9),
                     A.RandomCrop(32, 32), A.HorizontalFlip(), A.RandomRotate90()], seed=3)
    out = aug(image=data["image"], mask=data["mask"], return_params=True)
    params = out["params"]
    assert _gathers(aug, {"image": data["image"], "mask": data["mask"]}) == (2, 0)
    flag = {"reflect": cv2.BORDER_REFLECT, "constant": cv2.BORDER_CONSTANT}[border]
    crop, flip, turns = (params["transforms"][i] for i in (1, 2, 3))
    for i in range(6):
        img = data["image"][i].permute(1, 2, 0).numpy()
        pads = (3, 3, 5, 5)  # albumentations' centre split of (6, 10)
        planes = [cv2.copyMakeBorder(img, *pads, flag, value=(7, 7, 7)),
                  cv2.copyMakeBorder(data["mask"][i].numpy().astype(np.uint8), *pads, flag, value=9)]
        x0, y0 = (int(v) for v in crop["crop"][i, :2])
        expect = []
        for plane in planes:
            plane = plane[y0:y0 + 32, x0:x0 + 32]
            if flip["apply"][i]:
                plane = plane[:, ::-1]
            expect.append(np.rot90(plane, int(turns["factor"][i])))
        assert np.array_equal(out["image"][i].permute(1, 2, 0).numpy(), expect[0])
        assert np.array_equal(out["mask"][i].numpy(), expect[1])


def test_skipped_crops_are_not_read_as_whole_pixels():
    """A crop that skips samples resizes them (not a whole-pixel map): those samples still equal
    the plain resize, alone and inside OneOf (its samples without a child)."""
    data = make_inputs(4, (40, 48), torch.uint8, seed=2)
    image = data["image"]
    crop = {"crop": torch.tensor([[4.0, 6.0, 28.0, 26.0]] * 4, dtype=torch.float64),
            "pad": torch.zeros(4, 4, dtype=torch.float64)}
    resized = A.Resize(20, 24, interpolation="nearest", p=1.0)(image)
    out = A.RandomCrop(20, 24, p=0.5)(
        image=image, params={**crop, "apply": torch.tensor([1, 0, 1, 0]).bool()})["image"]
    assert torch.equal(out[1], resized[1]) and torch.equal(out[3], resized[3])
    assert torch.equal(out[0], image[0, :, 6:26, 4:28])
    one_of = A.OneOf([A.RandomCrop(20, 24), A.CenterCrop(20, 24)], p=0.5, seed=1)
    out = one_of(image=image, return_params=True)
    out, skipped = out["image"], ~out["params"]["apply"]
    assert skipped.any() and (~skipped).any()
    assert torch.equal(out[skipped], resized[skipped])


def test_closed_form_inverse_matches_numpy_and_zeroes_singular_matrices():
    import numpy as np
    from gpuaug.core import geometry
    gen = torch.Generator().manual_seed(3)
    m = torch.randn(64, 3, 3, dtype=torch.float64, generator=gen)
    m[0] = 0.0
    m[1, 2] = 0.0                                   # rank 2: a zero row
    ours = geometry.inverse(m)
    assert torch.equal(ours[:2], torch.zeros(2, 3, 3, dtype=torch.float64))
    np.testing.assert_allclose(ours[2:].numpy(), np.linalg.inv(m[2:].numpy()), rtol=1e-9, atol=1e-9)
    assert geometry.inverse(m.float()).dtype == torch.float32

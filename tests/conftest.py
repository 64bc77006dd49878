"""Shared fixtures: natural-looking inputs with every target kind, and the op counter."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks.opcount, tests.cases

from gpuaug.sample import natural_image, sample_batch  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


class _Dispatches(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.ops: list = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        outputs = tuple((tuple(t.shape), t.stride(), t.dtype) for t in tree_flatten(out)[0]
                        if isinstance(t, torch.Tensor))
        self.ops.append((func.overloadpacket.__name__, outputs))
        return out


def dispatches(fn) -> list:
    """Every aten op one call of ``fn()`` dispatches, with its outputs' shapes, strides and
    dtypes: what a CUDA graph records."""
    with _Dispatches() as recorder:
        fn()
    return recorder.ops


@pytest.fixture(params=DEVICES)
def device(request):
    return torch.device(request.param)


def make_inputs(batch: int = 3, size=(40, 48), dtype=torch.uint8, device="cpu", seed: int = 0):
    """A batch with image, mask, boxes and keypoints; float images are in [0, 1]."""
    data = sample_batch(batch, size, objects=2, seed=seed)
    image = data["image"]
    if dtype != torch.uint8:
        image = (image.to(torch.float32) / 255).to(dtype)
    return {
        "image": image.to(device),
        "mask": data["mask"].to(device),
        "bboxes": data["bboxes"].to(device),
        "keypoints": data["keypoints"].to(device),
    }


def as_numpy_hwc(image: torch.Tensor):
    """(C, H, W) tensor -> (H, W, C) numpy array for OpenCV / albumentations."""
    return image.permute(1, 2, 0).contiguous().cpu().numpy()


def to_tensor_chw(array) -> torch.Tensor:
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array.copy()).permute(2, 0, 1)


__all__ = ["DEVICES", "make_inputs", "natural_image", "sample_batch", "as_numpy_hwc",
           "to_tensor_chw"]

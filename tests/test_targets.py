"""Targets move with the image, for every geometric row of the case table and for chains.

Invariants that cannot pass by accident: a small blob drawn at a keypoint, warped, has its
centroid within one pixel of the transformed keypoint; a box drawn as a filled mask, warped, has
the hull the box transform gives (IoU >= 0.8 when not clipped); validity flags agree with the
returned coordinates, and no row is ever dropped.
"""
from __future__ import annotations

import pytest
import torch

import gpuaug as A
from gpuaug.core.transform import GeometricTransform
from tests.cases import CASES

GEOMETRIC = [c for c in CASES if issubclass(c.cls, GeometricTransform)]
SIZE = (64, 80)


def _blobs(points: torch.Tensor, size, sigma: float = 1.2) -> torch.Tensor:
    """(B, 3, H, W) float images with one Gaussian blob at each sample's keypoint."""
    h, w = size
    y = torch.arange(h, dtype=torch.float32).view(1, h, 1)
    x = torch.arange(w, dtype=torch.float32).view(1, 1, w)
    px, py = points[:, 0].view(-1, 1, 1), points[:, 1].view(-1, 1, 1)
    blob = torch.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * sigma ** 2))[:, None]
    return blob.expand(-1, 3, -1, -1).contiguous()


def _centroid(image: torch.Tensor, around: torch.Tensor, radius: int = 6) -> torch.Tensor:
    """Intensity centroid of each (1, H, W) image inside a window around a point."""
    h, w = image.shape[-2:]
    y = torch.arange(h, dtype=torch.float32).view(1, h, 1)
    x = torch.arange(w, dtype=torch.float32).view(1, 1, w)
    ax, ay = around[:, 0].view(-1, 1, 1), around[:, 1].view(-1, 1, 1)
    window = ((x - ax).abs() <= radius) & ((y - ay).abs() <= radius)
    weights = image[:, 0] * window
    total = weights.sum(dim=(1, 2)).clamp(min=1e-6)
    return torch.stack([(weights * x).sum(dim=(1, 2)) / total,
                        (weights * y).sum(dim=(1, 2)) / total], dim=1)


def _case_size(case):
    return SIZE if case.size == (40, 48) else case.size


def _build(case, seed):
    kwargs = dict(case.kwargs)
    if "border_mode" in kwargs:
        # a reflecting border mirrors the drawn box or blob into the frame too (as it should);
        # judge the geometry with a constant border
        kwargs["border_mode"] = "constant"
    return case.cls(**kwargs, seed=seed)


def _points(batch: int, size, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    h, w = size
    return torch.stack([12 + torch.rand(batch, generator=g) * (w - 24),
                        12 + torch.rand(batch, generator=g) * (h - 24)], dim=1)


@pytest.mark.parametrize("case", GEOMETRIC, ids=[c.id for c in GEOMETRIC])
@pytest.mark.parametrize("seed", [0, 1])
def test_blob_follows_keypoint(case, seed):
    size = SIZE
    points = _points(6, size, seed)
    image = _blobs(points, size)
    out = _build(case, seed)(image=image, keypoints=points[:, None, :])
    # the same draws on a black image: what the border fill adds, to subtract
    background = _build(case, seed)(torch.zeros_like(image))
    warped = out["image"].float() - background.float()
    kp, valid = out["keypoints"][:, 0], out["keypoint_valid"][:, 0]
    h, w = warped.shape[-2:]
    inside = valid & (kp[:, 0] > 5) & (kp[:, 0] < w - 6) & (kp[:, 1] > 5) & (kp[:, 1] < h - 6)
    # a blob squeezed below a pixel is no longer a blob: only judge visible ones
    peak = warped.amax(dim=(1, 2, 3))
    judged = inside & (peak > 0.3)
    if not judged.any():
        pytest.skip("no keypoint stayed well inside the frame for this seed")
    centroid = _centroid(warped, kp)
    err = (centroid - kp).norm(dim=1)
    assert (err[judged] < 1.0).all(), (err, judged)


@pytest.mark.parametrize("case", GEOMETRIC, ids=[c.id for c in GEOMETRIC])
@pytest.mark.parametrize("seed", [0, 1])
def test_box_drawn_as_mask_has_the_box_hull(case, seed):
    size = SIZE
    h, w = size
    g = torch.Generator().manual_seed(100 + seed)
    batch = 6
    x0 = torch.randint(8, w // 2, (batch,), generator=g)
    y0 = torch.randint(8, h // 2, (batch,), generator=g)
    x1 = x0 + torch.randint(10, w // 2 - 8, (batch,), generator=g)
    y1 = y0 + torch.randint(10, h // 2 - 8, (batch,), generator=g)
    yy = torch.arange(h).view(1, h, 1)
    xx = torch.arange(w).view(1, 1, w)
    mask = ((xx >= x0.view(-1, 1, 1)) & (xx < x1.view(-1, 1, 1))
            & (yy >= y0.view(-1, 1, 1)) & (yy < y1.view(-1, 1, 1))).to(torch.uint8)
    boxes = torch.stack([x0, y0, x1, y1], dim=1).float()[:, None]
    image = torch.zeros(batch, 3, h, w)
    out = _build(case, seed)(image=image, mask=mask, bboxes=boxes)
    m, box = out["mask"].bool(), out["bboxes"][:, 0]
    oh, ow = m.shape[-2:]
    cols, rows = m.any(dim=1), m.any(dim=2)
    ar_w, ar_h = torch.arange(ow), torch.arange(oh)
    mx0 = torch.where(cols, ar_w, ow).amin(1)
    mx1 = torch.where(cols, ar_w + 1, 0).amax(1)
    my0 = torch.where(rows, ar_h, oh).amin(1)
    my1 = torch.where(rows, ar_h + 1, 0).amax(1)
    hull = torch.stack([mx0, my0, mx1, my1], 1).float()
    unclipped = (box[:, 0] > 0.5) & (box[:, 1] > 0.5) & (box[:, 2] < ow - 0.5) & (box[:, 3] < oh - 0.5)
    big = ((box[:, 2] - box[:, 0]) >= 12) & ((box[:, 3] - box[:, 1]) >= 12)  # hull error is ~1 px
    judged = unclipped & big & out["bbox_valid"][:, 0] & m.flatten(1).any(1)
    if not judged.any():
        pytest.skip("every box was clipped for this seed")
    lo = torch.maximum(hull[:, :2], box[:, :2])
    hi = torch.minimum(hull[:, 2:], box[:, 2:])
    inter = (hi - lo).clamp(min=0).prod(1)
    union = (hull[:, 2:] - hull[:, :2]).prod(1) + (box[:, 2:] - box[:, :2]).prod(1) - inter
    iou = inter / union
    assert (iou[judged] >= 0.8).all(), (iou, judged, hull, box)


@pytest.mark.parametrize("case", GEOMETRIC, ids=[c.id for c in GEOMETRIC])
def test_validity_matches_coordinates_and_rows_are_kept(case):
    size = SIZE
    h, w = size
    g = torch.Generator().manual_seed(7)
    points = torch.rand(4, 9, 2, generator=g) * torch.tensor([w * 1.2, h * 1.2]) - torch.tensor([w * 0.1, h * 0.1])
    boxes = torch.cat([points[:, :5], points[:, :5] + 6], dim=-1)
    padding = torch.ones(4, 5, dtype=torch.bool)
    padding[:, -1] = False  # a padding row stays invalid whatever happens
    out = _build(case, 3)(image=torch.zeros(4, 3, h, w), keypoints=points, bboxes=boxes,
                          bbox_valid=padding)
    kp, kv = out["keypoints"], out["keypoint_valid"]
    oh, ow = out["image"].shape[-2:]
    assert kp.shape == points.shape and out["bboxes"].shape == boxes.shape
    visible = (kp[..., 0] >= 0) & (kp[..., 0] < ow) & (kp[..., 1] >= 0) & (kp[..., 1] < oh)
    assert torch.equal(kv, kv & visible)
    assert not out["bbox_valid"][:, -1].any()
    b = out["bboxes"]
    assert (b[..., 0] >= 0).all() and (b[..., 2] <= ow).all()
    assert (b[..., 1] >= 0).all() and (b[..., 3] <= oh).all()


def test_chain_targets_follow_image():
    """RandomResizedCrop + HorizontalFlip (+ Affine + Perspective when present): blobs at keypoints
    land where the chain's keypoints say, through the one fused resample."""
    names = ["Affine", "Perspective"]
    extra = [getattr(A, n)(p=1.0) for n in names if hasattr(A, n)]
    aug = A.Compose([A.RandomResizedCrop((56, 64), scale=(0.5, 1.0)), A.HorizontalFlip(), *extra],
                    seed=3)
    points = _points(8, SIZE, 5)
    out = aug(image=_blobs(points, SIZE), keypoints=points[:, None])
    kp, valid = out["keypoints"][:, 0], out["keypoint_valid"][:, 0]
    h, w = out["image"].shape[-2:]
    judged = valid & (kp[:, 0] > 6) & (kp[:, 0] < w - 7) & (kp[:, 1] > 6) & (kp[:, 1] < h - 7)
    assert judged.any()
    err = (_centroid(out["image"], kp) - kp).norm(dim=1)
    assert (err[judged] < 1.0).all(), err

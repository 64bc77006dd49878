"""CoarseDropout against albumentations 2.0.8: albumentations' own holes replayed through
gpuaug's parameters (image, mask, box validity and coordinates, keypoint validity compared
exactly), and the sampling of holes compared as distributions."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as st
import torch

import gpuaug as G
from gpuaug.functional import dropout as fd
from gpuaug.sample import natural_image
from tests.conftest import as_numpy_hwc

warnings.filterwarnings("ignore", message=".*albumentations.*")
A = pytest.importorskip("albumentations")

H, W = 40, 48


def _scene(rng, n_boxes=6, n_points=10, mask_channels=0):
    """Boxes with quarter-pixel coordinates (see test_whole_pixel_box_edges), points, a mask."""
    x0 = rng.integers(0, W - 4, n_boxes)
    y0 = rng.integers(0, H - 4, n_boxes)
    x1 = np.minimum(x0 + rng.integers(1, 22, n_boxes), W - 1)
    y1 = np.minimum(y0 + rng.integers(1, 22, n_boxes), H - 1)
    boxes = np.stack([x0, y0, x1, y1], 1) + rng.choice([0.25, 0.5, 0.75], (n_boxes, 4))
    boxes[0] = [0, 0, W, H]                                      # frame edges survive exactly
    points = np.stack([rng.uniform(0, W - 1, n_points), rng.uniform(0, H - 1, n_points)], 1)
    points[:4] = np.round(points[:4])                             # on hole edges now and then
    shape = (H, W) if mask_channels == 0 else (H, W, mask_channels)
    mask = rng.integers(0, 5, shape).astype(np.uint8)
    return boxes, points, mask


def _replay(holes: np.ndarray, pad_to: int | None = None, **extra) -> dict:
    """albumentations' holes (n, 4) as gpuaug parameters for one sample."""
    n = len(holes)
    rows = np.zeros((max(pad_to or n, n), 4), np.int64)
    rows[:n] = holes
    params = {"holes": torch.from_numpy(rows)[None], "num_holes": torch.tensor([n])}
    params.update(extra)
    return {"apply": None, "transforms": [params]}


def _run_both(kwargs, img, mask, boxes, points, seed, min_area=0.0, min_visibility=0.0,
              pad_to=None, replay_extra=None):
    t = A.CoarseDropout(**kwargs, p=1)
    comp = A.Compose([t], bbox_params=A.BboxParams("pascal_voc", label_fields=["box_id"],
                                                   min_area=min_area,
                                                   min_visibility=min_visibility),
                      keypoint_params=A.KeypointParams("xy", label_fields=["point_id"]),
                      save_applied_params=True, seed=seed)
    ref = comp(image=img, mask=mask, bboxes=boxes, box_id=np.arange(len(boxes)),
               keypoints=points, point_id=np.arange(len(points)))
    holes = ref["applied_transforms"][0][1]["holes"]
    ours_t = G.Compose([G.CoarseDropout(**kwargs, p=1)],
                       bbox_params=G.BboxParams("pascal_voc", min_area=min_area,
                                                min_visibility=min_visibility),
                       keypoint_params=G.KeypointParams("xy"))
    image = torch.from_numpy(img).permute(2, 0, 1)[None]
    m = torch.from_numpy(mask)[None]
    if mask.ndim == 3:
        m = m.permute(0, 3, 1, 2)
    extra = replay_extra(holes, ref) if replay_extra is not None else {}
    out = ours_t(image=image, mask=m, bboxes=torch.from_numpy(boxes).float()[None],
                 keypoints=torch.from_numpy(points).float()[None],
                 params=_replay(holes, pad_to, **extra))
    return ref, out, holes


def _compare(ref, out, mask_channels=0):
    assert np.array_equal(as_numpy_hwc(out["image"][0]), ref["image"])
    m = out["mask"][0]
    m = m.permute(1, 2, 0) if mask_channels else m
    assert np.array_equal(m.numpy(), ref["mask"])
    valid = out["bbox_valid"][0].numpy()
    assert np.array_equal(np.flatnonzero(valid), np.asarray(ref["box_id"], int))
    kept = out["bboxes"][0].numpy()[valid]
    np.testing.assert_allclose(kept, np.asarray(ref["bboxes"]).reshape(-1, 4), atol=1e-4)
    assert np.array_equal(np.flatnonzero(out["keypoint_valid"][0].numpy()),
                          np.asarray(ref["point_id"], int))


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("config", [
    dict(num_holes_range=(1, 5), hole_height_range=(4, 20), hole_width_range=(4, 20),
         fill=(7, 100, 200), fill_mask=9),
    dict(num_holes_range=(2, 8), hole_height_range=(0.05, 0.4), hole_width_range=(0.1, 0.3),
         fill=0, fill_mask=None),
    dict(num_holes_range=(1, 3), hole_height_range=(0, 48), hole_width_range=(3, 60),
         fill=255, fill_mask=0),
])
def test_replayed_holes_match_albumentations(dtype, config):
    rng = np.random.default_rng(1)
    for seed in range(24):
        min_area, min_vis = [(0.0, 0.0), (20.0, 0.3), (4.0, 0.7)][seed % 3]
        img = as_numpy_hwc(natural_image(H, W, seed=seed))
        kwargs = dict(config)
        if dtype == "float32":
            img = img.astype(np.float32) / 255
            if not isinstance(kwargs["fill"], str):
                fill = kwargs["fill"]
                kwargs["fill"] = (tuple(v / 255 for v in fill) if isinstance(fill, tuple)
                                  else fill / 255)
        boxes, points, mask = _scene(rng)
        ref, out, holes = _run_both(kwargs, img, mask, boxes, points, seed, min_area, min_vis,
                                    pad_to=kwargs["num_holes_range"][1])
        _compare(ref, out)


def test_multichannel_mask_and_tuple_fill_mask():
    rng = np.random.default_rng(2)
    for seed in range(8):
        img = as_numpy_hwc(natural_image(H, W, seed=seed))
        boxes, points, mask = _scene(rng, mask_channels=2)
        kwargs = dict(num_holes_range=(1, 4), hole_height_range=(5, 25), hole_width_range=(5, 25),
                      fill=3, fill_mask=(1, 2))
        ref, out, _ = _run_both(kwargs, img, mask, boxes, points, seed)
        _compare(ref, out, mask_channels=2)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_random_uniform_fill_replays_albumentations(dtype):
    """One colour per hole; where holes overlap, the last one's colour (albumentations fills
    them in order). The colours are read back from albumentations' output."""
    rng = np.random.default_rng(3)

    def colours(holes, ref):
        last = np.zeros((H, W), int)
        for k, (x0, y0, x1, y1) in enumerate(holes):
            last[y0:y1, x0:x1] = k + 1
        u = np.zeros((1, len(holes), 3), np.float32)
        for k in range(len(holes)):
            ys, xs = np.nonzero(last == k + 1)
            if len(ys):
                c = ref["image"][ys[0], xs[0]]
                u[0, k] = (c + 0.5) / 256 if dtype == "uint8" else c
                assert (ref["image"][last == k + 1] == c).all()       # uniform within the hole
        return {"fill_uniform": torch.from_numpy(u)}

    for seed in range(12):
        img = as_numpy_hwc(natural_image(H, W, seed=seed))
        if dtype == "float32":
            img = img.astype(np.float32) / 255
        boxes, points, mask = _scene(rng)
        kwargs = dict(num_holes_range=(2, 6), hole_height_range=(6, 24), hole_width_range=(6, 24),
                      fill="random_uniform")
        ref, out, _ = _run_both(kwargs, img, mask, boxes, points, seed, replay_extra=colours)
        _compare(ref, out)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_random_fill_replays_albumentations(dtype):
    rng = np.random.default_rng(4)

    def field(holes, ref):
        values = ref["image"].transpose(2, 0, 1)[None].astype(np.float32)
        u = (values + 0.5) / 256 if dtype == "uint8" else values
        return {"fill_uniform": torch.from_numpy(np.ascontiguousarray(u))}

    for seed in range(6):
        img = as_numpy_hwc(natural_image(H, W, seed=seed))
        if dtype == "float32":
            img = img.astype(np.float32) / 255
        boxes, points, mask = _scene(rng)
        kwargs = dict(num_holes_range=(1, 4), hole_height_range=(0.1, 0.5),
                      hole_width_range=(0.1, 0.5), fill="random")
        ref, out, _ = _run_both(kwargs, img, mask, boxes, points, seed, replay_extra=field)
        _compare(ref, out)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_random_fills_are_uniform(dtype):
    img = torch.zeros(64, 3, H, W, dtype=getattr(torch, dtype))
    aug = G.CoarseDropout(num_holes_range=(2, 2), hole_height_range=(10, 10),
                          hole_width_range=(10, 10), fill="random", p=1, seed=5)
    out = aug(image=img, return_params=True)
    holes = out["params"]["holes"]
    inside = fd.holes_mask(holes, (H, W))[:, None].expand(-1, 3, -1, -1)
    values = out["image"][inside].double().numpy()
    if dtype == "uint8":
        counts = np.bincount(values.astype(int), minlength=256)
        assert st.chisquare(counts).pvalue > 1e-3
    else:
        assert st.kstest(values, "uniform").pvalue > 1e-3
    uni = G.CoarseDropout(num_holes_range=(2, 2), hole_height_range=(10, 10),
                          hole_width_range=(10, 10), fill="random_uniform", p=1, seed=5)
    out = uni(image=img, return_params=True)
    holes = out["params"]["holes"]
    for b in range(4):
        x0, y0, x1, y1 = holes[b, 1].tolist()                        # the last hole is whole
        patch = out["image"][b, :, y0:y1, x0:x1]
        assert (patch == patch[:, :1, :1]).all()
    colours = out["params"]["fill_uniform"]
    assert colours.shape == (64, 2, 3) and colours.unique().numel() == colours.numel()


def _alb_holes(kwargs, n, size=(H, W)):
    img = np.zeros((*size, 1), np.uint8)
    t = A.CoarseDropout(**kwargs, p=1)
    out = []
    for s in range(n):
        r = A.Compose([t], save_applied_params=True, seed=s)(image=img)
        out.append(r["applied_transforms"][0][1]["holes"])
    return out


def _hist_match(a: np.ndarray, b: np.ndarray, name: str):
    """Two samples of small integers drawn from one distribution (chi-square homogeneity)."""
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    ca = np.bincount(a - lo, minlength=hi - lo + 1)
    cb = np.bincount(b - lo, minlength=hi - lo + 1)
    keep = (ca + cb) > 0
    table = np.stack([ca[keep], cb[keep]])
    if table.shape[1] > 1:
        assert st.chi2_contingency(table).pvalue > 1e-3, (name, ca, cb)


@pytest.mark.parametrize("kwargs", [
    dict(num_holes_range=(1, 4), hole_height_range=(3, 15), hole_width_range=(5, 60)),
    dict(num_holes_range=(2, 3), hole_height_range=(0.1, 0.45), hole_width_range=(0.05, 0.2)),
    dict(num_holes_range=(1, 1), hole_height_range=(0.5, 0.9), hole_width_range=(0.3, 1.0)),
])
def test_hole_sampling_matches_albumentations(kwargs):
    n = 2500
    theirs = _alb_holes(kwargs, n)
    aug = G.CoarseDropout(**kwargs, p=1, seed=7)
    params = aug(image=torch.zeros(n, 1, H, W, dtype=torch.uint8), return_params=True)["params"]
    num = params["num_holes"].numpy()
    holes = params["holes"].numpy()
    active = np.arange(holes.shape[1])[None, :] < num[:, None]
    ours = holes[active]
    theirs_all = np.concatenate(theirs)
    _hist_match(num, np.array([len(h) for h in theirs]), "num_holes")
    names = ["x_min", "y_min", "width", "height"]
    for i, (o, t) in enumerate([(ours[:, 0], theirs_all[:, 0]), (ours[:, 1], theirs_all[:, 1]),
                                (ours[:, 2] - ours[:, 0], theirs_all[:, 2] - theirs_all[:, 0]),
                                (ours[:, 3] - ours[:, 1], theirs_all[:, 3] - theirs_all[:, 1])]):
        _hist_match(o.astype(int), t.astype(int), names[i])
    # every hole inside the image, sizes inside their ranges, counts inside num_holes_range
    assert (ours[:, 0] >= 0).all() and (ours[:, 2] <= W).all()
    assert (ours[:, 1] >= 0).all() and (ours[:, 3] <= H).all()
    lo, hi = kwargs["num_holes_range"]
    assert num.min() == lo and num.max() == hi


def test_whole_pixel_box_edges():
    """A documented difference: albumentations keeps boxes as float32 fractions of the image
    size, so a whole-pixel edge such as x = 5 comes back as 4.99999988 before its int() and a
    box far from every hole moves one pixel left; gpuaug truncates the exact coordinates."""
    img = np.zeros((H, W, 3), np.uint8)
    box = np.array([[5.0, 7.0, 10.0, 13.0]])
    holes = np.array([[30, 30, 40, 38]])
    comp = A.Compose([A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(8, 8),
                                      hole_width_range=(10, 10), p=1)],
                     bbox_params=A.BboxParams("pascal_voc"), save_applied_params=True, seed=0)
    ref = comp(image=img, bboxes=box)
    assert float(np.float32(5 / W)) * W < 5                      # the float32 round trip
    assert np.asarray(ref["bboxes"])[0, 0] == 4                   # albumentations' moved edge
    ours = G.Compose([G.CoarseDropout(p=1)], bbox_params=G.BboxParams("pascal_voc"))(
        image=torch.zeros(1, 3, H, W, dtype=torch.uint8), bboxes=torch.tensor(box).float()[None],
        params=_replay(holes))
    assert ours["bboxes"][0, 0].tolist() == [5.0, 7.0, 10.0, 13.0]


def test_boxes_shrink_to_visible_part_and_flags():
    """Hand-computed: a hole covering the left 6 columns of a 10x10 box shrinks it to the
    right 4 columns; a box fully covered is invalid; one with 1 of 100 pixels left survives at
    min_area 1 but not at min_visibility 0.05."""
    boxes = torch.tensor([[[10.0, 10.0, 20.0, 20.0], [30.0, 2.0, 34.0, 6.0],
                           [0.0, 20.0, 10.0, 30.0], [40.5, 30.5, 44.5, 35.5]]])
    holes = torch.tensor([[[8, 5, 16, 25], [29, 0, 40, 10], [0, 20, 10, 29], [0, 29, 9, 30]]])
    out, valid = fd.filter_bboxes_by_holes(boxes, holes, (H, W), min_area=1)
    assert valid[0].tolist() == [True, False, True, True]
    assert out[0, 0].tolist() == [16.0, 10.0, 20.0, 20.0]
    assert out[0, 2].tolist() == [9.0, 29.0, 10.0, 30.0]          # the one uncovered pixel
    assert out[0, 3].tolist() == [40.0, 30.0, 44.0, 35.0]         # untouched, but truncated
    _, valid = fd.filter_bboxes_by_holes(boxes, holes, (H, W), min_visibility=0.05)
    assert valid[0].tolist() == [True, False, False, True]
    # with no thresholds at all, a fully covered box is still removed, and so is a box whose
    # truncated integer corners enclose no pixel (albumentations: remaining area must be > 0)
    thin = torch.cat([boxes, torch.tensor([[[3.2, 33.0, 3.8, 39.0]]])], 1)
    _, valid = fd.filter_bboxes_by_holes(thin, holes, (H, W))
    assert valid[0].tolist() == [True, False, True, True, False]
    # a sample with no holes keeps its boxes exactly
    out, valid = fd.filter_bboxes_by_holes(boxes, holes, (H, W), num_holes=0)
    assert torch.equal(out, boxes) and valid.all()


def test_keypoints_in_holes_hand_computed():
    points = torch.tensor([[[8.0, 5.0], [15.99, 24.99], [16.0, 10.0], [10.0, 25.0], [3.0, 3.0]]])
    holes = torch.tensor([[[8, 5, 16, 25], [0, 0, 2, 2]]])
    valid = fd.filter_keypoints_in_holes(points, holes)
    assert valid.tolist() == [[False, False, True, True, True]]
    assert fd.filter_keypoints_in_holes(points, holes, num_holes=0).all()


def test_fill_mask_none_leaves_masks_and_padding_rows_alone():
    boxes = torch.tensor([[[2.0, 2.0, 30.0, 30.0], [0.0, 0.0, 0.0, 0.0]]])
    data = {"image": torch.stack([natural_image(H, W, seed=i) for i in range(4)]),
            "mask": torch.randint(0, 3, (4, H, W), dtype=torch.int64),
            "bboxes": boxes.expand(4, 2, 4),
            "bbox_valid": torch.tensor([[True, False]]).repeat(4, 1)}
    aug = G.CoarseDropout(num_holes_range=(3, 3), hole_height_range=(0.3, 0.5),
                          hole_width_range=(0.3, 0.5), fill=0, p=1, seed=1)
    out = G.Compose([aug], bbox_params=G.BboxParams("pascal_voc"))(**data)
    assert torch.equal(out["mask"], data["mask"])
    assert not out["bbox_valid"][:, 1].any()
    assert torch.equal(out["bboxes"][:, 1], data["bboxes"][:, 1])
    assert (out["image"] == 0).any()
    filled = G.CoarseDropout(num_holes_range=(3, 3), hole_height_range=(0.3, 0.5),
                             hole_width_range=(0.3, 0.5), fill=0, fill_mask=7, p=1, seed=1)(
        image=data["image"], mask=data["mask"], return_params=True)
    under = fd.holes_mask(filled["params"]["holes"], (H, W))
    assert filled["mask"].dtype == torch.int64
    assert (filled["mask"][under] == 7).all()
    assert torch.equal(filled["mask"][~under], data["mask"][~under])
    assert ((filled["image"] == 0).all(1) | ~under).all()


def test_remove_invisible_false_keeps_keypoints():
    points = torch.tensor([[[10.0, 10.0]]])
    img = torch.zeros(1, 3, H, W, dtype=torch.uint8)
    params = {"apply": None, "transforms": [{"holes": torch.tensor([[[0, 0, 20, 20]]]),
                                             "num_holes": torch.tensor([1])}]}
    keep = G.Compose([G.CoarseDropout(p=1)], keypoint_params=G.KeypointParams(
        "xy", remove_invisible=False))(image=img, keypoints=points, params=params)
    drop = G.Compose([G.CoarseDropout(p=1)], keypoint_params=G.KeypointParams("xy"))(
        image=img, keypoints=points, params=params)
    assert keep["keypoint_valid"].all() and not drop["keypoint_valid"].any()


def test_skipped_samples_are_untouched_and_holes_vary():
    data = {"image": torch.stack([natural_image(H, W, seed=i) for i in range(32)]),
            "bboxes": torch.tensor([[[3.25, 4.5, 30.75, 20.5]]]).repeat(32, 1, 1)}
    aug = G.CoarseDropout(num_holes_range=(1, 6), hole_height_range=(4, 12),
                          hole_width_range=(4, 12), fill=0, fill_mask=1, p=0.5, seed=3)
    out = G.Compose([aug], bbox_params=G.BboxParams("pascal_voc"))(**data, return_params=True)
    p = out["params"]["transforms"][0]
    applied = p["apply"]
    assert 4 < int(applied.sum()) < 28
    assert torch.equal(out["image"][~applied], data["image"][~applied])
    assert torch.equal(out["bboxes"][~applied], data["bboxes"][~applied])
    assert not torch.equal(out["image"][applied], data["image"][applied])
    assert p["num_holes"].unique().numel() > 3
    assert p["holes"].shape == (32, 6, 4)


def test_inside_a_pipeline_after_geometry():
    img = torch.stack([natural_image(H, W, seed=i) for i in range(2)])
    boxes = torch.tensor([[[2.0, 3.0, 20.0, 30.0]]]).repeat(2, 1, 1)
    pipe = G.Compose([G.HorizontalFlip(p=1), G.CoarseDropout(p=1, fill=0)],
                     bbox_params=G.BboxParams("pascal_voc"), seed=0)
    out = pipe(image=img, bboxes=boxes, return_params=True)
    holes = out["params"]["transforms"][1]["holes"]
    num = out["params"]["transforms"][1]["num_holes"]
    under = fd.holes_mask(holes, (H, W), num)
    flipped = img.flip(-1)
    assert torch.equal(out["image"][~under[:, None].expand(-1, 3, -1, -1)],
                       flipped[~under[:, None].expand(-1, 3, -1, -1)])
    assert (out["bboxes"][..., 0] >= W - 20 - 1).all()            # moved before the holes


def test_functional_cutout_and_holes_mask():
    img = torch.full((2, 3, 4, 5), 0.5)
    holes = torch.tensor([[[0, 0, 2, 2], [1, 1, 3, 3]], [[4, 3, 5, 4], [0, 0, 0, 0]]])
    out = fd.cutout(img, holes, fill=(0.1, 0.2, 0.3), num_holes=torch.tensor([2, 1]))
    m = fd.holes_mask(holes, (4, 5), torch.tensor([2, 1]))
    assert m[0].int().tolist() == [[1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [0, 1, 1, 0, 0],
                                   [0, 0, 0, 0, 0]]
    assert m[1].sum() == 1 and m[1, 3, 4]
    assert torch.equal(out[:, 1][m], torch.full((int(m.sum()),), 0.2))
    assert torch.equal(out[:, 1][~m], torch.full((int((~m).sum()),), 0.5))
    colours = torch.tensor([[[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], [[0.7, 0.7, 0.7], [0.9, 0.9, 0.9]]])
    painted = fd.cutout(img, holes, fill=colours, num_holes=torch.tensor([2, 1]))
    assert painted[0, 0].tolist()[0][:2] == [1.0, 1.0] and painted[0, 0, 1, 1] == 0.0  # last wins
    assert painted[1, 0, 3, 4] == pytest.approx(0.7) and painted[1, 0, 0, 0] == 0.5


@pytest.mark.parametrize("build,exc,match", [
    (lambda: G.CoarseDropout(fill="inpaint_telea"), ValueError, "inpaint"),
    (lambda: G.CoarseDropout(fill="inpaint_ns"), ValueError, "inpaint"),
    (lambda: G.CoarseDropout(fill="noise"), ValueError, "fill"),
    (lambda: G.CoarseDropout(num_holes_range=(0, 2)), ValueError, "num_holes_range"),
    (lambda: G.CoarseDropout(num_holes_range=(3, 1)), ValueError, "num_holes_range"),
    (lambda: G.CoarseDropout(num_holes_range=(1.5, 2)), TypeError, "num_holes_range"),
    (lambda: G.CoarseDropout(hole_height_range=(0.3, 0.1)), ValueError, "hole_height_range"),
    (lambda: G.CoarseDropout(hole_width_range=(-1, 3)), ValueError, "hole_width_range"),
    (lambda: G.CoarseDropout(hole_height_range=(4, 8), hole_width_range=(0.1, 0.2)), ValueError,
     "hole_width_range"),
    (lambda: G.CoarseDropout(hole_height_range=(0.1, 0.2), hole_width_range=(2, 8)), ValueError,
     "hole_width_range"),
    (lambda: G.CoarseDropout(fill_mask="x"), TypeError, "fill_mask"),
])
def test_configuration_errors(build, exc, match):
    with pytest.raises(exc, match=match):
        build()


def test_holes_that_cannot_fit_raise():
    aug = G.CoarseDropout(hole_height_range=(50, 60), hole_width_range=(4, 8), p=1)
    with pytest.raises(ValueError, match="cannot fit"):
        aug(torch.zeros(1, 3, H, W, dtype=torch.uint8))


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
@pytest.mark.parametrize("fill", [0, 255, (10, 20, 30), "random", "random_uniform", 127.5])
def test_uint8_images_painted_as_they_are_equal_the_float_path(monkeypatch, fill, layout):
    """Whole-level fills paint uint8 images without the round trip through float: the result
    must be the float path's, in the input's layout (127.5 takes the float path: the guard)."""
    import gpuaug.transforms.dropout as transforms_dropout
    image = torch.randint(0, 256, (6, 3, 40, 48), dtype=torch.uint8,
                          generator=torch.Generator().manual_seed(8))
    if layout == "channels_last":
        image = image.contiguous(memory_format=torch.channels_last)

    def run():
        return G.CoarseDropout(num_holes_range=(1, 4), hole_height_range=(4, 16),
                               hole_width_range=(4, 16), fill=fill, p=0.7, seed=3)(image)

    fast = run()
    monkeypatch.setattr(transforms_dropout, "_whole_levels", lambda fill: False)
    slow = run()
    assert fast.dtype == torch.uint8 and fast.stride() == slow.stride()
    assert torch.equal(fast, slow)
    assert not torch.equal(fast, image)

"""Parity of the geometric transforms with albumentations 2.0.8 and OpenCV.

Each test runs albumentations on every sample of a small natural-looking batch, reads the
parameters it used (``save_applied_params``), converts them to gpuaug's and replays them, then
compares image, mask, boxes and keypoints. Where gpuaug deliberately differs (static shapes, the
pixel-centre keypoint rule of resizes, keypoint angles that follow the pixels, masks sampled at
pixel centres) the test checks the documented relation instead, still against albumentations'
or OpenCV's own output. Figures seen when this was written (CPU, 40x48, uint8 and float32):

* flips, Transpose, RandomRotate90, PadIfNeeded, Rotate, SafeRotate, Affine, ShiftScaleRotate,
  Perspective: image and mask identical (max difference 0), boxes within 3e-6 px (Perspective:
  up to ~0.5 px, SafeRotate: +0.5 px, both documented), keypoints within 1e-4 px.
* Resize / LongestMaxSize / SmallestMaxSize: image mean |diff| ~0.1 level, max 1 (OpenCV's
  fixed-point uint8 resize); masks identical to cv2.INTER_NEAREST_EXACT and 0.5-3.5 % of pixels
  away from albumentations' cv2.INTER_NEAREST; keypoints exactly the pixel-centre rule, within
  0.5 * |s - 1| px of albumentations'.
"""
from __future__ import annotations

import math
import warnings

import cv2
import numpy as np
import pytest
import torch

import gpuaug as A
from gpuaug.core import geometry
from gpuaug.core.transform import Params
from tests.conftest import as_numpy_hwc, make_inputs

alb = pytest.importorskip("albumentations")
import albumentations.augmentations.geometric.functional as alb_fgeometric  # noqa: E402

H, W = 40, 48
B = 4
DTYPES = {"uint8": torch.uint8, "float32": torch.float32}
BORDERS = {"constant": cv2.BORDER_CONSTANT, "replicate": cv2.BORDER_REPLICATE,
           "reflect": cv2.BORDER_REFLECT, "wrap": cv2.BORDER_WRAP,
           "reflect_101": cv2.BORDER_REFLECT_101}
INTERS = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC,
          "area": cv2.INTER_LINEAR}  # a warp reads INTER_AREA as linear

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# ---------------------------------------------------------------------------------------------
# inputs, the two runners, comparisons
# ---------------------------------------------------------------------------------------------
def _data(dtype="uint8", size=(H, W), batch=B, seed=0, angle_range=(5.0, 175.0)):
    """Image, mask, four boxes (two drawn objects, two random) and six xyas keypoints."""
    d = make_inputs(batch, size, DTYPES[dtype], seed=seed)
    h, w = size
    g = torch.Generator().manual_seed(seed + 101)
    xy = torch.rand(batch, 6, 2, generator=g) * torch.tensor([w - 5.0, h - 5.0]) + 2.0
    ang = angle_range[0] + torch.rand(batch, 6, 1, generator=g) * (angle_range[1] - angle_range[0])
    scale = 1.0 + 2.0 * torch.rand(batch, 6, 1, generator=g)
    d["keypoints"] = torch.cat([xy, ang, scale], dim=-1)
    lo = torch.rand(batch, 2, 2, generator=g) * torch.tensor([w * 0.6, h * 0.6])
    hi = lo + 3.0 + torch.rand(batch, 2, 2, generator=g) * torch.tensor([w * 0.35, h * 0.35])
    d["bboxes"] = torch.cat([d["bboxes"], torch.cat([lo, hi], dim=-1)], dim=1)
    return d


def _alb(transform, d, seed=0):
    """Run albumentations on every sample; rows carry their index as a label."""
    comp = alb.Compose([transform],
                       bbox_params=alb.BboxParams(format="pascal_voc", label_fields=["bl"]),
                       keypoint_params=alb.KeypointParams(format="xyas", label_fields=["kl"],
                                                          remove_invisible=False),
                       save_applied_params=True, seed=seed)
    out = []
    for i in range(d["image"].shape[0]):
        nb, nk = d["bboxes"].shape[1], d["keypoints"].shape[1]
        r = comp(image=as_numpy_hwc(d["image"][i]), mask=d["mask"][i].numpy().astype(np.uint8),
                 bboxes=d["bboxes"][i].numpy(), bl=list(range(nb)),
                 keypoints=d["keypoints"][i].numpy(), kl=list(range(nk)))
        r["params"] = r["applied_transforms"][0][1] if r["applied_transforms"] else {}
        out.append(r)
    return out


def _ours(transform, d, params=None, **compose):
    comp = A.Compose([transform], bbox_params=A.BboxParams(format="pascal_voc"),
                     keypoint_params=A.KeypointParams(format="xyas", remove_invisible=False),
                     **compose)
    if params is None:
        return comp(**d, return_params=True)
    return comp(**d, params={"apply": None, "transforms": [params]})


def _levels(image) -> np.ndarray:
    """A (C, H, W) tensor or (H, W, C) array in 0..255 levels, float64, HWC."""
    if isinstance(image, torch.Tensor):
        scale = 255.0 if image.is_floating_point() else 1.0
        return as_numpy_hwc(image).astype(np.float64) * scale
    scale = 255.0 if image.dtype.kind == "f" else 1.0
    return image.astype(np.float64).reshape(image.shape[0], image.shape[1], -1) * scale


def _close_image(ref, ours, mean=0.5, peak=4.0):
    a, o = _levels(ref), _levels(ours)
    assert a.shape == o.shape, (a.shape, o.shape)
    diff = np.abs(a - o)
    assert diff.mean() < mean and diff.max() <= peak, (diff.mean(), diff.max())
    return diff.mean(), diff.max()


def _angle_diff(a, b):
    """Signed difference of angles in degrees, in [-180, 180)."""
    return (np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0


def _rows(r, key, label, n):
    """albumentations' rows for row i of the input (None where it dropped it); with reflecting
    borders it may return several rows per label, all are given."""
    labels = np.asarray(r[label], dtype=np.int64)
    values = np.asarray(r[key], dtype=np.float64).reshape(len(labels), -1)
    return [values[labels == i] if (labels == i).any() else None for i in range(n)]


def _check_boxes(r, ours, i, tol=1e-3, offset=0.0):
    """Boxes albumentations kept equal ours (+ offset) and are flagged valid; the rest invalid."""
    n = ours["bboxes"].shape[1]
    ref = _rows(r, "bboxes", "bl", n)
    got = ours["bboxes"][i].double().numpy()
    valid = ours["bbox_valid"][i].numpy()
    for j in range(n):
        if ref[j] is None:
            assert not valid[j], (j, got[j])
        else:
            assert valid[j], (j, ref[j])
            assert np.abs(ref[j][0] + offset - got[j]).max() < tol, (j, ref[j][0], got[j])


def _alb_keypoints(r, n):
    return np.stack([rows[0] for rows in _rows(r, "keypoints", "kl", n)])


def _check_points(r, ours, i, tol=1e-3, angles=True, scales=True):
    n = ours["keypoints"].shape[1]
    ref = _alb_keypoints(r, n)
    got = ours["keypoints"][i].double().numpy()
    assert np.abs(ref[:, :2] - got[:, :2]).max() < tol, np.abs(ref[:, :2] - got[:, :2]).max()
    if angles:
        assert np.abs(_angle_diff(ref[:, 2], got[:, 2])).max() < 1e-3, (ref[:, 2], got[:, 2])
    if scales:
        assert np.abs(ref[:, 3] - got[:, 3]).max() < 1e-4, (ref[:, 3], got[:, 3])


def _mask_equal(r, ours, i):
    np.testing.assert_array_equal(r["mask"], ours["mask"][i].numpy())


def _tensor(values, dtype=torch.float64):
    return torch.as_tensor(np.asarray(values), dtype=dtype)


def _matrix_of(transform, params, size):
    p = Params.of({k: v for k, v in params.items()}, B, "cpu")
    return transform.matrix(p, size).numpy()


def _scales(refs):
    return _tensor([[r["params"]["scale"]["x"], r["params"]["scale"]["y"]] for r in refs])


def _rotation_angle(m) -> float:
    return math.degrees(math.atan2(m[0, 1], m[0, 0]))


def _translation_of(m, size) -> np.ndarray:
    """The translate of an albumentations affine matrix built about the pixel centre."""
    h, w = size
    c = np.array([w / 2 - 0.5, h / 2 - 0.5])
    return m[:2, 2] - c + m[:2, :2] @ c


# ---------------------------------------------------------------------------------------------
# flips, transpose, rot90
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", ["HorizontalFlip", "VerticalFlip", "Transpose"])
def test_flips_and_transpose_match_albumentations_exactly(name, dtype):
    d = _data(dtype)
    refs = _alb(getattr(alb, name)(p=1.0), d)
    ours = _ours(getattr(A, name)(p=1.0), d, {})
    for i, r in enumerate(refs):
        assert np.array_equal(_levels(r["image"]), _levels(ours["image"][i]))
        _mask_equal(r, ours, i)
        _check_boxes(r, ours, i)
        _check_points(r, ours, i)


def test_transpose_angles_above_180_differ_from_albumentations_by_half_a_turn():
    """albumentations' keypoints_transpose returns 270 - a for a > 180 (the opposite direction of
    the pixels' 90 - a); gpuaug follows the pixels."""
    d = _data(angle_range=(190.0, 350.0))
    refs = _alb(alb.Transpose(p=1.0), d)
    ours = _ours(A.Transpose(p=1.0), d, {})
    for i, r in enumerate(refs):
        ref = _alb_keypoints(r, 6)
        got = ours["keypoints"][i].double().numpy()
        assert np.abs(np.abs(_angle_diff(ref[:, 2], got[:, 2])) - 180.0).max() < 1e-3
        start = d["keypoints"][i, :, 2].double().numpy()
        assert np.abs(_angle_diff(got[:, 2], 90.0 - start)).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_random_rotate90_square_matches_albumentations_exactly(dtype):
    d = _data(dtype, size=(40, 40), batch=8, angle_range=(0.0, 360.0))
    refs = _alb(alb.RandomRotate90(p=1.0), d, seed=3)
    factor = _tensor([r["params"]["factor"] for r in refs], torch.int64)
    assert set(factor.tolist()) == {0, 1, 2, 3}
    ours = _ours(A.RandomRotate90(), d, {"factor": factor})
    for i, r in enumerate(refs):
        assert np.array_equal(_levels(r["image"]), _levels(ours["image"][i]))
        _mask_equal(r, ours, i)
        _check_boxes(r, ours, i)
        _check_points(r, ours, i)


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_random_rotate90_non_square_is_albumentations_result_centred_in_the_frame(dtype):
    """An odd k on (H, W) gives albumentations a (W, H) image; gpuaug places that very image
    centred in the (H, W) frame, offset ((W - H) // 2, (H - W) // 2), filling with 0."""
    for size in ((40, 48), (40, 47)):
        h, w = size
        d = _data(dtype, size=size, batch=8)
        refs = _alb(alb.RandomRotate90(p=1.0), d, seed=5)
        factor = _tensor([r["params"]["factor"] for r in refs], torch.int64)
        ours = _ours(A.RandomRotate90(), d, {"factor": factor})
        for i, r in enumerate(refs):
            k = int(factor[i])
            dx, dy = ((w - h) // 2, (h - w) // 2) if k % 2 else (0, 0)
            m = np.float64([[1, 0, dx], [0, 1, dy]])
            img = r["image"]
            expect = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            assert np.array_equal(_levels(expect), _levels(ours["image"][i]))
            mask = cv2.warpAffine(r["mask"], m, (w, h), flags=cv2.INTER_NEAREST,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            np.testing.assert_array_equal(mask, ours["mask"][i].numpy())
            ref = _alb_keypoints(r, 6)
            got = ours["keypoints"][i].double().numpy()
            assert np.abs(ref[:, :2] + [dx, dy] - got[:, :2]).max() < 1e-3
            assert np.abs(_angle_diff(ref[:, 2], got[:, 2])).max() < 1e-3


# ---------------------------------------------------------------------------------------------
# rotations and affine maps
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("border", ["constant", "replicate"])
def test_rotate_matches_albumentations(dtype, border):
    d = _data(dtype, angle_range=(0.0, 360.0))
    fill = (10, 200, 30) if dtype == "uint8" else 0.5
    kw = dict(limit=60, p=1.0, border_mode=BORDERS[border], fill=fill, fill_mask=3)
    refs = _alb(alb.Rotate(**kw), d, seed=1)
    angle = _tensor([_rotation_angle(r["params"]["matrix"]) for r in refs])
    ours = _ours(A.Rotate(**kw), d, {"angle": angle})
    for i, r in enumerate(refs):
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=4)
        _mask_equal(r, ours, i)
        _check_boxes(r, ours, i)
        _check_points(r, ours, i, angles=False)
        # the documented angle difference: albumentations adds the rotation, the pixels subtract it
        ref, got = _alb_keypoints(r, 6), ours["keypoints"][i].double().numpy()
        start = d["keypoints"][i, :, 2].double().numpy()
        assert np.abs(_angle_diff(ref[:, 2], start + float(angle[i]))).max() < 1e-3
        assert np.abs(_angle_diff(got[:, 2], start - float(angle[i]))).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_rotate_crop_border_is_albumentations_window_resized_to_the_input(dtype):
    d = _data(dtype)
    refs = _alb(alb.Rotate(limit=45, crop_border=True, p=1.0), d, seed=2)
    angle = _tensor([_rotation_angle(r["params"]["matrix"]) for r in refs])
    ours = _ours(A.Rotate(limit=45, crop_border=True, p=1.0), d, {"angle": angle})
    window = A.Rotate.crop_window(angle, (H, W)).numpy()
    for i, r in enumerate(refs):
        p = r["params"]
        x0, y0, x1, y1 = p["x_min"], p["y_min"], p["x_max"], p["y_max"]
        assert (x0, y0, x1, y1) == tuple(int(v) for v in window[i])
        assert r["image"].shape[:2] == (y1 - y0, x1 - x0)
        sx, sy = W / (x1 - x0), H / (y1 - y0)
        crop = np.float64([[sx, 0, (0.5 - x0) * sx - 0.5], [0, sy, (0.5 - y0) * sy - 0.5],
                           [0, 0, 1]])
        m = (crop @ p["matrix"])[:2]
        img = as_numpy_hwc(d["image"][i])
        expect = cv2.warpAffine(img, m, (W, H), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT)
        _close_image(expect, ours["image"][i], mean=0.5, peak=4)
        # keypoints: albumentations' cropped points, through the pixel-centre resize
        ref = _alb_keypoints(r, 6)
        got = ours["keypoints"][i].double().numpy()
        assert np.abs((ref[:, 0] + 0.5) * sx - 0.5 - got[:, 0]).max() < 1e-3
        assert np.abs((ref[:, 1] + 0.5) * sy - 0.5 - got[:, 1]).max() < 1e-3
        # boxes: albumentations' boxes in the window, scaled on their edges
        refb = _rows(r, "bboxes", "bl", 4)
        for j, rows in enumerate(refb):
            if rows is not None:
                scaled = rows[0][:4] * [sx, sy, sx, sy]
                assert np.abs(scaled - ours["bboxes"][i, j].double().numpy()).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_safe_rotate_matches_albumentations(dtype):
    d = _data(dtype)
    refs = _alb(alb.SafeRotate(limit=90, p=1.0), d, seed=4)
    angle = _tensor([r["params"]["rotate"] for r in refs])
    t = A.SafeRotate(limit=90, p=1.0)
    m = _matrix_of(t, {"angle": angle}, (H, W))
    ours = _ours(t, d, {"angle": angle})
    for i, r in enumerate(refs):
        p = r["params"]
        assert np.abs(m[i] - p["matrix"]).max() < 1e-9
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=4)
        _mask_equal(r, ours, i)
        _check_points(r, ours, i, angles=False, scales=False)
        # albumentations' own box matrix sits half a pixel off its image matrix; gpuaug maps
        # boxes with the image's map on pixel edges (T(0.5) M T(-0.5))
        edge = geometry.edge_matrix(torch.from_numpy(p["matrix"])).numpy()
        half = np.float64([[0, 0, 0.5], [0, 0, 0.5], [0, 0, 0]])
        assert np.abs(p["bbox_matrix"] - (edge - half)).max() < 1e-9
        got = ours["bboxes"][i].double().numpy()
        for j, rows in enumerate(_rows(r, "bboxes", "bl", 4)):
            inside = rows is not None and (rows[0][:4] > 0).all() \
                and (rows[0][[2, 3]] < [W - 1, H - 1]).all()
            if inside:
                assert np.abs(rows[0][:4] + 0.5 - got[j]).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("shear", [{"x": 12.0, "y": -7.0}, 0.0])
def test_affine_matches_albumentations(dtype, shear):
    kw = dict(scale=(0.7, 1.3), rotate=(-30, 30), shear=shear, translate_px=(-5, 5), p=1.0,
              border_mode=cv2.BORDER_REFLECT_101 if shear else cv2.BORDER_CONSTANT)
    d = _data(dtype)
    refs = _alb(alb.Affine(**kw), d, seed=6)
    t = A.Affine(**kw)
    sh = [shear["x"], shear["y"]] if isinstance(shear, dict) else [shear, shear]
    params = {"rotate": _tensor([r["params"]["rotate"] for r in refs]),
              "scale": _scales(refs),
              "translate": _tensor([_translation_of(r["params"]["matrix"], (H, W)) for r in refs]),
              "shear": _tensor([sh] * B)}
    # translate_px draws whole pixels in [-5, 5]
    tr = params["translate"].numpy()
    assert np.abs(tr - np.round(tr)).max() < 1e-9 and np.abs(tr).max() <= 5 + 1e-9
    m = _matrix_of(t, params, (H, W))
    ours = _ours(t, d, params)
    for i, r in enumerate(refs):
        assert np.abs(m[i] - r["params"]["matrix"]).max() < 1e-9
        edge = geometry.edge_matrix(torch.from_numpy(r["params"]["matrix"])).numpy()
        assert np.abs(edge - r["params"]["bbox_matrix"]).max() < 1e-9
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=4)
        _mask_equal(r, ours, i)
        if not shear:  # a reflecting border makes albumentations add mirrored rows
            _check_boxes(r, ours, i)
            _check_points(r, ours, i, angles=False)  # scale: max(sx, sy) = largest singular value
        else:  # ours is the original among albumentations' mirrored copies
            for j, rows in enumerate(_rows(r, "keypoints", "kl", 6)):
                dist = np.abs(rows[:, :2] - ours["keypoints"][i, j, :2].double().numpy()).max(1)
                assert dist.min() < 1e-3
            for j, rows in enumerate(_rows(r, "bboxes", "bl", 4)):
                if rows is not None and ours["bbox_valid"][i, j]:
                    dist = np.abs(rows[:, :4] - ours["bboxes"][i, j].double().numpy()).max(1)
                    assert dist.min() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_affine_fit_output_is_albumentations_canvas_fitted_into_the_frame(dtype):
    kw = dict(scale=(0.6, 1.4), rotate=(-45, 45), shear=(-10, 10), fit_output=True, p=1.0)
    d = _data(dtype)
    refs = _alb(alb.Affine(**kw), d, seed=7)
    # recover each sample's shear from albumentations' matrix: A = Shear @ R @ S
    params = {"rotate": [], "scale": [], "translate": [], "shear": []}
    for r in refs:
        p = r["params"]
        theta = math.radians(p["rotate"] % 360)
        rs = np.float64([[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]]) \
            @ np.diag([p["scale"]["x"], p["scale"]["y"]])
        shear_m = p["matrix"][:2, :2] @ np.linalg.inv(rs)
        params["rotate"].append(p["rotate"])
        params["scale"].append([p["scale"]["x"], p["scale"]["y"]])
        params["shear"].append([-math.degrees(math.atan(shear_m[0, 1])),
                                -math.degrees(math.atan(shear_m[1, 0]))])
        params["translate"].append([0.0, 0.0])
    params = {k: _tensor(v) for k, v in params.items()}
    t = A.Affine(**kw)
    m = _matrix_of(t, params, (H, W))
    ours = _ours(t, d, params)
    for i, r in enumerate(refs):
        p = r["params"]
        oh, ow = p["output_shape"]
        assert r["image"].shape[:2] == (oh, ow)
        s = min(H / oh, W / ow)
        place = np.float64([[s, 0, 0.5 * s - 0.5 + (W - ow * s) / 2],
                            [0, s, 0.5 * s - 0.5 + (H - oh * s) / 2], [0, 0, 1]])
        expect_m = place @ p["matrix"]
        assert np.abs(m[i] - expect_m).max() < 1e-9
        img = as_numpy_hwc(d["image"][i])
        expect = cv2.warpAffine(img, expect_m[:2], (W, H), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT)
        _close_image(expect, ours["image"][i], mean=0.5, peak=4)
        mask = cv2.warpAffine(d["mask"][i].numpy().astype(np.uint8), expect_m[:2], (W, H),
                              flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
        np.testing.assert_array_equal(mask, ours["mask"][i].numpy())
        ref = _alb_keypoints(r, 6)
        got = ours["keypoints"][i].double().numpy()
        expect_xy = ref[:, :2] * s + [0.5 * s - 0.5 + (W - ow * s) / 2,
                                      0.5 * s - 0.5 + (H - oh * s) / 2]
        assert np.abs(expect_xy - got[:, :2]).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_shift_scale_rotate_matches_albumentations(dtype):
    d = _data(dtype)
    refs = _alb(alb.ShiftScaleRotate(p=1.0), d, seed=8)
    params = {"rotate": _tensor([r["params"]["rotate"] for r in refs]),
              "scale": _scales(refs),
              "translate": _tensor([_translation_of(r["params"]["matrix"], (H, W)) for r in refs]),
              "shear": torch.zeros(B, 2, dtype=torch.float64)}
    tr = params["translate"].numpy()  # int(shift * size): whole pixels, |shift| <= 0.0625
    assert np.abs(tr - np.round(tr)).max() < 1e-9
    assert (np.abs(tr) <= [0.0625 * W, 0.0625 * H]).all()
    sc = params["scale"].numpy()  # albumentations 2.0.8 draws x and y independently
    assert (sc >= 0.9).all() and (sc <= 1.1).all() and np.abs(sc[:, 0] - sc[:, 1]).max() > 1e-3
    t = A.ShiftScaleRotate(p=1.0)
    m = _matrix_of(t, params, (H, W))
    ours = _ours(t, d, params)
    for i, r in enumerate(refs):
        assert np.abs(m[i] - r["params"]["matrix"]).max() < 1e-9
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=4)
        _mask_equal(r, ours, i)
        _check_boxes(r, ours, i)
        _check_points(r, ours, i, angles=False)


# ---------------------------------------------------------------------------------------------
# perspective
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def perspective_points(monkeypatch):
    """Record the ordered source quad albumentations draws (it saves only the matrix)."""
    seen = []
    original = alb_fgeometric.compute_perspective_params

    def spy(points, image_shape):
        seen.append(points.copy())
        return original(points, image_shape)

    monkeypatch.setattr(alb_fgeometric, "compute_perspective_params", spy)
    return seen


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("fit_output", [False, True])
def test_perspective_keep_size_matches_albumentations(dtype, fit_output, perspective_points):
    kw = dict(scale=(0.05, 0.15), fit_output=fit_output, p=1.0)
    d = _data(dtype)
    refs = _alb(alb.Perspective(**kw), d, seed=9)
    params = {"points": _tensor(np.stack(perspective_points))}
    t = A.Perspective(**kw)
    m = _matrix_of(t, params, (H, W))
    ours = _ours(t, d, params)
    for i, r in enumerate(refs):
        p = r["params"]
        expect_m = np.diag([W / p["max_width"], H / p["max_height"], 1.0]) @ p["matrix"]
        assert np.abs(m[i] - expect_m).max() < 1e-5
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=4)
        _mask_equal(r, ours, i)
        _check_points(r, ours, i, angles=False, scales=False)
        # albumentations maps box corners with M on edges; gpuaug with T(0.5) M T(-0.5)
        _check_boxes(r, ours, i, tol=0.6)


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_perspective_keep_size_false_keeps_the_frame(dtype, perspective_points):
    """albumentations returns the top-left (max_height, max_width) window of gpuaug's output."""
    d = _data(dtype)
    refs = _alb(alb.Perspective(scale=(0.05, 0.15), keep_size=False, p=1.0), d, seed=10)
    params = {"points": _tensor(np.stack(perspective_points))}
    ours = _ours(A.Perspective(scale=(0.05, 0.15), keep_size=False, p=1.0), d, params)
    for i, r in enumerate(refs):
        mh, mw = r["image"].shape[:2]
        assert (mh, mw) == (r["params"]["max_height"], r["params"]["max_width"])
        assert mh < H and mw < W
        _close_image(r["image"], ours["image"][i][:, :mh, :mw], mean=0.5, peak=4)
        np.testing.assert_array_equal(r["mask"], ours["mask"][i, :mh, :mw].numpy())
        ref = _alb_keypoints(r, 6)
        assert np.abs(ref[:, :2] - ours["keypoints"][i, :, :2].double().numpy()).max() < 1e-3


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_perspective_fit_output_without_keep_size_fits_the_canvas(dtype, perspective_points):
    d = _data(dtype)
    kw = dict(scale=(0.05, 0.15), keep_size=False, fit_output=True, p=1.0)
    refs = _alb(alb.Perspective(**kw), d, seed=11)
    params = {"points": _tensor(np.stack(perspective_points))}
    t = A.Perspective(**kw)
    m = _matrix_of(t, params, (H, W))
    ours = _ours(t, d, params)
    for i, r in enumerate(refs):
        p = r["params"]
        oh, ow = r["image"].shape[:2]
        assert (oh, ow) == (p["max_height"], p["max_width"])
        s = min(H / oh, W / ow)
        place = np.float64([[s, 0, 0.5 * s - 0.5 + (W - ow * s) / 2],
                            [0, s, 0.5 * s - 0.5 + (H - oh * s) / 2], [0, 0, 1]])
        expect_m = place @ p["matrix"]
        assert np.abs(m[i] - expect_m / expect_m[2, 2]).max() < 1e-6
        expect = cv2.warpPerspective(as_numpy_hwc(d["image"][i]), expect_m, (W, H),
                                     flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        _close_image(expect, ours["image"][i], mean=0.5, peak=4)


@pytest.mark.parametrize("quad", [
    [[5.0, 5.0], [5.8, 5.3], [6.0, 6.2], [5.1, 6.0]],      # every side shorter than 2 px
    [[1.0, 1.5], [10.5, 1.0], [11.0, 9.0], [1.2, 9.5]],    # none
    [[2.0, 2.0], [3.1, 2.4], [9.0, 8.0], [2.5, 8.5]],      # the top side only
])
def test_perspective_short_sides_are_stretched_as_albumentations(quad):
    """albumentations' adjust_dimension moves corners of sides shorter than 2 px in place."""
    size = (10, 12)
    points = np.float32(quad)
    matrix, max_w, max_h = alb_fgeometric.compute_perspective_params(points.copy(), size)
    t = A.Perspective(p=1.0)
    params = Params.of({"points": _tensor(points)[None]}, 1, "cpu")
    m = t.matrix(params, size)[0].numpy()
    expect = np.diag([size[1] / max_w, size[0] / max_h, 1.0]) @ matrix
    assert np.abs(m - expect).max() < 1e-4 * np.abs(expect).max()


# ---------------------------------------------------------------------------------------------
# padding and resizes
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("kw", [
    dict(min_height=48, min_width=57),
    dict(min_height=47, min_width=56, position="random", fill=(10, 20, 30), fill_mask=7),
    dict(min_height=45, min_width=60, position="bottom_right", border_mode=cv2.BORDER_REPLICATE),
    dict(min_height=None, min_width=None, pad_height_divisor=16, pad_width_divisor=20,
         position="top_right", border_mode=cv2.BORDER_REFLECT_101),
    dict(min_height=50, min_width=50, position="random", border_mode=cv2.BORDER_WRAP),
], ids=["center", "random-fill", "bottom_right-replicate", "divisor-reflect101", "random-wrap"])
def test_pad_if_needed_matches_albumentations_exactly(dtype, kw):
    d = _data(dtype, angle_range=(0.0, 360.0))
    if dtype == "float32" and "fill" in kw:
        kw = {**kw, "fill": (0.1, 0.2, 0.3)}
    refs = _alb(alb.PadIfNeeded(**kw), d, seed=12)
    params = {"pad_top": _tensor([r["params"]["pad_top"] for r in refs], torch.int64),
              "pad_left": _tensor([r["params"]["pad_left"] for r in refs], torch.int64)}
    if kw.get("position") == "random":
        ours = _ours(A.PadIfNeeded(**kw), d, params)
    else:  # fixed positions: gpuaug's own pads must be albumentations'
        ours = _ours(A.PadIfNeeded(**kw), d)
        drawn = ours["params"]["transforms"][0]
        assert torch.equal(drawn["pad_top"], params["pad_top"])
        assert torch.equal(drawn["pad_left"], params["pad_left"])
    reflecting = kw.get("border_mode") in (cv2.BORDER_REFLECT_101, cv2.BORDER_REFLECT)
    for i, r in enumerate(refs):
        assert np.array_equal(_levels(r["image"]), _levels(ours["image"][i]))
        _mask_equal(r, ours, i)
        if not reflecting:
            _check_boxes(r, ours, i)
            _check_points(r, ours, i)
        else:  # albumentations adds mirrored copies; ours is the original among them
            for j, rows in enumerate(_rows(r, "bboxes", "bl", 4)):
                dist = np.abs(rows[:, :4] - ours["bboxes"][i, j].double().numpy()).max(1)
                assert dist.min() < 1e-3
            for j, rows in enumerate(_rows(r, "keypoints", "kl", 6)):
                dist = np.abs(rows[:, :2] - ours["keypoints"][i, j, :2].double().numpy()).max(1)
                assert dist.min() < 1e-3


def test_pad_if_needed_random_position_and_skipped_samples():
    t = A.PadIfNeeded(min_height=50, min_width=60, position="random", p=0.5, seed=0)
    d = _data(batch=64)
    out = t(**d, return_params=True)
    top, left = out["params"]["pad_top"], out["params"]["pad_left"]
    assert top.min() == 0 and top.max() == 10 and left.min() == 0 and left.max() == 12
    skipped = ~out["params"]["apply"]
    assert 10 < int(skipped.sum()) < 54
    # a skipped sample keeps its pixels where they were
    i = int(torch.nonzero(skipped)[0])
    assert torch.equal(out["image"][i, :, :H, :W], d["image"][i])
    assert (out["image"][i, :, H:] == 0).all() and (out["image"][i, :, :, W:] == 0).all()


def _nearest_exact_mask(mask, size):
    """cv2.resize INTER_NEAREST_EXACT, and where its fixed-point arithmetic may round a tie (a
    pixel centre mapped exactly onto a source pixel edge) either way."""
    h, w = mask.shape
    oh, ow = size
    out = cv2.resize(mask.astype(np.uint8), (ow, oh), interpolation=cv2.INTER_NEAREST_EXACT)
    tie_x = ((2 * np.arange(ow) + 1) * w) % (2 * ow) == 0
    tie_y = ((2 * np.arange(oh) + 1) * h) % (2 * oh) == 0
    return out, tie_y[:, None] | tie_x[None, :]


def _check_nearest_exact(mask, ours, size):
    expect, tie = _nearest_exact_mask(mask, size)
    differ = expect != ours
    assert not (differ & ~tie).any(), np.argwhere(differ & ~tie)[:5]


def _pixel_centre_points(points, sx, sy):
    return np.stack([(points[:, 0] + 0.5) * sx - 0.5, (points[:, 1] + 0.5) * sy - 0.5], -1)


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name,kw", [
    ("Resize", dict(height=30, width=70)),
    ("Resize", dict(height=30, width=20, interpolation=cv2.INTER_CUBIC)),
    ("Resize", dict(height=25, width=70, area_for_downscale="image")),
    ("LongestMaxSize", dict(max_size=64)),
    ("LongestMaxSize", dict(max_size=30, area_for_downscale="image")),
    ("LongestMaxSize", dict(max_size_hw=(None, 30), interpolation=cv2.INTER_AREA)),
    ("LongestMaxSize", dict(max_size_hw=(33, 50))),
    ("SmallestMaxSize", dict(max_size=50)),
    ("SmallestMaxSize", dict(max_size=20, interpolation=cv2.INTER_CUBIC)),
    ("SmallestMaxSize", dict(max_size_hw=(30, 50))),
])
def test_resizes_match_albumentations(name, kw, dtype):
    d = _data(dtype)
    refs = _alb(getattr(alb, name)(**kw), d)
    ours = _ours(getattr(A, name)(**kw), d, {})
    for i, r in enumerate(refs):
        hh, ww = r["image"].shape[:2]
        assert tuple(ours["image"].shape[-2:]) == (hh, ww)
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=2)
        # masks: exactly cv2's pixel-centre nearest rule, a few % from albumentations' INTER_NEAREST
        _check_nearest_exact(d["mask"][i].numpy(), ours["mask"][i].numpy(), (hh, ww))
        assert (r["mask"] != ours["mask"][i].numpy()).mean() < 0.06
        _check_boxes(r, ours, i)
        sx, sy = ww / W, hh / H
        ref = _alb_keypoints(r, 6)
        got = ours["keypoints"][i].double().numpy()
        start = d["keypoints"][i].double().numpy()
        assert np.abs(_pixel_centre_points(start, sx, sy) - got[:, :2]).max() < 1e-3
        # albumentations: x * s with its nominal factor (MaxSize) or the size ratio (Resize);
        # with the realised ratio the two rules are 0.5 * |s - 1| px apart
        nominal = r["params"].get("scale")
        ax, ay = (nominal, nominal) if nominal is not None else (sx, sy)
        assert np.abs(ref[:, :2] - start[:, :2] * [ax, ay]).max() < 1e-3
        if nominal is None or (abs(nominal - sx) < 1e-12 and abs(nominal - sy) < 1e-12):
            bound = 0.5 * max(abs(sx - 1), abs(sy - 1)) + 1e-3
            assert np.abs(ref[:, :2] - got[:, :2]).max() <= bound
        # keypoint scales: times max(sx, sy) in both, with albumentations' factors
        assert np.abs(ref[:, 3] - start[:, 3] * max(ax, ay)).max() < 1e-3
        assert np.abs(got[:, 3] - start[:, 3] * max(sx, sy)).max() < 1e-3


@pytest.mark.parametrize("name,kw", [
    ("Resize", dict(height=25, width=30, area_for_downscale="image_mask")),
    ("Resize", dict(height=25, width=60, area_for_downscale="image_mask")),   # shrinks one axis
    ("LongestMaxSize", dict(max_size=30, area_for_downscale="image_mask")),
    ("SmallestMaxSize", dict(max_size=60, area_for_downscale="image_mask")),  # enlarges: nearest
])
def test_area_for_downscale_image_mask_matches_albumentations(name, kw):
    d = _data()
    refs = _alb(getattr(alb, name)(**kw), d)
    ours = _ours(getattr(A, name)(**kw), d, {})
    for i, r in enumerate(refs):
        _close_image(r["image"], ours["image"][i], mean=0.5, peak=2)
        got = ours["mask"][i].numpy()
        differ = r["mask"] != got
        if name == "SmallestMaxSize":  # enlarging: nearest at pixel centres, as any resize
            _check_nearest_exact(d["mask"][i].numpy(), got, got.shape)
            assert differ.mean() < 0.06
        else:  # cv2 INTER_AREA on labels: its fixed point vs our float rounding
            assert differ.mean() < 0.01 and np.abs(r["mask"].astype(np.int64) - got).max() <= 1


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", ["LongestMaxSize", "SmallestMaxSize"])
def test_max_size_sequence_pads_each_draw_into_the_largest_frame(name, dtype):
    choices = [24, 36, 64]
    d = _data(dtype, batch=8)
    refs = _alb(getattr(alb, name)(max_size=choices), d, seed=13)
    scale = _tensor([r["params"]["scale"] for r in refs])
    t = getattr(A, name)(max_size=choices)
    fh, fw = t.output_size((H, W))
    ref_big = _alb(getattr(alb, name)(max_size=64), d)[0]["image"]
    assert (fh, fw) == ref_big.shape[:2]
    ours = _ours(t, d, {"scale": scale})
    fused_off = _ours(getattr(A, name)(max_size=choices), d, {"scale": scale}, fuse=False)
    assert torch.equal(ours["image"], fused_off["image"])
    sizes = set()
    for i, r in enumerate(refs):
        hh, ww = r["image"].shape[:2]
        sizes.add((hh, ww))
        top, left = (fh - hh) // 2, (fw - ww) // 2
        expect = np.zeros((fh, fw, 3), dtype=r["image"].dtype)
        expect[top:top + hh, left:left + ww] = r["image"]
        _close_image(expect, ours["image"][i], mean=0.5, peak=2)
        got_mask = ours["mask"][i].numpy()
        _check_nearest_exact(d["mask"][i].numpy(), got_mask[top:top + hh, left:left + ww], (hh, ww))
        inside = np.zeros((fh, fw), bool)
        inside[top:top + hh, left:left + ww] = True
        assert (got_mask[~inside] == 0).all()
        got = ours["keypoints"][i].double().numpy()
        start = d["keypoints"][i].double().numpy()
        expect_xy = _pixel_centre_points(start, ww / W, hh / H) + [left, top]
        assert np.abs(expect_xy - got[:, :2]).max() < 1e-3
        refb = _rows(r, "bboxes", "bl", 4)
        for j, rows in enumerate(refb):
            if rows is not None:
                shifted = rows[0][:4] + [left, top, left, top]
                assert np.abs(shifted - ours["bboxes"][i, j].double().numpy()).max() < 1e-3
    assert len(sizes) > 1


# ---------------------------------------------------------------------------------------------
# the matrix is the image: feeding it to OpenCV reproduces gpuaug's output
# ---------------------------------------------------------------------------------------------
SEMANTIC = [
    A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0), A.Transpose(p=1.0), A.RandomRotate90(),
    A.Resize(30, 70), A.LongestMaxSize(64), A.SmallestMaxSize(max_size_hw=(30, 50)),
    A.PadIfNeeded(50, 60, position="random", border_mode=cv2.BORDER_REFLECT),
    A.Rotate(limit=45, p=1.0, border_mode=cv2.BORDER_WRAP),
    A.Rotate(limit=45, p=1.0, crop_border=True, interpolation=cv2.INTER_CUBIC),
    A.SafeRotate(p=1.0, fill=(0, 128, 255)),
    A.Affine(scale=(0.7, 1.3), translate_percent=(-0.1, 0.1), rotate=(-30, 30), shear=(-15, 15),
             p=1.0, border_mode=cv2.BORDER_REPLICATE, interpolation=cv2.INTER_NEAREST),
    A.Affine(scale=(0.5, 1.5), balanced_scale=True, rotate=(-40, 40), fit_output=True, p=1.0),
    A.ShiftScaleRotate(p=1.0, border_mode=cv2.BORDER_REFLECT_101),
    A.Perspective(scale=(0.05, 0.15), p=1.0),
    A.Perspective(scale=(0.05, 0.15), fit_output=True, keep_size=False, p=1.0,
                  border_mode=cv2.BORDER_REPLICATE),
]


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("transform", SEMANTIC, ids=lambda t: type(t).__name__)
def test_matrix_fed_to_opencv_reproduces_the_image(transform, dtype):
    d = _data(dtype)
    out = transform(image=d["image"], mask=d["mask"], return_params=True)
    params = Params.of(out["params"], B, "cpu")
    m = transform.placed_matrix(params, (H, W), None).numpy()
    oh, ow = transform.output_size((H, W))
    interp = INTERS[transform.interpolation or "nearest"]
    border = BORDERS[transform.border_mode or "replicate"]
    fill = transform.fill
    for i in range(B):
        img = as_numpy_hwc(d["image"][i])
        value = list(fill if isinstance(fill, tuple) else (fill,) * 3)  # in the image's units
        if transform.projective:
            expect = cv2.warpPerspective(img, m[i], (ow, oh), flags=interp, borderMode=border,
                                         borderValue=value)
        else:
            expect = cv2.warpAffine(img, m[i][:2], (ow, oh), flags=interp, borderMode=border,
                                    borderValue=value)
        # axis-aligned chains are read as cv2.resize reads (exact coordinates), warps on
        # OpenCV's 1/32-pixel grid: within SPEC section 7 either way
        _close_image(expect, out["image"][i], mean=0.5, peak=6)
        mask = cv2.warpAffine(d["mask"][i].numpy().astype(np.uint8), m[i][:2], (ow, oh),
                              flags=cv2.INTER_NEAREST, borderMode=border, borderValue=0) \
            if not transform.projective else \
            cv2.warpPerspective(d["mask"][i].numpy().astype(np.uint8), m[i], (ow, oh),
                                flags=cv2.INTER_NEAREST, borderMode=border, borderValue=0)
        assert (mask != out["mask"][i].numpy()).mean() < 0.01


# ---------------------------------------------------------------------------------------------
# invariants: keypoint angles follow the pixels, boxes follow the drawn box
# ---------------------------------------------------------------------------------------------
ANGLE_CASES = [
    A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0), A.Transpose(p=1.0), A.RandomRotate90(),
    A.Rotate(limit=(20, 70), p=1.0), A.SafeRotate(limit=(30, 80), p=1.0),
    A.Affine(scale={"x": (0.7, 0.8), "y": (1.2, 1.3)}, rotate=(-50, 50), shear=(-20, 20), p=1.0),
    A.ShiftScaleRotate(p=1.0), A.Perspective(scale=(0.1, 0.15), p=1.0), A.Resize(48, 96),
]


@pytest.mark.parametrize("transform", ANGLE_CASES, ids=lambda t: type(t).__name__)
def test_keypoint_angle_points_along_the_warped_segment(transform):
    """Draw a short segment from the keypoint along its angle, warp it, and measure where the
    warped segment points from the returned keypoint: that is the returned angle."""
    size, n = 64, 6
    rng = np.random.default_rng(0)
    images, points = [], []
    for _ in range(n):
        img = np.zeros((size, size), np.float32)
        x, y = rng.uniform(26, 38, 2)
        a = rng.uniform(0, 360)
        end = (x + 12 * math.cos(math.radians(a)), y + 12 * math.sin(math.radians(a)))
        cv2.line(img, (round(x * 16), round(y * 16)), (round(end[0] * 16), round(end[1] * 16)),
                 1.0, 2, cv2.LINE_AA, 4)
        images.append(img)
        points.append([x, y, a, 1.0])
    image = torch.from_numpy(np.stack(images))[:, None]
    keypoints = torch.tensor(points, dtype=torch.float32)[:, None]
    comp = A.Compose([transform], keypoint_params=A.KeypointParams("xyas", remove_invisible=False),
                     seed=1)
    out = comp(image=image, keypoints=keypoints)
    for i in range(n):
        warped = out["image"][i, 0].double().numpy()
        x, y, a = out["keypoints"][i, 0, :3].double().tolist()
        ys, xs = np.mgrid[:warped.shape[0], :warped.shape[1]]
        weight = warped.sum()
        cx, cy = (warped * xs).sum() / weight, (warped * ys).sum() / weight
        measured = math.degrees(math.atan2(cy - y, cx - x))
        assert abs(_angle_diff(measured, a)) < 6.0, (i, measured, a)


def test_albumentations_rotate_angles_do_not_follow_its_own_pixels():
    """The inconsistency gpuaug documents, measured on albumentations' own output: its Rotate
    returns angle + a while the drawn segment turns to angle - a; its RandomRotate90 agrees with
    its pixels (angle - 90 for one counter-clockwise quarter turn)."""
    img = np.zeros((64, 64), np.float32)
    x, y, a = 32.0, 32.0, 10.0
    end = (x + 12 * math.cos(math.radians(a)), y + 12 * math.sin(math.radians(a)))
    cv2.line(img, (round(x * 16), round(y * 16)), (round(end[0] * 16), round(end[1] * 16)),
             1.0, 2, cv2.LINE_AA, 4)
    for transform in (alb.Rotate(limit=(40, 40), p=1.0), alb.RandomRotate90(p=1.0)):
        comp = alb.Compose([transform], keypoint_params=alb.KeypointParams("xyas"), seed=0,
                           save_applied_params=True)
        for _ in range(4):
            r = comp(image=img, keypoints=[(x, y, a, 1.0)])
            applied = r["applied_transforms"][0][1]
            turn = 40.0 if "factor" not in applied else 90.0 * applied["factor"]
            rx, ry, ra = r["keypoints"][0][:3]
            warped = r["image"].astype(np.float64)
            ys, xs = np.mgrid[:warped.shape[0], :warped.shape[1]]
            cx, cy = (warped * xs).sum() / warped.sum(), (warped * ys).sum() / warped.sum()
            measured = math.degrees(math.atan2(cy - ry, cx - rx))
            assert abs(_angle_diff(measured, a - turn)) < 4.0  # the pixels turn by -turn
            expect = a + turn if isinstance(transform, alb.Rotate) else a - turn
            assert abs(_angle_diff(ra, expect)) < 1e-3


BOX_CASES = [
    A.Rotate(limit=(20, 70), p=1.0), A.SafeRotate(limit=(30, 80), p=1.0),
    A.Affine(scale=(0.8, 1.2), rotate=(-50, 50), shear=(-20, 20), p=1.0),
    A.Perspective(scale=(0.1, 0.15), p=1.0), A.LongestMaxSize([40, 64]), A.Transpose(p=1.0),
    A.RandomRotate90(), A.PadIfNeeded(50, 60, position="random"),
]


@pytest.mark.parametrize("transform", BOX_CASES, ids=lambda t: type(t).__name__)
def test_box_is_the_hull_of_the_warped_filled_box(transform):
    """A filled box warped with the image (bilinear coverage) spans the box gpuaug returns."""
    size = (40, 48)
    rng = np.random.default_rng(1)
    n = 6
    x0 = rng.integers(8, 20, n)
    y0 = rng.integers(8, 16, n)
    x1 = x0 + rng.integers(8, 20, n)
    y1 = y0 + rng.integers(6, 16, n)
    image = torch.zeros(n, 1, *size)
    for i in range(n):
        image[i, 0, y0[i]:y1[i], x0[i]:x1[i]] = 1.0
    boxes = torch.tensor(np.stack([x0, y0, x1, y1], -1), dtype=torch.float32)[:, None]
    comp = A.Compose([transform], bbox_params=A.BboxParams("pascal_voc"), seed=2)
    out = comp(image=image, bboxes=boxes)
    for i in range(n):
        cover = out["image"][i, 0].double().numpy()
        cols = np.nonzero(cover.max(0) > 0.5)[0]
        rows = np.nonzero(cover.max(1) > 0.5)[0]
        hull = np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], dtype=np.float64)
        got = out["bboxes"][i, 0].double().numpy()
        assert np.abs(hull - got).max() <= 1.0, (hull, got)


# ---------------------------------------------------------------------------------------------
# sampling rules and configuration errors
# ---------------------------------------------------------------------------------------------
def test_sampling_follows_albumentations_rules():
    size = (40, 48)
    d = {"image": torch.zeros(256, 1, *size)}
    p = A.Affine(translate_percent={"x": (-0.2, 0.2)}, scale=(0.5, 2.0), balanced_scale=True,
                 shear={"y": 5.0}, p=1.0, seed=0)(**d, return_params=True)["params"]
    t = p["translate"]
    assert torch.equal(t, t.trunc()) and t[:, 0].abs().max() <= 0.2 * 48 and (t[:, 1] == 0).all()
    below = (p["scale"] < 1).double().mean(0)
    assert ((below > 0.4) & (below < 0.6)).all()
    assert (p["shear"][:, 0] == 0).all() and (p["shear"][:, 1] == 5).all()
    k = A.RandomRotate90(seed=0)(**d, return_params=True)["params"]["factor"]
    assert torch.bincount(k, minlength=4).min() > 40
    a = A.Rotate(limit=30, p=1.0, seed=0)(**d, return_params=True)["params"]["angle"]
    assert a.min() >= -30 and a.max() <= 30 and a.min() < -25 and a.max() > 25
    pts = A.Perspective(scale=0.5, p=1.0, seed=0)(**d, return_params=True)["params"]["points"]
    jitter_x = torch.stack([pts[:, 0, 0], 48 - pts[:, 1, 0], 48 - pts[:, 2, 0], pts[:, 3, 0]]) / 48
    jitter_y = torch.stack([pts[:, 0, 1], pts[:, 1, 1], 40 - pts[:, 2, 1], 40 - pts[:, 3, 1]]) / 40
    assert (jitter_x >= -1e-6).all() and (jitter_x < 0.32 + 1e-6).all()
    assert (jitter_y >= -1e-6).all() and (jitter_y < 0.32 + 1e-6).all()
    s = A.LongestMaxSize([24, 64], seed=0)(**d, return_params=True)["params"]["scale"]
    assert set(s.tolist()) == {24 / 48, 64 / 48}


@pytest.mark.parametrize("build,match", [
    (lambda: A.Rotate(rotate_method="ellipse"), "ellipse"),
    (lambda: A.Affine(rotate_method="ellipse"), "ellipse"),
    (lambda: A.Rotate(interpolation=cv2.INTER_LANCZOS4), "interpolation"),
    (lambda: A.Affine(translate_percent=0.1, translate_px=3), "translate"),
    (lambda: A.Affine(scale={"x": (0.5, 1)}, keep_ratio=True), "keep_ratio"),
    (lambda: A.Affine(scale={"z": 1}), "scale"),
    (lambda: A.PadIfNeeded(min_height=32, pad_height_divisor=8), "min_height"),
    (lambda: A.PadIfNeeded(position="middle"), "position"),
    (lambda: A.LongestMaxSize(), "max_size"),
    (lambda: A.SmallestMaxSize(max_size=10, max_size_hw=(10, 10)), "max_size"),
    (lambda: A.LongestMaxSize(max_size_hw=(None, None)), "max_size_hw"),
    (lambda: A.Resize(10, 10, area_for_downscale="mask"), "area_for_downscale"),
    (lambda: A.ShiftScaleRotate(shift_limit=2), "shift_limit"),
    (lambda: A.Perspective(scale=-0.1), "scale"),
    (lambda: A.Rotate(limit=(30, 10)), "limit"),
])
def test_configuration_errors_name_the_argument(build, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build()


def test_albumentations_signatures_are_ported():
    """Every albumentations argument exists with the same default (plus same_on_batch, seed)."""
    import inspect
    for name in A.transforms.geometric.__all__:
        ours = inspect.signature(getattr(A, name)).parameters
        theirs = inspect.signature(getattr(alb, name)).parameters
        for arg, param in theirs.items():
            assert arg in ours, (name, arg)
            assert ours[arg].default == param.default, (name, arg, ours[arg].default, param.default)
        assert list(ours)[-2:] == ["same_on_batch", "seed"], name


@pytest.mark.parametrize("interpolation", [cv2.INTER_NEAREST, cv2.INTER_LINEAR, cv2.INTER_CUBIC])
def test_uint8_fill_out_of_range_is_saturated_before_blending(interpolation):
    """OpenCV takes the border value in the image's type (300 is 255 for uint8) before it
    interpolates; so does the warp (it once blended 300 into the edge pixels: 225 for 191)."""
    img = np.random.default_rng(0).integers(0, 256, (12, 12, 3), dtype=np.uint8)
    m = cv2.getRotationMatrix2D((5.5, 5.5), 30, 1.0)
    warps = {fill: cv2.warpAffine(img, m, (12, 12), flags=interpolation,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=(fill,) * 3)
             for fill in (255, 300)}
    assert np.array_equal(warps[255], warps[300])  # OpenCV's rule
    x = torch.from_numpy(img).permute(2, 0, 1)[None]
    outs = [A.Affine(rotate=(30, 30), interpolation=interpolation, fill=fill, p=1.0, seed=1)(x)
            for fill in (255, 300, (255, 255, 300))]
    assert torch.equal(outs[0], outs[1]) and torch.equal(outs[0], outs[2])

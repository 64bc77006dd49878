"""Blur family against OpenCV and albumentations 2.0.8, with the references' own parameters.

Each sample of a batch gets its own parameters; each is compared with its own OpenCV /
albumentations call. Parameters come from albumentations (``save_applied_params=True``) and are
replayed through gpuaug's transforms (``params=``), or are passed to both sides explicitly.
Tolerance (SPEC §7): blurs within one level for uint8 (OpenCV's uint8 Gaussian is fixed-point);
float results within a small fraction of a level.
"""
from __future__ import annotations

import math
import random
import warnings
from collections import Counter

import albumentations as alb
import cv2
import numpy as np
import pytest
import torch
from albumentations.augmentations.blur import functional as alb_blur

import gpuaug as A
from gpuaug import functional as F
from gpuaug.functional import blur as FB
from tests.conftest import as_numpy_hwc, sample_batch

FLOAT_TOL = 1e-3      # a quarter of a level, in [0, 1] units
UINT8_TOL = 1


# ---------------------------------------------------------------------------------------------
# inputs and helpers
# ---------------------------------------------------------------------------------------------
def _images(kind: str, dtype: str, batch: int = 6, size=(37, 45), seed: int = 0) -> torch.Tensor:
    """natural: generated photos with hard-edged objects; noise: uniform per-pixel noise."""
    if kind == "natural":
        x = sample_batch(batch, size, objects=2, seed=seed)["image"]
    else:
        g = torch.Generator().manual_seed(seed)
        x = torch.randint(0, 256, (batch, 3, *size), dtype=torch.uint8, generator=g)
    return x if dtype == "uint8" else x.float() / 255


def _check(ours: torch.Tensor, ref: np.ndarray, dtype: str, what: str = "",
           float_tol: float = FLOAT_TOL):
    """One sample: ours (C, H, W) tensor vs the reference (H, W, C) array."""
    a = as_numpy_hwc(ours).astype(np.float64)
    b = np.asarray(ref, dtype=np.float64).reshape(a.shape)
    err = np.abs(a - b).max()
    tol = UINT8_TOL if dtype == "uint8" else float_tol
    assert err <= tol, f"{what}: max |ours - reference| = {err} > {tol}"
    return err


def _albu(transform, image: np.ndarray, seed: int):
    """Run one albumentations transform (p=1) on one image; return (output, applied params)."""
    out = alb.Compose([transform], save_applied_params=True, seed=seed)(image=image)
    (name, params), = out["applied_transforms"]
    return out["image"], params


def _clip(ref: np.ndarray, dtype: str) -> np.ndarray:
    return np.clip(ref, 0, 255 if dtype == "uint8" else 1)


DTYPES = ["uint8", "float32"]
KINDS = ["natural", "noise"]


# ---------------------------------------------------------------------------------------------
# functional gaussian_blur (SPEC §7) against cv2.GaussianBlur
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kernel_size,sigma", [(3, 0.8), (5, 1.2), (9, 2.5), (15, 1.0),
                                               (3, 0.0), (5, 0.0), (7, 0.0), (11, 0.0),
                                               (0, 0.6), (0, 1.7), (0, 3.0)])
def test_functional_gaussian_blur_matches_opencv(kind, dtype, kernel_size, sigma):
    x = _images(kind, dtype)
    out = F.gaussian_blur(x, kernel_size, sigma)
    k = kernel_size or alb_blur.create_gaussian_kernel_1d(sigma).size   # albumentations' rule
    for i in range(x.shape[0]):
        ref = cv2.GaussianBlur(as_numpy_hwc(x[i]), (k, k), sigma,
                               borderType=cv2.BORDER_REFLECT_101)
        _check(out[i], ref, dtype, f"k={kernel_size} sigma={sigma} sample {i}")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kernel_size,sigma", [(3, 0.8), (5, 1.2), (7, 0.0), (9, 2.5),
                                               (11, 0.0), (15, 1.0), (0, 1.7)])
def test_functional_gaussian_blur_uint8_is_bit_exact(kind, kernel_size, sigma):
    """uint8 images: OpenCV's 8-bit fixed-point taps make every product and partial sum a
    multiple of 2^-16 below 256, exact in float32, whether the kernel runs as one k x k pass
    (up to 9 taps, eager on the CPU) or as two 1-D passes: every value equals OpenCV's."""
    x = _images(kind, "uint8")
    out = F.gaussian_blur(x, kernel_size, sigma)
    k = kernel_size or alb_blur.create_gaussian_kernel_1d(sigma).size
    for i in range(x.shape[0]):
        ref = cv2.GaussianBlur(as_numpy_hwc(x[i]), (k, k), sigma,
                               borderType=cv2.BORDER_REFLECT_101)
        assert np.array_equal(as_numpy_hwc(out[i]), ref), (k, sigma, i)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kernel_size", [0, 7])
def test_functional_gaussian_blur_per_sample_sigma(dtype, kernel_size):
    x = _images("natural", dtype)
    sigma = torch.tensor([0.3, 0.9, 1.4, 2.2, 0.55, 1.0])
    for bound in (None, 21):
        out = F.gaussian_blur(x, kernel_size, sigma, max_kernel_size=bound)
        for i in range(x.shape[0]):
            s = float(sigma[i])
            k = kernel_size or int(s * 3.5) * 2 + 1
            ref = cv2.GaussianBlur(as_numpy_hwc(x[i]), (k, k), s,
                                   borderType=cv2.BORDER_REFLECT_101)
            _check(out[i], ref, dtype, f"sample {i} sigma={s}")


@pytest.mark.parametrize("size,k,border", [((37, 45), 7, "reflect_101"), ((9, 5), 7, "reflect_101"),
                                           ((3, 4), 7, "reflect_101"), ((6, 13), 5, "replicate"),
                                           ((10, 10), 1, "reflect_101"), ((2, 7), 3, "replicate"),
                                           ((20, 17), 5, "shared")])
def test_compiled_separable_pass_matches_opencv(size, k, border):
    """The traced form of the separable filter (inner lines from the image, edge lines from thin
    padded strips, joined) against cv2.sepFilter2D per sample and channel, per-sample taps;
    sizes where the image has no inner lines or is narrower than the kernel included."""
    g = torch.Generator().manual_seed(k)
    x = torch.rand(3, 2, *size, generator=g)
    taps = torch.rand(3, k, generator=g)
    if border == "shared":  # one 1-D kernel for the whole batch
        border, taps = "reflect_101", taps[0]
    traced = torch.compile(lambda x, t: FB._separable(x, t, border), backend="aot_eager",
                           fullgraph=True)
    out = traced(x, taps)
    cv_border = {"reflect_101": cv2.BORDER_REFLECT_101, "replicate": cv2.BORDER_REPLICATE}[border]
    for i in range(3):
        kernel = (taps if taps.dim() == 1 else taps[i]).numpy()
        for c in range(2):
            ref = cv2.sepFilter2D(x[i, c].numpy(), -1, kernel, kernel, borderType=cv_border)
            np.testing.assert_allclose(out[i, c].numpy(), ref, atol=1e-5, err_msg=f"{i},{c}")


@pytest.mark.parametrize("size,kernel_shape,border", [
    ((37, 45), (6, 3, 3), "reflect_101"), ((9, 5), (6, 2, 5, 5), "reflect_101"),
    ((3, 4), (5, 5), "reflect_101"), ((6, 13), (6, 5, 3), "replicate"),
    ((8, 7), (1, 4, 4), "reflect_101"), ((6, 2), (6, 5, 5), "reflect_101"),
    ((12, 11), (6, 7, 7), "reflect_101")])
def test_compiled_filter2d_matches_opencv(size, kernel_shape, border):
    """The traced 2-D filter (shifted multiply-adds for small kernels, the grouped convolution
    for larger ones) against cv2.filter2D per sample and channel: shared, per-sample and
    per-channel kernels, an even kernel (OpenCV's anchor), images narrower than the kernel."""
    g = torch.Generator().manual_seed(len(kernel_shape))
    x = torch.rand(6, 2, *size, generator=g)
    kernel = torch.rand(*kernel_shape, generator=g) - 0.3
    traced = torch.compile(lambda x, k: FB._filter2d(x, k, border), backend="aot_eager",
                           fullgraph=True)
    out = traced(x, kernel)
    cv_border = {"reflect_101": cv2.BORDER_REFLECT_101, "replicate": cv2.BORDER_REPLICATE}[border]
    for i in range(6):
        for c in range(2):
            k = kernel if kernel.dim() == 2 else kernel[i % kernel.shape[0]]
            k = k if k.dim() == 2 else k[c]
            ref = cv2.filter2D(x[i, c].numpy(), -1, k.numpy(), borderType=cv_border)
            np.testing.assert_allclose(out[i, c].numpy(), ref, atol=1e-5, err_msg=f"{i},{c}")


def test_functional_gaussian_blur_forms_and_errors():
    x = _images("natural", "uint8", batch=2)
    one = F.gaussian_blur(x[0], 5, 1.0)
    assert one.shape == x[0].shape and one.dtype == torch.uint8
    assert torch.equal(one, F.gaussian_blur(x, 5, 1.0)[0])
    # a kernel wider than the image: OpenCV folds the reflection again
    small = x[:, :, :5, :6].contiguous()
    out = F.gaussian_blur(small, 13, 3.0)
    for i in range(2):
        ref = cv2.GaussianBlur(as_numpy_hwc(small[i]), (13, 13), 3.0,
                               borderType=cv2.BORDER_REFLECT_101)
        _check(out[i], ref, "uint8", "kernel wider than the image")
    with pytest.raises(ValueError, match="kernel_size"):
        F.gaussian_blur(x, 4, 1.0)
    with pytest.raises(ValueError, match="kernel_size"):
        F.gaussian_blur(x, -3, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        F.gaussian_blur(x, 5, torch.ones(3))
    assert "gaussian_blur" in F.__all__


def test_functional_box_and_median_match_opencv():
    for dtype in DTYPES:
        x = _images("noise", dtype)
        sizes = torch.tensor([3, 5, 7, 3, 9, 5])
        box = F.box_blur(x, sizes, max_kernel_size=9)
        med = F.median_blur(x, sizes, max_kernel_size=9)
        for i in range(x.shape[0]):
            k = int(sizes[i])
            img = as_numpy_hwc(x[i])
            _check(box[i], cv2.blur(img, (k, k)), dtype, f"box k={k}")
            if dtype == "uint8":
                _check(med[i], cv2.medianBlur(img, k), dtype, f"median k={k}")


# ---------------------------------------------------------------------------------------------
# GaussianBlur
# ---------------------------------------------------------------------------------------------
def _sigma_from_kernel(kernel: np.ndarray) -> float:
    """Recover sigma from albumentations' 1D kernel: g[c + 1] / g[c] = exp(-1 / (2 sigma^2))."""
    c = kernel.size // 2
    if kernel.size == 1:
        return 1.0
    ratio = kernel[c + 1] / kernel[c]
    return math.sqrt(-0.5 / math.log(ratio)) if ratio > 0 else 1e-3


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kwargs", [dict(), dict(blur_limit=(3, 8), sigma_limit=(0.3, 2.5)),
                                    dict(blur_limit=(0, 9), sigma_limit=1.8)])
def test_gaussian_blur_replays_albumentations(kind, dtype, kwargs):
    x = _images(kind, dtype)
    refs, sigmas, sizes = [], [], []
    for i in range(x.shape[0]):
        ref, params = _albu(alb.GaussianBlur(p=1.0, **kwargs), as_numpy_hwc(x[i]), seed=10 + i)
        refs.append(ref)
        sizes.append(params["kernel"].size)
        sigmas.append(_sigma_from_kernel(params["kernel"]))
    assert len(set(zip(sizes, sigmas))) > 1, "the batch should mix parameters"
    aug = A.GaussianBlur(p=1.0, **kwargs)
    params = {"sigma": torch.tensor(sigmas, dtype=torch.float32),
              "kernel_size": torch.tensor(sizes)}
    out = aug(image=x, params=params)["image"]
    for i in range(x.shape[0]):
        _check(out[i], refs[i], dtype, f"sample {i}: k={sizes[i]} sigma={sigmas[i]:.3f}")


def test_gaussian_blur_sampling_matches_albumentations():
    n = 6000
    kwargs = dict(blur_limit=(3, 8), sigma_limit=(0.4, 2.0))
    ref = alb.GaussianBlur(p=1.0, **kwargs)
    ref.set_random_seed(0)
    ref_sizes, ref_sigmas = [], []
    for _ in range(n):
        kernel = ref.get_params_dependent_on_data({}, {})["kernel"]
        ref_sizes.append(kernel.size)
        ref_sigmas.append(_sigma_from_kernel(kernel))
    params = A.GaussianBlur(p=1.0, seed=0, **kwargs)(
        image=torch.zeros(n, 1, 4, 4), return_params=True)["params"]
    ours = Counter(params["kernel_size"].tolist())
    theirs = Counter(ref_sizes)
    assert set(ours) == set(theirs) == {3, 5, 7, 9}     # randint(3, 8), even sizes + 1
    for k in theirs:
        assert abs(ours[k] / n - theirs[k] / n) < 0.03, (k, ours, theirs)
    sig = params["sigma"].double()
    assert sig.min() >= 0.4 and sig.max() <= 2.0
    assert abs(sig.mean().item() - np.mean(ref_sigmas)) < 0.03
    # blur_limit = 0: the size follows sigma by PIL's rule
    params = A.GaussianBlur(p=1.0, seed=1)(image=torch.zeros(500, 1, 4, 4),
                                           return_params=True)["params"]
    expected = [int(s * 3.5) * 2 + 1 for s in params["sigma"].double().tolist()]
    assert params["kernel_size"].tolist() == expected


# ---------------------------------------------------------------------------------------------
# Blur, MedianBlur
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["Blur", "MedianBlur"])
def test_box_and_median_replay_albumentations(name, kind, dtype):
    x = _images(kind, dtype)
    blur_limit = (3, 11)
    refs, sizes = [], []
    for i in range(x.shape[0]):
        ref, params = _albu(getattr(alb, name)(blur_limit=blur_limit, p=1.0),
                            as_numpy_hwc(x[i]), seed=20 + i)
        refs.append(ref)
        sizes.append(params["kernel"])
    assert len(set(sizes)) > 1
    out = getattr(A, name)(blur_limit=blur_limit, p=1.0)(
        image=x, params={"kernel_size": torch.tensor(sizes)})["image"]
    # albumentations' float median rounds to uint8 and back: within half a level + float error
    tol = 0.5 / 255 + 1e-6 if name == "MedianBlur" else FLOAT_TOL
    for i in range(x.shape[0]):
        _check(out[i], refs[i], dtype, f"{name} sample {i} k={sizes[i]}", float_tol=tol)


def test_median_network_matches_the_windowed_median():
    """The CPU's selection networks against the materialised-window median (the CUDA path):
    mixed sizes with k = 1, heavy ties, non-integer floats, an image narrower than the window."""
    from gpuaug.functional.blur import _median_blur, _median_by_sort, _pad
    g = torch.Generator().manual_seed(5)
    ks = torch.tensor([1, 3, 5, 7, 9, 9, 3])
    for x in (torch.randint(0, 4, (7, 2, 23, 19), generator=g).float() * 0.25,
              torch.rand(7, 3, 16, 21, generator=g), torch.rand(7, 1, 6, 5, generator=g)):
        expected = _median_by_sort(_pad(x, 4, 4, 4, 4, "replicate"), ks, 9)
        assert torch.equal(_median_blur(x, ks, 9), expected)
        assert torch.equal(_median_blur(x[4:6], 9, 9), expected[4:6])


def test_median_blur_filters_uint8_as_uint8_and_only_its_sizes():
    """uint8 images are filtered in uint8 (the same values as the float path, no float planes);
    only the sizes of blur_limit (and 1, for skipped samples) are computed."""
    from benchmarks.opcount import count
    from gpuaug.functional.blur import _median_by_sort, _pad
    x = torch.randint(0, 256, (6, 3, 17, 19), generator=torch.Generator().manual_seed(2),
                      dtype=torch.uint8)
    sizes = torch.tensor([1, 5, 7, 5, 1, 7])
    out = A.MedianBlur(blur_limit=(5, 7), p=1.0)(image=x, params={"kernel_size": sizes})["image"]
    expected = _median_by_sort(_pad(x.float(), 3, 3, 3, 3, "replicate"), sizes, 7)
    assert out.dtype == torch.uint8 and torch.equal(out, expected.to(torch.uint8))
    five, three_to_five = (count(lambda: A.MedianBlur(blur_limit=limit, p=1.0)(x))
                           for limit in ((5, 5), (3, 5)))
    assert five.kernels < three_to_five.kernels
    assert five.bytes_written < 200 * x.numel()  # ~150 uint8 planes (float32 would be ~600)


@pytest.mark.parametrize("cls", [A.Blur, A.MedianBlur, A.MotionBlur])
def test_odd_kernel_sampling(cls):
    n = 4000
    params = cls(blur_limit=(3, 9), p=1.0, seed=3)(image=torch.zeros(n, 1, 10, 10),
                                                   return_params=True)["params"]
    counts = Counter(params["kernel_size"].tolist())
    assert set(counts) == {3, 5, 7, 9}
    for k in counts:     # albumentations' sample_odd_from_range: uniform over the odd sizes
        assert abs(counts[k] / n - 0.25) < 0.03, counts


def test_blur_limit_adjustments_follow_albumentations():
    with pytest.warns(UserWarning, match="blur_limit"):
        aug = A.Blur(blur_limit=(2, 8))
    assert aug.blur_limit == (3, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert A.MedianBlur(blur_limit=5).blur_limit == (3, 5)
    with pytest.raises(ValueError, match="blur_limit"):
        A.Blur(blur_limit=(9, 3))
    with pytest.raises(TypeError, match="blur_limit"):
        A.MotionBlur(blur_limit=3.5)


# ---------------------------------------------------------------------------------------------
# MotionBlur
# ---------------------------------------------------------------------------------------------
def _centred(kernel: np.ndarray, size: int) -> torch.Tensor:
    k = kernel.shape[0]
    out = torch.zeros(size, size)
    o = (size - k) // 2
    out[o:o + k, o:o + k] = torch.from_numpy(kernel)
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_motion_blur_replays_albumentations_kernel(kind, dtype):
    x = _images(kind, dtype)
    blur_limit = (3, 13)
    refs, kernels = [], []
    for i in range(x.shape[0]):
        ref, params = _albu(alb.MotionBlur(blur_limit=blur_limit, p=1.0), as_numpy_hwc(x[i]),
                            seed=30 + i)
        refs.append(ref)
        kernels.append(_centred(params["kernel"], 13))
    out = A.MotionBlur(blur_limit=blur_limit, p=1.0)(
        image=x, params={"kernel": torch.stack(kernels)})["image"]
    for i in range(x.shape[0]):
        _check(out[i], refs[i], dtype, f"sample {i}")


class _Uniforms:
    """Stands in for albumentations' random.Random: hands out given uniforms in order."""

    def __init__(self, values):
        self.values = list(values)

    def uniform(self, a, b):
        return a + (b - a) * self.values.pop(0)


def test_motion_kernel_draws_as_albumentations():
    """Same (size, angle, direction, shift) -> the same kernel as create_motion_kernel, including
    exact ties of the rounding (integer angles, halves in direction and shift)."""
    rng = np.random.default_rng(0)
    n, size = 3000, 15
    k = 3 + 2 * rng.integers(0, 7, n)
    angle = rng.uniform(0, 360, n)
    angle[:300] = rng.choice([0, 30, 45, 90, 135, 180, 225, 270, 360], 300)
    direction = rng.uniform(-1, 1, n)
    direction[300:600] = rng.choice([-1, -0.5, 0, 0.5, 1], 300)
    u = rng.random((n, 2))
    u[600:900] = rng.choice([0, 0.25, 0.5, 0.75], (300, 2))
    shift = (2 * u - 1) * (k // 2)[:, None] / 2
    ours = FB.motion_kernel(torch.from_numpy(k), torch.from_numpy(angle),
                            torch.from_numpy(direction), torch.from_numpy(shift), size)
    assert torch.allclose(ours.sum((-2, -1)), torch.ones(n))
    for i in range(n):
        ref = alb_blur.create_motion_kernel(int(k[i]), float(angle[i]), float(direction[i]),
                                            True, _Uniforms(u[i]))
        ref = _centred(ref / ref.sum(), size)
        assert torch.allclose(ours[i], ref, atol=1e-7), (k[i], angle[i], direction[i], u[i])
    # without shifts
    zero = torch.zeros(n, 2, dtype=torch.float64)
    ours = FB.motion_kernel(torch.from_numpy(k), torch.from_numpy(angle),
                            torch.from_numpy(direction), zero, size)
    for i in range(0, n, 7):
        ref = alb_blur.create_motion_kernel(int(k[i]), float(angle[i]), float(direction[i]),
                                            False, random.Random(0))
        assert torch.allclose(ours[i], _centred(ref / ref.sum(), size), atol=1e-7)


def _pattern(kernel: np.ndarray) -> tuple:
    return tuple(np.flatnonzero(np.asarray(kernel) > 0))


@pytest.mark.parametrize("allow_shifted", [True, False])
def test_motion_blur_kernel_distribution_matches_albumentations(allow_shifted):
    n = 5000
    kwargs = dict(blur_limit=(3, 5), allow_shifted=allow_shifted, angle_range=(0, 360),
                  direction_range=(-1.0, 1.0))
    def albumentations_kernels(seed):
        ref = alb.MotionBlur(p=1.0, **kwargs)
        ref.set_random_seed(seed)
        return [ref.get_params()["kernel"] for _ in range(n)]

    theirs, theirs_again = albumentations_kernels(0), albumentations_kernels(1)
    params = A.MotionBlur(p=1.0, seed=0, **kwargs)(image=torch.zeros(n, 1, 8, 8),
                                                   return_params=True)["params"]
    kernels = params["kernel"]
    assert torch.allclose(kernels.sum((-2, -1)), torch.ones(n), atol=1e-6)
    assert kernels.min() >= 0
    # the draws themselves
    k = params["kernel_size"]
    assert set(k.tolist()) == {3, 5}
    assert abs(params["angle"].mean().item() - 180) < 6
    assert params["angle"].min() >= 0 and params["angle"].max() <= 360
    assert params["direction"].abs().max() <= 1 and abs(params["direction"].mean()) < 0.03
    half = (k // 2).double()[:, None] / 2
    shift = params["shift"]
    if allow_shifted:
        assert (shift.abs() <= half).all() and (shift / half).abs().mean().sub(0.5).abs() < 0.02
    else:
        assert (shift == 0).all()
    # the kernels: the same distribution of patterns (per size) as albumentations', as close to
    # it as a second albumentations run is (sampling noise: hundreds of patterns at size 5)
    def patterns(kernels, size):
        return Counter(_pattern(t) for t in kernels if t.shape[0] == size)

    def tv(a, b):
        m, r = sum(a.values()), sum(b.values())
        return 0.5 * sum(abs(a[p] / m - b[p] / r) for p in set(a) | set(b))

    def centroid(counter, size):
        total = sum(counter.values())
        return sum(c * np.mean([divmod(i, size) for i in p], axis=0)
                   for p, c in counter.items()) / total

    for size in (3, 5):
        o = (5 - size) // 2
        mine = Counter(_pattern(kernels[i, o:o + size, o:o + size].numpy())
                       for i in range(n) if k[i] == size)
        ref_p, ref_again = patterns(theirs, size), patterns(theirs_again, size)
        m, r = sum(mine.values()), sum(ref_p.values())
        assert abs(m - r) / n < 0.04
        noise = tv(ref_again, ref_p)
        assert tv(mine, ref_p) < 1.25 * noise + 0.03, (size, tv(mine, ref_p), noise)
        taps_m = sum(len(p) * c for p, c in mine.items()) / m
        taps_r = sum(len(p) * c for p, c in ref_p.items()) / r
        assert abs(taps_m - taps_r) < 0.1, (size, taps_m, taps_r)
        assert np.abs(centroid(mine, size) - centroid(ref_p, size)).max() < 0.05


# ---------------------------------------------------------------------------------------------
# Defocus, ZoomBlur
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_defocus_replays_albumentations(kind, dtype):
    x = _images(kind, dtype, size=(41, 47))
    radius, alias = (1, 12), (0.0, 0.6)
    refs, radii, sigmas = [], [], []
    for i in range(x.shape[0]):
        ref, params = _albu(alb.Defocus(radius=radius, alias_blur=alias, p=1.0),
                            as_numpy_hwc(x[i]), seed=40 + i)
        refs.append(ref)
        radii.append(params["radius"])
        sigmas.append(params["alias_blur"])
    # cover the 5-tap alias blur (radius > 8) and the edge of the 17 x 17 grid (radius 8)
    extra = [(8, 0.4), (11, 0.5), (12, 0.0)]
    for j, (r, s) in enumerate(extra):
        refs[j] = alb_blur.defocus(as_numpy_hwc(x[j]), r, s)
        radii[j], sigmas[j] = r, s
    out = A.Defocus(radius=radius, alias_blur=alias, p=1.0)(
        image=x, params={"radius": torch.tensor(radii),
                         "alias_blur": torch.tensor(sigmas, dtype=torch.float32)})["image"]
    for i in range(x.shape[0]):
        _check(out[i], _clip(refs[i], dtype), dtype,
               f"sample {i}: radius={radii[i]} alias_blur={sigmas[i]:.3f}")


def test_defocus_kernel_matches_albumentations():
    """The kernel itself: albumentations' defocus of a centred delta is the (symmetric) kernel."""
    size = 31
    delta = np.zeros((size, size), np.float32)
    delta[size // 2, size // 2] = 1
    cases = [(1, 0.1), (3, 0.0), (8, 0.3), (9, 0.45), (12, 0.2), (12, 0.0)]
    r = torch.tensor([c[0] for c in cases])
    s = torch.tensor([c[1] for c in cases], dtype=torch.float32)
    ours = FB.defocus_kernel(r, s, 12)                                     # (B, 25, 25)
    for i, (radius, sigma) in enumerate(cases):
        ref = alb_blur.defocus(delta, radius, sigma)[3:-3, 3:-3]
        assert np.abs(ours[i].numpy() - ref).max() < 1e-6, (radius, sigma)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_zoom_blur_replays_albumentations(kind, dtype):
    x = _images(kind, dtype, size=(39, 50))
    kwargs = dict(max_factor=(1.0, 1.4), step_factor=(0.01, 0.05))
    aug = A.ZoomBlur(p=1.0, **kwargs)
    width = aug._count
    refs, factors = [], torch.zeros(x.shape[0], width, dtype=torch.float64)
    for i in range(x.shape[0]):
        ref, params = _albu(alb.ZoomBlur(p=1.0, **kwargs), as_numpy_hwc(x[i]), seed=50 + i)
        refs.append(ref)
        z = params["zoom_factors"]
        assert z.size <= width
        factors[i, :z.size] = torch.from_numpy(z)
    out = aug(image=x, params={"zoom_factors": factors})["image"]
    for i in range(x.shape[0]):
        _check(out[i], refs[i], dtype, f"sample {i}: {int((factors[i] > 0).sum())} factors")


def test_zoom_blur_sampling_matches_albumentations():
    n = 4000
    kwargs = dict(max_factor=(1.0, 1.31), step_factor=(0.01, 0.03))
    ref = alb.ZoomBlur(p=1.0, **kwargs)
    ref.set_random_seed(0)
    theirs = [ref.get_params()["zoom_factors"] for _ in range(n)]
    z = A.ZoomBlur(p=1.0, seed=0, **kwargs)(image=torch.zeros(n, 1, 6, 6),
                                            return_params=True)["params"]["zoom_factors"]
    used = z > 0
    counts = used.sum(1).double()
    assert (z[:, 0] == 1.0).all()                                   # arange starts at 1.0
    assert counts.min() >= 1
    assert abs(counts.mean().item() - np.mean([t.size for t in theirs])) < 0.4
    top = torch.where(used, z, 0).amax(1)
    assert abs(top.mean().item() - np.mean([t.max() for t in theirs])) < 0.005
    # each row is np.arange(1, max, step): equal increments (numpy's (1 + step) - 1)
    for i in range(0, n, 97):
        row = z[i, used[i]].numpy()
        if row.size > 1:
            step = row[1] - 1.0
            assert np.array_equal(row, 1.0 + np.arange(row.size) * step)


# ---------------------------------------------------------------------------------------------
# Sharpen, Emboss
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_sharpen_kernel_replays_albumentations(kind, dtype):
    x = _images(kind, dtype)
    refs, alphas, lights = [], [], []
    for i in range(x.shape[0]):
        ref, params = _albu(alb.Sharpen(alpha=(0.1, 0.9), lightness=(0.2, 1.5), p=1.0),
                            as_numpy_hwc(x[i]), seed=60 + i)
        refs.append(ref)
        a, m = params["alpha"], params["sharpening_matrix"]
        alphas.append(a)
        lights.append((m[1, 1] - (1 - a)) / a - 8)          # centre = (1 - a) + a (8 + l)
    out = A.Sharpen(alpha=(0.1, 0.9), lightness=(0.2, 1.5), p=1.0)(
        image=x, params={"alpha": torch.tensor(alphas, dtype=torch.float32),
                         "lightness": torch.tensor(lights, dtype=torch.float32)})["image"]
    for i in range(x.shape[0]):
        # albumentations leaves float results outside [0, 1]; gpuaug saturates
        _check(out[i], _clip(refs[i], dtype), dtype, f"sample {i}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_sharpen_gaussian(kind, dtype):
    x = _images(kind, dtype)
    alphas = torch.tensor([0.1, 0.3, 0.5, 0.7, 0.9, 0.2])
    out = A.Sharpen(method="gaussian", kernel_size=7, sigma=1.3, p=1.0)(
        image=x, params={"alpha": alphas})["image"]
    for i in range(x.shape[0]):
        a = float(alphas[i])
        img = as_numpy_hwc(x[i])
        if dtype == "float32":   # albumentations' own call (exact in float)
            ref = alb.augmentations.pixel.functional.sharpen_gaussian(img, a, 7, 1.3)
        else:                    # the unsharp-mask formula on OpenCV's uint8 blur, in float
            blurred = cv2.GaussianBlur(img, (7, 7), sigmaX=1.3, sigmaY=1.3).astype(np.float64)
            ref = np.clip(img + a * (img - blurred), 0, 255)
        _check(out[i], ref, dtype, f"sample {i}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_emboss_replays_albumentations(kind, dtype):
    x = _images(kind, dtype)
    refs, alphas, strengths = [], [], []
    for i in range(x.shape[0]):
        ref, params = _albu(alb.Emboss(alpha=(0.1, 1.0), strength=(0.1, 1.5), p=1.0),
                            as_numpy_hwc(x[i]), seed=70 + i)
        refs.append(ref)
        m = params["emboss_matrix"].astype(np.float64)
        a = m[2, 2] + m[0, 1]                               # a (1 + s) - a s
        alphas.append(a)
        strengths.append(-m[0, 1] / a)
    out = A.Emboss(alpha=(0.1, 1.0), strength=(0.1, 1.5), p=1.0)(
        image=x, params={"alpha": torch.tensor(alphas, dtype=torch.float32),
                         "strength": torch.tensor(strengths, dtype=torch.float32)})["image"]
    for i in range(x.shape[0]):
        _check(out[i], _clip(refs[i], dtype), dtype, f"sample {i}")


# ---------------------------------------------------------------------------------------------
# p, neutral parameters, configuration errors
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls,kwargs", [
    (A.GaussianBlur, {}), (A.MotionBlur, {}), (A.MedianBlur, {}), (A.Blur, {}), (A.Defocus, {}),
    (A.ZoomBlur, dict(max_factor=(1.2, 1.3))), (A.Sharpen, {}), (A.Emboss, {})])
def test_skipped_samples_unchanged_applied_samples_changed(cls, kwargs):
    x = _images("natural", "uint8", batch=16)
    out = cls(p=0.5, seed=5, **kwargs)(image=x, return_params=True)
    applied = out["params"]["apply"]
    assert 0 < int(applied.sum()) < 16
    for i in range(16):
        same = torch.equal(out["image"][i], x[i])
        assert same != bool(applied[i]), f"sample {i}: applied={bool(applied[i])}"


@pytest.mark.parametrize("build,arg", [
    (lambda: A.GaussianBlur(blur_limit=(7, 3)), "blur_limit"),
    (lambda: A.GaussianBlur(blur_limit=-1), "blur_limit"),
    (lambda: A.GaussianBlur(sigma_limit=(-1.0, 2.0)), "sigma_limit"),
    (lambda: A.GaussianBlur(sigma_limit=(2.0, 1.0)), "sigma_limit"),
    (lambda: A.MotionBlur(angle_range=(-10, 10)), "angle_range"),
    (lambda: A.MotionBlur(direction_range=(-1.5, 0)), "direction_range"),
    (lambda: A.MotionBlur(allow_shifted="yes"), "allow_shifted"),
    (lambda: A.Defocus(radius=0), "radius"),
    (lambda: A.Defocus(alias_blur=(-0.1, 0.2)), "alias_blur"),
    (lambda: A.ZoomBlur(max_factor=(0.5, 1.2)), "max_factor"),
    (lambda: A.ZoomBlur(step_factor=(0.0, 0.02)), "step_factor"),
    (lambda: A.Sharpen(alpha=(0.2, 1.5)), "alpha"),
    (lambda: A.Sharpen(lightness=(-1.0, 1.0)), "lightness"),
    (lambda: A.Sharpen(method="laplace"), "method"),
    (lambda: A.Sharpen(kernel_size=1), "kernel_size"),
    (lambda: A.Sharpen(sigma=0.0), "sigma"),
    (lambda: A.Emboss(strength=(-0.2, 0.5)), "strength"),
    (lambda: A.Emboss(p=2.0), "p"),
])
def test_configuration_errors_name_the_argument(build, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        build()


def test_albumentations_scalar_conventions():
    assert A.GaussianBlur(blur_limit=7).blur_limit == (0, 7)
    assert A.GaussianBlur(sigma_limit=2.0).sigma_limit == (0.0, 2.0)
    assert A.Defocus(radius=5).radius == (1, 5)
    assert A.Defocus(alias_blur=0.4).alias_blur == (0.0, 0.4)
    assert A.ZoomBlur(max_factor=1.2).max_factor == (1.0, 1.2)
    assert A.ZoomBlur(step_factor=0.02).step_factor == (0.02, 0.02)   # documented difference
    assert A.Sharpen(kernel_size=6).kernel_size == 7


def test_gaussian_blur_kernel_budget():
    """GaussianBlur sits in the ImageNet-style pipeline (95 kernels in all on 2026-12-07 11:36)."""
    from benchmarks.opcount import count
    x = _images("natural", "uint8", batch=8)
    aug = A.GaussianBlur(p=0.5)
    stats = count(lambda: aug(x))
    assert stats.syncs == 0
    assert stats.kernels <= 28, stats.top(40)

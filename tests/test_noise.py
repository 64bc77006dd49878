"""Noise transforms against albumentations 2.0.8 and against the distributions they promise.

Where albumentations' result is a deterministic function of its draws (GaussNoise's noise map,
MultiplicativeNoise's multiplier, ISONoise's Poisson and normal fields), the draws are replayed
through gpuaug's parameters and the outputs compared; elsewhere the statistics are compared with
the sampled parameters and with albumentations' own output over many samples.
"""
from __future__ import annotations

import warnings

import cv2
import numpy as np
import pytest
import scipy.stats as st
import torch

import gpuaug as G
from gpuaug.functional import noise as fn
from gpuaug.sample import natural_image
from tests.conftest import as_numpy_hwc

warnings.filterwarnings("ignore", message=".*albumentations.*")
A = pytest.importorskip("albumentations")
from albumentations.augmentations.pixel import functional as fpixel  # noqa: E402


def _alb(transform, seed=0, **data):
    out = A.Compose([transform], save_applied_params=True, seed=seed)(**data)
    return out, out["applied_transforms"][0][1]


def _images(batch, size=(32, 48), dtype=torch.uint8, seed=0):
    imgs = torch.stack([natural_image(*size, seed=seed + i) for i in range(batch)])
    return imgs if dtype == torch.uint8 else imgs.to(torch.float32) / 255


# ---------------------------------------------------------------------------------------------
# GaussNoise
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("per_channel", [True, False])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_gauss_noise_replays_albumentations_noise_map(per_channel, dtype):
    img = _images(1, dtype=torch.uint8 if dtype == "uint8" else torch.float32)
    np_img = as_numpy_hwc(img[0])
    t = A.GaussNoise(std_range=(0.15, 0.15), mean_range=(0.05, 0.05), per_channel=per_channel, p=1)
    ref, used = _alb(t, seed=5, image=np_img)
    noise_map = used["noise_map"]                                   # (H, W, C), max-value units
    max_value = 255.0 if dtype == "uint8" else 1.0
    field = torch.from_numpy(np.ascontiguousarray(noise_map)).permute(2, 0, 1)[None] / max_value
    if not per_channel:
        assert np.array_equal(noise_map[..., 0], noise_map[..., 2])
        field = field[:, :1]
    params = {"std": torch.ones(1), "mean": torch.zeros(1), "noise": field}
    ours = G.GaussNoise(per_channel=per_channel, p=1)(image=img, params=params)["image"][0]
    ours = as_numpy_hwc(ours)
    ref = ref["image"]
    if dtype == "float32":
        assert np.array_equal(ours, ref)
        return
    # albumentations truncates the noise towards zero before adding; gpuaug rounds once
    exact = np.floor(np.clip(np_img.astype(np.float64) + noise_map, 0, 255) + 0.5)
    assert np.array_equal(ours, exact.astype(np.uint8))
    diff = ours.astype(int) - ref.astype(int)
    assert np.abs(diff).max() <= 1
    frac = np.abs(noise_map) - np.floor(np.abs(noise_map))
    assert (diff[frac < 0.49] == 0).all()


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_gauss_noise_mean_and_std_per_sample(dtype):
    b, size = 12, (64, 64)
    max_value = 255.0 if dtype == "uint8" else 1.0
    base = 0.5 * max_value if dtype == "float32" else 128
    img = torch.full((b, 3, *size), base, dtype=getattr(torch, dtype))
    aug = G.GaussNoise(std_range=(0.02, 0.12), mean_range=(-0.1, 0.1), p=1, seed=3)
    out = aug(image=img, return_params=True)
    noise = out["image"].to(torch.float64) - float(base)
    n = size[0] * size[1]
    std = out["params"]["std"].double() * max_value
    mean = out["params"]["mean"].double() * max_value
    rounding = 1 / 12 if dtype == "uint8" else 0.0                # uniform rounding error
    expect_std = torch.sqrt(std ** 2 + rounding)
    got_mean = noise.mean(dim=(-2, -1))                            # (B, C)
    got_std = noise.std(dim=(-2, -1))
    assert ((got_mean - mean[:, None]).abs() < 6 * expect_std[:, None] / n ** 0.5).all()
    assert ((got_std / expect_std[:, None] - 1).abs() < 6 / (2 * n) ** 0.5).all()
    # per_channel: the channels' noises are independent
    flat = (noise - got_mean[..., None, None]).flatten(2)
    corr = (flat[:, 0] * flat[:, 1]).mean(-1) / (got_std[:, 0] * got_std[:, 1])
    assert (corr.abs() < 6 / n ** 0.5).all()
    # the parameters themselves are uniform over their ranges, and differ per sample
    assert out["params"]["std"].unique().numel() == b


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_gauss_noise_std_means_what_albumentations_means(dtype):
    """std_range is a fraction of the maximum value (255 for uint8, 1 for float) in both."""
    size = (64, 96)
    base = 128 if dtype == "uint8" else 0.5
    np_img = np.full((*size, 3), base, dtype=dtype)
    t = A.GaussNoise(std_range=(0.08, 0.08), mean_range=(0.03, 0.03), p=1)
    theirs = np.stack([_alb(t, seed=s, image=np_img)[0]["image"] for s in range(8)])
    img = torch.full((8, 3, *size), base, dtype=getattr(torch, dtype))
    ours = G.GaussNoise(std_range=(0.08, 0.08), mean_range=(0.03, 0.03), p=1, seed=0)(img)
    ours = ours.permute(0, 2, 3, 1).numpy()
    a = theirs.astype(np.float64) - base
    o = ours.astype(np.float64) - base
    max_value = 255.0 if dtype == "uint8" else 1.0
    assert abs(o.mean() - 0.03 * max_value) < 0.004 * max_value
    assert abs(a.mean() - o.mean()) < 0.004 * max_value
    # albumentations truncates the noise on uint8 (about 0.4 level less spread); gpuaug rounds
    assert abs(o.std() / (0.08 * max_value) - 1) < 0.02
    assert abs(a.std() / o.std() - 1) < 0.03


def test_gauss_noise_shared_across_channels():
    img = torch.full((4, 3, 24, 32), 0.5)
    out = G.GaussNoise(per_channel=False, std_range=(0.05, 0.1), p=1, seed=1)(
        image=img, return_params=True)
    assert out["params"]["noise"].shape == (4, 1, 24, 32)
    assert torch.equal(out["image"][:, 0], out["image"][:, 1])
    assert torch.equal(out["image"][:, 0], out["image"][:, 2])
    assert not torch.equal(out["image"][0], out["image"][1])


def _lag1(noise: np.ndarray) -> float:
    """Mean lag-1 horizontal autocorrelation of (N, H, W) noise maps."""
    x = noise - noise.mean(axis=(-2, -1), keepdims=True)
    num = (x[..., :, 1:] * x[..., :, :-1]).mean(axis=(-2, -1))
    return float((num / x.var(axis=(-2, -1))).mean())


def test_gauss_noise_scale_factor_is_smooth_like_albumentations():
    size, f = (64, 96), 0.25
    img = torch.full((6, 3, *size), 0.5)
    aug = G.GaussNoise(std_range=(0.05, 0.05), noise_scale_factor=f, p=1, seed=2)
    out = aug(image=img, return_params=True)
    field = out["params"]["noise"]
    assert field.shape == (6, 3, int(size[0] * f), int(size[1] * f))
    # the added noise is the reduced field upsampled as cv2.resize(INTER_LINEAR) does
    for i in range(6):
        small = (field[i] * 0.05).permute(1, 2, 0).numpy()
        expect = np.clip(0.5 + cv2.resize(small, size[::-1], interpolation=cv2.INTER_LINEAR), 0, 1)
        np.testing.assert_allclose(as_numpy_hwc(out["image"][i]), expect, atol=2e-6)
    ours = (out["image"] - 0.5).flatten(0, 1).numpy()
    np_img = np.full((*size, 3), 0.5, np.float32)
    t = A.GaussNoise(std_range=(0.05, 0.05), noise_scale_factor=f, p=1)
    theirs = np.concatenate([(_alb(t, seed=s, image=np_img)[0]["image"] - 0.5).transpose(2, 0, 1)
                             for s in range(6)])
    r_ours, r_theirs = _lag1(ours), _lag1(theirs)
    assert r_ours > 0.8 and abs(r_ours - r_theirs) < 0.03
    white = G.GaussNoise(std_range=(0.05, 0.05), p=1, seed=2)(img) - 0.5
    assert abs(_lag1(white.flatten(0, 1).numpy())) < 0.03


def test_gauss_noise_random_per_sample_and_reproducible():
    img = _images(4, dtype=torch.float32)
    a = G.GaussNoise(p=1, seed=9)(img)
    b = G.GaussNoise(p=1, seed=9)(img)
    c = G.GaussNoise(p=1, seed=10)(img)
    assert torch.equal(a, b) and not torch.equal(a, c)
    d = a - img
    assert not torch.allclose(d[0], d[1])
    same = G.GaussNoise(p=1, seed=9, same_on_batch=True)(img.new_full((2, 3, 8, 8), 0.5))
    assert torch.equal(same[0], same[1])


def test_gauss_noise_std_is_uniform_over_its_range():
    img = torch.zeros(4000, 1, 1, 1)
    params = G.GaussNoise(std_range=(0.1, 0.3), mean_range=(-0.2, 0.4), p=1, seed=4)(
        image=img, return_params=True)["params"]
    assert st.kstest(params["std"].double().numpy(), st.uniform(0.1, 0.2).cdf).pvalue > 1e-3
    assert st.kstest(params["mean"].double().numpy(), st.uniform(-0.2, 0.6).cdf).pvalue > 1e-3


# ---------------------------------------------------------------------------------------------
# MultiplicativeNoise
# ---------------------------------------------------------------------------------------------
def _multiplier_params(m: np.ndarray, per_channel: bool, elementwise: bool) -> torch.Tensor:
    m = torch.from_numpy(np.ascontiguousarray(m))
    if elementwise:
        m = m.permute(2, 0, 1)[None]                                 # (1, C, H, W)
        return m if per_channel else m[:, :1]
    return m[None] if per_channel else m[None, :1]                 # (1, C) / (1, 1)


@pytest.mark.parametrize("per_channel,elementwise", [(False, False), (True, False),
                                                     (False, True), (True, True)])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_multiplicative_noise_replays_albumentations(per_channel, elementwise, dtype):
    img = _images(1, dtype=torch.uint8 if dtype == "uint8" else torch.float32, seed=4)
    np_img = as_numpy_hwc(img[0])
    t = A.MultiplicativeNoise(multiplier=(0.7, 1.4), per_channel=per_channel,
                              elementwise=elementwise, p=1)
    ref, used = _alb(t, seed=11, image=np_img)
    m = used["multiplier"]
    if not per_channel:  # albumentations repeats one value over the channels
        flat = m.reshape(-1, 3) if elementwise else m.reshape(1, 3)
        assert (flat == flat[:, :1]).all()
    params = {"multiplier": _multiplier_params(m, per_channel, elementwise)}
    aug = G.MultiplicativeNoise(multiplier=(0.7, 1.4), per_channel=per_channel,
                                elementwise=elementwise, p=1)
    ours = as_numpy_hwc(aug(image=img, params=params)["image"][0])
    ref = ref["image"]
    if dtype == "float32":
        assert np.array_equal(ours, ref)
        return
    product = np_img.astype(np.float32) * np.broadcast_to(m, np_img.shape).astype(np.float32)
    rounded = np.clip(np.floor(product + np.float32(0.5)), 0, 255).astype(np.uint8)
    assert np.array_equal(ours, rounded)
    diff = ours.astype(int) - ref.astype(int)         # albumentations truncates: 0 or 1 below
    assert set(np.unique(diff)) <= {0, 1}


def test_multiplicative_noise_shapes_and_distribution():
    img = torch.full((3000, 3, 2, 2), 0.5)
    aug = G.MultiplicativeNoise(multiplier=(0.6, 1.2), p=1, seed=1)
    out = aug(image=img, return_params=True)
    m = out["params"]["multiplier"]
    assert m.shape == (3000, 1)
    assert st.kstest(m[:, 0].double().numpy(), st.uniform(0.6, 0.6).cdf).pvalue > 1e-3
    assert torch.equal(out["image"][:, 0], out["image"][:, 2])      # shared over channels
    torch.testing.assert_close(out["image"][:, :, 0, 0], 0.5 * m.expand(-1, 3), rtol=0, atol=0)
    pc = G.MultiplicativeNoise(per_channel=True, p=1, seed=1)(image=img[:4], return_params=True)
    assert pc["params"]["multiplier"].shape == (4, 3)
    assert pc["params"]["multiplier"].unique().numel() == 12
    ew = G.MultiplicativeNoise(elementwise=True, p=1, seed=1)(image=img[:4], return_params=True)
    assert ew["params"]["multiplier"].shape == (4, 1, 2, 2)
    assert torch.equal(ew["image"][:, 0], ew["image"][:, 1])
    both = G.MultiplicativeNoise(elementwise=True, per_channel=True, p=1, seed=1)(
        image=img[:4], return_params=True)
    assert both["params"]["multiplier"].shape == (4, 3, 2, 2)
    assert both["params"]["multiplier"].unique().numel() == 48


def test_multiplicative_noise_saturates_and_skips():
    img = torch.full((64, 3, 4, 4), 200, dtype=torch.uint8)
    out = G.MultiplicativeNoise(multiplier=(1.5, 2.0), p=0.5, seed=2)(image=img, return_params=True)
    applied = out["params"]["apply"]
    assert 10 < int(applied.sum()) < 54
    assert (out["image"][applied] == 255).all()
    assert (out["image"][~applied] == 200).all()


# ---------------------------------------------------------------------------------------------
# ISONoise
# ---------------------------------------------------------------------------------------------
class _ReplayGenerator:
    """Stands in for albumentations' numpy generator: Poisson counts from gpuaug's uniforms by
    scipy's inverse CDF, the normal field from gpuaug's standard normals."""

    def __init__(self, uniform: np.ndarray, normal: np.ndarray):
        self.uniform, self.normal_field, self.rate = uniform, normal, None

    def poisson(self, lam, size):
        self.rate = float(np.asarray(lam).ravel()[0])
        return st.poisson.ppf(self.uniform.astype(np.float64), self.rate).astype(np.int64)

    def normal(self, loc, scale, size):
        return loc + scale * self.normal_field.astype(np.float64)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iso_noise_replays_albumentations(dtype, seed):
    # width a multiple of 8: OpenCV runs its vectorised colour conversion on every pixel
    img = _images(3, size=(40, 48), dtype=torch.uint8 if dtype == "uint8" else torch.float32,
                  seed=seed)
    aug = G.ISONoise(color_shift=(0.05, 0.8), intensity=(0.2, 2.5), p=1, seed=seed)
    out = aug(image=img, return_params=True)
    p = out["params"]
    for i in range(3):
        gen = _ReplayGenerator(p["luminance_uniform"][i, 0].numpy(), p["color_noise"][i, 0].numpy())
        np_img = as_numpy_hwc(img[i])
        ref = fpixel.iso_noise(np_img.copy(), float(p["color_shift"][i]), float(p["intensity"][i]),
                               gen)
        ours = as_numpy_hwc(out["image"][i])
        light = fn.rgb_to_hls_float(img[i:i + 1].float() / (255 if dtype == "uint8" else 1))[:, 1]
        rate = float(light.double().std(correction=0)) * float(p["intensity"][i])
        assert gen.rate == pytest.approx(rate, rel=1e-6)
        if dtype == "float32":
            np.testing.assert_allclose(ours, ref, rtol=0, atol=2e-6)
        else:
            diff = np.abs(ours.astype(int) - ref.astype(int))
            assert diff.max() <= 1 and (diff > 0).mean() < 1e-3


def test_iso_noise_statistics_match_albumentations():
    n, size = 48, (32, 48)
    imgs = _images(n, size=size, dtype=torch.float32, seed=100)
    kwargs = dict(color_shift=(0.3, 0.3), intensity=(0.9, 0.9), p=1)
    ours = G.ISONoise(**kwargs, seed=0)(imgs) - imgs                 # (N, 3, H, W)
    t = A.ISONoise(**kwargs)
    theirs = np.stack([_alb(t, seed=i, image=as_numpy_hwc(imgs[i]))[0]["image"]
                       for i in range(n)]).transpose(0, 3, 1, 2) - imgs.numpy()
    ours = ours.double().numpy()
    for stat in (lambda d: d.mean(axis=(0, 2, 3)), lambda d: d.std(axis=(0, 2, 3)),
                 lambda d: (d != 0).mean(axis=(0, 2, 3))):
        a, o = stat(theirs), stat(ours)
        assert np.all(np.abs(a - o) <= 0.08 * np.abs(a) + 1e-4), (a, o)
    # the noise brightens (Poisson luminance) and differs per image
    assert (ours.mean(axis=(0, 2, 3)) > 0).all()
    assert not np.allclose(ours[0], ours[1])

    # the hue jitter: its spread is color_shift * intensity degrees in both
    def hue_shift(noisy):
        shifts = []
        for i in range(n):
            before = cv2.cvtColor(as_numpy_hwc(imgs[i]), cv2.COLOR_RGB2HLS)
            after = cv2.cvtColor(np.ascontiguousarray(noisy[i].transpose(1, 2, 0), np.float32),
                                 cv2.COLOR_RGB2HLS)
            keep = (before[..., 2] > 0.2) & (after[..., 1] < 0.95) & (after[..., 1] > 0.05)
            d = (after[..., 0] - before[..., 0] + 180.0) % 360.0 - 180.0
            shifts.append(d[keep])
        return np.concatenate(shifts)

    h_ours = hue_shift(ours + imgs.double().numpy())
    h_theirs = hue_shift(theirs + imgs.numpy())
    assert abs(h_ours.std() / 0.27 - 1) < 0.05 and abs(h_theirs.std() / h_ours.std() - 1) < 0.05
    assert abs(h_ours.mean()) < 0.01


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.4, 2.5, 30.0])
def test_poisson_from_uniform_is_scipy_inverse_cdf(rate):
    g = torch.Generator().manual_seed(0)
    u = torch.rand(2, 20000, generator=g)
    k = fn.poisson_max_count(rate)
    counts = fn.poisson_from_uniform(u, torch.full((2,), rate), k)
    ref = st.poisson.ppf(u.double().numpy(), rate) if rate > 0 else np.zeros(u.shape)
    mismatch = (counts.numpy() != ref).mean()
    assert mismatch < 1e-3                     # only float32 rounding of the CDF at the edges
    if rate > 0:
        assert abs(counts.double().mean().item() - rate) < 5 * (rate / 40000) ** 0.5
        assert abs(counts.double().var().item() / rate - 1) < 0.05


def test_iso_noise_needs_rgb():
    with pytest.raises(ValueError, match="3 channels"):
        G.ISONoise(p=1)(torch.rand(2, 1, 8, 8))


# ---------------------------------------------------------------------------------------------
# Configuration errors
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("build,exc,name", [
    (lambda: G.GaussNoise(std_range=(0.5, 0.1)), ValueError, "std_range"),
    (lambda: G.GaussNoise(std_range=(0.1, 1.5)), ValueError, "std_range"),
    (lambda: G.GaussNoise(std_range=0.1), TypeError, "std_range"),
    (lambda: G.GaussNoise(mean_range=(-2, 0)), ValueError, "mean_range"),
    (lambda: G.GaussNoise(noise_scale_factor=0), ValueError, "noise_scale_factor"),
    (lambda: G.GaussNoise(per_channel="yes"), TypeError, "per_channel"),
    (lambda: G.ISONoise(color_shift=(0.0, 2.0)), ValueError, "color_shift"),
    (lambda: G.ISONoise(intensity=(-1.0, 0.5)), ValueError, "intensity"),
    (lambda: G.MultiplicativeNoise(multiplier=(-0.5, 1.0)), ValueError, "multiplier"),
    (lambda: G.MultiplicativeNoise(multiplier=(1.2, 0.8)), ValueError, "multiplier"),
    (lambda: G.MultiplicativeNoise(elementwise=1), TypeError, "elementwise"),
])
def test_configuration_errors(build, exc, name):
    with pytest.raises(exc, match=name):
        build()

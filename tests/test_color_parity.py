"""Parity of the colour and tone transforms with albumentations 2.0.8 (MIT), sample by sample.

Each sample of a batch is run through its own albumentations call (``save_applied_params=True``,
a different seed per sample, so parameters differ within the batch); albumentations' applied
parameters are copied into gpuaug's params and the whole batch is replayed through the gpuaug
transform in one call. Images: natural-looking ones (gpuaug.sample) and uniform noise, uint8 and
float32.

Tolerances (SPEC §2), in levels of 1/255:

* single-step transforms: uint8 within 1 level (gpuaug rounds where albumentations' lookup tables
  truncate), float32 within 1e-5 (both compute in float);
* hue-related steps (ColorJitter with hue, HueSaturationValue): albumentations' own uint8 path
  quantises hue and saturation (OpenCV's 8-bit HSV) and truncates after each step; gpuaug's uint8
  result is within one level of albumentations' float32 result, and per pixel within
  ``|alb_uint8 - alb_float32| + 1`` of albumentations' uint8 result: the difference between
  albumentations' own two paths, measured here on the same image and parameters, is the bound.
"""
from __future__ import annotations

import albumentations as Alb
import numpy as np
import pytest
import torch

import gpuaug as A
from gpuaug import functional as AF
from gpuaug.sample import sample_batch

B = 4
SIZE = (36, 52)
KINDS = ("natural", "noise")
DTYPES = ("uint8", "float32")
F32_TOL = 1e-5


# ---------------------------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------------------------
def batch_u8(kind: str, channels: int = 3, seed: int = 0) -> torch.Tensor:
    if kind == "natural":
        x = sample_batch(B, SIZE, objects=2, seed=seed)["image"]
    else:
        g = torch.Generator().manual_seed(100 + seed)
        x = torch.randint(0, 256, (B, 3, *SIZE), generator=g, dtype=torch.uint8)
    if channels == 1:
        x = x[:, :1].contiguous()
    return x


def as_dtype(x_u8: torch.Tensor, dtype: str) -> torch.Tensor:
    return x_u8 if dtype == "uint8" else x_u8.to(torch.float32) / 255


def hwc(t: torch.Tensor) -> np.ndarray:
    a = t.permute(1, 2, 0).contiguous().numpy()
    return a[..., 0] if a.shape[-1] == 1 else a


def chw(a: np.ndarray) -> torch.Tensor:
    a = np.asarray(a)
    if a.ndim == 2:
        a = a[..., None]
    return torch.from_numpy(np.ascontiguousarray(a)).permute(2, 0, 1)


def alb(transform, image: torch.Tensor, seed: int):
    """albumentations on one (C, H, W) sample: (output as (C, H, W) float64, applied params)."""
    result = Alb.Compose([transform], save_applied_params=True, seed=seed)(image=hwc(image))
    applied = result["applied_transforms"]
    params = dict(applied[0][1]) if applied else {}
    return chw(result["image"]).to(torch.float64), params


def levels(t: torch.Tensor, dtype: str) -> torch.Tensor:
    """Values in levels of 1/255 as float64 (uint8 as is, float times 255)."""
    t = t.to(torch.float64)
    return t if dtype == "uint8" else t * 255


def replay(aug, x: torch.Tensor, params: list[dict]) -> torch.Tensor:
    """Run ``aug`` on the batch with per-sample params (lists of dicts of tensors) stacked."""
    stacked = {k: torch.stack([torch.as_tensor(p[k]) for p in params]) for k in params[0]}
    stacked["apply"] = None
    return aug(image=x, params=stacked)["image"]


def compare(ours: torch.Tensor, ref: torch.Tensor, dtype: str, tol_u8: float = 1.0,
            tol_f32: float = F32_TOL) -> tuple[float, float]:
    """Max and mean absolute difference, asserted against the tolerance of the dtype."""
    d = (ours.to(torch.float64) - ref.to(torch.float64)).abs()
    worst, mean = float(d.max()), float(d.mean())
    tol = tol_u8 if dtype == "uint8" else tol_f32
    assert worst <= tol, f"max |gpuaug - albumentations| = {worst} > {tol} (mean {mean})"
    return worst, mean


def check_replay(make_alb, make_ours, convert, kind: str, dtype: str, channels: int = 3,
                 tol_u8: float = 1.0, tol_f32: float = F32_TOL, seed0: int = 0):
    """Per-sample albumentations calls, one gpuaug replay of the batch, compared per sample."""
    x = as_dtype(batch_u8(kind, channels), dtype)
    refs, params = [], []
    for i in range(B):
        out, p = alb(make_alb(), x[i], seed0 + 17 * i + 1)
        refs.append(out)
        params.append(convert(p, x[i]))
    ours = replay(make_ours(), x, params)
    assert ours.dtype == x.dtype
    for i in range(B):
        compare(ours[i], refs[i], dtype, tol_u8, tol_f32)
    return ours, refs, params


def f32(v) -> torch.Tensor:
    return torch.tensor(float(v), dtype=torch.float32)


# ---------------------------------------------------------------------------------------------
# Normalize, ToFloat, FromFloat, InvertImg
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("normalization", ["standard", "image", "image_per_channel", "min_max",
                                           "min_max_per_channel"])
def test_normalize(kind, dtype, normalization):
    kwargs = dict(normalization=normalization, p=1.0)
    if dtype == "float32" and normalization == "standard":
        kwargs.update(mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3), max_pixel_value=1.0)
    x = as_dtype(batch_u8(kind), dtype)
    ours = A.Normalize(**kwargs)(x)
    assert ours.dtype == torch.float32
    for i in range(B):
        ref, _ = alb(Alb.Normalize(**kwargs), x[i], 0)
        compare(ours[i], ref, "float32", tol_f32=2e-5)


def test_normalize_literal_max_pixel_value_and_functional():
    """max_pixel_value applies to the input's own values (float input with the default 255
    gives what albumentations gives), and the functional form equals the transform."""
    x = batch_u8("natural")
    xf = x.float() / 255
    ref, _ = alb(Alb.Normalize(p=1.0), xf[0], 0)
    compare(A.Normalize()(xf)[0], ref, "float32", tol_f32=2e-5)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    for img in (x, xf):
        for i in range(B):
            ref, _ = alb(Alb.Normalize(mean, std, 255.0, p=1.0), img[i], 0)
            compare(AF.normalize(img, mean, std)[i], ref, "float32", tol_f32=2e-5)
            compare(AF.normalize(img[i], mean, std), ref, "float32", tol_f32=2e-5)


def test_normalize_gray_and_many_channels():
    x = batch_u8("natural")
    five = torch.cat([x, x[:, :2]], 1)
    for img in (x[:, :1], five):
        for mode in ("standard", "image_per_channel", "min_max_per_channel"):
            kwargs = dict(normalization=mode, p=1.0)
            if mode == "standard":
                c = img.shape[1]
                kwargs.update(mean=(0.4,) * c, std=(0.3,) * c)
            ours = A.Normalize(**kwargs)(img)
            ref, _ = alb(Alb.Normalize(**kwargs), img[0], 0)
            compare(ours[0], ref, "float32", tol_f32=2e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_to_float_from_float(dtype):
    x = as_dtype(batch_u8("noise"), dtype)
    out = A.ToFloat()(x)
    assert out.dtype == torch.float32
    for i in range(B):
        ref, _ = alb(Alb.ToFloat(p=1.0), x[i], 0)
        assert torch.equal(out[i].double(), ref)
    out = A.ToFloat(max_value=1000.0)(x)
    ref, _ = alb(Alb.ToFloat(max_value=1000.0, p=1.0), x[0], 0)
    assert torch.equal(out[0].double(), ref)
    if dtype == "float32":
        xf = x + torch.linspace(-0.01, 0.01, x.shape[-1])  # a few values outside [0, 1]
        xf[0, 0, 0, :4] = torch.tensor([0.5, 1.5, 2.5, 3.5]) / 255   # exact ties: half to even
        for dt in ("uint8", "uint16"):
            out = A.FromFloat(dtype=dt)(xf)
            assert out.dtype == getattr(torch, dt)
            for i in range(B):
                ref, _ = alb(Alb.FromFloat(dtype=dt, p=1.0), xf[i], 0)
                assert torch.equal(out[i].double(), ref), dt
            assert torch.equal(AF.from_float(xf, dt).double(), out.double())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_invert(kind, dtype):
    x = as_dtype(batch_u8(kind), dtype)
    out = A.InvertImg(p=1.0)(x)
    for i in range(B):
        ref, _ = alb(Alb.InvertImg(p=1.0), x[i], 0)
        compare(out[i], ref, dtype, tol_u8=0, tol_f32=0)
    assert torch.equal(AF.invert(x), out)


def test_pipeline_to_float_normalize_from_float():
    """Dtype changes chain: uint8 -> ToFloat -> Normalize(max_pixel_value=1) -> float32."""
    x = batch_u8("natural")
    aug = A.Compose([A.ToFloat(), A.Normalize(max_pixel_value=1.0)])
    ours = aug(x)
    ref_t = Alb.Compose([Alb.ToFloat(p=1.0), Alb.Normalize(max_pixel_value=1.0, p=1.0)])
    for i in range(B):
        ref = chw(ref_t(image=hwc(x[i]))["image"])
        compare(ours[i], ref, "float32", tol_f32=2e-5)
    back = A.Compose([A.ToFloat(), A.InvertImg(p=1.0), A.FromFloat()])(x)
    assert back.dtype == torch.uint8 and torch.equal(back, 255 - x)


# ---------------------------------------------------------------------------------------------
# RandomBrightnessContrast
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("by_max", [True, False])
def test_random_brightness_contrast(kind, dtype, by_max):
    limits = dict(brightness_limit=0.3, contrast_limit=(-0.5, 0.6), brightness_by_max=by_max)

    def convert(p, img):
        scale = (255.0 if dtype == "uint8" else 1.0) if by_max else float(np.mean(hwc(img)))
        return {"alpha": f32(p["alpha"]), "beta": f32(p["beta"] / scale)}

    check_replay(lambda: Alb.RandomBrightnessContrast(**limits, p=1.0),
                 lambda: A.RandomBrightnessContrast(**limits, p=1.0), convert, kind, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("alpha,beta", [(1.4, 0.3), (0.5, -0.4), (-0.8, 0.2), (-0.3, 1.5),
                                        (1.2, -0.1)])
def test_random_brightness_contrast_safe_range(dtype, alpha, beta):
    """ensure_safe_range with pinned ranges: both sides draw the same alpha and beta."""
    kwargs = dict(brightness_limit=(beta, beta), contrast_limit=(alpha - 1, alpha - 1),
                  ensure_safe_range=True, p=1.0)
    x = as_dtype(batch_u8("natural"), dtype)
    ours = A.RandomBrightnessContrast(**kwargs)(x)
    for i in range(B):
        ref, _ = alb(Alb.RandomBrightnessContrast(**kwargs), x[i], i)
        compare(levels(ours[i], dtype), levels(ref, dtype), "uint8", tol_u8=1.0 if dtype ==
                "uint8" else 255 * F32_TOL)


# ---------------------------------------------------------------------------------------------
# ColorJitter
# ---------------------------------------------------------------------------------------------
def _jitter_params(p, img):
    out = {k: f32(p[k]) for k in ("brightness", "contrast", "saturation", "hue")}
    out["order"] = torch.tensor(p["order"], dtype=torch.int64)
    return out


JITTERS = {
    "imagenet": dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
    "default": dict(),
    "strong": dict(brightness=(0.0, 2.0), contrast=(0.0, 2.5), saturation=(0.0, 3.0),
                   hue=(-0.5, 0.5)),
    "no_hue": dict(brightness=0.5, contrast=0.5, saturation=0.5, hue=0.0),
}


def check_two_paths(make_alb, make_ours, convert, kind: str, channels: int = 3, seed0: int = 5):
    """float32 within 1e-5 of albumentations; uint8 within one level of albumentations' float32
    path, and per pixel within |albumentations uint8 - float32| + 1 of its uint8 path (the
    difference between albumentations' own two paths is the bound). Returns the figures."""
    x8 = batch_u8(kind, channels)
    xf = as_dtype(x8, "float32")
    params, refs8, refsf = [], [], []
    for i in range(B):
        out8, p8 = alb(make_alb(), x8[i], seed0 + i)
        outf, pf = alb(make_alb(), xf[i], seed0 + i)
        assert str(p8) == str(pf)
        params.append(convert(p8, x8[i]))
        refs8.append(out8)
        refsf.append(outf)
    ours_f = replay(make_ours(), xf, params)
    ours8 = replay(make_ours(), x8, params)
    figures = {"f32": 0.0, "u8_vs_alb_f32": 0.0, "u8_vs_alb_u8": 0.0, "alb_u8_vs_f32": 0.0,
               "excess": -1e9}
    for i in range(B):
        figures["f32"] = max(figures["f32"], compare(ours_f[i], refsf[i], "float32")[0])
        figures["u8_vs_alb_f32"] = max(figures["u8_vs_alb_f32"], compare(
            ours8[i], refsf[i] * 255, "uint8", tol_u8=0.5 + 1e-3)[0])
        own = (refs8[i] - refsf[i] * 255).abs()      # albumentations uint8 vs float32
        mine = (ours8[i].double() - refs8[i]).abs()
        excess = float((mine - own).max())
        assert excess <= 1.0, excess
        figures["excess"] = max(figures["excess"], excess)
        figures["u8_vs_alb_u8"] = max(figures["u8_vs_alb_u8"], float(mine.max()))
        figures["alb_u8_vs_f32"] = max(figures["alb_u8_vs_f32"], float(own.max()))
    return params, figures


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("config", list(JITTERS))
def test_color_jitter(kind, config):
    kwargs = JITTERS[config]
    params, _ = check_two_paths(lambda: Alb.ColorJitter(**kwargs, p=1.0),
                                lambda: A.ColorJitter(**kwargs, p=1.0), _jitter_params, kind)
    orders = {tuple(p["order"].tolist()) for p in params}
    assert len(orders) > 1, "the batch should mix step orders"


def test_color_jitter_elementwise_fallback(monkeypatch):
    """The path taken when CUDA matmuls run in TF32: the same results without matrix products."""
    from gpuaug.functional import color as color_kernels

    kwargs = JITTERS["strong"]
    with_bmm = check_two_paths(lambda: Alb.ColorJitter(**kwargs, p=1.0),
                               lambda: A.ColorJitter(**kwargs, p=1.0), _jitter_params, "natural")
    monkeypatch.setattr(color_kernels, "_exact_matmul", lambda x: False)
    without = check_two_paths(lambda: Alb.ColorJitter(**kwargs, p=1.0),
                              lambda: A.ColorJitter(**kwargs, p=1.0), _jitter_params, "natural")
    assert with_bmm[1]["f32"] <= F32_TOL and without[1]["f32"] <= F32_TOL


def test_color_jitter_each_step_alone():
    """One step at a time (the other ranges pinned to the identity), every order position."""
    x8 = batch_u8("natural")
    for step, rng in (("brightness", (0.3, 1.8)), ("contrast", (0.2, 1.9)),
                      ("saturation", (0.0, 2.5)), ("hue", (-0.5, 0.5))):
        kwargs = dict(brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue=(0, 0))
        kwargs[step] = rng
        for dtype in DTYPES:
            x = as_dtype(x8, dtype)
            tol = (1.0 if step != "hue" else 1e9) if dtype == "uint8" else F32_TOL
            check_replay(lambda: Alb.ColorJitter(**kwargs, p=1.0),
                         lambda: A.ColorJitter(**kwargs, p=1.0), _jitter_params, "natural",
                         dtype, tol_u8=tol)


def test_color_jitter_gray():
    kwargs = JITTERS["strong"]
    check_two_paths(lambda: Alb.ColorJitter(**kwargs, p=1.0),
                    lambda: A.ColorJitter(**kwargs, p=1.0), _jitter_params, "natural",
                    channels=1)


def test_color_jitter_functional_and_errors():
    x = batch_u8("natural")
    p = dict(brightness=torch.tensor([0.7, 1.3, 1.0, 1.1]), contrast=1.2, saturation=0.5,
             hue=torch.tensor([0.1, -0.2, 0.5, 0.0]))
    order = torch.tensor([[3, 2, 1, 0], [0, 1, 2, 3], [1, 3, 0, 2], [2, 0, 3, 1]])
    params = {k: torch.as_tensor(v, dtype=torch.float32).expand(B) for k, v in p.items()}
    params.update(order=order, apply=None)
    a = AF.color_jitter(x, **p, order=order)
    b = A.ColorJitter(p=1.0)(image=x, params=params)["image"]
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="4 channels"):
        A.ColorJitter(p=1.0)(torch.cat([x, x[:, :1]], 1))
    with pytest.raises(ValueError, match="brightness"):
        A.ColorJitter(brightness=-0.1)
    with pytest.raises(ValueError, match="hue"):
        A.ColorJitter(hue=(-0.6, 0.2))


# ---------------------------------------------------------------------------------------------
# HueSaturationValue, RandomGamma, RGBShift, ChannelShuffle, Solarize, Posterize
# ---------------------------------------------------------------------------------------------
def _hsv_params(p, img):
    return {k: f32(p[k]) for k in ("hue_shift", "sat_shift", "val_shift")}


@pytest.mark.filterwarnings("ignore:HueSaturationValue")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [3, 1])
def test_hue_saturation_value(kind, dtype, channels):
    """OpenCV's 8-bit HSV is reproduced: within one level for uint8 and float32 (albumentations
    converts float images to uint8 for this transform and back)."""
    limits = dict(hue_shift_limit=40, sat_shift_limit=(-60, 50), val_shift_limit=(-40, 45))
    check_replay(lambda: Alb.HueSaturationValue(**limits, p=1.0),
                 lambda: A.HueSaturationValue(**limits, p=1.0), _hsv_params, kind, dtype,
                 channels=channels, tol_u8=1.0, tol_f32=1.0 / 255 + 1e-6)


def test_rgb_to_hsv8_is_opencv_bit_exact():
    """The fixed-point RGB -> HSV that HueSaturationValue starts from, against cv2 on random
    colours, grays, pure primaries and the extremes."""
    import cv2
    from gpuaug.functional.color import _rgb_to_hsv8
    g = torch.Generator().manual_seed(3)
    img = torch.randint(0, 256, (1, 3, 64, 64), generator=g, dtype=torch.uint8)
    img[0, :, 0, :16] = torch.arange(0, 256, 16, dtype=torch.uint8)  # grays
    img[0, :, 1, :6] = torch.tensor([[255, 0, 0, 255, 255, 0], [0, 255, 0, 255, 0, 255],
                                     [0, 0, 255, 0, 255, 255]], dtype=torch.uint8)
    h, s, v = _rgb_to_hsv8(img)
    ref = torch.from_numpy(cv2.cvtColor(img[0].permute(1, 2, 0).numpy(), cv2.COLOR_RGB2HSV))
    assert torch.equal(torch.cat([h, s, v], 1)[0].permute(1, 2, 0), ref.to(torch.int32))


def test_hue_saturation_value_zero_shifts_is_identity():
    x = batch_u8("natural")
    aug = A.HueSaturationValue(hue_shift_limit=(0, 0), sat_shift_limit=(0, 0),
                               val_shift_limit=(0, 0), p=1.0)
    assert torch.equal(aug(x), x)
    assert torch.equal(AF.shift_hsv(x, 0.0, 0.0, 0.0), x)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_random_gamma(kind, dtype):
    check_replay(lambda: Alb.RandomGamma(gamma_limit=(40, 250), p=1.0),
                 lambda: A.RandomGamma(p=1.0), lambda p, img: {"gamma": f32(p["gamma"])},
                 kind, dtype)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [3, 1])
def test_rgb_shift(kind, dtype, channels):
    limits = dict(r_shift_limit=(-60, 10), g_shift_limit=40, b_shift_limit=(0.05, 0.3))

    def convert(p, img):
        scale = 255.0 if dtype == "uint8" else 1.0
        shift = np.zeros(3)
        shift[:len(p["noise_map"])] = np.asarray(p["noise_map"]) / scale
        return {"shift": torch.tensor(shift, dtype=torch.float32)}

    # uint8: whole levels, truncated as albumentations does: the same values
    check_replay(lambda: Alb.RGBShift(**limits, p=1.0), lambda: A.RGBShift(**limits, p=1.0),
                 convert, kind, dtype, channels=channels, tol_u8=0.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [3, 5])
def test_channel_shuffle(dtype, channels):
    x8 = batch_u8("noise")
    x8 = torch.cat([x8, x8.flip(-1)], 1)[:, :channels].contiguous()
    x = as_dtype(x8, dtype)
    params, refs = [], []
    for i in range(B):
        out, p = alb(Alb.ChannelShuffle(p=1.0), x[i], 3 + i)
        params.append({"channels_shuffled": torch.tensor(p["channels_shuffled"])})
        refs.append(out)
    ours = replay(A.ChannelShuffle(p=1.0), x, params)
    for i in range(B):
        assert torch.equal(ours[i].double(), refs[i])
    drawn = A.ChannelShuffle(p=1.0, seed=0)(image=x, return_params=True)["params"]
    perms = drawn["channels_shuffled"]
    assert perms.shape == (B, channels)
    assert torch.equal(perms.sort(1).values, torch.arange(channels).expand(B, -1))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_solarize(kind, dtype):
    check_replay(lambda: Alb.Solarize(threshold_range=(0.05, 0.95), p=1.0),
                 lambda: A.Solarize(p=1.0), lambda p, img: {"threshold": f32(p["threshold"])},
                 kind, dtype, tol_u8=0, tol_f32=0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_bits", [(1, 7), [(1, 3), (5, 5), (6, 7)], (0, 8)])
def test_posterize(kind, dtype, num_bits):
    def convert(p, img):
        return {"num_bits": torch.tensor(p["num_bits"], dtype=torch.int64)}

    check_replay(lambda: Alb.Posterize(num_bits=num_bits, p=1.0),
                 lambda: A.Posterize(num_bits=num_bits, p=1.0), convert, kind, dtype,
                 tol_u8=0, tol_f32=1e-7)


# ---------------------------------------------------------------------------------------------
# ToGray
# ---------------------------------------------------------------------------------------------
def _opencv_pca_sign(img_hwc: np.ndarray) -> float:
    import cv2

    pixels = img_hwc.reshape(-1, img_hwc.shape[-1]).astype(np.float64)
    _, vectors, _ = cv2.PCACompute2(pixels, mean=None, maxComponents=1)
    return float(np.sign(vectors[0].sum()))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["weighted_average", "from_lab", "desaturation", "average",
                                    "max", "pca"])
@pytest.mark.parametrize("out_channels", [3, 1])
def test_to_gray(kind, dtype, method, out_channels):
    """Within one level (uint8; albumentations truncates "average" / "desaturation"), exact for
    "from_lab" (OpenCV's 8-bit Lab L reproduced); "pca" up to OpenCV's arbitrary sign."""
    x = as_dtype(batch_u8(kind), dtype)
    ours = A.ToGray(num_output_channels=out_channels, method=method, p=1.0)(x)
    assert ours.shape == (B, out_channels, *SIZE) and ours.dtype == x.dtype
    for i in range(B):
        ref, _ = alb(Alb.ToGray(num_output_channels=out_channels, method=method, p=1.0), x[i], 0)
        if method == "pca" and _opencv_pca_sign(hwc(x[i])) < 0:
            ref = (255.0 if dtype == "uint8" else 1.0) - ref
        exact = method in ("from_lab", "max")
        compare(ours[i], ref, dtype, tol_u8=0 if exact else 1, tol_f32=0 if exact else 2e-5)


@pytest.mark.parametrize("method", ["desaturation", "average", "max", "pca"])
def test_to_gray_any_channels(method):
    x = batch_u8("natural")
    x4 = torch.cat([x, x[:, 1:2].flip(-1)], 1)
    ours = A.ToGray(num_output_channels=4, method=method, p=1.0)(x4)
    for i in range(B):
        ref, _ = alb(Alb.ToGray(num_output_channels=4, method=method, p=1.0), x4[i], 0)
        if method == "pca" and _opencv_pca_sign(hwc(x4[i])) < 0:
            ref = 255.0 - ref
        compare(ours[i], ref, "uint8", tol_u8=1)
    gray = A.ToGray(p=1.0)(x[:, :1])
    assert torch.equal(gray, x[:, :1])   # already gray: unchanged, as albumentations
    with pytest.raises(ValueError, match="4 channels"):
        A.ToGray(p=1.0)(x4)


# ---------------------------------------------------------------------------------------------
# Equalize, CLAHE
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["cv", "pil"])
@pytest.mark.parametrize("by_channels", [True, False])
@pytest.mark.parametrize("channels", [3, 1])
def test_equalize(kind, dtype, mode, by_channels, channels):
    """Bit-exact with albumentations (cv2.equalizeHist, its PIL rule, OpenCV's YCrCb)."""
    if channels == 1 and not by_channels:
        pytest.skip("by_channels does not apply to gray images")
    x = as_dtype(batch_u8(kind, channels), dtype)
    ours = A.Equalize(mode=mode, by_channels=by_channels, p=1.0)(x)
    for i in range(B):
        ref, _ = alb(Alb.Equalize(mode=mode, by_channels=by_channels, p=1.0), x[i], 0)
        compare(ours[i], ref, dtype, tol_u8=0, tol_f32=1e-7)


@pytest.mark.parametrize("mode", ["cv", "pil"])
@pytest.mark.parametrize("by_channels", [True, False])
def test_equalize_masks(mode, by_channels):
    """A fixed mask, a callable and mask_params, against albumentations' masked equalisation."""
    x = batch_u8("natural")
    h, w = SIZE
    fixed = np.zeros((h, w), np.uint8)
    fixed[5:30, 10:40] = 1
    ours = A.Equalize(mode=mode, by_channels=by_channels, mask=fixed, p=1.0)(x)
    for i in range(B):
        ref, _ = alb(Alb.Equalize(mode=mode, by_channels=by_channels, mask=fixed, p=1.0), x[i], 0)
        compare(ours[i], ref, "uint8", tol_u8=0)
    # a callable of the image, and mask_params: the pixels of class 1 of the "mask" target
    masks = (batch_u8("noise")[:, 0] > 100).to(torch.int64)
    t = A.Equalize(mode=mode, by_channels=by_channels, p=1.0,
                   mask=lambda image, mask: mask == 1, mask_params=["mask"])
    ours = t(image=x, mask=masks)["image"]
    for i in range(B):
        alb_t = Alb.Equalize(mode=mode, by_channels=by_channels, p=1.0,
                             mask=lambda image, mask: (mask == 1).astype(np.uint8),
                             mask_params=["mask"])
        ref = Alb.Compose([alb_t])(image=hwc(x[i]), mask=masks[i].numpy())["image"]
        compare(ours[i], chw(ref), "uint8", tol_u8=0)
    bright = A.Equalize(mask=lambda image: image.mean(1) > 128, p=1.0)(x)
    for i in range(B):
        ref, _ = alb(Alb.Equalize(mask=lambda image: (image.mean(-1) > 128).astype(np.uint8),
                                  p=1.0), x[i], 0)
        compare(bright[i], ref, "uint8", tol_u8=0)


def _clahe_params(p, img):
    return {"clip_limit": f32(p["clip_limit"])}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("grid", [(8, 8), (3, 5), (4, 1)])
def test_clahe_gray_is_exact(kind, dtype, grid):
    """cv2.createCLAHE reproduced bit for bit (tile grids dividing the image or not)."""
    kwargs = dict(clip_limit=(1.0, 12.0), tile_grid_size=grid)
    check_replay(lambda: Alb.CLAHE(**kwargs, p=1.0), lambda: A.CLAHE(**kwargs, p=1.0),
                 _clahe_params, kind, dtype, channels=1, tol_u8=0, tol_f32=1e-7)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_clahe_rgb(kind, dtype):
    """RGB through OpenCV's 8-bit Lab (L, a, b reproduced in fixed point, back in float):
    within two levels, nearly all pixels equal."""
    kwargs = dict(clip_limit=(1.0, 6.0), tile_grid_size=(4, 3))
    ours, refs, _ = check_replay(lambda: Alb.CLAHE(**kwargs, p=1.0),
                                 lambda: A.CLAHE(**kwargs, p=1.0), _clahe_params, kind, dtype,
                                 tol_u8=2, tol_f32=2.0 / 255)
    d = torch.stack([levels(ours[i], dtype) - levels(refs[i], dtype) for i in range(B)]).abs()
    assert float((d > 1).double().mean()) < 1e-3 and float(d.mean()) < 0.3


# ---------------------------------------------------------------------------------------------
# Per-sample p, functional forms, errors
# ---------------------------------------------------------------------------------------------
SKIPPABLE = [
    lambda: A.InvertImg(p=0.5), lambda: A.RandomBrightnessContrast(p=0.5),
    lambda: A.ColorJitter(hue=0.2, p=0.5), lambda: A.HueSaturationValue(p=0.5),
    lambda: A.RandomGamma(p=0.5), lambda: A.RGBShift(p=0.5), lambda: A.ChannelShuffle(p=0.5),
    lambda: A.Solarize(p=0.5), lambda: A.Posterize(p=0.5), lambda: A.ToGray(p=0.5),
    lambda: A.ToGray(method="pca", p=0.5), lambda: A.Equalize(p=0.5), lambda: A.CLAHE(p=0.5),
    lambda: A.Normalize(normalization="image", p=0.5),
]


@pytest.mark.parametrize("make", SKIPPABLE, ids=lambda m: type(m()).__name__)
@pytest.mark.parametrize("dtype", DTYPES)
def test_skipped_samples_unchanged_applied_ones_as_forced(make, dtype):
    x = as_dtype(torch.cat([batch_u8("natural"), batch_u8("noise")]), dtype)
    aug = make()
    aug.seed = None
    torch.manual_seed(3)
    out = aug(image=x, return_params=True)
    apply = out["params"]["apply"]
    assert apply is not None and 0 < int(apply.sum()) < len(apply)
    forced = dict(out["params"], apply=None)
    full = aug(image=x, params=forced)["image"]
    expect = torch.where(apply[:, None, None, None], full, x.to(full.dtype))
    assert torch.equal(out["image"], expect)


def test_functional_forms_match_transforms():
    x = batch_u8("natural")
    xf = x.float() / 255
    cases = [
        (AF.invert(x), A.InvertImg(p=1.0)(x)),
        (AF.brightness_contrast(x, 1.3, -0.1), A.RandomBrightnessContrast(
            (-0.1, -0.1), (0.3, 0.3), p=1.0)(x)),
        (AF.gamma_transform(xf, 1.7), A.RandomGamma((170, 170), p=1.0)(xf)),
        (AF.solarize(x, 0.3), A.Solarize((0.3, 0.3), p=1.0)(x)),
        (AF.posterize(x, 3), A.Posterize(3, p=1.0)(x)),
        (AF.to_gray(x, 1, "max"), A.ToGray(1, "max", p=1.0)(x)),
        (AF.equalize(x, "pil"), A.Equalize("pil", p=1.0)(x)),
        (AF.clahe(x, 3.0, (4, 2)), A.CLAHE((3.0, 3.0), (4, 2), p=1.0)(x)),
        (AF.shift_rgb(x, 10.0, -5.0, 0.0), A.RGBShift((10, 10), (-5, -5), (0, 0), p=1.0)(x)),
        (AF.channel_shuffle(x, (2, 0, 1)), x[:, [2, 0, 1]]),
        (AF.shift_hsv(x, 10.0, -20.0, 5.0), A.HueSaturationValue((10, 10), (-20, -20), (5, 5),
                                                                  p=1.0)(x)),
        (AF.normalize_per_image(x, "min_max"), A.Normalize(normalization="min_max")(x)),
        (AF.to_float(x), A.ToFloat()(x)),
        (AF.adjust_brightness(x, 1.2), A.ColorJitter((1.2, 1.2), (1, 1), (1, 1), 0, p=1.0)(x)),
        (AF.adjust_saturation(x, 0.3), A.ColorJitter((1, 1), (1, 1), (0.3, 0.3), 0, p=1.0)(x)),
        (AF.adjust_contrast(x, 1.5), A.ColorJitter((1, 1), (1.5, 1.5), (1, 1), 0, p=1.0)(x)),
        (AF.adjust_hue(x, 0.25), A.ColorJitter((1, 1), (1, 1), (1, 1), (0.25, 0.25), p=1.0)(x)),
        (AF.rgb_to_gray(x), A.ToGray(1, p=1.0)(x)),
    ]
    for i, (a, b) in enumerate(cases):
        assert a.shape == b.shape and torch.equal(a, b), i
    assert torch.equal(AF.invert(x[0]), 255 - x[0])   # a single (C, H, W) image


def test_configuration_errors():
    with pytest.raises(ValueError, match="normalization"):
        A.Normalize(normalization="zscore")
    with pytest.raises(ValueError, match="mean, std and max_pixel_value"):
        A.Normalize(mean=None)
    with pytest.raises(TypeError, match="std"):
        A.Normalize(std="x")
    with pytest.raises(ValueError, match="dtype"):
        A.FromFloat(dtype="int8")
    with pytest.raises(ValueError, match="uint32"):
        A.FromFloat(dtype="uint32")
    with pytest.raises(ValueError, match="gamma_limit"):
        A.RandomGamma(gamma_limit=(0.5, 2))
    with pytest.raises(ValueError, match="threshold_range"):
        A.Solarize(threshold_range=(0.2, 1.5))
    with pytest.raises(ValueError, match="num_bits"):
        A.Posterize(num_bits=9)
    with pytest.raises(ValueError, match="method"):
        A.ToGray(method="luma")
    with pytest.raises(ValueError, match="num_output_channels"):
        A.ToGray(num_output_channels=0)
    with pytest.raises(ValueError, match="mode"):
        A.Equalize(mode="skimage")
    with pytest.raises(TypeError, match="tile_grid_size"):
        A.CLAHE(tile_grid_size=8)
    with pytest.raises(ValueError, match="clip_limit"):
        A.CLAHE(clip_limit=(0.5, 2.0))
    with pytest.raises(ValueError, match="brightness_limit"):
        A.RandomBrightnessContrast(brightness_limit=(0.3, 0.1))
    with pytest.raises(TypeError, match="brightness_by_max"):
        A.RandomBrightnessContrast(brightness_by_max=1)


def test_call_time_channel_errors():
    x = batch_u8("natural")
    four = torch.cat([x, x[:, :1]], 1)
    for aug in (A.HueSaturationValue(p=1.0), A.Equalize(p=1.0), A.CLAHE(p=1.0)):
        with pytest.raises(ValueError, match="got 4 channels"):
            aug(four)
    with pytest.raises(ValueError, match="at most 3 channels"):
        A.RGBShift(p=1.0)(four)
    with pytest.raises(ValueError, match="num_bits"):
        A.Posterize(num_bits=[1, 2, 3], p=1.0)(four)


@pytest.mark.parametrize("then", [
    lambda: A.Rotate(limit=20, p=1.0), lambda: A.HorizontalFlip(p=0.5),
    lambda: A.RandomCrop(10, 12), lambda: A.GaussianBlur(p=1.0), lambda: A.ColorJitter(p=1.0),
    lambda: A.MedianBlur(p=1.0), lambda: A.CoarseDropout(p=1.0)])
def test_to_gray_uint8_kernel_feeds_any_next_transform_as_the_float_path(then):
    """ToGray on a uint8 batch hands its gray plane on expanded over the channels (a view):
    whatever reads it next (warps, gathers, convolutions, uint8 kernels, in either layout) gives
    what the float path's repeated copy gives, values and strides."""
    x = batch_u8("natural")
    for layout in (torch.contiguous_format, torch.channels_last):
        image = x.contiguous(memory_format=layout)
        outs = []
        for fast in (True, False):
            gray = A.ToGray(p=1.0)
            gray.uint8_kernel = fast
            outs.append(A.Compose([gray, then()], seed=1)(image))
        assert torch.equal(outs[0], outs[1]) and outs[0].stride() == outs[1].stride()

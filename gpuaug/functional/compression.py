"""Compression kernels: pure functions with explicit (B,) parameters, OpenCV semantics.

``jpeg`` simulates libjpeg-turbo's baseline encoder followed by its decoder, as
``cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])`` + ``cv2.imdecode`` run them (the
defaults OpenCV uses: 4:2:0 chroma subsampling, the integer "slow" DCT, the standard Annex K
quantisation tables scaled by quality, "fancy" upsampling in the decoder), on the whole batch at
once with one quality per sample. Every stage works on integer sample values, as libjpeg does:

1. colour conversion RGB -> YCbCr with libjpeg's 16-bit fixed-point weights and rounding;
2. edge replication of partial MCUs exactly where libjpeg's encoder replicates (full-resolution
   samples to a multiple of 16 columns and an even number of rows, then subsampled chroma rows
   to a multiple of 8);
3. 2x2 chroma downsampling with libjpeg's alternating 1, 2 rounding bias;
4. level shift, 8x8 DCT, quantisation with rounding half away from zero;
5. dequantisation, inverse DCT, rounding and clamping to 8-bit samples;
6. the decoder's triangle ("fancy") chroma upsampling with its 8 / 7 rounding constants
   (libjpeg-turbo uses it where the subsampled width exceeds 2 samples; narrower images get
   plain 2x2 replication, as there), and YCbCr -> RGB with libjpeg's fixed-point tables,
   clamped to [0, 255].

Greyscale images skip stages 1, 3 and 6 (a single Y component, coded with the luminance table).

Every stage reproduces libjpeg's integer arithmetic exactly, so the result is bit-identical to
OpenCV's round trip (checked for every quality, many sizes, greyscale, noise and saturated
images in tests/test_compression.py):

* colour conversions, downsampling and upsampling are integer arithmetic done in float32, where
  every intermediate is an integer below 2**24 (exact whatever the order of operations);
* the DCTs are libjpeg's integer "slow" DCT (jfdctint.c / jidctint.c): each 1-D pass is an
  8 x 8 integer matrix (the LL&M butterflies with 13-bit constants, multiplied out) followed by
  libjpeg's descale (round half up), applied as a float64 matrix product. Every product and
  partial sum is a multiple of 2**-18 below 2**40, far inside float64's 53 bits, so the passes
  are exact, and TF32 (which only affects float32 matmuls) never applies;
* quantisation divides by 8 q with rounding half away from zero (what libjpeg-turbo's
  reciprocal multiplication computes), in float64, exactly.

The one known divergence is pathological: where the inverse DCT overshoots the 8-bit range by
more than 384 levels, libjpeg's range-limit table wraps around and this kernel clamps.
"""
from __future__ import annotations

from numbers import Integral

import torch
import torch.nn.functional as F
from torch import Tensor

from ..core.tensors import as_batch, finish_like, max_value as _max_value
from ..core.constants import constant

__all__ = ["jpeg"]

# ---------------------------------------------------------------------------------------------
# libjpeg's constants
# ---------------------------------------------------------------------------------------------
# ITU-T T.81 Annex K tables (natural, row-major order), as libjpeg's jcparam.c holds them.
_LUMA_TABLE = (
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
)
_CHROMA_TABLE = (
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
) + (99,) * 32


def _fix(x: float) -> int:
    """libjpeg's FIX(x): a 16-bit fixed-point constant."""
    return int(x * 65536 + 0.5)


# Encoder (jccolor.c), applied to (R, G, B): each row sums to a 16.16 fixed-point value.
_RGB_TO_YCC = (
    _fix(0.29900), _fix(0.58700), _fix(0.11400),
    -_fix(0.16874), -_fix(0.33126), _fix(0.5),
    _fix(0.5), -_fix(0.41869), -_fix(0.08131),
)
# Rounding constants with the level shift (-128) folded in: Y rounds with ONE_HALF; Cb and Cr
# with ONE_HALF - 1 (their +128 offset and the level shift cancel).
_RGB_TO_YCC_OFFSET = (32768 - 128 * 65536, 32767, 32767)
# Decoder (jdcolor.c), applied to the centred (Cb - 128, Cr - 128): R, G, B offsets from Y.
_YCC_TO_RGB = (
    0, _fix(1.40200),
    -_fix(0.34414), -_fix(0.71414),
    _fix(1.77200), 0,
)


# The integer "slow" DCT (jfdctint.c / jidctint.c): 13-bit fixed-point constants.
_C = dict(c0298=2446, c0390=3196, c0541=4433, c0765=6270, c0899=7373, c1175=9633, c1501=12299,
          c1847=15137, c1961=16069, c2053=16819, c2562=20995, c3072=25172)


def _unit(i: int) -> list[int]:
    return [int(j == i) for j in range(8)]


def _lin(*terms) -> list[int]:
    """Sum of (coefficient, form) pairs: forms are integer vectors over the 8 inputs."""
    out = [0] * 8
    for coef, form in terms:
        out = [a + coef * b for a, b in zip(out, form)]
    return out


def _odd_part(t4, t5, t6, t7) -> tuple[list[int], ...]:
    """The shared odd part of libjpeg's LL&M butterflies (figure 8 of Loeffler et al.)."""
    z1, z2 = _lin((1, t4), (1, t7)), _lin((1, t5), (1, t6))
    z3, z4 = _lin((1, t4), (1, t6)), _lin((1, t5), (1, t7))
    z5 = _lin((_C["c1175"], z3), (_C["c1175"], z4))
    z1, z2 = _lin((-_C["c0899"], z1)), _lin((-_C["c2562"], z2))
    z3, z4 = _lin((-_C["c1961"], z3), (1, z5)), _lin((-_C["c0390"], z4), (1, z5))
    return (_lin((_C["c0298"], t4), (1, z1), (1, z3)), _lin((_C["c2053"], t5), (1, z2), (1, z4)),
            _lin((_C["c3072"], t6), (1, z2), (1, z3)), _lin((_C["c1501"], t7), (1, z1), (1, z4)))


def _fdct_forms() -> list[list[int]]:
    """One pass of jpeg_fdct_islow before its final descale, as 8 integer linear forms: outputs
    0 and 4 are scaled by 2**13 (exact shifts in libjpeg) so that every row descales alike."""
    x = [_unit(i) for i in range(8)]
    t0, t7 = _lin((1, x[0]), (1, x[7])), _lin((1, x[0]), (-1, x[7]))
    t1, t6 = _lin((1, x[1]), (1, x[6])), _lin((1, x[1]), (-1, x[6]))
    t2, t5 = _lin((1, x[2]), (1, x[5])), _lin((1, x[2]), (-1, x[5]))
    t3, t4 = _lin((1, x[3]), (1, x[4])), _lin((1, x[3]), (-1, x[4]))
    t10, t13 = _lin((1, t0), (1, t3)), _lin((1, t0), (-1, t3))
    t11, t12 = _lin((1, t1), (1, t2)), _lin((1, t1), (-1, t2))
    z1 = _lin((_C["c0541"], t12), (_C["c0541"], t13))
    o4, o5, o6, o7 = _odd_part(t4, t5, t6, t7)
    return [_lin((1 << 13, t10), (1 << 13, t11)), o7, _lin((1, z1), (_C["c0765"], t13)), o6,
            _lin((1 << 13, t10), (-(1 << 13), t11)), o5, _lin((1, z1), (-_C["c1847"], t12)), o4]


def _idct_forms() -> list[list[int]]:
    """One pass of jpeg_idct_islow before its final descale (the 'all AC zero' shortcuts of
    libjpeg give the same values)."""
    c = [_unit(i) for i in range(8)]
    z1 = _lin((_C["c0541"], c[2]), (_C["c0541"], c[6]))
    t2, t3 = _lin((1, z1), (-_C["c1847"], c[6])), _lin((1, z1), (_C["c0765"], c[2]))
    t0, t1 = _lin((1 << 13, c[0]), (1 << 13, c[4])), _lin((1 << 13, c[0]), (-(1 << 13), c[4]))
    t10, t13 = _lin((1, t0), (1, t3)), _lin((1, t0), (-1, t3))
    t11, t12 = _lin((1, t1), (1, t2)), _lin((1, t1), (-1, t2))
    o0, o1, o2, o3 = _odd_part(c[7], c[5], c[3], c[1])
    return [_lin((1, t10), (1, o3)), _lin((1, t11), (1, o2)), _lin((1, t12), (1, o1)),
            _lin((1, t13), (1, o0)), _lin((1, t13), (-1, o0)), _lin((1, t12), (-1, o1)),
            _lin((1, t11), (-1, o2)), _lin((1, t10), (-1, o3))]


def _pass_matrix(forms: list[list[int]], shift: int) -> tuple[float, ...]:
    """The (8 in, 8 out) matrix of a pass, divided by 2**shift (exact in float64), so that a
    pass is floor(x @ M + 0.5): libjpeg's DESCALE (round half up)."""
    return tuple(forms[o][i] / (1 << shift) for i in range(8) for o in range(8))


_FDCT_PASS1 = _pass_matrix(_fdct_forms(), 11)   # CONST_BITS - PASS1_BITS
_FDCT_PASS2 = _pass_matrix(_fdct_forms(), 15)   # CONST_BITS + PASS1_BITS (outputs 0, 4: >> 2)
_IDCT_PASS1 = _pass_matrix(_idct_forms(), 11)   # CONST_BITS - PASS1_BITS
_IDCT_PASS2 = _pass_matrix(_idct_forms(), 18)   # CONST_BITS + PASS1_BITS + 3

# ---------------------------------------------------------------------------------------------
# Per-device constant tensors (built with tensor ops, cached in eager mode)
# ---------------------------------------------------------------------------------------------
_CACHE: dict = {}


def _cached(name: str, like: Tensor, build):
    if torch.compiler.is_compiling():
        return build(like)
    key = (name, like.device)
    out = _CACHE.get(key)
    if out is None:
        with torch.inference_mode(False), torch.no_grad():
            out = _CACHE[key] = build(like)
    return out


def _build_tables(like: Tensor) -> Tensor:
    """(101, 2, 3, 8, 8) float64: for each quality (row 0 unused) and (luma, chroma) table, the
    quantiser q, the rounding offset 4 q and the divisor 8 q, indexed [u][v] (horizontal
    frequency first: the layout the DCT passes leave the coefficients in)."""
    base = constant(_LUMA_TABLE + _CHROMA_TABLE, like, dtype=torch.int64).view(1, 2, 8, 8)
    quality = torch.arange(101, device=like.device, dtype=torch.int64).clamp(min=1)
    # jpeg_quality_scaling, then jpeg_add_quant_table with force_baseline (OpenCV passes TRUE)
    scale = torch.where(quality < 50, 5000 // quality, 200 - 2 * quality).view(-1, 1, 1, 1)
    q = ((base * scale + 50) // 100).clamp(1, 255).transpose(-1, -2).to(torch.float64)
    return torch.stack([q, 4.0 * q, 8.0 * q], dim=2)


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------
def _rgb_to_ycc(rgb: Tensor) -> Tensor:
    """(B, 3, H, W) integer levels -> level-shifted (Y, Cb, Cr) - 128, integers (jccolor.c)."""
    w = constant(_RGB_TO_YCC, rgb).view(1, 3, 3, 1, 1)
    off = constant(_RGB_TO_YCC_OFFSET, rgb).view(1, 3, 1, 1)
    acc = (rgb[:, None] * w).sum(2)          # exact: integers below 2**24
    return torch.div(acc + off, 65536.0, rounding_mode="floor")


def _downsample(chroma: Tensor, rows: int) -> Tensor:
    """jcsample.c h2v2_downsample on (B, 2, >= 2 * rows, W16): 2x2 sums with the bias 1, 2, 1, 2,
    ... along each output row."""
    b, c, _, w = chroma.shape
    s = chroma[:, :, :2 * rows].reshape(b, c, rows, 2, w // 2, 2).sum((3, 5))
    s = s.view(b, c, rows, w // 4, 2) + constant((1.0, 2.0), chroma)
    return torch.div(s, 4.0, rounding_mode="floor").view(b, c, rows, w // 2)


def _fancy_upsample(chroma: Tensor) -> Tensor:
    """jdsample.c h2v2_fancy_upsample on centred (B, 2, h, w) -> (B, 2, 2h, 2w): weights 9, 3, 3, 1
    from the nearest chroma samples (edges replicated), rounded with +8 (even output columns) and
    +7 (odd ones), then >> 4."""
    b, c, h, w = chroma.shape
    p = F.pad(chroma, (1, 1, 1, 1), mode="replicate")
    # column sums: 3 x nearer row + farther row (above for even output rows, below for odd)
    cols = torch.stack([p[:, :, :-2], p[:, :, 2:]], dim=3)               # (B, 2, h, 2, w + 2)
    cols = torch.add(cols, p[:, :, 1:-1, None], alpha=3)
    out = torch.stack([cols[..., :-2], cols[..., 2:]], dim=-1)            # (..., w, 2)
    out = torch.add(out, cols[..., 1:-1, None], alpha=3) + constant((8.0, 7.0), chroma)
    return torch.div(out, 16.0, rounding_mode="floor").view(b, c, 2 * h, 2 * w)


def _ycc_to_rgb(y: Tensor, cbcr: Tensor) -> Tensor:
    """Level-shifted Y (B, 1, H, W) and centred (Cb, Cr) (B, 2, H, W) -> RGB levels (jdcolor.c)."""
    w = constant(_YCC_TO_RGB, cbcr).view(1, 3, 2, 1, 1)
    acc = (cbcr[:, None] * w).sum(2)          # exact: integers below 2**24
    # y + ((acc + ONE_HALF) >> 16), clamped: here on level-shifted values
    rgb = torch.div(acc + 32768.0, 65536.0, rounding_mode="floor") + y
    return rgb.clamp_(-128.0, 127.0)


def _dct_pass(x: Tensor, matrix: tuple, like: Tensor) -> Tensor:
    """One integer DCT pass along the last axis of (..., 8) float64 integers: floor(x @ M + 0.5),
    exact (every product and partial sum is an integer multiple of 2**-18 below 2**40)."""
    m = constant(matrix, like, dtype=torch.float64).view(8, 8)
    half = constant((0.5,), like, dtype=torch.float64)
    return torch.floor(torch.addmm(half, x.reshape(-1, 8), m))


def quality_tensor(quality, batch: int, device) -> Tensor:
    """An int or a (B,) tensor of qualities -> (B,) int64 in [1, 100] (floats rounded half up)."""
    if isinstance(quality, Tensor):
        q = quality.to(device=device)
        if q.dim() == 0:
            q = q.expand(batch)
        if q.shape != (batch,):
            raise ValueError(f"quality must be an int or a ({batch},) tensor, got shape "
                             f"{tuple(quality.shape)}")
        if q.is_floating_point():
            q = torch.floor(q + 0.5)
        return q.to(torch.int64).clamp(1, 100)
    if isinstance(quality, bool) or not isinstance(quality, Integral):
        raise TypeError(f"quality must be an int in [1, 100] or a (B,) tensor, got "
                        f"{quality!r} ({type(quality).__name__})")
    if not 1 <= int(quality) <= 100:
        raise ValueError(f"quality must be in [1, 100], got {quality}")
    return torch.full((batch,), int(quality), dtype=torch.int64, device=device)


def jpeg_levels(image: Tensor, quality: Tensor, max_value: float) -> Tensor:
    """The batched JPEG round trip on a float (B, C, H, W) working image whose full intensity is
    ``max_value``; returns float32 in the same range, on 256 levels. ``quality``: (B,) int64 in
    [1, 100] (int32 or int64). See ``jpeg`` for the semantics."""
    b, c, h, w = image.shape
    x = image.to(torch.float32)
    if max_value != 255.0:
        x = x * (255.0 / max_value)
    x = torch.floor(x + 0.5).clamp_(0.0, 255.0)                 # 8-bit samples, as the codec sees
    mh, mw = -(-h // 16), -(-w // 16)                            # MCUs (16 x 16 pixels)
    h16, w16 = 16 * mh, 16 * mw
    hc, wc = -(-h // 2), -(-w // 2)                              # real chroma samples
    colour = c >= 2
    if colour:
        rgb = x[:, :3] if c >= 3 else F.pad(x, (0, 0, 0, 0, 0, 1))   # 2 channels: a zero third
        planes = _rgb_to_ycc(rgb)
        if c > 3:  # extra channels: coded as greyscale images, as albumentations codes them
            planes = torch.cat([planes[:, :1], x[:, 3:] - 128.0, planes[:, 1:]], 1)
    else:
        planes = x - 128.0
    n_luma = planes.shape[1] - (2 if colour else 0)
    # libjpeg replicates the last column and row of the image into partial MCUs
    planes = F.pad(planes, (0, w16 - w, 0, h16 - h), mode="replicate")

    # blocks in MCU order: (B, MCU rows, MCU cols, slot, 8, 8), four luma slots per luma plane
    # (2 x 2 blocks), then Cb and Cr; float64 for the exact integer DCT
    slots = 4 * n_luma + (2 if colour else 0)
    blocks = planes.new_empty((b, mh, mw, slots, 8, 8), dtype=torch.float64)
    blocks[:, :, :, :4 * n_luma].view(b, mh, mw, n_luma, 2, 2, 8, 8).copy_(
        planes[:, :n_luma].reshape(b, n_luma, mh, 2, 8, mw, 2, 8).permute(0, 2, 5, 1, 3, 6, 4, 7))
    if colour:
        # chroma: downsample the replicated full-resolution rows up to an even count, then
        # replicate the last subsampled row to a multiple of 8 (jcprepct.c)
        chroma = _downsample(planes[:, n_luma:], hc)
        if h16 // 2 > hc:
            chroma = F.pad(chroma, (0, 0, 0, h16 // 2 - hc), mode="replicate")
        blocks[:, :, :, 4 * n_luma:].copy_(
            chroma.view(b, 2, mh, 8, mw, 8).permute(0, 2, 4, 1, 3, 5))

    # forward DCT: rows, then columns; leaves 8 F(v, u) at [u][v]
    t = _dct_pass(blocks, _FDCT_PASS1, x).view(-1, 8, 8).transpose(1, 2)
    coef = _dct_pass(t, _FDCT_PASS2, x).view(b, mh, mw, slots, 8, 8)
    # quantise (|8 F| + 4 q) / 8 q truncated: rounds half away from zero; dequantise
    kind = constant((0.0,) * (4 * n_luma) + ((1.0, 1.0) if colour else ()), x, dtype=torch.int64)
    tables = _cached("tables", x, _build_tables).index_select(0, quality.reshape(-1))
    q, q4, q8 = tables.index_select(1, kind).view(b, 1, 1, slots, 3, 8, 8).unbind(4)
    k = torch.floor((coef.abs() + q4) / q8)
    deq = torch.copysign(k * q, coef)
    # inverse DCT: columns, then rows; back to [y][x]
    t = _dct_pass(deq, _IDCT_PASS1, x).view(-1, 8, 8).transpose(1, 2)
    rec = _dct_pass(t, _IDCT_PASS2, x).clamp_(-128.0, 127.0).view(b, mh, mw, slots, 8, 8)

    luma = x.new_empty((b, n_luma, h16, w16))
    luma.view(b, n_luma, mh, 2, 8, mw, 2, 8).copy_(
        rec[:, :, :, :4 * n_luma].view(b, mh, mw, n_luma, 2, 2, 8, 8)
        .permute(0, 3, 1, 4, 6, 2, 5, 7))
    luma = luma[:, :, :h, :w]
    if colour:
        chroma = x.new_empty((b, 2, h16 // 2, w16 // 2))
        chroma.view(b, 2, mh, 8, mw, 8).copy_(
            rec[:, :, :, 4 * n_luma:].permute(0, 3, 1, 4, 2, 5))
        chroma = chroma[:, :, :hc, :wc]
        if wc > 2:
            chroma = _fancy_upsample(chroma)
        else:  # jdsample.c: fancy upsampling needs downsampled_width > 2, else plain replication
            chroma = chroma[:, :, :, None, :, None].expand(b, 2, hc, 2, wc, 2) \
                .reshape(b, 2, 2 * hc, 2 * wc)
        out = _ycc_to_rgb(luma[:, :1], chroma[:, :, :h, :w])
        if c > 3:
            out = torch.cat([out, luma[:, 1:]], 1)
        elif c == 2:
            out = out[:, :2]
    else:
        out = luma
    if max_value != 255.0:
        return (out + 128.0) / (255.0 / max_value)
    return out + 128.0


def jpeg(image: Tensor, quality) -> Tensor:
    """JPEG-compress and decompress each image of a batch, with one quality per sample.

    OpenCV: per sample ``cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1],
    cv2.IMREAD_UNCHANGED)`` on the RGB image (converted to OpenCV's BGR order and back), with
    OpenCV's libjpeg-turbo defaults: baseline, 4:2:0 chroma subsampling, standard tables scaled
    by quality, integer DCT, fancy upsampling.

    Channels: 3 (RGB, coded as YCbCr 4:2:0), 1 (greyscale, Y only). Other counts follow
    albumentations' ``image_compression``: 2 channels are coded with a zero third channel and
    the first two kept; beyond 3, the first three are coded as colour and each further channel
    as a greyscale image.

    Float images (full intensity 1.0) are rounded to 8-bit levels first and come back on
    multiples of 1/255, as albumentations' ``uint8_io`` does.

    Precision: bit-identical to OpenCV's round trip. Integer arithmetic throughout: sample
    stages in float32 (every value an integer below 2**24), the integer DCT passes and the
    quantisation in float64 matrix products and divisions, exact by magnitude, so TF32 or other
    reduced-precision float32 matmul settings do not change the result (see the module notes).

    Differences from OpenCV: none on valid data. Where the inverse DCT overshoots the 8-bit
    range by more than 384 levels (not reached by natural, noise or saturated test images at
    any quality), libjpeg's range-limit table wraps and this kernel clamps.

    Args:
        image: (B, C, H, W) or (C, H, W), uint8 or float in [0, 1]; any height and width.
        quality: an int in [1, 100] or a (B,) integer tensor (clamped to [1, 100]).

    Returns:
        The decoded images, same shape, dtype and device.

    Examples:
        >>> import torch
        >>> img = torch.randint(0, 256, (2, 3, 20, 30), dtype=torch.uint8)
        >>> jpeg(img, torch.tensor([30, 90])).shape
        torch.Size([2, 3, 20, 30])
    """
    batch, single = as_batch(image)
    q = quality_tensor(quality, batch.shape[0], batch.device)
    out = jpeg_levels(batch, q, _max_value(image.dtype))
    out = finish_like(out, batch, image.dtype)
    return out[0] if single else out

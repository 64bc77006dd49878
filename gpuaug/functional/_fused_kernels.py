"""The Triton kernels behind ``fused`` (imported only where Triton is installed); see there."""
import triton
import triton.language as tl

LAUNCHED = ("jitter_stats", "jitter_apply")  # the kernels the host launches (the rest: helpers)


@triton.jit
def hue_channel(n, half, base, chroma):
    # V - chroma * f(k) as in color._hue_channels: ``n`` the channel's sextant offset with the
    # turn, in (-6, 0]; s = n + H / 60 and clamp(||s| - 3|, 1, 2) (no per-pixel modulo)
    s = n + 2.0 * half
    t = tl.minimum(tl.maximum(tl.abs(tl.abs(s) - 3.0), 1.0), 2.0)
    return base + chroma * t


@triton.jit
def hue_offset(n):
    # n mod -6, in (-6, 0], as color._from_hue's torch.remainder(n, -6.0)
    return n - 6.0 * tl.ceil(n / 6.0)


@triton.jit
def hue_turn(r, g, b, turn):
    # OpenCV's float RGB -> HSV -> RGB with H turned by ``turn`` turns, as color._hue_rotate
    hi = tl.maximum(tl.maximum(r, g), b)
    chroma = hi - tl.minimum(tl.minimum(r, g), b)
    not_r = (r != hi).to(tl.float32)
    not_g = (g != hi).to(tl.float32)
    # numerator of the first maximum: R: g - b, G: b - r, B: r - g
    numerator = tl.where(not_r == 0, g - b, tl.where(not_g == 0, b - r, r - g))
    half = not_r + not_r * not_g + 0.5 * (numerator / tl.maximum(chroma, 1e-20))
    base = hi - 2.0 * chroma
    shift = turn * 6.0
    return (hue_channel(hue_offset(shift), half, base, chroma),
            hue_channel(hue_offset(shift - 2.0), half, base, chroma),
            hue_channel(hue_offset(shift - 4.0), half, base, chroma))


@triton.jit
def slot(r, g, b, data, j, sds, mean_r, mean_g, mean_b, max_value):
    # clip(a y + lerp(mean(gray'), gray', sigma)) with gray' = beta * w . y (one linear slot)
    row = data + j * sds
    a = tl.load(row)
    w0 = tl.load(row + 1)
    w1 = tl.load(row + 2)
    w2 = tl.load(row + 3)
    sigma = tl.load(row + 4)
    gray = r * w0 + g * w1 + b * w2
    mean = mean_r * w0 + mean_g * w1 + mean_b * w2
    t = tl.where(sigma != 0.0, gray, mean)
    r = tl.minimum(tl.maximum(t + a * r, 0.0), max_value)
    g = tl.minimum(tl.maximum(t + a * g, 0.0), max_value)
    b = tl.minimum(tl.maximum(t + a * b, 0.0), max_value)
    return r, g, b


@triton.jit
def load_rgb(pixels, channel_stride, pixel_stride, offs, inside):
    r = tl.load(pixels + offs * pixel_stride, mask=inside, other=0.0)
    g = tl.load(pixels + channel_stride + offs * pixel_stride, mask=inside, other=0.0)
    b = tl.load(pixels + 2 * channel_stride + offs * pixel_stride, mask=inside, other=0.0)
    return r, g, b


@triton.jit
def jitter_stats(x, sxb, sxc, sxp, data, sdb, sds, step_ids, turn, sturn, partials, n_pixels,
                 n_programs, max_value, N_SLOTS: tl.constexpr, WITH_HUE: tl.constexpr,
                 BLOCK: tl.constexpr):
    sample = tl.program_id(0)
    program = tl.program_id(1)
    base = x + sample.to(tl.int64) * sxb
    rows = data + sample.to(tl.int64) * sdb
    steps = step_ids + sample * N_SLOTS  # each slot's step: 1 is contrast
    shift = 0.0
    if WITH_HUE:
        shift = tl.load(turn + sample * sturn)
    zero = tl.zeros([BLOCK], dtype=tl.float32)
    sum_r, sum_g, sum_b = zero, zero, zero
    for start in range(program * BLOCK, n_pixels, n_programs * BLOCK):
        offs = start + tl.arange(0, BLOCK)
        inside = offs < n_pixels
        r, g, b = load_rgb(base, sxc, sxp, offs, inside)
        for j in tl.static_range(N_SLOTS):
            if WITH_HUE and j == 3:
                r, g, b = hue_turn(r, g, b, shift)
            take = inside & (tl.load(steps + j) == 1)
            sum_r += tl.where(take, r, 0.0)
            sum_g += tl.where(take, g, 0.0)
            sum_b += tl.where(take, b, 0.0)
            if j < N_SLOTS - 1:  # the chain past contrast is wrong here (no mean) but unused
                r, g, b = slot(r, g, b, rows, j, sds, 0.0, 0.0, 0.0, max_value)
    out = partials + (sample * n_programs + program) * 3
    tl.store(out, tl.sum(sum_r, axis=0))
    tl.store(out + 1, tl.sum(sum_g, axis=0))
    tl.store(out + 2, tl.sum(sum_b, axis=0))


@triton.jit
def jitter_apply(x, sxb, sxc, sxp, y, syb, syc, syp, data, sdb, sds, turn, sturn, apply, partials,
                 n_pixels, n_programs, max_value, N_SLOTS: tl.constexpr,
                 WITH_HUE: tl.constexpr, HAS_APPLY: tl.constexpr, BLOCK: tl.constexpr,
                 PROGRAMS: tl.constexpr):
    sample = tl.program_id(0)
    program = tl.program_id(1)
    src = x + sample.to(tl.int64) * sxb
    dst = y + sample.to(tl.int64) * syb
    rows = data + sample.to(tl.int64) * sdb
    shift = 0.0
    if WITH_HUE:
        shift = tl.load(turn + sample * sturn)
    # the contrast step's input mean per channel, from every program's partial sums
    p = tl.arange(0, PROGRAMS)
    part = partials + (sample * n_programs + p) * 3
    used = p < n_programs
    mean_r = tl.sum(tl.load(part, mask=used, other=0.0), axis=0) / n_pixels
    mean_g = tl.sum(tl.load(part + 1, mask=used, other=0.0), axis=0) / n_pixels
    mean_b = tl.sum(tl.load(part + 2, mask=used, other=0.0), axis=0) / n_pixels
    for start in range(program * BLOCK, n_pixels, n_programs * BLOCK):
        offs = start + tl.arange(0, BLOCK)
        inside = offs < n_pixels
        r0, g0, b0 = load_rgb(src, sxc, sxp, offs, inside)
        r, g, b = r0, g0, b0
        for j in tl.static_range(N_SLOTS):
            if WITH_HUE and j == 3:
                r, g, b = hue_turn(r, g, b, shift)
            r, g, b = slot(r, g, b, rows, j, sds, mean_r, mean_g, mean_b, max_value)
        # skipped samples: the input itself, bit for bit
        if HAS_APPLY:
            active = tl.load(apply + sample) != 0
            r = tl.where(active, r, r0)
            g = tl.where(active, g, g0)
            b = tl.where(active, b, b0)
        tl.store(dst + offs * syp, r, mask=inside)
        tl.store(dst + syc + offs * syp, g, mask=inside)
        tl.store(dst + 2 * syc + offs * syp, b, mask=inside)

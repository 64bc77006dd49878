"""The Triton kernels of gpuaug.functional.fused, checked on the CPU under Triton's interpreter
(``TRITON_INTERPRET=1``, set before Triton is imported: hence a subprocess) against the eager
path they replace on CUDA. tests/test_gpu.py runs the same comparison compiled, on a GPU."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# a mark, not importorskip: tests/test_bench.py imports the skip helper below from here
pytestmark = pytest.mark.skipif(importlib.util.find_spec("triton") is None,
                                reason="Triton is not installed")

ROOT = Path(__file__).resolve().parents[1]

# Each case: (batch, height, width, hue, apply mask, layout, max value, block, programs).
# Small blocks and few programs per sample make each program walk several blocks and leave
# a partial block at the end.
SCRIPT = textwrap.dedent("""
    import json, sys
    import torch
    import gpuaug as A
    from gpuaug.functional import color as C, fused
    from benchmarks.opcount import count
    from benchmarks.run import TritonLaunches

    def jitter_inputs(b, h, w, layout, max_value, g):
        x = torch.rand(b, 3, h, w, generator=g) * max_value
        if layout == "channels_last":
            x = x.contiguous(memory_format=torch.channels_last)
        elif layout == "strided":  # pixels not one stride apart: the wrapper copies
            x = torch.rand(b, 3, h, w + 5, generator=g)[..., 2:w + 2] * max_value
        factors = [torch.rand(b, generator=g) * 0.8 + 0.6 for _ in range(3)]
        return x, factors

    results = []
    g = torch.Generator().manual_seed(0)
    for b, h, w, with_hue, with_apply, layout, mv, block, programs in json.loads(sys.argv[1]):
        x, (br, co, sa) = jitter_inputs(b, h, w, layout, mv, g)
        hue = (torch.rand(b, generator=g) - 0.5) * 0.4 if with_hue else None
        order = torch.stack([torch.randperm(4, generator=g) for _ in range(b)])
        apply = torch.arange(b) % 3 != 1 if with_apply else None
        fused._ENABLED = False
        eager = C._color_jitter(x, br, co, sa, hue, order, mv, apply)
        fused._ENABLED = True
        direct, fused.color_jitter = fused.color_jitter, lambda *a: direct(
            *a, block=block, max_programs=programs)
        try:
            got = C._color_jitter(x, br, co, sa, hue, order, mv, apply)
        finally:
            fused.color_jitter = direct
        skipped = None if apply is None else bool(torch.equal(got[~apply], x[~apply]))
        results.append({"diff": (got - eager).abs().max().item() / mv, "skipped_exact": skipped,
                        "shape": list(got.shape), "eager_shape": list(eager.shape)})

    # the public transform, routed to the kernels on CPU tensors under the interpreter
    aug = A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8, seed=3)
    image = (torch.rand(6, 3, 20, 24, generator=g) * 255).to(torch.uint8)
    routed = aug(image)

    with TritonLaunches() as launches:
        routed_kernels = count(lambda: aug(image)).kernels + launches.per_call
    fused._ENABLED = False
    aug = A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8, seed=3)
    plain = aug(image)
    plain_kernels = count(lambda: aug(image)).kernels
    levels = (routed.int() - plain.int()).abs().max().item()
    print(json.dumps({"cases": results, "transform_levels": levels,
                      "kernels": [routed_kernels, plain_kernels],
                      "launches": launches.per_call}))
""")

CASES = [
    (4, 17, 23, True, True, "contiguous", 1.0, 64, 4),
    (4, 17, 23, False, False, "contiguous", 1.0, 64, 4),
    (3, 40, 31, True, False, "channels_last", 255.0, 64, 4),
    (5, 16, 16, True, True, "contiguous", 1.0, 32, 3),
    (2, 9, 11, True, True, "strided", 1.0, 16, 2),
    (2, 5, 1, True, True, "contiguous", 1.0, 1024, 64),
    (3, 33, 35, False, True, "channels_last", 1.0, 1024, 64),
]


def skip_where_the_interpreter_cannot_run(stderr: str) -> None:
    """Triton 3.0's interpreter (the one beside torch 2.4) reads a runtime loop bound with
    ``int()`` of a 1-element array, which numpy 2 refuses: the kernels cannot be interpreted
    there (compiled for a GPU they are unaffected; later Triton versions squeeze the array)."""
    if "only 0-dimensional arrays can be converted to Python scalars" in stderr:
        import numpy
        import triton
        pytest.skip(f"Triton {triton.__version__}'s interpreter cannot run with numpy "
                    f"{numpy.__version__}")


@pytest.fixture(scope="module")
def interpreted():
    env = dict(os.environ, TRITON_INTERPRET="1", GPUAUG_TRITON="1")
    run = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(CASES)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        skip_where_the_interpreter_cannot_run(run.stderr)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("index", range(len(CASES)))
def test_fused_color_jitter_matches_eager(interpreted, index):
    case = interpreted["cases"][index]
    assert case["shape"] == case["eager_shape"]
    assert case["diff"] < 1e-5, CASES[index]
    if CASES[index][4]:
        assert case["skipped_exact"], "skipped samples must be the input bit for bit"


def test_color_jitter_transform_runs_fused_under_the_interpreter(interpreted):
    routed, plain = interpreted["kernels"]
    assert interpreted["launches"] == 2
    # the chain's six clipped slots and hue turn (about 47 aten kernels) are two Triton launches;
    # the draws, the slot table and the uint8 conversions stay
    assert plain - routed >= 40, (routed, plain)
    assert interpreted["transform_levels"] <= 1  # uint8 output: float rounding moves a level

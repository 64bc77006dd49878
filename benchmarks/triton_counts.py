"""What gpuaug's Triton kernels (gpuaug.functional.fused: ColorJitter on CUDA eager) change in
an eager call, counted on the CPU: the benches' pipelines and ColorJitter, once with the kernels
(run by Triton's interpreter, ``TRITON_INTERPRET=1``, which this script sets) and once without
(``GPUAUG_TRITON=0``'s aten path), on the same seeded batch.

    python -m benchmarks.triton_counts [--batch 32] [--size 224]

Kernels: opcount's aten kernels plus the Triton launches. MB written: opcount's figure, which
counts the Triton kernels' outputs through the ``empty_like`` that allocates them. No times:
the interpreter runs each program in Python; speed needs a GPU (benchmarks/gpu.sh).
"""
from __future__ import annotations

import argparse
import os

os.environ["TRITON_INTERPRET"] = "1"  # before gpuaug and Triton are imported

import torch  # noqa: E402

from gpuaug.functional import fused  # noqa: E402

from .opcount import count  # noqa: E402
from .run import TritonLaunches, make_inputs  # noqa: E402
from .specs import all_benches  # noqa: E402

NAMES = ("ImageNet pipeline", "detection (boxes, masks, keypoints)", "ColorJitter")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args(argv)
    if fused._kernels() is None:
        raise SystemExit("Triton is not installed: nothing to count")
    benches = {b.name: b for b in all_benches() if b.name in NAMES}
    print(f"Eager calls at batch {args.batch}, {args.size} px, on the CPU "
          "(Triton kernels under TRITON_INTERPRET=1)\n")
    print("| benchmark | kernels with Triton (aten + launches) | kernels without | "
          "MB written with | MB written without |")
    print("|---|---|---|---|---|")
    for name in NAMES:
        bench = benches[name]
        side = int(args.size * 8 / 7) if bench.family == "pipeline" else args.size  # as run.py
        inputs = make_inputs(args.batch, args.size, torch.device("cpu"), input_size=side)
        figures = []
        for enabled in (True, False):
            fused._ENABLED = enabled
            torch.manual_seed(0)
            call = bench.gpuaug(args.size)
            with TritonLaunches() as launches:
                stats = count(lambda: call(inputs))
            figures.append((stats.kernels, launches.per_call, stats.bytes_written / 1e6))
        (k1, l1, mb1), (k0, _, mb0) = figures
        print(f"| {name} | {k1 + l1} ({k1} + {l1}) | {k0} | {mb1:.1f} | {mb0:.1f} |")
    fused._ENABLED = True
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A CPU study: where the ImageNet pipeline's time goes, stage by stage, in gpuaug (eager and
compiled) and in albumentations (one image at a time, one thread), on the same batch.

    OMP_NUM_THREADS=1 python -m benchmarks.stages --batch 32 --rounds 5 [--allocator retain]

Each library runs the pipeline's first 2, 3, 4 and 5 transforms (RandomResizedCrop +
HorizontalFlip, then + ColorJitter, + GaussianBlur, + Normalize), every prefix timed in turn
(``run.time_call``: the median call), round after round; a stage's cost is its prefix's time less
the previous prefix's. A prefix's own end differs from the pipeline's middle: gpuaug rounds and
converts its result to uint8 when the prefix ends before Normalize (albumentations keeps uint8
between steps throughout). With ``OMP_NUM_THREADS=1`` both sides have one core: the per-core
comparison of the issue's targets.
"""
from __future__ import annotations

import argparse
import statistics
import sys

import torch

import gpuaug as A

from .run import (ALLOCATORS, allocator_label, device_name, make_inputs, restart_with_allocator,
                  time_call)
from .specs import albumentations_imagenet, imagenet_pipeline

STAGES = ("RandomResizedCrop + HorizontalFlip", "+ ColorJitter", "+ GaussianBlur", "+ Normalize")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.5,
                        help="seconds each prefix is timed for per round (at least 3 calls)")
    parser.add_argument("--allocator", choices=tuple(ALLOCATORS), default="default")
    args = parser.parse_args(argv)
    restart_with_allocator(args.allocator, ["-m", "benchmarks.stages",
                                            *(sys.argv[1:] if argv is None else argv)])
    import albumentations as Alb
    import cv2
    cv2.setNumThreads(1)
    torch._dynamo.config.cache_size_limit = max(64, torch._dynamo.config.cache_size_limit)
    inputs = make_inputs(args.batch, args.size, torch.device("cpu"), int(args.size * 8 / 7))
    ours = list(imagenet_pipeline(args.size))
    theirs = albumentations_imagenet(args.size)
    cases = {}
    for stage, end in zip(STAGES, range(2, 6)):
        eager = A.Compose(ours[:end])
        cases[("gpuaug", stage)] = lambda aug=eager: aug(inputs.image)
        compiled = torch.compile(A.Compose(ours[:end]), fullgraph=True, dynamic=False)
        cases[("gpuaug compiled", stage)] = lambda aug=compiled: aug(inputs.image)
        albu = Alb.Compose(theirs[:end])
        cases[("albumentations", stage)] = lambda aug=albu: [aug(image=i)["image"]
                                                             for i in inputs.numpy_images]
    cpu = torch.device("cpu")
    ms = {key: [] for key in cases}
    for _ in range(args.rounds):  # (time_call warms each case up: the first round compiles)
        for key, fn in cases.items():
            ms[key].append(time_call(fn, cpu, args.min_time) / args.batch * 1e3)
    libs = ("gpuaug", "gpuaug compiled", "albumentations")
    print(f"# {device_name(cpu)} | allocator {allocator_label()} | ImageNet "
          f"pipeline, {args.batch} images of {args.size} px, median of {args.rounds} rounds")
    print("| ms per image (the stage's own) | " + " | ".join(libs) + " |")
    print("|---|" + "---|" * len(libs))
    before = dict.fromkeys(libs, 0.0)
    for stage in STAGES:
        cells = []
        for lib in libs:
            total = statistics.median(ms[(lib, stage)])
            cells.append(f"{total:.3f} ({total - before[lib]:+.3f})")
            before[lib] = total
        print(f"| {stage} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

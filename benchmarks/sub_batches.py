"""A CPU study: the ImageNet pipeline on one batch of B images, called on sub-batches of k images
(B / k calls), eager and compiled, timed in turn round after round.

    python -m benchmarks.sub_batches --batch 32 --sizes 1,4,8,32 --rounds 3 [--allocator retain|thp]

Two effects move these figures. The allocator: a call allocates its intermediate images afresh
(a compiled graph's buffers, 19 MB each for 32 images of 224 px in float32), and glibc hands
large freed blocks back to the system, so the next call page-faults them in again; small calls'
buffers stay in the heap. ``--allocator retain`` (glibc told to keep freed memory, as in
``python -m gpuaug bench``) removes that effect, ``--allocator thp`` (PyTorch's huge-page
allocation) makes it smaller, and either leaves the second: the cache, as each op is
one loop over the call's whole batch and a small call's intermediates stay in the L2 cache between
loops. On a GPU neither applies: pass the whole batch (launches and the seeded draws' call counter
are per call).
"""
from __future__ import annotations

import argparse
import sys
import time

import torch

from .run import ALLOCATORS, allocator_label, device_name, make_inputs, restart_with_allocator
from .specs import imagenet_pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--sizes", default="1,4,8,32", help="sub-batch sizes (divisors of --batch)")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=7, help="timed batches per round and case")
    parser.add_argument("--allocator", choices=tuple(ALLOCATORS), default="default")
    args = parser.parse_args(argv)
    restart_with_allocator(args.allocator, ["-m", "benchmarks.sub_batches",
                                            *(sys.argv[1:] if argv is None else argv)])
    subs = [int(k) for k in args.sizes.split(",")]
    if any(args.batch % k for k in subs):
        parser.error(f"every sub-batch size must divide --batch {args.batch}, got {subs}")
    torch._dynamo.config.cache_size_limit = max(64, torch._dynamo.config.cache_size_limit)
    images = make_inputs(args.batch, args.size, torch.device("cpu"), int(args.size * 8 / 7)).image
    cases = {}
    for k in subs:
        cases[("eager", k)] = imagenet_pipeline(args.size)
        cases[("compiled", k)] = torch.compile(imagenet_pipeline(args.size), fullgraph=True, dynamic=False)

    def whole_batch(fn, k):
        for start in range(0, args.batch, k):
            fn(images[start:start + k])

    seconds = {key: [] for key in cases}
    for key, fn in cases.items():  # warm-up and compile
        whole_batch(fn, key[1])
    for _ in range(args.rounds):
        for key, fn in cases.items():
            times = []
            for _ in range(args.calls):
                start = time.perf_counter()
                whole_batch(fn, key[1])
                times.append(time.perf_counter() - start)
            seconds[key].append(sorted(times)[len(times) // 2])
    print(f"# {device_name(torch.device('cpu'))} | allocator {allocator_label()} | ImageNet "
          f"pipeline, {args.batch} images of {args.size} px per batch, median of {args.rounds} rounds")
    print("| mode | " + " | ".join(f"{k} per call" for k in subs) + " |")
    print("|---|" + "---|" * len(subs))
    for mode in ("eager", "compiled"):
        cells = []
        for k in subs:
            rounds = sorted(seconds[(mode, k)])
            cells.append(f"{args.batch / rounds[len(rounds) // 2]:,.0f}")
        print(f"| {mode} img/s | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m gpuaug demo``: augment a generated sample batch (image, mask, boxes, keypoints),
write a before/after picture and print the throughput."""
from __future__ import annotations

import argparse
import time

import torch

import gpuaug as A
from gpuaug.sample import sample_batch
from gpuaug.visualize import draw_targets, image_grid, save_png


def demo_pipeline(size: int = 224, seed: int | None = 0) -> A.Compose:
    """A detection-style pipeline: crop, flip, affine, perspective, colour, blur."""
    return A.Compose([
        A.RandomResizedCrop((size, size), scale=(0.35, 1.0)),
        A.HorizontalFlip(),
        A.Affine(rotate=(-20, 20), scale=(0.9, 1.1), shear=(-8, 8), p=0.7),
        A.Perspective(scale=(0.02, 0.06), p=0.5),
        A.ColorJitter(p=0.8),
        A.GaussianBlur(p=0.3),
    ], bbox_params=A.BboxParams("pascal_voc", min_visibility=0.3),
        keypoint_params=A.KeypointParams("xy"), seed=seed)


def _time(fn, device: torch.device, min_seconds: float = 1.0) -> float:
    """Seconds per call: warm up, then repeat for at least ``min_seconds``."""
    for _ in range(3):
        fn()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        sync()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds and calls >= 3:
            return elapsed / calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gpuaug demo", description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=224, help="output size of the crop")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", default="demo.png", help="where to write the before/after picture")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile(fullgraph=True)")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    # on the CPU, keep freed memory: per-call buffers otherwise page-fault in on every call
    retained = device.type == "cpu" and A.retain_freed_memory()

    data = {k: v.to(device) for k, v in sample_batch(args.batch, (256, 320), objects=3).items()}
    aug = demo_pipeline(args.size)
    out = aug(**data)

    shown = min(6, args.batch)
    before = [draw_targets(data["image"][i], data["mask"][i], data["bboxes"][i], None,
                           data["keypoints"][i]) for i in range(shown)]
    after = [draw_targets(out["image"][i], out["mask"][i], out["bboxes"][i], out["bbox_valid"][i],
                          out["keypoints"][i], out["keypoint_valid"][i]) for i in range(shown)]
    path = save_png(image_grid([before, after]), args.out)
    print(f"wrote {path}: top row the inputs, bottom row augmented (grey boxes: marked invalid)")

    seconds = _time(lambda: aug(**data), device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else \
        f"CPU ({torch.get_num_threads()} threads{', freed memory retained' if retained else ''})"
    print(f"{args.batch} images 256x320 -> {args.size}x{args.size} with mask, boxes and keypoints on {name}: "
          f"{args.batch / seconds:,.0f} images/s eager")
    if args.compile:
        compiled = torch.compile(demo_pipeline(args.size), fullgraph=True)
        seconds = _time(lambda: compiled(**data), device)
        print(f"{args.batch / seconds:,.0f} images/s compiled")
    return 0

"""The benchmark suite: one entry point (``python -m gpuaug bench`` or ``python -m benchmarks.run``).

For every benchmark x batch size x image size, each library runs the same augmentation on the same
uint8 batch in the same process: gpuaug eager (and compiled with --compile), kornia eager,
torchvision v2 per sample (a loop: per-sample randomness like the others) and on the whole batch
(one draw for the batch: not like-for-like, labelled so), albumentations one image at a time on
one thread, and NVIDIA DALI's CPU operators on the batch where DALI is installed (skipped
otherwise; the ImageNet pipeline only). Each row gives images/s, the ratio gpuaug/peer, and for
the torch libraries the kernels, host syncs and MB written per image counted by
benchmarks/opcount.py. A table is printed and a JSON and a CSV file are written with the device,
library versions and date.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch
from torch.utils._python_dispatch import _disable_current_modes
from torch.utils._pytree import tree_flatten

from .opcount import count
from .report import floor_table
from .specs import Inputs, all_benches

# glibc settings that keep freed memory in the heap: without them every large buffer a call
# allocates is fresh memory that page-faults on first touch (on the CPU this costs more than the
# arithmetic of most transforms, for every torch library alike); CUDA's caching allocator has no
# such cost. PyTorch's CPU tuning guide suggests jemalloc/tcmalloc for the same reason.
RETAIN_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(1 << 32), "MALLOC_TRIM_THRESHOLD_": str(1 << 36)}
# PyTorch's own switch: its CPU allocator aligns large blocks to 2 MB and asks for transparent huge
# pages, so a fresh buffer page-faults once per 2 MB instead of once per 4 kB
HUGE_PAGES = {"THP_MEM_ALLOC_ENABLE": "1"}
# "mallopt": RETAIN_MALLOC's two thresholds set at run time, by gpuaug.retain_freed_memory()
ALLOCATORS = {"default": {}, "retain": RETAIN_MALLOC, "thp": HUGE_PAGES, "mallopt": {}}
_retained_by_call = False


def restart_with_allocator(name: str, python_args: list[str]) -> None:
    """Run ``python *python_args`` again in this process's place with allocator ``name``'s
    environment set (glibc and PyTorch read it at start-up); return at once where it is set.
    "mallopt" needs no restart: it calls ``gpuaug.retain_freed_memory()`` here."""
    global _retained_by_call
    if name == "mallopt":
        import gpuaug
        if not gpuaug.retain_freed_memory():
            raise SystemExit("--allocator mallopt: gpuaug.retain_freed_memory() needs Linux with glibc")
        _retained_by_call = True
    settings = ALLOCATORS[name]
    if any(os.environ.get(k) != v for k, v in settings.items()):
        os.environ.update(settings)
        os.execv(sys.executable, [sys.executable, *python_args])


def allocator_label() -> str:
    keys = [k for settings in ALLOCATORS.values() for k in settings if k in os.environ]
    called = ["gpuaug.retain_freed_memory()"] if _retained_by_call else []
    return " ".join([f"{k}={os.environ[k]}" for k in keys] + called) or "default"


LIBS = ["gpuaug", "gpuaug compiled", "kornia", "kornia compiled", "torchvision loop",
        "torchvision batch*", "albumentations", "dali"]


def make_inputs(batch: int, size: int, device: torch.device, input_size: int | None = None,
                layout: str = "nchw") -> Inputs:
    """``layout="channels-last"``: the torch libraries get the batch as a DataLoader yields it,
    (B, H, W, C) permuted to (B, C, H, W) (what ``gpuaug.to_tensor`` gives)."""
    from gpuaug.sample import sample_batch
    side = input_size or size
    data = sample_batch(batch, (side, side), objects=3, seed=0)
    if layout == "channels-last":
        data["image"] = data["image"].contiguous(memory_format=torch.channels_last)
    elif layout != "nchw":
        raise ValueError(f"layout must be 'nchw' or 'channels-last', got {layout!r}")
    numpy_images = [img.permute(1, 2, 0).contiguous().numpy() for img in data["image"]]
    numpy_masks = [m.numpy().astype("uint8") for m in data["mask"]]
    numpy_boxes = [b.numpy() for b in data["bboxes"]]
    return Inputs(image=data["image"].to(device), mask=data["mask"].to(device),
                  bboxes=data["bboxes"].to(device), keypoints=data["keypoints"].to(device),
                  numpy_images=numpy_images, numpy_masks=numpy_masks, numpy_boxes=numpy_boxes)


def _sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_call(fn, device: torch.device, min_time: float, max_calls: int = 200) -> float:
    """Median seconds per call over repeats lasting at least ``min_time`` in all (after warm-up)."""
    fn()
    fn()
    _sync(device)
    times, total = [], 0.0
    while (total < min_time or len(times) < 3) and len(times) < max_calls:
        start = time.perf_counter()
        fn()
        _sync(device)
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        total += elapsed
    times.sort()
    return times[len(times) // 2]


def copy_bandwidth(device: torch.device, mib: int | None = None) -> float:
    """Bytes per second that one copy of a large buffer moves on ``device`` (read plus written,
    the buffer past every cache: 1 GiB on a GPU, 256 MiB on the CPU): the memory speed against
    which ``floor_bytes`` gives each benchmark its floor."""
    mib = mib or (1024 if device.type == "cuda" else 256)
    source = torch.empty(mib << 20, dtype=torch.uint8, device=device).fill_(1)
    target = torch.empty_like(source)
    times = []
    for _ in range(12):  # the first two are a warm-up; the median of the other ten
        _sync(device)
        start = time.perf_counter()
        target.copy_(source)
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * source.numel() / sorted(times[2:])[5]


def floor_bytes(inputs: Inputs, output) -> int:
    """The bytes one call must move at least: every input it returns a result for (the image
    alone for an image-only call; with a dict, its image, mask, bboxes and keypoints) read once,
    and every tensor it returns written once."""
    written = sum(t.numel() * t.element_size() for t in tree_flatten(output)[0]
                  if isinstance(t, torch.Tensor))
    keys = [k for k in ("image", "mask", "bboxes", "keypoints") if k in output] \
        if isinstance(output, dict) else ["image"]
    read = sum(getattr(inputs, k).numel() * getattr(inputs, k).element_size() for k in keys)
    return read + written


class TritonLaunches:
    """Counts the launches of gpuaug's Triton kernels (gpuaug.functional.fused, CUDA eager) during
    ``count``: they are not aten ops, so opcount does not see them. ``per_call``: launches per
    call, ``count`` calling twice (a warm-up, then the counted call)."""

    def __init__(self):
        from gpuaug.functional import fused
        self.module = fused._kernels()
        self.calls = 0
        self.saved = {}

    def __enter__(self):
        for name in getattr(self.module, "LAUNCHED", ()):
            kernel = self.saved[name] = getattr(self.module, name)
            setattr(self.module, name, _Counted(kernel, self))
        return self

    def __exit__(self, *exc):
        for name, kernel in self.saved.items():
            setattr(self.module, name, kernel)

    @property
    def per_call(self) -> int:
        return self.calls // 2


class _Counted:
    def __init__(self, kernel, tally: TritonLaunches):
        self.kernel, self.tally = kernel, tally

    def __getitem__(self, grid):
        self.tally.calls += 1

        def launch(*args, **kwargs):
            # outside opcount's dispatch mode: Triton's CPU interpreter runs on aten ops
            with _disable_current_modes():
                return self.kernel[grid](*args, **kwargs)
        return launch


def triton_label(device: torch.device) -> str:
    """Whether gpuaug's Triton kernels ran (CUDA eager only; see gpuaug.functional.fused)."""
    from gpuaug.functional import fused
    if device.type != "cuda":
        return "not used (CPU)"
    if not fused._ENABLED:
        return "off (GPUAUG_TRITON=0)"
    return "on" if fused._kernels() is not None else "off (Triton not installed)"


def versions() -> dict:
    out = {"python": platform.python_version(), "torch": torch.__version__}
    for name in ("gpuaug", "kornia", "torchvision", "albumentations", "cv2", "nvidia.dali"):
        key = name.removeprefix("nvidia.")
        try:
            out[key] = getattr(importlib.import_module(name), "__version__", "?")
        except ImportError:
            out[key] = None
    return out


def dali_installed() -> bool:
    try:
        return importlib.util.find_spec("nvidia.dali") is not None
    except ModuleNotFoundError:  # no "nvidia" package at all
        return False


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {torch.get_num_threads()} threads"


def _progress(done: int, total: int, label: str):
    width = 28
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:60]:60s}")
    sys.stderr.flush()
    if done == total:
        sys.stderr.write("\n")


def run(benches, batches, sizes, device, libs, min_time, compile_mode, counts=True,
        rounds: int = 1, rows: list[dict] | None = None, layout: str = "nchw") -> list[dict]:
    """Every library on every job. With ``rounds`` > 1 the libraries are timed in turn, round
    after round (each round ``min_time`` per library), and a row gives the median round: a
    machine whose speed drifts during the run then moves every library alike. ``rows``: a
    list that receives each job's rows as the job finishes (what an interrupted run keeps)."""
    import cv2
    cv2.setNumThreads(1)  # albumentations' method: one image at a time on one thread
    rows = [] if rows is None else rows
    jobs = [(b, n, s) for b in benches for n in batches for s in sizes]
    for index, (bench, batch, size) in enumerate(jobs):
        _progress(index, len(jobs), f"{bench.name} B={batch} {size}px")
        inputs = make_inputs(batch, size, device, layout=layout,
                             input_size=int(size * 8 / 7) if bench.family == "pipeline" else size)
        builders = {
            "gpuaug": bench.gpuaug, "kornia": bench.kornia, "torchvision loop": bench.tv_loop,
            "torchvision batch*": bench.tv_batch, "albumentations": bench.albumentations,
            "dali": bench.dali,
        }
        # one process compiles many modules that share Transform.forward: each job starts from
        # an empty cache, or Dynamo's recompile limit (8) ends the run early
        torch._dynamo.reset()
        if "gpuaug compiled" in libs:
            builders["gpuaug compiled"] = lambda s, bench=bench: torch.compile(
                bench.gpuaug(s), fullgraph=True, mode=compile_mode)
        if "kornia compiled" in libs and bench.kornia is not None:
            # kornia has graph breaks: no fullgraph
            builders["kornia compiled"] = lambda s, bench=bench: torch.compile(
                bench.kornia(s), mode=compile_mode)
        job_rows, calls, seconds = [], {}, {}
        for lib in libs:
            if builders.get(lib) is None:
                continue
            row = {"bench": bench.name, "family": bench.family, "batch": batch, "size": size, "lib": lib}
            job_rows.append(row)
            try:
                fn = builders[lib](size)
                calls[lib], seconds[lib] = (lambda fn=fn: fn(inputs)), []
            except Exception as err:  # a peer that cannot run this case is reported, not fatal
                row["error"] = f"{type(err).__name__}: {str(err)[:160]}"
        interrupted = False
        try:
            for _ in range(rounds):
                for row in job_rows:
                    lib = row["lib"]
                    if "error" in row:
                        continue
                    try:
                        seconds[lib].append(time_call(calls[lib], device, min_time))
                    except Exception as err:
                        row["error"] = f"{type(err).__name__}: {str(err)[:160]}"
        except KeyboardInterrupt:  # a time limit struck mid-job: keep the libraries timed so far
            interrupted = True
            job_rows = [row for row in job_rows if seconds.get(row["lib"])]
        for row in job_rows:
            lib = row["lib"]
            if "error" in row:
                continue
            times = sorted(seconds[lib])
            row["images_per_s"] = batch / times[len(times) // 2]
            if rounds > 1:
                row["images_per_s_rounds"] = [batch / t for t in seconds[lib]]
            if lib == "gpuaug":
                row["floor_bytes_per_image"] = floor_bytes(inputs, calls[lib]()) / batch
            if counts and not interrupted and lib in ("gpuaug", "kornia", "torchvision loop",
                                                      "torchvision batch*"):
                try:
                    with TritonLaunches() as launches:
                        stats = count(calls[lib])
                    kernels = stats.kernels + launches.per_call
                    row.update(kernels=kernels, syncs=stats.syncs,
                               kernels_per_image=kernels / batch,
                               mb_written_per_image=stats.bytes_written / batch / 1e6)
                except Exception as err:
                    row["error"] = f"{type(err).__name__}: {str(err)[:160]}"
        rows.extend(job_rows)
        if interrupted:
            raise KeyboardInterrupt
    _progress(len(jobs), len(jobs), "done")
    return rows


def add_ratios(rows: list[dict]) -> None:
    """Each row's ``gpuaug_speedup``: gpuaug eager's images/s over the row's, same job."""
    base = {(r["bench"], r["batch"], r["size"]): r.get("images_per_s") for r in rows if r["lib"] == "gpuaug"}
    for r in rows:
        ref = base.get((r["bench"], r["batch"], r["size"]))
        if ref and r.get("images_per_s"):
            r["gpuaug_speedup"] = ref / r["images_per_s"]


def format_table(rows: list[dict]) -> str:
    lines = [f"{'benchmark':38s} {'B':>4s} {'size':>5s} {'library':20s} {'img/s':>11s} "
             f"{'gpuaug x':>9s} {'kernels':>8s} {'syncs':>6s} {'MB/img':>8s}"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['bench'][:38]:38s} {r['batch']:>4d} {r['size']:>5d} {r['lib']:20s} "
                         f"error: {r['error'][:60]}")
            continue
        speed = r.get("gpuaug_speedup")
        lines.append(
            f"{r['bench'][:38]:38s} {r['batch']:>4d} {r['size']:>5d} {r['lib']:20s} "
            f"{r['images_per_s']:>11,.0f} {'' if speed is None else f'{speed:.2f}':>9s} "
            f"{r.get('kernels', ''):>8} {r.get('syncs', ''):>6} "
            f"{'' if 'mb_written_per_image' not in r else format(r['mb_written_per_image'], '.2f'):>8s}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gpuaug bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch", default="32", help="comma-separated batch sizes, e.g. 1,32,256")
    parser.add_argument("--size", default="224", help="comma-separated output sizes, e.g. 224,512")
    parser.add_argument("--family", default="all",
                        help="pipeline, geometric, crops, color, blur, noise, compression, dropout or all")
    parser.add_argument("--only", default="", help="comma-separated benchmark names to keep")
    parser.add_argument("--libs", default=",".join(LIBS), help=f"comma-separated subset of {LIBS}")
    parser.add_argument("--compile", action="store_true",
                        help="add gpuaug compiled (and kornia compiled when listed in --libs)")
    parser.add_argument("--compile-mode", default=None, help='torch.compile mode, e.g. "reduce-overhead"')
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds of timed calls per row")
    parser.add_argument("--rounds", type=int, default=1,
                        help="time the libraries in turn this many times and keep each one's "
                             "median round (steadier ratios on a machine whose speed drifts)")
    parser.add_argument("--layout", choices=("nchw", "channels-last"), default="nchw",
                        help="the torch libraries' input batch: NCHW-contiguous, or channels-last "
                             "as a DataLoader's (B, H, W, C) batch permuted by gpuaug.to_tensor")
    parser.add_argument("--no-counts", action="store_true", help="skip the op counts")
    parser.add_argument("--out", default="benchmarks/results", help="folder for the JSON and CSV files")
    parser.add_argument("--allocator", choices=tuple(ALLOCATORS), default="default",
                        help="retain: restart with glibc's heap kept between calls (no page faults "
                             "on fresh buffers; see RETAIN_MALLOC); thp: restart with PyTorch's "
                             "huge-page allocation (THP_MEM_ALLOC_ENABLE=1); mallopt: retain's "
                             "settings made at run time by gpuaug.retain_freed_memory()")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    restart_with_allocator(args.allocator, ["-m", "gpuaug", "bench", *argv])

    device = torch.device(args.device)
    libs = [lib for lib in args.libs.split(",") if lib]
    if args.compile and "gpuaug compiled" not in libs:
        libs.insert(1, "gpuaug compiled")
    if not args.compile:
        libs = [lib for lib in libs if not lib.endswith("compiled")]
    if "dali" in libs and not dali_installed():
        libs.remove("dali")
        print("# NVIDIA DALI is not installed: no DALI rows", file=sys.stderr)
    benches = [b for b in all_benches() if args.family in ("all", b.family)]
    if args.only:
        keep = {n.strip() for n in args.only.split(",")}
        benches = [b for b in benches if b.name in keep]
    batches = [int(b) for b in args.batch.split(",")]
    sizes = [int(s) for s in args.size.split(",")]

    started = dt.datetime.now(dt.timezone.utc)
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")
    rows: list[dict] = []
    interrupted = False
    try:
        run(benches, batches, sizes, device, libs, args.min_time, args.compile_mode,
            counts=not args.no_counts, rounds=args.rounds, rows=rows, layout=args.layout)
    except KeyboardInterrupt:  # (a time limit's SIGINT: keep and write the finished jobs)
        interrupted = True
        print(f"\n# interrupted: {len(rows)} rows of finished jobs kept", file=sys.stderr)
    add_ratios(rows)
    bandwidth = copy_bandwidth(device)
    meta = {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "device": device_name(device),
            "versions": versions(), "command": "python -m gpuaug bench " + " ".join(argv),
            "allocator": allocator_label(), "gpuaug_triton": triton_label(device), "layout": args.layout,
            "copy_gb_per_s": bandwidth / 1e9,
            "note": "torchvision batch* draws one set of parameters for the whole batch: not like-for-like"}
    if interrupted:
        meta["interrupted"] = True
    print(f"# {meta['device']} | {meta['date']} | allocator {meta['allocator']} | "
          f"Triton kernels {meta['gpuaug_triton']} | " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v))
    print(format_table(rows))
    print(f"# one large copy moved {meta['copy_gb_per_s']:,.1f} GB/s; the memory floors:")
    print(floor_table(meta, rows) or "(none: no gpuaug rows)")
    print("* torchvision on the whole batch draws one parameter set per batch (not per sample).")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{device.type}-{started.strftime('%Y%m%d-%H%M%S')}"
    (out / f"{stem}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    with open(out / f"{stem}.csv", "w", newline="") as f:
        fields = ["bench", "family", "batch", "size", "lib", "images_per_s", "gpuaug_speedup", "kernels",
                  "syncs", "kernels_per_image", "mb_written_per_image", "floor_bytes_per_image",
                  "error"]
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / stem}.json and .csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

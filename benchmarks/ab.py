"""Two versions of gpuaug timed against each other in one process.

    python -m benchmarks.ab --before 801310d --only CenterCrop,Normalize --layout channels-last

The machine's speed drifts (the 2-core VM ran one pipeline at 56 to 120 ms per call within an
hour), so before / after figures from two runs minutes apart mislead. This loads the package as
it was at git revision ``--before`` (``git archive``, imported as ``gpuaug_before``) beside the
working tree's, builds each benchmark's gpuaug callable with each (benchmarks/specs.py and
transforms_specs.py, the same arguments), checks that both return the same values under one seed,
and times them in alternation, round after round: the medians then compare like with like. A
table is printed and a JSON file written with the command, device, date and both revisions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import torch

from . import specs, transforms_specs
from .run import (ALLOCATORS, _progress, _sync, allocator_label, device_name, make_inputs,
                  restart_with_allocator, versions)

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True).stdout


def load_before(revision: str, folder: Path):
    """The ``gpuaug`` package of ``revision``, importable as ``gpuaug_before`` (its modules
    import each other relatively)."""
    archive = _git("archive", "--format=tar", revision, "gpuaug")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)
    (folder / "gpuaug").rename(folder / "gpuaug_before")
    sys.path.insert(0, str(folder))
    return importlib.import_module("gpuaug_before")


def build(bench, size: int, package):
    """``bench``'s gpuaug callable built with ``package`` (the spec modules' ``A``, swapped)."""
    saved = specs.A, transforms_specs.A
    specs.A = transforms_specs.A = package
    try:
        return bench.gpuaug(size)
    finally:
        specs.A, transforms_specs.A = saved


def same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return torch.equal(a, b)


def run(benches, before_pkg, after_pkg, batch, size, device, layouts, rounds, calls,
        compiled: bool = False) -> list[dict]:
    """``layouts``: the (before, after) input layouts; ``compiled``: both sides under
    ``torch.compile(fullgraph=True)`` (compiled and checked before the timing)."""
    rows = []
    for index, bench in enumerate(benches):
        _progress(index, len(benches), bench.name)
        side = int(size * 8 / 7) if bench.family == "pipeline" else size
        inputs = {name: make_inputs(batch, size, device, input_size=side, layout=layout)
                  for name, layout in zip(("before", "after"), layouts)}
        torch._dynamo.reset()
        fns = {"before": build(bench, size, before_pkg), "after": build(bench, size, after_pkg)}
        if compiled:
            fns = {name: torch.compile(fn, fullgraph=True) for name, fn in fns.items()}
        outs = {}
        for name, fn in fns.items():
            torch.manual_seed(0)
            outs[name] = fn(inputs[name])
        times = {name: [] for name in fns}
        for _ in range(rounds):
            for name, fn in fns.items():
                for _ in range(calls):
                    _sync(device)
                    start = time.perf_counter()
                    fn(inputs[name])
                    _sync(device)
                    times[name].append(time.perf_counter() - start)
        median = {name: sorted(t)[len(t) // 2] for name, t in times.items()}
        rows.append({"bench": bench.name, "batch": batch, "size": size, "compiled": compiled,
                     "before_ms": median["before"] * 1e3, "after_ms": median["after"] * 1e3,
                     "after_over_before": median["after"] / median["before"],
                     "same_output": same(outs["before"], outs["after"])})
    _progress(len(benches), len(benches), "done")
    sys.stderr.write("\n")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git revision to compare with")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--family", default="all")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--layout", choices=("nchw", "channels-last"), default="nchw",
                        help="the input batch's layout (see python -m gpuaug bench --help)")
    parser.add_argument("--before-layout", choices=("nchw", "channels-last"), default=None,
                        help="another layout for the before side (default: --layout); with "
                             "--before HEAD this compares the two layouts on one code")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--compile", action="store_true",
                        help="time both versions under torch.compile(fullgraph=True)")
    parser.add_argument("--rounds", type=int, default=5, help="alternations of before and after")
    parser.add_argument("--calls", type=int, default=3, help="timed calls per version per round")
    parser.add_argument("--allocator", choices=tuple(ALLOCATORS), default="default")
    parser.add_argument("--out", default="benchmarks/results")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    restart_with_allocator(args.allocator, ["-m", "benchmarks.ab", *argv])

    benches = [b for b in specs.all_benches() if args.family in ("all", b.family)]
    if args.only:
        keep = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(keep) - {b.name for b in benches})
        if unknown:
            parser.error(f"unknown benchmark names: {unknown}")
        benches = [b for b in benches if b.name in keep]
    after_rev = _git("rev-parse", "--short", "HEAD").decode().strip()
    if _git("status", "--porcelain", "gpuaug"):
        after_rev += " + working tree"
    started = dt.datetime.now(dt.timezone.utc)
    device = torch.device(args.device)
    import gpuaug
    with tempfile.TemporaryDirectory() as folder:
        before_pkg = load_before(args.before, Path(folder))
        layouts = (args.before_layout or args.layout, args.layout)
        rows = run(benches, before_pkg, gpuaug, args.batch, args.size, device, layouts,
                   args.rounds, args.calls, compiled=args.compile)
    meta = {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "device": device_name(device),
            "versions": versions(), "command": "python -m benchmarks.ab " + " ".join(argv),
            "allocator": allocator_label(), "before": args.before, "after": after_rev,
            "layout": args.layout, "before_layout": layouts[0],
            "threads": torch.get_num_threads()}
    print(f"# {meta['device']} | {meta['date']} | allocator "
          f"{meta['allocator']} | before {args.before} ({layouts[0]}), after {after_rev} "
          f"({layouts[1]}){', compiled' if args.compile else ''}")
    print("| benchmark | B | size | before ms | after ms | after ÷ before | same values |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['bench']} | {r['batch']} | {r['size']} | {r['before_ms']:.2f} | "
              f"{r['after_ms']:.2f} | {r['after_over_before']:.2f}× | "
              f"{'yes' if r['same_output'] else 'NO'} |")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"ab-{device.type}-{started.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

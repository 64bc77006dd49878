"""Render benchmark JSON files (from benchmarks/run.py) as Markdown tables for RESULTS.md / README.

    python -m benchmarks.report benchmarks/results/cpu-*.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ORDER = ["gpuaug", "gpuaug compiled", "kornia", "kornia compiled", "torchvision loop",
         "torchvision batch*", "albumentations", "dali"]


def load(paths: list[str]) -> tuple[dict, list[dict]]:
    meta, rows = {}, []
    for path in paths:
        data = json.loads(Path(path).read_text())
        meta = meta or data["meta"]
        rows.extend(data["rows"])
    return meta, rows


def paired_ratio(ours: dict, theirs: dict) -> float | None:
    """The median over rounds of the two libraries' ratio within each round (None without
    rounds): both were timed seconds apart in a round, so on a machine whose speed drifts from
    second to second this reads the ratio more steadily than the ratio of the two medians."""
    a, b = ours.get("images_per_s_rounds"), theirs.get("images_per_s_rounds")
    if not a or not b or len(a) != len(b) or len(a) < 2:
        return None
    ratios = sorted(x / y for x, y in zip(a, b))
    n = len(ratios)
    return ratios[n // 2] if n % 2 else (ratios[n // 2 - 1] + ratios[n // 2]) / 2


def table(rows: list[dict], with_counts: bool = True) -> str:
    """One line per (benchmark, batch, size): images/s per library, gpuaug's ratios to kornia, and
    the op counts. Later rows replace earlier ones for the same library (merged runs)."""
    keys, cells = [], {}
    for r in rows:
        key = (r["bench"], r["batch"], r["size"])
        if key not in keys:
            keys.append(key)
        if "images_per_s" in r or (key, r["lib"]) not in cells:
            cells[(key, r["lib"])] = r
    libs = [lib for lib in ORDER if any(r["lib"] == lib for r in rows)]
    head = "| benchmark | B | size | " + " | ".join(libs) + " | eager ÷ kornia | compiled ÷ kornia |"
    if with_counts:
        head += " kernels gpuaug / kornia | syncs gpuaug / kornia |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]

    def ips(key, lib):
        return cells.get((key, lib), {}).get("images_per_s")

    def ratio(key, lib):
        a, b = ips(key, lib), ips(key, "kornia")
        if not a or not b:
            return "—"
        paired = paired_ratio(cells.get((key, lib), {}), cells.get((key, "kornia"), {}))
        return f"{a / b:.2f}×" + ("" if paired is None else f" ({paired:.2f}×)")

    for key in keys:
        line = f"| {key[0]} | {key[1]} | {key[2]} | " + " | ".join(
            "—" if ips(key, lib) is None else f"{ips(key, lib):,.0f}" for lib in libs)
        line += f" | {ratio(key, 'gpuaug')} | {ratio(key, 'gpuaug compiled')} |"
        if with_counts:
            ours, theirs = cells.get((key, "gpuaug"), {}), cells.get((key, "kornia"), {})
            line += (f" {ours.get('kernels', '—')} / {theirs.get('kernels', '—')} |"
                     f" {ours.get('syncs', '—')} / {theirs.get('syncs', '—')} |")
        lines.append(line)
    return "\n".join(lines)


def floor_table(meta: dict, rows: list[dict]) -> str:
    """How close each benchmark runs to its memory floor: the bytes a call must move at least
    (``floor_bytes_per_image``: its inputs read once, its outputs written once) at the speed of
    one large copy on the same device (``copy_gb_per_s``), as images per second, and the share
    of that floor gpuaug reaches, eager and compiled. Empty without those fields."""
    bandwidth = meta.get("copy_gb_per_s")
    cells = {(r["bench"], r["batch"], r["size"], r["lib"]): r for r in rows if "images_per_s" in r}
    floors = [(key[:3], r["floor_bytes_per_image"]) for key, r in cells.items()
              if key[3] == "gpuaug" and r.get("floor_bytes_per_image")]
    if not bandwidth or not floors:
        return ""
    lines = ["| benchmark | B | size | MB moved per image at least | floor img/s "
             f"(at {bandwidth:,.1f} GB/s) | gpuaug | gpuaug compiled |",
             "|---|---|---|---|---|---|---|"]
    for key, moved in floors:
        floor = bandwidth * 1e9 / moved

        def share(lib):
            r = cells.get((*key, lib))
            return "—" if r is None else f"{r['images_per_s'] / floor:.1%}"
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {moved / 1e6:.3f} | {floor:,.0f} | "
                     f"{share('gpuaug')} | {share('gpuaug compiled')} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    meta, rows = load(argv)
    setup = f"Allocator: {meta['allocator']}  \n" if meta.get("allocator", "default") != "default" else ""
    if "gpuaug_triton" in meta and not meta["gpuaug_triton"].startswith("not used"):
        setup += f"gpuaug Triton kernels: {meta['gpuaug_triton']}  \n"
    if meta.get("layout", "nchw") != "nchw":
        setup += f"Input layout: {meta['layout']}  \n"
    print(f"Device: {meta['device']} — {meta['date']}  \nCommand: `{meta['command']}`  \n{setup}"
          + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v) + "\n")
    rounds = max((len(r.get("images_per_s_rounds", ())) for r in rows), default=0)
    how = (f" (each the median of {rounds} rounds that timed the libraries in turn; every round's "
           "figure is in the JSON)") if rounds > 1 else ""
    paired = (" (in brackets, with rounds: the median of the ratios within each round)"
              if rounds > 1 else "")
    print(f"Images per second (higher is better){how}; gpuaug's ratio to kornia eager on the same "
          f"batch in the same run{paired}; kernels and host syncs per call from "
          "benchmarks/opcount.py.\n")
    print(table(rows))
    floors = floor_table(meta, rows)
    if floors:
        print("\nThe memory floor: the bytes each call must move at least (its inputs read once, "
              "its outputs written once) at the speed one large buffer copy reached on this "
              "device in the same run; gpuaug's images/s as a share of it.\n")
        print(floors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

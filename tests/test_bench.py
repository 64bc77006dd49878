"""The benchmark entry point runs end to end and records how it ran (a tiny configuration)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.run import RETAIN_MALLOC

ROOT = Path(__file__).resolve().parents[1]


def _bench(tmp_path, *extra):
    env = {k: v for k, v in os.environ.items() if k not in RETAIN_MALLOC}
    subprocess.run([sys.executable, "-m", "gpuaug", "bench", "--family", "pipeline", "--only",
                    "ImageNet pipeline", "--batch", "2", "--size", "32", "--libs", "gpuaug",
                    "--min-time", "0.01", "--out", str(tmp_path), *extra],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    (result,) = tmp_path.glob("*.json")
    return json.loads(result.read_text())


def test_bench_writes_rows_and_default_allocator(tmp_path):
    data = _bench(tmp_path)
    assert data["meta"]["allocator"] == "default"
    (row,) = data["rows"]
    assert row["lib"] == "gpuaug" and row["images_per_s"] > 0 and row["syncs"] == 0


def test_bench_retain_allocator_restarts_with_glibc_settings(tmp_path):
    data = _bench(tmp_path, "--allocator", "retain", "--no-counts")
    for key, value in RETAIN_MALLOC.items():
        assert f"{key}={value}" in data["meta"]["allocator"]
    assert "--allocator retain" in data["meta"]["command"]


def test_bench_rounds_interleave_libraries_and_keep_the_median(tmp_path):
    data = _bench(tmp_path, "--rounds", "3", "--libs", "gpuaug,torchvision batch*", "--no-counts")
    rows = {row["lib"]: row for row in data["rows"]}
    assert set(rows) == {"gpuaug", "torchvision batch*"}
    for row in rows.values():
        rounds = row["images_per_s_rounds"]
        assert len(rounds) == 3 and all(r > 0 for r in rounds)
        assert row["images_per_s"] == sorted(rounds)[1]

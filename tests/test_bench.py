"""The benchmark entry point runs end to end and records how it ran (a tiny configuration)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.run import ALLOCATORS, HUGE_PAGES, RETAIN_MALLOC
from tests.test_fused import skip_where_the_interpreter_cannot_run

ROOT = Path(__file__).resolve().parents[1]


def _bench(tmp_path, *extra):
    env = {k: v for k, v in os.environ.items() if not any(k in a for a in ALLOCATORS.values())}
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
    # the pipeline reads a uint8 3 x 36 x 36 image (32 * 8 / 7) and writes float32 3 x 32 x 32
    assert row["floor_bytes_per_image"] == 3 * 36 * 36 + 3 * 32 * 32 * 4
    assert data["meta"]["copy_gb_per_s"] > 0


def test_bench_retain_allocator_restarts_with_glibc_settings(tmp_path):
    data = _bench(tmp_path, "--allocator", "retain", "--no-counts")
    for key, value in RETAIN_MALLOC.items():
        assert f"{key}={value}" in data["meta"]["allocator"]
    assert "--allocator retain" in data["meta"]["command"]


def test_bench_thp_allocator_restarts_with_pytorch_huge_pages(tmp_path):
    data = _bench(tmp_path, "--allocator", "thp", "--no-counts")
    assert data["meta"]["allocator"] == " ".join(f"{k}={v}" for k, v in HUGE_PAGES.items())


def test_bench_mallopt_allocator_calls_retain_freed_memory(tmp_path):
    data = _bench(tmp_path, "--allocator", "mallopt", "--no-counts")
    assert data["meta"]["allocator"] == "gpuaug.retain_freed_memory()"


def test_bench_rounds_interleave_libraries_and_keep_the_median(tmp_path):
    data = _bench(tmp_path, "--rounds", "3", "--libs", "gpuaug,torchvision batch*", "--no-counts")
    rows = {row["lib"]: row for row in data["rows"]}
    assert set(rows) == {"gpuaug", "torchvision batch*"}
    for row in rows.values():
        rounds = row["images_per_s_rounds"]
        assert len(rounds) == 3 and all(r > 0 for r in rounds)
        assert row["images_per_s"] == sorted(rounds)[1]


def test_bench_dali_rows_only_where_dali_is_installed(tmp_path):
    from benchmarks.run import dali_installed
    data = _bench(tmp_path, "--libs", "gpuaug,dali", "--no-counts")
    libs = {row["lib"] for row in data["rows"]}
    assert libs == ({"gpuaug", "dali"} if dali_installed() else {"gpuaug"})
    assert (data["meta"]["versions"]["dali"] is not None) == dali_installed()


def test_dali_imagenet_pipeline_normalises_like_ours():
    """DALI's rows run the same steps: one output per image, normalised with the same mean and
    std (channel means of the batch agree with gpuaug's to well within one std; a 0-1 vs 0-255
    slip in either would put them tens of stds apart)."""
    import pytest
    import torch
    from benchmarks.run import dali_installed, make_inputs
    from benchmarks.specs import all_benches
    if not dali_installed():
        pytest.skip("NVIDIA DALI is not installed")
    bench = next(b for b in all_benches() if b.name == "ImageNet pipeline")
    inputs = make_inputs(16, 64, torch.device("cpu"), input_size=73)
    torch.manual_seed(0)  # both draws fixed (DALI's pipeline has seed=0)
    ours = bench.gpuaug(64)(inputs)
    theirs = torch.as_tensor(bench.dali(64)(inputs).as_array())
    assert theirs.shape == ours.shape == (16, 3, 64, 64) and theirs.dtype == torch.float32
    assert torch.allclose(theirs.mean((0, 2, 3)), ours.mean((0, 2, 3)), atol=0.3)


def test_sub_batch_study_prints_one_row_per_mode():
    env = {k: v for k, v in os.environ.items() if not any(k in a for a in ALLOCATORS.values())}
    done = subprocess.run([sys.executable, "-m", "benchmarks.sub_batches", "--batch", "2", "--sizes",
                           "1,2", "--size", "32", "--rounds", "1", "--calls", "1"],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert lines[0] == "| mode | 1 per call | 2 per call |"
    rows = {line.split(" | ")[0]: line for line in lines[1:]}
    assert set(rows) == {"| eager img/s", "| compiled img/s"}
    for line in rows.values():
        assert all(float(cell.replace(",", "")) > 0 for cell in line.strip("| ").split(" | ")[1:])


def test_stage_study_prints_each_stage_for_each_library():
    env = {k: v for k, v in os.environ.items() if not any(k in a for a in ALLOCATORS.values())}
    done = subprocess.run([sys.executable, "-m", "benchmarks.stages", "--batch", "2", "--size", "32",
                           "--rounds", "1", "--min-time", "0"],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert lines[0] == "| ms per image (the stage's own) | gpuaug | gpuaug compiled | albumentations |"
    assert [line.split(" | ")[0] for line in lines[1:]] == [
        "| RandomResizedCrop + HorizontalFlip", "| + ColorJitter", "| + GaussianBlur", "| + Normalize"]
    for line in lines[1:]:
        cells = line.strip("| ").split(" | ")[1:]
        totals = [float(cell.split(" ")[0]) for cell in cells]
        assert len(totals) == 3 and all(t > 0 for t in totals)


def test_triton_counts_show_fewer_kernels_and_bytes_with_the_fused_color_jitter():
    pytest.importorskip("triton")
    done = subprocess.run([sys.executable, "-m", "benchmarks.triton_counts", "--batch", "2",
                           "--size", "32"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        skip_where_the_interpreter_cannot_run(done.stderr)
    assert done.returncode == 0, done.stderr[-4000:]
    rows = [line.strip("| ").split(" | ") for line in done.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| benchmark")]
    assert [r[0] for r in rows] == ["ImageNet pipeline", "detection (boxes, masks, keypoints)",
                                    "ColorJitter"]
    for name, with_triton, without, mb_with, mb_without in rows:
        total, parts = with_triton.split(" ", 1)
        aten, launches = parts.strip("()").split(" + ")
        assert int(launches) == 2 and int(aten) + 2 == int(total), name
        assert int(total) < int(without) and float(mb_with) < float(mb_without), name


def test_an_interrupted_run_writes_the_jobs_that_finished(tmp_path, monkeypatch, capsys):
    """A time limit's SIGINT (benchmarks/gpu.sh runs each step under `timeout --signal=INT`)
    ends the run after the jobs that finished: their rows are written, flagged."""
    import benchmarks.run as bench_run
    calls = []
    real = bench_run.time_call

    def time_call(fn, device, min_time):
        calls.append(1)
        if len(calls) == 4:  # the second job's second library: as if the limit struck
            raise KeyboardInterrupt
        return real(fn, device, min_time)

    monkeypatch.setattr(bench_run, "time_call", time_call)
    bench_run.main(["--family", "pipeline", "--only", "ImageNet pipeline", "--batch", "2,3",
                    "--size", "32", "--libs", "gpuaug,torchvision batch*", "--min-time", "0.01",
                    "--no-counts", "--out", str(tmp_path)])
    (result,) = tmp_path.glob("*.json")
    data = json.loads(result.read_text())
    assert data["meta"]["interrupted"] is True
    # the first job whole, the second with the library timed before the interruption
    assert [(r["batch"], r["lib"]) for r in data["rows"]] == \
        [(2, "gpuaug"), (2, "torchvision batch*"), (3, "gpuaug")]
    assert all(r["images_per_s"] > 0 for r in data["rows"])


def test_ab_times_a_git_revision_beside_the_working_tree(tmp_path):
    """benchmarks/ab.py imports gpuaug as it was at a revision (here HEAD) beside the working
    tree's package, checks both give the same output under one seed and times them in turn."""
    subprocess.run([sys.executable, "-m", "benchmarks.ab", "--before", "HEAD", "--only",
                    "CenterCrop,Normalize", "--batch", "2", "--size", "32", "--rounds", "1",
                    "--calls", "1", "--layout", "channels-last", "--out", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    (result,) = tmp_path.glob("ab-*.json")
    data = json.loads(result.read_text())
    assert data["meta"]["before"] == "HEAD" and data["meta"]["layout"] == "channels-last"
    assert [r["bench"] for r in data["rows"]] == ["CenterCrop", "Normalize"]
    assert all(r["same_output"] and r["before_ms"] > 0 and r["after_ms"] > 0 for r in data["rows"])


def test_report_pairs_rounds_for_the_ratio_to_kornia():
    """With rounds, the report gives beside the ratio of the medians the median of the ratios
    within each round (hand-computed here: 2, 1 and 3 -> 2)."""
    from benchmarks.report import paired_ratio, table
    ours = {"bench": "p", "batch": 2, "size": 8, "lib": "gpuaug", "images_per_s": 200.0,
            "images_per_s_rounds": [100.0, 200.0, 300.0]}
    theirs = {"bench": "p", "batch": 2, "size": 8, "lib": "kornia", "images_per_s": 100.0,
              "images_per_s_rounds": [50.0, 200.0, 100.0]}
    assert paired_ratio(ours, theirs) == 2.0
    assert paired_ratio({"images_per_s": 1.0}, theirs) is None
    assert "| 2.00× (2.00×) |" in table([ours, theirs], with_counts=False)
    theirs["images_per_s_rounds"] = [25.0, 100.0, 400.0]         # ratios 4, 2, 0.75 -> 2
    theirs["images_per_s"] = 50.0
    assert "| 4.00× (2.00×) |" in table([ours, theirs], with_counts=False)


def test_floor_bytes_count_each_input_read_and_each_output_written():
    import torch

    from benchmarks.run import floor_bytes
    from benchmarks.specs import Inputs
    inputs = Inputs(image=torch.zeros(2, 3, 10, 10, dtype=torch.uint8),
                    mask=torch.zeros(2, 10, 10, dtype=torch.int64),
                    bboxes=torch.zeros(2, 4, 4), keypoints=torch.zeros(2, 5, 2))
    image_out = torch.zeros(2, 3, 8, 8)
    assert floor_bytes(inputs, image_out) == 600 + 1536
    out = {"image": torch.zeros(2, 3, 8, 8, dtype=torch.uint8),
           "mask": torch.zeros(2, 8, 8, dtype=torch.int64), "bboxes": torch.zeros(2, 4, 4),
           "bbox_valid": torch.zeros(2, 4, dtype=torch.bool)}
    read = 600 + 1600 + 128                 # image, mask, boxes (no keypoints returned)
    written = 384 + 1024 + 128 + 8
    assert floor_bytes(inputs, out) == read + written


def test_report_states_each_benchmark_against_its_memory_floor():
    """1 GB/s and 1 MB per image: a floor of 1,000 images/s, of which 250 and 500 are 25% and
    50%."""
    from benchmarks.report import floor_table
    rows = [{"bench": "p", "batch": 2, "size": 8, "lib": "gpuaug", "images_per_s": 250.0,
             "floor_bytes_per_image": 1e6},
            {"bench": "p", "batch": 2, "size": 8, "lib": "gpuaug compiled", "images_per_s": 500.0},
            {"bench": "p", "batch": 2, "size": 8, "lib": "kornia", "images_per_s": 100.0}]
    text = floor_table({"copy_gb_per_s": 1.0}, rows)
    assert "| p | 2 | 8 | 1.000 | 1,000 | 25.0% | 50.0% |" in text
    assert floor_table({}, rows) == ""

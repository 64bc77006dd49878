"""gpuaug.retain_freed_memory: after it, a large block freed and allocated again is not
page-faulted in again (counted with getrusage's minor faults, in a fresh interpreter: the setting
is process-wide and permanent)."""
import json
import os
import subprocess
import sys

import pytest

import gpuaug

PROBE = r"""
import json, resource, torch, gpuaug

def faults(calls=4, mib=64):
    # minor page faults of the last of `calls` rounds of: allocate and fill a block, free it
    for _ in range(calls):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        block = torch.ones(mib << 18)  # float32: mib MiB
        del block
        last = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return last

default = faults()
applied = gpuaug.retain_freed_memory()
print(json.dumps({"default": default, "applied": applied, "again": gpuaug.retain_freed_memory(),
                  "retained": faults()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_memory_is_reused_without_page_faults():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["applied"] and got["again"]
    pages = (64 << 20) // 4096
    if got["default"] < pages // 10:
        pytest.skip(f"this system maps fresh 64 MiB blocks with few faults ({got['default']}): "
                    "nothing to compare")
    # without it every round faults the whole block in again (16,384 pages of 4 kB); with it the
    # block stays in the heap
    assert got["retained"] <= pages // 100, got


def test_elsewhere_it_does_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(gpuaug.memory, "_retained", False)
    assert gpuaug.retain_freed_memory() is False

"""Keep the memory a CPU process frees, so that a pipeline's large per-call buffers stop being
page-faulted in afresh on every call.

A batch of 32 float images of 224 px is 19 MB, and a pipeline allocates several such buffers per
call (a compiled one more: every intermediate that Inductor writes out). glibc's malloc serves
blocks that large with fresh ``mmap``s, or returns them to the system when the top of its heap is
freed, so the next call touches new pages and the kernel faults each 4 kB page in again: on the
CPU that can cost more than the arithmetic. ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_``
(read when the process starts) or a preloaded jemalloc / tcmalloc avoid it, as PyTorch's CPU
tuning guide suggests; :func:`retain_freed_memory` sets glibc's two thresholds from inside a
running process. CUDA's caching allocator already keeps GPU memory: this is for CPU pipelines.
"""
from __future__ import annotations

import ctypes
import sys

__all__ = ["retain_freed_memory"]

_M_TRIM_THRESHOLD = -1  # mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
_INT_MAX = 2 ** 31 - 1
_MMAP_CAP = 32 << 20    # the highest mmap threshold older glibc accepts (HEAP_MAX_SIZE / 2)
_retained = False


def retain_freed_memory() -> bool:
    """Make glibc's malloc keep freed memory in the process: blocks up to 2 GB come from its heap
    instead of fresh ``mmap``s, and the heap is not trimmed below 2 GB of free space. The same as
    starting Python with ``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` set, but callable
    at any time, e.g. before building a CPU pipeline.

    Process-wide and permanent: the process keeps its peak memory resident. Returns True where it
    took effect (Linux with glibc; older glibc caps the mmap threshold at 32 MB, which it then
    takes), False elsewhere (macOS, Windows, musl), where it does nothing.

    On the development VM (2 cores, 224 px) a fresh process running only the compiled ImageNet
    pipeline went from 438 to 1,868 img/s at batch 32 with it, the eager one from 515 to 559
    (benchmarks/RESULTS.md, ``--allocator mallopt``)."""
    global _retained
    if _retained:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _retained = mallopt(_M_TRIM_THRESHOLD, _INT_MAX) == 1 and (
        mallopt(_M_MMAP_THRESHOLD, _INT_MAX) == 1 or mallopt(_M_MMAP_THRESHOLD, _MMAP_CAP) == 1)
    return _retained

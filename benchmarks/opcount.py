# Vendored from the workplace tool shared/tools/opcount.py so that tests and benchmarks run on a
# clean clone (CI has no ../shared). Keep it identical to the original apart from this header.
"""Count what one call of a PyTorch callable dispatches: aten ops, host syncs and bytes written.

A device-free stand-in for what a GPU profiler would show:
  ops     every aten op dispatched (Python-side overhead grows with it)
  kernels ops that are not views: roughly the kernel launches of eager mode on a GPU
  syncs  ~ points where the host waits for the device (.item(), nonzero, bool(tensor), ...)
  bytes  ~ memory traffic written by every op's outputs (views count as zero)

Use from Python:

    import sys; sys.path.insert(0, "../shared/tools")
    from opcount import count
    stats = count(lambda: aug(image=x))
    print(stats)            # ops=..., kernels=..., syncs=..., MB written=...
    stats.top(10)           # the most frequent ops

or from the shell, on any module-level callable that takes no arguments:

    python ../shared/tools/opcount.py benchmarks.pipelines:standard_call

The callable is run once to warm up, then once under counting.
"""
from __future__ import annotations

import importlib
import sys
from collections import Counter
from dataclasses import dataclass, field

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

# aten ops that make the host wait for the device, or whose output shape depends on data
SYNC_OPS = {
    "_local_scalar_dense",  # .item(), int(t), float(t), bool(t)
    "is_nonzero",
    "nonzero",
    "nonzero_static",
    "masked_select",
    "unique",
    "_unique2",
    "unique_consecutive",
    "equal",
    "allclose",
    "_assert_async",
    "repeat_interleave",  # with a tensor of repeats
}

VIEW_OPS = {
    "view", "_unsafe_view", "reshape", "expand", "as_strided", "slice", "select", "unsqueeze",
    "squeeze", "permute", "transpose", "t", "alias", "detach", "unbind", "split", "chunk",
    "narrow", "diagonal", "view_as_real", "view_as_complex", "unfold", "movedim", "lift_fresh",
}


@dataclass
class OpStats:
    ops: int = 0
    kernels: int = 0
    syncs: int = 0
    bytes_written: int = 0
    names: Counter = field(default_factory=Counter)

    def top(self, n: int = 15) -> list[tuple[str, int]]:
        return self.names.most_common(n)

    def __str__(self) -> str:
        return (f"ops={self.ops} kernels={self.kernels} syncs={self.syncs} "
                f"MB written={self.bytes_written / 1e6:.2f}")


class _Counter(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.stats = OpStats()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.overloadpacket.__name__
        s = self.stats
        s.ops += 1
        s.names[name] += 1
        if name in SYNC_OPS:
            s.syncs += 1
        if name not in VIEW_OPS:
            s.kernels += 1
            for t in tree_flatten(out)[0]:
                if isinstance(t, torch.Tensor):
                    s.bytes_written += t.numel() * t.element_size()
        return out


def count(fn, warmup: int = 1) -> OpStats:
    """Run `fn()` `warmup` times, then once under counting, and return what it dispatched."""
    for _ in range(warmup):
        fn()
    with _Counter() as c:
        fn()
    return c.stats


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or ":" not in argv[1]:
        print(__doc__)
        return 2
    module_name, attr = argv[1].split(":", 1)
    sys.path.insert(0, ".")
    fn = getattr(importlib.import_module(module_name), attr)
    stats = count(fn)
    print(stats)
    for name, n in stats.top():
        print(f"  {n:6d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv))

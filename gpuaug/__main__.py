"""``python -m gpuaug demo`` runs the demo; ``python -m gpuaug bench`` runs the benchmark suite."""
from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    commands = {"demo": "gpuaug.demo", "bench": "benchmarks.run"}
    if not argv or argv[0] not in commands:
        print("usage: python -m gpuaug {demo,bench} [options]  (add --help for the options)")
        return 2
    module = __import__(commands[argv[0]], fromlist=["main"])
    return module.main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

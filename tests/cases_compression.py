"""Case rows for gpuaug/transforms/compression.py."""
import gpuaug as A  # noqa: F401

from tests.cases import Case  # noqa: F401

CASES: list = []

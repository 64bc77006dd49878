"""Case rows for gpuaug/transforms/crops.py."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.RandomResizedCrop, dict(size=(24, 28))),
]

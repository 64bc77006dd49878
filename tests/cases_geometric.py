"""Case rows for gpuaug/transforms/geometric.py."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.HorizontalFlip, dict(p=1.0)),
    Case(A.VerticalFlip, dict(p=1.0)),
    Case(A.Resize, dict(height=24, width=36)),
]

"""Case rows for gpuaug/transforms/compression.py (contract image size (40, 48))."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.ImageCompression, dict(quality_range=(20, 95))),
    Case(A.ImageCompression, dict(quality_range=(5, 100), p=0.7), size=(37, 53),
         id="ImageCompression-p0.7-odd-size"),
    Case(A.ImageCompression, dict(quality_range=(30, 60), p=1.0), channels=1,
         id="ImageCompression-gray"),
]

"""Case rows for gpuaug/transforms/dropout.py (contract image size (40, 48))."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.CoarseDropout, dict(p=1.0), touches_targets=True),
    Case(A.CoarseDropout, dict(num_holes_range=(2, 6), hole_height_range=(4, 16),
                               hole_width_range=(6, 20), fill=(10, 200, 30), fill_mask=3, p=0.7),
         touches_targets=True, id="CoarseDropout-pixels-tuple-fill-mask-p0.7"),
    Case(A.CoarseDropout, dict(num_holes_range=(1, 4), hole_height_range=(0.2, 0.5),
                               hole_width_range=(0.2, 0.5), fill="random", fill_mask=1),
         touches_targets=True, id="CoarseDropout-random"),
    Case(A.CoarseDropout, dict(num_holes_range=(3, 5), hole_height_range=(0.2, 0.6),
                               hole_width_range=(0.2, 0.6), fill="random_uniform", p=1.0),
         touches_targets=True, id="CoarseDropout-random-uniform"),
]

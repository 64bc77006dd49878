"""Case rows for gpuaug/transforms/crops.py (contract image size (40, 48))."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.RandomCrop, dict(height=24, width=28)),
    Case(A.RandomCrop, dict(height=44, width=52, pad_if_needed=True, pad_position="random",
                            border_mode="reflect_101"), id="RandomCrop-pad-random-reflect101"),
    Case(A.CenterCrop, dict(height=24, width=28)),
    Case(A.CenterCrop, dict(height=46, width=50, pad_if_needed=True, border_mode="constant",
                            fill=(10, 200, 30), fill_mask=3), id="CenterCrop-pad-fill"),
    Case(A.Crop, dict(x_min=4, y_min=6, x_max=32, y_max=30)),
    Case(A.Crop, dict(x_min=6, y_min=4, x_max=54, y_max=44, pad_if_needed=True,
                      pad_position="random", border_mode="wrap"), id="Crop-pad-random-wrap"),
    Case(A.RandomSizedCrop, dict(min_max_height=(16, 36), size=(24, 28), w2h_ratio=1.2)),
    Case(A.RandomSizedCrop, dict(min_max_height=(12, 40), size=(24, 28), interpolation="cubic",
                                 area_for_downscale="image"), id="RandomSizedCrop-area-image"),
    Case(A.RandomResizedCrop, dict(size=(24, 28))),
    Case(A.RandomResizedCrop, dict(size=(24, 28), area_for_downscale="image", p=0.7),
         id="RandomResizedCrop-area-image-p0.7"),
]

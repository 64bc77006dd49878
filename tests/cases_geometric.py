"""Case rows for gpuaug/transforms/geometric.py."""
import gpuaug as A

from tests.cases import Case

U8 = ("uint8",)  # variants of a transform already covered in both dtypes by its first row

CASES = [
    Case(A.HorizontalFlip, dict(p=1.0)),
    Case(A.VerticalFlip, dict(p=1.0)),
    Case(A.Transpose, dict(p=1.0)),
    Case(A.RandomRotate90, dict(p=1.0)),
    Case(A.Resize, dict(height=24, width=36)),
    Case(A.Resize, dict(height=24, width=56, area_for_downscale="image_mask"), dtypes=U8,
         id="Resize-area"),
    Case(A.LongestMaxSize, dict(max_size=64)),
    Case(A.LongestMaxSize, dict(max_size=[24, 32, 64], area_for_downscale="image"), dtypes=U8,
         id="LongestMaxSize-seq"),
    Case(A.SmallestMaxSize, dict(max_size=32)),
    Case(A.SmallestMaxSize, dict(max_size_hw=(30, None), interpolation=2), dtypes=U8,
         id="SmallestMaxSize-hw"),
    Case(A.PadIfNeeded, dict(min_height=48, min_width=56, position="random", border_mode=4)),
    Case(A.PadIfNeeded, dict(min_height=None, min_width=None, pad_height_divisor=32,
                             pad_width_divisor=20, fill=(10, 20, 30)), dtypes=U8,
         id="PadIfNeeded-divisor"),
    Case(A.Rotate, dict(limit=45, p=1.0)),
    Case(A.Rotate, dict(limit=45, crop_border=True, border_mode=1, p=1.0), dtypes=U8,
         id="Rotate-crop"),
    Case(A.SafeRotate, dict(limit=60, p=1.0)),
    Case(A.Affine, dict(scale=(0.8, 1.2), translate_percent=(-0.1, 0.1), rotate=(-30, 30),
                        shear=(-10, 10), border_mode=2, p=1.0)),
    Case(A.Affine, dict(scale=(0.5, 1.5), keep_ratio=True, balanced_scale=True,
                        translate_px={"x": (-4, 4)}, rotate=(-45, 45), fit_output=True,
                        interpolation=2, p=1.0), dtypes=U8, id="Affine-fit"),
    Case(A.ShiftScaleRotate, dict(p=1.0)),
    Case(A.Perspective, dict(scale=(0.05, 0.1), p=1.0)),
    Case(A.Perspective, dict(scale=(0.05, 0.1), fit_output=True, keep_size=False, p=1.0),
         dtypes=U8, id="Perspective-fit"),
]

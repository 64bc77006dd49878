"""Case rows for gpuaug/transforms/color.py."""
import gpuaug as A

from tests.cases import Case

U8 = ("uint8",)  # variants of a transform already covered in both dtypes by its first row

CASES = [
    Case(A.Normalize, dict(), changes_dtype=True),
    Case(A.Normalize, dict(normalization="image_per_channel", p=0.5), changes_dtype=True,
         id="Normalize-image_per_channel"),
    Case(A.Normalize, dict(normalization="min_max", p=0.5), changes_dtype=True, dtypes=U8,
         id="Normalize-min_max"),
    Case(A.ToFloat, dict(p=0.5), changes_dtype=True),
    Case(A.FromFloat, dict(p=0.5), changes_dtype=True),
    Case(A.InvertImg, dict(p=0.5)),
    Case(A.RandomBrightnessContrast, dict(p=0.5)),
    Case(A.RandomBrightnessContrast, dict(brightness_by_max=False, ensure_safe_range=True, p=1.0),
         dtypes=U8, id="RandomBrightnessContrast-safe"),
    Case(A.ColorJitter, dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, p=0.8)),
    Case(A.ColorJitter, dict(hue=0.0, p=1.0), channels=1, id="ColorJitter-gray"),
    Case(A.HueSaturationValue, dict(p=0.5)),
    Case(A.HueSaturationValue, dict(p=1.0), channels=1, dtypes=U8, id="HueSaturationValue-gray"),
    Case(A.RandomGamma, dict(p=0.5)),
    Case(A.RGBShift, dict(p=0.5)),
    Case(A.ChannelShuffle, dict(p=0.5)),
    Case(A.ChannelShuffle, dict(p=1.0), channels=5, dtypes=U8, id="ChannelShuffle-5ch"),
    Case(A.Solarize, dict(threshold_range=(0.2, 0.8), p=0.5)),
    Case(A.Posterize, dict(num_bits=(2, 6), p=0.5)),
    Case(A.Posterize, dict(num_bits=[3, (4, 6), 7], p=1.0), dtypes=U8, id="Posterize-per-channel"),
    Case(A.ToGray, dict(p=0.5)),
    Case(A.ToGray, dict(method="pca", p=0.5), id="ToGray-pca"),
    Case(A.ToGray, dict(method="from_lab", p=1.0), dtypes=U8, id="ToGray-from_lab"),
    Case(A.ToGray, dict(method="max", num_output_channels=4, p=1.0), channels=4, dtypes=U8,
         id="ToGray-max-4ch"),
    Case(A.Equalize, dict(p=0.5)),
    Case(A.Equalize, dict(mode="pil", by_channels=False, p=0.5), id="Equalize-pil-luma"),
    Case(A.CLAHE, dict(p=0.5)),
    Case(A.CLAHE, dict(clip_limit=(1, 8), tile_grid_size=(4, 3), p=1.0), channels=1, dtypes=U8,
         id="CLAHE-gray"),
]

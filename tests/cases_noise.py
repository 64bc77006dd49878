"""Case rows for gpuaug/transforms/noise.py (contract image size (40, 48))."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.GaussNoise, dict(p=1.0)),
    Case(A.GaussNoise, dict(std_range=(0.05, 0.3), mean_range=(-0.1, 0.1), per_channel=False,
                            noise_scale_factor=0.3, p=0.7), id="GaussNoise-shared-scaled-p0.7"),
    Case(A.ISONoise, dict(p=1.0)),
    Case(A.ISONoise, dict(color_shift=(0.1, 0.5), intensity=(0.5, 3.0), p=0.6),
         id="ISONoise-strong-p0.6"),
    Case(A.MultiplicativeNoise, dict(p=1.0)),
    Case(A.MultiplicativeNoise, dict(multiplier=(0.5, 1.5), per_channel=True, elementwise=True,
                                     p=0.7), id="MultiplicativeNoise-elementwise-per-channel"),
    Case(A.MultiplicativeNoise, dict(multiplier=(0.8, 1.3), per_channel=True),
         id="MultiplicativeNoise-per-channel"),
    Case(A.GaussNoise, dict(p=1.0), channels=1, id="GaussNoise-1ch"),
    Case(A.MultiplicativeNoise, dict(per_channel=True, elementwise=True), channels=4,
         id="MultiplicativeNoise-4ch"),
]

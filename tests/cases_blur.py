"""Case rows for gpuaug/transforms/blur.py (contract image size (40, 48))."""
import gpuaug as A

from tests.cases import Case

CASES = [
    Case(A.GaussianBlur, dict(p=0.7)),
    Case(A.GaussianBlur, dict(blur_limit=(0, 8), sigma_limit=(0.3, 2.0)), id="GaussianBlur-limit"),
    Case(A.GaussianBlur, dict(blur_limit=(5, 5), sigma_limit=(0.5, 2.0), p=0.7),
         id="GaussianBlur-one-size"),
    Case(A.MotionBlur, dict(blur_limit=(3, 9), p=0.7)),
    Case(A.MotionBlur, dict(blur_limit=7, allow_shifted=False, angle_range=(30, 60),
                            direction_range=(-0.5, 0.5)), id="MotionBlur-centred"),
    Case(A.MedianBlur, dict(blur_limit=(3, 7), p=0.7)),
    Case(A.Blur, dict(blur_limit=(3, 9), p=0.7)),
    Case(A.Defocus, dict(radius=(3, 10), p=0.7)),
    Case(A.ZoomBlur, dict(max_factor=(1.0, 1.2), step_factor=(0.02, 0.04), p=0.7)),
    Case(A.Sharpen, dict(p=0.7)),
    Case(A.Sharpen, dict(method="gaussian", kernel_size=7, sigma=1.5), id="Sharpen-gaussian"),
    Case(A.Emboss, dict(p=0.7)),
    Case(A.GaussianBlur, dict(sigma_limit=(0.5, 1.5)), channels=1, id="GaussianBlur-1ch"),
    Case(A.MedianBlur, dict(blur_limit=5), channels=5, id="MedianBlur-5ch"),
]

"""SSIM of two same-size images on luma (Wang et al. 2004: Gaussian window 11, sigma 1.5, K1 .01, K2 .03),
in numpy: the image benchmarks' one quality measure (numpy lives in bench/.venv-peers only)."""
import numpy as np


def _blur(a):
    # Gaussian 11x11, sigma 1.5, "valid" region: separable, by sliding windows.
    x = np.arange(11) - 5
    kernel = np.exp(-(x ** 2) / (2 * 1.5 ** 2))
    kernel /= kernel.sum()
    a = np.lib.stride_tricks.sliding_window_view(a, 11, axis=1) @ kernel
    return np.lib.stride_tricks.sliding_window_view(a, 11, axis=0) @ kernel


def ssim(image, reference):
    """Mean SSIM of two same-size images on luma (Wang et al. 2004, Gaussian window, K1 .01, K2 .03)."""
    x = np.asarray(image.convert("L"), dtype=np.float64)
    y = np.asarray(reference.convert("L"), dtype=np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _blur(x), _blur(y)
    vx, vy, cxy = _blur(x * x) - mx * mx, _blur(y * y) - my * my, _blur(x * y) - mx * my
    return float((((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))).mean())

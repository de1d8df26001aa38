"""The parity score of a shot against its golden: SSIM where there is content, masks flat.

SSIM (scikit-image's ``structural_similarity``, grayscale, data range 255, its default 7x7
window) gives a map of local similarity; the score is its mean over the pixels within GROW
pixels of content in either image, not over the whole viewport. A demo is a few lines on a
1280x900 page, and a whole-page mean counts every flat window of background as a match (an
empty page scores about 0.9 against most goldens that way). Content is a pixel differing
from its image's background (its most common gray) by more than CONTENT_DELTA. Masked boxes
are painted with the image's own background to find content (a mask is never content) and
with the golden's on both images for the SSIM map (a mask never differs).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity

CONTENT_DELTA = 8
GROW = 8


def background(image: np.ndarray) -> int:
    return int(np.bincount(image.ravel(), minlength=256).argmax())


def painted(image: np.ndarray, boxes: list[list[int]], value: int) -> np.ndarray:
    out = image.copy()
    for x, y, w, h in boxes:
        out[y:y + h, x:x + w] = value
    return out


def content(image: np.ndarray) -> np.ndarray:
    """Where ``image`` is not its background."""
    return np.abs(image.astype(np.int16) - background(image)) > CONTENT_DELTA


def score(golden: np.ndarray, ours: np.ndarray, boxes: list[list[int]]) -> float:
    """Mean SSIM of ``ours`` against ``golden`` near their content, ``boxes`` masked on both."""
    if golden.shape != ours.shape:
        raise ValueError(f"shapes differ: golden {golden.shape}, ours {ours.shape}")
    near = content(painted(golden, boxes, background(golden))) \
        | content(painted(ours, boxes, background(ours)))
    if not near.any():
        return 1.0  # both plain background
    near = ndimage.binary_dilation(near, iterations=GROW)
    flat = background(golden)
    _, local = structural_similarity(painted(golden, boxes, flat), painted(ours, boxes, flat),
                                     data_range=255, full=True)
    return float(local[near].mean())


def side_by_side(golden: np.ndarray, ours: np.ndarray, boxes: list[list[int]]) -> np.ndarray:
    """Golden | ours | absolute difference (inverted: dark where they differ), for a person
    to look at."""
    flat = background(golden)
    golden, ours = painted(golden, boxes, flat), painted(ours, boxes, flat)
    diff = 255 - np.abs(golden.astype(np.int16) - ours.astype(np.int16)).astype(np.uint8)
    gap = np.full((golden.shape[0], 8), 0, dtype=np.uint8)
    return np.hstack([golden, gap, ours, gap, diff])

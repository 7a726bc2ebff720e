"""Print-and-scan damage made with augraphy: text PDFs in, image-only PDFs out. Runs in a venv of its own.

augraphy (the library the real-files README names for simulating printing and scanning) pins
``opencv-python``, which clashes with the ``opencv-contrib-python-headless`` this package reads
scans with, so it is no dependency of the project. Make its scans in a separate venv, then
score them with the project's (``benchmarks/bench_scans.py``):

    python3 -m venv /tmp/augv && /tmp/augv/bin/pip install augraphy pymupdf
    .venv/bin/python benchmarks/bench_scans.py --make DIR          # text PDFs + truth into DIR
    /tmp/augv/bin/python benchmarks/augraphy_scans.py DIR [--dpi 200] [--sets light harsh]
    .venv/bin/python benchmarks/bench_scans.py DIR                 # cells right, wrong, missing

Every ``*.pdf`` in DIR without a set's suffix is degraded once per set into
``<name>.<set>.pdf``, each page with its own seed (from the file's name and page number),
so a run is repeatable. Sets:

- ``light``: ink bleed and mottling, paper texture, subtle noise, uneven light, JPEG 50–85,
  the sheet turned up to 1° (on a black scanner glass: dark wedges along the edges);
- ``harsh``: the same stronger, with random ink lines, a dirty drum's bands, a bad
  photocopy and turns up to 2° (many cells are lost under the bands: they must be null,
  never wrong).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import zlib
from pathlib import Path

import augraphy as A
import cv2
import numpy as np
import pymupdf

SETS = ("light", "harsh")


def pipeline(name: str) -> A.AugraphyPipeline:
    if name == "light":
        return A.AugraphyPipeline(
            ink_phase=[A.InkBleed(p=0.5), A.InkMottling(p=0.3)],
            paper_phase=[A.NoiseTexturize(p=0.5), A.BrightnessTexturize(p=0.4)],
            post_phase=[A.SubtleNoise(p=0.8), A.LightingGradient(p=0.3), A.Jpeg(quality_range=(50, 85), p=0.8),
                        A.Geometric(rotate_range=(-1, 1), p=0.5)])
    return A.AugraphyPipeline(
        ink_phase=[A.InkBleed(p=0.7), A.LowInkRandomLines(p=0.3), A.InkMottling(p=0.4)],
        paper_phase=[A.NoiseTexturize(p=0.6), A.BrightnessTexturize(p=0.5)],
        post_phase=[A.SubtleNoise(p=0.8), A.LightingGradient(p=0.4), A.Jpeg(quality_range=(40, 80), p=0.8),
                    A.Brightness(p=0.3), A.BadPhotoCopy(p=0.3), A.DirtyDrum(p=0.3),
                    A.Geometric(rotate_range=(-2, 2), p=0.5)])


def degrade(src: Path, dst: Path, dpi: int, name: str) -> None:
    out = pymupdf.open()
    with pymupdf.open(src) as doc:
        for page in doc:
            seed = zlib.crc32(f"{src.name}:{name}:{page.number}".encode())
            random.seed(seed)
            np.random.seed(seed % 2**32)
            pix = page.get_pixmap(dpi=dpi)
            rgb = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, pix.n)[:, :, :3]
            image = pipeline(name)(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
            if image.ndim == 2:
                image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
            ok, jpeg = cv2.imencode(".jpg", image[:, :, :3], [cv2.IMWRITE_JPEG_QUALITY, 90])
            if not ok:
                raise SystemExit(f"{src}: page {page.number + 1} could not be encoded")
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, stream=jpeg.tobytes())
    out.save(dst)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    args = ap.parse_args()
    sources = [p.resolve() for p in sorted(args.folder.glob("*.pdf")) if p.suffixes == [".pdf"]]
    os.chdir(tempfile.mkdtemp(prefix="augraphy-"))  # augraphy caches images in the working folder
    for src in sources:
        for name in args.sets:
            degrade(src, src.with_suffix(f".{name}.pdf"), args.dpi, name)
            print(f"{src.name}: {name}", flush=True)


if __name__ == "__main__":
    main()

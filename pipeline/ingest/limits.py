"""Per-file limits: what one file may cost before it is refused or stopped.

Why limits at all: one file out of a hundred thousand (a 400-page yearbook, a scan of
gigapixel images, a PDF whose page takes hours to interpret) must not stall or crash a run.
Annual reports are small (a dozen pages, well under 10 MB), so the defaults are generous
for reports and still stop what is not one.

Where each is enforced:

- ``max_bytes``, ``max_pages``, ``max_image_pixels``, ``ocr_max_pages``: inside the readers,
  cheaply, before the expensive work (size before opening, page count right after opening,
  pixel count before decoding). The file is refused with ``UnreadableFile`` and a reason
  that names it, the value and the limit with its environment variable.
- ``timeout_seconds`` (wall clock) and ``memory_mb``: by the worker processes of
  ``pipeline.ingest.isolate``, which kill a worker that overruns and quarantine its file.
  A file read in-process (``workers=0``, ``xxgk parse``) has neither.

Every limit can be set by an environment variable (``Limits.from_env``); 0 means "no
limit", except for ``ocr_max_pages``, where 0 turns OCR off (as it always has).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

MB = 1 << 20

ENV: dict[str, str] = {
    "max_bytes": "XXGK_MAX_BYTES",
    "max_pages": "XXGK_MAX_PAGES",
    "timeout_seconds": "XXGK_TIMEOUT_SECONDS",
    "memory_mb": "XXGK_MEMORY_MB",
    "max_image_pixels": "XXGK_MAX_IMAGE_PIXELS",
    "ocr_max_pages": "XXGK_OCR_MAX_PAGES",
}
"""The environment variable of each limit (``XXGK_OCR_MAX_PAGES`` predates the others)."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": MB, "g": 1 << 30}


@dataclass(frozen=True)
class Limits:
    """What one file may cost; 0 disables a limit (for ``ocr_max_pages``: no OCR at all)."""

    max_bytes: int = 100 * MB
    """File size. Checked before the file is opened."""
    max_pages: int = 150
    """Pages of a PDF (right after opening, before any text is extracted) or a DOCX (its own
    page count where Word recorded one, else its explicit page breaks). A report runs to a
    dozen pages; hundreds are a yearbook or a compilation, and would stall the run."""
    timeout_seconds: float = 300.0
    """Wall-clock seconds one file may take in a worker process (OCR of a long scan takes
    a few seconds a page; a reader that is stuck never ends)."""
    memory_mb: int = 1024
    """Address space a worker may map on top of what it holds after start-up (the loaded
    libraries reserve more than a gigabyte of address space they never touch, so an
    absolute cap would refuse everything). OCR of a page needs about 450 MB of it."""
    max_image_pixels: int = 80_000_000
    """Pixels of one image (a PNG/JPEG/TIFF frame, or an image inside a scanned PDF),
    checked from its header before it is decoded: a decompression-bomb guard. An A4 page
    scanned at 600 dpi is 35 megapixels."""
    ocr_max_pages: int = 30
    """Pages of a scan read by OCR (a few seconds a page)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, overridden by each ``XXGK_*`` variable that is set (see ``ENV``).

        ``XXGK_MAX_BYTES`` takes a number of bytes or a size like ``200MB`` / ``1.5G``.
        A value that is not a number raises ``ValueError`` naming the variable: a typo in
        a deployment must not silently run without limits.
        """
        env = os.environ if environ is None else environ
        values: dict[str, int | float] = {}
        for f in fields(cls):
            raw = env.get(ENV[f.name], "").strip()
            if raw:
                values[f.name] = _parse(f.name, raw)
        return cls(**values)

    def exceeded(self, name: str, value: float) -> bool:
        """Whether ``value`` is over the limit ``name`` (never, when that limit is 0)."""
        limit = getattr(self, name)
        return bool(limit) and value > limit

    def describe(self, name: str) -> str:
        """``"the limit of 150 (XXGK_MAX_PAGES)"``: for reasons that say which limit and how to change it."""
        return f"the limit of {show(name, getattr(self, name))} ({ENV[name]})"

    def over(self, name: str, value: float) -> str:
        """``"400 pages, more than the limit of 150 (XXGK_MAX_PAGES)"``."""
        return f"{show(name, value)}, more than {self.describe(name)}"


def address_space(field: str = "VmSize") -> int:
    """Bytes of this process's address space (Linux ``/proc/self/status``): ``VmSize`` what it
    maps now, ``VmPeak`` the most it ever mapped; 0 when the field is missing."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def show(name: str, value: float) -> str:
    """A value of limit ``name`` as a person reads it: 152.4 MB, 400 pages, 300 s, 400 megapixels."""
    if name == "max_bytes":
        return size_text(int(value))
    if name == "timeout_seconds":
        return f"{value:g} s"
    if name == "memory_mb":
        return f"{value:g} MB"
    if name == "max_image_pixels":
        return f"{value / 1e6:.3g} megapixels"
    if name in ("max_pages", "ocr_max_pages"):
        return f"{value:g} pages"
    return f"{value:g}"


def size_text(n: int) -> str:
    """``105906176`` → ``"101 MB"``; binary units, as the limits use them."""
    for unit, factor in (("GB", 1 << 30), ("MB", MB), ("KB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _parse(name: str, raw: str) -> int | float:
    var = ENV[name]
    if name == "max_bytes":
        m = _SIZE.match(raw)
        if m is None:
            raise ValueError(f"{var}={raw!r}: not a size (bytes, or a number with KB, MB or GB)")
        return int(float(m.group(1)) * _UNITS[(m.group(2) or "")[:1].lower()])
    try:
        value = float(raw) if name == "timeout_seconds" else int(raw)
    except ValueError:
        kind = "a number of seconds" if name == "timeout_seconds" else "a whole number"
        raise ValueError(f"{var}={raw!r}: not {kind}") from None
    if value < 0:
        raise ValueError(f"{var}={raw!r}: must be 0 (no limit) or more")
    return value

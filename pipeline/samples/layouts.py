"""Every layout the generator renders a report in, by name: one registry for tests and benchmarks.

Each entry writes a record (the shape ``generate.random_record`` returns) to a file in
``out_dir`` and returns its path; ``reader`` says which reader reads it back.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.samples.render_text import EXACT_LAYOUTS as EXACT_TEXT_LAYOUTS
from pipeline.samples.render_text import LAYOUTS as TEXT_LAYOUTS
from pipeline.samples.render_text import render_text


@dataclass(frozen=True)
class Layout:
    name: str
    reader: str
    render: Callable[[dict, Path, int], Path]
    exact: bool = True  # every cell, blanks included, can be read back (run-together digits, detached rows: by sums only)
    available: Callable[[], bool] = lambda: True


def _text(layout: str) -> Callable[[dict, Path, int], Path]:
    def render(rec: dict, out_dir: Path, seed: int) -> Path:
        path = out_dir / f"{layout}_{seed}.{'md' if layout == 'markdown' else 'txt'}"
        path.write_text(render_text(rec, layout, seed), encoding="utf-8")
        return path

    return render


def _html(encoding: str) -> Callable[[dict, Path, int], Path]:
    def render(rec: dict, out_dir: Path, seed: int) -> Path:
        from pipeline.samples.render_html import render_html

        path = out_dir / f"html_{encoding}_{seed}.html"
        path.write_bytes(render_html(rec, encoding=encoding, seed=seed))
        return path

    return render


def _html_fragment(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_html import render_html_fragment

    path = out_dir / f"html_fragment_{seed}.txt"  # saved as text: only the content says HTML
    path.write_bytes(render_html_fragment(rec, seed=seed))
    return path


def _html_ragged(rec: dict, out_dir: Path, seed: int) -> Path:
    """A web page whose tables have rows with a stray empty cell at their end (``ragged_rows``)."""
    import random

    from pipeline.samples.render_html import ragged_rows, render_html

    path = out_dir / f"html_ragged_{seed}.html"
    page = render_html(rec, seed=seed).decode("utf-8")
    path.write_text(ragged_rows(page, random.Random(seed)), encoding="utf-8")
    return path


def _docx(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_docx import render_docx

    return render_docx(rec, out_dir / f"docx_{seed}.docx")


def _story_pdf(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_html import report_spec
    from pipeline.samples.render_pdf import render_report_pdf

    return Path(render_report_pdf(report_spec(rec), out_dir / f"story_{seed}.pdf",
                                  running_header=f"{rec['year']}年度政府信息公开工作年度报告"))


def _libreoffice_pdf(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_libreoffice import render_pdf_via_libreoffice

    sub = out_dir / f"lo_{seed}"
    sub.mkdir(exist_ok=True)
    return render_pdf_via_libreoffice(_docx(rec, sub, seed), sub)


def _browser_pdf(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_browser import render_browser_pdf

    return render_browser_pdf(rec, out_dir, seed)


def _has_chromium() -> bool:
    from pipeline.samples.render_browser import available

    return available()


def _image_pdf(rec: dict, out_dir: Path, seed: int) -> Path:
    from pipeline.samples.render_scan import render_image_pdf

    return render_image_pdf(_story_pdf(rec, out_dir, seed), out_dir / f"scan_{seed}.pdf")


LAYOUTS: dict[str, Layout] = {
    **{f"text:{name}": Layout(f"text:{name}", "text", _text(name), exact=name in EXACT_TEXT_LAYOUTS)
       for name in TEXT_LAYOUTS},
    "html:utf-8": Layout("html:utf-8", "html", _html("utf-8")),
    "html:gbk": Layout("html:gbk", "html", _html("gbk")),
    "html:fragment": Layout("html:fragment", "html", _html_fragment),
    # a row whose first value is blank and that ends in a stray empty cell reads two ways: null
    "html:ragged": Layout("html:ragged", "html", _html_ragged, exact=False),
    "docx": Layout("docx", "docx", _docx),
    "pdf:story": Layout("pdf:story", "pdf", _story_pdf),
    "pdf:libreoffice": Layout("pdf:libreoffice", "pdf", _libreoffice_pdf, available=lambda: bool(shutil.which("soffice"))),
    "pdf:browser": Layout("pdf:browser", "pdf", _browser_pdf, available=_has_chromium),
    "pdf:image": Layout("pdf:image", "ocr", _image_pdf),
}

"""Render a DOCX to PDF with LibreOffice: the PDF an agency gets when it exports its Word report.

Why: real reports are mostly Word documents exported to PDF; LibreOffice lays out Word's
tables (merged cells, rules, breaks across pages) its own way, unlike the sample PDFs that
PyMuPDF's Story draws, so the PDF reader is tested on a second, independent producer.
Needs LibreOffice (``soffice``); ``available()`` tells whether it is installed.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.readers.docx import convert, soffice


def available() -> bool:
    return soffice() is not None


def render_pdf_via_libreoffice(docx: Path, outdir: Path) -> Path:
    """``soffice --headless --convert-to pdf``: the PDF of ``docx`` in ``outdir``.

    Raises ``RuntimeError`` when LibreOffice is not installed or the conversion fails.
    """
    return convert(Path(docx), "pdf", Path(outdir))

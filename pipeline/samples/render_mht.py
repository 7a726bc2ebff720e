"""Render a report record as a single-file web page (``.mht``), as Word and old browsers save one.

Why: agencies post Word reports "saved as web page, single file": MIME HTML (RFC 2557), a
multipart/related message whose first part is the page's HTML (quoted-printable, often
GB2312) and whose other parts are its images (base64). Read as plain HTML, the MIME headers
and the ``=3D`` escapes make it "not a report". The HTML part here is a generated
government page (``render_html``), so every cell is known; an image part and the preamble
Word writes come with it.
"""

from __future__ import annotations

import base64
import quopri
import random

from pipeline.samples.render_html import picture_tag, render_html

_PREAMBLE = "This document is a Single File Web Page, also known as a Web Archive file."
_PIXEL = base64.b64decode(  # a 1 × 1 white PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAvPsEJQAAAABJRU5ErkJggg==")


def render_mht(rec: dict, *, encoding: str = "gbk", seed: int = 0, picture_tables: bool = False) -> bytes:
    """The record as a ``.mht`` web archive: its page (``render_html``) and one image, MIME-encoded.

    ``seed`` picks the page layout (as ``render_html``) and the part boundary.
    ``picture_tables``: the three tables pasted as pictures, each an image part the page
    shows by a path relative to its own location (as Word saves them: ``report.files/…``).
    """
    rng = random.Random(seed)
    pictures: list[bytes] = []

    def picture(html: str, number: int) -> str:
        from pipeline.samples.render_docx import table_picture

        png, width_pt = table_picture(html)
        pictures.append(png)
        return picture_tag(f"report.files/table{number}.png", width_pt)

    page = render_html(rec, encoding=encoding, seed=seed, picture=picture if picture_tables else None)
    charset = "gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"
    boundary = f"----=_NextPart_01D{rng.randrange(16**12):012X}"
    image = base64.encodebytes(_PIXEL).decode("ascii")
    tables = []
    for number, png in enumerate(pictures, 1):
        tables += [f"--{boundary}", f"Content-Location: file:///C:/report.files/table{number}.png",
                   "Content-Transfer-Encoding: base64", "Content-Type: image/png", "",
                   base64.encodebytes(png).decode("ascii")]
    lines = [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related; boundary="{boundary}"',
        "",
        _PREAMBLE,
        "",
        f"--{boundary}",
        "Content-Location: file:///C:/report.htm",
        "Content-Transfer-Encoding: quoted-printable",
        f'Content-Type: text/html; charset="{charset}"',
        "",
        quopri.encodestring(page).decode("ascii"),
        "",
        f"--{boundary}",
        "Content-Location: file:///C:/report.files/image001.png",
        "Content-Transfer-Encoding: base64",
        "Content-Type: image/png",
        "",
        image,
        *tables,
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")

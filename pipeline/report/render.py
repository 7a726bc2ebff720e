"""Turn ``ReportData`` into one self-contained HTML file and write it atomically.

Jinja2 with autoescaping, because agency names and file paths come from the documents we
read and must never become markup or script. The chart data goes in as JSON through Jinja's
``tojson`` (which escapes ``<``, ``>`` and ``&``, so a name containing ``</script>`` cannot
end the data block). plotly.js is inlined from the plotly package (``get_plotlyjs``): the
page draws its charts offline, on a machine without network, and from an e-mail attachment.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path

from pipeline.report.data import ReportData

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped in the plotly wheel, made safe to put inside <script>."""
    from plotly.offline import get_plotlyjs

    # "</script" anywhere in the bundle would end the element early; "<\/script" is the same
    # string to JavaScript.
    return get_plotlyjs().replace("</script", "<\\/script")


def render(data: ReportData) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    return env.get_template("report.html.j2").render(
        data=data,
        plotly_js=Markup(plotly_js()),
        report_js=Markup(script),
    )


def write_atomic(path: Path, text: str) -> None:
    """Write beside ``path`` and rename over it: a browser or a web server serving the file
    sees the old report or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""scripts/behaviour_hash.py: the same output compares equal; a changed report is named and fails."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("behaviour_hash", ROOT / "scripts" / "behaviour_hash.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_passes_on_the_same_output_and_names_a_changed_report(tmp_path: Path, capsys) -> None:
    bh = _script()
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("000_4b54b01332ed13f8.txt", "001_787ee7dfdf7f36b8.txt"):
        shutil.copy(ROOT / "data" / "raw" / name, raw / name)
    saved = tmp_path / "before.json"

    assert bh.main(["--save", str(saved), str(raw)]) == 0
    assert bh.main(["--compare", str(saved), str(raw)]) == 0
    assert "0 changed, 0 on one side only" in capsys.readouterr().out

    report = raw / "001_787ee7dfdf7f36b8.txt"
    text = report.read_text(encoding="utf-8")
    digit = next(i for i, ch in enumerate(text) if ch.isdigit() and ch != "9")
    report.write_text(text[:digit] + "9" + text[digit + 1:], encoding="utf-8")  # one printed number moved
    assert bh.main(["--compare", str(saved), str(raw)]) == 1
    out = capsys.readouterr().out
    assert f"changed: {report}" in out and "000_4b54b01332ed13f8" not in out.split("fingerprint")[-1]

    (raw / "000_4b54b01332ed13f8.txt").unlink()
    assert bh.main(["--compare", str(saved), str(raw)]) == 1
    assert "gone: " in capsys.readouterr().out

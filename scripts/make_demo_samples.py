"""Write the generated sample reports (pipeline.samples.demo) into data/raw/generated/.

Usage: python scripts/make_demo_samples.py [--raw DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--raw", type=Path, default=ROOT / "data" / "raw", help="the raw folder (default data/raw)")
    opts = args.parse_args(argv)
    from pipeline.samples.demo import write_demo_samples

    for path in write_demo_samples(opts.raw):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

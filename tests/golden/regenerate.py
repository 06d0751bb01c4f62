"""Write every golden file from the current templates and decision tables. Read the diff before committing it.

Usage: .venv/bin/python tests/golden/regenerate.py      (the tests themselves never write golden files)
"""

from __future__ import annotations

import sys

from goldenlib import GOLDEN, golden_files


def main() -> int:
    written = set()
    for name, content in golden_files():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"changed: {name}")
        written.add(path)
    for stale in sorted(p for p in GOLDEN.rglob("*") if p.is_file() and p.suffix in (".html", ".md", ".txt")):
        if stale not in written:
            stale.unlink()
            print(f"removed: {stale.relative_to(GOLDEN)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

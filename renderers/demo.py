"""Decide every example case and write each document that its outcome calls for, in every format.

Usage: python -m renderers.demo EXAMPLES_DIR OUT_DIR   (tables from decision_tables/ beside EXAMPLES_DIR)
Example: python -m renderers.demo examples out  ->  out/<case>/beschikking.pdf, ...
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.api import decide, load_rule_base, read_case_file
from engine.errors import NareisError
from renderers.documents import FORMATS, applicable_documents, render_document


def write_documents(examples: Path, out: Path, tables: Path) -> list[Path]:
    """Decide every examples/*.yaml and write OUT/<case stem>/<document>.<format>; returns the paths."""
    rule_base = load_rule_base(tables)
    written = []
    for case_path in sorted(examples.glob("*.yaml")):
        decision = decide(read_case_file(case_path, rule_base), rule_base).to_json()
        target = out / case_path.stem
        target.mkdir(parents=True, exist_ok=True)
        for document in applicable_documents(decision):
            for fmt in FORMATS:
                path = target / f"{document}.{fmt}"
                path.write_bytes(render_document(decision, document, fmt))
                written.append(path)
                print(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip() if __doc__ else "", file=sys.stderr)
        return 2
    examples, out = Path(argv[0]), Path(argv[1])
    tables = examples.parent / "decision_tables"
    try:
        write_documents(examples, out, tables)
    except NareisError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

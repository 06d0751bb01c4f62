"""What the golden files hold, shared by the tests (which only compare) and regenerate.py (which only writes).

Example letters are decided with the real decision tables. So that a rule edit elsewhere does not churn them, the
tables hash, row numbers and firing order are replaced by placeholders; tests/test_render_examples.py checks those
in one separate assertion.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent.parent
GOLDEN = Path(__file__).parent
SAMPLE = ROOT / "renderers" / "samples" / "decision_example.json"
EXAMPLE_DATE = dt.date(2026, 11, 23)


def example_names() -> list[str]:
    return sorted(path.stem for path in (ROOT / "examples").glob("*.yaml"))


def example_decision(example: str) -> dict[str, Any]:
    from engine.api import decide, load_rule_base, read_case_file

    rule_base = load_rule_base(ROOT / "decision_tables")
    case = read_case_file(ROOT / "examples" / f"{example}.yaml", rule_base, EXAMPLE_DATE)
    return decide(case, rule_base).to_json()


def sample_decision() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def normalise(text: str, decision: dict[str, Any]) -> str:
    """Text without what a rule edit elsewhere changes: the tables hash, row numbers, firing order."""
    text = text.replace(decision["tabellen_hash"], "<tabellen-hash>")
    text = re.sub(r"\brij \d+", "rij <n>", text)
    text = re.sub(r'<td class="nr">\d+</td>', '<td class="nr"><n></td>', text)
    return re.sub(r"(?m)^\| \d+ \| ", "| <n> | ", text)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(" ".join(page.extract_text().split()) for page in pages) + "\n"


def golden_files() -> Iterator[tuple[str, str]]:
    """(path below tests/golden, content) of every golden file."""
    from renderers.documents import DOCUMENTS, applicable_documents, render_document

    sample = sample_decision()
    for document in DOCUMENTS:
        for fmt in ("html", "md"):
            yield f"render/{document}.{fmt}", render_document(sample, document, fmt).decode("utf-8")
        yield f"render/{document}.pdf.txt", pdf_text(render_document(sample, document, "pdf"))
    for example in example_names():
        decision = example_decision(example)
        for document in applicable_documents(decision):
            for fmt in ("html", "md"):
                text = render_document(decision, document, fmt).decode("utf-8")
                yield f"examples/{example}/{document}.{fmt}", normalise(text, decision)

"""Hardening (issue 12): random valid cases, decided with the real tables and rendered as every document they call
for in every format: a document or a located error (a rule id, a cell or a place in the decision), never a
traceback. Seeded, so a failure is reproduced by its seed; the count is bounded (well under a minute)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

from engine.api import decide, load_rule_base, read_case_file
from engine.errors import NareisError
from engine.model import RuleBase
from engine.types import Kind
from renderers.documents import FORMATS, applicable_documents, render_document

ROOT = Path(__file__).resolve().parent.parent
CASES = 16  # decided and rendered as html, md and docx
PDF_CASES = 2  # of those, also printed (WeasyPrint is the slow part)
NASTY_TEXT = [
    "<img src='file:///etc/passwd'>",
    "# Kop | cel | [link](https://evil.example)",
    "A\x00B\u202eC\ud800D\x0bE",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    "- lijst\n1. genummerd\n===",
    "Ünïcödé ÆØÅ ß € “quotes” 中文 العربية",
    "x" * 400,
    "",
    " ",
]


@pytest.fixture(scope="module")
def rule_base() -> RuleBase:
    return load_rule_base(ROOT / "decision_tables")


def random_value(kind: Kind, values: tuple[str, ...], is_list: bool, rng: random.Random) -> Any:
    if kind is Kind.KEUZE and values:
        if is_list:
            return rng.sample(list(values), rng.randint(0, min(3, len(values))))
        return rng.choice(values)
    if kind is Kind.JA_NEE:
        return rng.choice(["ja", "nee"])
    if kind is Kind.DATUM:
        return (dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 11_000))).isoformat()
    if kind is Kind.GETAL:
        return rng.choice([0, 1, 2, 17, 40, 120])
    if kind is Kind.BEDRAG:
        return rng.choice(["0", "1234.56", "99999.99"])
    if kind is Kind.DUUR:
        return rng.choice(["P3M", "P90D", "P2W", "P1Y"])
    return rng.choice(NASTY_TEXT) or "tekst"


def random_case(rule_base: RuleBase, examples: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    """An example case with some input facts changed to other values of their type, some left out, and the family
    shrunk or grown."""
    case = copy.deepcopy(rng.choice(examples))
    members = case["gezinsleden"]
    if rng.random() < 0.3 and len(members) > 1:
        del members[rng.randint(1, len(members) - 1) :]
    while rng.random() < 0.3 and len(members) < 6:
        extra = copy.deepcopy(rng.choice(members))
        extra["id"] = f"lid{len(members) + 1}"
        members.append(extra)
    places = {"aanvraag": [case["aanvraag"]], "referent": [case["referent"]], "gezinslid": members}
    inputs = [fact for fact in rule_base.glossary.values() if fact.is_input]
    for _ in range(rng.randint(1, 12)):
        fact = rng.choice(inputs)
        target = rng.choice(places[fact.entity])
        if rng.random() < 0.2 and fact.name not in ("id", "naam", "naam_referent"):
            target.pop(fact.name, None)
        else:
            target[fact.name] = random_value(fact.type.kind, fact.type.values, fact.type.is_list, rng)
    for member in members:
        if rng.random() < 0.3:
            member["naam"] = rng.choice(NASTY_TEXT) or "Naam"
    return case


def check_document(data: bytes, fmt: str) -> None:
    assert data
    if fmt in ("html", "md"):
        text = data.decode("utf-8")  # valid UTF-8: no lone surrogate
        assert "\x00" not in text and "\u202e" not in text
        assert not re.search(r"(?<!\\)<img", text)  # HTML escapes it as &lt;img, Markdown as \<img
    elif fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ElementTree.fromstring(archive.read("word/document.xml"))  # well-formed XML
    else:
        assert data.startswith(b"%PDF-")


def test_random_valid_decisions_render_in_every_format(rule_base: RuleBase, tmp_path: Path) -> None:
    examples = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    rng = random.Random(20261202)
    rendered, refused, invalid = 0, [], 0
    for number in range(CASES):
        path = tmp_path / f"case{number}.yaml"
        path.write_text(yaml.safe_dump(random_case(rule_base, examples, rng), allow_unicode=True), encoding="utf-8")
        try:
            case = read_case_file(path, rule_base)
        except NareisError:
            invalid += 1  # not a valid case (a combination the schema refuses): not what this test is about
            continue
        decision = decide(case, rule_base).to_json()
        formats = FORMATS if number < PDF_CASES else tuple(fmt for fmt in FORMATS if fmt != "pdf")
        for document in applicable_documents(decision):
            for fmt in formats:
                try:
                    data = render_document(decision, document, fmt)
                except NareisError as error:  # a located error is an answer; anything else fails the test
                    message = str(error)
                    assert "rule " in message or "beslissing" in message or error.location, message
                    refused.append(message)
                    continue
                check_document(data, fmt)
                rendered += 1
    print(f"{CASES} cases, {invalid} not valid, {rendered} documents, {len(refused)} located refusals")
    for message in sorted(set(refused)):
        print("refused:", message)
    assert invalid < CASES // 2, f"{invalid} of {CASES} generated cases were not valid: the generator is off"
    assert rendered >= 3 * (CASES - invalid), (rendered, refused[:3])

"""The fast path of reading a case gives exactly what the full reading gives, and refuses whatever it refuses."""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.cache import load_cached
from engine.case import CaseLimits, CaseReader, load_case_file, set_case_limits
from engine.errors import CaseError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ODD: list[Any] = [
    None, "", " ", "ja", "nee", "JA", True, False, 0, -1, 12, 1.5, float("nan"), Decimal("2.5"), Decimal("12"),
    Decimal("1e40"), Decimal("0.000000001"), "12", "-3.5", "1,5", "1e3", "2026-02-30", "2026-13-01", "2026-01-01",
    "2026-01-01\n", "٢٠٢٦-٠١-٠١", dt.date(1700, 1, 1), dt.date(2026, 1, 1), dt.date(2400, 1, 1),
    dt.datetime(2026, 1, 1, 10), "x\x00y", "a\u202eb", "a" * 10_001, "3 maanden", "P3M", "vluchteling",
    " vluchteling", '"vluchteling"', "subsidiair", ["ja"], [], ["2026-01-01", "2026-02-01"], ["a, b"], [1, 2],
    {"waarde": "ja"}, {"waarde": "ja", "toelichting": "t"}, {"waarde": "ja", "toelichting": "t", "in_brief": "ja"},
    {"waarde": "ja", "toelichting": "t", "in_brief": True}, {"waarde": "ja", "in_brief": "misschien"},
    {"toelichting": "t"}, {"waarde": None}, {"waarde": "ja", "extra": 1}, {"waarde": "ja", "toelichting": 3},
    {"waarde": dt.date(2026, 5, 1), "toelichting": ""}, {1: 2},
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> CaseReader:
    return CaseReader(load_cached(ROOT / "decision_tables", None, tmp_path_factory.mktemp("cache")))


def _mutate(data: dict[str, Any], reader: CaseReader, chance: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for _ in range(chance.choice((1, 1, 2, 3))):
        where = chance.choice(("aanvraag", "referent", "gezinsleden", "gezinsleden", "top"))
        if where == "top":
            key = chance.choice(("beslisdatum", "aanvraag", "referent", "gezinsleden", "extra"))
            action = chance.random()
            if action < 0.3:
                data.pop(key, None)
            else:
                data[key] = chance.choice([*ODD, [], [{"id": "x"}], {}])
            continue
        if where == "gezinsleden":
            members = data.get("gezinsleden")
            if not isinstance(members, list) or not members:
                continue
            target = chance.choice(members)
            if not isinstance(target, dict):
                continue
            if chance.random() < 0.1:
                members.append(copy.deepcopy(target))  # the same id twice
                continue
            specs = reader._specs["gezinslid"]
        else:
            target = data.get(where)
            if not isinstance(target, dict):
                continue
            specs = reader._specs[where]
        action = chance.random()
        names = list(target)
        if action < 0.15 and names:
            target.pop(chance.choice(names))
        elif action < 0.25:
            target[chance.choice(("onbekend_feit", "id", "uitkomst", "naam", *specs))] = chance.choice(ODD)
        elif action < 0.55:
            name = chance.choice(list(specs))
            fact_type = specs[name].type
            target[name] = chance.choice([*fact_type.values, *ODD]) if fact_type.values else chance.choice(ODD)
        elif names:
            target[chance.choice(names)] = chance.choice(ODD)
    return data


def _full(reader: CaseReader, data: dict[str, Any], beslisdatum: dt.date | None) -> object:
    try:
        return reader._read_checked(data, beslisdatum, "zaak", None)
    except CaseError as error:
        return error


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_path_agrees_with_the_full_reading(reader: CaseReader, seed: int) -> None:
    chance = random.Random(seed)
    originals = [load_case_file(path) for path in EXAMPLES]
    fast_taken = refused = 0
    for number in range(300):
        data = _mutate(chance.choice(originals), reader, chance) if number % 10 else chance.choice(originals)
        beslisdatum = dt.date(2026, 11, 30) if number % 7 == 0 else None
        full = _full(reader, data, beslisdatum)
        fast = reader._read_fast(data, beslisdatum, "zaak", None)
        if fast is None:
            refused += isinstance(full, CaseError)
            continue
        fast_taken += 1
        assert not isinstance(full, CaseError), (data, full)
        assert fast == full
        assert list(fast.source) == list(full.source)  # the same order, so the same JSON
    assert fast_taken > 30 and refused > 30


def test_a_valid_example_takes_the_fast_path_and_an_invalid_one_gets_the_full_messages(reader: CaseReader) -> None:
    data = load_case_file(ROOT / "examples" / "vluchteling_gezin.yaml")
    assert reader._read_fast(data, None, "zaak", None) == reader.read(data, label="zaak")
    broken = copy.deepcopy(data)
    broken["gezinsleden"][0]["relatie"] = "neef"
    assert reader._read_fast(broken, None, "zaak", None) is None
    with pytest.raises(CaseError) as raised:
        reader.read(broken)
    values = ", ".join(reader.rule_base.glossary["relatie"].type.values)
    assert str(raised.value) == f'The case is not valid:\ngezinsleden[0].relatie: expected one of: {values}, got "neef"'



def test_a_tight_limit_is_checked_by_the_full_reading(reader: CaseReader) -> None:
    data = load_case_file(ROOT / "examples" / "vluchteling_gezin.yaml")
    set_case_limits(CaseLimits(members=1))
    try:
        with pytest.raises(CaseError, match=r"gezinsleden: 3 family members; at most 1 are decided"):
            reader.read(data)
    finally:
        set_case_limits(CaseLimits())

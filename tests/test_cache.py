"""The rule-base cache: used when valid, rebuilt when a workbook changes or the file is damaged, never different."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import base_spec
from factory import write_workbook

from engine import cache
from engine.loader import load_directory


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def counting(directory: Path, check: object = None) -> object:
        calls.append(directory)
        return load_directory(directory)

    monkeypatch.setattr(cache, "load_directory", counting)
    return calls


def test_a_valid_cache_is_used_and_gives_the_same_rule_base(
    tables_dir: Path, tmp_path: Path, loads: list[Path]
) -> None:
    store = tmp_path / "cache"
    first = cache.load_cached(tables_dir, None, store)
    second = cache.load_cached(tables_dir, None, store)
    assert len(loads) == 1
    assert second == first
    assert len(list(store.glob("rulebase-*.pickle"))) == 1


def test_a_changed_workbook_is_read_again(tables_dir: Path, tmp_path: Path, loads: list[Path]) -> None:
    store = tmp_path / "cache"
    first = cache.load_cached(tables_dir, None, store)
    spec = base_spec()
    spec.glossary = [*spec.glossary, ("extra", "aanvraag", "tekst", "", "Extra", "invoer")]
    write_workbook(tables_dir, spec)
    second = cache.load_cached(tables_dir, None, store)
    assert len(loads) == 2
    assert "extra" in second.glossary and "extra" not in first.glossary


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps(("wrong key", 42))])
def test_a_damaged_cache_file_is_rebuilt_silently(
    damage: bytes, tables_dir: Path, tmp_path: Path, loads: list[Path]
) -> None:
    store = tmp_path / "cache"
    cache.load_cached(tables_dir, None, store)
    (file,) = store.glob("rulebase-*.pickle")
    file.write_bytes(damage)
    rebuilt = cache.load_cached(tables_dir, None, store)
    assert len(loads) == 2
    assert rebuilt.glossary.keys() == load_directory(tables_dir).glossary.keys()
    assert pickle.loads(file.read_bytes())[1] == rebuilt


def test_no_cache_dir_always_reads(tables_dir: Path, loads: list[Path]) -> None:
    cache.load_cached(tables_dir, None, None)
    cache.load_cached(tables_dir, None, None)
    assert len(loads) == 2


def test_the_compiled_network_is_stored_and_decides_as_a_fresh_compile(tables_dir: Path, tmp_path: Path) -> None:
    import json

    from engine.api import Rules

    store = tmp_path / "cache"
    cache.load_compiled(tables_dir, None, store)
    rule_base, network = cache.load_compiled(tables_dir, None, store)
    assert network is not None and network.rule_base is rule_base
    data = {
        "beslisdatum": "2026-11-01",
        "aanvraag": {"datum_indiening": "2026-08-20"},
        "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
        "gezinsleden": [{"id": "a", "relatie": "ouder", "identiteit_aannemelijk": "nee"}],
    }
    cached, fresh = Rules(rule_base, network), Rules(load_directory(tables_dir))
    assert json.dumps(cached.decide(cached.read_case(data)).to_json()) == json.dumps(
        fresh.decide(fresh.read_case(data)).to_json()
    )


def test_a_cache_made_by_other_engine_code_or_another_checker_is_not_used(
    tables_dir: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "cache"
    cache.load_cached(tables_dir, None, store)
    cache.load_cached(tables_dir, lambda text, names: None, store)  # verified with a checker: not the same
    assert len(loads) == 2
    monkeypatch.setattr(cache, "engine_source_hash", lambda: "other engine source")
    cache.load_cached(tables_dir, None, store)
    assert len(loads) == 3

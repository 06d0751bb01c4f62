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

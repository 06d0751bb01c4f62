"""The library entry points: load a directory of workbooks (cached by content hash), read a case, decide it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.case import Case, load_case_file, read_case
from engine.compiler import compile_network
from engine.loader import content_hash, load_directory, workbook_paths
from engine.model import RuleBase
from engine.runtime import Engine
from engine.trace import Decision

_RULE_BASES: dict[str, RuleBase] = {}
_ENGINES: dict[str, Engine] = {}


def load_rule_base(directory: Path) -> RuleBase:
    """Load and verify every workbook in `directory`; the same content is loaded once per process."""
    paths = workbook_paths(directory) if directory.is_dir() else []
    key = content_hash(paths) if paths else ""
    if key in _RULE_BASES:
        return _RULE_BASES[key]
    from renderers.environment import check_motivation

    rule_base = load_directory(directory, check_motivation)
    _RULE_BASES[rule_base.content_hash] = rule_base
    return rule_base


def engine_for(rule_base: RuleBase) -> Engine:
    """The compiled network for a rule base, compiled and registered once per content hash."""
    engine = _ENGINES.get(rule_base.content_hash)
    if engine is None:
        engine = _ENGINES[rule_base.content_hash] = Engine(compile_network(rule_base))
    return engine


def read_case_file(
    path: Path, rule_base: RuleBase, beslisdatum: dt.date | None = None, default_beslisdatum: dt.date | None = None
) -> Case:
    """Read a case file. `beslisdatum` overrides the case's own; `default_beslisdatum` is used when neither is given."""
    return read_case(
        load_case_file(path), rule_base, beslisdatum, label=path.name, default_beslisdatum=default_beslisdatum
    )


def decide(case: Case, rule_base: RuleBase) -> Decision:
    return engine_for(rule_base).decide(case)

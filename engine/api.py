"""The library entry points: load a directory of workbooks (cached by content hash), read a case, decide it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
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


class Rules:
    """A loaded and compiled rule base: the object a caller holds to read and decide cases.

    Nothing is kept behind the caller's back: drop the object and its rule base goes with it (durable-rules keeps
    one compiled ruleset per content hash for the life of the process, since its C engine cannot unregister one).
    Pickling keeps only the rule base; the network is compiled again where it is unpickled, so a Rules object can be
    sent to the worker processes of any concurrent.futures executor."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.engine = Engine(compile_network(rule_base))

    @classmethod
    def load(cls, directory: Path, cache_dir: Path | None = None) -> Rules:
        """Load and compile `directory`; with `cache_dir`, reuse a rule base cached there for this exact content."""
        from engine.cache import load_cached
        from renderers.environment import check_motivation

        return cls(load_cached(directory, check_motivation, cache_dir))

    def __reduce__(self) -> tuple[type[Rules], tuple[RuleBase]]:
        return (Rules, (self.rule_base,))

    def read_case_file(
        self, path: Path, beslisdatum: dt.date | None = None, default_beslisdatum: dt.date | None = None
    ) -> Case:
        return read_case(
            load_case_file(path), self.rule_base, beslisdatum, label=path.name, default_beslisdatum=default_beslisdatum
        )

    def decide(self, case: Case) -> Decision:
        return self.engine.decide(case)

    def decide_many(
        self, cases: Iterable[Case], executor: Executor | None = None, chunk_size: int = 200
    ) -> Iterator[Decision]:
        """Decide cases in their order. With an executor (a process pool, a Dask client's get_executor(), ...),
        chunks of cases go to its workers, each with this rule base; without one, they are decided here."""
        if executor is None:
            for case in cases:
                yield self.decide(case)
            return
        chunks = _chunks(iter(cases), chunk_size)
        for decisions in executor.map(_decide_chunk, itertools.repeat(self), chunks):
            yield from decisions


def _chunks(cases: Iterator[Case], size: int) -> Iterator[list[Case]]:
    while chunk := list(itertools.islice(cases, size)):
        yield chunk


def _decide_chunk(rules: Rules, cases: list[Case]) -> list[Decision]:
    return [rules.decide(case) for case in cases]

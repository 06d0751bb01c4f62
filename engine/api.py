"""The library entry point: `Rules`, a loaded and compiled rule base that the caller holds, reads and decides cases.

Nothing is kept behind the caller's back: there is no process-wide registry of rule bases or engines. A test or a
long-running service that drops its Rules object drops the rule base, the compiled network and the case validator
with it. The engine never imports the renderers: whoever loads the tables passes the motivation checker in (the
`nareis` command passes renderers.environment.check_motivation; a library user may pass None to skip that check).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from engine.case import Case, CaseReader, load_case_file, read_case
from engine.compiler import Network, compile_network
from engine.loader import MotivationChecker
from engine.model import RuleBase
from engine.runtime import Engine
from engine.trace import Decision


class Rules:
    """A loaded and compiled rule base: the object a caller holds to read and decide cases.

    It holds the rule base, its compiled network (registered with durable-rules) and the case reader (the JSON
    Schema validator of this glossary, built once). Pickling keeps only the rule base; the network and the reader
    are built again where it is unpickled, so a Rules object can be sent to the workers of any
    concurrent.futures executor (a process pool, a Dask client's get_executor(), ...)."""

    def __init__(self, rule_base: RuleBase, network: Network | None = None) -> None:
        """`network`: the rule base's compiled network when it is at hand (from the cache); else it is compiled."""
        if network is None or network.rule_base is not rule_base:
            network = compile_network(rule_base)
        self.rule_base = rule_base
        self.engine = Engine(network)
        self.reader = CaseReader(rule_base)

    @classmethod
    def load(
        cls, directory: Path, cache_dir: Path | None = None, *, check_motivation: MotivationChecker | None = None
    ) -> Rules:
        """Load, verify and compile the workbooks in `directory`. With `cache_dir`, a rule base cached there for
        this exact content (and this motivation checker) is reused, and a new one is stored."""
        from engine.cache import load_compiled

        return cls(*load_compiled(directory, check_motivation, cache_dir))

    def __reduce__(self) -> tuple[type[Rules], tuple[RuleBase]]:
        return (Rules, (self.rule_base,))

    def read_case(
        self,
        data: Mapping[str, Any],
        beslisdatum: dt.date | None = None,
        label: str = "case",
        default_beslisdatum: dt.date | None = None,
    ) -> Case:
        """Validate and convert plain case data (as read from JSON or YAML). Raises CaseError naming each problem."""
        return self.reader.read(data, beslisdatum, label=label, default_beslisdatum=default_beslisdatum)

    def read_case_file(
        self, path: Path, beslisdatum: dt.date | None = None, default_beslisdatum: dt.date | None = None
    ) -> Case:
        """Read a case file. `beslisdatum` overrides the case's own; `default_beslisdatum` is used when neither is
        given."""
        data = load_case_file(path)
        return self.read_case(data, beslisdatum, label=path.name, default_beslisdatum=default_beslisdatum)

    def decide(self, case: Case) -> Decision:
        return self.engine.decide(case)

    def decide_many(
        self, cases: Iterable[Case], executor: Executor | None = None, chunk_size: int = 200
    ) -> Iterator[Decision]:
        """Decide cases in their order. With an executor, chunks of cases go to its workers, each with this rule
        base; without one, they are decided here."""
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


# Transitional functions for callers that still pass a RuleBase around (engine/check.py, renderers/demo.py, older
# tests). They keep nothing in memory between calls: `decide` compiles the network on every call. New code holds
# a Rules object instead.


def load_rule_base(directory: Path) -> RuleBase:
    """Load and verify every workbook in `directory`, with the documents' motivation check.

    Transitional: this is the one function under engine/ that imports the renderers (lazily, when called, never
    on import); it goes when its last caller passes its own checker to Rules.load. The rule base is stored in and
    read from the user's cache directory (engine/cache.py: keyed by content, engine version and checker)."""
    from engine.cache import default_cache_dir, load_cached
    from renderers.environment import check_motivation  # transitional, see above

    return load_cached(directory, check_motivation, default_cache_dir())


def engine_for(rule_base: RuleBase) -> Engine:
    """The compiled network of a rule base, compiled anew (transitional: hold a Rules object instead)."""
    return Engine(compile_network(rule_base))


def read_case_file(
    path: Path, rule_base: RuleBase, beslisdatum: dt.date | None = None, default_beslisdatum: dt.date | None = None
) -> Case:
    """Read a case file against `rule_base` (transitional: Rules.read_case_file reuses its validator)."""
    return read_case(
        load_case_file(path), rule_base, beslisdatum, label=path.name, default_beslisdatum=default_beslisdatum
    )


def decide(case: Case, rule_base: RuleBase) -> Decision:
    """Decide one case (transitional: compiles the network on every call; Rules.decide does not)."""
    return engine_for(rule_base).decide(case)

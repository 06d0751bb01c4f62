"""Decide many case files in one run: one JSON line per case, in input order, an error in its own line."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.api import Rules
from engine.case import load_case_file
from engine.errors import CaseError, NareisError
from engine.trace import Decision, value_json

CASE_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class CaseSource:
    """One case to decide: its label (file name, or file:line for JSONL) and its content or the error reading it."""

    label: str
    data: dict[str, Any] | None
    error: str | None = None


def case_sources(path: Path) -> Iterator[CaseSource]:
    """The cases in `path`: a JSONL file (one case per line) or a directory of case files (name order)."""
    if path.is_dir():
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in CASE_SUFFIXES and p.is_file()):
            try:
                yield CaseSource(file.name, load_case_file(file))
            except CaseError as error:
                yield CaseSource(file.name, None, str(error))
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            label = f"{path.name}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                yield CaseSource(label, None, f"{label}: not a JSON object: {error.msg} (column {error.colno})")
                continue
            if not isinstance(data, dict):
                yield CaseSource(label, None, f"{label}: a case is a JSON object, got {type(data).__name__}")
                continue
            yield CaseSource(label, data)


def result_line(label: str, decision: Decision | None, error: str | None = None) -> str:
    """The JSONL line of one case: its outcome per member and the whole decision, or its error."""
    if decision is None:
        record: dict[str, Any] = {"zaak": label, "fout": error}
    else:
        record = {
            "zaak": label,
            "uitkomsten": {
                m.key: value_json(m.facts["uitkomst"]) if "uitkomst" in m.facts else None for m in decision.gezinsleden
            },
            "besluit": decision.to_json(),
        }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def decide_source(rules: Rules, source: CaseSource, default_beslisdatum: dt.date) -> tuple[str, Decision | None]:
    """Decide one source; returns its line and the decision (None when the case could not be decided)."""
    if source.data is None:
        return result_line(source.label, None, source.error), None
    try:
        case = rules.read_case(source.data, None, label=source.label, default_beslisdatum=default_beslisdatum)
        decision = rules.decide(case)
    except NareisError as error:
        return result_line(source.label, None, str(error)), None
    return result_line(source.label, decision), decision


def _decide_chunk(
    rules: Rules, chunk: list[CaseSource], default_beslisdatum: dt.date, documents: DocumentWriter | None
) -> list[tuple[str, bool]]:
    lines = []
    for source in chunk:
        line, decision = decide_source(rules, source, default_beslisdatum)
        if decision is not None and documents is not None:
            documents(decision, Path(source.label.replace(":", "_")).stem)
        lines.append((line, decision is not None))
    return lines


# Writes a decided case's documents, given the decision and a name for the case made from its label. The command
# passes one (it renders with the renderers; the engine does not import them); in worker processes it must pickle,
# so it is a module-level function or a functools.partial of one.
DocumentWriter = Callable[[Decision, str], None]


def decide_batch(
    rules: Rules,
    sources: Iterator[CaseSource],
    default_beslisdatum: dt.date,
    executor: Executor | None = None,
    documents: DocumentWriter | None = None,
    chunk_size: int = 100,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, bool]]:
    """The result lines of `sources`, in their order, each with whether its case was decided.

    With an executor made by `worker_pool`, chunks of cases go to its worker processes, each of which received the
    rules once when it started; without one, they are decided here with `rules`."""
    chunks = _chunks(sources, chunk_size)
    if executor is None:
        results: Iterator[list[tuple[str, bool]]] = (
            _decide_chunk(rules, chunk, default_beslisdatum, documents) for chunk in chunks
        )
    else:
        results = executor.map(
            _worker_chunk, chunks, itertools.repeat(default_beslisdatum), itertools.repeat(documents)
        )
    for lines in results:
        yield from lines
        if progress is not None:
            progress(len(lines))


def worker_pool(workers: int, rules: Rules) -> ProcessPoolExecutor:
    """Worker processes that each receive `rules` once, when they start (its rule base is pickled; each worker
    compiles the network and builds the case validator itself)."""
    return ProcessPoolExecutor(workers, initializer=_set_worker_rules, initargs=(rules,))


_worker_rules: list[Rules] = []  # in a worker process only: the rules its pool's initializer received


def _set_worker_rules(rules: Rules) -> None:
    _worker_rules[:] = [rules]


def _worker_chunk(
    chunk: list[CaseSource], default_beslisdatum: dt.date, documents: DocumentWriter | None
) -> list[tuple[str, bool]]:
    return _decide_chunk(_worker_rules[0], chunk, default_beslisdatum, documents)


def _chunks(sources: Iterator[CaseSource], size: int) -> Iterator[list[CaseSource]]:
    while chunk := list(itertools.islice(sources, size)):
        yield chunk

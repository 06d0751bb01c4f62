"""durable-rules' own errors leave the engine as located NareisErrors; every error class pickles with its fields."""

from __future__ import annotations

import datetime as dt
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import durable_rules_engine
import pytest

from engine import runtime
from engine.api import engine_for, load_rule_base
from engine.case import Case, Member
from engine.compiler import compile_network
from engine.errors import (
    CaseError,
    CellError,
    DecisionFileError,
    Location,
    NareisError,
    RuleConflictError,
    UsageError,
    WorkbookError,
    WorkbookProblems,
)
from engine.runtime import NetworkError

TODAY = dt.date(2026, 11, 1)


def a_case() -> Case:
    return Case(
        TODAY,
        {"beslisdatum": TODAY, "datum_indiening": dt.date(2026, 8, 1)},
        {"status_referent": "vluchteling", "datum_verlening": dt.date(2026, 5, 1)},
        (Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "ja"}),),
        label="Z-9",
    )


def test_a_durable_error_on_a_fact_names_the_tables_the_member_and_the_case(
    tables_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_for(load_rule_base(tables_dir))
    real = durable_rules_engine.assert_fact

    def refuse(handle: int, fact: str) -> object:
        if '"stap": 0' in fact:  # the fact that opens the session
            return real(handle, fact)
        raise durable_rules_engine.error("Could not assert fact, error code: 302")

    monkeypatch.setattr(runtime.durable_rules_engine, "assert_fact", refuse)
    with pytest.raises(NetworkError) as raised:
        engine.decide(a_case())
    assert str(raised.value) == (
        'H2_test.xlsx, sheet "Nareistermijn", cell B1: durable-rules weigert het feit voor de tabellen '
        '"Nareistermijn" (gezinslid "vrouw" in zaak Z-9): een feit met meer eigenschappen dan durable-rules er '
        "aankan (255) (durable-rules: Could not assert fact, error code: 302)"
    )
    assert raised.value.exit_code == 1
    monkeypatch.setattr(runtime.durable_rules_engine, "assert_fact", real)
    # The failed case's session was closed: the next case is decided as usual.
    assert engine.decide(a_case()).gezinsleden[0].facts["eindoordeel"] == "inwilligen"


def test_a_ruleset_durable_rules_refuses_is_a_located_error(tables_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    network = compile_network(load_rule_base(tables_dir))

    def refuse(name: str, ruleset: str) -> int:
        raise durable_rules_engine.error("Could not create ruleset, error code: 202")

    monkeypatch.setattr(runtime.durable_rules_engine, "create_ruleset", refuse)
    with pytest.raises(NetworkError) as raised:
        runtime._Durable().register(network)
    assert str(raised.value) == (
        "H2_test.xlsx: het regelnetwerk van deze tabellen kan niet worden aangemaakt: een ongeldige regeldefinitie "
        "of een ongeldig feit (durable-rules: Could not create ruleset, error code: 202)"
    )


def test_too_many_open_sessions_is_a_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    durable = runtime._Durable()
    durable.handles["n"] = 0

    def full(handle: int, fact: str) -> object:
        raise MemoryError

    monkeypatch.setattr(runtime.durable_rules_engine, "assert_fact", full)
    with pytest.raises(NetworkError, match=r"^een nieuwe zaak kan niet worden geopend: geen ruimte meer "):
        durable.start("n", "s1")


ERRORS = [
    NareisError("m", Location("A.xlsx", "S", "B2")),
    WorkbookError("m", Location("A.xlsx")),
    CellError("m", Location("A.xlsx", "S", "C3"), column=4),
    WorkbookProblems([WorkbookError("één", Location("A.xlsx")), CellError("twee", column=2)]),
    CaseError(["a: x", "b: y"]),
    RuleConflictError("tabel T: twee regels", Location("A.xlsx", "T")),
    DecisionFileError("m", Location("besluit.json")),
    UsageError("m"),
    NetworkError("durable-rules weigert", Location("H2.xlsx", "Nareistermijn", "B1")),
]


def _raise(error: NareisError) -> None:
    raise error


def _fields(error: NareisError) -> tuple[object, ...]:
    return (type(error), str(error), error.location, error.exit_code, str(sorted(error.__dict__.items())))


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_each_error_class_pickles_with_its_location(error: NareisError) -> None:
    assert _fields(pickle.loads(pickle.dumps(error))) == _fields(error)


def test_errors_raised_in_worker_processes_come_back_whole() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(_raise, error) for error in ERRORS]
        back = [future.exception() for future in futures]
    assert [_fields(e) for e in back if isinstance(e, NareisError)] == [_fields(e) for e in ERRORS]

"""Rules.decide_many with any concurrent.futures executor: the same decisions, in the same order, as deciding here."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.api import Rules
from engine.case import Case

MEMBERS = [
    {"id": "a", "relatie": "ouder", "identiteit_aannemelijk": "nee"},
    {"id": "b", "relatie": "kind", "identiteit_aannemelijk": "ja"},
    {"id": "c", "relatie": "kind", "identiteit_aannemelijk": "onbekend"},
]


def _cases(rules: Rules) -> list[Case]:
    cases = []
    for number in range(12):
        status = "vluchteling" if number % 3 else "subsidiair"
        data = {
            "beslisdatum": "2026-11-01",
            "aanvraag": {"datum_indiening": f"2026-08-{number + 10:02d}", "zaaknummer": f"Z-{number}"},
            "referent": {"status_referent": status, "datum_verlening": "2026-05-01"},
            "gezinsleden": MEMBERS[: 1 + number % 3],
        }
        cases.append(rules.read_case(data))
    return cases


def _decided(rules: Rules, cases: list[Case], executor: object = None) -> list[str]:
    return [json.dumps(d.to_json()) for d in rules.decide_many(cases, executor, chunk_size=5)]  # type: ignore[arg-type]


def test_a_process_pool_and_a_thread_pool_decide_as_here(tables_dir: Path) -> None:
    rules = Rules.load(tables_dir)
    cases = _cases(rules)
    here = _decided(rules, cases)
    assert [json.loads(d)["aanvraag"]["feiten"]["zaaknummer"] for d in here] == [f"Z-{n}" for n in range(12)]
    with ProcessPoolExecutor(2) as pool:
        assert _decided(rules, cases, pool) == here
    with ThreadPoolExecutor(2) as pool:
        assert _decided(rules, cases, pool) == here


def test_a_local_dask_cluster_decides_as_here(tables_dir: Path) -> None:
    distributed = pytest.importorskip("distributed")  # the optional extra: pip install 'nareis[dask]'
    rules = Rules.load(tables_dir)
    cases = _cases(rules)
    here = _decided(rules, cases)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert _decided(rules, cases, client.get_executor()) == here

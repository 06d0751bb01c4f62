"""The state a caller can see: Rules is the only holder of a rule base; the engine does not import the renderers."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

from conftest import base_spec
from factory import write_workbook

from engine.api import Rules

ROOT = Path(__file__).resolve().parent.parent
DATA = {
    "beslisdatum": "2026-11-01",
    "aanvraag": {"datum_indiening": "2026-08-20"},
    "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
    "gezinsleden": [{"id": "a", "relatie": "ouder", "identiteit_aannemelijk": "nee"}],
}


def _modules_after(statement: str) -> set[str]:
    script = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    return set(json.loads(done.stdout))


def test_importing_the_engine_api_imports_no_renderer() -> None:
    modules = _modules_after("import engine.api, engine.batch, engine.cache, engine.impact")
    assert "engine.api" in modules
    assert sorted(m for m in modules if m == "renderers" or m.startswith("renderers.")) == []


def test_rules_loaded_without_a_checker_decide_and_read_no_renderer(tables_dir: Path) -> None:
    statement = (
        "from pathlib import Path\nfrom engine.api import Rules\n"
        f"rules = Rules.load(Path({str(tables_dir)!r}))\n"
        f"decision = rules.decide(rules.read_case({DATA!r}))\n"
        "assert decision.gezinsleden[0].facts['uitkomst'] == 'afwijzen'"
    )
    modules = _modules_after(statement)
    assert sorted(m for m in modules if m.split(".")[0] in ("renderers", "weasyprint", "jinja2")) == []


def test_a_dropped_rules_object_is_released(tables_dir: Path) -> None:
    rules = Rules.load(tables_dir)
    assert rules.decide(rules.read_case(DATA)).gezinsleden[0].facts["uitkomst"] == "afwijzen"
    released = weakref.ref(rules)
    rule_base = weakref.ref(rules.rule_base)
    del rules
    gc.collect()
    assert released() is None
    assert rule_base() is None


def test_reloading_edited_tables_releases_the_old_rule_base(tables_dir: Path) -> None:
    old = [weakref.ref(Rules.load(tables_dir).rule_base)]
    for number in range(3):
        spec = base_spec()
        spec.glossary = [*spec.glossary, (f"extra{number}", "aanvraag", "tekst", "", "Extra", "invoer")]
        write_workbook(tables_dir, spec)
        rules = Rules.load(tables_dir)
        assert f"extra{number}" in rules.rule_base.glossary
        old.append(weakref.ref(rules.rule_base))
        del rules
    gc.collect()
    assert [ref() for ref in old] == [None, None, None, None]

"""Whatever policy staff type into a cell, loading gives located problems, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
from conftest import base_spec
from factory import write_workbook
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import WorkbookProblems
from engine.loader import load_directory

CELLS = ["C8", "D9", "B3", "B2", "A9", "E8", "C2", "D4"]  # inputs, outputs, hit policy, entity, ids, Bron ...
SHEETS = ["Nareistermijn", "Uitkomst", "Begrippen", "Berekeningen"]

junk = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),  # Excel cannot hold control characters
    st.sampled_from(["[1..", "not(", '"open', "< <", "1,,2", "=SUM(A1)", "P3X", "2026-13-01", "3 maand en",
                     "lijst van", "keuze", "C#", "-", "ja, nee", "enig_gezinslid(", "leeftijd(1)", "))"]),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.dates(),
)


@settings(max_examples=60, deadline=None)
@given(sheet=st.sampled_from(SHEETS), cell=st.sampled_from(CELLS), value=junk)
def test_any_cell_value_loads_or_gives_located_problems(sheet: str, cell: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        path = write_workbook(directory, base_spec())
        book = openpyxl.load_workbook(path)
        book[sheet][cell] = value
        book.save(path)
        try:
            load_directory(directory)
        except WorkbookProblems as problems:
            assert problems.problems
            for problem in problems.problems:
                assert problem.location is not None
                assert str(problem).startswith(f"{path.name}") or str(problem).startswith("(ingebouwd)")

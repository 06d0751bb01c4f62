"""Hardening (issue 12), workbooks: every bad workbook is a located error with exit code 1, found before work."""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import base_spec
from factory import write_workbook

from engine.cli import main
from engine.workbook import DEFAULT_LIMITS, set_limits

BOOK = "H2_test.xlsx"


@pytest.fixture(autouse=True)
def default_limits() -> Iterator[None]:
    yield
    set_limits(DEFAULT_LIMITS)


def check(directory: Path, *options: str) -> Result:
    """Load the tables the way every command does. `coverage` rather than `check`: check reports load problems in
    its own report format (exit 2 for a file that is no workbook, issue 8); the guard's message is what is tested."""
    started = time.monotonic()
    result = CliRunner().invoke(main, [*options, "coverage", str(directory)])
    assert time.monotonic() - started < 10, "a hang"
    assert "Traceback" not in result.output
    return result


def rewrite(path: Path, part: str, change: bytes | None = None, add: dict[str, bytes] | None = None) -> None:
    """Replace one part of a workbook's zip archive (or drop it with change=None), and add parts."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if change is None:
        parts.pop(part, None)
    else:
        parts[part] = change
    parts.update(add or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def sheet_part(path: Path, title: str) -> str:
    book = openpyxl.load_workbook(path)
    index = book.sheetnames.index(title)
    return f"xl/worksheets/sheet{index + 1}.xml"


def test_a_truncated_zip_is_a_workbook_error(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    path.write_bytes(path.read_bytes()[:2000])
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: cannot read this file as an Excel workbook (.xlsx): File is not a zip file\n"
    )


def test_a_corrupt_deflate_stream_is_a_workbook_error(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: 1 problem in the decision tables:\n{BOOK}: cannot read this file as an Excel workbook (.xlsx): "
    )


def test_malformed_sheet_xml_is_a_workbook_error(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    rewrite(path, part, b"<worksheet><sheetData><row r='1'><c r='A1'")
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: the part {part} is not well-formed XML: unclosed token: line 1, column 33\n"
    )


def test_a_missing_workbook_part_is_a_workbook_error(tables_dir: Path) -> None:
    rewrite(tables_dir / BOOK, "xl/workbook.xml", None)
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: cannot read this file as an Excel workbook (.xlsx): There is no item named 'xl/workbook.xml' "
        "in the archive\n"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>"""


def test_an_entity_expansion_workbook_is_refused_with_its_part(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    rewrite(path, "xl/sharedStrings.xml", BILLION_LAUGHS)
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: the part xl/sharedStrings.xml declares a DTD or an entity; Excel never writes one, and nareis "
        "refuses it (nothing was expanded, fetched or read)\n"
    )


def test_an_external_entity_workbook_reads_no_file(tables_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    secret = tmp_path_factory.mktemp("secret") / "geheim.txt"
    secret.write_text("GEHEIM-7731")
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    payload = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    rewrite(path, part, payload)
    before = os.stat(secret).st_atime_ns
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: the part {part} declares a DTD or an entity; Excel never writes one, and nareis refuses it "
        "(nothing was expanded, fetched or read)\n"
    )
    assert "GEHEIM" not in result.output
    assert os.stat(secret).st_atime_ns == before


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with zipfile.ZipFile(path) as original:
            for info in original.infolist():
                archive.writestr(info.filename, original.read(info))
        with archive.open("xl/media/bomb.bin", "w", force_zip64=True) as stream:
            block = bytes(1 << 24)
            for _ in range(16):  # 256 MiB of zeros: a few hundred kilobytes packed
                stream.write(block)
    path.write_bytes(bomb.getvalue())
    assert path.stat().st_size < 5_000_000
    started = time.monotonic()
    result = check(tables_dir)
    assert time.monotonic() - started < 3
    assert _parts_size(path) > 1 << 28
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: the workbook unpacks to {_parts_size(path):,} bytes; at most 100,000,000 are read "
        "(raise it with --limit unpacked_bytes=N)\n"
    )


def _parts_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def test_a_cell_at_xfd1048576_is_refused_by_the_real_extent(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    book = openpyxl.load_workbook(path)
    book["Uitkomst"]["XFD1048576"] = "ver weg"
    book.save(path)
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f'{BOOK}, sheet "Uitkomst": the sheet uses 1,048,576 rows (up to cell XFD1048576); at most 10,000 are read '
        "(raise it with --limit rows=N)\n"
    )


def test_a_declared_dimension_is_not_believed(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
    declared = re.sub(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:XFD1048576"/>', xml, count=1)
    assert declared != xml
    rewrite(path, part, declared)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 0, result.output
    assert "== Uitkomst\nTabel: Uitkomst\n" in result.output


def test_200000_styled_rows_are_refused_before_openpyxl_reads_them(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    rows = b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (r, r) for r in range(100, 200_100))
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
    rewrite(path, part, xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: 1 problem in the decision tables:\n{BOOK}: the sheet part {part} has 200,0"
    )
    assert result.output.endswith(" cells; at most 200,000 are read per sheet (raise it with --limit cells=N)\n")


def test_a_limit_can_be_raised_with_an_option(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    book = openpyxl.load_workbook(path)
    book["Uitkomst"]["A10050"] = "ver weg"
    book.save(path)
    assert "at most 10,000 are read" in check(tables_dir).output
    result = check(tables_dir, "--limit", "rows=20000")
    assert "at most 10,000 are read" not in result.output
    assert 'sheet "Uitkomst", cell D10050: uitvoer voor uitkomst ontbreekt' in result.output  # read, then checked


def test_a_fifo_named_xlsx_is_refused_without_opening_it(tables_dir: Path) -> None:
    os.mkfifo(tables_dir / "Pijp.xlsx")
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        "Pijp.xlsx: this is a FIFO, not a workbook file: only regular files are read\n"
    )


def test_a_link_out_of_the_directory_is_refused(tables_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elders") / "Buiten.xlsx"
    write_workbook(elsewhere.parent, base_spec(name="Buiten.xlsx"))
    (tables_dir / "Buiten.xlsx").symlink_to(elsewhere)
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 1 problem in the decision tables:\nBuiten.xlsx: a link to {elsewhere}, outside {tables_dir}, "
        "is not read\n"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("H5.xlsm", "a workbook with macros (.xlsm) is not read: save it as an Excel workbook (.xlsx)"),
        ("H5.XLSX", "the extension .XLSX is not read: rename the file to end in .xlsx (lower case)"),
        ("H5.xls", "an Excel 97-2003 workbook (.xls) is not read: save it as an Excel workbook (.xlsx)"),
    ],
)
def test_other_excel_formats_are_named_not_skipped(tables_dir: Path, name: str, message: str) -> None:
    (tables_dir / name).write_bytes(b"")
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output == f"Error: 1 problem in the decision tables:\n{name}: {message}\n"


def test_a_chapter_without_its_tests_sheet_does_not_pass(tmp_path: Path) -> None:
    from test_cli import scenario_tables

    directory = scenario_tables(tmp_path)
    assert "Error:" not in check(directory).output  # it loads (its coverage report is not the point here)
    path = directory / BOOK
    book = openpyxl.load_workbook(path)
    del book["Tests"]
    book.save(path)
    result = check(directory)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem in the decision tables:\n"
        f"{BOOK}: this workbook has decision tables but no scenarios: its Tests sheet is missing or empty, and every "
        "chapter must be tested\n"
    )


def test_a_year_10000_date_cell_is_a_workbook_error(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
        styles = archive.read("xl/styles.xml")
    # A number formatted as a date (built-in format 14) beyond 9999-12-31.
    styles = styles.replace(b'<cellXfs count="1">', b'<cellXfs count="2">', 1).replace(
        b"</cellXfs>", b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>', 1
    )
    xml = xml.replace(b"</sheetData>", b'<row r="40"><c r="B40" s="1"><v>3000000</v></c></row></sheetData>')
    rewrite(path, part, xml, {"xl/styles.xml": styles})
    result = check(tables_dir)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: 1 problem in the decision tables:\n{BOOK}: cannot read this file as an Excel workbook (.xlsx): "
    )


def test_dump_refuses_a_bad_workbook_with_exit_1(tables_dir: Path) -> None:
    path = tables_dir / BOOK
    rewrite(path, "xl/sharedStrings.xml", BILLION_LAUGHS)
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {BOOK}: the part xl/sharedStrings.xml declares a DTD or an entity")


def test_check_leaves_every_workbook_unchanged(tables_dir: Path) -> None:
    digest = hashlib.sha256((tables_dir / BOOK).read_bytes()).hexdigest()
    check(tables_dir)
    assert hashlib.sha256((tables_dir / BOOK).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("character", ["\u202e", "\u2066"])
def test_control_and_bidi_characters_in_a_cell_are_located(tables_dir: Path, character: str) -> None:
    path = tables_dir / BOOK
    part = sheet_part(path, "Uitkomst")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
    escaped = f"_x{ord(character):04X}_" if character < " " else character
    cell = f'<row r="40"><c r="B40" t="inlineStr"><is><t>a{escaped}b</t></is></c></row></sheetData>'.encode()
    rewrite(path, part, xml.replace(b"</sheetData>", cell))
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f'Error: {BOOK}, sheet "Uitkomst", cell B40: the cell holds the character U+{ord(character):04X} (a control '
        "character or a bidirectional override), which a letter cannot show or which makes it read other than it is "
        "stored; remove it\n"
    )

"""Hardening of the documents (issue 12): nothing fetched, same bytes every time, no unsafe character, no markup."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from golden.goldenlib import pdf_text

from renderers.documents import _render_pdf, neutralise, render_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "renderers" / "samples" / "decision_example.json"
WATCHED: list[tuple[str, str]] = []  # (audit event, argument) seen while `watching` is on
_WATCH = {"on": False}


def sample() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH["on"] and (event == "open" or event.startswith("socket.")):
        WATCHED.append((event, str(args[0]) if args else ""))


sys.addaudithook(_audit)  # an audit hook cannot be removed: it records only while a test watches


@pytest.fixture
def watching() -> Iterator[list[tuple[str, str]]]:
    WATCHED.clear()
    _WATCH["on"] = True
    try:
        yield WATCHED
    finally:
        _WATCH["on"] = False


def opened(events: list[tuple[str, str]], path: Path) -> bool:
    return any(event == "open" and path.name in argument for event, argument in events)


def connections(events: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [e for e in events if e[0] in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname")]


def secret_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    image, style, font = tmp_path / "secret.png", tmp_path / "secret.css", tmp_path / "secret.ttf"
    for path in (image, style, font):
        path.write_bytes(b"secret")
    return image, style, font


def hostile_html(image: Path, style: Path, font: Path) -> str:
    return (
        "<html><head>"
        f'<link rel="stylesheet" href="{style.as_uri()}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        f"<style>@font-face {{ font-family: X; src: url({font.as_uri()}); }}"
        f" body {{ font-family: X; background: url({image.as_uri()}); }}"
        "p { background: url(https://example.invalid/x.png); }</style>"
        "</head><body>"
        f'<img src="{image.as_uri()}"><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<p>Tekst</p></body></html>"
    )


# 1. Nothing is fetched ---------------------------------------------------------------------------------------------
def test_the_watch_sees_weasyprint_read_a_file_with_its_default_fetcher(tmp_path: Path, watching: Any) -> None:
    # The control: without our fetcher WeasyPrint does read the image, so the test below can fail.
    render_document(sample(), "herstelverzuim", "pdf")  # imports WeasyPrint the way the renderer does
    from weasyprint import HTML

    image, _, _ = secret_files(tmp_path)
    watching.clear()
    HTML(string=f'<img src="{image.as_uri()}">').write_pdf()
    assert opened(watching, image)


def test_a_pdf_reads_no_local_file_and_opens_no_connection(tmp_path: Path, watching: Any) -> None:
    image, style, font = secret_files(tmp_path)
    watching.clear()
    pdf = _render_pdf(hostile_html(image, style, font), _moment())
    assert pdf.startswith(b"%PDF-")
    assert not [e for e in watching if any(p.name in e[1] for p in (image, style, font)) or "passwd" in e[1]]
    assert connections(watching) == []


def test_a_fact_or_motivation_with_an_image_or_css_url_fetches_nothing(tmp_path: Path, watching: Any) -> None:
    image, style, _ = secret_files(tmp_path)
    watching.clear()
    decision = sample()
    decision["gezinsleden"][0]["feiten"]["naam"] = f'<img src="{image.as_uri()}">'
    decision["gezinsleden"][0]["gevuurde_regels"][1]["motivering"] = (
        f'<style>body {{ background: url({style.as_uri()}) }}</style><img src="http://127.0.0.1:9/x.png"> '
        "{{ naam }}"
    )
    pdf = render_document(decision, "beschikking", "pdf")
    assert f'<img src="{image.as_uri()}">' in pdf_text(pdf).replace("\n", "")
    assert not opened(watching, image) and not opened(watching, style)
    assert connections(watching) == []


# 3. Same bytes every time -----------------------------------------------------------------------------------------
def _moment() -> Any:
    import datetime as dt

    return dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def pdf_info(pdf: bytes) -> bytes:
    """The PDF's document information dictionary (WeasyPrint writes it in a compressed object stream)."""
    for match in re.finditer(rb"stream\n(.*?)\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        start = content.find(b"<</Producer")
        if start >= 0:
            return content[start : content.index(b">>", start) + 2]
    raise AssertionError("no document information in the PDF")


RENDER_ALL = """
import hashlib, json, sys
from renderers.documents import render_document
decision = json.load(open(sys.argv[1], encoding="utf-8"))
for document in ("beschikking", "herstelverzuim", "beslisnotitie"):
    for fmt in ("pdf", "docx", "md", "html"):
        print(document, fmt, hashlib.sha256(render_document(decision, document, fmt)).hexdigest())
"""


def test_documents_are_byte_identical_across_processes_and_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        env.pop("SOURCE_DATE_EPOCH", None)
        result = subprocess.run(
            [sys.executable, "-c", RENDER_ALL, str(SAMPLE)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=300,
            check=True,
        )
        outputs.append(result.stdout)
    assert len(outputs[0].splitlines()) == 12
    assert outputs[0] == outputs[1]
    # and the same in this process, rendered later
    here = [
        f"{document} {fmt} {hashlib.sha256(render_document(sample(), document, fmt)).hexdigest()}"
        for document in ("beschikking", "herstelverzuim", "beslisnotitie")
        for fmt in ("pdf", "docx", "md", "html")
    ]
    assert here == outputs[0].splitlines()


def test_the_pdf_is_dated_by_the_beslisdatum_not_the_clock() -> None:
    info = pdf_info(render_document(sample(), "beschikking", "pdf"))
    assert b"/CreationDate (D:20261123000000Z)/ModDate (D:20261123000000Z)" in info
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set only while printing


def test_the_word_file_is_dated_by_the_beslisdatum_with_fixed_core_properties() -> None:
    data = render_document(sample(), "beschikking", "docx")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {entry.date_time for entry in archive.infolist()} == {(2026, 11, 23, 0, 0, 0)}
    core = ElementTree.fromstring(archive.read("docProps/core.xml"))
    values = {element.tag.split("}")[1]: element.text for element in core}
    assert values["created"] == values["modified"] == "2026-11-23T00:00:00Z"
    assert values["creator"] == values["lastModifiedBy"] == "nareis"
    assert values["description"] is None
    assert values["title"] == "beschikking IND-2026-004711"


# 4. Characters no format can carry ----------------------------------------------------------------------------------
UNSAFE = "A\x00B\x0bC\ud800D\u202eE\u2066F\x1bG\x85H"
SHOWN = "A\ufffdB\ufffdC\ufffdD\ufffdE\ufffdF\ufffdG\ufffdH"


def test_neutralise_replaces_controls_surrogates_and_bidi_controls() -> None:
    assert neutralise(UNSAFE) == SHOWN
    assert neutralise("tab\tregel\nnaam é ß € \u200d") == "tab\tregel\nnaam é ß € \u200d"


def unsafe_decision() -> dict[str, Any]:
    decision = sample()
    member = decision["gezinsleden"][0]
    member["feiten"]["naam"] = "Sara\x00\u202e Tesfay"
    member["gevuurde_regels"][1]["motivering"] = f"Reden {UNSAFE}."
    decision["referent"]["feiten"]["adres_referent"] = f"Straat {UNSAFE}, 1234 AB Utrecht"
    member["toelichtingen"]["termijnoverschrijding_verschoonbaar"] = f"Noot {UNSAFE}"
    return decision


@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "docx"])
def test_unsafe_characters_are_neutralised_in_every_format(fmt: str) -> None:
    for document in ("beschikking", "beslisnotitie"):
        data = render_document(unsafe_decision(), document, fmt)
        if fmt == "pdf":
            text = pdf_text(data)
        elif fmt == "docx":
            xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
            text = "".join(ElementTree.fromstring(xml).itertext())  # valid XML
        else:
            text = data.decode("utf-8")  # valid UTF-8: no lone surrogate reached the bytes
        flat = text.replace("\n", "")
        assert f"Reden {SHOWN}." in flat, (document, fmt)
        assert "Sara\ufffd\ufffd Tesfay" in flat, (document, fmt)
        if document == "beschikking":
            assert f"Straat {SHOWN}" in flat, fmt
        else:
            assert f"Noot {SHOWN}" in flat, fmt
        assert not any(ch in text for ch in "\x00\x0b\x1b\x85\u202e\u2066"), (document, fmt)


# 4. Markdown carries no markup from data ----------------------------------------------------------------------------
MARKUP_NAME = "# Kop [klik](https://evil.example/x) | a | b | <img src='file:///etc/passwd'> **vet** _schuin_ ~~weg~~"


def markdown_of(name: str, address: str, note: str, document: str) -> str:
    decision = copy.deepcopy(sample())
    decision["gezinsleden"][0]["feiten"]["naam"] = name
    decision["referent"]["feiten"]["naam_referent"] = name
    decision["referent"]["feiten"]["adres_referent"] = address
    decision["gezinsleden"][0]["toelichtingen"]["termijnoverschrijding_verschoonbaar"] = note
    return render_document(decision, document, "md").decode("utf-8")


ESCAPED_NAME = (
    r"\# Kop \[klik\](https\://evil.example/x) \| a \| b \| \<img src='file\:///etc/passwd'\> \*\*vet\*\* "
    r"\_schuin\_ \~\~weg\~\~"
)


def test_markdown_escapes_headings_links_tables_and_html_in_a_name() -> None:
    md = markdown_of(MARKUP_NAME, "Straat 1, 1234 AB Utrecht", "Noot", "beschikking")
    assert "<img" not in md.replace(r"\<img", "") and "](" not in md.replace(r"\](", "")
    assert f"## {ESCAPED_NAME}, geboren op" in md


def test_markdown_escapes_an_address_that_starts_a_line_with_list_or_heading_markup() -> None:
    md = markdown_of("Ali", "- lijst, 1. genummerd, ===, ---, + plus, 2) twee, www.evil.example", "Noot", "beschikking")
    lines = md.splitlines()
    for escaped in (r"\- lijst", r"1\. genummerd", r"\===", r"\---", r"\+ plus", r"2\) twee", r"www\.evil.example"):
        assert any(line.strip().startswith(escaped) for line in lines), escaped


def test_markdown_escapes_a_caseworker_note_in_the_beslisnotitie() -> None:
    md = markdown_of("Ali", "Straat 1, 1234 AB Utrecht", MARKUP_NAME, "beslisnotitie")
    assert "<img" not in md.replace(r"\<img", "")
    assert ESCAPED_NAME in md


def test_a_document_beyond_the_size_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.errors import NareisError
    from renderers import documents

    monkeypatch.setattr(documents, "MAX_HTML_CHARS", 1000)
    with pytest.raises(NareisError) as caught:
        render_document(sample(), "beschikking", "pdf")
    assert re.fullmatch(
        r"het document beschikking wordt \d+\.\d{3} tekens lang, meer dan de grens van 1\.000: "
        r"controleer de motiveringen en de feiten van de zaak",
        caught.value.message,
    ), caught.value.message

"""A rendered document's HTML (the one source of its wording) as plain blocks, and those blocks as Markdown or Word.

The HTML templates are the only place a letter's sentences live. PDF prints that HTML; Markdown and Word are made
from the same HTML through this small block model, so a sentence is changed in one place and every format follows.
Only the tags the templates use are understood: h1-h3, p, ul/li, blockquote, table (tr, th, td, col), strong, br,
and the containers section and div (class afzender and adres have their own look).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from renderers.environment import markdown_escape, trace

HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_SPACE = re.compile(r"\s+")
_WIDTH = re.compile(r"width:\s*(\d+(?:\.\d+)?)%")


@dataclass
class Run:
    text: str
    bold: bool = False


@dataclass
class Block:
    """One paragraph-level element: kind is heading1..3, paragraph, item, quote, sender, address or table."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    rows: list[list[str]] = field(default_factory=list)  # tables: cells as text, "\n" for a line break
    header_rows: int = 0
    widths: list[float] = field(default_factory=list)  # tables: column widths in percent, when the template says

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs).strip()


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.bold = 0
        self.skip = 0  # inside <head>, <style>, <title>
        self.table: Block | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.cell_is_header = False
        self.row_is_header = True

    # Blocks -----------------------------------------------------------------------------------------------------
    def _open(self, kind: str, attrs: dict[str, str]) -> None:
        self._close()
        self.current = Block(kind, attrs=attrs)

    def _close(self) -> None:
        if self.current is not None:
            runs = _tidy(self.current.runs)
            if runs:
                self.current.runs = runs
                self.blocks.append(self.current)
            self.current = None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attributes}
        if tag in ("head", "style", "title", "script"):
            self.skip += 1
        elif self.skip:
            return
        elif tag == "table":
            self._close()
            self.table = Block("table", attrs=attrs)
        elif tag == "col" and self.table is not None:
            match = _WIDTH.search(attrs.get("style", ""))
            self.table.widths.append(float(match.group(1)) if match else 0.0)
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.row_is_header = True
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.cell_is_header = tag == "th"
        elif tag == "br":
            if self.cell is not None:
                self.cell.append("\n")
            elif self.current is not None:
                self.current.runs.append(Run("\n", self.bold > 0))
        elif tag in HEADINGS:
            self._open(f"heading{HEADINGS[tag]}", attrs)
        elif tag == "p":
            self._open("paragraph", attrs)
        elif tag == "li":
            self._open("item", attrs)
        elif tag == "blockquote":
            self._open("quote", attrs)
        elif tag == "div" and attrs.get("class") in ("afzender", "adres"):
            self._open("sender" if attrs["class"] == "afzender" else "address", attrs)
        elif tag in ("strong", "b"):
            self.bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title", "script"):
            self.skip -= 1
        elif self.skip:
            return
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(_cell_text(self.cell))
            self.row_is_header = self.row_is_header and self.cell_is_header
            self.cell = None
        elif tag == "tr" and self.table is not None and self.row is not None:
            self.table.rows.append(self.row)
            if self.row_is_header and len(self.table.rows) == self.table.header_rows + 1:
                self.table.header_rows += 1
            self.row = None
        elif tag == "table" and self.table is not None:
            if self.table.rows:
                self.blocks.append(self.table)
            self.table = None
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("p", "li", "blockquote", "div", *HEADINGS):
            self._close()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.current is not None:
            self.current.runs.append(Run(data, self.bold > 0))


def _cell_text(parts: list[str]) -> str:
    lines = "".join(parts).split("\n")
    return "\n".join(_SPACE.sub(" ", line).strip() for line in lines).strip()


def _tidy(runs: list[Run]) -> list[Run]:
    """HTML whitespace rules: runs of white space are one space; none at the start or end of a line."""
    result: list[Run] = []
    for run in runs:
        text = run.text if run.text == "\n" else _SPACE.sub(" ", run.text)
        if result and result[-1].bold == run.bold and run.text != "\n" and result[-1].text != "\n":
            result[-1] = Run(result[-1].text + text, run.bold)
        else:
            result.append(Run(text, run.bold))
    # strip around line breaks and at both ends
    for index, run in enumerate(result):
        if run.text == "\n":
            continue
        before = index == 0 or result[index - 1].text == "\n"
        after = index == len(result) - 1 or result[index + 1].text == "\n"
        text = run.text
        if before:
            text = text.lstrip()
        if after:
            text = text.rstrip()
        run.text = text
    while result and result[-1].text in ("", "\n"):
        result.pop()
    return [run for run in result if run.text]


def parse(html: str) -> list[Block]:
    """The blocks of a rendered document, in reading order."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser._close()
    return parser.blocks


def plain_text(blocks: Iterable[Block]) -> str:
    """Every block's text, one line per paragraph or table row: what a reader sees, for tests and checks."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "table":
            lines.extend(" ".join(cell.replace("\n", " ") for cell in row) for row in block.rows)
        else:
            lines.append(block.text.replace("\n", " "))
    return "\n".join(lines) + "\n"


# Markdown ---------------------------------------------------------------------------------------------------------
def _md_runs(runs: Sequence[Run]) -> str:
    parts = []
    for run in runs:
        if run.text == "\n":
            parts.append("  \n")
        elif run.bold and run.text.strip():
            inner = markdown_escape(run.text.strip())
            lead = " " if run.text[:1].isspace() else ""
            tail = " " if run.text[-1:].isspace() else ""
            parts.append(f"{lead}**{inner}**{tail}")
        else:
            parts.append(markdown_escape(run.text))
    return "".join(parts).strip()


def _md_cell(text: str) -> str:
    return markdown_escape(text).replace("\n", "; ") or " "


def _trace_comment(attrs: dict[str, str]) -> str:
    keys = [key for key in ("data-feit", "data-regel", "data-bron") if attrs.get(key)]
    if not keys:
        return ""
    return "\n<!-- " + " ".join(f"{key[5:]}={trace(attrs[key])}" for key in keys) + " -->"


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    previous = ""
    for block in blocks:
        if block.kind == "table":
            width = max(len(row) for row in block.rows)
            rows = [row + [""] * (width - len(row)) for row in block.rows]
            if block.header_rows:
                head, body = rows[0], rows[block.header_rows :]
            else:
                head, body = [""] * width, rows
            lines = ["| " + " | ".join(_md_cell(cell) for cell in head) + " |"]
            lines.append("| " + " | ".join("---" for _ in head) + " |")
            lines.extend("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in body)
            text = "\n".join(lines)
        elif block.kind.startswith("heading"):
            text = "#" * int(block.kind[-1]) + " " + _md_runs(block.runs)
        elif block.kind == "item":
            text = "- " + _md_runs(block.runs) + _trace_comment(block.attrs)
        elif block.kind == "quote":
            text = "> " + _md_runs(block.runs).replace("\n", "\n> ")
        elif block.kind == "sender":
            text = f"**{_md_runs(block.runs)}**"
        else:
            text = _md_runs(block.runs) + _trace_comment(block.attrs)
        separator = "\n" if previous == "item" and block.kind == "item" else "\n\n"
        out.append((separator if out else "") + text)
        previous = block.kind
    return "".join(out) + "\n"


# Word -------------------------------------------------------------------------------------------------------------
def to_docx(blocks: Sequence[Block], title: str, landscape: bool = False) -> bytes:
    """A Word document of the blocks: A4, Arial, headings kept with the next paragraph, page numbers in the footer."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    document.core_properties.title = title
    section = document.sections[0]
    section.page_height, section.page_width = (Mm(210), Mm(297)) if landscape else (Mm(297), Mm(210))
    if landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.left_margin, section.right_margin = Mm(24), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    blue = RGBColor(0x15, 0x42, 0x73)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = blue
        style.paragraph_format.keep_with_next = True
    _page_numbers(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    text_width = section.page_width - section.left_margin - section.right_margin
    for block in blocks:
        if block.kind == "table":
            _docx_table(document, block, text_width)
            continue
        if block.kind.startswith("heading"):
            paragraph = document.add_paragraph(style=f"Heading {block.kind[-1]}")
        elif block.kind == "item":
            paragraph = document.add_paragraph(style="List Bullet")
        elif block.kind == "quote":
            paragraph = document.add_paragraph(style="Quote")
        else:
            paragraph = document.add_paragraph()
        for run in block.runs:
            if run.text == "\n":
                paragraph.add_run().add_break()
                continue
            added = paragraph.add_run(run.text)
            added.bold = run.bold or block.kind == "sender" or "beslissing" in block.attrs.get("class", "")
            if block.kind == "sender":
                added.font.color.rgb, added.font.size = blue, Pt(11)
        if block.kind == "sender":
            paragraph.paragraph_format.space_after = Pt(12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_numbers(paragraph: Any, alignment: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.alignment = alignment

    def field_run(instruction: str) -> None:
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
            run = paragraph.add_run()
            run.font.size = Pt(8)
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {text} "
            elif kind == "text":
                run.text = str(text)
                continue
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)

    paragraph.add_run("Pagina ").font.size = Pt(8)
    field_run("PAGE")
    paragraph.add_run(" van ").font.size = Pt(8)
    field_run("NUMPAGES")


def _docx_table(document: Any, block: Block, text_width: int) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    width = max(len(row) for row in block.rows)
    plain = "kenmerken" in block.attrs.get("class", "")
    table = document.add_table(rows=0, cols=width)
    if not plain:
        table.style = "Table Grid"
    widths = block.widths if len(block.widths) == width and all(block.widths) else []
    for index, cells in enumerate(block.rows):
        row = table.add_row()
        if index < block.header_rows:
            properties = row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")  # repeat the header row on every page
            properties.append(header)
        properties = row._tr.get_or_add_trPr()
        keep = OxmlElement("w:cantSplit")  # a row is never split over two pages
        properties.append(keep)
        for column, text in enumerate(cells + [""] * (width - len(cells))):
            cell = row.cells[column]
            if widths:
                cell.width = int(text_width * widths[column] / sum(widths))
            paragraph = cell.paragraphs[0]
            for number, line in enumerate(text.split("\n")):
                if number:
                    paragraph.add_run().add_break()
                run = paragraph.add_run(line)
                run.font.size = Pt(9 if plain else 8)
                run.bold = index < block.header_rows
            if str(column) in block.attrs.get("data-nowrap", "").split():
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))  # rule ids stay on one line
            if plain:
                paragraph.paragraph_format.space_after = Pt(0)
    table.autofit = not widths
    document.add_paragraph()

"""Word plans: python-docx reads headings, paragraphs and tables, in document order, into a `Document`.

Merged cells are resolved (a horizontally merged cell, `gridSpan`, is read once per column it spans;
a vertically merged one, `vMerge`, gives its text to every row it spans); bullets inside a cell stay
bullets; heading styles give the sections. The archive is checked before it is opened: a zip bomb or
a file that is not a Word document is refused with a line that says what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from rusqa.errors import CorpusError
from rusqa.ingest.document import Document
from rusqa.ingest.tables import header_index

MAX_UNPACKED_BYTES = 200_000_000
MAX_RATIO = 200  # a member that inflates more than this is not a document


def check_archive(path: Path) -> None:
    """Refuse anything that is not a sane .docx before python-docx inflates it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "word/document.xml" not in names:
                raise CorpusError(
                    f"{path}: a zip archive but not a Word document (no word/document.xml) — save it as .docx"
                )
            total = sum(m.file_size for m in members)
            worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
            if total > MAX_UNPACKED_BYTES or (worst > MAX_RATIO and total > 10_000_000):
                raise CorpusError(
                    f"{path}: unpacks to {total:,} bytes ({worst:,.0f}× compressed) — a zip bomb, not a plan; "
                    "ask for the original file"
                )
    except zipfile.BadZipFile:
        raise CorpusError(f"{path}: not a valid .docx (the zip archive is damaged) — re-save it from Word") from None


def read(path: Path) -> Document:
    from docx import Document as open_docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    check_archive(path)
    try:
        word = open_docx(str(path))
    except Exception as exc:
        raise CorpusError(
            f"{path}: python-docx cannot read it ({type(exc).__name__}) — re-save it as .docx from Word"
        ) from None
    document = Document()
    paragraph: list[str] = []
    numbers = ListNumbers(word)

    def flush() -> None:
        nonlocal paragraph
        document.prose(paragraph)
        paragraph = []

    for element in word.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(element, word)
            text = p.text.strip()
            shown = numbers.label(p) if text else None  # «1.2», as Word shows it; python-docx gives the text only
            level = _heading_level(p)
            if level is not None and text:
                flush()
                if level == 0:
                    document.prose([text])
                else:
                    document.heading(level, f"{shown} {text}" if shown else text)
            elif text:
                paragraph.append(f"{shown} {text}" if shown else _with_bullet(p, text))
            else:
                flush()
        elif tag == "tbl":
            flush()
            _read_table(document, DocxTable(element, word))
    flush()
    return document


class ListNumbers:
    """The numbers Word shows before the paragraphs of its numbered lists («1.», «2.1», «a)»), counted as Word
    counts them from the document's numbering definitions; a bulleted list has none."""

    def __init__(self, word: Any) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → level → (format, text, start)
        self.counts: dict[str, dict[int, int]] = {}
        try:
            numbering = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str | None, dict[int, tuple[str, str, int]]] = {}
        for definition in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in definition.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    self._value(lvl, "w:numFmt", "decimal"),
                    self._value(lvl, "w:lvlText", ""),
                    int(self._value(lvl, "w:start", "1") or 1),
                )
            abstract[definition.get(qn("w:abstractNumId"))] = levels
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[str(num.get(qn("w:numId")))] = abstract.get(ref.get(qn("w:val")), {})

    def _value(self, element: Any, tag: str, default: str) -> str:
        child = element.find(self._qn(tag))
        return str(child.get(self._qn("w:val"))) if child is not None else default

    def label(self, p: Any) -> str | None:
        """The number Word shows before this paragraph, counting it; None for a bullet or a paragraph in no list."""
        props = p._p.pPr
        numbered = props.numPr if props is not None else None
        if numbered is None or numbered.numId is None:
            return None
        num_id, level = str(numbered.numId.val), int(numbered.ilvl.val) if numbered.ilvl is not None else 0
        levels = self.levels.get(num_id, {})
        if level not in levels or levels[level][0] in ("bullet", "none"):
            return None
        counts = self.counts.setdefault(num_id, {})
        counts[level] = counts.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        text = levels[level][1]
        for k in range(level + 1):
            fmt, _, start = levels.get(k, ("decimal", "", 1))
            text = text.replace(f"%{k + 1}", _numeral(counts.get(k, start), fmt))
        return text.strip() or None


def _numeral(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        values = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        roman = ""
        for value, numeral in values:
            while n >= value:
                roman, n = roman + numeral, n - value
        return roman.upper() if fmt == "upperRoman" else roman
    return str(n)


def _heading_level(p: Any) -> int | None:
    """«Heading 2» / «Overskrift 2» → 2; «Title» / «Tittel» → 0; None for body text."""
    name = (p.style.name if p.style is not None else "") or ""
    lowered = name.casefold()
    if lowered in ("title", "tittel"):
        return 0
    for prefix in ("heading ", "overskrift "):
        if lowered.startswith(prefix) and lowered[len(prefix) :].strip().isdigit():
            return int(lowered[len(prefix) :])
    return None


def _with_bullet(p: Any, text: str) -> str:
    name = ((p.style.name if p.style is not None else "") or "").casefold()
    numbered = p._p.pPr is not None and p._p.pPr.numPr is not None
    return f"• {text}" if ("list" in name or "liste" in name or numbered) else text


def _cell_text(cell: Any) -> str:
    return "\n".join(_with_bullet(p, p.text.strip()) for p in cell.paragraphs if p.text.strip())


def _row_cells(row: Any) -> list[str]:
    """A row's cell texts, one per grid column: a cell merged across columns (gridSpan) is read in its
    first column and left empty in the others, so that one printed value fills one field."""
    texts: list[str] = []
    previous = None
    for cell in row.cells:
        texts.append("" if cell._tc is previous else _cell_text(cell))
        previous = cell._tc
    return texts


def _read_table(document: Document, table: Any) -> None:
    rows = [_row_cells(row) for row in table.rows]
    if not rows:
        return
    if len(rows[0]) == 1:  # a one-column table is a box of text
        document.prose([cell for row in rows for cell in row])
        return
    # a caption row merged across the table («Tiltak 2025–2028») may sit above the header row
    start = header_index(rows)
    if start:
        document.prose([" ".join(c for c in row if c.strip()) for row in rows[:start]])
    target = document.table(rows[start])
    for cells in rows[start + 1 :]:
        if any(c.strip() for c in cells) and [c.strip() for c in cells] != [h.strip() for h in rows[start]]:
            document.row(target, cells)

"""Document: the normalised text of a record with page and character positions.

Every reader produces one; every extractor reads one. Offsets are into `Document.text`, which is the
pages' normalised text joined by newlines, so evidence can point back at exactly what was read.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from models import SourceFormat

# Superscript and footnote marks councils' templates scatter through headings ("RECORD ⁱ");
# removed before NFKC, which would otherwise turn them into ordinary letters and digits.
_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f\u1d2c-\u1d6a\u2020\u2021]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff\x00]")
# A run of whitespace other than newlines and tabs becomes one space: a run of two or more, or one
# that is not a plain space (a single plain space, most of them, is left where it is).
_ODD_SPACES = re.compile(r"[^\S\n\t]{2,}|[^\S\n\t ]")
# The whitespace of ASCII that is neither a space, a tab nor a line end (a carriage return is one).
_ASCII_ODD_SPACES = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def normalise_text(raw: str) -> str:
    """NFKC, ligatures, odd spaces and footnote marks normalised; lines right-trimmed.

    Each step runs only where the text needs it, found by substring tests (much faster than a
    regex scan): most text is ASCII with single spaces, and passes through untouched."""
    text = raw
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():  # footnote marks, invisible characters and NFKC's changes lie outside ASCII
        text = _FOOTNOTE_MARKS.sub("", text)
        text = _INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFKC", text)
        text = _ODD_SPACES.sub(" ", text)
    elif "  " in text or any(space in text for space in _ASCII_ODD_SPACES):
        text = _ODD_SPACES.sub(" ", text)
    # Only spaces and tabs are left besides line ends: a line ending in one is right-trimmed.
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


# A section's number before its heading or label: "3.", "3.1", "(a)", "iv)", "B." (a capital
# letter with a dot: lettered sections, "A. Decision"; a small one with a dot is a list item's).
SECTION_NUMBER = r"(?:\d+(?:\.\d+)*[.)]?|\(?[a-z]\)|\(?[ivx]+[.)]|\(?[A-Z][.)])"
# A list item's marker: a bullet, or a number, letter or roman numeral with "." or ")".
LIST_MARKER = r"(?:[-–•*·▪●◦]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])"
STARTS_LIST_ITEM = re.compile(rf"^{LIST_MARKER}(?:\s|$)")
# Word's list glyphs as HTML export and .docx text carry them at a paragraph's start (Symbol "·",
# Wingdings "§"/"Ø"/"ü" and their private-use code points, Courier "o" before spacing): readers
# replace them with "- " or with the list's own marker.
BULLET_GLYPH = re.compile(r"^(?:[·•▪●◦§Øü\uf0b7\uf0a7\uf076\uf0d8\uf0fc]|o(?=\s{2}|\u00a0))\s*")


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    start: int  # offset of the line's first character in Document.text
    page: int  # 1-based

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class BlockKind(str, Enum):
    heading = "heading"  # a title or section heading standing on its own line(s)
    field = "field"  # a label and its value, from the document's structure (a table row, a form field, ...)
    list_item = "list_item"  # one item of a numbered or bulleted list, its marker included
    paragraph = "paragraph"  # a run of lines of running text
    cell = "cell"  # a table cell that is not part of a label/value row


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the document's structure as its reader saw it. Offsets index `Document.text`.

    Blocks are listed in reading order (by `start`; a block before the blocks it contains). A field
    or cell whose content runs over several lines, and a list item holding a nested list, contain
    blocks of their own (`parent` is the container's index in `Document.blocks`); every other
    non-blank line lies in exactly one block that contains no other."""

    kind: BlockKind
    start: int
    end: int
    page: int  # 1-based, the page of `start`
    level: int = 0  # heading: 1-6 (0 unknown); list item: nesting depth, 1 outermost (0 unknown)
    label_end: int | None = None  # field: text[start:label_end] is the label as printed, separator excluded
    value_start: int | None = None  # field: where its value starts (== end when the value is empty)
    marker: str | None = None  # list item: its marker as printed ("-", "1.", "(a)")
    table: int | None = None  # field or cell from a table: the table's index in the document (0-based)
    row: int | None = None  # ... the row's index in its table (0-based)
    column: int | None = None  # cell: the column's index in its row (0-based)
    parent: int | None = None  # index in Document.blocks of the block containing this one


@dataclass
class Document:
    """A record's normalised text, its lines and pages, and the blocks its reader saw.

    Build one with `DocumentBuilder`, which lays out the text and takes every block's offsets from
    it; a Document made directly from text has no blocks."""

    text: str
    page_starts: list[int]
    format: SourceFormat
    reader: str
    path: str | None = None
    sha256: str | None = None
    warnings: list[str] = field(default_factory=list)  # what the reader had to guess (an encoding, ...)
    blocks: list[Block] = field(default_factory=list)
    lines: list[Line] = field(init=False)

    def __post_init__(self) -> None:
        lines: list[Line] = []
        offset = 0
        for raw in self.text.split("\n"):
            lines.append(Line(raw, offset, self.page_at(offset)))
            offset += len(raw) + 1
        self.lines = lines

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int:
        return bisect.bisect_right(self.page_starts, offset)

    def text_of(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def label_of(self, block: Block) -> str | None:
        """A field's label as printed (no separator); None for other blocks."""
        return None if block.label_end is None else self.text[block.start : block.label_end]

    def value_of(self, block: Block) -> str | None:
        """A field's value (its lines as printed); None for other blocks."""
        return None if block.value_start is None else self.text[block.value_start : block.end]

    def children(self, index: int) -> list[Block]:
        """The blocks directly inside `blocks[index]` (a multi-line field or cell, a list item)."""
        container, inside = self.blocks[index], []
        for block in itertools.islice(self.blocks, index + 1, None):
            if block.start >= container.end:
                break
            if block.parent == index:
                inside.append(block)
        return inside


class LabelHints(Protocol):
    """What a reader may ask about labels (the run's profile implements it; readers never load one)."""

    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool: ...

    def starts_run_in_label(self, line: str) -> bool: ...


# The longest text a reader takes for a label by its shape alone (a table's label cell, "Label:").
MAX_LABEL_CHARS = 80


class LabelShapes:
    """LabelHints for a reader given none (no profile): a short line ending in ':' is a label
    standing alone, and no label is known to run into its value without a separator."""

    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool:
        text = line.strip()
        return 1 < len(text) <= MAX_LABEL_CHARS and text.endswith(":")

    def starts_run_in_label(self, line: str) -> bool:
        return False


_DIGITS = re.compile(r"\d+")
# Most words of an edge line that may give the page's number ("01/decision/FormC 2", "Page 1 of 1 OFFICIAL")
_EDGE_LINE_WORDS = 8
# A line that opens or ends with its page's number: "Page 2 of 5 OFFICIAL", "OFFICIAL - Page 2", "2 of 5"
_PAGE_NUMBER_LINE = re.compile(
    r"^\W*(?:page\s+\d+\b|\d+\s+of\s+\d+\b)|\bpage\s+\d+(?:\s+of\s+\d+)?\W*$|^\W*\d+\s+of\s+\d+\W*$", re.IGNORECASE)


def page_furniture(pages: Sequence[Sequence[str]], edge_lines: int = 3) -> list[set[int]]:
    """For each page (its lines), the indices of its running headers and footers: lines near a page
    edge that recur (digits aside) on several pages, and page numbers. The running header above the
    first page's text is kept there, once: it says what the whole record is ("Decision made on 3 May
    2024"). On a one-page document nothing recurs: only a line giving its page number ("Page 1 of 1
    OFFICIAL") is furniture."""

    def edges(lines: Sequence[str]) -> set[int]:
        return set(range(min(edge_lines, len(lines)))) | set(range(max(0, len(lines) - edge_lines), len(lines)))

    if len(pages) < 2:  # nothing recurs: only a page number says what is furniture ("Page 1 of 1 OFFICIAL")
        return [{i for i in edges(lines) if _PAGE_NUMBER_LINE.search(lines[i]) and len(lines[i].split()) <= _EDGE_LINE_WORDS}
                for lines in pages]

    def shape(line: str) -> str:
        return _DIGITS.sub("#", line.strip().lower())

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({shape(lines[i]) for i in edges(lines) if lines[i].strip()})
    threshold = max(2, (len(pages) + 1) // 2)
    furniture = {s for s, n in counts.items() if n >= threshold}
    furniture.add("#")

    def numbered(line: str, number: int) -> bool:
        return shape(line) == "#" or _carries_page_number(line, number)

    dropped = [
        {i for i in edges(lines) if numbered(lines[i], number) or shape(lines[i]) in furniture}
        for number, lines in enumerate(pages, start=1)
    ]
    first = pages[0]
    text_start = next((i for i, line in enumerate(first) if line.strip() and i not in dropped[0]), len(first))
    dropped[0] -= {i for i in range(text_start) if not numbered(first[i], 1)}
    return dropped


def _carries_page_number(line: str, number: int) -> bool:
    """A short edge line that begins or ends with its own page's number ("01/decision/FormC 2")."""
    words = line.split()
    if not words or len(line) > 80 or len(words) > _EDGE_LINE_WORDS:
        return False
    return len(words) > 1 and str(number) in (words[0], words[-1]) and not line.rstrip().endswith(".")


# ------------------------------------------------------------------------------------------------
# Building a Document: readers describe what they saw as Items, the builder lays out the text


@dataclass
class Node:
    """A block a reader saw, before it is text: `content` is its lines as they will print (a str per
    line, "" for a paragraph break) and the nodes inside it.

    A field's first line starts with its `label` as printed (a separator after it is allowed: the
    builder finds where the label ends and the value starts in the normalised text)."""

    kind: BlockKind
    content: list[Item]
    level: int = 0
    label: str | None = None
    marker: str | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None


@dataclass
class Row:
    """A table row printed on one line, its cells joined by " | "; each cell becomes a cell block."""

    cells: list[str]
    table: int | None = None
    row: int | None = None


Item = Node | Row | str

SEPARATOR = " | "
# What may stand between a field's label and its value ("Label: value", "Label:- value", "Label - value"),
# and the same at the end of a label cell ("Decision Maker:").
_LABEL_SEPARATOR = re.compile(r"[ \t]*(?::-|:|[-–|](?=\s|$))?[ \t]*")
_TRAILING_SEPARATOR = re.compile(r"\s*(?::-|:|[-–|])\s*$")
# Blocks that may hold others (a list item holds a nested list), and of those the containers, whose
# own lines are not theirs alone: a field or cell whose content runs over several lines.
_HOLDERS = (BlockKind.field, BlockKind.cell, BlockKind.list_item)
_CONTAINERS = (BlockKind.field, BlockKind.cell)
# Sort order among blocks starting at the same place: the container first.
_NESTING_RANK = {BlockKind.field: 0, BlockKind.cell: 0, BlockKind.list_item: 1, BlockKind.heading: 2, BlockKind.paragraph: 2}


class DocumentBuilder:
    """Lays out a Document's text line by line and takes every block's offsets from that text.

    Each line is normalised as it is added (normalise_text), so offsets are right by construction.
    With `squeeze` (HTML, .docx) a "" line is a paragraph break: never two in a row, none at the
    start or the end; without it (text, PDF) lines are kept as given, blank ones too. After the
    readers' own blocks, every line no block holds is given one: a run of such lines is a paragraph,
    and a line opening with a list marker (STARTS_LIST_ITEM) starts a list item."""

    def __init__(self, format: SourceFormat, reader: str, *, squeeze: bool) -> None:
        self.format = format
        self.reader = reader
        self.squeeze = squeeze
        self.warnings: list[str] = []
        self._lines: list[str] = []
        self._starts: list[int] = []
        self._offset = 0
        self._page_starts: list[int] = []
        self._page_first_line = 0
        self._gap = False
        self._blocks: list[tuple[Block, int, int]] = []  # (block without its parent, first line, last line)

    # --------------------------------------------------------------------------------------------
    def new_page(self) -> None:
        """Start a page (paginated inputs)."""
        self._close_page()
        self._page_starts.append(self._offset)
        self._page_first_line = len(self._lines)
        self._gap = False

    def add_pages(self, pages: Sequence[Sequence[Item]]) -> None:
        """Pages of lines (normalised already, as normalise_text gives them) and nodes, without the
        running headers and footers that recur on them."""
        drop = page_furniture([[_plain(item) for item in page] for page in pages])
        for page, dropped in zip(pages, drop, strict=True):
            self.new_page()
            for index, item in enumerate(page):
                if index in dropped:
                    continue
                if isinstance(item, str) and not self.squeeze and "\n" not in item:
                    self._line(item)  # normalised already: a document's lines are not normalised twice
                else:
                    self.add(item)

    def add(self, item: Item) -> None:
        if isinstance(item, str):
            self._add_text(item)
        elif isinstance(item, Row):
            self._add_row(item)
        else:
            self._add_node(item)

    def build(self) -> Document:
        if not self._page_starts:
            self._page_starts.append(0)
        self._close_page()
        document = Document(
            "\n".join(self._lines), self._page_starts, self.format, self.reader, warnings=list(self.warnings)
        )
        self._fill()
        document.blocks = self._finish(document)
        return document

    # --------------------------------------------------------------------------------------------
    def _close_page(self) -> None:
        """A page that took no line still has one, empty (as "\\n".join of the pages gives)."""
        if self._page_starts and len(self._lines) == self._page_first_line:
            self._line("")

    def _line(self, text: str) -> None:
        self._starts.append(self._offset)
        self._lines.append(text)
        self._offset += len(text) + 1

    def _add_text(self, raw: str) -> None:
        for line in normalise_text(raw).split("\n"):
            if not self.squeeze:
                self._line(line)
            elif not line:
                self._gap = bool(self._lines)
            else:
                if self._gap:
                    self._line("")
                self._gap = False
                self._line(line)

    def _filled(self, first: int, last: int) -> tuple[int, int] | None:
        """(first, last) index of the non-blank lines among lines first..last, None if all are blank."""
        top = next((i for i in range(first, last + 1) if self._lines[i]), None)
        if top is None:
            return None
        return top, next(i for i in range(last, top - 1, -1) if self._lines[i])

    def _add_node(self, node: Node) -> None:
        first = len(self._lines)
        # only fields, cells and list items hold blocks: a heading's nodes are just its lines
        for item in node.content if node.kind in _HOLDERS else item_lines(node.content):
            self.add(item)
        span = self._filled(first, len(self._lines) - 1)
        if span is None:
            return
        top, bottom = span
        kind, label_end, value_start, marker = node.kind, None, None, node.marker
        if kind == BlockKind.field:
            placed = self._place_label(node.label or "", top, bottom)
            if placed is None:
                kind = BlockKind.paragraph  # the label is not where the reader said: plain text
            else:
                label_end, value_start = placed
        if kind == BlockKind.list_item and marker is None:
            marker = _marker(self._lines[top])
        end = self._starts[bottom] + len(self._lines[bottom])
        self._append(Block(kind, self._starts[top], end, 0, node.level, label_end, value_start, marker,
                           node.table, node.row, node.column), top, bottom)  # fmt: skip

    def _append(self, block: Block, top: int, bottom: int) -> None:
        self._blocks.append((block, top, bottom))

    def _place_label(self, label: str, top: int, bottom: int) -> tuple[int, int] | None:
        """(label_end, value_start) of a field from where its label is in the text, None if it is not there."""
        line, start = self._lines[top], self._starts[top]
        printed = _TRAILING_SEPARATOR.sub("", normalise_text(label).strip())
        if not printed or not line.startswith(printed):
            return None
        value_at = _LABEL_SEPARATOR.match(line, len(printed)).end()  # type: ignore[union-attr]  # matches ""
        if value_at < len(line):
            return start + len(printed), start + value_at
        # the label stands alone: its value is on the lines below
        below = self._filled(top + 1, bottom) if bottom > top else None
        value_start = self._starts[below[0]] if below else start + len(line)
        return start + len(printed), value_start

    def _add_row(self, row: Row) -> None:
        first = len(self._lines)
        self._add_text(SEPARATOR.join(row.cells))
        span = self._filled(first, len(self._lines) - 1)
        if span is None or span[0] != span[1]:
            return  # a cell held a line break: no cell blocks rather than wrong ones; the line is a paragraph
        line, start, position = self._lines[span[0]], self._starts[span[0]], 0
        for column, cell in enumerate(row.cells):
            text = normalise_text(cell).strip()
            found = line.find(text, position) if text else -1
            if found >= 0:
                position = found + len(text)
                block = Block(BlockKind.cell, start + found, start + position, 0, table=row.table, row=row.row, column=column)
                self._append(block, span[0], span[0])

    def _fill(self) -> None:
        """Paragraph and list-item blocks for the lines no reader block holds."""
        held = [False] * len(self._lines)
        container: list[int | None] = [None] * len(self._lines)  # the innermost container of a line
        by_size = sorted(range(len(self._blocks)), key=lambda i: self._blocks[i][0].start - self._blocks[i][0].end)
        for index in by_size:
            block, top, bottom = self._blocks[index]
            for line in range(top, bottom + 1):
                if top == bottom or block.kind not in _CONTAINERS:
                    held[line] = True
                elif line == top and block.kind == BlockKind.field:
                    held[line] = True  # a field's label line
                else:
                    container[line] = index
        run: list[int] = []
        for line in range(len(self._lines) + 1):
            free = line < len(self._lines) and bool(self._lines[line]) and not held[line]
            if run and not (free and line == run[-1] + 1 and container[line] == container[run[-1]]):
                self._fill_run(run)
                run = []
            if free:
                run.append(line)

    def _fill_run(self, run: list[int]) -> None:
        pieces: list[list[int]] = []
        for line in run:
            if not pieces or STARTS_LIST_ITEM.match(self._lines[line]):
                pieces.append([line])
            else:
                pieces[-1].append(line)
        for piece in pieces:
            top, bottom = piece[0], piece[-1]
            marker = _marker(self._lines[top])
            kind = BlockKind.list_item if marker else BlockKind.paragraph
            end = self._starts[bottom] + len(self._lines[bottom])
            self._append(Block(kind, self._starts[top], end, 0, marker=marker), top, bottom)

    def _finish(self, document: Document) -> list[Block]:
        """The blocks in reading order, each with its page and the index of the innermost block holding it."""
        pending = sorted((block for block, _, _ in self._blocks), key=lambda b: (b.start, -b.end, _NESTING_RANK[b.kind]))
        blocks: list[Block] = []
        enclosing: list[int] = []  # indices of the blocks that hold the current one, innermost last
        for block in pending:
            while enclosing and blocks[enclosing[-1]].end < block.end:
                enclosing.pop()
            parent = enclosing[-1] if enclosing else None
            blocks.append(Block(block.kind, block.start, block.end, document.page_at(block.start), block.level,
                                block.label_end, block.value_start, block.marker, block.table, block.row, block.column,
                                parent))  # fmt: skip
            if block.kind in _HOLDERS:
                enclosing.append(len(blocks) - 1)
        return blocks


def item_lines(items: Sequence[Item]) -> list[str]:
    """The lines items print as ("" for a paragraph break), for a reader deciding how to lay them out."""
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Row):
            out.append(SEPARATOR.join(item.cells))
        else:
            out.extend(item_lines(item.content))
    return out


def _marker(line: str) -> str | None:
    match = STARTS_LIST_ITEM.match(line)
    return match.group(0).strip() if match else None


def _plain(item: Item) -> str:
    """The text of an item that stands on one line (page furniture is looked for among these)."""
    if isinstance(item, str):
        return item
    if isinstance(item, Row):
        return SEPARATOR.join(item.cells)
    return "\n".join(_plain(child) for child in item.content)

"""HTML: ModernGov "Decision details" and "Issue" pages saved from a browser, and other council pages.

The page becomes the text a person would copy from the browser, shaped for the layout engine:

* script, style, navigation, page header and footer, forms' controls and ModernGov's own chrome
  (breadcrumbs, print/subscribe links, "skip to content") are dropped;
* every block element (p, div, li, h1-h6, dt/dd, tr, blockquote, ...) starts a line, ``<br>`` breaks
  one, and whitespace inside a block collapses, so Word-pasted text hard-wrapped in the source reads
  as one paragraph; paragraphs and headings are separated by blank lines, as the text of a page is;
* list items keep a marker: "- " in a ``<ul>``, "1. " (counting, honouring ``start``) in an ``<ol>``;
  Word's exported list markers (``mso-list:Ignore`` spans) keep their number, and a glyph ("·", "§",
  "o") becomes "- ";
* a table row of a label cell and a value cell becomes "Label: value" (the label cell is a ``<th>``,
  a ModernGov ``mgLabel``, bold text, or a short line); other rows join their cells with " | ",
  and a layout table's big cells are read one after another;
* a ``<span class="mgLabel">`` that prints no separator gets ": ", and ``<dt>`` + ``<dd>`` pairs
  become "Term: definition".

Bytes are decoded by the shared decoder (encoding.py): BOM, then the page's ``<meta charset>`` /
``http-equiv`` / XML declaration, then UTF-8, then detection, with a warning whenever it guessed.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable
from html import unescape

from models import ErrorKind, SourceFormat

from ..document import (
    BULLET_GLYPH,
    MAX_LABEL_CHARS,
    STARTS_LIST_ITEM,
    BlockKind,
    Document,
    DocumentBuilder,
    Item,
    Node,
    Row,
    item_lines,
)
from ..errors import ExtractionFailure
from .contract import ReadOptions, foreign_format
from .encoding import decode

format = SourceFormat.html

# Never text: their content is code, chrome or form furniture.
_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "nav", "head", "title", "template", "svg",
        "math", "iframe", "object", "embed", "canvas", "map", "button", "select", "option", "textarea",
        "input", "meta", "link", "img", "audio", "video", "source", "picture", "frame", "frameset",
    }
)  # fmt: skip
_SITE_FURNITURE = frozenset({"header", "footer"})
# ModernGov page chrome and common council-site furniture, recognised by a class or id word.
_CHROME = re.compile(
    r"breadcrumb|skip-?link|skip-?to|cookie|mgLinks|mgActionList|mgPrintLink|mgSideBar|sidebar|"
    r"mgFooter|mgHeaderLinks|site-?header|site-?footer|masthead|menu|mgFileSize|visually-?hidden|sr-only|"
    r"screen-?reader",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "aside", "blockquote", "address", "figure", "figcaption",
        "center", "fieldset", "legend", "details", "summary", "hr", "body", "html", "form", "pre", "caption",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd", "table", "tbody", "thead",
        "tfoot", "tr", "td", "th", "dir", "menu",
    }
)  # fmt: skip
# Blocks after which a blank line follows, as between paragraphs of a page's text.
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre", "hr", "section", "article"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_WS = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")
_NUMBER_MARK = re.compile(r"^\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})(?:\.\d{1,3})*[.)]?$")
_SEPARATOR_END = (":", "?", "-", "|", "–")
_MAX_DEPTH = 400
_HTML_START = (b"<!doctype html", b"<html", b"<?xml")


def sniff(data: bytes) -> bool:
    """Markup at the start: a doctype, <html>, an XML declaration, or <html>/<body> near the top."""
    if foreign_format(data) is not None:
        return False
    probe = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return probe.startswith(_HTML_START) or b"<html" in probe[:512] or b"<body" in probe


def declared_charset(data: bytes) -> str | None:
    """The codec a page's XML declaration or <meta> names, read as a browser reads it."""
    head = data[:4096]
    declared = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    if not declared:
        return None
    try:
        name = codecs.lookup(declared.group(1).decode("ascii", "replace").lower()).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # as browsers do: the C1 range of "latin-1" pages is really cp1252
    return None if name.startswith("utf-16") else name  # bytes declaring UTF-16 without a BOM are not


class _Sink:
    """Items being built: `parts` is the current line's inline text, "" in `lines` a paragraph gap.

    A line that opens with a ModernGov label span becomes a field node (`label` is that label)."""

    __slots__ = ("label", "lines", "parts")

    def __init__(self) -> None:
        self.lines: list[Item] = []
        self.parts: list[str] = []
        self.label: str | None = None

    def add(self, text: str) -> None:
        self.parts.append(text)

    def at_line_start(self) -> bool:
        return not "".join(self.parts).strip()

    def newline(self) -> None:
        if self.parts:
            line = _WS.sub(" ", "".join(self.parts)).strip()
            self.parts = []
            if line:
                self.lines.append(Node(BlockKind.field, [line], label=self.label) if self.label else line)
        self.label = None

    def gap(self) -> None:
        self.newline()
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def extend(self, items: list[Item]) -> None:
        self.newline()
        self.lines.extend(items)

    def wrap(self, first: int, make: Callable[[list[Item]], Node]) -> None:
        """Make the lines added since `first` into one node; gaps at either end stay outside it."""
        top, bottom = first, len(self.lines)
        while top < bottom and not self.lines[top]:
            top += 1
        while bottom > top and not self.lines[bottom - 1]:
            bottom -= 1
        if top < bottom:
            self.lines[top:bottom] = [make(self.lines[top:bottom])]

    def finish(self) -> list[Item]:
        self.newline()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        while self.lines and not self.lines[0]:
            self.lines.pop(0)
        return self.lines


def _classes(el) -> str:
    get = el.get
    return f"{get('class') or ''} {get('id') or ''}"


class _Walker:
    def __init__(self, drop: frozenset[str] = _DROP_TAGS) -> None:
        self.sink = _Sink()
        self.drop = drop
        self.list_depth = 0
        self.tables = 0  # tables met so far; the open ones' [index, next row] innermost last
        self.open_tables: list[list[int]] = []

    # ---------------------------------------------------------------------------------------
    def walk(self, el, depth: int = 0, ordinal: int | None = None) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comment, processing instruction, entity
            return
        tag = tag.lower()
        if depth > _MAX_DEPTH:
            self.sink.add(" ".join(el.itertext()))
            return
        if tag == "br":
            self.sink.newline()
            return
        if tag == "tr":
            self.sink.extend(self.row(el, depth))
            return
        if tag == "li":
            self.list_item(el, depth, ordinal)
            return
        if tag == "dl":
            self.definition_list(el, depth)
            self.sink.gap()
            return
        if tag in _HEADINGS:
            self.sink.newline()
            first = len(self.sink.lines)
            if el.text:
                self.sink.add(el.text)
            self.children(el, depth)
            self.sink.newline()
            self.sink.wrap(first, lambda content: Node(BlockKind.heading, content, level=int(tag[1])))
            self.sink.gap()
            return
        if tag == "span" and "mso-list" in (el.get("style") or "").lower().replace(" ", ""):
            self.word_list_marker(el)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.sink.newline()
        label = tag == "span" and "mgLabel" in (el.get("class") or "") and self.sink.at_line_start()
        if el.text:
            self.sink.add(el.text)
        self.enter(tag, +1)
        self.children(el, depth)
        self.enter(tag, -1)
        if label:
            self.sink.label = _WS.sub(" ", "".join(self.sink.parts)).strip()
        if tag == "span" and "mgLabel" in (el.get("class") or ""):
            self.label_separator()
        if block:
            if tag in _PARAGRAPH_TAGS:
                self.sink.gap()
            else:
                self.sink.newline()

    def enter(self, tag: str, step: int) -> None:
        """Keep count of the lists and tables the walk is inside."""
        if tag in ("ul", "ol", "dir", "menu"):
            self.list_depth += step
        elif tag == "table" and step > 0:
            self.open_tables.append([self.tables, 0])
            self.tables += 1
        elif tag == "table":
            self.open_tables.pop()

    def children(self, el, depth: int) -> None:
        numbered = el.tag.lower() == "ol" if isinstance(el.tag, str) else False
        number = _start(el) if numbered else 0
        for child in el:
            tag = child.tag
            item = numbered and isinstance(tag, str) and tag.lower() == "li"
            if isinstance(tag, str) and tag.lower() not in self.drop and not _is_chrome(child):
                self.walk(child, depth + 1, number if item else None)
            number += item
            if child.tail:
                self.sink.add(child.tail)

    def word_list_marker(self, span) -> None:
        """Word's exported list marker (``<span style="mso-list:Ignore">``): "1." stays, a glyph is "- "."""
        mark = _WS.sub("", "".join(span.itertext()))
        self.sink.add(mark + " " if _NUMBER_MARK.match(mark) else "- ")

    def label_separator(self) -> None:
        """A ModernGov label span always reads "Label: value"; add the colon when the page omits it."""
        text = "".join(self.sink.parts).rstrip()
        if text and not text.endswith(_SEPARATOR_END):
            self.sink.add(": ")
        else:
            self.sink.add(" ")

    def sub(self, el, depth: int, *, include_self_text: bool = True) -> list[Item]:
        """The items of `el`'s content, built apart from the current sink."""
        outer, self.sink = self.sink, _Sink()
        try:
            if include_self_text and el.text:
                self.sink.add(el.text)
            self.children(el, depth)
            return self.sink.finish()
        finally:
            self.sink = outer

    # ---------------------------------------------------------------------------------------
    def list_item(self, el, depth: int, ordinal: int | None) -> None:
        marker = "- " if ordinal is None else f"{ordinal}. "
        items = _without_gaps(self.sub(el, depth))
        self.sink.newline()
        if items:
            first = BULLET_GLYPH.sub("", _first_line(items))
            if not _already_marked(first):
                first = marker + first
            self.sink.lines.append(Node(BlockKind.list_item, _with_first_line(items, first), level=self.list_depth))

    def definition_list(self, el, depth: int) -> None:
        self.sink.newline()
        term: list[Item] | None = None
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in ("dt", "dd"):
                items = _without_gaps(self.sub(child, depth + 1))
                if tag == "dt":
                    if term:
                        self.sink.lines.extend(term)
                    term = items
                elif term and len(item_lines(term)) == 1 and len(item_lines(items)) == 1:
                    [label] = item_lines(term)
                    self.sink.lines.append(Node(BlockKind.field, [_pair(label, item_lines(items)[0])], label=label))
                    term = None
                else:
                    self.sink.lines.extend((term or []) + items)
                    term = None
            elif isinstance(child.tag, str) and tag not in self.drop and not _is_chrome(child):
                self.walk(child, depth + 1)
        if term:
            self.sink.lines.extend(term)

    def row(self, tr, depth: int) -> list[Item]:
        table, row = self.open_tables[-1] if self.open_tables else (None, None)
        if self.open_tables:
            self.open_tables[-1][1] += 1
        cells: list[tuple[list[Item], bool]] = []
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th") or _is_chrome(cell):
                continue
            items = self.sub(cell, depth + 1)
            while items and not items[-1]:
                items.pop()
            if any(items):
                cells.append((items, _is_label_cell(cell)))
        if not cells:
            return []
        lines = [item_lines(items) for items, _ in cells]
        if len(cells) == 2:
            label, value = lines
            text = [line for line in value if line]
            if len(label) == 1 and (cells[0][1] or _looks_like_label(label[0])):
                if len(text) == 1:
                    return [Node(BlockKind.field, [_pair(label[0], text[0])], label=label[0], table=table, row=row)]
                field = Node(BlockKind.field, [_heading(label[0]), *cells[1][0]], label=label[0], table=table, row=row)
                return [field, ""]
        if all(len(cell) == 1 for cell in lines) and sum(len(cell[0]) for cell in lines) < 300:
            return [Row([cell[0] for cell in lines], table=table, row=row)]
        out: list[Item] = []
        for column, (items, _) in enumerate(cells):  # a layout table: its cells are blocks of the page
            out.extend([Node(BlockKind.cell, items, table=table, row=row, column=column), ""])
        return out


def _start(ol) -> int:
    try:
        return int(ol.get("start") or 1)
    except ValueError:
        return 1


def _already_marked(line: str) -> bool:
    return bool(STARTS_LIST_ITEM.match(line))


def _without_gaps(items: list[Item]) -> list[Item]:
    """The items with every paragraph gap removed, inside nodes too (a list item's lines run on)."""
    out: list[Item] = []
    for item in items:
        if isinstance(item, Node):
            out.append(dataclasses.replace(item, content=_without_gaps(item.content)))
        elif item:
            out.append(item)
    return out


def _first_line(items: list[Item]) -> str:
    return item_lines(items[:1])[0]


def _with_first_line(items: list[Item], line: str) -> list[Item]:
    """The items with their first line replaced by `line` (a list marker added or a glyph dropped)."""
    first = items[0]
    if isinstance(first, Node):
        return [dataclasses.replace(first, content=_with_first_line(first.content, line)), *items[1:]]
    return [line, *items[1:]]  # a table row opening a list item is read as the item's first line


def _is_chrome(el) -> bool:
    names = _classes(el)
    return len(names) > 1 and bool(_CHROME.search(names))


def _is_label_cell(cell) -> bool:
    if cell.tag.lower() == "th" or "mgLabel" in (cell.get("class") or ""):
        return True
    text = "".join(cell.itertext()).strip()
    if not text:
        return False
    bold = "".join(
        "".join(b.itertext()) for b in cell.iter("strong", "b") if b.getparent() is not None
    ).strip()
    return bold == text


def _looks_like_label(text: str) -> bool:
    return len(text) <= MAX_LABEL_CHARS and (text.rstrip().endswith((":", "?")) or len(text.split()) <= 6)


def _pair(label: str, value: str) -> str:
    label = label.rstrip()
    if label.endswith(":"):
        return f"{label} {value}"
    return f"{label}: {value}"


def _heading(label: str) -> str:
    label = label.rstrip()
    return label if label.endswith((":", "?")) else f"{label}:"


def _root(tree):
    """(element, inside ModernGov): the ModernGov content when the page has it, else the body."""
    for xpath in ('//*[@id="modgov"]', '//*[@id="mgContent"]'):
        found = tree.xpath(xpath)
        if found:
            return found[0], True
    body = tree.find(".//body")
    return (body if body is not None else tree), False


_TOO_DEEP = object()
_TAG = re.compile(r"<[^>]*>")
_DROPPED_CONTENT = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_FLATTEN_INLINE = re.compile(rb"</?(?:span|font|b|i|u|em|strong|small|big|a|sup|sub|o:p)\b[^>]*>", re.IGNORECASE)
_FLATTEN_BLOCK = re.compile(rb"</?(?:div|section|article|blockquote|center|p|main|aside)\b[^>]*>", re.IGNORECASE)


def _parse(data: bytes):
    # lxml is imported when a page is read, not when odr starts: most records never need it
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, recover=True, no_network=True, huge_tree=True
    )
    try:
        tree = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        return _TOO_DEEP
    return tree


def html_items(text: str) -> list[Item]:
    """The page's text as lines and nodes ("" between paragraphs)."""
    data = text.encode("utf-8")
    tree = _parse(data)
    if tree is _TOO_DEEP:
        # libxml2 stops at 2048 levels and drops the rest; flatten the nesting so no text is lost.
        tree = _parse(_FLATTEN_BLOCK.sub(b"<br>", _FLATTEN_INLINE.sub(b"", data)))
    if tree is None or tree is _TOO_DEEP:  # still too deep (nested tables, lists): text between tags
        plain = _TAG.sub("\n", _DROPPED_CONTENT.sub("", text))
        return [line for line in (_WS.sub(" ", unescape(raw)).strip() for raw in plain.split("\n")) if line]
    root, moderngov = _root(tree)
    # Outside ModernGov's own block, <header> and <footer> are the council site's furniture.
    walker = _Walker(_DROP_TAGS if moderngov else _DROP_TAGS | _SITE_FURNITURE)
    walker.walk(root)
    return walker.sink.finish()


def read(data: bytes, options: ReadOptions) -> Document:
    decoded = decode(data, declared_charset(data))
    items = html_items(decoded.text)
    if not items:
        raise ExtractionFailure(ErrorKind.empty, "the HTML page has no visible text")
    builder = DocumentBuilder(SourceFormat.html, "lxml", squeeze=True)
    for item in items:
        builder.add(item)
    if decoded.warning:
        builder.warnings.append(decoded.warning)
    return builder.build()

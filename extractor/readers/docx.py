"""Word .docx: the main document part read straight from the zip with lxml.

python-docx builds an object per paragraph and run and its ``Document.paragraphs`` skips tables;
reading ``word/document.xml`` directly keeps body order and is several times faster (see the note in
tests/test_formats.py for measured rates). The body becomes the text the layout engine expects:

* each paragraph is a line, with a blank line between paragraphs (as in a page's text) except
  between consecutive "Label: value" paragraphs of a form (a signature block), ``w:br`` /
  ``w:cr`` break the line and ``w:tab`` is a tab; deleted text and field codes are skipped;
* a numbered or bulleted paragraph (``w:numPr`` on the paragraph or inherited from its style) gets
  its marker: "- " for bullets, "1." / "a)" / "(i)" ... from numbering.xml's level format and
  counters; consecutive items of a list are not separated by blank lines, so option lists split;
* tables sit where they are in the body: a row of a label cell and a value cell becomes
  "Label: value" (or "Label:" then the value's lines when it has several); other rows join their
  single-line cells with " | " or give each cell's lines in turn; merged continuation cells are
  skipped; nested tables are read inside their cell;
* check boxes are kept as glyphs: content-control check boxes carry their ☒/☐ as text, legacy form
  fields (``w:ffData/w:checkBox``) and Wingdings symbols (``w:sym``) are turned into ☒ / ☐;
* page headers, footers, footnotes and comments are not part of the body, so they are not read.

Zip bombs: an archive whose members inflate past the shared limit is refused first, by its central
directory (extractor/limits.py `check_zip`). Then, before a part is decompressed,
its own declared size is checked too: a part over `MAX_PART_BYTES`, or compressed more than
`MAX_RATIO` to one, is refused as too large, and reading stops at the declared size whatever the
stream holds. styles.xml is only decompressed when a paragraph style needs looking up.
"""

from __future__ import annotations

import email
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any

from models import ErrorKind, SourceFormat

from ..document import (
    BULLET_GLYPH,
    MAX_LABEL_CHARS,
    BlockKind,
    Document,
    DocumentBuilder,
    Item,
    Node,
    Row,
    item_lines,
)
from ..errors import ExtractionFailure
from ..limits import check_zip, inflate_limit
from . import html as html_reader
from . import text as text_reader
from .contract import ReadOptions, foreign_format
from .encoding import decode

format = SourceFormat.docx

MAX_PART_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # real document.xml compresses 5-20x; a bomb compresses thousands of times
_RATIO_FLOOR = 1024 * 1024  # below this size any ratio is harmless

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFFICE_DOCUMENT = "officeDocument"

P, TBL, TR, TC, R, T, SDT = (_W + n for n in ("p", "tbl", "tr", "tc", "r", "t", "sdt"))
# Containers whose children are read as if they were in the parent.
_TRANSPARENT = frozenset(
    _W + n for n in ("hyperlink", "smartTag", "ins", "fldSimple", "customXml", "sdtContent", "moveTo", "dir", "bdo")
)
_SKIPPED = frozenset(_W + n for n in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "proofErr", "bookmarkStart"))


_WINGDINGS = {
    # Wingdings: empty boxes, ticked and crossed boxes, tick and cross marks
    ("wingdings", 0xA8): "☐", ("wingdings", 0x6F): "☐", ("wingdings", 0x71): "☐",
    ("wingdings", 0xFE): "☑", ("wingdings", 0xFD): "☒", ("wingdings", 0x78): "☒",
    ("wingdings", 0xFC): "✓", ("wingdings", 0xFB): "✗",
    ("wingdings 2", 0xA3): "☐", ("wingdings 2", 0x2A): "☐", ("wingdings 2", 0x52): "☑",
    ("wingdings 2", 0x54): "☒", ("wingdings 2", 0x53): "☒", ("wingdings 2", 0x50): "✓", ("wingdings 2", 0x4F): "✗",
    ("ms gothic", 0x2612): "☒", ("ms gothic", 0x2610): "☐",
}  # fmt: skip
_MAX_BASED_ON = 10
_MAX_LIST_LEVEL = 8  # ilvl 0-8
_MAX_ROMAN = 3999  # mmmcmxcix
_STYLE_ID = re.compile(rb'styleId="([^"]*)"')
_STYLE_TAG = re.compile(rb"<(?:(\w+):)?style\b")
# Styles that never carry list numbering (headings may: numbered section headings), not looked up.
_PLAIN_STYLES = frozenset(
    {"Normal", "Title", "Subtitle", "BodyText", "NoSpacing", "TableParagraph"}
)
# Styles that are never headings, not looked up (styles.xml is then not even decompressed).
_BODY_STYLES = frozenset({"Normal", "BodyText", "NoSpacing", "TableParagraph", "ListParagraph"})
# A paragraph that is one "Label: value" line of a form (a signature block's Signed/Name/Title/Date).
_FIELD_LINE = re.compile(r"^[A-Z][\w'()/&.\- ]{0,40}:[ \t]*\S.{0,100}$")


# --------------------------------------------------------------------------------------------
# the package
def _part_bytes(archive: zipfile.ZipFile, name: str, *, required: bool) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise ExtractionFailure(ErrorKind.corrupt, f"not a Word document: no {name} in the package") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise ExtractionFailure(
            ErrorKind.too_large, f"{name} declares {info.file_size:,} bytes, over the {MAX_PART_BYTES:,}-byte limit"
        )
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ExtractionFailure(
            ErrorKind.too_large,
            f"{name} expands {info.file_size // max(info.compress_size, 1):,} times (a zip bomb?)",
        )
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ExtractionFailure(ErrorKind.corrupt, f"{name} cannot be decompressed ({exc})") from None
    except RuntimeError as exc:  # encrypted entry
        raise ExtractionFailure(ErrorKind.encrypted, f"{name} is encrypted ({exc})") from None
    if len(data) > MAX_PART_BYTES:
        raise ExtractionFailure(ErrorKind.too_large, f"{name} is over the {MAX_PART_BYTES:,}-byte limit")
    return data


@functools.cache
def _xml_parser():
    # lxml is imported when a Word file is read, not when odr starts: most records never need it
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _xml(data: bytes | None, name: str, *, required: bool):
    from lxml import etree

    if data is None:
        return None
    try:
        return etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        if required:
            raise ExtractionFailure(ErrorKind.corrupt, f"{name} is not well-formed XML ({exc})") from None
        return None


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document part named by _rels/.rels (almost always word/document.xml)."""
    rels = _xml(_part_bytes(archive, "_rels/.rels", required=False), "_rels/.rels", required=False)
    if rels is not None:
        for rel in rels.iter(_REL + "Relationship"):
            if (rel.get("Type") or "").endswith("/" + _OFFICE_DOCUMENT):
                target = (rel.get("Target") or "").lstrip("/")
                if target and target in archive.NameToInfo:
                    return target
    return "word/document.xml"


# --------------------------------------------------------------------------------------------
# embedded parts
class _Chunks:
    """The parts a body embeds with ``w:altChunk`` (Word's "insert file"; some systems write their
    whole record so): HTML and MHTML are read by the HTML reader, plain text as lines. Any other kind
    (RTF, another .docx) is listed in `unread`, for a warning or, when nothing else is there, the error."""

    def __init__(self, archive: zipfile.ZipFile, main_part: str) -> None:
        self.archive = archive
        self.folder = posixpath.dirname(main_part)
        name = posixpath.join(self.folder, "_rels", posixpath.basename(main_part) + ".rels")
        rels = _xml(_part_bytes(archive, name, required=False), name, required=False)
        self.targets = {} if rels is None else {
            rel.get("Id"): rel.get("Target") or "" for rel in rels.iter(_REL + "Relationship")
        }  # fmt: skip
        self.warnings: list[str] = []
        self.unread: list[str] = []

    def items(self, rid: str) -> list[Item]:
        target = self.targets.get(rid)
        if not target:
            return []
        part = posixpath.normpath(posixpath.join(self.folder, target)).lstrip("/")
        data = _part_bytes(self.archive, part, required=False) or b""
        charset = None
        if data.lstrip()[:13].lower().startswith((b"mime-version:", b"content-type:")):
            data, charset = _mhtml_page(data)
        charset = charset or html_reader.declared_charset(data)
        if not data.strip():
            return []
        if html_reader.sniff(data) or text_reader.sniff(data):
            decoded = decode(data, charset)
            if decoded.warning:
                self.warnings.append(f"{part}: {decoded.warning}")
            if html_reader.sniff(data):
                return html_reader.html_items(decoded.text)
            return [line for line in decoded.text.splitlines() if line.strip()]
        kind = "a Word .docx document" if sniff(data) else foreign_format(data) or "binary data"
        self.unread.append(f"{part} ({kind})")
        return []


def _mhtml_page(data: bytes) -> tuple[bytes, str | None]:
    """The HTML page of an MHTML file (a MIME message, as Word saves "single file web page") and its charset."""
    for piece in email.message_from_bytes(data).walk():
        if piece.get_content_type() == "text/html":
            payload = piece.get_payload(decode=True)
            return (payload if isinstance(payload, bytes) else b""), piece.get_content_charset()
    return b"", None


# --------------------------------------------------------------------------------------------
# numbering
class _Styles:
    """styles.xml, indexed once when a paragraph style is first looked up.

    The part is large (python-docx's template alone is 350 KB, parsed whole in 30 ms) and a document
    uses a few of its styles, so one byte scan records where each style element starts and only the
    styles looked up are parsed. Each style's name, list numbering and outline level is resolved
    through its basedOn chain (cycles and chains deeper than `_MAX_BASED_ON` are cut)."""

    def __init__(self, load: Callable[[], bytes | None]) -> None:
        self._load = load
        self._data = b""
        self._starts: dict[str, tuple[int, bytes]] | None = None  # styleId -> (offset, namespace prefix)
        self._nodes: dict[str, Any] = {}
        self._numbering: dict[str, tuple[str | None, int] | None] = {}

    def _node(self, sid: str):
        if self._starts is None:
            self._data = self._load() or b""
            self._starts = {}
            for match in _STYLE_ID.finditer(self._data):
                start = self._data.rfind(b"<", 0, match.start())
                element = _STYLE_TAG.match(self._data, start)
                if element:
                    self._starts.setdefault(match.group(1).decode("utf-8", "replace"), (start, element.group(1) or b""))
        if sid not in self._nodes:
            self._nodes[sid] = self._parse(*self._starts[sid]) if sid in self._starts else None
        return self._nodes[sid]

    def _parse(self, start: int, prefix: bytes):
        from lxml import etree

        closing = b"</" + prefix + b":style>" if prefix else b"</style>"
        end = self._data.find(closing, start)
        if end < 0:
            return None
        namespace = b"xmlns:" + prefix if prefix else b"xmlns"
        fragment = b"<styles " + namespace + b'="' + W.encode() + b'">' + self._data[start : end + len(closing)] + b"</styles>"
        try:
            return etree.fromstring(fragment, _xml_parser())[0]
        except (etree.XMLSyntaxError, IndexError):
            return None

    def _chain(self, sid: str):
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        node = self._node(sid)
        while node is not None and sid not in seen and len(seen) < _MAX_BASED_ON:
            seen.add(sid)
            yield node
            sid = _val(node.find(_W + "basedOn")) or ""
            node = self._node(sid)

    def name(self, sid: str) -> str:
        node = self._node(sid)
        return (_val(node.find(_W + "name")) if node is not None else None) or sid

    def numbering(self, sid: str) -> tuple[str | None, int] | None:
        """(numId, ilvl) of a paragraph style's list numbering, inherited through basedOn."""
        if sid not in self._numbering:
            found = None
            for node in self._chain(sid):
                num_pr = node.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None and _val(num_pr.find(_W + "numId")):
                    found = (_val(num_pr.find(_W + "numId")), _int(_val(num_pr.find(_W + "ilvl")), 0))
                    break
            self._numbering[sid] = found
        return self._numbering[sid]

    def heading_level(self, sid: str) -> int | None:
        """1-6 for a title or heading style (by its name, else its outline level), None otherwise."""
        name = self.name(sid).lower()
        if name == "title":
            return 1
        if name.startswith("heading ") and name[8:].isdigit():
            return min(int(name[8:]), 6)
        for node in self._chain(sid):
            outline = _val(node.find(f"{_W}pPr/{_W}outlineLvl"))
            if outline is not None:
                return _outline_level(outline)
        return None


class _Numbering:
    """List markers from numbering.xml and styles.xml, with running counters."""

    def __init__(self, numbering, styles: _Styles):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.counters: dict[str, list[int]] = {}
        if numbering is not None:
            abstract = {}
            for node in numbering.iter(_W + "abstractNum"):
                lvls = {}
                for lvl in node.iter(_W + "lvl"):
                    fmt = _val(lvl.find(_W + "numFmt")) or "decimal"
                    text = _val(lvl.find(_W + "lvlText"))
                    start = _int(_val(lvl.find(_W + "start")), 1)
                    lvls[_int(lvl.get(_W + "ilvl"), 0)] = (fmt, text if text is not None else "%1.", start)
                abstract[node.get(_W + "abstractNumId")] = lvls
            for num in numbering.iter(_W + "num"):
                lvls = dict(abstract.get(_val(num.find(_W + "abstractNumId")), {}))
                for override in num.iter(_W + "lvlOverride"):
                    start = override.find(_W + "startOverride")
                    ilvl = _int(override.get(_W + "ilvl"), 0)
                    if start is not None and ilvl in lvls:
                        fmt, text, _ = lvls[ilvl]
                        lvls[ilvl] = (fmt, text, _int(_val(start), 1))
                self.levels[num.get(_W + "numId")] = lvls
        self.styles = styles

    def marker(self, p_pr) -> tuple[str | None, str | None, int]:
        """(marker, list key, level) of a paragraph: ("- ", "7", 1), ("(a) ", "3", 2), ...; (None, None, 0)
        when it is not a list item. Items of one list share a key; the level is 1 for the outermost."""
        if p_pr is None:
            return None, None, 0
        style = _val(p_pr.find(_W + "pStyle"))
        num_pr = p_pr.find(_W + "numPr")
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id = _val(num_pr.find(_W + "numId"))
            ilvl = _int(_val(num_pr.find(_W + "ilvl")), 0)
        name = ""
        if num_id is None and style and style not in _PLAIN_STYLES:
            style_num, name = self.styles.numbering(style), self.styles.name(style)
            if style_num is not None:
                num_id, ilvl = style_num
                if num_pr is not None and num_pr.find(_W + "ilvl") is not None:
                    ilvl = _int(_val(num_pr.find(_W + "ilvl")), 0)
        ilvl = min(max(ilvl, 0), _MAX_LIST_LEVEL)  # Word has nine levels; a forged one must not size the counters
        if num_id is None or num_id == "0":
            if name.lower().startswith("list bullet"):
                return "- ", f"style:{style}", 1
            return None, None, 0
        levels = self.levels.get(num_id)
        if not levels:
            return "- ", num_id, ilvl + 1
        fmt, text, _ = levels.get(ilvl) or levels.get(0) or ("bullet", "", 1)
        counts = self.counters.setdefault(num_id, [])
        while len(counts) <= ilvl:
            counts.append(0)
        counts[ilvl] += 1
        del counts[ilvl + 1 :]
        if fmt in ("bullet", "none") or not text or "%" not in text:
            return ("- ", num_id, ilvl + 1) if fmt != "none" else (None, None, 0)

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            if level >= len(counts):
                return ""
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            return _format_number(counts[level] + lstart - 1, lfmt)

        return re.sub(r"%(\d)", number, text).strip() + " ", num_id, ilvl + 1


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(97 + rem) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < n <= _MAX_ROMAN:
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    return str(n)  # past what roman numerals write (a forged start of 10**30 would loop for ages)


def _roman(n: int) -> str:
    """1 <= n <= _MAX_ROMAN as a lower-case roman numeral."""
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out += numeral
            n -= value
    return out


def _val(node) -> str | None:
    return None if node is None else node.get(_W + "val")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------------------------
# the body
class _Body:
    def __init__(self, numbering: _Numbering, styles: _Styles, chunks: _Chunks):
        self.numbering = numbering
        self.styles = styles
        self.chunks = chunks
        self.tables = 0  # tables met so far, nested ones included

    def blocks(self, parent) -> list[Item]:
        """Items of a body or cell: paragraphs (blank line between), list items together, tables."""
        out: list[Item] = []
        previous_list: str | None = None
        for child in parent:
            tag = child.tag
            if tag == P:
                items, list_key = self.paragraph(child)
                if not items:
                    if out and out[-1]:
                        out.append("")
                    previous_list = None
                    continue
                lines = item_lines(items)
                if list_key is None and len(lines) == 1 and _FIELD_LINE.match(lines[0]):
                    list_key = "field"  # "Name: ..." after "Signed: ...": a form's block, single-spaced
                if out and out[-1] and not (list_key is not None and list_key == previous_list):
                    out.append("")
                out.extend(items)
                previous_list = list_key
            elif tag == TBL:
                rows = self.table(child)
                if rows:
                    if out and out[-1]:
                        out.append("")
                    out.extend(rows)
                    out.append("")
                previous_list = None
            elif tag == _W + "altChunk":
                inner = self.chunks.items(child.get(_R + "id") or "")
                if inner:
                    if out and out[-1]:
                        out.append("")
                    out.extend([*inner, ""])
                previous_list = None
            elif tag == SDT or tag in _TRANSPARENT:
                content = child.find(_W + "sdtContent") if tag == SDT else child
                if content is not None:
                    inner = self.blocks(content)
                    if inner:
                        if out and out[-1]:
                            out.append("")
                        out.extend(inner)
                        previous_list = None
        while out and not out[-1]:
            out.pop()
        return out

    def paragraph(self, p) -> tuple[list[Item], str | None]:
        """The paragraph's items (a list item, a heading, or plain lines; text boxes after it) and the
        key of the list it belongs to."""
        parts: list[str] = []
        extra: list[Item] = []
        self._inline(p, parts, extra)
        text = "".join(parts)
        split = [" ".join(line.split()) if "\t" not in line else line.strip() for line in text.split("\n")]
        lines: list[Item] = [line for line in split if line.strip()]
        p_pr = p.find(_W + "pPr")
        marker, key, depth = self.numbering.marker(p_pr)  # an empty numbered paragraph counts too, as in Word
        if not lines:
            return extra, None
        first = str(lines[0])
        level = self.styled_heading_level(p_pr)
        if marker is not None:
            lines[0] = marker + BULLET_GLYPH.sub("", first)
            if level is None and marker != "- " and _bold_heading(p, lines):
                level = 0  # a numbered section heading: "1. Decision" all in bold
            if level is None:
                return [Node(BlockKind.list_item, lines, level=depth, marker=marker.strip()), *extra], key
        elif BULLET_GLYPH.match(first) and len(first) > 2:
            lines[0] = BULLET_GLYPH.sub("- ", first)  # a typed bullet glyph
            return [Node(BlockKind.list_item, lines, marker="-"), *extra], "typed"
        elif level is None and _bold_heading(p, lines):
            level = 0
        if level is not None:  # a numbered heading ("2. Reasons") is a heading, its number kept
            return [Node(BlockKind.heading, lines, level=level), *extra], key
        return lines + extra, None

    def styled_heading_level(self, p_pr) -> int | None:
        """A heading's level from the paragraph's outline level or its title/heading style."""
        if p_pr is None:
            return None
        outline = _val(p_pr.find(_W + "outlineLvl"))
        if outline is not None:
            return _outline_level(outline)
        style = _val(p_pr.find(_W + "pStyle"))
        return self.styles.heading_level(style) if style and style not in _BODY_STYLES else None

    def _inline(self, node, parts: list[str], extra: list[Item]) -> None:
        for child in node:
            tag = child.tag
            if tag == R:
                self._run(child, parts, extra)
            elif tag == SDT:
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self._inline(content, parts, extra)
            elif tag in _TRANSPARENT:
                self._inline(child, parts, extra)
            elif tag in _SKIPPED or not isinstance(tag, str):
                continue
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                if choice is not None:
                    self._inline(choice, parts, extra)

    def _run(self, run, parts: list[str], extra: list[Item]) -> None:
        for child in run:
            tag = child.tag
            if tag == T:
                if child.text:
                    parts.append(child.text)
            elif tag == _W + "tab" or tag == _W + "ptab":
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "sym":
                parts.append(_symbol(child))
            elif tag == _W + "fldChar":
                box = child.find(f"{_W}ffData/{_W}checkBox")
                if box is not None:
                    parts.append(_form_checkbox(box))
            elif tag in (_W + "drawing", _W + "pict", _MC + "AlternateContent"):
                for content in child.iter(_W + "txbxContent"):
                    extra.extend(item for item in self.blocks(content) if item)
                    break  # AlternateContent repeats the box in its fallback

    def table(self, tbl) -> list[Item]:
        out: list[Item] = []
        table, row = self.tables, 0
        self.tables += 1
        for tr in tbl.iter(TR):
            if _owner_table(tr) is not tbl:
                continue  # a nested table's row: read within its cell
            cells: list[tuple[list[Item], bool]] = []
            for tc in tr:
                if tc.tag != TC:
                    if tc.tag in (SDT, _W + "customXml"):
                        for inner in tc.iter(TC):
                            cells.append(self.cell(inner))
                    continue
                cells.append(self.cell(tc))
            cells = [(lines, bold) for lines, bold in cells if lines]
            out.extend(_row_items(cells, table, row))
            row += 1
        return out

    def cell(self, tc) -> tuple[list[Item], bool]:
        v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        if v_merge is not None and _val(v_merge) in (None, "continue"):
            return [], False  # the continuation of a vertically merged cell
        lines = self.blocks(tc)
        return lines, _all_bold(tc)


def _owner_table(tr):
    node = tr.getparent()
    while node is not None and node.tag != TBL:
        node = node.getparent()
    return node


def _bold_heading(p, lines: list[Item]) -> bool:
    """A short one-line paragraph all in bold, not a "Label: value" line: a heading by its look."""
    line = str(lines[0])
    return len(lines) == 1 and len(line) <= MAX_LABEL_CHARS and not _FIELD_LINE.match(line) and _all_bold(p)


def _all_bold(node) -> bool:
    """Every run with text in a paragraph or cell is bold (and there is one)."""
    bold = False
    for run in node.iter(R):
        text = run.find(T)
        if text is None or not (text.text or "").strip():
            continue
        weight = run.find(f"{_W}rPr/{_W}b")
        if weight is None or _val(weight) in ("0", "false"):
            return False  # most paragraphs stop at their first run
        bold = True
    return bold


def _looks_like_label(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= MAX_LABEL_CHARS and (text.endswith((":", "?")) or len(text.split()) <= 6)


def _row_items(cells: list[tuple[list[Item], bool]], table: int, row: int) -> list[Item]:
    """A table row: "Label: value" (a field), cells on one line (a Row), or its cells' content in turn."""
    if not cells:
        return []
    lines = [item_lines(items) for items, _ in cells]
    if len(cells) == 2:
        label, value = lines
        text = [line for line in value if line]
        if len(label) == 1 and (cells[0][1] or _looks_like_label(label[0])) and not (
            len(text) == 1 and text[0].rstrip().endswith(":") and not label[0].rstrip().endswith(":")
        ):
            name = label[0].rstrip()
            if len(text) == 1:
                pair = f"{name} {text[0]}" if name.endswith(":") else f"{name}: {text[0]}"
                return [Node(BlockKind.field, [pair], label=name, table=table, row=row)]
            heading = name if name.endswith((":", "?")) else f"{name}:"
            return ["", Node(BlockKind.field, [heading, *cells[1][0]], label=name, table=table, row=row), ""]
    if all(len(cell) == 1 for cell in lines) and sum(len(cell[0]) for cell in lines) < 300:
        return [Row([cell[0] for cell in lines], table=table, row=row)]
    out: list[Item] = [""]
    for column, (items, _) in enumerate(cells):  # cells of several paragraphs are blocks of their own
        out.extend([Node(BlockKind.cell, items, table=table, row=row, column=column), ""])
    return out


def _symbol(sym) -> str:
    font = (sym.get(_W + "font") or "").lower()
    try:
        code = int(sym.get(_W + "char") or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    glyph = _WINGDINGS.get((font, code))
    if glyph:
        return glyph
    if font.startswith(("wingdings", "symbol", "webdings")):
        return ""  # a decorative glyph with no Unicode meaning
    return chr(code) if code >= 0x20 else ""


def _form_checkbox(box) -> str:
    checked = box.find(_W + "checked")
    if checked is None:
        checked = box.find(_W + "default")
    on = checked is not None and _val(checked) not in ("0", "false")
    return "☒" if on else "☐"


# --------------------------------------------------------------------------------------------
def _outline_level(value: str) -> int | None:
    """Word's outline level 0-8 as a heading level 1-6; 9 (body text) and nonsense are not headings."""
    level = _int(value, 9)
    return min(level + 1, 6) if 0 <= level < 9 else None


def docx_items(data: bytes) -> tuple[list[Item], _Chunks]:
    """The body's items, and the embedded parts it read or could not."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractionFailure(ErrorKind.corrupt, f"not a readable .docx (zip) file ({exc})") from None
    with archive:
        name = _main_part(archive)
        root = _xml(_part_bytes(archive, name, required=True), name, required=True)
        numbering = _xml(_part_bytes(archive, "word/numbering.xml", required=False), "numbering", required=False)
        body = root.find(_W + "body")
        if body is None:
            raise ExtractionFailure(ErrorKind.corrupt, f"{name} has no document body")
        styles = _Styles(lambda: _part_bytes(archive, "word/styles.xml", required=False))
        chunks = _Chunks(archive, name)
        return _Body(_Numbering(numbering, styles), styles, chunks).blocks(body), chunks


def sniff(data: bytes) -> bool:
    """A ZIP whose first entries name Word's parts."""
    head = data[:65536]
    return data.startswith(b"PK\x03\x04") and (b"word/" in head or b"[Content_Types].xml" in head)


def read(data: bytes, options: ReadOptions) -> Document:
    check_zip(data, inflate_limit(options.max_bytes))  # a bomb is refused before anything inflates
    builder = DocumentBuilder(SourceFormat.docx, "lxml-docx", squeeze=True)
    items, chunks = docx_items(data)
    for item in items:
        builder.add(item)
    builder.warnings.extend(chunks.warnings)
    document = builder.build()
    if chunks.unread and not document.text.strip():
        raise ExtractionFailure(
            ErrorKind.unsupported_format, f"the body is an embedded part odr does not read (altChunk): {', '.join(chunks.unread)}"
        )
    document.warnings.extend(f"an embedded part was not read (altChunk): {part}" for part in chunks.unread)
    return document

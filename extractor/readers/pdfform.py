"""Filled PDF forms: the values of AcroForm fields, put into the page text where a person reads them.

A form's values live in widget annotations, not in the page's content, so pdfium's page text has the
printed labels ("Decision maker:") and none of the answers. Each field's value is placed after the
last printed character to its left on the same line ("Decision maker: Jane Holt"); a box with no
text to its left (a large "Decision" box under its heading) goes on a line of its own after the
nearest printed line above it; a value with no printed text near it at all ends the page as
"Field name: value". Check boxes and radio buttons read as ☒ / ☐, as in a Word form.

A value placed after its label makes the line a field block (its label the text before it); a value
placed below a label line makes the two a field block together. The markers that carry this through
page_text and normalisation are Unicode noncharacters, which no document text contains.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..document import BlockKind, Item, Node

START, END = "\ufdd0", "\ufdd1"  # around a form value inside a page's text
CHECKED, UNCHECKED = "☒", "☐"
# Points of slack when asking whether a glyph is left of or above a field.
_SLACK = 2.0
# pdfium's form field types (fpdf_formfill.h) read as text, and those read as a box.
_TEXT_FIELDS = frozenset({4, 5, 6})  # combo box, list box, text field
_BOXES = frozenset({2, 3})  # check box, radio button
_WIDGET = 20  # FPDF_ANNOT_WIDGET
_MAX_PLACED = 500  # fields per page placed beside their labels; any more end the page
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class FormValue:
    name: str  # the field's tooltip (/TU), else its own name made readable
    value: str  # the text, or a box glyph
    rect: tuple[float, float, float, float]  # left, bottom, right, top in page points
    box: bool


def has_form(data: bytes) -> bool:
    """Whether the PDF may hold an interactive form (only then are forms initialised: it costs)."""
    return b"/AcroForm" in data


def form_values(pdf, page) -> list[FormValue]:
    """The filled-in fields of a page (empty text fields left out), for a PdfDocument whose forms
    were initialised before the page was loaded."""
    import pypdfium2.raw as pdfium_c

    form = pdf.formenv.raw
    values = []
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != _WIDGET:
                continue
            kind = pdfium_c.FPDFAnnot_GetFormFieldType(form, annot)
            if kind in _BOXES:
                value, box = CHECKED if pdfium_c.FPDFAnnot_IsChecked(form, annot) else UNCHECKED, True
            elif kind in _TEXT_FIELDS:
                value, box = _clean(_utf16(pdfium_c.FPDFAnnot_GetFormFieldValue, form, annot)), False
            else:
                continue  # push buttons, signatures
            if not value:
                continue
            rect = pdfium_c.FS_RECTF()
            if not pdfium_c.FPDFAnnot_GetRect(annot, rect):
                continue
            name = _clean(_utf16(pdfium_c.FPDFAnnot_GetFormFieldAlternateName, form, annot)) or _readable(
                _utf16(pdfium_c.FPDFAnnot_GetFormFieldName, form, annot)
            )
            box_rect = (min(rect.left, rect.right), min(rect.bottom, rect.top), max(rect.left, rect.right), max(rect.bottom, rect.top))
            values.append(FormValue(name or "Form field", value, box_rect, box))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return values


def place(
    text: str, boxes: list[tuple[float, float, float, float]], values: Sequence[FormValue]
) -> tuple[dict[int, str], list[FormValue]]:
    """Where each value goes in a page's text: {character index: text to insert after it}, and the
    values with no printed text near them. `boxes` are the characters' (left, bottom, right, top)."""
    inserts: dict[int, str] = {}
    ordered = sorted(values, key=lambda v: (-v.rect[3], v.rect[0]))
    leftover = ordered[_MAX_PLACED:]  # a form of thousands of fields is not searched glyph by glyph
    printed = [i for i, char in enumerate(text) if not char.isspace()]
    for value in ordered[:_MAX_PLACED]:
        left, bottom, right, top = value.rect
        before = [i for i in printed if boxes[i][2] <= left + _SLACK and bottom <= (boxes[i][1] + boxes[i][3]) / 2 <= top]
        if before:  # on the same line, after the nearest glyph to its left
            at = max(before, key=lambda i: (boxes[i][2], boxes[i][3]))
            marked = value.value if value.box else START + value.value + END
            inserts[at] = inserts.get(at, "") + " " + marked
            continue
        above = [i for i in printed if boxes[i][1] >= top - _SLACK and boxes[i][0] < right and boxes[i][2] > left]
        if above and not value.box:  # on a line of its own, under the nearest line above it
            nearest = min(above, key=lambda i: (boxes[i][1] - top, boxes[i][0]))
            at = _line_end(text, nearest)
            inserts[at] = inserts.get(at, "") + "\n" + START + value.value + END
            continue
        leftover.append(value)
    return inserts, leftover


def form_items(lines: list[Item], leftover: list[FormValue]) -> list[Item]:
    """A page's lines with its placed form values made into field nodes (the markers removed), and
    the values that found no place at its end."""
    out: list[Item] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not isinstance(line, str) or START not in line:
            out.append(line)
            continue
        value_lines = [line]
        while END not in value_lines[-1] and index < len(lines) and isinstance(lines[index], str):
            value_lines.append(str(lines[index]))  # a value of several lines
            index += 1
        clean: list[Item] = [_unmarked(text) for text in value_lines]
        label = line[: line.index(START)].strip()
        if sum(text.count(START) for text in value_lines) > 1:
            out.extend(clean)  # several fields on one line: plain text
        elif label:
            out.append(Node(BlockKind.field, clean, label=label))
        elif out and isinstance(out[-1], str) and out[-1].strip():  # the value stands under its label line
            heading = str(out.pop())
            out.append(Node(BlockKind.field, [heading, *clean], label=heading))
        else:
            out.extend(clean)
    out.extend(Node(BlockKind.field, [f"{value.name}: {value.value}"], label=value.name) for value in leftover)
    return out


def _line_end(text: str, index: int) -> int:
    """The last printed character of the line holding character `index`."""
    end = index
    while end + 1 < len(text) and text[end + 1] not in "\r\n":
        end += 1
    while end > index and text[end].isspace():
        end -= 1
    return end


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(END, "")


def _clean(text: str) -> str:
    """A form value as text: its line breaks (\\r in PDF forms) as newlines, no markers, no blank edges."""
    return _unmarked(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _readable(name: str) -> str:
    """A field's own name as words: "DecisionMaker" / "decision_maker" / "form.decision-maker" -> words."""
    last = name.rsplit(".", 1)[-1]
    return " ".join(_CAMEL.sub(" ", last).replace("_", " ").replace("-", " ").split()).capitalize()


def _utf16(function, form, annot) -> str:
    """A string pdfium returns as UTF-16LE into a buffer it sizes (bytes, terminator included)."""
    import pypdfium2.raw as pdfium_c

    size = function(form, annot, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    function(form, annot, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")

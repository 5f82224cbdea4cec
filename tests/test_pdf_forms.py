"""Filled PDF forms (issue 11): the values of AcroForm fields are read where a person reads them, as
label/value rows, instead of a record of printed labels with every answer missing."""

from __future__ import annotations

from pdfbuild import FONT, raw_pdf, stream

from extractor.document import BlockKind
from extractor.readers import read_bytes


def _text(x: int, y: int, text: bytes) -> bytes:
    return b"BT /F1 11 Tf %d %d Td (%s) Tj ET\n" % (x, y, text)


def _widget(field_type: bytes, name: bytes, rect: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Type /Annot /Subtype /Widget /FT %s /T (%s) /Rect [%s] /P 3 0 R /F 4 %s >>" % (field_type, name, rect, extra)


def form_pdf(widgets: list[bytes], printed: bytes) -> bytes:
    """One page printing `printed`, with `widgets` as its AcroForm fields (objects 6...)."""
    numbers = b" ".join(b"%d 0 R" % (6 + i) for i in range(len(widgets)))
    appearance = len(widgets) + 6
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] /NeedAppearances true >> >>" % numbers,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> /Annots [%s] >>" % numbers,
        FONT,
        stream(printed, b""),
        *(w.replace(b"APPEARANCE", b"%d 0 R" % appearance) for w in widgets),
        stream(b"", b"/Type /XObject /Subtype /Form /BBox [0 0 12 12]"),
    ])  # fmt: skip


def _box(name: bytes, rect: bytes, on: bool) -> bytes:
    state = b"/On" if on else b"/Off"
    return _widget(b"/Btn", name, rect, b"/V %s /AS %s /AP << /N << /On APPEARANCE /Off APPEARANCE >> >>" % (state, state))


DECISION_FORM = form_pdf(
    [
        _widget(b"/Tx", b"maker", b"180 695 500 712", b"/TU (Decision maker) /V (Jane Holt, Head of Parks)"),
        _widget(b"/Tx", b"date", b"180 665 400 682", b"/V (12 March 2024)"),
        _box(b"key_yes", b"200 637 212 649", on=True),
        _box(b"key_no", b"250 637 262 649", on=False),
        _widget(b"/Tx", b"decision", b"72 520 540 590", b"/Ff 4096 /V (To close Mill Lane car park.\\rThe work ends by May.)"),
        _widget(b"/Tx", b"officer_reference", b"400 100 540 120", b"/V (HBC/PK/0042)"),
        _widget(b"/Tx", b"blank", b"180 300 400 320"),
    ],
    _text(72, 740, b"Hartwell Borough Council - Officer Decision Record")
    + _text(72, 700, b"Decision maker:")
    + _text(72, 670, b"Date of decision:")
    + _text(72, 640, b"Key decision: Yes")
    + _text(230, 640, b"No")
    + _text(72, 600, b"Decision:"),
)


def test_form_values_are_read_beside_their_labels():
    document = read_bytes(DECISION_FORM)
    assert document.text.split("\n") == [
        "Hartwell Borough Council - Officer Decision Record", "",
        "Decision maker: Jane Holt, Head of Parks", "",
        "Date of decision: 12 March 2024", "",
        "Key decision: Yes ☒ No ☐", "",
        "Decision:",
        "To close Mill Lane car park.",
        "The work ends by May.",
        "Officer reference: HBC/PK/0042",  # no printed text near it: its own name, at the end of the page
    ]  # fmt: skip


def test_form_values_are_field_blocks():
    document = read_bytes(DECISION_FORM)
    fields = [(document.label_of(b), document.value_of(b)) for b in document.blocks if b.kind == BlockKind.field]
    assert fields == [
        ("Decision maker", "Jane Holt, Head of Parks"),
        ("Date of decision", "12 March 2024"),
        ("Decision", "To close Mill Lane car park.\nThe work ends by May."),
        ("Officer reference", "HBC/PK/0042"),
    ]


def test_a_filled_form_is_no_longer_an_empty_record(extractor):
    record = extractor.extract_bytes(DECISION_FORM)
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jane Holt", "Head of Parks")
    assert str(record.decision_date) == "2024-03-12"
    assert record.key_decision is True
    assert record.decision == "To close Mill Lane car park.\nThe work ends by May."


def test_an_unfilled_form_reads_as_its_printed_text():
    empty = form_pdf(
        [_widget(b"/Tx", b"maker", b"180 695 500 712"), _box(b"key_yes", b"200 637 212 649", on=False)],
        _text(72, 740, b"Hartwell Borough Council - Officer Decision Record") + _text(72, 700, b"Decision maker:")
        + _text(72, 640, b"Key decision: Yes"),
    )  # fmt: skip
    assert read_bytes(empty).text.split("\n") == [
        "Hartwell Borough Council - Officer Decision Record", "", "Decision maker:", "", "Key decision: Yes ☐",
    ]  # fmt: skip

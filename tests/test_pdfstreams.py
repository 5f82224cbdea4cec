"""The decompression check sees a PDF as pdfium does (extractor/pdfstreams.py, extractor/limits.py):
every filter and chain decoded alike, every stream keyword form, names and strings parsed, each
stream counted once per use, never more inflated than the budget, nothing inflated when the filters'
ratios already keep a file under it."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfbuild import (
    FONT,
    TEXT,
    ascii85,
    asciihex,
    lzw,
    lzw_run,
    packed_pdf,
    page_pdf,
    raw_pdf,
    runlength,
    stream,
    zlib_run,
)

from extractor import pdfstreams
from extractor.errors import ExtractionFailure
from extractor.limits import check_pdf_streams
from extractor.pdfstreams import MAX_RATIO, Name, Ref, Stream, max_output, parse_object, scan
from models import ErrorKind

MB = 1024 * 1024
# A page of text long enough to need every filter's machinery (LZW's wider codes included).
CONTENT = b"".join(TEXT.replace(b"720", str(720 - 12 * i).encode()) for i in range(50))

FILTERED = {
    "Flate": (b"/Filter /FlateDecode", zlib.compress),
    "LZW": (b"/Filter /LZWDecode", lzw),
    "ASCII85": (b"/Filter /ASCII85Decode", ascii85),
    "ASCIIHex": (b"/Filter /ASCIIHexDecode", asciihex),
    "RunLength": (b"/Filter /RunLengthDecode", runlength),
    "abbreviated": (b"/Filter /Fl", zlib.compress),
    "#-escaped name": (b"/Filter /#46lateDecode", zlib.compress),
    "ASCIIHex, Flate": (b"/Filter [/ASCIIHexDecode /FlateDecode]", lambda d: asciihex(zlib.compress(d))),
    "ASCII85, LZW": (b"/Filter [/A85 /LZW]", lambda d: ascii85(lzw(d))),
    "Flate, Flate": (b"/Filter [/FlateDecode /FlateDecode]", lambda d: zlib.compress(zlib.compress(d))),
    "RunLength, Flate": (b"/Filter [/RL /Fl]", lambda d: runlength(zlib.compress(d))),
    "Flate, then an image filter": (b"/Filter [/FlateDecode /DCTDecode]", zlib.compress),
}


def _page_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def _decoded(data: bytes, number: int = 5) -> bytes:
    layout = scan(data, lambda s: None)
    [found] = [s for s in layout.streams if s.number == number]
    return b"".join(pdfstreams.decode(data, found, lambda n: None))


@pytest.mark.parametrize("name", FILTERED)
def test_each_filter_and_chain_decodes_as_pdfium_does(name):
    filters, encode = FILTERED[name]
    data = page_pdf([stream(encode(CONTENT), filters)])
    assert _page_text(data).count("Subject: Closure of Mill Lane car park") == 50  # pdfium reads it
    assert _decoded(data) == CONTENT  # and so does the check


@pytest.mark.parametrize("keyword", [b"stream\n", b"stream\r\n", b"stream\r", b"stream \n", b"stream  \r\n"],
                         ids=["LF", "CRLF", "CR", "space LF", "spaces CRLF"])
@pytest.mark.parametrize("length", ["right", "wrong", "indirect", "missing"])
def test_stream_data_starts_and_ends_where_pdfium_takes_it(keyword, length):
    payload = zlib.compress(CONTENT)
    dictionary = {
        "right": b"/Length %d" % len(payload),
        "wrong": b"/Length %d" % (len(payload) - 7),  # no endstream there: pdfium searches for it
        "indirect": b"/Length 6 0 R",
        "missing": b"",
    }[length]
    body = b"<< %s /Filter /FlateDecode >>\n" % dictionary + keyword + payload + b"\nendstream"
    data = raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
        FONT,
        body,
        b"%d" % len(payload),
    ])
    assert "Mill Lane" in _page_text(data)
    assert _decoded(data) == CONTENT


def test_names_strings_and_comments_are_read_as_pdf_syntax():
    value, _ = parse_object(
        b"<< /Type /Fl#61teDecode /Note (a (nested) string with \\) and /Subtype /Image) % a comment /Subtype /Image\n"
        b"   /Kids [1 0 R 2 0 R] /Hex <2F53756274797065> /N 3.5 /Deep [[[[]]]] >>rest", 0)
    assert value == {Name("Type"): Name("FlateDecode"), Name("Note"): b"", Name("Kids"): [Ref(1), Ref(2)],
                     Name("Hex"): b"", Name("N"): 3.5, Name("Deep"): [[[[]]]]}
    assert Name("Subtype") not in value
    assert value.keys() == {"Type", "Note", "Kids", "Hex", "N", "Deep"}
    deep, _ = parse_object(b"[" * 100_000 + b"]" * 100_000, 0)  # no recursion
    assert isinstance(deep, list)


def test_each_stream_is_counted_once_per_use():
    content = stream(zlib.compress(TEXT))
    listed = page_pdf([content], contents=b"[5 0 R 5 0 R 5 0 R]")
    assert scan(listed, lambda s: None).contents_uses == {5: 3}
    # /Contents 6 0 R, object 6 an array listing the stream twice
    indirect = page_pdf([content, b"[5 0 R 5 0 R]"], contents=b"6 0 R")
    assert scan(indirect, lambda s: None).contents_uses == {5: 2}
    # an image no page lists is never decoded; a font once
    image = stream(zlib.compress(b"\0" * 1000), b"/Type /XObject /Subtype /Image /Filter /FlateDecode")
    layout = scan(page_pdf([content, image, stream(zlib.compress(b"font"))], contents=b"5 0 R"), lambda s: None)
    assert [layout.uses(s) for s in sorted(layout.streams, key=lambda s: s.number)] == [1, 0, 1]


def test_pages_inside_object_streams_are_counted():
    page = b"<< /Type /Page /Parent 2 0 R /Contents [5 0 R 5 0 R 5 0 R 5 0 R] /Resources << /Font << /F1 4 0 R >> >> >>"
    data = packed_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>",
        None,
        FONT,
        stream(zlib.compress(TEXT)),
    ], {3: page})
    assert "Mill Lane" in _page_text(data)  # pdfium finds the page in the object stream
    seen = []
    layout = scan(data, lambda s: seen.append(s.number) or b"".join(pdfstreams.decode(data, s, lambda n: None)))
    assert seen == [6] and layout.contents_uses == {5: 4}


# -- the bounds are sound: no decoder writes more than max_output, whatever it is fed ----------------------


def _written(raw: bytes, chain: list[str]) -> int:
    found = Stream(1, 0, len(raw), [(kind, {}) for kind in chain], False)
    total = 0

    def count(size: int) -> None:
        nonlocal total
        total += size

    for _ in pdfstreams.decode(raw, found, count):
        pass
    assert total <= max_output(found)
    return total


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=3000), chain=st.lists(st.sampled_from(sorted(MAX_RATIO)), min_size=1, max_size=3))
def test_no_filter_writes_more_than_its_bound_whatever_it_is_fed(raw, chain):
    _written(raw, chain)


@pytest.mark.parametrize(("kind", "bomb"), [
    ("flate", lambda: zlib.compress(b" " * (8 * MB), 9)),
    ("lzw", lambda: lzw_run(64 * MB)),
    ("runlength", lambda: bytes([129, 32]) * 65536 + b"\x80"),
    ("ascii85", lambda: b"z" * 100_000),
], ids=["Flate", "LZW", "RunLength", "ASCII85"])
def test_the_densest_streams_come_within_half_of_their_bound(kind, bomb):
    """Sound bounds that are not loose: what skips the check on ordinary files stays meaningful."""
    raw = bomb()
    assert _written(raw, [kind]) >= MAX_RATIO[kind] * len(raw) / 2


# -- the budget ------------------------------------------------------------------------------------------


@pytest.fixture
def decoded_bytes(monkeypatch):
    """Every byte the check decodes, whatever the stage."""
    total = [0]
    real = pdfstreams.decode

    def counting(data, found, written):
        def both(size):
            total[0] += size
            written(size)

        return real(data, found, both)

    monkeypatch.setattr(pdfstreams, "decode", counting)
    return total


def test_a_bomb_is_refused_inflating_no_more_than_the_budget(decoded_bytes):
    data = page_pdf([stream(zlib_run(1024 * MB, TEXT))])  # a gigabyte
    with pytest.raises(ExtractionFailure) as raised:
        check_pdf_streams(data, 10 * MB)
    assert raised.value.kind == ErrorKind.too_large and "decompression bomb" in raised.value.message
    assert decoded_bytes[0] <= 10 * MB + MB  # stopped within a chunk of the budget


def test_listing_a_stream_spends_the_budget_per_listing(decoded_bytes):
    content = stream(zlib_run(2 * MB, TEXT))
    assert check_pdf_streams(page_pdf([content], contents=b"[5 0 R 5 0 R 5 0 R 5 0 R]"), 10 * MB) <= 10 * MB
    with pytest.raises(ExtractionFailure):
        check_pdf_streams(page_pdf([content], contents=b"[" + b"5 0 R " * 6 + b"]"), 10 * MB)
    assert decoded_bytes[0] <= 2 * (2 * MB + MB)


def test_files_too_small_to_be_bombs_are_cleared_without_decoding(decoded_bytes):
    from test_hostile import text_pdf

    for pages in (1, 20):
        assert check_pdf_streams(text_pdf(pages=pages), 250 * MB) <= 250 * MB
    assert decoded_bytes[0] == 0
    # the same content with a budget its ratios could pass: decoded, largest first, until it fits
    assert check_pdf_streams(text_pdf(pages=20), 100_000) <= 100_000
    assert decoded_bytes[0] > 0

import pytest

from extractor.document import Document, normalise_text, strip_page_furniture
from extractor.errors import ExtractionFailure
from extractor.readers import read_bytes, sniff
from models import ErrorKind


@pytest.mark.parametrize(
    "data, fmt",
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\xef\xbb\xbfDecision details\n", "text"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"  \n<html lang='en'>", "html"),
        (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", "docx"),
        (b"Subject: Road closure\nDecision Maker: Cabinet", "text"),
    ],
)
def test_sniff_reads_bytes_not_names(data, fmt):
    assert sniff(data) == fmt


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n....", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04" + b"\x00" * 40 + b"data.csv", b"{\\rtf1\\ansi"],
)
def test_sniff_rejects_formats_odr_does_not_read(data):
    with pytest.raises(ExtractionFailure) as raised:
        sniff(data)
    assert raised.value.kind == ErrorKind.unsupported_format


def test_text_encodings_decode_to_the_same_text():
    text = "Subject: Café “Quarter” – £5,000\n"
    as_utf8 = read_bytes(text.encode("utf-8")).text
    assert read_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")).text == as_utf8
    assert read_bytes(text.encode("cp1252")).text == as_utf8
    assert read_bytes(text.encode("utf-16")).text == as_utf8


def test_normalisation_of_ligatures_spaces_and_footnote_marks():
    raw = "OFFICER DECISION RECORD \u2071\r\nThe \ufb01nal\u00a0o\ufb00er\u200b is con\u00adfirmed  \n"
    assert normalise_text(raw) == "OFFICER DECISION RECORD\nThe final offer is confirmed\n"


def test_document_offsets_and_pages():
    doc = Document.from_pages(["first page\nline two", "second page"], format="text", reader="t")
    assert doc.page_count == 2
    line = doc.lines[2]
    assert (line.text, line.page) == ("second page", 2)
    assert doc.text[line.start : line.end] == "second page"


def test_running_headers_and_page_numbers_are_dropped():
    pages = [
        "Body one\nmore body\nForm C v2 1",
        "Form C v2 2\nBody two\n2",
        "Form C v2 3\nBody three",
    ]
    cleaned = strip_page_furniture(pages)
    assert cleaned == ["Body one\nmore body", "Body two", "Body three"]


def test_empty_and_whitespace_input_is_an_empty_error():
    for data in (b"", b"   \n\t "):
        with pytest.raises(ExtractionFailure) as raised:
            read_bytes(data)
        assert raised.value.kind == ErrorKind.empty

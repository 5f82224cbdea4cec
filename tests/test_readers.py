import ast
import random
from pathlib import Path

import pytest

from extractor.document import normalise_text, page_furniture
from extractor.errors import ExtractionFailure
from extractor.pipeline import Extractor
from extractor.readers import READERS, read_bytes, sniff
from extractor.readers.text import text_document
from models import ErrorKind, SourceFormat

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


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


@pytest.mark.parametrize(("raw", "normalised"), [
    ("Decision  Maker:\tJane Smith", "Decision Maker:\tJane Smith"),  # a doubled space, a tab kept
    ("Date:\x0c 3 May 2024\x1e", "Date: 3 May 2024"),  # ASCII's odd whitespace, and at a line's end
    ("Ref:\x00 DD12 \r\nSubject: Roads\t\r", "Ref: DD12\nSubject: Roads\n"),  # NUL, CRLF, trailing space and tab
    ("Subject: Roads\nDecision: approve", "Subject: Roads\nDecision: approve"),  # plain ASCII as it is
    ("Cost: \u00a35,000 \u00a0\u2003 in total \n", "Cost: \u00a35,000 in total\n"),  # a mixed run of spaces
])
def test_normalisation_of_plain_and_odd_whitespace(raw, normalised):
    assert normalise_text(raw) == normalised


def test_document_offsets_and_pages():
    doc = text_document("first page\nline two\fsecond page", reader="t")
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
    assert page_furniture([page.split("\n") for page in pages]) == [{2}, {0, 2}, {0}]
    assert text_document("\f".join(pages), reader="t").text == "Body one\nmore body\nBody two\nBody three"


def test_the_first_pages_running_header_is_kept_once():
    bodies = ["Subject: Bins", "Reasons: cost of the round", "Signed: J Holt"]
    pages = [f"Decision made on 3 May 2024\nWyvern DC\n{body}\nPage {n}" for n, body in enumerate(bodies, 1)]
    assert page_furniture([page.split("\n") for page in pages]) == [{3}, {0, 1, 3}, {0, 1, 3}]
    text = text_document("\f".join(pages), reader="t").text
    assert text == "\n".join(["Decision made on 3 May 2024", "Wyvern DC", *bodies])


@pytest.mark.parametrize("footer", ["Page 1 of 1   OFFICIAL", "Page 1", "1 of 1", "- Page 1 -", "OFFICIAL - Page 1 of 1"])
def test_a_one_page_documents_page_number_is_dropped(footer):
    page = f"Decision notice\nSubject: Bins\nConsultation:\nWard members were consulted.\n{footer}"
    assert page_furniture([page.split("\n")]) == [{4}]
    assert footer not in text_document(page, reader="t").text


@pytest.mark.parametrize("line", ["See page 4 of the report", "See page 4 of the report for the options considered",
                                  "Reasons: 2 of 5 bids failed"])
def test_a_one_page_documents_text_that_mentions_a_page_is_kept(line):
    page = f"Decision notice\nSubject: Bins\n{line}"
    assert page_furniture([page.split("\n")]) == [set()]


def test_empty_and_whitespace_input_is_an_empty_error():
    for data in (b"", b"   \n\t "):
        with pytest.raises(ExtractionFailure) as raised:
            read_bytes(data)
        assert raised.value.kind == ErrorKind.empty


# ------------------------------------------------------------------------------------------------
# the reader contract and registry


def test_every_format_has_one_reader_and_each_claims_its_own_sample():
    assert sorted(reader.format.value for reader in READERS) == sorted(f.value for f in SourceFormat)
    samples = {
        SourceFormat.pdf: SAMPLES / "hartwell-officer-decision.pdf",
        SourceFormat.docx: SAMPLES / "word-wrensford-officer-decision.docx",
        SourceFormat.html: SAMPLES / "moderngov-cranmere-decision-details.html",
        SourceFormat.text: SAMPLES / "hartwell-officer-decision.txt",
    }
    for fmt, path in samples.items():
        data = path.read_bytes()
        assert sniff(data) == fmt
        assert read_bytes(data).format == fmt


def test_no_reader_loads_a_profile():
    """Readers learn about labels only through ReadOptions.labels (the run's profile)."""
    for path in (ROOT / "extractor" / "readers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "profile" not in (node.module or ""), f"{path.name} imports {node.module}"


# ------------------------------------------------------------------------------------------------
# one decoder for text and HTML: what it knows first, then what it guesses, with a warning

RECORD = "Decision Maker: Jane Holt, Head of Parks\nSubject: Café kiosk at Mill Lane – £5,000\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text_and_says_it_guessed(codec):
    document = read_bytes(RECORD.encode(codec))
    assert document.format == SourceFormat.text and document.text == RECORD
    assert document.reader == f"text/{codec}"
    assert [w for w in document.warnings if codec in w and "guessed" in w]


@pytest.mark.parametrize(
    "text, codec",
    [
        ("决定记录：海德镇议会\n决定人：李明，道路部主任\n日期：2024年3月5日\n理由：为了改善交通安全，批准道路维修合同。\n", "gb18030"),
        ("決定記録：ハートウェル市議会\n決定者：山田太郎、道路部長\n日付：2024年3月5日\n理由：交通安全を改善するため、道路補修契約を承認する。\n", "shift_jis"),
        ("Решение: утвердить контракт на ремонт дорог.\nПричины: безопасность движения.\n", "cp1251"),
    ],
    ids=["gb18030", "shift-jis", "cp1251"],
)
def test_other_encodings_are_detected_not_garbled_and_say_so(text, codec):
    document = read_bytes(text.encode(codec))
    assert document.text == text.replace("：", ":").replace("，", ",")  # NFKC folds full-width punctuation
    assert len(document.warnings) == 1 and "detected" in document.warnings[0]


def test_windows_1252_is_preferred_among_latin_code_pages_with_a_warning():
    document = read_bytes(RECORD.encode("cp1252"))
    assert document.text == RECORD and document.reader == "text/cp1252"
    assert document.warnings == ["not UTF-8: decoded as cp1252 (detected)"]
    assert read_bytes(RECORD.encode("utf-8")).warnings == []  # known, not guessed: no warning


def test_html_decoded_by_its_declaration_or_else_detected_with_a_warning():
    body = "<p>理由：为了改善交通安全，批准道路维修合同。海德镇议会决定人李明。</p>"
    declared = f'<html><head><meta charset="gb18030"></head><body>{body}</body></html>'.encode("gb18030")
    undeclared = f"<html><body>{body}</body></html>".encode("gb18030")
    wrong = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode("gb18030")
    expected = "理由:为了改善交通安全,批准道路维修合同。海德镇议会决定人李明。"
    assert (read_bytes(declared).text, read_bytes(declared).warnings) == (expected, [])
    assert read_bytes(undeclared).text == expected and "detected" in read_bytes(undeclared).warnings[0]
    [warning] = read_bytes(wrong).warnings
    assert read_bytes(wrong).text == expected and warning.startswith("the declared charset utf-8 does not fit")


def test_a_guessed_encoding_is_a_warning_on_the_record():
    record = Extractor.create(model="blank").extract_bytes(RECORD.encode("utf-16-le"))
    assert record.subject == "Café kiosk at Mill Lane – £5,000"
    assert any("utf-16-le" in warning for warning in record.warnings)


def test_binary_that_is_not_utf16_stays_unsupported():
    noise = random.Random(7).randbytes(4096)
    shorts = b"".join(n.to_bytes(2, "little") for n in range(1, 30)) * 50  # little-endian numbers, not text
    for data in (noise, shorts):
        with pytest.raises(ExtractionFailure) as raised:
            read_bytes(data)
        assert raised.value.kind == ErrorKind.unsupported_format


# ------------------------------------------------------------------------------------------------
# text with form feeds is paginated like a PDF


def test_form_feeds_make_pages_and_running_headers_are_dropped():
    bodies = ["Subject: Bins", "Reasons: cost of the round", "Signed: J Holt"]
    header = "Hartwell County Council - Officer Decision Record"
    pages = [f"{header}\n{body}\nPage {n} of 3" for n, body in enumerate(bodies, 1)]
    document = read_bytes("\f".join(pages).encode() + b"\f")
    assert document.page_count == 3
    assert document.text.split("\n") == [header, *bodies]  # the header once, above the first page's text
    assert [line.page for line in document.lines] == [1, 1, 2, 3]
    text = Extractor.create(model="blank").extract_text("Subject: Bins\fReasons: cost")
    assert text.source.pages == 2

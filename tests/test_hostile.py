"""Hostile and broken input: every file ends as a record or one clean error line, never a traceback.

A gallery of generated bad inputs runs through the library (Extractor.extract_file) and the CLI
(`odr extract`: exit 1, exactly one stderr line, no traceback), then the limits (bytes, pages,
inflated bytes, time), OCR (skipped without tesseract), property-based tests and atomic output.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfbuild import (
    FONT,
    TEXT,
    ascii85,
    asciihex,
    lzw_run,
    packed_pdf,
    page_pdf,
    raw_pdf,
    runlength,
    runlength_run,
    stream,
    zlib_run,
)

from extractor.cli import cli
from extractor.errors import ExtractionFailure
from extractor.limits import TimeLimitExceeded, check_pdf_streams, check_zip, remaining, time_limit
from extractor.output import atomic_writer
from extractor.pipeline import Extractor
from extractor.readers import ReadOptions, ocr, read_file
from extractor.workers import Limits
from models import DecisionRecord, ErrorKind, printable_path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
RECORD_TEXT = """Officer Decision Record

Reference: B075/22

Subject: Closure of Mill Lane car park

Decision Maker: Jane Smith, Head of Highways

Decision: To close Mill Lane car park for resurfacing.

Date of decision: 01/03/2024
"""
RECORD = "record"  # the expectation for a file that must read


# --------------------------------------------------------------------------------------------------
# generated inputs


def text_pdf(text: str = RECORD_TEXT, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for line in text.splitlines():
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted_pdf(password: str = "s3cret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.encrypt(password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _font(size: int):
    from PIL import ImageFont

    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def image_only_pdf(lines=("Officer Decision Record", "Subject: Closure of Mill Lane", "Decision Maker: Jane Smith")) -> bytes:
    """A 'scan': the text drawn into a bitmap, the bitmap the only thing on the page."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    font = _font(40)
    for index, line in enumerate(lines):
        draw.text((120, 150 + 90 * index), line, fill=0, font=font)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=210)
    return bytes(pdf.output())


def docx_bytes(text: str = RECORD_TEXT) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb(inflated: int) -> bytes:
    """A .docx whose word/document.xml inflates to `inflated` bytes (of spaces)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * MB
            for _ in range(inflated // MB):
                member.write(chunk)
    return out.getvalue()


def pdf_bomb(inflated: int) -> bytes:
    """One page whose FlateDecode content stream is a line of text then `inflated` bytes of spaces."""
    return page_pdf([stream(zlib_run(inflated, TEXT))])


def deeply_nested_pdf(depth: int = 100_000) -> bytes:
    """A catalog entry nested `depth` arrays deep: pdfium's parser stops at its depth limit."""
    return page_pdf([stream(zlib.compress(TEXT))], extra_catalog=b"/Deep " + b"[" * depth + b"]" * depth)


def bomb_pdf(payload: Callable[[int], bytes], filters: bytes, *, keyword: bytes = b"stream\n",
             inflated: int = 20 * MB, times: int = 1) -> Callable[[], bytes]:
    """A page whose content stream, encoded by `payload(inflated)` and decoded by `filters`, inflates to
    `inflated` bytes; /Contents lists it `times` times."""

    def make() -> bytes:
        contents = b"[" + b" 5 0 R" * times + b"]" if times > 1 else None
        return page_pdf([stream(payload(inflated), filters, keyword)], contents=contents)

    return make


def object_stream_bomb() -> bytes:
    """The page dictionary packed in an object stream, listing a 2 MB stream ten times."""
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [" + b"5 0 R " * 10
            + b"] /Resources << /Font << /F1 4 0 R >> >> >>")
    return packed_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        None,
        FONT,
        stream(zlib_run(2 * MB, TEXT)),
    ], {3: page})


def page_tree_loop_pdf() -> bytes:
    """A page tree whose only kid is a Pages node listing its own parent: a cycle, not a page."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ])


def _flate_run(inflated: int) -> bytes:
    return zlib_run(inflated, TEXT)


# What the first decompression check let through (issue 11); each inflates to 20 MB unless it says.
PDF_BOMBS = {
    "LZW": bomb_pdf(lambda n: lzw_run(n, TEXT), b"/Filter /LZWDecode"),
    "ASCIIHex then Flate": bomb_pdf(lambda n: asciihex(_flate_run(n)), b"/Filter [/ASCIIHexDecode /FlateDecode]"),
    "ASCII85 then Flate": bomb_pdf(lambda n: ascii85(_flate_run(n)), b"/Filter [/A85 /Fl]"),
    "Flate twice": bomb_pdf(lambda n: zlib.compress(_flate_run(n), 9), b"/Filter [/FlateDecode /FlateDecode]"),
    "RunLength": bomb_pdf(lambda n: runlength(TEXT)[:-1] + runlength_run(n), b"/Filter /RunLengthDecode"),
    "a #-escaped filter name": bomb_pdf(_flate_run, b"/Filter /Fl#61teDecode"),
    "'stream' then CR": bomb_pdf(_flate_run, b"/Filter /FlateDecode", keyword=b"stream\r"),
    "'stream', a space, LF": bomb_pdf(_flate_run, b"/Filter /FlateDecode", keyword=b"stream \n"),
    "/Subtype /Image inside a string": bomb_pdf(_flate_run, b"/Filter /FlateDecode /Note (not a /Subtype /Image)"),
    "an 'image' listed as contents": bomb_pdf(_flate_run, b"/Filter /FlateDecode /Subtype /Image"),
    "2 MB listed 10 times": bomb_pdf(_flate_run, b"/Filter /FlateDecode", inflated=2 * MB, times=10),
    "page in an object stream": object_stream_bomb,
}


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    return out.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]><html><body><p>Subject: Closure of Mill Lane &lol9;</p><p>Decision: To close it.</p></body></html>"
)


# --------------------------------------------------------------------------------------------------
# the gallery


@dataclass
class Item:
    name: str
    make: Callable[[Path], Path]  # builds the input under a folder, returns its path
    expected: ErrorKind | str
    args: tuple[str, ...] = ()  # CLI options; the library gets the same through `options`
    options: dict = field(default_factory=dict)
    message: str | None = None  # a fragment the error line must hold
    check: Callable[[DecisionRecord], None] | None = None
    # Read in a worker process with these limits, through the library as through the CLI (one that
    # takes a process down, such as pdfium out of memory, must not take the test run with it).
    limits: Limits | None = None


def _file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return make


def _latin1_name(name: bytes, data: bytes) -> Callable[[Path], Path]:
    """A file whose name is not UTF-8 (Python keeps it with surrogate escapes)."""

    def make(folder: Path) -> Path:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.write_bytes(data)
        return path

    return make


def _printed_name(record: DecisionRecord) -> None:
    assert record.source.path.endswith("caf\\xe9 d\\xe9cision.txt")


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def _listed_bomb(folder: Path) -> Path:
    """A 16 MB stream listed 64 times: pdfium joins a gigabyte, past --max-memory 256 (the decompression
    check allows it: --max-bytes 1000 lets 10 GB inflate)."""
    path = folder / "joined.pdf"
    path.write_bytes(page_pdf([stream(zlib_run(16 * MB, TEXT))], contents=b"[" + b"5 0 R " * 64 + b"]"))
    return path


def _big_text(folder: Path) -> Path:
    path = folder / "fifty megabytes.txt"
    line = b"Subject: a line of an enormous text file, repeated to fifty megabytes\n"
    with open(path, "wb") as handle:
        block = line * (MB // len(line))
        while handle.tell() < 50 * MB:
            handle.write(block)
    return path


def _directory(folder: Path) -> Path:
    path = folder / "a folder.pdf"
    path.mkdir()
    return path


def _format(fmt: str) -> Callable[[DecisionRecord], None]:
    def check(record: DecisionRecord) -> None:
        assert record.source.format == fmt
        assert record.subject and "Mill Lane" in record.subject

    return check


def _reader(name: str) -> Callable[[DecisionRecord], None]:
    def check(record: DecisionRecord) -> None:
        assert record.source.reader == name

    return check


def _no_lol_expansion(record: DecisionRecord) -> None:
    assert "lollol" not in (record.subject or "")


GALLERY = [
    Item("empty file", _file("empty.pdf", b""), ErrorKind.empty),
    Item("whitespace only", _file("blank.txt", b" \n\t \r\n  \n"), ErrorKind.empty, message="whitespace"),
    Item("truncated PDF", _file("half.pdf", lambda: text_pdf()[: len(text_pdf()) // 2]), ErrorKind.corrupt),
    Item("random bytes", _file("noise.pdf", random.Random(5).randbytes(8192)), ErrorKind.unsupported_format),
    Item("encrypted PDF, no password", _file("locked.pdf", encrypted_pdf), ErrorKind.encrypted, message="--password"),
    Item("encrypted PDF, wrong password", _file("locked.pdf", encrypted_pdf), ErrorKind.encrypted,
         args=("--password", "guess"), options={"password": "guess"}, message="wrong"),
    Item("encrypted PDF, right password", _file("locked.pdf", encrypted_pdf), RECORD,
         args=("--password", "s3cret"), options={"password": "s3cret"}, check=_format("pdf")),
    Item("image-only PDF", _file("scan.pdf", image_only_pdf), ErrorKind.no_text_layer, message="--ocr"),
    Item("HTML under a .pdf name", _file("page.pdf", RECORD_TEXT.replace("\n\n", "</p><p>").join(
        ["<!DOCTYPE html><html><body><p>", "</p></body></html>"]).encode()), RECORD, check=_format("html")),
    Item("DOCX under a .pdf name", _file("word.pdf", docx_bytes), RECORD, check=_format("docx")),
    Item("invalid UTF-8 (cp1252)", _file("cp1252.txt", RECORD_TEXT.replace("car park", "café – £5").encode("cp1252")),
         RECORD, check=_reader("text/cp1252")),
    Item("NUL bytes in text", _file("nul.txt", RECORD_TEXT.replace("Mill", "Mi\x00ll", 1).encode()), RECORD),
    Item("50 MB text file", _big_text, ErrorKind.too_large, message="26,214,400-byte limit"),
    Item("a directory", _directory, ErrorKind.unsupported_format, message="directory"),
    Item("a missing path", lambda folder: folder / "no such file.pdf", ErrorKind.not_found),
    Item("a FIFO", _fifo, ErrorKind.unsupported_format),
    Item("a newline in the file name", _file("two\nlines.txt", b"\n\n"), ErrorKind.empty),
    Item("a file name that is not UTF-8", _latin1_name(b"caf\xe9 d\xe9cision.txt", (RECORD_TEXT + "Ref: L1\n").encode()), RECORD,
         check=_printed_name),
    Item("an empty file whose name is not UTF-8", _latin1_name(b"vide \xe9.txt", b" \n \n"), ErrorKind.empty),
    Item("path with spaces and unicode", _file("décision – Mill Lane ñ 2024 (final).txt", RECORD_TEXT.encode()),
         RECORD, check=_format("text")),
    Item("ZIP that is not a .docx", _file("archive.docx", plain_zip), ErrorKind.unsupported_format, message="ZIP"),
    Item("PNG image", _file("scan.png.pdf", png_bytes), ErrorKind.unsupported_format, message="PNG"),
    Item("legacy .doc", _file("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), ErrorKind.unsupported_format),
    Item("PDF decompression bomb", _file("bomb.pdf", lambda: pdf_bomb(20 * MB)), ErrorKind.too_large,
         args=("--max-bytes", "1"), options={"max_bytes": MB}, message="decompression bomb"),
    *(Item(f"PDF bomb: {name}", _file("bomb.pdf", make), ErrorKind.too_large, args=("--max-bytes", "1"),
           options={"max_bytes": MB}, message="decompression bomb") for name, make in PDF_BOMBS.items()),
    Item("PDF bomb: 200 MB listed 10 times", _file("bomb.pdf", bomb_pdf(_flate_run, b"/Filter /FlateDecode",
         inflated=200 * MB, times=10)), ErrorKind.too_large, message="decompression bomb"),
    Item("pdfium out of memory", _listed_bomb, ErrorKind.too_large, args=("--max-bytes", "1000", "--max-memory", "256"),
         options={"max_bytes": 1000 * MB}, limits=Limits(timeout=60, max_memory=256 * MB),
         message="killed for memory (died with signal 6 (SIGABRT)"),
    Item("DOCX decompression bomb", _file("bomb.docx", lambda: docx_bomb(20 * MB)), ErrorKind.too_large,
         args=("--max-bytes", "1"), options={"max_bytes": MB}, message="decompression bomb"),
    Item("deeply nested PDF objects", _file("deep.pdf", deeply_nested_pdf), RECORD, check=_format("pdf")),
    Item("PDF page tree loop", _file("loop.pdf", page_tree_loop_pdf), ErrorKind.corrupt),
    Item("too many pages", _file("long.pdf", lambda: text_pdf(pages=3)), ErrorKind.too_large,
         args=("--max-pages", "2"), options={"max_pages": 2}, message="2-page limit"),
    Item("deeply nested HTML", _file("deep.html", ("<html><body>" + "<div>" * 100_000 + RECORD_TEXT.replace(
        "\n\n", "<br>") + "</div>" * 100_000 + "</body></html>").encode()), RECORD, check=_format("html")),
    Item("XML entity bomb", _file("lol.html", BILLION_LAUGHS.encode()), RECORD, check=_no_lol_expansion),
]
IDS = [item.name for item in GALLERY]


def _shown(path) -> str:
    """A path as an error line prints it: control characters escaped, bytes that are not UTF-8 as \\xNN."""
    return printable_path(str(path)).replace("\n", "\\n")


def _options(item: Item) -> ReadOptions:
    return ReadOptions(**item.options)


@pytest.mark.parametrize("item", GALLERY, ids=IDS)
def test_gallery_through_the_library(item, tmp_path, extractor):
    path = item.make(tmp_path)
    worker = Extractor(extractor.profiles, extractor.nlp, _options(item))
    if item.expected == RECORD:
        record = worker.extract_file(path)
        DecisionRecord.model_validate(record.model_dump())
        if item.check:
            item.check(record)
        return
    if item.limits is not None:
        [(_, failure)] = list(worker.extract_many([path], limits=item.limits))
        assert isinstance(failure, ExtractionFailure)
    else:
        with pytest.raises(ExtractionFailure) as raised:
            worker.extract_file(path)
        failure = raised.value
    assert failure.kind == item.expected, failure.one_line()
    line = failure.one_line()
    assert line.startswith(f"{_shown(path)}: {item.expected.value}: ") and "\n" not in line
    if item.message:
        assert item.message in line
    error = failure.to_error()
    assert error.kind == item.expected and error.path == printable_path(str(path))


@pytest.mark.parametrize("item", GALLERY, ids=IDS)
def test_gallery_through_the_cli(item, tmp_path):
    path = item.make(tmp_path)
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", *item.args, str(path)], catch_exceptions=False)
    if item.expected == RECORD:
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        record = DecisionRecord.model_validate(json.loads(result.stdout))
        if item.check:
            item.check(record)
        return
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"odr: {_shown(path)}: {item.expected.value}: ")
    assert "Traceback" not in result.stderr
    if item.message:
        assert item.message in lines[0]


def test_the_whole_gallery_in_one_real_process(tmp_path):
    """The installed entry point, not CliRunner: real stderr, every bad file one line, no traceback."""
    plain = [item for item in GALLERY if not item.args]
    paths = []
    for index, item in enumerate(plain):
        folder = tmp_path / str(index)
        folder.mkdir()
        paths.append(str(item.make(folder)))
    run = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "extract", "--model", "blank", *paths],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    bad = [item for item in plain if item.expected != RECORD]
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = run.stderr.splitlines()
    assert len(errors) == len(bad)
    for line, item in zip(errors, bad, strict=False):
        assert f": {item.expected.value}: " in line
    assert len(run.stdout.splitlines()) == len(plain) - len(bad)


def test_a_batch_over_the_gallery_accounts_for_every_input(tmp_path):
    from extractor.batch import ExtractorSpec, run_batch

    # a folder given to odr batch is walked for files (an empty one adds none), so it is left out
    plain = [item for item in GALLERY if not item.args and item.make is not _directory]
    paths = []
    for index, item in enumerate(plain):
        folder = tmp_path / "in" / str(index)
        folder.mkdir(parents=True)
        paths.append(item.make(folder))
    paths.append(tmp_path / "in" / "0" / "good.txt")
    paths[-1].write_text(RECORD_TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch(paths, out, factory=ExtractorSpec((), "blank", ReadOptions()), workers=2,
                        limits=Limits(timeout=120), progress=False)
    entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [e["error"] for e in entries if "error" in e]
    duplicates = [e["duplicate"] for e in entries if "duplicate" in e]
    records = [e["source"] for e in entries if "source" in e]
    assert summary.inputs == len(paths)
    assert summary.ok + summary.failed + summary.duplicates == len(paths)
    # every input has its entry in OUT: a record, an error or a duplicate (same bytes as another input)
    assert len(records) + len(errors) + len(duplicates) == len(entries) == len(paths)
    assert sorted(e["path"] for e in records + errors + duplicates) == sorted(printable_path(str(p)) for p in paths)
    assert len(duplicates) == 1  # good.txt has the bytes of the unicode-named record
    assert len(errors) + sum(1 for d in duplicates if d["same_as"] in {e["path"] for e in errors}) == \
        sum(1 for item in plain if item.expected != RECORD)


# --------------------------------------------------------------------------------------------------
# passwords, size and time limits


def test_right_password_reads_and_wrong_one_says_so(tmp_path, extractor):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf("s3cret"))
    good = CliRunner().invoke(cli, ["extract", "--model", "blank", "--password", "s3cret", str(path)])
    assert good.exit_code == 0 and json.loads(good.stdout)["reference"] == "B075/22"
    bad = CliRunner().invoke(cli, ["extract", "--model", "blank", "--password", "guess", str(path)])
    assert bad.exit_code == 1 and "encrypted: the password given is wrong" in bad.stderr


def test_fifty_megabytes_read_once_the_limit_allows(tmp_path):
    path = _big_text(tmp_path)
    with pytest.raises(ExtractionFailure) as raised:
        read_file(path)
    assert raised.value.kind == ErrorKind.too_large
    document = read_file(path, options=ReadOptions(max_bytes=100 * MB))
    assert document.format == "text" and len(document.text) >= 50 * MB - 100
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", str(path)])
    assert result.exit_code == 1 and "too_large" in result.stderr and "--max-bytes" in result.stderr


def test_inflation_limits_allow_ordinary_files_and_stop_bombs():
    ordinary = text_pdf(pages=5)
    assert 0 < check_pdf_streams(ordinary, 10 * MB) <= 10 * MB  # at most what pdfium will decode
    for sample in sorted((ROOT / "samples").glob("*.pdf")):
        check_pdf_streams(sample.read_bytes(), 250 * MB)
    with pytest.raises(ExtractionFailure) as raised:
        check_pdf_streams(pdf_bomb(12 * MB), 10 * MB)
    assert raised.value.kind == ErrorKind.too_large
    check_zip(docx_bytes(), 10 * MB)
    with pytest.raises(ExtractionFailure) as raised:
        check_zip(docx_bomb(12 * MB), 10 * MB)
    assert raised.value.kind == ErrorKind.too_large


def test_a_bomb_under_the_default_limit_reads(tmp_path, extractor):
    """Inflating to 5 MB is no bomb under the default 250 MB: the text is read."""
    record = extractor.extract_bytes(pdf_bomb(5 * MB), path="big-stream.pdf")
    assert record.subject == "Closure of Mill Lane car park"


def test_time_limit_turns_a_slow_file_into_a_timeout(tmp_path, monkeypatch):
    path = tmp_path / "slow.txt"
    path.write_text(RECORD_TEXT, encoding="utf-8")

    def slow(self, path):
        while True:  # pure Python: SIGALRM interrupts it
            time.sleep(0.01)

    monkeypatch.setattr(Extractor, "extract_file", slow)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", "--timeout", "0.5", str(path)],
                                catch_exceptions=False)
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"odr: {path}: timeout: stopped at the 0.5 s time limit (raise --timeout if the file is genuine)"
    ]


@pytest.mark.parametrize("blank", ["\n", " \n", "\t \n"], ids=["empty", "space", "tab and space"])
def test_a_hundred_thousand_blank_lines_are_read_in_linear_time(extractor, blank):
    """Multiline patterns that let \\s* run across blank lines rescan the rest of the run from every
    line: 80,000 blank lines took 31 s. Read within a time limit a quadratic scan would need minutes for."""
    text = ("Officer Decision Record\n\nSubject: Closure of Mill Lane car park\n" + blank * 100_000
            + "I, Jane Smith, Head of Highways, have decided to close the car park.\n\n"
            + blank * 100_000 + "For publication\n")
    with time_limit(20):
        record = extractor.extract_text(text)
    assert record.decision_maker.name == "Jane Smith" and record.decision_maker.title == "Head of Highways"
    assert record.exempt_information.exempt is False
    assert record.evidence["decision_maker"].method == "pattern"


def test_time_limit_is_not_swallowed_by_broad_handlers():
    with pytest.raises(ExtractionFailure) as raised, time_limit(0.2):
        assert 0 < remaining() <= 0.2
        try:
            while True:
                time.sleep(0.01)
        except Exception:  # what a careless library does
            pytest.fail("the time limit was caught as an Exception")
    assert raised.value.kind == ErrorKind.timeout
    assert remaining() is None
    assert issubclass(TimeLimitExceeded, BaseException) and not issubclass(TimeLimitExceeded, Exception)
    with time_limit(0):  # no limit
        time.sleep(0.01)


def test_a_file_held_in_native_code_is_killed_at_its_time_limit_and_the_next_one_read(tmp_path, monkeypatch):
    """SIGALRM blocked stands in for native code (pdfium, a long regex) that never returns to Python:
    the main process kills the worker and a new one reads the next file."""
    stuck, good = tmp_path / "stuck.txt", tmp_path / "good.txt"
    stuck.write_text(RECORD_TEXT + "STUCK\n", encoding="utf-8")
    good.write_text(RECORD_TEXT, encoding="utf-8")
    extract_file = Extractor.extract_file

    def held(self, path):
        if "stuck" in str(path):
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(600)
        return extract_file(self, path)

    monkeypatch.setattr(Extractor, "extract_file", held)
    # 2 s, not less: the good file's worker must start and read it within the limit on a loaded machine
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", "--timeout", "2", str(stuck), str(good)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"odr: {stuck}: timeout: killed at the 2 s time limit (raise --timeout if the file is genuine)"
    ]
    assert json.loads(result.stdout)["reference"] == "B075/22"


# --------------------------------------------------------------------------------------------------
# OCR


def test_ocr_reads_an_image_only_pdf(tmp_path):
    if not ocr.available():
        pytest.skip("tesseract-ocr or pytesseract not installed (apt-get install tesseract-ocr && pip install 'odr[ocr]')")
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", "--ocr", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["source"]["reader"] == "tesseract"
    assert record["subject"] == "Closure of Mill Lane"
    assert record["decision_maker"]["name"] == "Jane Smith"


def test_ocr_without_tesseract_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pytesseract", None)  # import fails as if not installed
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", "--ocr", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "no_text_layer" in line and "apt-get install tesseract-ocr && pip install 'odr[ocr]'" in line


def test_ocr_render_scale_is_capped_for_giant_pages():
    assert ocr.render_scale(595, 842) == pytest.approx(300 / 72)
    scale = ocr.render_scale(14400, 14400)  # the largest page PDF allows: 5 m square
    assert (14400 * scale) ** 2 <= ocr._MAX_PIXELS * 1.001


# --------------------------------------------------------------------------------------------------
# debug


def test_debug_shows_the_traceback_and_plain_run_does_not(tmp_path):
    path = tmp_path / "loop.pdf"
    path.write_bytes(page_tree_loop_pdf())
    plain = CliRunner().invoke(cli, ["extract", "--model", "blank", str(path)])
    assert "Traceback" not in plain.stderr and len(plain.stderr.splitlines()) == 1
    debug = CliRunner().invoke(cli, ["--debug", "extract", "--model", "blank", str(path)])
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1].startswith(f"odr: {path}: corrupt: ")


def test_a_bug_in_a_reader_is_an_internal_error_not_a_traceback(tmp_path, monkeypatch):
    from extractor.readers import text

    def broken(data, options):
        raise KeyError("boom")

    monkeypatch.setattr(text, "read", broken)
    path = tmp_path / "fine.txt"
    path.write_text(RECORD_TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"odr: {path}: internal: KeyError") and "--debug" in line


# --------------------------------------------------------------------------------------------------
# property-based: anything in, a record or a clean failure out

LABELS = ["Reference:", "Subject:", "Decision Maker:", "Decision:", "Date of decision:", "Key decision:",
          "Reasons for the decision", "Alternative options considered and rejected:", "Signed:",
          "Exempt information:", "Portfolio Holder:", "Contact officer:", "1.", "(a)", "-", "Yes", "No",
          "01/03/2024", "3 May 2024", "Cllr Jane Smith", "\f", "\t", "\u00a0", "\ufeff"]
_lines = st.lists(
    st.one_of(st.sampled_from(LABELS), st.text(max_size=40)).map(str),
    max_size=30,
).map(lambda parts: "\n".join(" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)))
_fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


def _record_or_clean_failure(call) -> None:
    try:
        record = call()
    except ExtractionFailure as failure:
        assert failure.kind != ErrorKind.internal, failure.one_line()
        assert "\n" not in failure.one_line()
        return
    DecisionRecord.model_validate(record.model_dump(mode="json"))


@_fast
@given(text=st.one_of(st.text(max_size=2000), _lines))
def test_any_text_gives_a_record_or_a_clean_failure(extractor, text):
    _record_or_clean_failure(lambda: extractor.extract_text(text))


_MAGIC = st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe",
                          b"<?xml version='1.0'?>", b"Subject: "])


@_fast
@given(head=_MAGIC, body=st.binary(max_size=4096))
def test_any_bytes_give_a_record_or_a_clean_failure(extractor, head, body):
    _record_or_clean_failure(lambda: extractor.extract_bytes(head + body, path="fuzz.bin"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000), flips=st.lists(st.integers(min_value=0), max_size=8))
def test_damaged_pdfs_give_a_record_or_a_clean_failure(extractor, cut, flips):
    data = bytearray(_PDF)
    for position in flips:
        data[position % len(data)] ^= 0xFF
    data = bytes(data[: max(1, len(data) - cut)])
    _record_or_clean_failure(lambda: extractor.extract_bytes(data, path="damaged.pdf"))


_PDF = text_pdf()


# --------------------------------------------------------------------------------------------------
# atomic output


def test_a_failure_mid_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write('{"half": ')
        raise RuntimeError("disk gone")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []

    target.write_text("old, complete\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write('{"half": ')
        raise RuntimeError("disk gone")
    assert target.read_text(encoding="utf-8") == "old, complete\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_killed_writer_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old, complete\n", encoding="utf-8")
    program = textwrap.dedent(f"""
        import sys, time
        from extractor.output import atomic_writer
        with atomic_writer({str(target)!r}) as handle:
            handle.write('{{"half": ')
            handle.flush()
            print("writing", flush=True)
            time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", program], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=20)
    assert target.read_text(encoding="utf-8") == "old, complete\n"


def test_cli_output_file_is_not_written_when_extraction_is_interrupted(tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text(RECORD_TEXT, encoding="utf-8")
    out = tmp_path / "records.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    import extractor.cli as cli_module

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "record_entry", crash)
    result = CliRunner().invoke(cli, ["extract", "--model", "blank", "-o", str(out), str(good), str(good)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous run\n"

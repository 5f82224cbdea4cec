"""Readers against hostile and odd input (issue 11): what is not a regular file, sizes that lie, lists
and numbering built to run for ever, thousands of styles, and a .docx whose body is an embedded part.

Speed is measured in benchmarks/ and the notes, never here: these tests check that each input
completes with the right result, at sizes that keep the suite fast."""

from __future__ import annotations

import io
import os
import quopri
import threading
import zipfile
from pathlib import Path

import pytest
from test_formats import W_NS, make_docx, para

from extractor.document import BlockKind
from extractor.errors import ExtractionFailure
from extractor.readers import ReadOptions, read_bytes, read_file
from models import ErrorKind

# ------------------------------------------------------------------------------------------------
# only regular files, and never more than --max-bytes of one


def _read_in_thread(path: Path | str, options: ReadOptions = ReadOptions()) -> ExtractionFailure | None:
    """read_file's failure, run where a blocking open or read cannot hang the test suite."""
    outcome: list[ExtractionFailure | None] = []

    def run() -> None:
        try:
            read_file(path, options=options)
            outcome.append(None)
        except ExtractionFailure as failure:
            outcome.append(failure)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), f"reading {path} blocked"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "decision.txt"
    os.mkfifo(fifo)
    failure = _read_in_thread(fifo)
    assert failure is not None and failure.kind == ErrorKind.unsupported_format
    assert "named pipe" in str(failure)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_before_a_byte_is_read():
    failure = _read_in_thread("/dev/zero")
    assert failure is not None and failure.kind == ErrorKind.unsupported_format
    assert "character device" in str(failure)


def test_a_file_larger_than_its_stated_size_stops_at_the_limit(tmp_path, monkeypatch):
    """A /proc file or a FUSE mount can state 0 bytes and hold gigabytes: the limit is on what is read."""
    path = tmp_path / "decision.txt"
    path.write_bytes(b"Subject: Mill Lane\n" * 100_000)  # 1.9 MB
    real_fstat = os.fstat

    def stating_zero(fd):
        status = real_fstat(fd)
        return os.stat_result((*status[:6], 0, *status[7:]))

    monkeypatch.setattr(os, "fstat", stating_zero)
    with pytest.raises(ExtractionFailure) as raised:
        read_file(path, options=ReadOptions(max_bytes=1_000_000))
    assert raised.value.kind == ErrorKind.too_large and "size said 0 bytes" in str(raised.value)
    assert "Mill Lane" in read_file(path, options=ReadOptions(max_bytes=2_000_000)).text  # within the limit it reads


def test_a_directory_and_a_missing_path_are_named(tmp_path):
    with pytest.raises(ExtractionFailure) as raised:
        read_file(tmp_path)
    assert raised.value.kind == ErrorKind.unsupported_format and "directory" in str(raised.value)
    with pytest.raises(ExtractionFailure) as raised:
        read_file(tmp_path / "missing.pdf")
    assert raised.value.kind == ErrorKind.not_found


# ------------------------------------------------------------------------------------------------
# HTML lists and .docx numbering that would run for ever


def test_a_long_ordered_list_is_numbered_in_one_pass():
    """Each item used to count its earlier siblings (20,000 items took minutes)."""
    items = "".join(f"<li>Option {n}</li>" for n in range(20_000))
    document = read_bytes(f"<html><body><ol start='5'>{items}</ol></body></html>".encode())
    lines = document.text.split("\n")
    assert (lines[0], lines[-1], len(lines)) == ("5. Option 0", "20004. Option 19999", 20_000)
    assert sum(b.kind == BlockKind.list_item for b in document.blocks) == 20_000


def _replaced(docx: bytes, name: str, content: str) -> bytes:
    """The .docx with one part's content replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return buffer.getvalue()


def _numbering(fmt: str, start: str) -> str:
    return (
        f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )


@pytest.mark.parametrize(
    "fmt, start, first",
    [("lowerRoman", str(10**30), f"{10**30}."), ("upperRoman", "3999", "MMMCMXCIX."), ("lowerLetter", str(10**30), None)],
    ids=["roman-10e30", "roman-largest", "letters-10e30"],
)
def test_a_forged_numbering_start_is_bounded(fmt, start, first):
    data = _replaced(make_docx(para("Do nothing.", num=(1, 0)) + para("Repair.", num=(1, 0))), "word/numbering.xml", _numbering(fmt, start))
    lines = read_bytes(data).text.split("\n")
    assert len(lines) == 2 and lines[0].endswith(" Do nothing.")
    if first:
        assert lines[0].split()[0] == first


def test_a_forged_list_level_does_not_size_the_counters():
    body = '<w:p><w:pPr><w:numPr><w:ilvl w:val="2000000000"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>Deep item</w:t></w:r></w:p>'
    document = read_bytes(make_docx(body))
    assert document.text.endswith("Deep item") and document.blocks[0].kind == BlockKind.list_item


def test_thousands_of_styles_are_indexed_once():
    count = 5_000
    styles = f'<w:styles xmlns:w="{W_NS}">' + "".join(
        f'<w:style w:type="paragraph" w:styleId="S{n}"><w:name w:val="Style {n}"/><w:basedOn w:val="S{n + 1}"/></w:style>'
        for n in range(count)
    ) + '<w:style w:type="paragraph" w:styleId="Bulleted"><w:name w:val="List Bullet"/></w:style></w:styles>'
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="S{n}"/></w:pPr><w:r><w:t>Paragraph {n}</w:t></w:r></w:p>' for n in range(count))
    body += '<w:p><w:pPr><w:pStyle w:val="Bulleted"/></w:pPr><w:r><w:t>An option</w:t></w:r></w:p>'
    document = read_bytes(make_docx(body, extra={"word/styles.xml": styles}))
    assert document.text.split("\n")[-1] == "- An option"
    assert sum(1 for b in document.blocks if b.kind == BlockKind.paragraph) == count


# ------------------------------------------------------------------------------------------------
# a .docx whose body is an embedded part (w:altChunk)

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PAGE = (
    "<html><head><meta charset='utf-8'></head><body><h2>Record of decision</h2>"
    "<table><tr><th>Decision maker</th><td>Priya Okafor, Head of Waste</td></tr>"
    "<tr><th>Date of decision</th><td>4 June 2024</td></tr></table>"
    "<p>Decision: to buy two electric refuse vehicles for the Brackley round.</p></body></html>"
)


def _alt_chunk_docx(part: str, data: bytes, before: str = "") -> bytes:
    buffer_body = f'{before}<w:altChunk xmlns:r="{R_NS}" r:id="chunk1"/>'
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="chunk1" Type="{R_NS}/aFChunk" Target="{part}"/></Relationships>'
    )
    return make_docx(buffer_body, extra={"word/_rels/document.xml.rels": rels, f"word/{part}": data})


def test_an_html_alt_chunk_is_read_by_the_html_reader(extractor):
    data = _alt_chunk_docx("afchunk.htm", PAGE.encode("utf-8"), before=para("Brackley District Council"))
    document = read_bytes(data)
    assert document.format == "docx" and document.text.split("\n")[0] == "Brackley District Council"
    fields = [(document.label_of(b), document.value_of(b)) for b in document.blocks if b.kind == BlockKind.field]
    assert ("Decision maker", "Priya Okafor, Head of Waste") in fields
    record = extractor.extract_bytes(data)
    assert (record.decision_maker.name, str(record.decision_date)) == ("Priya Okafor", "2024-06-04")


def test_an_mhtml_alt_chunk_is_read_through_its_html_page():
    html = PAGE.replace("Priya", "Priyа").encode("utf-8")  # a Cyrillic "а": non-ASCII survives quoted-printable
    mhtml = (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"part\"\r\n\r\n--part\r\n"
        b"Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(html) + b"\r\n--part--\r\n"
    )
    document = read_bytes(_alt_chunk_docx("afchunk.mht", mhtml))
    assert "Decision maker: Priyа Okafor, Head of Waste" in document.text.split("\n")


def test_an_alt_chunk_odr_cannot_read_is_named():
    rtf = rb"{\rtf1\ansi Decision: to buy two vehicles.}"
    with pytest.raises(ExtractionFailure) as raised:
        read_bytes(_alt_chunk_docx("afchunk.rtf", rtf))
    assert raised.value.kind == ErrorKind.unsupported_format
    assert "altChunk" in str(raised.value) and "RTF" in str(raised.value)
    document = read_bytes(_alt_chunk_docx("afchunk.rtf", rtf, before=para("Decision: to buy two vehicles.")))
    assert document.warnings == ["an embedded part was not read (altChunk): word/afchunk.rtf (RTF file)"]

"""HTML and Word .docx: each reader gives the text the layout expects, and a record in either format
extracts with the same fields as the same record typed as plain text.

Reader speed on the bundled samples (200 repetitions, one core, reader only):
`.venv/bin/python -m tests.test_formats`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractor.errors import ExtractionFailure
from extractor.pipeline import Extractor
from extractor.readers import read_bytes, read_file, sniff
from extractor.readers.docx import MAX_PART_BYTES
from models import ErrorKind

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
UNCOMPARED = {"source", "evidence"}
PAIRS = sorted(
    path
    for ext in ("html", "docx")
    for path in SAMPLES.glob(f"*.{ext}")
    if path.with_suffix(".txt").exists()
)


def fields_of(extractor: Extractor, path: Path) -> dict:
    return extractor.extract_file(path).model_dump(mode="json", exclude=UNCOMPARED)


def test_there_are_html_and_docx_samples():
    assert {p.suffix for p in PAIRS} == {".html", ".docx"}


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_html_and_docx_give_the_same_fields_as_their_text(default_extractor, path):
    got = fields_of(default_extractor, path)
    text = fields_of(default_extractor, path.with_suffix(".txt"))
    mismatched = {k: {"text": text[k], path.suffix: got[k]} for k in text if text[k] != got[k]}
    assert not mismatched


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_sample_is_read_by_its_own_reader(default_extractor, path):
    source = default_extractor.extract_file(path).source
    assert source.format == path.suffix[1:]
    assert source.reader == ("lxml" if path.suffix == ".html" else "lxml-docx")


# ------------------------------------------------------------------------------------------------
# HTML
def html_text(markup: str | bytes) -> str:
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    return read_bytes(data).text


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Page title</title></head><body>{body}</body></html>"


def test_html_table_rows_become_label_value_lines():
    text = html_text(
        page(
            "<table>"
            "<tr><th>Decision Ref</th><td>CAB/24/117</td></tr>"
            "<tr><td><span class='mgLabel'>Decision Maker:</span></td><td>Cabinet</td></tr>"
            "<tr><td><strong>Key decision</strong></td><td>Yes</td></tr>"
            "<tr><td>Date of decision:</td><td>3 May 2024</td></tr>"
            "<tr><td>Meeting</td><td>Item</td><td>Outcome</td></tr>"
            "</table>"
        )
    )
    lines = text.split("\n")
    assert "Decision Ref: CAB/24/117" in lines
    assert "Decision Maker: Cabinet" in lines
    assert "Key decision: Yes" in lines
    assert "Date of decision: 3 May 2024" in lines
    assert "Meeting | Item | Outcome" in lines


def test_html_label_cell_with_a_long_value_becomes_a_heading_and_its_paragraphs():
    text = html_text(page("<table><tr><th>Decision</th><td><p>First.</p><p>Second.</p></td></tr></table>"))
    assert text.split("\n")[:3] == ["Decision:", "First.", ""]
    assert "Second." in text


def test_html_lists_keep_their_markers():
    text = html_text(
        page("<ul><li>Do nothing</li><li>Repair</li></ul><ol start='3'><li>Three</li><li><p>Four</p></li></ol>")
    )
    assert text.split("\n") == ["- Do nothing", "- Repair", "", "3. Three", "4. Four"]


def test_html_drops_script_style_nav_header_footer_and_chrome():
    text = html_text(
        page(
            "<header>Council site header</header><nav><a>Bins</a></nav>"
            "<script>var x = 'Decision Maker: nobody';</script><style>p{color:red}</style>"
            "<div class='breadcrumb'>Home &gt; Decisions</div>"
            "<noscript>Enable JavaScript</noscript>"
            "<p>Decision: approved</p>"
            "<footer>Copyright</footer>",
            head="<meta charset='utf-8'><script>alert(1)</script>",
        )
    )
    assert text == "Decision: approved"


def test_html_moderngov_page_keeps_its_title_heading_and_label_spans():
    text = html_text(
        page(
            "<div class='site'>Site banner</div>"
            "<div id='modgov'><h1 class='mgMainTitleTxt'>Decision details</h1>"
            "<h2 class='mgSubTitleTxt'>Bus shelter renewal</h2>"
            "<div class='mgLinks'><a>Print</a></div>"
            "<div class='mgContent'><p><span class='mgLabel'>Decision Maker</span> Cabinet</p>"
            "<p><span class='mgLabel'>Is Key decision?: </span>No</p></div></div>"
        )
    )
    assert text.split("\n") == [
        "Decision details", "", "Bus shelter renewal", "", "Decision Maker: Cabinet", "", "Is Key decision?: No",
    ]  # fmt: skip


def test_html_whitespace_collapses_and_br_breaks_lines():
    text = html_text(page("<p>That the   contract\n  be awarded<br>to Pennard Ltd.</p><dl><dt>Ref</dt><dd>A/1</dd></dl>"))
    assert text.split("\n") == ["That the contract be awarded", "to Pennard Ltd.", "", "Ref: A/1"]


def test_html_word_list_paragraphs_keep_their_numbers():
    markup = page(
        "<p class=MsoListParagraph><!--[if !supportLists]--><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp;"
        "</span></span><!--[endif]-->That it be approved.</p>"
        "<p class=MsoListParagraph><span style='mso-list:Ignore'>·<span>&nbsp;&nbsp;</span></span>A bullet</p>"
    )
    assert html_text(markup).split("\n") == ["1. That it be approved.", "", "- A bullet"]


@pytest.mark.parametrize(
    "data",
    [
        page("<p>Caf&eacute; &pound;5&#44;000 &amp; &#8220;more&#8221;&nbsp;x</p>").encode("utf-8"),
        b"\xef\xbb\xbf" + page("<p>Caf\u00e9 \u00a35,000 & \u201cmore\u201d x</p>", head="").encode("utf-8"),
        page("<p>Caf\u00e9 \u00a35,000 &amp; \u201cmore\u201d x</p>", head='<meta charset="windows-1252">').encode("cp1252"),
        page(
            "<p>Caf\u00e9 \u00a35,000 &amp; \u201cmore\u201d x</p>",
            head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        ).encode("cp1252"),
        page("<p>Caf\u00e9 \u00a35,000 &amp; \u201cmore\u201d x</p>", head="").encode("cp1252"),
        page("<p>Caf\u00e9 \u00a35,000 &amp; \u201cmore\u201d x</p>", head='<meta charset="utf-8">').encode("cp1252"),
    ],
    ids=["entities", "utf8-bom", "meta-cp1252", "http-equiv-latin1", "undeclared-cp1252", "wrongly-declared"],
)
def test_html_entities_and_charsets_decode_to_the_same_text(data):
    assert read_bytes(data).text == "Caf\u00e9 \u00a35,000 & \u201cmore\u201d x"


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><p>Decision: yes<table><tr><td>Ref<td>X/1<p>unclosed",
        b"<html><body>" + b"<div>" * 5000 + b"Deep text",
        b"<html><body><p>Text \x00\x01 with control bytes</p></body></html>",
        b"<!DOCTYPE html><html><body><p>Decision</p></li></ul></td></tr></table>Stray closers</body></html>",
        b"<html><body><![CDATA[ x ]]><?php echo 1; ?><p>After</p></body></html>",
    ],
    ids=["unclosed", "deep", "control-bytes", "stray-closers", "cdata-pi"],
)
def test_malformed_html_reads_without_crashing(markup):
    document = read_bytes(markup)
    assert document.format == "html" and document.text.strip()


def test_html_with_no_visible_text_is_empty():
    with pytest.raises(ExtractionFailure) as raised:
        read_bytes(page("<script>only()</script>").encode())
    assert raised.value.kind == ErrorKind.empty


# ------------------------------------------------------------------------------------------------
# Word .docx, built by hand so each structure is exact
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def para(text: str = "", *, num: tuple[int, int] | None = None, bold: bool = False, raw: str = "") -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}{raw}</w:p>"


def table(*rows: tuple[str, ...]) -> str:
    def cell(content: str) -> str:
        return f"<w:tc>{content if content.startswith('<w:') else para(content)}</w:tc>"

    return "<w:tbl>" + "".join("<w:tr>" + "".join(cell(c) for c in row) + "</w:tr>" for row in rows) + "</w:tbl>"


def make_docx(body: str, *, extra: dict[str, bytes | str] | None = None, document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        if document:
            archive.writestr(
                "word/document.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
                f"<w:body>{body}<w:sectPr/></w:body></w:document>",
            )
        archive.writestr("word/numbering.xml", NUMBERING)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_text(body: str, **kwargs) -> str:
    return read_bytes(make_docx(body, **kwargs)).text


def test_docx_tables_are_read_in_body_order_as_label_value_lines():
    text = docx_text(
        para("Record of Decision")
        + table(("Decision Ref:", "HW/2024/031"), ("Decision Maker", "Ana Kowalczyk, Head of Highways"))
        + para("1. Decision")
        + table(("Meeting", "Date", "Outcome"), ("Cabinet", "3 May 2024", "Approved"))
        + para("After the tables.")
    )
    assert text.split("\n") == [
        "Record of Decision", "",
        "Decision Ref: HW/2024/031", "Decision Maker: Ana Kowalczyk, Head of Highways", "",
        "1. Decision", "",
        "Meeting | Date | Outcome", "Cabinet | 3 May 2024 | Approved", "",
        "After the tables.",
    ]  # fmt: skip


def test_docx_label_cell_with_several_paragraphs_becomes_a_heading():
    text = docx_text(table(("Reasons", para("First reason.") + para("Second reason."))))
    assert text.split("\n") == ["Reasons:", "First reason.", "", "Second reason."]


def test_docx_numbered_and_bulleted_paragraphs_get_markers():
    text = docx_text(
        para("Options considered", num=(2, 0))
        + para("Do nothing.", num=(1, 0))
        + para("Repair the bridge.", num=(1, 0))
        + para("Reasons", num=(2, 0))
        + para("Cost.", num=(2, 1))
        + para("Safety.", num=(2, 1))
    )
    assert text.split("\n") == [
        "1. Options considered", "", "- Do nothing.", "- Repair the bridge.", "",
        "2. Reasons", "(a) Cost.", "(b) Safety.",
    ]  # fmt: skip


def test_docx_check_boxes_are_kept_as_glyphs():
    symbol_ticked = '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>'
    symbol_empty = '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'
    form_box = (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="0"/>'
        '<w:checked/></w:checkBox></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    content_control = (
        '<w:sdt><w:sdtPr><w14:checkbox xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
        '<w14:checked w14:val="0"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r>'
        "</w:sdtContent></w:sdt>"
    )
    text = docx_text(
        para("Key decision: Yes ", raw=symbol_ticked + '<w:r><w:t xml:space="preserve"> No </w:t></w:r>' + symbol_empty)
        + para("Exempt: Yes ", raw=form_box + '<w:r><w:t xml:space="preserve"> No </w:t></w:r>' + content_control)
    )
    assert text.split("\n") == ["Key decision: Yes ☑ No ☐", "Exempt: Yes ☒ No ☐"]


def test_docx_skips_deleted_text_and_field_codes_and_keeps_inserted_text():
    body = para(
        "Decision: ",
        raw='<w:del><w:r><w:delText>refused</w:delText></w:r></w:del>'
        '<w:ins><w:r><w:t>approved</w:t></w:r></w:ins>'
        '<w:r><w:instrText> PAGE </w:instrText></w:r>',
    )
    assert docx_text(body) == "Decision: approved"


def test_docx_headers_and_footers_are_not_read():
    text = docx_text(
        para("Body text."),
        extra={"word/header1.xml": f'<w:hdr xmlns:w="{W_NS}">{para("OFFICIAL SENSITIVE")}</w:hdr>'},
    )
    assert text == "Body text."


def test_docx_sample_header_and_footer_are_ignored():
    text = read_file(SAMPLES / "word-wrensford-officer-decision.docx").text
    assert "OFFICIAL" not in text.split("\n") and "template v4" not in text


@pytest.mark.parametrize(
    "data, kind",
    [
        (make_docx(para("x"))[:200], ErrorKind.corrupt),  # truncated
        (make_docx("", document=False), ErrorKind.corrupt),  # no word/document.xml
        (make_docx("<w:p><w:r><w:t>unclosed</w:r></w:p>"), ErrorKind.corrupt),  # not well-formed
    ],
    ids=["truncated", "no-document-part", "bad-xml"],
)
def test_corrupt_docx_is_reported_as_corrupt(data, kind):
    with pytest.raises(ExtractionFailure) as raised:
        read_bytes(data)
    assert raised.value.kind == kind


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as stream:
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize("size", [MAX_PART_BYTES + 1024 * 1024, 8 * 1024 * 1024], ids=["over-limit", "ratio"])
def test_zip_bomb_is_refused_before_decompressing(size):
    data = _bomb(size)
    assert len(data) < 100_000
    with pytest.raises(ExtractionFailure) as raised:
        read_bytes(data)
    assert raised.value.kind == ErrorKind.too_large


def test_docx_under_a_pdf_name_is_sniffed_as_docx(tmp_path):
    path = tmp_path / "decision.pdf"
    path.write_bytes((SAMPLES / "word-wrensford-officer-decision.docx").read_bytes())
    assert sniff(path.read_bytes()) == "docx"
    document = read_file(path)
    assert document.format == "docx" and "Decision Ref: WBC/HS/0457" in document.text


def test_html_under_a_txt_name_is_read_as_html(tmp_path):
    path = tmp_path / "decision.txt"
    path.write_bytes((SAMPLES / "moderngov-cranmere-decision-details.html").read_bytes())
    assert read_file(path).format == "html"


# ------------------------------------------------------------------------------------------------
def measure(repetitions: int = 200) -> dict[str, float]:
    """Pages per second of each reader alone on the samples (`python -m tests.test_formats`)."""
    import time

    rates = {}
    for ext in ("html", "docx"):
        files = [p.read_bytes() for p in sorted(SAMPLES.glob(f"*.{ext}"))]
        start = time.perf_counter()
        for _ in range(repetitions):
            for data in files:
                read_bytes(data)
        rates[ext] = repetitions * len(files) / (time.perf_counter() - start)
    return rates


if __name__ == "__main__":
    for ext, rate in measure().items():
        print(f"{ext}: {rate:,.0f} pages/s")

"""Document.blocks: the structure each reader saw (headings, label/value rows, list items, paragraphs,
table cells), with offsets into Document.text that point at exactly the text each block claims."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_formats import make_docx, page, para, table
from test_pdf_tables import ROWS, column_ordered_table_pdf

from extractor.document import BlockKind, Document, DocumentBuilder, Node, Row
from extractor.errors import ExtractionFailure
from extractor.profile import load_profile
from extractor.readers import ReadOptions, read_bytes, read_file
from extractor.readers.text import text_document
from models import ErrorKind, SourceFormat

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CONTAINERS = {BlockKind.field, BlockKind.cell, BlockKind.list_item}
OPTIONS = ReadOptions(labels=load_profile())


def check_blocks(document: Document) -> None:
    """What holds for the blocks of every document, whatever its reader."""
    text, blocks = document.text, document.blocks
    assert [b.start for b in blocks] == sorted(b.start for b in blocks)
    for index, block in enumerate(blocks):
        claimed = text[block.start : block.end]
        assert claimed and claimed == claimed.strip(), block
        assert block.page == document.page_at(block.start)
        if block.parent is not None:
            parent = blocks[block.parent]
            assert block.parent < index and parent.kind in CONTAINERS
            assert parent.start <= block.start and block.end <= parent.end
        if block.kind == BlockKind.field:
            assert block.label_end is not None and block.value_start is not None
            assert block.start < block.label_end <= block.value_start <= block.end
            label = document.label_of(block)
            assert label == label.strip() and not label.endswith(":")
            assert block.value_start == block.end or not text[block.value_start].isspace()
        else:
            assert block.label_end is None and block.value_start is None
        if block.kind == BlockKind.list_item and block.marker:
            assert claimed.startswith(block.marker)
        if block.kind == BlockKind.cell:
            assert block.column is not None
    # every non-blank line lies in a block, and blocks that hold no other never overlap
    for line in document.lines:
        if line.text.strip():
            assert any(b.start <= line.start + len(line.text) - len(line.text.lstrip()) < b.end for b in blocks), line
    parents = {b.parent for b in blocks}
    leaves = [b for i, b in enumerate(blocks) if i not in parents]
    for before, after in itertools.pairwise(leaves):
        assert before.end <= after.start, (before, after)


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".pdf", ".html", ".docx"))


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_every_sample_has_blocks_that_point_at_their_text(path):
    document = read_file(path, options=OPTIONS)
    assert document.blocks
    check_blocks(document)


def fields(document: Document) -> list[tuple[str | None, str | None]]:
    return [(document.label_of(b), document.value_of(b)) for b in document.blocks if b.kind == BlockKind.field]


def kinds(document: Document) -> list[tuple[str, str]]:
    return [(b.kind.value, document.text_of(b)) for b in document.blocks if b.parent is None]


# ------------------------------------------------------------------------------------------------
# HTML


def html(body: str) -> Document:
    document = read_bytes(page(body).encode("utf-8"))
    check_blocks(document)
    return document


def test_html_label_rows_definitions_and_moderngov_labels_are_fields():
    document = html(
        "<table><tr><th>Decision Ref</th><td>CAB/24/117</td></tr>"
        "<tr><td><strong>Key decision</strong></td><td>Yes</td></tr></table>"
        "<p><span class='mgLabel'>Decision Maker: </span><a>Cabinet Member for Parks</a></p>"
        "<p><span class='mgLabel'>Is Key decision?</span>No</p>"
        "<dl><dt>Date of decision</dt><dd>3 May 2024</dd></dl>"
    )
    assert fields(document) == [
        ("Decision Ref", "CAB/24/117"),
        ("Key decision", "Yes"),
        ("Decision Maker", "Cabinet Member for Parks"),
        ("Is Key decision?", "No"),
        ("Date of decision", "3 May 2024"),
    ]
    first = document.blocks[0]
    assert (first.table, first.row) == (0, 0) and document.blocks[1].row == 1


def test_html_label_cell_with_paragraphs_is_a_field_holding_them():
    document = html("<table><tr><th>Reasons</th><td><p>Cost.</p><ul><li>Safety.</li></ul></td></tr></table>")
    field = document.blocks[0]
    assert (field.kind, document.label_of(field), document.value_of(field)) == (BlockKind.field, "Reasons", "Cost.\n\n- Safety.")
    assert [(b.kind, document.text_of(b)) for b in document.children(0)] == [
        (BlockKind.paragraph, "Cost."),
        (BlockKind.list_item, "- Safety."),
    ]


def test_html_headings_lists_paragraphs_and_cells():
    document = html(
        "<h1>Decision details</h1><h3>Alternative options</h3>"
        "<ol start='3'><li>Repair<ul><li>in spring</li></ul></li><li>Replace</li></ol>"
        "<p>The report was considered.</p>"
        "<table><tr><td>Meeting</td><td>Item</td><td>Outcome</td></tr></table>"
    )
    headings = [(b.level, document.text_of(b)) for b in document.blocks if b.kind == BlockKind.heading]
    assert headings == [(1, "Decision details"), (3, "Alternative options")]
    items = [(b.level, b.marker, document.text_of(b)) for b in document.blocks if b.kind == BlockKind.list_item]
    assert items == [(1, "3.", "3. Repair\n- in spring"), (2, "-", "- in spring"), (1, "4.", "4. Replace")]
    inner = next(i for i, b in enumerate(document.blocks) if b.marker == "-")
    assert document.blocks[document.blocks[inner].parent].marker == "3."  # nested in its item
    assert ("paragraph", "The report was considered.") in kinds(document)
    cells = [(b.row, b.column, document.text_of(b)) for b in document.blocks if b.kind == BlockKind.cell]
    assert cells == [(0, 0, "Meeting"), (0, 1, "Item"), (0, 2, "Outcome")]


def test_a_layout_table_gives_cells_holding_their_paragraphs():
    long = "A paragraph long enough to make this a layout table rather than a row of short cells. " * 2
    document = html(f"<table><tr><td><p>{long}</p><p>Second.</p></td><td><p>Other column.</p></td></tr></table>")
    cells = [b for b in document.blocks if b.kind == BlockKind.cell]
    assert [(b.column, document.text_of(b)) for b in cells] == [(0, f"{long.strip()}\n\nSecond."), (1, "Other column.")]
    assert [document.text_of(b) for b in document.children(document.blocks.index(cells[0]))] == [long.strip(), "Second."]


# ------------------------------------------------------------------------------------------------
# Word .docx

STYLES = """<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="SectionHead"><w:name w:val="Section Head"/><w:basedOn w:val="Heading2"/>
<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
</w:styles>"""


def styled(text: str, style: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


def docx(body: str) -> Document:
    document = read_bytes(make_docx(body, extra={"word/styles.xml": STYLES}))
    check_blocks(document)
    return document


def test_docx_headings_by_style_outline_level_and_bold_look():
    document = docx(
        styled("Record of Officer Decision", "Title")
        + styled("Background", "Heading2")
        + styled("Financial implications", "SectionHead")
        + para("Consultation", bold=True)
        + para("Signed: J Holt", bold=True)
        + para("An ordinary paragraph.")
    )
    headings = [(b.level, document.text_of(b)) for b in document.blocks if b.kind == BlockKind.heading]
    assert headings == [(1, "Record of Officer Decision"), (2, "Background"), (2, "Financial implications"), (0, "Consultation")]
    assert ("paragraph", "Signed: J Holt") in kinds(document)


def test_docx_label_rows_are_fields_and_list_paragraphs_are_items():
    document = docx(
        table(("Decision Ref:", "HW/2024/031"), ("Decision Maker", "Ana Kowalczyk, Head of Highways"))
        + para("Options", num=(2, 0))
        + para("Do nothing.", num=(2, 1))
        + para("Repair the bridge.", num=(1, 0))
    )
    assert fields(document) == [("Decision Ref", "HW/2024/031"), ("Decision Maker", "Ana Kowalczyk, Head of Highways")]
    items = [(b.level, b.marker, document.text_of(b)) for b in document.blocks if b.kind == BlockKind.list_item]
    assert items == [(1, "1.", "1. Options"), (2, "(a)", "(a) Do nothing."), (1, "-", "- Repair the bridge.")]


def test_docx_row_of_short_cells_gives_cell_blocks():
    document = docx(table(("Meeting", "Date", "Outcome"), ("Cabinet", "3 May 2024", "Approved")))
    cells = [(b.table, b.row, b.column, document.text_of(b)) for b in document.blocks]
    assert cells == [
        (0, 0, 0, "Meeting"), (0, 0, 1, "Date"), (0, 0, 2, "Outcome"),
        (0, 1, 0, "Cabinet"), (0, 1, 1, "3 May 2024"), (0, 1, 2, "Approved"),
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------
# PDF and text


def test_pdf_table_rows_repaired_by_pdfplumber_are_fields(tmp_path):
    document = read_file(column_ordered_table_pdf(tmp_path / "wyvern.pdf"), options=OPTIONS)
    check_blocks(document)
    assert fields(document) == [(label.rstrip(":"), value) for label, value in ROWS]


def test_text_paragraphs_and_list_items_by_the_marker_grammar():
    document = text_document("Decision:\nTo approve the scheme.\n\n1. Repair\n2. Replace\nin full\n\fSigned: J Holt", "t")
    check_blocks(document)
    assert [(b.kind.value, b.page, b.marker, document.text_of(b)) for b in document.blocks] == [
        ("paragraph", 1, None, "Decision:\nTo approve the scheme."),
        ("list_item", 1, "1.", "1. Repair"),
        ("list_item", 1, "2.", "2. Replace\nin full"),
        ("paragraph", 2, None, "Signed: J Holt"),
    ]


# ------------------------------------------------------------------------------------------------
# the builder


def test_builder_offsets_hold_after_normalisation():
    """Ligatures, odd spaces and invisible characters change lengths: offsets come from the result."""
    builder = DocumentBuilder(SourceFormat.html, "test", squeeze=True)
    builder.add(Node(BlockKind.heading, ["The ﬁnal\u00a0of\u200bfer"], level=2))
    builder.add("")
    builder.add(Node(BlockKind.field, ["Decision\u00a0Maker:\u00a0 ﬁrst oﬃcer"], label="Decision\u00a0Maker:"))
    builder.add(Row(["Meeting", "ﬁnal", "Outcome"], table=0, row=0))
    document = builder.build()
    check_blocks(document)
    assert document.text == "The final offer\n\nDecision Maker: first officer\nMeeting | final | Outcome"
    assert fields(document) == [("Decision Maker", "first officer")]
    assert [document.text_of(b) for b in document.blocks if b.kind == BlockKind.cell] == ["Meeting", "final", "Outcome"]


def test_a_field_whose_label_is_not_at_its_start_is_plain_text():
    builder = DocumentBuilder(SourceFormat.html, "test", squeeze=True)
    builder.add(Node(BlockKind.field, ["1. Decision Maker: Cabinet"], label="Decision Maker"))
    assert [b.kind for b in builder.build().blocks] == [BlockKind.paragraph]


# ------------------------------------------------------------------------------------------------
# random structures: the invariants hold whatever the markup

_WORDS = st.sampled_from(["Decision", "Maker:", "Cabinet", "1.", "- x", "(a)", "Yes", "\u00a0", "ﬁnal", "o", "·", "é", " "])
_TEXT = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_TAGS = ["p", "div", "ul", "ol", "li", "table", "tr", "td", "th", "dl", "dt", "dd", "h2", "span class='mgLabel'", "b"]
_MARKUP = st.recursive(
    _TEXT,
    lambda inner: st.builds(
        lambda tag, parts: f"<{tag}>{''.join(parts)}</{tag.split()[0]}>", st.sampled_from(_TAGS), st.lists(inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_MARKUP, min_size=1, max_size=5))
def test_any_html_gives_blocks_that_point_at_their_text(parts):
    try:
        document = read_bytes(page("".join(parts)).encode("utf-8"))
    except ExtractionFailure as failure:
        assert failure.kind == ErrorKind.empty  # markup with no visible text
        return
    check_blocks(document)


def test_random_docx_bodies_give_blocks_that_point_at_their_text():
    rng = random.Random(11)
    words = ["Decision", "Maker:", "Cabinet", "1.", "(a)", "Yes", "ﬁnal", "·", "Signed:"]

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))

    def paragraph() -> str:
        num = (rng.randint(1, 2), rng.randint(0, 1)) if rng.random() < 0.3 else None
        return para(text(), num=num, bold=rng.random() < 0.3)

    for _ in range(40):
        body = ""
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.7:
                body += paragraph()
            else:
                rows = [tuple(text() if rng.random() < 0.7 else paragraph() + paragraph() for _ in range(rng.randint(1, 3)))]
                body += table(*rows)
        check_blocks(docx(body))

"""Accuracy on the real council records in ../shared/corpus (skipped when the corpus is absent)."""

import datetime as dt
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from extractor.evaluate import evaluate
from extractor.registry import SCORES

CORPUS = Path(os.environ.get("ODR_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
pytestmark = pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/corpus is not present")

# The bar of issue 9: micro F1 >= 0.95 over every scored field and no field below 0.85, and the
# corpus rendered as Word .docx and Word-made PDF (word/, gold-docx.jsonl, gold-pdf.jsonl) within 0.02
# of the text. No floor per field at today's value: a rule that reads more councils correctly may
# trade one corpus record for many unseen ones, and the corpus is for measuring, not for memorising.
MICRO_F1 = 0.95
FIELD_F1 = 0.85
RENDERING_GAP = 0.02
RENDERINGS = ("gold-docx.jsonl", "gold-pdf.jsonl")


@pytest.fixture(scope="module")
def report(extractor):
    return evaluate(CORPUS, extractor.extract_file)


def test_every_corpus_document_is_read(report):
    assert report.failures == []
    gold_lines = [line for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert report.documents == len(gold_lines) >= 38


def test_micro_f1(report):
    assert report.micro().f1 >= MICRO_F1, report.table()


@pytest.mark.parametrize("field", sorted(score.name for score in SCORES))
def test_field_f1(report, field):
    assert report.scores[field].f1 >= FIELD_F1, report.table()


@pytest.mark.parametrize("gold", RENDERINGS)
def test_word_and_pdf_renderings_read_as_well_as_the_text(extractor, report, gold):
    if not (CORPUS / gold).exists():
        pytest.skip(f"{gold} is not in the corpus")
    rendering = evaluate(CORPUS, extractor.extract_file, gold=CORPUS / gold)
    assert rendering.failures == []
    assert rendering.micro().f1 >= report.micro().f1 - RENDERING_GAP, rendering.table()


def check_hertfordshire(record):
    assert record.reference == "B075/22"
    assert record.decision_type.value == "executive"
    assert record.key_decision is True
    assert (record.decision_maker.name, record.decision_maker.title) == ("Anna Morrison", "Director of Improvement & Technology")
    assert (record.executive_member.name, record.executive_member.portfolio) == ("Bob Deering", "Resources and Performance")
    assert record.decision_date == dt.date(2023, 9, 14)
    assert record.exempt_information.exempt is True
    assert record.rejected_options == [
        "In house service provision – The Council is unable to deliver CSC service at comparable cost to existing provision and timeline.",
        "As this service includes certain statutory service provision, a contractual arrangement is required to ensure ongoing service. Doing nothing is therefore not an option.",
    ]


def test_hertfordshire_text(extractor):
    check_hertfordshire(extractor.extract_file(CORPUS / "docs" / "000_hertfordshire-cc.txt"))


def test_hertfordshire_as_a_pdf_made_from_its_text(extractor, tmp_path):
    spec = importlib.util.spec_from_file_location("make_pdfs", Path(__file__).resolve().parents[1] / "samples" / "make_pdfs.py")
    make_pdfs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_pdfs)
    text = shutil.copy(CORPUS / "docs" / "000_hertfordshire-cc.txt", tmp_path / "hertfordshire.txt")
    pdf = make_pdfs.render(Path(text), make_pdfs._font())
    record = extractor.extract_file(pdf)
    assert record.source.format == "pdf"
    check_hertfordshire(record)


def test_kent_pdf_header_table_and_signature_date(extractor):
    record = extractor.extract_file(CORPUS / "docs" / "001_kent-cc.pdf")
    assert record.source.format == "pdf" and record.source.pages == 6
    assert record.reference == "24/00093"
    assert record.decision_maker.name == "Sue Chandler"
    assert record.decision_date == dt.date(2025, 1, 17)
    assert record.exempt_information.exempt is False
    assert [o.split(":")[0] for o in record.rejected_options] == ["Option 2", "Option 3", "Option 4", "Option 5", "Option 6"]
    # the running footer is not part of any field
    assert "glossaries" not in (record.conflicts_of_interest or "") + (record.reasons or "")


def test_evidence_points_at_the_text_it_came_from(extractor):
    path = CORPUS / "docs" / "005_derbyshire-cc.txt"
    record = extractor.extract_file(path)
    from extractor.readers import read_file

    text = read_file(path).text
    evidence = record.evidence["decision_maker"]
    assert evidence.method.value == "label"
    assert text[evidence.char_start : evidence.char_end] == "Cabinet Member for Highways, Assets and Transport"
    assert record.evidence["subject"].confidence < evidence.confidence  # a title under a heading < an exact label

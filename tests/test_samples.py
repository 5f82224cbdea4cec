"""The bundled samples: every record file in samples/ gives exactly the JSON written beside it.

A sample is any samples/NAME.{txt,pdf,html,docx} with a samples/NAME.json: the record as
`odr extract --no-evidence` prints it, without `source` (which differs by format). The expected
JSON states what the document says, decided by reading it, not by running odr. The files are found
on disk, so a sample added later is tested without touching this module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.pipeline import Extractor

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FORMATS = ("txt", "pdf", "html", "docx")
# Keys that describe the file rather than the decision, so differ between a record's formats.
UNCOMPARED = {"source", "evidence"}

RECORD_FILES = sorted(
    path for ext in FORMATS for path in SAMPLES.glob(f"*.{ext}") if path.with_suffix(".json").exists()
)
NAMES_WITH_PAIRS = sorted(
    path.stem for path in SAMPLES.glob("*.txt") if path.with_suffix(".pdf").exists()
)


def fields_of(extractor: Extractor, path: Path) -> dict:
    record = extractor.extract_file(path)
    return record.model_dump(mode="json", exclude=UNCOMPARED)


def test_samples_are_present():
    assert len({p.stem for p in RECORD_FILES}) >= 8
    assert NAMES_WITH_PAIRS, "no sample has both a .txt and a .pdf"


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_sample_gives_its_expected_json(default_extractor, path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert UNCOMPARED.isdisjoint(expected), f"{path.with_suffix('.json').name} must not hold {UNCOMPARED}"
    got = fields_of(default_extractor, path)
    mismatched = {
        key: {"expected": expected.get(key), "got": got.get(key)}
        for key in sorted(expected.keys() | got.keys())
        if expected.get(key) != got.get(key)
    }
    assert not mismatched, f"{path.name}: {json.dumps(mismatched, indent=1, ensure_ascii=False)}"


@pytest.mark.parametrize("name", NAMES_WITH_PAIRS)
def test_text_and_pdf_give_the_same_fields(default_extractor, name):
    text = fields_of(default_extractor, SAMPLES / f"{name}.txt")
    pdf = fields_of(default_extractor, SAMPLES / f"{name}.pdf")
    assert pdf == text


@pytest.mark.parametrize("name", NAMES_WITH_PAIRS)
def test_pdf_sample_is_read_as_pdf(default_extractor, name):
    record = default_extractor.extract_file(SAMPLES / f"{name}.pdf")
    assert record.source.format == "pdf"

"""The record rule: an input that states no decision field is a `not_a_record` error, never an
empty record; every real record still reads (extractor/pipeline.py has the rule)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RECORD, SAMPLES
from test_corpus import CORPUS

from extractor.batch import ExtractorSpec, run_batch
from extractor.cli import cli
from extractor.errors import ExtractionFailure
from extractor.evaluate import read_gold
from models import ErrorKind

README = """# parish-letters

Scripts that sort the parish clerk's scanned letters into folders by year.

## Usage

Run `python sort.py FOLDER`. Each letter's header ("Our ref: PC/19/4", "Subject: Footpath") is copied
into index.csv, and a letter whose Decision: line is blank is flagged for the clerk.

## Licence

MIT. Written for Wyvern Parish Council, 2024.
"""

AGENDA = """WYVERN DISTRICT COUNCIL
CABINET
AGENDA

Date: Tuesday, 12 March 2024
Time: 6.00 pm
Venue: Council Chamber, Wyvern House

Membership: Councillors A. Brook (Chair), C. Dale, E. Frost and G. Hale

1. Apologies for absence
2. Declarations of interest
Members are asked to declare any interest in an item on this agenda.
3. Minutes
To approve as a correct record the minutes of the meeting held on 6 February 2024.
4. Leisure centre opening hours (key decision)
Report of the Portfolio Holder for Leisure.
5. Exclusion of the press and public
"""

CONFIG = """[tool.sorter]
subject = "letters"
decision = "pending"
reference_pattern = "PC/[0-9]+"
"""

HELP = """Usage: sorter [OPTIONS] FOLDER

  Sort scanned letters into folders by year.

Options:
  --dry-run   Show what would move.
  --help      Show this message and exit.
"""

NOT_RECORDS = {
    "a command's help (an 'Options:' heading read by its meaning)": HELP,
    "hello world": "hello world\n",
    "a README that quotes labels": README,
    "an agenda": AGENDA,
    "a TOML file": CONFIG,
    "a sentence with a label inside it": "At the meeting the Decision: approve option was noted by all present.\n",
    "prose about a decision": "The Leader of the Council, Cllr Jane Doe, approved the budget on 3 May 2024.\n",
}


@pytest.mark.parametrize("text", NOT_RECORDS.values(), ids=NOT_RECORDS.keys())
def test_what_states_no_decision_field_is_not_a_record(extractor, text):
    with pytest.raises(ExtractionFailure) as raised:
        extractor.extract_text(text)
    assert raised.value.kind == ErrorKind.not_a_record
    assert "no decision field" in raised.value.one_line()


def _jsonl(records) -> str:
    return "".join(record.model_dump_json() + "\n" for record in records)


def test_json_is_data_not_a_record(extractor, tmp_path):
    """odr's own output fed back to it: a record as JSON (pretty or not) and JSON Lines."""
    sample = SAMPLES / "hartwell-officer-decision.json"
    lines = tmp_path / "out.jsonl"
    records = [extractor.extract_file(SAMPLES / name) for name in ("hartwell-officer-decision.txt", "pellham-individual-decision.txt")]
    lines.write_text(_jsonl(records), encoding="utf-8")
    for path in (sample, lines):
        with pytest.raises(ExtractionFailure) as raised:
            extractor.extract_file(path)
        assert raised.value.kind == ErrorKind.not_a_record
        assert raised.value.one_line().startswith(f"{path}: not_a_record: the text is JSON data")


# Each way a record shows itself, on its own: a decision field's label (in several wordings and
# shapes), a decision-record heading, a first-person decision sentence.
RECORDS = {
    "decision label": "Decision: To approve the award of the grant.\n",
    "decision heading, body below": "THE DECISION\n\nTo extend the opening hours of Dean Park library.\n",
    "decision maker label, upper case": "DECISION MAKER: Head of Highways\n",
    "key decision question": "Is this a key decision? No\n",
    "reasons heading": "Reasons for the decision\nDemand for evening sessions has grown.\n",
    "reference label": "Decision No.: DD/2024/7\n",
    "options heading": "Alternative options considered and rejected\nDo nothing.\n",
    "labels of a flattened page": "Grant award Decision Maker: Cabinet Decision: To approve the grant.\n",
    "record heading and title": "RECORD OF DECISION\nNew play equipment for Orchard Park\n",
    "issue page heading": "Issue - decisions\nNew play equipment\n12/03/2024 - New play equipment\nThat the bid be approved.\n",
    "council and record heading": "Wyvern District Council – Officer Decision Notice\nCar park charges\n",
    "first-person sentence": "I, Sarah Okonkwo, Head of Highways, having consulted the Cabinet Member, approve the scheme.\n",
}


@pytest.mark.parametrize("text", RECORDS.values(), ids=RECORDS.keys())
def test_a_record_shows_itself_in_any_one_way(extractor, text):
    assert extractor.extract_text(text).source.format.value == "text"


@pytest.mark.parametrize("text", ["", " ", "\n\t \n"])
def test_empty_text_is_empty_as_an_empty_file_is(extractor, tmp_path, text):
    path = tmp_path / "blank.txt"
    path.write_text(text, encoding="utf-8")
    for read in (lambda: extractor.extract_text(text), lambda: extractor.extract_file(path)):
        with pytest.raises(ExtractionFailure) as raised:
            read()
        assert raised.value.kind == ErrorKind.empty


def test_library_function_refuses_an_empty_string():
    import extractor

    with pytest.raises(ExtractionFailure) as raised:
        extractor.extract_text("")
    assert raised.value.kind == ErrorKind.empty


def test_odr_extract_refuses_with_one_line_and_status_1(tmp_path):
    good, bad = tmp_path / "record.txt", tmp_path / "agenda.txt"
    good.write_text(RECORD, encoding="utf-8")
    bad.write_text(AGENDA, encoding="utf-8")
    alone = CliRunner().invoke(cli, ["extract", "--model", "blank", str(bad)])
    assert alone.exit_code == 1 and alone.stdout == ""
    assert alone.stderr.splitlines() == [
        f"odr: {bad}: not_a_record: no decision field found: no label for a decision, its maker, reasons, options, "
        "key decision, type or reference, and no decision-record heading (odr reads decision records; if this is "
        "one, a council profile (--profile) can name its labels)"
    ]
    both = CliRunner().invoke(cli, ["extract", "--model", "blank", str(good), str(bad)])
    assert both.exit_code == 1
    assert [json.loads(line)["subject"] for line in both.stdout.splitlines()] == ["Resurfacing of Mill Lane Car Park"]
    assert len(both.stderr.splitlines()) == 1 and "not_a_record" in both.stderr


def test_odr_batch_records_an_error_entry_and_goes_on(tmp_path):
    inputs = []
    for name, text in [("a.txt", RECORD), ("readme.md", README), ("b.txt", RECORD.replace("Mill Lane", "Station Road")),
                       ("hello.txt", "hello world\n")]:
        inputs.append(tmp_path / "in" / name)
        inputs[-1].parent.mkdir(exist_ok=True)
        inputs[-1].write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch(inputs, out, factory=ExtractorSpec((), "blank"), workers=1, progress=False)
    entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = sorted((Path(e["error"]["path"]).name, e["error"]["kind"]) for e in entries if "error" in e)
    assert errors == [("hello.txt", "not_a_record"), ("readme.md", "not_a_record")]
    assert sorted(e["subject"] for e in entries if "subject" in e) == [
        "Resurfacing of Mill Lane Car Park", "Resurfacing of Station Road Car Park"]
    assert (summary.ok, summary.failed, summary.exit_status) == (2, 2, 1)
    assert "not_a_record 2" in summary.line()


GOLD_FILES = ["gold.jsonl", "gold-docx.jsonl", "gold-pdf.jsonl"]


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/corpus is not present")
@pytest.mark.parametrize("gold", GOLD_FILES)
def test_no_corpus_record_is_refused(extractor, gold):
    """Every real record, as text, as Word .docx and as a Word-made PDF, reads as a record."""
    if not (CORPUS / gold).exists():
        pytest.skip(f"{gold} is not in the corpus")
    refused = []
    for row in read_gold(CORPUS / gold):
        try:
            extractor.extract_file(CORPUS / row["file"])
        except ExtractionFailure as failure:
            refused.append(failure.one_line())
    assert refused == []


def test_no_sample_is_refused(extractor):
    paths = [p for p in sorted(SAMPLES.iterdir()) if p.suffix in (".txt", ".pdf", ".html", ".docx")]
    assert len(paths) >= 20
    for path in paths:
        extractor.extract_file(path)


@pytest.mark.parametrize("heading", ["RECORD OF DECISION OF THE CABINET", "Decision Notice ED/24/17: Leisure centre hours",
                                     "Wyvern District Council – Officer Decision Record"])
def test_a_record_heading_in_any_of_its_shapes_shows_a_record(extractor, heading):
    record = extractor.extract_text(f"{heading}\n\nThe Portfolio Holder agreed to extend the opening hours.\n")
    assert record.source.format.value == "text"

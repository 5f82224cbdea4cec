"""The dataset a campaigner opens (issue 10): a .db built from the samples by `odr batch`, checked
through sqlite3 point by point, its Datasette metadata loaded by Datasette, an existing OUT never
destroyed, and a CSV that opens cleanly in a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.batch import ExtractorSpec, run_batch
from extractor.cli import cli
from extractor.writers import ODR_TABLES
from models import SCHEMA_VERSION

FORMATS = ("txt", "pdf", "html", "docx")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dataset") / "decisions.db"
    summary = run_batch([SAMPLES], out, factory=ExtractorSpec(model="blank"), workers=2, extensions=FORMATS)
    assert summary.ok == len([p for p in SAMPLES.iterdir() if p.suffix[1:] in FORMATS]) and not summary.failed
    return out


@pytest.fixture
def db(dataset):
    connection = sqlite3.connect(dataset)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def columns(db, table: str) -> dict[str, sqlite3.Row]:
    return {row["name"]: row for row in db.execute(f"pragma table_info({table})")}


def test_integer_id_primary_key_and_unique_sha256(db):
    decisions = columns(db, "decisions")
    assert decisions["id"]["pk"] == 1 and decisions["id"]["type"] == "INTEGER"
    assert list(decisions)[:3] == ["id", "reference", "subject"]  # the decision first, not a 64-character hash
    assert list(decisions).index("sha256") > list(decisions).index("council")
    unique = [row for row in db.execute("pragma index_list(decisions)") if row["unique"]]
    assert [[c["name"] for c in db.execute(f"pragma index_info({row['name']})")] for row in unique] == [["sha256"]]
    for child in ("rejected_options", "dates", "evidence", "duplicates"):
        assert [(fk["from"], fk["table"], fk["to"]) for fk in db.execute(f"pragma foreign_key_list({child})")] == [
            ("decision_id", "decisions", "id")]
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_booleans_read_true_or_false(db):
    for column in ("key_decision", "exempt_information_exempt"):
        values = {row[0] for row in db.execute(f"select distinct {column} from decisions")}
        assert values <= {"true", "false", None} and {"true", "false"} <= values, (column, values)


def test_decision_year_and_month_and_first_class_dates(db):
    rows = db.execute("select id, decision_date, decision_year, decision_month, published_date, call_in_expiry_date, "
                      "effective_date from decisions").fetchall()
    assert any(row["decision_date"] for row in rows)
    for row in rows:
        if row["decision_date"]:
            assert row["decision_year"] == int(row["decision_date"][:4])
            assert row["decision_month"] == row["decision_date"][:7]
        else:
            assert row["decision_year"] is None and row["decision_month"] is None
        for kind in ("published", "call_in_expiry", "effective"):
            first = db.execute("select value from dates where decision_id = ? and kind = ? order by id limit 1",
                               [row["id"], kind]).fetchone()
            assert row[f"{kind}_date"] == (first[0] if first else None)
    assert db.execute("select count(*) from decisions where published_date is not null").fetchone()[0] > 0
    assert db.execute("select count(*) from decisions where call_in_expiry_date is not null").fetchone()[0] > 0


def test_evidence_is_a_table_with_quotes(db):
    assert "evidence" not in columns(db, "decisions")
    assert set(columns(db, "evidence")) == {"id", "decision_id", "field", "page", "char_start", "char_end", "method",
                                            "confidence", "quote"}
    assert db.execute("select count(*) from evidence where quote is null or quote = ''").fetchone()[0] == 0
    # the quote is the text the span covers: a subject found by its label quotes the subject itself
    pairs = db.execute("select e.quote, d.subject from evidence e join decisions d on d.id = e.decision_id "
                       "where e.field = 'subject'").fetchall()
    assert pairs and all(quote == subject for quote, subject in pairs)
    references = db.execute("select e.quote, d.reference from evidence e join decisions d on d.id = e.decision_id "
                            "where e.field = 'reference'").fetchall()
    assert references and all(reference in quote for quote, reference in references)


def test_no_column_is_always_empty(db):
    for table in ODR_TABLES:
        if not db.execute("select 1 from sqlite_master where name = ?", [table]).fetchone():
            continue
        if not db.execute(f"select count(*) from [{table}]").fetchone()[0]:
            continue  # a table with no rows (no errors, no duplicates) has no column to fill
        for name in columns(db, table):
            filled = db.execute(f"select count(*) from [{table}] where [{name}] is not null and [{name}] != ''").fetchone()[0]
            assert filled > 0, f"{table}.{name} is always empty"


def search(db, query: str) -> list[str]:
    return [row[0] for row in db.execute("select d.subject from decisions_fts join decisions d on d.id = decisions_fts.rowid "
                                         "where decisions_fts match ? order by d.id", [query])]


def test_full_text_search_stems_and_covers_reasons_and_options(db):
    sql = db.execute("select sql from sqlite_master where name = 'decisions_fts'").fetchone()[0]
    assert "fts5" in sql.lower() and "porter" in sql
    assert {"subject", "decision", "reasons", "rejected_options"} <= set(columns(db, "decisions_fts"))
    assert any("contract" in s.lower() for s in search(db, "contracts"))  # stemming: contracts -> contract
    assert set(search(db, "contract")) == set(search(db, "contracts")) != set()
    reason, = db.execute("select reasons from decisions where reasons is not null limit 1").fetchone()
    word = max(reason.split(), key=len).strip(".,;:()")
    assert search(db, f'reasons : "{word}"')
    option, = db.execute("select option from rejected_options limit 1").fetchone()
    word = max(option.split(), key=len).strip(".,;:()–-")
    assert search(db, f'rejected_options : "{word}"')


def test_runs_table_records_the_run(db):
    (run,) = db.execute("select * from runs").fetchall()
    decisions = db.execute("select count(*) from decisions").fetchone()[0]
    assert run["command"] == "batch" and run["schema_version"] == SCHEMA_VERSION and run["odr_version"]
    assert (run["inputs"], run["records"], run["errors"], run["duplicates"], run["skipped"]) == (decisions, decisions, 0, 0, 0)
    assert run["started"] <= run["finished"]
    assert json.loads(run["options"])["model"] == "blank"


def test_councils_table(db):
    councils = {row["name"]: row["decisions"] for row in db.execute("select * from councils")}
    assert councils["Hartwell County Council"] == db.execute(
        "select count(*) from decisions where council = 'Hartwell County Council'").fetchone()[0] >= 2
    assert [(fk["from"], fk["table"], fk["to"]) for fk in db.execute("pragma foreign_key_list(decisions)")] == [
        ("council", "councils", "name")]


def test_metadata_file_loads_in_datasette(dataset):
    datasette_app = pytest.importorskip("datasette.app")
    metadata_path = dataset.with_name("decisions.metadata.json")
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    table = metadata["databases"]["decisions"]["tables"]["decisions"]
    assert table["label_column"] == "subject" and table["sort_desc"] == "decision_date"
    assert table["facets"] == ["council", "decision_maker_title", "key_decision", "decision_year"]
    assert table["columns"]["decision_month"] == "the month of decision_date, YYYY-MM"

    async def browse():
        ds = datasette_app.Datasette([str(dataset)], metadata=metadata)
        page = await ds.client.get("/decisions/decisions.json?_shape=objects&_size=5&_extra=facet_results")
        search = await ds.client.get("/decisions/decisions.json?_search=contracts&_shape=objects")
        html = await ds.client.get("/decisions/decisions")
        return page, search, html

    page, search_result, html = asyncio.run(browse())
    assert page.status_code == 200 and search_result.status_code == 200 and html.status_code == 200
    rows = page.json()["rows"]
    dates = [r["decision_date"] for r in rows if r["decision_date"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert any("contract" in r["subject"].lower() for r in search_result.json()["rows"])
    assert "sorted by decision_date descending" in html.text
    assert "One row per decision record read" in html.text


# -- never destroying an existing OUT ---------------------------------------------------------------


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_users_own_table_is_kept_and_a_rerun_is_refused(record_file, users_db):
    out = users_db

    def notes():
        connection = sqlite3.connect(out)
        try:
            return connection.execute("select * from my_notes").fetchall()
        finally:
            connection.close()

    assert invoke("batch", record_file, "-o", out, "--model", "blank").exit_code == 0
    assert notes() == [("Mill Lane", "ask about the cost")]
    before = out.read_bytes()
    again = invoke("batch", record_file, "-o", out)
    assert again.exit_code == 1 and again.stderr.count("\n") == 1
    assert "holds an earlier run's output: --resume adds to it, --replace starts again" in again.stderr
    assert out.read_bytes() == before
    for flag in ("--resume", "--replace"):
        assert invoke("batch", record_file, "-o", out, flag, "--model", "blank").exit_code == 0, flag
        assert notes() == [("Mill Lane", "ask about the cost")]
    connection = sqlite3.connect(out)
    assert connection.execute("select count(*) from decisions").fetchone()[0] == 1
    assert connection.execute("select count(*) from runs").fetchone()[0] == 1  # --replace started again
    connection.close()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".json"])
def test_an_existing_text_out_is_refused_without_resume_or_replace(record_file, tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    assert invoke("batch", record_file, "-o", out).exit_code == 0
    before = out.read_bytes()
    result = invoke("batch", record_file, "-o", out)
    assert result.exit_code == 1 and "--replace starts again" in result.stderr and out.read_bytes() == before
    extract = invoke("extract", record_file, "-o", out)
    assert extract.exit_code == 1 and "exists: --replace writes over it" in extract.stderr and out.read_bytes() == before
    assert invoke("extract", record_file, "-o", out, "--replace").exit_code == 0


def test_a_password_is_never_stored_in_runs(record_file, tmp_path):
    out = tmp_path / "out.db"
    assert invoke("batch", record_file, "-o", out, "--password", "s3cret-Pa55", "--model", "blank").exit_code == 0
    assert b"s3cret-Pa55" not in out.read_bytes()
    connection = sqlite3.connect(out)
    assert json.loads(connection.execute("select options from runs").fetchone()[0])["password"] == "(given)"
    connection.close()


def test_resume_and_replace_together_are_refused(record_file, tmp_path):
    result = invoke("batch", record_file, "-o", tmp_path / "out.db", "--resume", "--replace")
    assert result.exit_code == 1 and "choose one" in result.stderr


# -- CSV for spreadsheets ---------------------------------------------------------------------------

DANGEROUS = """Record of Decision

Subject: =HYPERLINK("http://example.invalid","Click")
Decision Maker: @Jane Smith, Director of Place
Date of decision: 4 March 2024
Publication date: 5 March 2024

Decision:
+To approve the grant of £2,500.
"""


def test_csv_opens_cleanly_in_a_spreadsheet(tmp_path):
    source = tmp_path / "formula.txt"
    source.write_text(DANGEROUS, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert invoke("batch", source, "-o", out, "--model", "blank").exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: "£" reads as "£", not "Â£"
    with open(out, encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["subject"] == "'=HYPERLINK(\"http://example.invalid\",\"Click\")"
    assert row["decision_maker_title"].startswith("'@Jane Smith")
    assert row["decision"].startswith("'+To approve") and "£2,500" in row["decision"]
    for cell in row.values():
        assert not cell or not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert (row["decision_date"], row["published_date"]) == ("2024-03-04", "2024-03-05")  # dates in their own columns
    assert row["decision_year"] == "2024" and row["decision_month"] == "2024-03"

    # --resume reads its own neutralised cells back: nothing is extracted twice
    again = invoke("batch", source, "-o", out, "--resume")
    assert again.exit_code == 0 and "0 ok" in again.stderr and "1 skipped" in again.stderr

    raw = tmp_path / "raw.csv"
    assert invoke("batch", source, "-o", raw, "--csv-raw", "--model", "blank").exit_code == 0
    assert not raw.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(raw, encoding="utf-8", newline="") as handle:
        (raw_row,) = csv.DictReader(handle)
    assert raw_row["subject"].startswith("=HYPERLINK") and raw_row["decision"].startswith("+To approve")


@pytest.mark.parametrize("value, cell", [
    ("=1+2", "'=1+2"), ("+44 1632 960451", "'+44 1632 960451"), ("-5 options", "'-5 options"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Plain text", "Plain text"), (-5, "-5"), (2.5, "2.5"), (True, "true"),
    (None, ""),
])
def test_formula_neutralisation_rule(value, cell):
    from extractor.writers import _csv_cell, _uncell

    assert _csv_cell(value, raw=False) == cell
    if isinstance(value, str):
        assert _uncell(cell) == value and _csv_cell(value, raw=True) == value

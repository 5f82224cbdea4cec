"""Fixtures shared by the test modules (each module used to define its own copy)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from archive import add_bad_files, make_archive

from extractor.pipeline import Extractor

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"

# A record in the ModernGov "Decision details" shape, with a label for most fields.
RECORD = """Decision details

Resurfacing of Mill Lane Car Park

Decision Maker: Cabinet Member for Environment and Transport

Is Key decision?: No

Decision:

To approve the resurfacing of Mill Lane car park at a cost of £84,000.

Alternative options considered and rejected:

Patch repairs only. Rejected because the surface has failed across the whole site.

Publication date: 04/03/2024

Date of decision: 01/03/2024
"""


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """Rules only (`--model blank`): the same results whether or not a spaCy model is installed."""
    return Extractor.create(model="blank")


@pytest.fixture(scope="session")
def default_extractor() -> Extractor:
    """As `odr extract` runs by default (a statistical spaCy model when one is installed)."""
    return Extractor.create()


@pytest.fixture
def record_file(tmp_path) -> Path:
    path = tmp_path / "mill lane.txt"
    path.write_text(RECORD, encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path) -> tuple[Path, list[str]]:
    """(root, inputs): 4 text and 2 PDF records, 3 bad files and a missing path."""
    root = tmp_path / "archive"
    inputs = make_archive(root) + add_bad_files(root)
    return root, inputs


@pytest.fixture
def users_db(tmp_path) -> Path:
    """A SQLite database of the user's own (a my_notes table), to write odr's tables into."""
    path = tmp_path / "mine.db"
    db = sqlite3.connect(path)
    db.execute("create table my_notes (decision text, note text)")
    db.execute("insert into my_notes values ('Mill Lane', 'ask about the cost')")
    db.commit()
    db.close()
    return path

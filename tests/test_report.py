"""`odr report`: one self-contained page from a .db, checked as HTML and rendered in headless Chromium
(Debian's `chromium`; those tests skip where it is not installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.batch import ExtractorSpec, run_batch
from extractor.cli import cli
from extractor.report import build_report
from extractor.writers import OutputError

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BAR_BLUE = (0x3C, 0x78, 0xB4)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    out = folder / "decisions.db"
    inputs = [*sorted(SAMPLES.glob("*.txt")), folder / "empty.txt", folder / "broken.pdf"]
    summary = run_batch(inputs, out, factory=ExtractorSpec(model="blank"), workers=2)
    assert summary.failed == 2
    return out


@pytest.fixture(scope="module")
def page(database) -> str:
    return build_report(database)


def test_the_page_has_every_section_and_chart(page):
    for section in ("councils", "months", "key", "coverage", "errors", "review"):
        assert f"<h2 id={section}>" in page
    assert page.count("<svg ") == 5  # councils, time, key decisions, coverage, errors
    assert f"<b>{len(list(SAMPLES.glob('*.txt')))}</b>decisions" in page
    assert "Hartwell County Council" in page and "Decisions by year" in page  # 2009 to 2025: by year


def test_the_page_fetches_nothing(page):
    assert not re.search(r"""\b(src|href)\s*=|url\(|@import|<script|<link""", page, re.I)
    assert set(re.findall(r"https?://[^\s\"'<]+", page)) <= {"http://www.w3.org/2000/svg"}  # a namespace, not a fetch


def test_errors_and_the_review_list(page):
    errors = page[page.index("<h2 id=errors>"):page.index("<h2 id=review>")]
    assert ">corrupt</text>" in errors and ">empty</text>" in errors
    review = page[page.index("<h2 id=review>"):]
    assert review.count("<blockquote>") == 25
    confidences = [float(c) for c in re.findall(r"<tr><td>(\d\.\d\d)</td>", review)]
    assert confidences == sorted(confidences) and confidences[0] < 0.9


def test_text_from_records_is_escaped(tmp_path):
    record = tmp_path / "script.txt"
    record.write_text("Record of Decision\n\nSubject: <script>alert(1)</script> & more\nDecision Maker: Jane Smith, "
                      "Director of Place\nKey decision: Yes\nDate of decision: 4 March 2024\n", encoding="utf-8")
    out = tmp_path / "one.db"
    run_batch([record], out, factory=ExtractorSpec(model="blank"), workers=1)
    page = build_report(out)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_cli_report_writes_one_file_and_refuses_to_overwrite(database, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(database), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = CliRunner().invoke(cli, ["report", str(database), "-o", str(out)])
    assert again.exit_code == 1 and "--replace" in again.stderr
    assert CliRunner().invoke(cli, ["report", str(database), "-o", str(out), "--replace"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


@pytest.mark.parametrize("content, message", [(b"not a database at all" * 50, "not a usable SQLite database"),
                                              (None, "no such database")])
def test_report_of_something_else_is_one_line(tmp_path, content, message):
    database = tmp_path / "x.db"
    if content is not None:
        database.write_bytes(content)
    with pytest.raises(OutputError, match=message):
        build_report(database)
    result = CliRunner().invoke(cli, ["report", str(database), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and message in result.stderr


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--host-resolver-rules=MAP * ~NOTFOUND", *args],  # nothing off this machine
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_the_page_renders_in_a_real_browser(database, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(build_report(database), encoding="utf-8")
    dom = _chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    assert dom.stdout.count("<svg") == 5 and dom.stdout.count("<rect") > 30
    assert "To review: the least certain fields" in dom.stdout

    shot = tmp_path / "report.png"
    result = _chromium("--window-size=1100,2400", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1100, 2400)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
        blue = sum(n for n, colour in colours if all(abs(a - b) < 12 for a, b in zip(colour, BAR_BLUE, strict=True)))
    assert blue > 20_000  # the bars were drawn

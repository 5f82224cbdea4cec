"""Where a record's file came from: --council on extract and batch, an archive's manifest.jsonl, and
which council a record names when the user and the text disagree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.manifest import STATED_EVIDENCE, ManifestError, files_of, read_manifest, with_provenance
from models import SCHEMA_VERSION, FetchKind, ManifestEntry

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
HARTWELL = SAMPLES / "hartwell-officer-decision.txt"  # names "Hartwell County Council" in its heading


@pytest.fixture(scope="module")
def hartwell(extractor):
    return extractor.extract_file(HARTWELL)


def entry(name: str, **values) -> ManifestEntry:
    fields = dict(url=f"https://democracy.hartwell.example/documents/s1/{name}", council="Hartwell CC",
                  site_id="4182", kind=FetchKind.attachment, status=200, content_type="text/plain", sha256=None,
                  path=name, fetched_at=dt.datetime(2024, 9, 12, 10, 31, 5, tzinfo=dt.UTC))
    fields.update(values)
    return ManifestEntry(**fields)


def test_a_council_given_is_the_records_and_the_texts_own_naming_stays_as_evidence(hartwell):
    assert hartwell.council == "Hartwell County Council" and "council" in hartwell.evidence
    stated = hartwell.evidence["council"]

    given = with_provenance(hartwell, council="Hartwell CC")
    assert given.council == "Hartwell CC"
    assert "council" not in given.evidence and given.evidence[STATED_EVIDENCE] == stated
    assert given.model_dump(exclude={"council", "evidence"}) == hartwell.model_dump(exclude={"council", "evidence"})

    agreeing = with_provenance(hartwell, council="hartwell  county council")
    assert agreeing.council == "hartwell  county council" and agreeing.evidence["council"] == stated
    assert STATED_EVIDENCE not in agreeing.evidence


def test_a_manifest_entry_fills_the_source_and_council_and_council_on_the_command_line_wins(hartwell):
    fetched = with_provenance(hartwell, entry=entry("notice.txt"))
    assert fetched.council == "Hartwell CC"
    assert fetched.source.url == "https://democracy.hartwell.example/documents/s1/notice.txt"
    assert fetched.source.site_id == "4182"
    assert fetched.source.fetched_at == dt.datetime(2024, 9, 12, 10, 31, 5, tzinfo=dt.UTC)
    assert fetched.source.sha256 == hartwell.source.sha256 and fetched.source.path == hartwell.source.path

    assert with_provenance(hartwell, council="Hartwell County Council", entry=entry("notice.txt")).council == (
        "Hartwell County Council")
    assert with_provenance(hartwell, entry=entry("notice.txt", council=None)).council == "Hartwell County Council"
    assert with_provenance(hartwell) == hartwell


def test_reading_a_manifest(tmp_path):
    manifest = tmp_path / "manifest.jsonl"
    good = [entry("a.txt"), entry("b.txt", status=404, path=None, error="HTTP 404 Not Found"),
            entry("a.txt", sha256="0" * 64)]  # a later line for the same URL
    torn = good[0].model_dump_json()[:40]  # a fetch killed while writing its last line
    manifest.write_text("".join(e.model_dump_json() + "\n" for e in good) + torn, encoding="utf-8")
    assert read_manifest(manifest) == good
    files = files_of(manifest)
    assert list(files) == [str((tmp_path / "a.txt").resolve())] and files[str((tmp_path / "a.txt").resolve())].sha256

    bad = tmp_path / "bad.jsonl"
    bad.write_text(good[0].model_dump_json() + "\n" + json.dumps({"url": "x", "kind": "leaflet"}) + "\n"
                   + good[1].model_dump_json() + "\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="line 2 is not a manifest entry"):
        read_manifest(bad)
    with pytest.raises(ManifestError, match="cannot read"):
        read_manifest(tmp_path / "missing.jsonl")


def test_odr_extract_council(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(HARTWELL), "--council", "Hartwell CC", "--model", "blank"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["council"] == "Hartwell CC" and STATED_EVIDENCE in record["evidence"]
    assert record["source"]["url"] is None and record["schema_version"] == SCHEMA_VERSION


def test_odr_batch_council_and_manifest(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "notice.txt").write_bytes(HARTWELL.read_bytes())
    (archive / "other.txt").write_bytes((SAMPLES / "fenwick-delegated-decision.txt").read_bytes())
    (archive / "manifest.jsonl").write_text(entry("notice.txt").model_dump_json() + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(archive), "-o", str(out), "--workers", "1", "--model", "blank", "--no-evidence"]

    result = CliRunner().invoke(cli, [*args, "--manifest", str(archive / "manifest.jsonl")])
    assert result.exit_code == 0, result.output
    records = {Path(e["source"]["path"]).name: e for e in map(json.loads, out.read_text().splitlines())}
    assert set(records) == {"notice.txt", "other.txt"}  # the manifest is not an input
    assert records["notice.txt"]["council"] == "Hartwell CC"
    assert records["notice.txt"]["source"]["site_id"] == "4182"
    assert records["other.txt"]["council"] == "Fenwick District Council" and records["other.txt"]["source"]["url"] is None

    result = CliRunner().invoke(cli, [*args, "--council", "Somewhere Else Council", "--replace"])
    assert result.exit_code == 1 and "not_a_record 1" in result.output  # without --manifest it is an input: JSON, no record
    assert {e["council"] for e in map(json.loads, out.read_text().splitlines()) if "source" in e} == {
        "Somewhere Else Council"}


def test_a_bad_manifest_is_one_clear_line(tmp_path):
    (tmp_path / "notice.txt").write_bytes(HARTWELL.read_bytes())
    (tmp_path / "manifest.jsonl").write_text("this is not json\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "notice.txt"), "-o", str(tmp_path / "out.jsonl"),
                                      "--manifest", str(tmp_path / "manifest.jsonl")])
    assert result.exit_code == 1
    assert "line 1 is not a manifest entry" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out.jsonl").exists()

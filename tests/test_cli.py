import json

import pytest
from click.testing import CliRunner
from conftest import RECORD

from extractor.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_extract_one_file_prints_one_json_object(record_file):
    result = run("extract", record_file)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["subject"] == "Resurfacing of Mill Lane Car Park"
    assert record["decision_maker"] == {"name": None, "title": "Cabinet Member for Environment and Transport"}
    assert record["executive_member"]["portfolio"] == "Environment and Transport"
    assert record["key_decision"] is False
    assert record["decision_date"] == "2024-03-01"
    assert {"kind": "published", "value": "2024-03-04", "label": "Publication date"} in record["dates"]
    assert record["rejected_options"] == ["Patch repairs only. Rejected because the surface has failed across the whole site."]
    assert record["evidence"]["decision_maker"]["method"] == "label"
    assert record["reference"] is None  # not stated, not invented


def test_several_files_give_json_lines(record_file, tmp_path):
    other = tmp_path / "copy.txt"
    other.write_text(RECORD.replace("Mill Lane", "Station Road"), encoding="utf-8")
    result = run("extract", record_file, other)
    lines = result.stdout.strip().split("\n")
    assert [json.loads(line)["subject"] for line in lines] == [
        "Resurfacing of Mill Lane Car Park",
        "Resurfacing of Station Road Car Park",
    ]


def test_output_file_pretty_and_no_evidence(record_file, tmp_path):
    out = tmp_path / "out" / "record.json"
    result = run("extract", record_file, "-o", out, "--pretty", "--no-evidence")
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("{\n  ")
    assert "evidence" not in json.loads(text)
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_unreadable_file_one_line_on_stderr_and_exit_1(tmp_path):
    result = run("extract", tmp_path / "missing.pdf")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "missing.pdf" in result.stderr and "not_found" in result.stderr
    assert "Traceback" not in result.stderr


def test_good_and_bad_files_together(record_file, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("extract", record_file, empty)
    assert result.exit_code == 1
    assert len(result.stdout.strip().split("\n")) == 1
    assert "empty" in result.stderr


def test_schema_is_the_record_json_schema():
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "DecisionRecord"
    assert {"reference", "decision_maker", "rejected_options", "evidence", "schema_version"} <= set(schema["properties"])


def test_profile_adds_labels_without_code(record_file, tmp_path):
    text = RECORD.replace("Decision Maker:", "Delegate:")
    path = tmp_path / "custom.txt"
    path.write_text(text, encoding="utf-8")
    assert json.loads(run("extract", path).stdout)["decision_maker"] is None
    profile = tmp_path / "wyvern.toml"
    profile.write_text('[fields.decision_maker]\nlabels = ["Delegate"]\n', encoding="utf-8")
    record = json.loads(run("extract", path, "--profile", profile).stdout)
    assert record["decision_maker"]["title"] == "Cabinet Member for Environment and Transport"


def test_example_profile_reads_its_council_template(tmp_path):
    from pathlib import Path

    profile = Path(__file__).resolve().parents[1] / "profiles" / "example-council.toml"
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "Notice of Delegated Decision\n"
        "Replacement of Play Equipment, Fenwick Park\n"
        "Determined by: Ruth Okafor, Head of Parks\n"
        "This is notice DPN/2024/117 of a decision under delegated powers.\n"
        "Decision: To replace the play equipment.\n"
        "Courses of action not adopted:\n"
        "- Repair the existing equipment – not safe beyond this year.\n"
        "Carbon impact: Low.\n",
        encoding="utf-8",
    )
    plain = json.loads(run("extract", notice).stdout)
    assert plain["reference"] is None and plain["rejected_options"] is None
    record = json.loads(run("extract", notice, "--profile", profile).stdout)
    assert record["subject"] == "Replacement of Play Equipment, Fenwick Park"
    assert record["decision_maker"] == {"name": "Ruth Okafor", "title": "Head of Parks"}
    assert record["reference"] == "DPN/2024/117"
    assert record["rejected_options"] == ["Repair the existing equipment – not safe beyond this year."]


def test_eval_scores_a_directory_of_gold_annotations(record_file, tmp_path):
    gold = {"file": record_file.name, "subject": "Resurfacing of Mill Lane Car Park", "key_decision": True,
            "decision_date": "2024-03-01", "rejected_options": None}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    result = run("eval", tmp_path, "--show-errors")
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line and line[0].islower()}
    assert rows["subject"][1:4] == ["1.000", "1.000", "1.000"]
    assert rows["key_decision"][-3:] == ["0", "1", "1"]  # the record says No: one false positive, one miss
    assert "expected: true" in result.stdout and "got:      false" in result.stdout


def test_eval_without_gold_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "no gold.jsonl" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content, message",
    [(None, "profile not found"), ("labels = [", "not valid TOML"), ('[prose]\nreference = ["(unclosed"]\n', "invalid pattern")],
)
def test_a_bad_profile_is_one_clean_error(record_file, tmp_path, content, message):
    profile = tmp_path / "council.toml"
    if content is not None:
        profile.write_text(content, encoding="utf-8")
    for command in (["extract", str(record_file)], ["batch", str(record_file), "-o", str(tmp_path / "out.jsonl")]):
        result = CliRunner().invoke(cli, [*command, "--profile", str(profile)])
        assert result.exit_code == 1
        assert message in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_is_one_clean_error(record_file, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(record_file), "-o", str(blocker / "out.json")])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


# -- CLI habits (issue 10) --------------------------------------------------------------------------


def test_extract_dash_reads_standard_input():
    result = CliRunner().invoke(cli, ["extract", "-", "--no-evidence"], input=RECORD.encode("utf-8"))
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["subject"] == "Resurfacing of Mill Lane Car Park" and record["source"]["path"] == "<stdin>"


def test_pretty_with_several_files_indents_each(record_file, tmp_path):
    other = tmp_path / "station road.txt"
    other.write_text(RECORD.replace("Mill Lane", "Station Road"), encoding="utf-8")
    text = run("extract", record_file, other, "--pretty", "--no-evidence").stdout
    decoder, position, subjects = json.JSONDecoder(), 0, []
    while text[position:].strip():
        record, end = decoder.raw_decode(text, position)
        subjects.append(record["subject"])
        position = end + 1
    assert subjects == ["Resurfacing of Mill Lane Car Park", "Resurfacing of Station Road Car Park"]
    assert text.startswith("{\n  \"schema_version\"") and "\n}\n{\n" in text


def test_quiet_and_verbose(record_file, tmp_path):
    missing = tmp_path / "missing.pdf"
    quiet = CliRunner().invoke(cli, ["extract", str(record_file), str(missing), "-q"])
    assert quiet.exit_code == 1 and quiet.stderr == "" and json.loads(quiet.stdout)["subject"]
    verbose = CliRunner().invoke(cli, ["extract", str(record_file), str(missing), "-v"])
    lines = verbose.stderr.splitlines()
    assert len(lines) == 2 and "mill lane.txt: text, 1 page(s)" in lines[0] and "not_found" in lines[1]


def test_batch_summary_names_the_failed_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(12):  # different bytes each, so none is a duplicate of another
        (folder / f"broken-{n:02d}.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog" + bytes([65 + n]) * 40)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    summary = result.stderr.strip()
    named = [f"broken-{n:02d}.pdf (corrupt)" for n in range(12)]
    assert all(name in summary for name in named[:10]) and not any(name in summary for name in named[10:])
    assert summary.endswith("and 2 more")
    verbose = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--replace", "-v", "--workers", "1"])
    assert all(name in verbose.stderr for name in named) and "more" not in verbose.stderr
    quiet = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--replace", "-q", "--workers", "1"])
    assert quiet.exit_code == 1 and quiet.stderr == ""

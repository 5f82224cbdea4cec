"""Council profiles: validated on load, laid over the built-in profile, chosen per document."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.fields.people import grammar
from extractor.pipeline import Extractor
from extractor.profile import ProfileError, ProfileSet, WordPattern, load_profile

NOTICE = """Wyvern District Council
Notice of Delegated Decision
Subject: Parking charges at Mill Street car park
Delegate: Ruth Okafor, Head of Parking Services
Sealed on: 3 March 2025
Decision:
To increase the all-day tariff to £6.
Budget
The change raises about £40,000 a year.
Reasons:
The tariff has not changed since 2019.
"""


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "council.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def extract(text: str, *profiles) -> object:
    return Extractor.create(profiles, model="blank").extract_text(text)


def test_builtin_profile_loads_every_group_and_setting():
    profile = load_profile()
    assert profile.fields["decision_maker"].kind == "line"
    assert profile.fields["date_signed"].follows == ("signed",)
    assert profile.settings.follows_window == 4
    assert "cllr" in profile.vocabulary["honorifics"]


def test_a_mistyped_group_is_reported_with_the_nearest_name(write):
    path = write('[fields.decison_maker]\nlabels = ["Determined by"]\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message and "fields.decison_maker" in message and "'decision_maker'" in message


def test_a_string_where_a_list_is_wanted_is_an_error_not_a_wipe(write):
    path = write('[fields.decision_maker]\nlabels = "Determined by"\n')
    with pytest.raises(ProfileError, match=r"fields\.decision_maker\.labels: a list of strings is wanted"):
        load_profile(str(path))


def test_an_unknown_date_kind_names_the_nearest_kind(write):
    path = write('[fields.date_approved]\ndate_kind = "publication"\nlabels = ["Date approved"]\n')
    with pytest.raises(ProfileError) as caught:
        Extractor.create((path,), model="blank")
    assert "fields.date_approved.date_kind" in str(caught.value) and "'published'" in str(caught.value)


def test_a_profile_date_group_is_read(write):
    assert extract(NOTICE).decision_date is None
    path = write('[fields.date_sealed]\ndate_kind = "decision"\nlabels = ["Sealed on"]\n')
    record = extract(NOTICE, path)
    assert record.decision_date == dt.date(2025, 3, 3)
    assert [(d.kind.value, d.label) for d in record.dates] == [("decision", "Sealed on")]


def test_unknown_keys_anywhere_name_the_nearest_key(write):
    for text, key, hint in [
        ('[fields.reasons]\nlables = ["Why"]\n', "fields.reasons.lables", "'labels'"),
        ('[vocabulary]\nhonorific = ["sheriff"]\n', "vocabulary.honorific", "'honorifics'"),
        ('[settings]\nmax_titel = 300\n', "settings.max_titel", "'max_title'"),
        ('[subjct]\ntitle_headings = ["X"]\n', "subjct", "'subject'"),
    ]:
        with pytest.raises(ProfileError) as caught:
            load_profile(str(write(text)))
        assert key in str(caught.value) and hint in str(caught.value), str(caught.value)


def test_a_setting_out_of_range_is_an_error(write):
    with pytest.raises(ProfileError, match=r"settings\.max_title"):
        load_profile(str(write("[settings]\nmax_title = 0\n")))


def test_a_profile_takes_a_label_away_so_the_section_runs_on(write):
    assert extract(NOTICE).decision == "To increase the all-day tariff to £6."
    path = write('[fields.other_headings]\nlabels = {remove = ["Budget"]}\n')
    assert extract(NOTICE, path).decision == "To increase the all-day tariff to £6.\nBudget\nThe change raises about £40,000 a year."


def test_removing_a_label_that_is_not_there_is_an_error(write):
    with pytest.raises(ProfileError, match=r"cannot remove 'Budgit'.*'Budget'"):
        load_profile(str(write('[fields.other_headings]\nlabels = {remove = ["Budgit"]}\n')))


def test_a_label_claimed_by_two_groups_is_reported(write):
    path = write('[fields.decision]\nlabels = ["Budget"]\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert "'budget'" in message and "decision" in message and "other_headings" in message and str(path) in message


def test_replace_keeps_only_the_profiles_labels(write):
    path = write('[fields.decision_maker]\nlabels = {replace = ["Determined by"]}\n')
    profile = load_profile(str(path))
    assert [s.name for s in profile.specs_for("Determined by")] == ["decision_maker"]
    assert profile.specs_for("Decision Maker") == []


def test_vocabulary_grows_from_a_profile(write):
    text = "Decision Maker: Provost Ailsa Grant, Convener of Housing\nDecision: To adopt the plan.\n"
    assert extract(text).decision_maker.name == "Provost Ailsa Grant"
    path = write('[vocabulary]\nhonorifics = ["provost"]\n')
    assert extract(text, path).decision_maker.model_dump() == {"name": "Ailsa Grant", "title": "Convener of Housing"}


def test_an_invalid_pattern_names_its_key(write):
    with pytest.raises(ProfileError, match=r"prose\.reference: invalid pattern"):
        load_profile(str(write("[prose]\nreference = ['(unclosed']\n")))


def test_council_profiles_apply_to_the_documents_that_match_them(write, tmp_path):
    wyvern = write('council = "Wyvern District Council"\n[match]\nkeywords = ["Wyvern District"]\n'
                   '[fields.decision_maker]\nlabels = ["Delegate"]\n', "wyvern.toml")
    write('council = "Brackley Borough Council"\n[match]\nkeywords = ["Brackley"]\n'
          '[fields.decision_maker]\nlabels = ["Signed off by"]\n', "brackley.toml")
    extractor = Extractor.create((tmp_path,), model="blank")  # a folder: every profile in it
    record = extractor.extract_text(NOTICE)
    assert record.council == "Wyvern District Council"
    assert record.decision_maker.name == "Ruth Okafor"
    elsewhere = extractor.extract_text(NOTICE.replace("Wyvern District Council", "Ashcombe Council"))
    assert elsewhere.decision_maker is None and elsewhere.council == "Ashcombe Council"
    assert len(ProfileSet.load([wyvern]).councils) == 1


def test_council_profiles_do_not_conflict_with_each_other(write, tmp_path):
    # the same label in two councils' profiles is no conflict: each is laid over the built-in alone
    write('[match]\nkeywords = ["Wyvern"]\n[fields.decision]\nlabels = ["Outcome"]\n', "a.toml")
    write('[match]\nkeywords = ["Brackley"]\n[fields.reasons]\nlabels = ["Outcome"]\n', "b.toml")
    profiles = ProfileSet.load([tmp_path])
    assert [p.specs_for("Outcome")[0].name for p in profiles.councils] == ["decision", "reasons"]


def test_missing_and_broken_files_are_profile_errors(write, tmp_path):
    with pytest.raises(ProfileError, match="profile not found"):
        load_profile(str(tmp_path / "absent.toml"))
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(str(write("labels = [")))


def _pdf_with_full_lines(lines: list[str], path):
    """Each text line on a line of its own; a line ending in '>' is padded with words to the right
    margin, as the last line of a justified paragraph is, so the line after it looks like a wrap."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=10)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - 40
    for line in lines:
        if line.endswith(">"):
            line = line[:-1]
            while pdf.get_string_width(line + " so") < width - 1:
                line += " so"
        pdf.cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_profile_heading_reads_the_same_in_text_and_pdf(write, tmp_path):
    pytest.importorskip("fpdf")
    if not __import__("pathlib").Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists():
        pytest.skip("DejaVuSans.ttf is not installed")
    lines = [
        "Wyvern District Council",
        "Decision: To resurface the Mill Street car park in May.",
        "The works will be done at night and the car park will stay open by day>",
        "Courses of action not adopted",
        "- Resurfacing in one closure of two weeks.",
    ]
    text = tmp_path / "notice.txt"
    text.write_text("\n".join(line.rstrip(">") for line in lines) + "\n", encoding="utf-8")
    pdf = _pdf_with_full_lines(lines, tmp_path / "notice.pdf")
    profile = write('[fields.rejected_options]\nlabels = ["Courses of action not adopted"]\n')
    extractor = Extractor.create((profile,), model="blank")
    expected = ["Resurfacing in one closure of two weeks."]
    assert extractor.extract_file(text).rejected_options == expected
    assert extractor.extract_file(pdf).rejected_options == expected
    # the line before the heading reaches the margin: without the profile's word, the PDF reader
    # takes the heading for the rest of a wrapped line
    plain = Extractor.create(model="blank").extract_file(pdf)
    assert "Courses of action not adopted" in plain.decision


# ---- word lists searched from where their words open: the matches the regex finds ----

_WORD_PIECES = ["Cabinet Member", "cabinet  member", "CABINET-MEMBER", "Director of Place", "director", "Mr ", "Dr.", "address",
                "Councillor", "Cllr", "approved", "Approve", "council plan", "Leader", "the", " ", "\n", ",", "ſir", "x", "-"]


@pytest.fixture(scope="module")
def word_patterns():
    profile = load_profile()
    g = grammar(profile)
    return {"member_role": profile.member_role, "decision_verb": profile.decision_verb, "option_words": profile.option_words,
            "head": g.head, "honorific_word": g.honorific_word}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORD_PIECES), max_size=40).map("".join), st.integers(0, 5))
def test_word_pattern_finds_what_its_regex_finds(word_patterns, text, pos):
    for name, words in word_patterns.items():
        assert isinstance(words, WordPattern)
        expected = [m.span() for m in words.pattern.finditer(text, pos)]
        long = text * (WordPattern.MIN_CHARS // max(1, len(text)) + 1) if text else text
        assert [m.span() for m in words.finditer(text, pos)] == expected, name
        assert [m.span() for m in words.finditer(long, pos)] == [m.span() for m in words.pattern.finditer(long, pos)], name
        first = words.search(long, pos)
        again = words.pattern.search(long, pos)
        assert (first.span() if first else None) == (again.span() if again else None), name

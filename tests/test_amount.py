"""amount: the money a decision commits or approves, when the record states it."""

from __future__ import annotations

import pytest

from extractor.fields.amount import parse_money
from extractor.pipeline import Extractor
from extractor.profile import load_profile

PROFILE = load_profile()


@pytest.mark.parametrize(
    "text, value, printed",
    [
        ("award the contract for £1.2m", 1_200_000, "£1.2m"),
        ("a grant of £250,000 to the trust", 250_000, "£250,000"),
        ("borrowing of up to £2 million", 2_000_000, "up to £2 million"),
        ("spend not exceeding £45k on repairs", 45_000, "not exceeding £45k"),
        ("at a total cost of £1,250,000.00.", 1_250_000, "£1,250,000.00"),
        ("a budget of £3.5 million", 3_500_000, "£3.5 million"),
        ("capital of £2bn", 2_000_000_000, "£2bn"),
        ("GBP 18,000 for the survey", 18_000, "GBP 18,000"),
        ("a charge of £30 per permit, with £6,000 set aside", 6_000, "£6,000"),
    ],
)
def test_sums_as_councils_print_them(text, value, printed):
    amount, start, end = parse_money(text, PROFILE)
    assert (amount.value, amount.text) == (value, printed)
    assert " ".join(text[start:end].split()) == printed


@pytest.mark.parametrize("text", ["no money here", "a charge of £30 per permit", "£12 each", "Appendix 1, paragraph 3"])
def test_no_sum_or_only_a_rate_is_no_amount(text):
    assert parse_money(text, PROFILE) is None


@pytest.fixture(scope="module")
def extractor():
    return Extractor.create(model="blank")


def test_a_labelled_value_wins(extractor):
    record = extractor.extract_text(
        "Decision Notice\nSubject: Highway drainage works 2025/26\nContract value: £310,000\n"
        "Decision:\nTo award the contract to Dale Civils Ltd, with a contingency of £15,000.\n"
    )
    assert (record.amount.value, record.amount.text) == (310_000, "£310,000")
    assert record.evidence["amount"].method.value == "label"


def test_the_decision_text_gives_the_amount(extractor):
    text = ("Officer Decision Record\nSubject: Community grants round 3\n"
            "Decision:\nTo award grants totalling £48,600 to the nine groups in Appendix A.\n"
            "Reasons:\nThe scheme budget of £60,000 allows it.\n")
    record = extractor.extract_text(text)
    assert record.amount.value == 48_600
    evidence = record.evidence["amount"]
    assert text[evidence.char_start : evidence.char_end] == "£48,600"


def test_the_subject_gives_it_when_the_decision_does_not(extractor):
    record = extractor.extract_text(
        "Record of Decision\nSubject: Purchase of two refuse vehicles (£640k)\n"
        "Decision:\nTo buy the vehicles through the regional framework.\n"
    )
    assert record.amount.value == 640_000


def test_sums_only_in_reasons_or_background_are_not_the_amount(extractor):
    record = extractor.extract_text(
        "Record of Decision\nSubject: Closure of the Old Mill depot\n"
        "Decision:\nTo close the depot on 31 March.\nReasons:\nThe depot costs £85,000 a year to run.\n"
    )
    assert record.amount is None

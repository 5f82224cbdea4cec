from extractor.fields.sections import split_options
from extractor.profile import load_profile

PROFILE = load_profile()


def options(text: str) -> list[str]:
    return split_options([line.strip() for line in text.split("\n")], PROFILE)


def test_bullets_one_option_each():
    text = "- Do nothing – the service would stop.\n- Extend the contract – not permitted."
    assert options(text) == ["Do nothing – the service would stop.", "Extend the contract – not permitted."]


def test_numbered_items_and_wrapped_lines():
    text = "1. Re-procure the whole contract, which would\ntake eighteen months.\n2) Bring the service in house."
    assert options(text) == ["Re-procure the whole contract, which would take eighteen months.", "Bring the service in house."]


def test_option_n_items_keep_their_label_and_drop_placeholders():
    text = "Option 1 - Not to add, which would mean the\nConstitution was unclear.\nOption 2 -\nOption 3 -"
    assert options(text) == ["Option 1 - Not to add, which would mean the Constitution was unclear."]


def test_intro_line_commentary_and_adopted_proposal_are_not_options():
    text = (
        "The options considered are as follows:\n"
        "• Option 1: Close the centre (the decision proposal).\n"
        "• Option 2: Keep the centre open at a reduced\n"
        "cost.\n"
        "The table below summarises why each was discounted.\n"
        "2 Would not save enough."
    )
    assert options(text) == ["Option 2: Keep the centre open at a reduced cost."]


def test_prose_is_one_option_and_commentary_paragraphs_are_dropped():
    text = (
        "To wait until the Annual Meeting. This was rejected as it would delay matters.\n"
        "\n"
        "A full review will occur as part of the Annual Review of the Constitution."
    )
    assert options(text) == ["To wait until the Annual Meeting. This was rejected as it would delay matters."]


def test_second_prose_paragraph_that_names_an_option_is_kept():
    text = "Do nothing.\n\nThe alternative of sharing the service was rejected as too costly."
    assert options(text) == ["Do nothing.", "The alternative of sharing the service was rejected as too costly."]


def test_none_and_not_applicable_mean_no_options():
    for text in ["None", "None.", "Not applicable.", "N/A", "None available as the contract was extended once.", "There were no alternatives."]:
        assert options(text) == [], text


def test_empty_section_gives_no_options():
    assert options("") == []

import pytest

from extractor.fields.people import capitalised_run, fix_caps, is_name, portfolio_of, split_person
from extractor.profile import load_profile

PROFILE = load_profile()


@pytest.mark.parametrize(
    "text, name, title",
    [
        ("Anna Morrison, Director of Improvement & Technology", "Anna Morrison", "Director of Improvement & Technology"),
        ("Mrs Sue Chandler, Cabinet Member for Integrated Children’s Services", "Sue Chandler", "Cabinet Member for Integrated Children’s Services"),
        ("Councillor Peter Connor", "Peter Connor", None),
        ("Cllr. Jane O'Neill - Head of Highways", "Jane O'Neill", "Head of Highways"),
        ("J Anderson (Cabinet Member for Housing)", "J Anderson", "Cabinet Member for Housing"),
        ("...Anna Morrison", "Anna Morrison", None),
        ("Dr Amir Khan-Patel, Chief Executive", "Amir Khan-Patel", "Chief Executive"),
        ("Cabinet", None, "Cabinet"),
        ("Cabinet Member for Highways, Assets and Transport", None, "Cabinet Member for Highways, Assets and Transport"),
        ("Contracts, Service Delivery and Improvement Portfolio Holder", None, "Contracts, Service Delivery and Improvement Portfolio Holder"),
        ("Executive Member (Resources)", None, "Executive Member (Resources)"),
        ("Assistant Director (Planning)", None, "Assistant Director (Planning)"),
        ("Cabinet Member - Technical Services (meeting)", None, "Cabinet Member - Technical Services"),
        ("CABINET MEMBER FOR Housing", None, "Cabinet Member for Housing"),
    ],
)
def test_split_person_separates_name_from_title(text, name, title):
    person = split_person(text, PROFILE)
    assert (person.name, person.title) == (name, title)


@pytest.mark.parametrize("text", ["Anna Morrison", "J Anderson", "Mr John de Souza", "Sue Chandler"])
def test_names(text):
    assert is_name(text, PROFILE)


@pytest.mark.parametrize("text", ["Cabinet Member", "Managing Director", "Resources and Performance", "Cabinet", "date", "the Council"])
def test_not_names(text):
    assert not is_name(text, PROFILE)


@pytest.mark.parametrize(
    "title, portfolio",
    [
        ("Cabinet Member for Highways, Assets and Transport", "Highways, Assets and Transport"),
        ("Executive Member (Resources)", "Resources"),
        ("Cabinet Member - Technical Services", "Technical Services"),
        ("Contracts, Service Delivery and Improvement Portfolio Holder", "Contracts, Service Delivery and Improvement"),
        ("Portfolio Holder for Transport, Highways and Road Safety", "Transport, Highways and Road Safety"),
        ("Executive Councillor for Finance and Resources", "Finance and Resources"),
        ("Lead Member for Housing", "Housing"),
        ("Director of Finance", None),
        ("Cabinet", None),
    ],
)
def test_portfolio_from_member_title(title, portfolio):
    assert portfolio_of(title, PROFILE) == portfolio


def test_fix_caps_leaves_acronyms_alone():
    assert fix_caps("Director of ICT", PROFILE) == "Director of ICT"
    assert fix_caps("ASSISTANT DIRECTOR OF HOUSING", PROFILE) == "Assistant Director of Housing"


def test_capitalised_run_stops_at_prose():
    assert capitalised_run("Housing seeking Cabinet approval", PROFILE) == "Housing"
    assert capitalised_run("Housing and having received representations", PROFILE) == "Housing"
    assert capitalised_run("Finance and Resources, to consider", PROFILE) == "Finance and Resources"


def test_portfolio_after_a_member_title_without_for():
    assert portfolio_of("Cabinet Member Environment and Transport", PROFILE) == "Environment and Transport"


def test_executive_member_line_with_portfolio_in_brackets():
    from extractor.pipeline import Extractor

    record = Extractor.create(model="blank").extract_text("Executive Member: Cllr Bob Deering (Resources and Performance)\n")
    member = record.executive_member
    assert (member.name, member.title, member.portfolio) == ("Bob Deering", None, "Resources and Performance")


@pytest.mark.parametrize(
    "text, name, title",
    [
        ("The Leader of the Council, Cllr Ann Green", "Ann Green", "Leader of the Council"),
        ("Head of Planning, Building Control", None, "Head of Planning, Building Control"),
        ("Head of Highways - Jane Smith", "Jane Smith", "Head of Highways"),
    ],
)
def test_title_before_name(text, name, title):
    person = split_person(text, PROFILE)
    assert (person.name, person.title) == (name, title)

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.fields.people import _LINE_SEPARATOR, fix_caps, grammar, line_separator
from extractor.profile import load_profile

PROFILE = load_profile()
GRAMMAR = grammar(PROFILE)


def split_person(text):
    return GRAMMAR.read(text).person


def portfolio_of(title):
    role = GRAMMAR.role(title)
    return role.portfolio if role else None


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
    person = split_person(text)
    assert (person.name, person.title) == (name, title)


@pytest.mark.parametrize("text", ["Anna Morrison", "J Anderson", "Mr John de Souza", "Sue Chandler"])
def test_names(text):
    assert GRAMMAR.is_name(text)


@pytest.mark.parametrize("text", ["Cabinet Member", "Managing Director", "Resources and Performance", "Cabinet", "date", "the Council"])
def test_not_names(text):
    assert not GRAMMAR.is_name(text)


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
    assert portfolio_of(title) == portfolio


def test_fix_caps_leaves_acronyms_alone():
    assert fix_caps("Director of ICT", PROFILE) == "Director of ICT"
    assert fix_caps("ASSISTANT DIRECTOR OF HOUSING", PROFILE) == "Assistant Director of Housing"


def test_an_area_in_prose_is_its_capitalised_run():
    assert GRAMMAR.area("Housing seeking Cabinet approval") == "Housing"
    assert GRAMMAR.area("Housing and having received representations") == "Housing"
    assert GRAMMAR.area("Finance and Resources, to consider") == "Finance and Resources"
    assert GRAMMAR.area("Transport, Highways and Road Safety, approved") == "Transport, Highways and Road Safety"
    assert GRAMMAR.area("the remaining budget") is None


def test_portfolio_after_a_member_title_without_for():
    assert portfolio_of("Cabinet Member Environment and Transport") == "Environment and Transport"


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
    person = split_person(text)
    assert (person.name, person.title) == (name, title)


# --------------------------------------------------------------------------------------------------
# the person-and-role grammar (issue 9): every shape a value prints a name and a role in


@pytest.mark.parametrize(
    "text, name, title",
    [
        # Role: Name / Role - Name / Role (Name) / Role, Name (after a comma only with an honorific)
        ("Cabinet Member for Finance: Councillor A. B. Smith", "A. B. Smith", "Cabinet Member for Finance"),
        ("Director of Place - Mrs J Smith", "J Smith", "Director of Place"),
        ("Head of Legal Services (Tomasz Nowak)", "Tomasz Nowak", "Head of Legal Services"),
        ("Deputy Leader, Cllr Priya Varma", "Priya Varma", "Deputy Leader"),
        # Name, Role / Name (Role) / Name - Role
        ("Councillor Raj Patel, Cabinet Member for Transport", "Raj Patel", "Cabinet Member for Transport"),
        ("Sarah Okonkwo (Head of Highways)", "Sarah Okonkwo", "Head of Highways"),
        ("Ms Siân Rhys-Davies - Corporate Director of Communities", "Siân Rhys-Davies", "Corporate Director of Communities"),
        ("Cllr McAllister, Leader of the Council", "McAllister", "Leader of the Council"),
        ("DR HELEN O'CONNOR, CHIEF EXECUTIVE", "HELEN O'CONNOR", "Chief Executive"),
        # roles alone, as councils print them
        ("Elected Mayor", None, "Elected Mayor"),
        ("Cabinet Member with Special Responsibility for Economic Growth", None,
         "Cabinet Member with Special Responsibility for Economic Growth"),
        ("Strategic Director of the Economy Department", None, "Strategic Director of the Economy Department"),
        ("Chief Officer (Highways and Transportation)", None, "Chief Officer (Highways and Transportation)"),
        ("Planning and Licensing Committee", None, "Planning and Licensing Committee"),
        # content-management marks on a role
        ("Portfolio Holder for Transport (to 01/11/2021)", None, "Portfolio Holder for Transport"),
        ("Executive Member for Housing - Expired, Executive Member for Housing and Safer Communities", None,
         "Executive Member for Housing and Safer Communities"),
        ("Decision Session - Executive Member for Culture", None, "Executive Member for Culture"),
        ("Lead Member for Adult Care (Expired); Lead Member for Adult Care and Health", None, "Lead Member for Adult Care and Health"),
    ],
)
def test_a_value_gives_its_name_and_role_whichever_way_round(text, name, title):
    person = split_person(text)
    assert (person.name, person.title) == (name, title)


@pytest.mark.parametrize(
    "title, portfolio",
    [
        ("Cabinet Member with Special Responsibility for Rural Area Portfolio", "Rural Area"),
        ("Cabinet Member with responsibility for the Environment", "Environment"),
        ("Cabinet Member - Corporate Services & Performance (Deputy Leader)", "Corporate Services & Performance"),
        ("Deputy Leader and Cabinet Member for Finance, Corporate and Traded Services", "Finance, Corporate and Traded Services"),
        ("Communities and Wellbeing Portfolio Holder", "Communities and Wellbeing"),
        ("Portfolio Holder - Leader", "Leader"),
        ("Leader of the Council", None),
        ("Portfolio Holder", None),
        ("Head of Highways", None),
    ],
)
def test_the_portfolio_is_a_member_roles_area(title, portfolio):
    assert portfolio_of(title) == portfolio


@pytest.mark.parametrize(
    "text, roles",
    [
        ("the Leader of the Council, Cllr Jane Doe, approved", ["Leader of the Council"]),
        ("The Chief Executive, in consultation with the Cabinet Member for Rural Affairs, agreed",
         ["Chief Executive", "Cabinet Member for Rural Affairs"]),
        ("That the Corporate Director Resident Services (Corporate Director of Housing as of 1 May):",
         ["Corporate Director Resident Services", "Corporate Director of Housing"]),
        ("a report of the Assistant Commercial Director on fees", ["Assistant Commercial Director"]),
        ("in consultation with the Portfolio Holder for the remaining budget", ["Portfolio Holder"]),
        ("the head of the queue and the director's view", []),  # lower case: not a title
    ],
)
def test_roles_in_prose(text, roles):
    assert [role.title for role, _, _ in GRAMMAR.roles_in(text)] == roles


def test_a_person_entity_ends_an_area():
    """spaCy's PERSON (a span given to the grammar) stops an area that rules would run on."""
    text = "Head of Highways Jane Smith approved the scheme"
    start = text.index("Jane")
    mention = GRAMMAR.mentions(text, [(start, start + len("Jane Smith"))])[0]
    assert (mention.name, mention.role.title) == ("Jane Smith", "Head of Highways")


@pytest.mark.parametrize("text", ["Urgent Business", "Decision Made", "Appendix A", "Not Applicable", "Yes", "Raj"])
def test_more_not_names(text):
    assert not GRAMMAR.is_name(text)


@pytest.mark.parametrize("text", ["Cllr Smith", "A. B. Smith", "AB Smith", "Siân Rhys-Davies", "Seamus O’Donnell", "Ursula von der Leyen"])
def test_more_names(text):
    assert GRAMMAR.is_name(text)


@pytest.mark.parametrize(
    "a, b, same",
    [("S Okonkwo", "Sarah Okonkwo", True), ("S. T. Okonkwo", "Sarah Okonkwo", True), ("R Okonkwo", "Sarah Okonkwo", False),
     ("Sarah Okonkwo", "Sarah Okafor", False), ("J Anderson", "J Anderson", True)],
)
def test_same_name(a, b, same):
    from extractor.fields.people import same_name

    assert same_name(a, b) is same


# ---- the separator after a role used as a line's label, found from its ':' or dash ----

@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", ":", "-", "–", "a", "B", " - ", "\u00a0", "\n", "x:", "2-3"]), max_size=20)
       .map("".join))
def test_line_separator_is_the_first_separator_the_pattern_finds(text):
    expected, got = _LINE_SEPARATOR.search(text), line_separator(text)
    assert (got.span() if got else None) == (expected.span() if expected else None)


@pytest.mark.parametrize(("line", "separator"), [
    ("Portfolio Holder for Leisure - Councillor Mary Quinn", " - "),
    ("Cabinet Member for Finance:  Cllr A. B. Smith", ":  "),
    ("Deputy Leader – Cllr Jo Bright (medium-term plan)", " – "),
    ("A long-standing decision with no label", None),
])
def test_line_separator_on_role_lines(line, separator):
    found = line_separator(line)
    assert (found.group() if found else None) == separator

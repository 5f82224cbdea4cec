"""Templates beyond the samples and the corpus: other councils' ways of printing the same facts."""

import datetime as dt

import pytest

PIPE_TABLE = """LONDON BOROUGH OF WESTMARSH
RECORD OF OFFICER DECISION
Decision reference no. | WM/OD/2023/044
Title of decision | Award of contract for CCTV maintenance
Decision maker (name and job title) | Priya Shah, Director of Environment
Date of decision | 5 October 2023
Key decision? | No
Is this decision exempt from publication? | Yes - Appendix 1 is exempt under paragraph 3 of Schedule 12A
Decision taken | To award the contract to SecureVision Ltd for three years.
Reasons for decision | The tender was the most economically advantageous.
Alternative options considered and rejected | 1. Do nothing – the current contract expires. 2. Extend – no extension is available.
Declarations of interest | None
"""

NOTICE_WITH_SIGNATURE_ROW = """EXECUTIVE DECISION NOTICE
Decision No.: ED/24/17
Portfolio Holder: Cllr Mark Dean, Portfolio Holder for Leisure
Subject: Leisure centre opening hours
Key Decision: Yes   Forward Plan Ref: FP/24/003
Date of Decision: 14th March 2024
Call-in expires: 21 March 2024

Decision:
To extend weekday opening at Dean Park Leisure Centre to 10pm.

Reasons:
Demand for evening sessions has grown by 40%.

Alternatives considered:
None

Signed: Mark Dean        Date: 14/03/2024
"""

QUESTION_LABELS = """Officer Delegated Decision
Decision Title: Disposal of surplus land at Orchard Way
Decision Taker: Head of Property (Ms Lucy Ward)
Is this a Key Decision? Yes
Date decision taken: 02/02/2024
Decision published: 05/02/2024
Details of decision
To dispose of 0.4 hectares of surplus land at Orchard Way to Orchard Homes Ltd for £310,000.
Reasons for the decision
The land is surplus to operational requirements.
Alternative options considered and rejected
(a) Retain the land – it has ongoing maintenance costs.
(b) Auction – likely to achieve a lower receipt.
Conflicts of interest
None declared.
"""

MODERNGOV_NUMBERED_OPTIONS = """Decision details

Parking charges review 2024/25

Decision Maker: Executive Director, Place

Decision status: Implemented

Is Key decision?: Yes

Is subject to call in?: Yes

Purpose:

To review parking charges.

Decision:

To increase parking charges by 5% from 1 April 2024.

Reasons for the decision:

To cover increased costs.

Alternative options considered:

1. Freeze charges - rejected as it would create a budget pressure of £120,000.

2. Increase by 10% - rejected as disproportionate.

Interests and Nature of Interests Declared:

None.

Publication date: 08/02/2024

Date of decision: 07/02/2024

Effective from: 16/02/2024

Accompanying Documents:
"""

NO_SEPARATORS = """RECORD OF OFFICER DECISION
Decision Reference WB/2024/019
Decision Maker Jane Hollis, Head of Regulatory Services
Date of Decision 4 June 2024
Key Decision No
Subject Matter Licensing fee review
Decision
To increase street trading consent fees by 3% from 1 July 2024.
Reasons for the Decision
To recover the cost of administering the scheme.
Alternative Options Considered and Rejected
Freezing fees – rejected because the scheme would run at a loss.
"""

LEADER_MODERNGOV = """Decision details

Award of grant to Riverside Community Trust

Decision Maker: Leader of the Council

Decision status: Recommendations Approved

Is Key decision?: No

Is subject to call in?: Yes

Wards affected: Riverside;

Lead officer: Tom Baxter

Decision:

To award a grant of £45,000 to Riverside Community Trust.

Reasons for the decision:

The Trust's proposal meets the criteria of the Community Fund.

Alternative options considered:

Not to award the grant. This was rejected as the project would not proceed.

Publication date: 02/05/2023

Date of decision: 28/04/2023

Effective from: 10/05/2023

Accompanying Documents:
"""

NAME_THEN_JOB_TITLE = """OFFICER DECISION NOTICE

Name of decision maker: Sarah Whitcombe
Job title: Strategic Director of Place
Decision reference: PL/ODN/2023/112
Date of decision: 17 November 2023

Title of decision: Appointment of consultants for the Northgate flood study

Details of the decision:
To appoint Hydrolink Ltd to undertake the Northgate flood study at a cost of £68,500.

Reasons for the decision:
Hydrolink submitted the most economically advantageous tender.

Alternative options considered and rejected:
1. Undertake the study in-house – the council lacks the modelling expertise.
2. Delay the study – this would put the external funding at risk.

Is this a key decision? No
Has the decision been taken under urgency? No
Consultation undertaken: Cabinet Member for Environment (Cllr R. Patel) was consulted and supports the decision.
Declarations of interest: None
"""

TITLE_THEN_NAME = """RECORD OF EXECUTIVE DECISION

Decision taken by: The Leader of the Council, Cllr Ann Green
Portfolio: Leader
Subject: Revised Corporate Plan 2024-2028
Key decision: Yes (Forward Plan ref KD/2024/03)
Date decision made: 12th January 2024
Date of publication: 15th January 2024
Call-in deadline: 5pm on 22nd January 2024

DECISION
That the revised Corporate Plan 2024-2028 be approved.

REASONS FOR DECISION
The current plan expires in March 2024.

OPTIONS CONSIDERED AND REJECTED
None – the Council is required to have a Corporate Plan.

CONFLICTS OF INTEREST
None declared.
"""


def test_pipe_separated_table(extractor):
    record = extractor.extract_text(PIPE_TABLE)
    assert record.council == "London Borough of Westmarsh"
    assert record.reference == "WM/OD/2023/044"
    assert record.subject == "Award of contract for CCTV maintenance"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Priya Shah", "Director of Environment")
    assert record.key_decision is False
    assert record.decision_date == dt.date(2023, 10, 5)
    assert record.rejected_options == ["Do nothing – the current contract expires.", "Extend – no extension is available."]
    assert (record.exempt_information.exempt, record.exempt_information.basis) == (True, "paragraph 3 of Schedule 12A")
    assert record.conflicts_of_interest == "None"


def test_signature_row_and_member_line(extractor):
    record = extractor.extract_text(NOTICE_WITH_SIGNATURE_ROW)
    assert record.reference == "ED/24/17"  # the Forward Plan reference is another document's number
    assert record.warnings == []
    assert (record.decision_maker.name, record.decision_maker.title) == ("Mark Dean", "Portfolio Holder for Leisure")
    assert record.executive_member.portfolio == "Leisure"
    assert record.key_decision is True
    kinds = {(d.kind.value, d.value) for d in record.dates}
    assert kinds == {("decision", dt.date(2024, 3, 14)), ("signed", dt.date(2024, 3, 14)), ("call_in_expiry", dt.date(2024, 3, 21))}
    assert record.rejected_options == []


def test_question_labels_and_name_in_brackets(extractor):
    record = extractor.extract_text(QUESTION_LABELS)
    assert (record.decision_maker.name, record.decision_maker.title) == ("Lucy Ward", "Head of Property")
    assert record.key_decision is True
    assert {(d.kind.value, d.value) for d in record.dates} == {("decision", dt.date(2024, 2, 2)), ("published", dt.date(2024, 2, 5))}
    assert record.decision.startswith("To dispose of 0.4 hectares")
    assert record.rejected_options == ["Retain the land – it has ongoing maintenance costs.", "Auction – likely to achieve a lower receipt."]
    assert record.conflicts_of_interest == "None declared."


def test_moderngov_page_with_numbered_options(extractor):
    record = extractor.extract_text(MODERNGOV_NUMBERED_OPTIONS)
    assert record.subject == "Parking charges review 2024/25"
    assert record.decision_maker.title == "Executive Director, Place" and record.decision_maker.name is None
    assert record.executive_member is None
    assert record.rejected_options == [
        "Freeze charges - rejected as it would create a budget pressure of £120,000.",
        "Increase by 10% - rejected as disproportionate.",
    ]
    assert record.conflicts_of_interest == "None."
    assert {d.kind.value for d in record.dates} == {"decision", "published", "effective"}


def test_form_printed_without_separators(extractor):
    record = extractor.extract_text(NO_SEPARATORS)
    assert record.reference == "WB/2024/019"
    assert record.subject == "Licensing fee review"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jane Hollis", "Head of Regulatory Services")
    assert record.key_decision is False
    assert record.decision_date == dt.date(2024, 6, 4)
    assert record.decision == "To increase street trading consent fees by 3% from 1 July 2024."
    assert record.rejected_options == ["Freezing fees – rejected because the scheme would run at a loss."]


def test_prose_that_opens_with_label_words_is_not_a_label(extractor):
    record = extractor.extract_text(
        "Decision: approve.\nDecision Maker Briefings were held with ward members on 3 May 2024 before the report was written\n"
    )
    assert record.decision_maker is None


def test_leader_decision_page(extractor):
    record = extractor.extract_text(LEADER_MODERNGOV)
    assert record.decision_maker.title == "Leader of the Council"
    assert record.officer_contact.name == "Tom Baxter"
    assert record.rejected_options == ["Not to award the grant. This was rejected as the project would not proceed."]
    assert {(d.kind.value, d.value) for d in record.dates} == {
        ("decision", dt.date(2023, 4, 28)), ("published", dt.date(2023, 5, 2)), ("effective", dt.date(2023, 5, 10))
    }


def test_name_label_then_job_title_label(extractor):
    record = extractor.extract_text(NAME_THEN_JOB_TITLE)
    assert (record.decision_maker.name, record.decision_maker.title) == ("Sarah Whitcombe", "Strategic Director of Place")
    assert record.reference == "PL/ODN/2023/112"
    assert record.subject == "Appointment of consultants for the Northgate flood study"
    assert record.key_decision is False
    assert record.decision.startswith("To appoint Hydrolink Ltd")
    assert len(record.rejected_options) == 2
    assert record.consultation.startswith("Cabinet Member for Environment")
    member = record.executive_member  # the member the record says was consulted
    assert (member.name, member.title, member.portfolio) == ("R. Patel", "Cabinet Member for Environment", "Environment")


def test_title_then_name_with_honorific(extractor):
    record = extractor.extract_text(TITLE_THEN_NAME)
    assert (record.decision_maker.name, record.decision_maker.title) == ("Ann Green", "Leader of the Council")
    assert record.reference is None  # the Forward Plan reference in brackets is another document's
    assert record.key_decision is True
    assert {d.kind.value for d in record.dates} == {"decision", "published", "call_in_expiry"}
    assert record.rejected_options == []
    assert record.conflicts_of_interest == "None declared."


@pytest.mark.parametrize(
    "heading", ["Cabinet Member Decision", "PORTFOLIO HOLDER DECISION NOTICE", "Lead Member Decision Record"]
)
def test_a_record_heading_that_opens_with_label_words_is_not_a_label(extractor, heading):
    record = extractor.extract_text(f"{heading}\nSubject: Fees\nDecision Maker: Portfolio Holder for Finance\n")
    member = record.executive_member
    assert (member.name, member.title, member.portfolio) == (None, "Portfolio Holder for Finance", "Finance")


def test_a_value_that_reads_like_a_label_stays_a_value(extractor):
    record = extractor.extract_text(
        "Decision Maker: Cabinet Member\nThe Cabinet Member approved the recommendations set out in the report.\n"
    )
    assert record.decision_maker.title == "Cabinet Member"


# --------------------------------------------------------------------------------------------------
# Labels read by their meaning (issue 9): a form whose labels are worded differently from any
# synonym in the profile. Each family is built from parts and varied (wording, case, separator,
# order), so the test covers the family, not one wording.

import itertools  # noqa: E402  (kept with the section that uses it)

MEANING_LABELS = {
    "maker": ["Decision by", "Decided by the", "Officer making decision", "Name of person taking the decision",
              "Decision-making officer"],
    "key": ["Is Allweddol decision?", "Key decision yes or no", "Is this decision key?"],
    "type": ["Type of decision", "Decision category", "Nature of this decision"],
    "reasons": ["Reason(s) why the decision was taken", "Rationale", "Grounds for the decision", "Justification"],
    "options": ["Other options looked at", "Alternatives that were rejected", "Options rejected by the decision maker"],
    "date": ["Date the decision was made", "Date of determination", "Decision dated"],
}
SEPARATORS = [": ", " :- ", " | "]


def _meaning_form(maker, key, kind, reasons, options, date, sep, shout) -> str:
    def label(text):
        text = text.upper() if shout else text
        return text if text.endswith("?") else text + sep.rstrip()

    return (
        "Braemoor Borough Council\nRecord of Officer Decision\n"
        f"{label(maker)} Kirsty Lomond, Head of Leisure\n"
        f"{label(key)} No\n"
        f"{label(kind)} Executive\n"
        f"{label(date)} 12 June 2025\n"
        "Decision:\nTo extend the opening hours of the Braemoor pool on Sundays.\n"
        f"{label(reasons)}\nSunday swimming sessions are fully booked.\n"
        f"{label(options)}\n- Keep the current hours – demand would go unmet.\n"
        "Carbon impact:\nNone.\n"
    )


@pytest.mark.parametrize(
    "maker, key, kind, reasons, options, date, sep, shout",
    [
        (m, k, t, r, o, d, s, shout)
        for (i, (m, k, t, r, o, d)) in enumerate(itertools.product(*MEANING_LABELS.values()))
        for s, shout in [(SEPARATORS[i % 3], i % 7 == 0)]
        if i % 37 == 0  # a spread of the 2,700 combinations, each separator and case in turn
    ],
)
def test_labels_worded_as_no_synonym_are_read_by_meaning(extractor, maker, key, kind, reasons, options, date, sep, shout):
    record = extractor.extract_text(_meaning_form(maker, key, kind, reasons, options, date, sep, shout))
    assert (record.decision_maker.name, record.decision_maker.title) == ("Kirsty Lomond", "Head of Leisure")
    assert record.key_decision is False
    assert record.decision_type.value == "executive"
    assert record.decision_date.isoformat() == "2025-06-12"
    assert record.decision == "To extend the opening hours of the Braemoor pool on Sundays."
    assert record.reasons == "Sunday swimming sessions are fully booked."
    assert record.rejected_options == ["Keep the current hours – demand would go unmet."]
    assert record.evidence["decision_maker"].confidence < 0.95  # a label read by meaning weighs less than a synonym


@pytest.mark.parametrize(
    "lead_in",
    ["That the Cabinet Member:", "That the Portfolio Holder:", "The Chief Officer (Highways and Transportation):",
     "The Corporate Director of Place, in consultation with the Cabinet Member:", "RESOLVED that the Leader:"],
)
def test_a_role_inside_the_decision_sentence_is_not_a_label(extractor, lead_in):
    record = extractor.extract_text(
        f"Decision details\nLibrary hours\nDecision:\n{lead_in}\na) approves the new library hours;\n"
        "b) notes the consultation responses.\nReasons for the decision:\nDemand.\n"
    )
    assert record.decision == f"{lead_in}\na) approves the new library hours;\nb) notes the consultation responses."


@pytest.mark.parametrize("heading", ["Carbon impact:", "Comments of ward members:", "ENVIRONMENTAL CONSIDERATIONS", "Next steps:"])
def test_an_unknown_heading_ends_the_options_section(extractor, heading):
    record = extractor.extract_text(
        "Officer Decision Notice\nDecision:\nTo resurface Long Lane.\nAlternative options considered:\n"
        f"- Patch repairs only – the surface would keep failing.\n{heading}\nThe works will use recycled asphalt.\n"
    )
    assert record.rejected_options == ["Patch repairs only – the surface would keep failing."]


@pytest.mark.parametrize(
    "line",
    ["Approve: the revised fees in Appendix A.", "Note: the scheme starts in April.", "Option 2: close the site.",
     "A. Is the applicant eligible?", "The Director approved:-"],
)
def test_lead_ins_and_list_items_inside_a_section_do_not_end_it(extractor, line):
    record = extractor.extract_text(f"Decision:\nTo adopt the fees policy.\n{line}\nReasons:\nCost recovery.\n")
    assert record.decision == f"To adopt the fees policy.\n{line}"


def test_a_title_with_a_colon_after_the_page_heading_is_the_title(extractor):
    record = extractor.extract_text(
        "Decision details\n\nParking Review: Consultation Outcome\n\nDecision Maker: Cabinet Member for Transport\n"
        "Decision:\nTo adopt the parking review.\n"
    )
    assert record.subject == "Parking Review: Consultation Outcome"
    assert record.consultation is None


def test_a_moderngov_issue_page_heads_its_decision_with_the_date_and_title(extractor):
    record = extractor.extract_text(
        "Issue - decisions\n\nPlay Area Refurbishment Programme\n\n"
        "03/02/2025 - Play Area Refurbishment Programme\n\nThat the Portfolio Holder:\n\n"
        "Approves the refurbishment of six play areas listed in Appendix 1;\n\n"
        "Reason for Decision\n\nThe equipment has reached the end of its life.\n"
    )
    assert record.decision == ("That the Portfolio Holder:\nApproves the refurbishment of six play areas listed in "
                               "Appendix 1;")
    assert record.reasons == "The equipment has reached the end of its life."
# ------------------------------------------------------------------------------------------------
# Issue 9, flags: exemption, key decision and decision type stated in other councils' words.
# Every text below is written for these tests (fictional councils and people).

def _flags_record(extractor, *lines: str):
    return extractor.extract_text("\n".join(["Record of Decision", "Subject: Replacement of play equipment", *lines,
                                             "Decision: To replace the play equipment at Elm Park."]) + "\n")


@pytest.mark.parametrize(
    "lines",
    [
        # a heading that marks the whole item, in any case, alone or qualified
        ["EXEMPT ITEM"], ["Exempt report"], ["CONFIDENTIAL"], ["PART II – EXEMPT INFORMATION"],
        ["Part 2 (confidential)"], ["This is a Part II report."], ["(Part II) Replacement of play equipment"],
        # a form's answer in words
        ["Anticipated restriction: Fully exempt"], ["Anticipated restriction: Part exempt - view reasons"],
        ["Exempt information: Confidential – Appendix B"], ["Publication status: Not for publication"],
        ["Open or exempt | Exempt"], ["Exempt information: Part 1 of Schedule 12A, paragraph 3"],
        # prose, wrapped or not
        ["The report is fully exempt."], ["Appendix 3 is a confidential appendix."],
        ["The terms are set out in the exempt decision record."],
        ["The price schedule is commercially sensitive and is therefore exempt under",
         "Rule 9.2 of the Access to Information Procedure Rules."],
        ["Following consideration of the report of the Head of Parks containing exempt",
         "information as defined in paragraph 3 of Schedule 12A, it was resolved:"],
        ["The press and public were excluded for this item."],
    ],
)
def test_an_exemption_stated_as_a_heading_an_answer_or_a_sentence(extractor, lines):
    record = _flags_record(extractor, *lines)
    assert record.exempt_information is not None and record.exempt_information.exempt is True


@pytest.mark.parametrize(
    "lines",
    [
        ["This report does not contain exempt information."], ["No part of this decision record is exempt."],
        ["Anticipated restriction: Open"], ["Exempt information: Not exempt"], ["Exempt report: No"],
        ["Confidential / exempt information: ☐ Yes ☒ No"], ["Is the report exempt? Na"],
        ["The report is not exempt."], ["Exempt information: Part I"],
        ["Access to information: Open – no information in this record is exempt under Schedule 12A"],
    ],
)
def test_a_denial_of_exemption(extractor, lines):
    record = _flags_record(extractor, *lines)
    assert record.exempt_information is not None and record.exempt_information.exempt is False


@pytest.mark.parametrize(
    "lines",
    [
        # template reminders and conditions are not statements about this record
        ["If the report contains exempt information, give the paragraph of Schedule 12A."],
        ["[Where this is an exempt report, state the reason here]"],
        ["Note: information exempt under Schedule 12A of the Local Government Act 1972 is never published here."],
        ["Exempt information: Yes ☐ No ☐"],
        # exemption from call-in, exempt land, a partner's confidential data: not withheld information
        ["This decision is exempt from call-in under the urgency rules."],
        ["The decision is exempt under Rule 16 from call-in."],
        ["The exempt properties listed in Schedule 1 were excluded from the survey."],
        ["The contractor must keep confidential information secure."], ["A non-exempt report was considered."],
    ],
)
def test_reminders_conditions_and_other_exemptions_say_nothing(extractor, lines):
    assert _flags_record(extractor, *lines).exempt_information is None


@pytest.mark.parametrize(
    "lines, basis",
    [
        (["Exempt: yes, under paragraph 5 of Part 1 of Schedule 12A to the Local Government Act 1972"],
         "paragraph 5 of Part 1 of Schedule 12A to the Local Government Act 1972"),
        (["This report contains exempt information as defined in paragraph 16 of Part 4 of",
          "Schedule 12A of the Local Government Act, 1972."], "paragraph 16 of Part 4 of Schedule 12A of the Local Government Act, 1972"),
        (["The tender prices are exempt under Rule 10.4 (b) of the Constitution."], "Rule 10.4 (b) of the Constitution"),
    ],
)
def test_the_legal_basis_of_an_exemption(extractor, lines, basis):
    assert _flags_record(extractor, *lines).exempt_information.basis == basis


@pytest.mark.parametrize(
    "lines, key",
    [
        (["Is Allweddol decision?: Na"], False), (["Is Allweddol decision?: Ydy"], True),
        (["Penderfyniad allweddol: Nac ydy"], False), (["KEY DECISION: IE / YES"], True),
        (["Key decision: Non-key"], False), (["Type of decision:", "", "Non-key", ""], False),
        (["Decision type:", "", "Key", ""], True),
        (["Key decision: ☐ Yes ☒ No"], False), (["Key or non-key | Key ☒ Non-key ☐"], True), (["Key decision: ☒"], True),
        (["Replacement of play equipment (Non-Key Recordable Officer Decision)"], False),
        (["Budget monitoring (Key Decision)"], True),
        (["This is a key decision."], True), (["The decision is a key decision as it affects two or more wards."], True),
        (["This decision is not considered to be a key decision."], False),
        (["The decision does not constitute a key decision."], False),
        (["If this is a key decision, give its Forward Plan reference."], None),
        (["Key decision: Yes ☐ No ☐"], None),
    ],
)
def test_key_decision_in_other_words(extractor, lines, key):
    assert _flags_record(extractor, *lines).key_decision is key


# --------------------------------------------------------------------------------------------------
# Sections without their headings, sections that hold two fields, and sub-headings (issue 9).

HEADER_LINES = (
    "Decision Maker: Cabinet\nDecision status: Recommendations Approved\nIs Key decision?: No\n"
    "Is subject to call in?: Yes\n"
)
FOOTER_LINES = "Report author: Lewis Marr\nPublication date: 14/05/2025\nDate of decision: 12/05/2025\n"


@pytest.mark.parametrize(
    "resolutions",
    [
        ["1) That the revised fees be approved.", "2) That authority be delegated to the Head of Finance."],
        ["(1) the progress report be noted; and", "(2) the timetable for the review be agreed."],
        ["1. That the recommendations of the task group are approved.", "2. That a working group be set up."],
        ["a) To approve the allocation of £40,000 to the scheme;", "b) To note the consultation responses."],
    ],
)
@pytest.mark.parametrize("blank_lines", [False, True])
def test_a_page_whose_headings_were_lost_gives_its_list_of_resolutions(extractor, resolutions, blank_lines):
    gap = "\n" if blank_lines else ""
    body = (f"{gap}".join(line + "\n" for line in ["To consider the annual fees review."] + resolutions)
            + "To keep charges in line with costs.\n")
    record = extractor.extract_text(HEADER_LINES + body + FOOTER_LINES)
    assert record.decision == "\n".join(resolutions)


@pytest.mark.parametrize(
    "sentence",
    ["The Director of Place, in consultation with the Leader, was asked and agreed to extend the scheme.",
     "Following the consideration of the report, the Cabinet resolved that the scheme be extended.",
     "The Chief Executive decided to extend the scheme for a further year."],
)
def test_a_page_whose_headings_were_lost_gives_the_sentence_that_decides(extractor, sentence):
    text = HEADER_LINES + "The scheme ends in June and needs a decision.\n" + sentence + "\n" + FOOTER_LINES
    assert extractor.extract_text(text).decision == sentence


@pytest.mark.parametrize("label", ["Decision(s) and Reason(s)", "DECISION AND REASONS", "Decisions and reasons:"])
def test_a_section_holding_decision_and_reasons_is_split(extractor, label):
    record = extractor.extract_text(
        f"Record of Decision\nDecision Taken By: Cabinet Member for Parks\n\n{label}\n\nTree Planting Programme\n\n"
        "The report set out the results of the tree survey.\n\n"
        "The Cabinet Member for Parks resolved that the tree planting programme be approved.\n\n"
        "As set out in the report to the Parks Advisory Board.\n\nSigned: A Hughes\n"
    )
    assert record.decision == "The Cabinet Member for Parks resolved that the tree planting programme be approved."
    assert record.reasons == "As set out in the report to the Parks Advisory Board."


def test_a_decision_label_over_a_date_is_not_the_decision(extractor):
    record = extractor.extract_text(
        "RECORD OF DECISION OF THE CABINET\n\nDecision Made:\n\n12 May 2025\n\nStreet Trading Policy\n\n"
        "Issue for Decision\n\nTo review the policy.\n\nDecision Made\n\n1. That the policy be adopted.\n\n"
        "Reasons for Decision\n\nThe policy is out of date.\n"
    )
    assert record.decision == "1. That the policy be adopted."


@pytest.mark.parametrize("sub_heading", ["Background", "Financial Implications", "Legal Implications"])
def test_a_sub_heading_straight_under_a_section_heading_belongs_to_it(extractor, sub_heading):
    record = extractor.extract_text(
        f"Decision:\nTo adopt the plan.\n\nReasons for Decision\n\n{sub_heading}\n\nThe plan meets the new duty.\n"
    )
    assert record.reasons == f"{sub_heading}\nThe plan meets the new duty."


def test_rejected_options_prefer_the_section_that_says_rejected_and_keep_each_options_parts(extractor):
    record = extractor.extract_text(
        "Decision:\nTo approve the programme.\nOptions Considered:\nOption 1 - Approve\n(i) The budget.\n(ii) The programme.\n"
        "Option 2 - Reject\n(i) The budget.\n(ii) The programme.\nOptions Rejected:\nOption 2 - Reject\n"
        "(i) The budget.\n(ii) The programme.\nPublication date: 01/05/2025\n"
    )
    assert record.rejected_options == ["Option 2 - Reject (i) The budget. (ii) The programme."]


@pytest.mark.parametrize("lead_in", ["it was RESOLVED:", "Cabinet RESOLVED:", "the Committee resolved:"])
def test_a_sentence_introducing_the_resolutions_belongs_to_the_decision(extractor, lead_in):
    record = extractor.extract_text(
        f"Decision details\nBuilt Assets Review\nIs subject to call in?: Yes\n\nFollowing the consideration of the report, {lead_in}\n\n"
        "1. To note the report; and\n2. To commission a full review.\n\nReport author: J Pryce\n"
    )
    assert record.decision.startswith(f"Following the consideration of the report, {lead_in}")
    assert record.decision.endswith("2. To commission a full review.")


@pytest.mark.parametrize("heading", ["Any Declarations of Interest Declared", "Any Dispensation Granted", "Declarations of Interest Made"])
def test_a_short_heading_that_is_a_known_label_with_a_word_more_ends_the_options(extractor, heading):
    record = extractor.extract_text(
        "Decision Made\nTo adopt the strategy.\n\nAlternative Options Considered and Rejected\n"
        f"To reject adopting the strategy.\n{heading}\nNone.\n"
    )
    assert record.rejected_options == ["To reject adopting the strategy."]


# --------------------------------------------------------------------------------------------------
# Word and PDF renderings of hard-wrapped text print every line as a paragraph of its own: a
# paragraph gap inside a sentence or an item must not cut it (issue 9, formats within 0.02).


def _every_line_a_paragraph(text: str) -> str:
    return "\n\n".join(line for line in text.split("\n"))


@pytest.mark.parametrize("gapped", [False, True])
def test_a_sentence_split_by_a_paragraph_gap_is_joined(extractor, gapped):
    text = (
        "Decision of Executive Councillor for Housing\nand Communities\ni.\nApproved the revised allocations policy\n"
        "Reason for the Decision\nDemand has risen.\nAlternative options considered:\n"
        "To wait until the annual review. This was rejected as it would leave the\n"
        "current policy in place for a further year.\nPublication date: 02/06/2025\n"
    )
    record = extractor.extract_text(_every_line_a_paragraph(text) if gapped else text)
    assert record.decision == "i. Approved the revised allocations policy"
    assert record.rejected_options == [
        "To wait until the annual review. This was rejected as it would leave the current policy in place for a further year."
    ]


@pytest.mark.parametrize("gapped", [False, True])
def test_a_resolution_wrapped_over_a_gap_stays_whole(extractor, gapped):
    text = HEADER_LINES + (
        "To present the review for consideration.\n"
        "1. That the recommendations set out in section 4 of the Review Group's Final\nReport are approved.\n"
        "2. That a working group be set up.\nTo make sure the review is acted on.\n"
    ) + FOOTER_LINES
    record = extractor.extract_text(_every_line_a_paragraph(text) if gapped else text)
    assert record.decision == ("1. That the recommendations set out in section 4 of the Review Group's Final Report are approved.\n"
                               "2. That a working group be set up.")


# ------------------------------------------------------------------------------------------------
# Issue 9, dates: the shapes councils print a date in, where they print it, and the role the words
# around it give it. Every text below is written for these tests (fictional councils and people).

DATE_SHAPES = ["27.03.24", "Wednesday, March 27, 2024", "Wed 27 Mar 2024", "27th March, 2024", "March 27th 2024",
               "2024-03-27T14:30:00", "27-Mar-24", "27/03/2024"]


@pytest.mark.parametrize("shape", DATE_SHAPES)
@pytest.mark.parametrize("label, sep", [("Date of decision", ": "), ("DECISION DATE", " | "), ("Date decision taken", ":\n")])
def test_a_decision_date_in_any_shape_after_any_label(extractor, shape, label, sep):
    record = extractor.extract_text(
        f"Record of Officer Decision\nSubject: Relining of Station Road car park\n{label}{sep}{shape}\n"
        "Decision: To reline the car park in line with rule 3.5.20 and paragraph 10.12.14 of the Constitution.\n"
    )
    assert record.decision_date == dt.date(2024, 3, 27)
    assert [d.kind.value for d in record.dates] == ["decision"]  # the rule and paragraph numbers are no dates


@pytest.mark.parametrize("header", ["Decision made on 3 May 2024", "DECISION TAKEN ON 3RD MAY 2024",
                                    "Harbury Borough Council - decision made on 03.05.24"])
def test_a_date_printed_only_in_the_page_header(extractor, header):
    pages = [f"{header}\nRECORD OF DECISION\nSubject: Allotment rents\nDecision:\nTo raise allotment rents by 4%.",
             f"{header}\nReasons:\nTo meet the cost of water.", f"{header}\nAlternative options:\nNone."]
    record = extractor.extract_text("\f".join(pages))  # each page repeats the header, as a Word header does
    assert record.decision_date == dt.date(2024, 5, 3)


ISSUE_DECISIONS = """Issue - decisions

Lease of the former library, Church Street

{date} - Lease of the former library, Church Street

That the Head of Property:

i) approved a lease of the former library to the Church Street Trust for 25 years;

ii) noted the consultation responses.
"""


@pytest.mark.parametrize("date", ["06/02/2024", "6/2/2024", "06/02/2024  "])
def test_a_moderngov_issue_page_dates_its_decision_on_the_title_line(extractor, date):
    record = extractor.extract_text(ISSUE_DECISIONS.format(date=date))
    assert record.decision_date == dt.date(2024, 2, 6)


def test_a_list_of_decisions_is_dated_by_its_first_entry(extractor):
    second = "\n03/02/2024 - Parking charges at Mill Street\n\nThe Head of Transport approved the charges.\n"
    record = extractor.extract_text(ISSUE_DECISIONS.format(date="06/02/2024") + second)
    assert record.decision_date == dt.date(2024, 2, 6)


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n \n"])
def test_a_decision_heading_with_only_a_date_under_it(extractor, gap):
    record = extractor.extract_text(
        f"HARBURY BOROUGH COUNCIL\nRECORD OF DECISION OF THE CABINET\nDecision Made:{gap}14 March 2024{gap}"
        "Review of allotment rents\n\nIssue for Decision\n\nTo set allotment rents.\n\nDecision Made\n\n"
        "That allotment rents rise by 4%.\n"
    )
    assert record.decision_date == dt.date(2024, 3, 14)


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("This decision was published on 4 June 2024.", "published"),
        ("It will come into force on 12 June 2024 if not called in.", "effective"),
        ("The decision takes effect from 12 June 2024.", "effective"),
        ("The decision can be implemented from 12 June 2024.", "effective"),
        ("The call-in period expires at 5pm on 11 June 2024.", "call_in_expiry"),
        ("The deadline for call-in is 11 June 2024.", "call_in_expiry"),
        ("The proposal was considered by the Scrutiny Panel on 20 May 2024.", "meeting"),
        ("The report was signed on 3 June 2024.", "signed"),
    ],
)
def test_a_dates_role_stated_in_a_sentence(extractor, sentence, kind):
    record = extractor.extract_text(
        f"Record of Decision\nSubject: Allotment rents\nDate of decision: 3 June 2024\nDecision: To raise rents by 4%. {sentence}\n"
    )
    assert [d.kind.value for d in record.dates if d.kind.value != "decision"] == [kind]


def test_a_forward_plan_pages_dates_are_neither_taken_nor_published(extractor):
    record = extractor.extract_text(
        "Issue details\n\nAllotment rents review\n\nDecision type: Key\n\n"
        "Notice of proposed decision first published: 19/05/2024\n\nDecision due: 12 Jun 2024 by Cabinet\n"
    )
    assert record.decision_date is None
    assert {(d.kind.value, d.value) for d in record.dates} == {("other", dt.date(2024, 5, 19)), ("other", dt.date(2024, 6, 12))}


@pytest.mark.parametrize("label", ["Date signed", "Signature date", "Date of signing"])
def test_a_signature_date_labelled_anywhere(extractor, label):
    record = extractor.extract_text(f"Record of Decision\nSubject: Allotment rents\n{label}: Tue 4 Jun 2024\nDecision: To raise rents.\n")
    assert [(d.kind.value, d.value) for d in record.dates] == [("signed", dt.date(2024, 6, 4))]
    assert record.decision_date == dt.date(2024, 6, 4)  # no decision date stated: the signature's


def test_a_word_signature_block_spaced_with_blank_lines(extractor):
    record = extractor.extract_text(
        "Record of Decision\nSubject: Allotment rents\nDecision:\nTo raise rents by 4%.\n\n"
        "....................................\n\nsigned\n\n4/6/2024\n\n....................................\n\ndate\n"
    )
    assert [(d.kind.value, d.value) for d in record.dates] == [("signed", dt.date(2024, 6, 4))]


# --------------------------------------------------------------------------------------------------
# People (issue 9): one person-and-role grammar for the decision maker, the executive member and the
# contact officer. Each family below is written here in several wordings (fictional councils and
# people): labelled, run into the text, in tables, in prose, upper case, wrapped.

FIRST_PERSON = """Fernmoor District Council
Record of Officer Decision
Subject: Temporary closure of Quarry Lane
{sentence}
Reasons: The wall beside the lane is unsafe.
Signed: {signature}
Date: 3 June 2024
"""


@pytest.mark.parametrize(
    "sentence",
    [
        "I, Sarah Okonkwo, Head of Highways, having consulted Councillor Raj Patel, Cabinet Member for Transport, "
        "approve the temporary closure of Quarry Lane.",
        "I, Sarah Okonkwo, Head of Highways, in consultation with Cllr Raj Patel, Cabinet Member for Transport,\n"
        "have decided to close Quarry Lane for six weeks.",
        "Decision: I, Sarah Okonkwo, Head of Highways, after consulting Councillor Raj Patel (Cabinet Member for\n"
        "Transport), approve the closure.",
        "I, SARAH OKONKWO, HEAD OF HIGHWAYS, having consulted Councillor Raj Patel, Cabinet Member for Transport, "
        "approve the closure.",
    ],
)
@pytest.mark.parametrize("signature", ["S Okonkwo", "Sarah Okonkwo", "S. Okonkwo"])
def test_first_person_writer_and_member_consulted(extractor, sentence, signature):
    record = extractor.extract_text(FIRST_PERSON.format(sentence=sentence, signature=signature))
    assert record.decision_maker.name.casefold() == "sarah okonkwo"
    assert record.decision_maker.title == "Head of Highways"
    member = record.executive_member
    assert (member.name, member.title, member.portfolio) == ("Raj Patel", "Cabinet Member for Transport", "Transport")


@pytest.mark.parametrize(
    "text, name, title",
    [
        ("Decision\nAt its meeting on 4 March the Leader of the Council, Cllr Jane Doe, approved the revised plan.\n",
         "Jane Doe", "Leader of the Council"),
        ("Decision\nFollowing the consultation, Tomasz Nowak, Director of Resources, agreed the write-off of £4,100.\n",
         "Tomasz Nowak", "Director of Resources"),
        ("Decision\nThe write-off was approved by the Deputy Chief Executive.\n", None, "Deputy Chief Executive"),
        ("Decision:\nThat the Portfolio Holder:\na) approves the grants in Appendix B;\nb) notes the report.\n",
         None, "Portfolio Holder"),
        ("Decision\nThe Chief Officer (Highways and Transportation):\ni) noted the report;\nii) approved the tender.\n",
         None, "Chief Officer (Highways and Transportation)"),
        ("RESOLVED: That the Executive Member for Children and Families approves the new admissions policy.\n",
         None, "Executive Member for Children and Families"),
        ("Record of Decision\nThat the Strategic Director of Place (Strategic Director of Growth as of 1 May\n2024):\n"
         "i) Approves the lease.\n", None, "Strategic Director of Place"),
    ],
)
def test_the_decider_named_in_prose(extractor, text, name, title):
    record = extractor.extract_text(text)
    assert (record.decision_maker.name, record.decision_maker.title) == (name, title)


@pytest.mark.parametrize(
    "text",
    [
        "Decision\n1. That the approach be agreed.\n2. That the Cabinet Member for Leisure be appointed to lead the agreed approach.\n",
        "Decision\nTo note that the Council approved its budget in February.\n",
        "Decision\nTo delegate authority to the Head of Parks, in consultation with the Portfolio Holder for Leisure, to agree the fees.\n",
    ],
)
def test_no_decider_in_prose_that_names_none(extractor, text):
    assert extractor.extract_text(text).decision_maker is None


@pytest.mark.parametrize(
    "line, name, title, portfolio",
    [
        ("Cabinet Member for Finance :Councillor A. B. Smith", "A. B. Smith", "Cabinet Member for Finance", "Finance"),
        ("CABINET MEMBER FOR HOUSING: Cllr Tom Ashworth", "Tom Ashworth", "Cabinet Member for Housing", "Housing"),
        ("Portfolio Holder for Leisure and Culture - Councillor Mary Quinn", "Mary Quinn", "Portfolio Holder for Leisure and Culture",
         "Leisure and Culture"),
        ("Portfolio Holder - Leader", None, "Portfolio Holder - Leader", "Leader"),
        ("Lead member: Cabinet Member - Corporate Services & Performance (Deputy Leader)", None,
         "Cabinet Member - Corporate Services & Performance (Deputy Leader)", "Corporate Services & Performance"),
    ],
)
def test_a_member_role_used_as_a_label(extractor, line, name, title, portfolio):
    record = extractor.extract_text(f"Record of Decision\nSubject: Market fees\n{line}\nDecision: To set the fees.\n")
    member = record.executive_member
    assert (member.name, member.title, member.portfolio) == (name, title, portfolio)


@pytest.mark.parametrize(
    "maker, title, portfolio",
    [
        ("Portfolio Holder for Transport (to 01/11/2021)", "Portfolio Holder for Transport", "Transport"),
        ("Decision Session - Executive Member for Economy - Expired, Executive Member for Economy and Place",
         "Executive Member for Economy and Place", "Economy and Place"),
        ("Cabinet Member with Special Responsibility for Rural Affairs Portfolio",
         "Cabinet Member with Special Responsibility for Rural Affairs Portfolio", "Rural Affairs"),
        ("Regeneration and Assets Portfolio Holder (meeting)", "Regeneration and Assets Portfolio Holder", "Regeneration and Assets"),
        ("Executive Councillor for Housing", "Executive Councillor for Housing", "Housing"),
        ("City Mayor", "City Mayor", None),
    ],
)
def test_member_roles_as_content_systems_print_them(extractor, maker, title, portfolio):
    record = extractor.extract_text(f"Decision details\n\nMarket fees\n\nDecision Maker: {maker}\n\nDecision:\n\nTo set the fees.\n")
    assert record.decision_maker.title == title
    assert record.executive_member.portfolio == portfolio


@pytest.mark.parametrize(
    "text, portfolio",
    [
        ("Decision Maker: Head of Regeneration\nThe Head of Regeneration, in consultation with the Cabinet Member with "
         "Special Responsibility for Town Centres, agreed the lease.\n", "Town Centres"),
        ("Decision Maker: Cabinet\nDescription\nReport of the Cabinet Member with responsibility for the Environment\n", "Environment"),
        ("Decision Maker: Director of Housing\nConsultation:\nCllr Ann Lee, Lead Member for Housing, was consulted and supports it.\n",
         "Housing"),
    ],
)
def test_the_member_consulted_or_reporting(extractor, text, portfolio):
    assert extractor.extract_text(text).executive_member.portfolio == portfolio


def test_a_member_consulted_on_a_later_delegation_is_not_this_decisions(extractor):
    record = extractor.extract_text(
        "Decision Maker: Cabinet\nDecision:\nTo approve the plan and to delegate authority to the Head of Planning, "
        "in consultation with the Cabinet Member for Planning, to make minor changes.\n"
    )
    assert record.executive_member is None


@pytest.mark.parametrize(
    "text, title",
    [
        ("Issue details\n\nFleet replacement\n\nDecision due: 15 Jun 2023 by Cabinet\n\nLead director: Director of Place\n", "Cabinet"),
        ("WESTBROOK BOROUGH COUNCIL\nRECORD OF DECISION OF THE Cabinet\nDecision Made:\n12 September 2023\n", "Cabinet"),
        ("Decision Maker: Urgent Business, Individual Cabinet Member and Officer Delegated Decisions\n"
         "The Chief Executive, in consultation with the Leader, was asked and agreed to make the decision.\n", "Chief Executive"),
    ],
)
def test_the_body_or_officer_that_decided(extractor, text, title):
    record = extractor.extract_text(text)
    assert (record.decision_maker.name, record.decision_maker.title) == (None, title)


def test_a_role_named_apart_from_its_holder(extractor):
    record = extractor.extract_text(
        "ASHFORD VALE COUNCIL – RECORD OF DECISION\nDECISION TO BE TAKEN BY:\n\nDECISION NUMBER:\n\n"
        "Mr Daniel Price, Cabinet Member for Adult Social\n\nCare and Health\n\n24/00187\n\n"
        "Decision:\nAs Cabinet Member for Adult Social Care and Health I agree to:\nAPPROVE the new charging policy.\n"
    )
    assert (record.decision_maker.name, record.decision_maker.title) == ("Daniel Price", "Cabinet Member for Adult Social Care and Health")
    assert (record.executive_member.name, record.executive_member.portfolio) == ("Daniel Price", "Adult Social Care and Health")


@pytest.mark.parametrize(
    "block",
    [
        "Signed: ..............................\nName: Aled Pritchard\nJob title: Head of Leisure Services\nDate: 2 May 2024",
        "Signature:\nPrint name: Aled Pritchard\nDesignation: Head of Leisure Services",
        "Signed | ____________\nName | Aled Pritchard\nPosition | Head of Leisure Services",
    ],
)
def test_the_signatory_named_under_the_signature(extractor, block):
    record = extractor.extract_text(f"Officer Decision Notice\nSubject: Pool charges\nDecision: To raise pool charges by 3%.\n{block}\n")
    assert (record.decision_maker.name, record.decision_maker.title) == ("Aled Pritchard", "Head of Leisure Services")


@pytest.mark.parametrize(
    "contact, name, title",
    [
        ("Mark Ellis, Fleet Manager. Tel: 01632 960123", "Mark Ellis", "Fleet Manager"),
        ("Fleet Manager (Mark Ellis) mark.ellis@example.gov.uk", "Mark Ellis", "Fleet Manager"),
        ("Head of Waste and Recycling - Ms Ruth Coyle", "Ruth Coyle", "Head of Waste and Recycling"),
    ],
)
def test_the_contact_officer_by_the_same_grammar(extractor, contact, name, title):
    record = extractor.extract_text(f"Decision details\n\nBin rounds\n\nContact: {contact}\n\nDecision:\n\nTo change the rounds.\n")
    assert (record.officer_contact.name, record.officer_contact.title) == (name, title)
# Issue 9, structure: the subject, the reference and the council read from the document's structure
# as well as its labels. Every text below is written for these tests (fictional councils and people).

LABELS = "Decision maker: Head of Highways\nDecision: To approve the scheme.\n"


@pytest.mark.parametrize(
    "title_line, reference, subject",
    [
        ("DD1234 Review of road orders", "DD1234", "Review of road orders"),
        ("ODR/2024/031 – Replacement of street lighting columns", "ODR/2024/031", "Replacement of street lighting columns"),
        ("HX-22-101: Grant to Stowbridge Youth Club", "HX-22-101", "Grant to Stowbridge Youth Club"),
        ("KD/2024/07 CLOSURE OF MILL LANE DEPOT", "KD/2024/07", "CLOSURE OF MILL LANE DEPOT"),
        ("24/00517 - Family hub contracts", "24/00517", "Family hub contracts"),
        # a road, a planning term, a financial year or an item number opening a title is no reference
        ("A38 road safety scheme", None, "A38 road safety scheme"),
        ("S106 contributions for Orchard Park", None, "S106 contributions for Orchard Park"),
        ("2024/25 Parking charges", None, "2024/25 Parking charges"),
    ],
)
def test_a_title_line_over_the_labels_may_open_with_its_reference(extractor, title_line, reference, subject):
    for text in (f"{title_line}\n{LABELS}", f"WYVERN DISTRICT COUNCIL\n\n{title_line}\n\n{LABELS}",
                 f"Subject: {title_line}\n{LABELS}"):
        record = extractor.extract_text(text)
        assert (record.reference, record.subject) == (reference, subject), text


@pytest.mark.parametrize(
    "heading_line, reference",
    [
        ("Decision Notice ED/24/17", "ED/24/17"),
        ("EXECUTIVE DECISION NOTICE No. 45", "45"),
        ("Record of Decision - Ref: RD/2023/118", "RD/2023/118"),
        ("Officer Decision Record", None),
    ],
)
def test_a_record_heading_may_carry_the_number_and_the_title(extractor, heading_line, reference):
    on_the_line = extractor.extract_text(f"{heading_line}: Leisure centre opening hours\n{LABELS}")
    below = extractor.extract_text(f"Wyvern District Council\n{heading_line}\n\nLeisure centre opening hours\n\n{LABELS}")
    for record in (on_the_line, below):
        assert (record.reference, record.subject) == (reference, "Leisure centre opening hours")


@pytest.mark.parametrize("heading", ["Statement of Decision", "Decision details", "Record of Decision", "ISSUE - DECISIONS",
                                     "RECORD OF DECISION OF THE CABINET", "Record of Executive Decision by the Leader"])
def test_the_title_follows_a_generic_heading(extractor, heading):
    record = extractor.extract_text(f"{heading}\n\nHighways Maintenance Contract Extension\n\nDecision taker: Director of Place\n"
                                    "Decision:\nTo extend the contract by a year.\n")
    assert record.subject == "Highways Maintenance Contract Extension"


def test_a_labelled_date_between_the_heading_and_the_title_is_passed_over(extractor):
    record = extractor.extract_text("BRACKEN VALE DISTRICT COUNCIL\n\nRECORD OF DECISION OF THE Cabinet\n\nDate of decision:\n\n"
                                    "4 June 2024\n\nThe Future of the Market Hall\n\nIssue for Decision\n\nTo consider options.\n\n"
                                    "Decision Made\n\n1. That the market hall be refurbished.\n")
    assert record.subject == "The Future of the Market Hall"


def test_an_issue_page_gives_the_title_over_its_dated_entry(extractor):
    record = extractor.extract_text(
        "Issue - decisions\n\nIssue - decisions\n\nNew Play Equipment at Orchard Park\n\n"
        "12/03/2024 - New play equipment\n\nThat the Cabinet Member approves the bid of £40,000.\n"
    )
    assert record.subject == "New Play Equipment at Orchard Park"


@pytest.mark.parametrize("gap", ["    ", " "])
def test_a_decision_list_page_gives_its_first_entry(extractor, gap):
    flat = extractor.extract_text(
        "Decisions published\n\n02/07/2024 - Award of the Town Hall Cleaning Contract ref: 512"
        f"{gap}Recommendations Approved\n\nApprove the award of the contract to Brightway Ltd.\n\n"
        "Decision Maker: Director of Resources\n\n03/07/2024 - Grant to Stowbridge Youth Club ref: 513\n"
    )
    wrapped = extractor.extract_text(
        "Decisions published\n\n02/07/2024 - Award of the Town Hall Cleaning Contract for the Civic\n\n"
        f"Offices ref: 512{gap}Recommendations Approved\n\nApprove the award.\n\nDecision Maker: Director of Resources\n"
    )
    assert (flat.subject, flat.reference) == ("Award of the Town Hall Cleaning Contract", "512")
    assert (wrapped.subject, wrapped.reference) == ("Award of the Town Hall Cleaning Contract for the Civic Offices", "512")


def test_a_dated_value_of_a_label_is_not_a_list_entry(extractor):
    record = extractor.extract_text("Decision Maker: Cabinet\nDecided at meeting:\n24/03/2024 - Cabinet\nDecision: To approve.\n")
    assert record.subject is None


def test_a_cmis_decision_page(extractor):
    record = extractor.extract_text(
        "Decision Details\n\nDetails\n\nStatus:\nImplemented\nBusiness Item\nAir Quality Action Plan\nRef.\nWV/0123\n"
        "Is a Key Decision:\nNo\nDecision Maker:\nCabinet\nMatter for Decision (to consider...)\n"
        "Seeking approval of the action plan\nDecision Made\nThat the action plan be approved.\n"
    )
    assert (record.subject, record.reference) == ("Air Quality Action Plan", "WV/0123")


@pytest.mark.parametrize(
    "label",
    ["Decision no.", "Ref", "Our ref", "Record number", "DECISION NUMBER", "Decision Notice No", "Cyfeirnod",
     "Cyfeirnod / Reference", "Rhif y Penderfyniad / Decision Number", "Officer Decision Reference"],
)
def test_reference_labels_in_other_words(extractor, label):
    for text in (f"{label}: TR/2023/55\n{LABELS}", f"{label}\nTR/2023/55\n{LABELS}", f"{label} | TR/2023/55\n{LABELS}"):
        assert extractor.extract_text(text).reference == "TR/2023/55", text


@pytest.mark.parametrize("maker", ["Cabinet Member for Roads", "Mr Tom Reilly, Director of Place"])
def test_stacked_header_labels_then_their_values(extractor, maker):
    """A two-column header table read row by row: two labels, then their two values."""
    record = extractor.extract_text(
        f"WYVERN COUNTY COUNCIL – RECORD OF DECISION\n\nDECISION TO BE TAKEN BY:\n\nDECISION NUMBER:\n\n{maker}\n\n"
        "RB/24/0912\n\nKey decision: No\n\nSubject: Winter gritting routes\n\nDecision:\nTo adopt the routes.\n"
    )
    assert record.reference == "RB/24/0912"


@pytest.mark.parametrize(
    "first, second",
    [
        ("Review of the Housing Allocations Policy –", "Consultation Outcome"),
        ("Community Safety Partnership: ‘Safer Streets for", "Everyone’"),
        ("Approval of the Contract for Time Recording and Building Access", "System"),
    ],
)
def test_a_title_wrapped_over_a_paragraph_gap(extractor, first, second):
    """Word and PDF renderings print each wrapped line as a paragraph of its own."""
    expected = f"{first} {second}".rstrip(".")
    for text in (f"Title of decision: {first}\n\n{second}\n\nDecision maker: Director of Place\n",
                 f"Decision details\n\n{first}\n\n{second}\n\nDecision maker: Director of Place\n"):
        assert extractor.extract_text(text).subject == expected, text


def test_a_short_line_after_a_complete_title_is_not_part_of_it(extractor):
    record = extractor.extract_text("Decision details\n\nReview of Allotment Rents.\n\nRecommendations approved\n\n"
                                    "Decision maker: Director of Place\n")
    assert record.subject == "Review of Allotment Rents"


def test_prose_above_the_labels_is_not_a_title(extractor):
    record = extractor.extract_text("This notice records a decision taken under delegated powers.\n" + LABELS)
    assert record.subject is None


def test_a_web_page_header_above_the_labels_is_not_a_title(extractor):
    record = extractor.extract_text("Wyvern District Council\nCouncil and democracy\nHome > Council > Decisions\n"
                                    "Print this page\n" + LABELS)
    assert record.subject is None


@pytest.mark.parametrize(
    "text, council",
    [
        ("WYVERN DISTRICT COUNCIL\nRecord of Decision\n", "Wyvern District Council"),
        ("City of Eastbridge Council – Officer Decision Record\n", "City of Eastbridge Council"),
        ("ISLE OF CARRA COUNCIL\n", "Isle of Carra Council"),
        ("Royal Borough of Kelham and Strand\n", "Royal Borough of Kelham and Strand"),
        ("London Borough of Ashmere & Holt\n", "London Borough of Ashmere & Holt"),
        ("Marston-on-Dove District Council\n", "Marston-on-Dove District Council"),
        ("Bracken Vale and Holme County Borough Council\n", "Bracken Vale and Holme County Borough Council"),
        ("City and County of Penrhos\n", "City and County of Penrhos"),
        ("Record of Decision\nThe proposal was referred to Full Council.\n", None),
        ("Record of Decision\nDisposal of City Council Land\n", None),
        ("Record of Decision\nThe decision follows the City Council's urgency procedure.\n", None),
        ("Record of Decision\nThe County Council will fund the scheme.\n", None),
    ],
)
def test_the_council_as_the_text_names_it(extractor, text, council):
    assert extractor.extract_text(text + LABELS).council == council


def test_a_hyphen_at_a_pdf_line_break_is_kept(extractor):
    """pdfium joins 'Sub-' and 'Committee' across the line break and marks the hyphen U+FFFE."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in ("Subject: Referral by the Call-In Sub-", "Committee on parking", "Decision: To note the referral."):
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    record = extractor.extract_bytes(bytes(pdf.output()), path="referral.pdf")
    assert record.subject == "Referral by the Call-In Sub-Committee on parking"


def _docx(heading: str, intro: str, rows: list[tuple[str, str]]) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Wyvern District Council")
    document.add_heading(heading, level=1)
    document.add_paragraph(intro)
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


INTRO = ("This record is published under the Openness of Local Government Bodies Regulations 2014. It sets out a "
         "decision taken by an officer under delegated powers.")
ROWS = [("Decision maker", "Head of Highways"), ("Decision", "To approve the revised road orders."), ("Key decision", "No")]


@pytest.mark.parametrize("heading, reference, subject", [
    ("Review of Road Orders in the Town Centre", None, "Review of Road Orders in the Town Centre"),
    ("DD1234 Review of Road Orders", "DD1234", "Review of Road Orders"),
])
def test_a_word_heading_is_the_title_though_prose_stands_between_it_and_the_form(extractor, heading, reference, subject):
    record = extractor.extract_bytes(_docx(heading, INTRO, ROWS), path="record.docx")
    assert (record.reference, record.subject) == (reference, subject)


def test_an_html_heading_is_the_title_though_prose_stands_between_it_and_the_form(extractor):
    page = (f"<html><body><p>Wyvern District Council</p><h2>Review of Road Orders in the Town Centre</h2><p>{INTRO}</p>"
            "<table>" + "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in ROWS) + "</table></body></html>")
    record = extractor.extract_bytes(page.encode(), path="record.html")
    assert record.subject == "Review of Road Orders in the Town Centre"


def test_a_heading_that_is_a_label_is_not_the_title(extractor):
    record = extractor.extract_bytes(_docx("Decision Notice", INTRO, ROWS), path="record.docx")
    assert record.subject is None


@pytest.mark.parametrize(
    "reason, option",
    [("To ensure the task group's findings are acted on.", "Do nothing – the findings would not be acted on."),
     ("In order to keep the budget balanced.", "Not to adopt the plan, which would leave a gap of £0.4m."),
     ("Because the current policy is out of date.", "The alternative of a phased review was rejected as too slow.")],
)
@pytest.mark.parametrize("blank_lines", [False, True])
def test_after_headingless_resolutions_come_the_reasons_then_the_option_rejected(extractor, reason, option, blank_lines):
    gap = "\n" if blank_lines else ""
    body = gap.join(line + "\n" for line in [
        "To present the review for consideration.", "1. That the recommendations of the review are approved.",
        "2. That a working group be set up.", reason, option])
    record = extractor.extract_text(HEADER_LINES + body + FOOTER_LINES)
    assert record.decision == "1. That the recommendations of the review are approved.\n2. That a working group be set up."
    assert record.reasons == reason
    assert record.rejected_options == [option]


def test_a_reasons_section_of_its_own_leaves_the_decisions_last_paragraph_alone(extractor):
    record = extractor.extract_text(
        "Decision:\nThe Director approved:-\n(i) the budget;\n(ii) the programme.\n\nTo ensure the roads are safe.\n\n"
        "Reasons for the decision:\nThe roads are in poor condition.\n"
    )
    assert record.decision.endswith("To ensure the roads are safe.")
    assert record.reasons == "The roads are in poor condition."


def test_a_rejected_option_named_by_number_is_the_option_set_out(extractor):
    record = extractor.extract_text(
        "Decision:\nTo approve the programme.\n\nOptions Considered:\n\nOption 1 - Approve\n(i) The budget.\n\n"
        "Option 2 - Defer\n(i) The budget.\n(ii) A review in the autumn.\n\nOptions Rejected:\n\nOption 2 was rejected.\n\n"
        "Publication date: 01/05/2025\n"
    )
    assert record.rejected_options == ["Option 2 - Defer (i) The budget. (ii) A review in the autumn."]


@pytest.mark.parametrize("verb", ["approve", "designate", "award"])
def test_an_issue_page_states_its_decision_as_a_sentence_of_its_own(extractor, verb):
    record = extractor.extract_text(
        f"Issue details\n\nTo {verb} the nomination of the Old Forge\n\n"
        f"To {verb} the nomination of the Old Forge as an asset of community value, as set out below\n\n"
        "Decision type: Non-key\n\nDecision status: Recommendations Approved\n"
    )
    assert record.subject == f"To {verb} the nomination of the Old Forge"
    assert record.decision == f"To {verb} the nomination of the Old Forge as an asset of community value, as set out below"


@pytest.mark.parametrize("purpose", ["To present the task group's report for consideration.",
                                     "Report sets out recommendations for the purchase of vehicles."])
def test_a_purpose_before_the_labels_is_not_a_decision(extractor, purpose):
    record = extractor.extract_text(f"Issue details\n\nRefuse vehicles\n\n{purpose}\n\nDecision type: Key\n")
    assert record.decision is None


def test_a_decision_history_table_is_not_the_decision(extractor):
    record = extractor.extract_text(
        "Decision Details\nTitle: Grounds maintenance\nDecision Proposed:\nNo decision proposed.\n"
        "Decision History\nDate & Time Created  User  Status\n21/02/2023 15:03  A User  Created\n"
    )
    assert record.decision is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Date of report: 5 March 2024", [("other", dt.date(2024, 3, 5))]),
        ("Consultation closes | 1 July 2024 at 5pm", [("other", dt.date(2024, 7, 1))]),
        ("DATE ADDED TO REGISTER: 05.03.24", [("other", dt.date(2024, 3, 5))]),
        # not a label over a date alone: a sentence, a numbered item, a date inside prose
        ("The report was circulated on: 5 March 2024", []),
        ("Option 2: 5 March 2024", []),
        ("Timetable: consultation from 5 March 2024 to 1 July 2024", []),
    ],
)
def test_a_date_under_a_label_odr_does_not_know_has_no_role_forced_on_it(extractor, line, expected):
    record = extractor.extract_text(f"Record of Decision\nSubject: Allotment rents\n{line}\nDecision: To raise rents by 4%.\n")
    assert [(d.kind.value, d.value) for d in record.dates] == expected
    assert record.decision_date is None
@pytest.mark.parametrize("line", ["CABINET MEMBER DECISION", "Delegated Officer Decision", "Record of Decision by the Leader",
                                  "OFFICIAL", "PUBLIC"])
def test_a_kind_of_record_or_a_marking_over_the_labels_is_not_the_title(extractor, line):
    assert extractor.extract_text(f"{line}\n{LABELS}").subject is None


@pytest.mark.parametrize(
    "text, name, title",
    [
        ("Officer Decision Record\nDecision maker: Imogen Dale\nHead of Bereavement Services\nDecision: To set the fees.\n",
         "Imogen Dale", "Head of Bereavement Services"),
        ("Record of decision\nDecision: To settle the claim.\nSigned\nOwen Pryce\nHead of Legal Services\nDate 3 May 2024\n",
         "Owen Pryce", "Head of Legal Services"),
        ("Record of decision\nDecision: To settle the claim.\nSigned: Owen Pryce\nAssistant Director, Law and Governance\n",
         "Owen Pryce", "Assistant Director, Law and Governance"),
    ],
)
def test_a_job_title_alone_on_the_line_under_the_name(extractor, text, name, title):
    record = extractor.extract_text(text)
    assert (record.decision_maker.name, record.decision_maker.title) == (name, title)


@pytest.mark.parametrize(
    "line, name, portfolio",
    [
        ("Councillor(s) consulted: Councillor Priya Mehta, Cabinet Member for Housing", "Priya Mehta", "Housing"),
        ("Cabinet Members consulted: Cllr Ann Lee (Housing); Cllr Bob Kerr (Finance)", "Ann Lee", "Housing"),
        ("PORTFOLIO HOLDER CONSULTED: CLLR DAVID ROWE (ENVIRONMENT)", "DAVID ROWE", "ENVIRONMENT"),
        ("The Cabinet Member for Finance, Councillor Rhys Evans, was consulted and supports the decision.", "Rhys Evans", "Finance"),
    ],
)
def test_the_member_consulted_named_in_a_consultation_line(extractor, line, name, portfolio):
    record = extractor.extract_text(f"Record of Decision\nDecision Maker: Head of Property\n{line}\nDecision: To approve the lease.\n")
    assert (record.executive_member.name, record.executive_member.portfolio) == (name, portfolio)
    assert record.decision_maker.title == "Head of Property"


@pytest.mark.parametrize(
    "text, name, title",
    [
        ("Officer Decision Notice\nDecision: To approve the scheme.\nThe decision was made by Councillor Dev Patel, Cabinet "
         "Member for Transport, on 3 May 2024.\n", "Dev Patel", "Cabinet Member for Transport"),
        ("Record of decision\nApproved by: Jane Okoro, Director of Finance\nDecision: To write off the debt.\n", "Jane Okoro", "Director of Finance"),
        ("DECISION NOTICE\nDECISION MAKER: COUNCILLOR JOHN SMITH, CABINET MEMBER FOR HOUSING\nDECISION: TO APPROVE.\n",
         "JOHN SMITH", "Cabinet Member for Housing"),
        ("Officer decision\nDecision maker: cllr. Mary O'Brien, Lead Member for Children's Services\nDecision: To approve.\n",
         "Mary O'Brien", "Lead Member for Children's Services"),
        ("Record of Officer Decision\nDecision:\nHaving consulted the Portfolio Holder for Planning, Cllr Tim Noakes, I, Greg Hale, "
         "Head of Planning, approve the fees.\n", "Greg Hale", "Head of Planning"),
    ],
)
def test_more_ways_of_naming_the_decider(extractor, text, name, title):
    record = extractor.extract_text(text)
    assert (record.decision_maker.name, record.decision_maker.title) == (name, title)


@pytest.mark.parametrize(
    "line",
    ["Ward Councillors consulted: Cllr Amy Jones, Cllr Ben Smith", "Local Members consulted: Cllr Amy Jones",
     "Ward member(s) consulted: Councillor Amy Jones (Riverside)"],
)
def test_a_ward_member_consulted_is_not_the_executive_member(extractor, line):
    record = extractor.extract_text(f"Record of Delegated Decision\nDecision Maker: Head of Parks\n{line}\nDecision: To close the play area.\n")
    assert record.executive_member is None


@pytest.mark.parametrize("heading", [
    "RECORD OF DECISION TAKEN UNDER DELEGATED POWERS", "Record of Officer Decision made under delegated authority",
    "Delegated Decision Notice - taken in accordance with the Scheme of Delegation",
    "Officer Decision Record: made by an officer under delegated powers",
])
def test_a_record_heading_that_says_how_the_decision_was_taken_is_the_pages_heading(extractor, heading):
    record = extractor.extract_text(
        f"Fernholt Council\n{heading}\n\nSubject: Sale of land at Quarry Lane\n\nDecision:\n"
        "To sell the land at Quarry Lane to Quarry Lane Allotments Association for £12,000.\n\n"
        "Reason:\nThe land is surplus to requirements.\n"
    )
    assert record.decision == "To sell the land at Quarry Lane to Quarry Lane Allotments Association for £12,000."
    assert record.subject == "Sale of land at Quarry Lane"


@pytest.mark.parametrize("label", ["Officer", "Officer Name", "Name of Officer", "Authorising Officer", "Determining Officer"])
@pytest.mark.parametrize("post_label", ["Designation", "Job Title", "Post"])
def test_the_officer_an_officer_decision_record_names_first(extractor, label, post_label):
    record = extractor.extract_text(
        f"RECORD OF DECISION TAKEN UNDER DELEGATED POWERS\n\n{label}: Callum Muir\n"
        f"{post_label}: Executive Chief Officer, Housing and Property\nDate: 3rd October 2023\n\n"
        "Subject: Disposal of land at Mill Road\n\nDecision:\nI have approved the sale of the land at Mill Road.\n"
    )
    assert (record.decision_maker.name, record.decision_maker.title) == (
        "Callum Muir", "Executive Chief Officer, Housing and Property")
    assert record.decision == "I have approved the sale of the land at Mill Road."


LONG_HEADINGS = [
    ("Conflicts of interest declared by the Cabinet Member or any officer consulted", "conflicts_of_interest", "None."),
    ("Any conflict of interest declared by any Cabinet Member who is consulted by the officer which relates to the decision",
     "conflicts_of_interest", "None."),
    ("Details of any alternative options considered and rejected by the officer when making the decision",
     "rejected_options", ["Do nothing: parking pressure would continue to grow."]),
    ("Reasons for the decision taken by the Cabinet Member for Transport and Highways in respect of the scheme",
     "reasons", "Survey results show that most residents support a scheme."),
]


@pytest.mark.parametrize("heading, field, value", LONG_HEADINGS)
def test_a_long_numbered_heading_heads_the_section_its_opening_words_name(extractor, heading, field, value):
    bodies = {"reasons": "Survey results show that most residents support a scheme.",
              "rejected_options": "Do nothing: parking pressure would continue to grow.", "conflicts_of_interest": "None."}
    body = bodies[field]
    record = extractor.extract_text(
        "Individual Cabinet Member Decision\nSubject: Residents' parking in Castle Ward\n\n1. Decision\n"
        "That the Cabinet Member approves a residents' parking scheme in Castle Ward.\n\n"
        f"2. {heading}\n{body}\n\n3. Background papers\nNone.\n"
    )
    assert getattr(record, field) == value
    assert record.decision == "That the Cabinet Member approves a residents' parking scheme in Castle Ward."


@pytest.mark.parametrize("line", [
    "2. The council will consult residents in Castle Ward on the proposals in the spring",
    "2. Reasons given by residents in the survey included concerns about parking and traffic.",
    "2. Officers consulted residents and businesses in the area during March and April",
    "2. Consultation was carried out with ward members, who raised no objections",
])
def test_a_numbered_sentence_is_no_long_heading(extractor, line):
    record = extractor.extract_text(
        "Individual Cabinet Member Decision\nSubject: Residents' parking\n\nDecision:\n"
        f"1. That the Cabinet Member approves a residents' parking scheme.\n{line}\nAnother paragraph follows here.\n"
    )
    assert record.decision.startswith("1. That the Cabinet Member approves a residents' parking scheme.\n2. ")
    assert record.consultation is None and record.reasons is None


@pytest.mark.parametrize("line, phone, email", [
    ("Sarah Whitfield, Head of Commissioning, tel. 01632 960451", "01632 960451", None),
    ("Sarah Whitfield, Head of Commissioning, Tel No: 01632 960451", "01632 960451", None),
    ("Sarah Whitfield, Head of Commissioning - telephone 01632 960451", "01632 960451", None),
    ("Sarah Whitfield, Head of Commissioning, email sarah.whitfield@kingsmere.example.gov.uk",
     None, "sarah.whitfield@kingsmere.example.gov.uk"),
    ("Sarah Whitfield, Head of Commissioning, T: 01632 960451, E: sarah.whitfield@kingsmere.example.gov.uk",
     "01632 960451", "sarah.whitfield@kingsmere.example.gov.uk"),
])
def test_a_contact_lines_number_and_address_leave_the_title_clean(extractor, line, phone, email):
    record = extractor.extract_text(f"Officer Decision Record\nDecision:\nTo approve the fees.\nContact Officer: {line}\n")
    contact = record.officer_contact
    assert (contact.name, contact.title, contact.phone, contact.email) == ("Sarah Whitfield", "Head of Commissioning", phone, email)


BILINGUAL = """CYNGOR SIR ABERGLAN / ABERGLAN COUNTY COUNCIL
PENDERFYNIAD DIRPRWYEDIG / DELEGATED DECISION

Teitl / Title: Grant to Llanfor Village Hall
Cyfeirnod / Reference: DD/2023/88
Swyddog / Officer: Rhian Pritchard, Head of Housing
Aelod Cabinet / Cabinet Member: {honorific} Dafydd Jones, Cabinet Member for Communities
Dyddiad / Date: 21.09.23

Penderfyniad / Decision:
To award a grant of £18,500 to Llanfor Village Hall towards roof repairs.
"""


@pytest.mark.parametrize("honorific", ["Cynghorydd / Councillor", "Cyng. / Cllr", "Councillor"])
def test_bilingual_labels_keep_their_welsh_half_out_of_the_values(extractor, honorific):
    record = extractor.extract_text(BILINGUAL.format(honorific=honorific))
    member = record.executive_member
    assert (member.name, member.title, member.portfolio) == ("Dafydd Jones", "Cabinet Member for Communities", "Communities")
    assert (record.subject, record.reference) == ("Grant to Llanfor Village Hall", "DD/2023/88")
    assert (record.decision_maker.name, record.decision_maker.title) == ("Rhian Pritchard", "Head of Housing")
    assert [(d.kind, d.value) for d in record.dates] == [("decision", dt.date(2023, 9, 21))]


@pytest.mark.parametrize("label", ["In consultation with", "Following consultation with", "After consultation with"])
def test_who_was_consulted_printed_as_a_label(extractor, label):
    record = extractor.extract_text(
        "Executive Decision Record\nExecutive Decision taken by: Councillor Peter Haines, Leader of the Council\n"
        f"{label}: Cllr Mary Osborne (Deputy Leader)\nSubject of decision: Local Plan consultation\n"
        "Decision: To publish the draft Local Plan for consultation.\n"
    )
    assert record.consultation == "Cllr Mary Osborne (Deputy Leader)"
    assert record.decision_maker.name == "Peter Haines"


@pytest.mark.parametrize("printed", ["Portfolio Holder - Environment", "Portfolio Holder (Environment)", "Portfolio Holder: Environment"])
def test_a_title_only_decider_is_named_where_the_post_is_printed_another_way(extractor, printed):
    record = extractor.extract_text(
        f"Decision details\nStreet lighting columns\nDecision Maker: {printed}\n\nDecision:\n"
        "The Portfolio Holder for Environment, Councillor Anita Rao, approved the replacement of 420 columns.\n"
    )
    assert record.decision_maker.name == "Anita Rao"
    assert record.executive_member.portfolio == "Environment"


@pytest.mark.parametrize("heading, field", [
    ("Background and reasons", "reasons"), ("Reasons and background", "reasons"),
    ("BACKGROUND AND REASONS:", "reasons"), ("Background and consultation", "consultation"),
])
def test_a_heading_joining_a_field_to_background_heads_the_fields_section(extractor, heading, field):
    record = extractor.extract_text(
        "Delegated Decision Record\nDecision made by: Sean Gallagher, Head of Planning\n\nDecision\n"
        "To adopt the revised validation checklist.\n\n"
        f"{heading}\nThe checklist must be reviewed every two years.\n\n"
        "Financial Implications\nThe council must publish a checklist.\n"
    )
    assert getattr(record, field) == "The checklist must be reviewed every two years."
    assert record.decision == "To adopt the revised validation checklist."


@pytest.mark.parametrize("line, exempt", [
    ("Status: Part B - exempt", True), ("Report status: PART II - CONFIDENTIAL", True),
    ("Exempt information: Part B", True), ("Exempt information: Part A", False), ("Publication status: Part A - open", False),
])
def test_an_agendas_part_a_and_part_b_say_open_and_exempt(extractor, line, exempt):
    record = extractor.extract_text(f"Officer Decision Record\nSubject: Library hours\n{line}\nDecision:\nTo approve the hours.\n")
    assert record.exempt_information is not None and record.exempt_information.exempt is exempt


@pytest.mark.parametrize("line", ["Record No. 2024-118", "Record No: 2024-118", "Decision No. 2024-118"])
def test_a_record_number_with_its_abbreviation_dot(extractor, line):
    record = extractor.extract_text(f"Officer Decision Record\n{line}\nSubject: Library hours\nDecision:\nTo approve the hours.\n")
    assert record.reference == "2024-118"


def test_a_table_rows_long_label_cell_is_read_by_its_meaning(extractor):
    html = (
        "<html><body><h1>Ashcombe District Council</h1><h2>Record of Officer Decision</h2><table>"
        "<tr><td>Name and job title of the officer taking the decision:</td>"
        "<td>Helena Marsh, Assistant Director for Environment</td></tr>"
        "<tr><td>Portfolio Holder who was consulted before the decision was taken:</td>"
        "<td>Councillor Victor Osei, Portfolio Holder for Climate Change</td></tr>"
        "<tr><td>Date of decision</td><td>19 August 2024</td></tr></table>"
        "<h3>Decision</h3><p>To award the contract to ChargeWell Ltd.</p></body></html>"
    )
    record = extractor.extract_bytes(html.encode(), path="record.html")
    assert (record.decision_maker.name, record.decision_maker.title) == ("Helena Marsh", "Assistant Director for Environment")
    assert (record.executive_member.name, record.executive_member.portfolio) == ("Victor Osei", "Climate Change")


@pytest.mark.parametrize("first, second", [
    ("Name and job title of the officer", "taking the decision"),
    ("Name and job title of the officer", "taking the decision:"),
    ("Officer responsible for taking", "this decision"),
])
def test_a_label_wrapped_in_a_narrow_cell_is_read_by_its_meaning(extractor, first, second):
    record = extractor.extract_text(
        "RECORD OF OFFICER DECISION\nDecision reference number ADC/OD/2024/0193\n"
        f"{first}\n{second}\nHelena Marsh, Assistant Director for Environment\n"
        "Date of decision 19 August 2024\n\nDecision\nTo award the contract to ChargeWell Ltd.\n"
    )
    assert (record.decision_maker.name, record.decision_maker.title) == ("Helena Marsh", "Assistant Director for Environment")


@pytest.mark.parametrize("lines", [
    "Consultation with residents took place in\nthe spring.",
    "Consultation with residents took place in\nthe spring and the responses\nwere positive.",
    "Approved\nthe officer's recommendation",
])
def test_a_wrapped_sentence_is_no_label(extractor, lines):
    record = extractor.extract_text(f"Officer Decision Record\nSubject: Library hours\nDecision:\n{lines}\nReasons:\nDemand.\n")
    assert record.decision == " ".join(lines.split())
    assert record.consultation is None


@pytest.mark.parametrize("role, verb", [
    ("Portfolio Holder", "RESOLVED to"), ("Cabinet Member", "AGREED"), ("Portfolio Holder", "Approved"),
    ("Executive Member", "has DECIDED to"),
])
def test_a_lead_in_with_its_verb_in_capitals_names_the_decider(extractor, role, verb):
    record = extractor.extract_text(
        f"Record of Executive Decision\n{role}: Councillor Naomi Fraser (Housing and Homelessness)\n"
        f"Subject: Temporary accommodation placement policy\nDate of Decision: 7 April 2025\n\n"
        f"The {role} {verb}:\n(a) adopt the placement policy; and\n(b) delegate minor amendments to the Director.\n\n"
        "Reasons:\nThe statutory guidance requires a placement policy.\n"
    )
    assert record.decision_maker is not None
    assert (record.decision_maker.name, record.decision_maker.title) == ("Naomi Fraser", role)
    assert record.executive_member.portfolio == "Housing and Homelessness"


@pytest.mark.parametrize("text, title", [
    ("The Portfolio Holder RESOLVED to adopt the policy.", "Portfolio Holder"),
    ("The Cabinet Member for Housing AGREED the allocation.", "Cabinet Member for Housing"),
    ("The Cabinet Member Housing Services approved it.", "Cabinet Member Housing Services"),  # a bare area stays the role's
])
def test_a_roles_area_stops_at_a_decision_verb(text, title):
    from extractor.fields.people import grammar
    from extractor.profile import load_profile

    roles = grammar(load_profile()).roles_in(text)
    assert [role.title for role, _, _ in roles] == [title]


LONG_COLON_LABELS = [
    ("Conflicts of interest declared by the decision maker or any member consulted:", "conflicts_of_interest", "None"),
    ("Reasons for the decision taken by the Head of Property and Assets under delegation:", "reasons",
     "The surface presents a trip hazard."),
    ("Details of the decision made by the officer under the scheme of delegation:", "decision",
     "To close the car park for two weeks."),
]


@pytest.mark.parametrize("label, field, value", LONG_COLON_LABELS)
def test_a_long_label_ending_in_a_colon_heads_the_section_its_opening_words_name(extractor, label, field, value):
    record = extractor.extract_text(
        "Rushby Borough Council\nDelegated Officer Decision\nTitle of decision: Mill Lane car park resurfacing\n"
        "Decision made by (name and post): Karen Oduya, Head of Property and Assets\n\n"
        f"{label}\n{value}\n\nBackground papers: None\n"
    )
    assert getattr(record, field) == value


@pytest.mark.parametrize("sentence", [
    "The Cabinet Member for Housing, having considered the report, approved the following:",
    "Approval is given for the following works, which were considered by the Cabinet:",
])
def test_a_sentence_ending_in_a_colon_stays_in_its_section(extractor, sentence):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Mill Lane car park\n\nDecision:\n"
        f"{sentence}\n(a) resurfacing of the car park;\n(b) new lining.\n\nReasons:\nThe surface is worn.\n"
    )
    assert record.decision == f"{sentence}\n(a) resurfacing of the car park;\n(b) new lining."
    assert record.reasons == "The surface is worn."


@pytest.mark.parametrize("label, field, value", LONG_COLON_LABELS)
def test_a_long_label_before_a_colon_reads_the_value_on_its_line(extractor, label, field, value):
    record = extractor.extract_text(
        "Wyecliffe District Council\nOfficer Key Decision\nDecision Title: Electric refuse vehicles\n\n"
        "Options considered and rejected\n1. Replace with diesel vehicles - rejected.\n"
        f"{label} {value}\n"
    )
    assert getattr(record, field) == value
    assert record.rejected_options == ["Replace with diesel vehicles - rejected."]


def test_a_sentence_with_a_colon_inside_a_section_is_no_long_label(extractor):
    sentence = "Councillor Amy Smith declared an interest in the item: she is a governor of the school."
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: School crossing patrols\n\nDecision:\nTo fund two school crossing patrols.\n\n"
        f"Declarations of interest:\n{sentence}\n"
    )
    assert record.conflicts_of_interest == sentence


SECTIONED_RECORD = (
    "Marlow Vale District Council\nOfficer Decision Record\nSubject: Library opening hours\n"
    "Decision maker: Jane Roe, Head of Libraries\n\n{d}\nTo approve the new library opening hours.\n\n"
    "{r}\nVisitor numbers have changed since 2019.\n\n{o}\nKeeping the current hours was rejected.\n"
)


@pytest.mark.parametrize("d, r, o", [
    ("A. Decision", "B. Reasons for decision", "C. Alternatives considered"),
    ("A) Decision", "B) Reasons for the decision", "C) Alternative options considered and rejected"),
    ("(A) Decision:", "(B) Reasons:", "(C) Options considered:"),
])
def test_lettered_sections_head_their_fields(extractor, d, r, o):
    record = extractor.extract_text(SECTIONED_RECORD.format(d=d, r=r, o=o))
    assert record.decision == "To approve the new library opening hours."
    assert record.reasons == "Visitor numbers have changed since 2019."
    assert record.rejected_options == ["Keeping the current hours was rejected."]


@pytest.mark.parametrize("line", ["A. Patel", "B. Reasons are set out in the report.", "C. Approve the budget"])
def test_a_lettered_line_of_text_is_no_heading(extractor, line):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Library opening hours\n\nDecision:\nTo approve the new hours.\n"
        f"{line}\n\nReasons:\nDemand has changed.\n"
    )
    assert record.decision == f"To approve the new hours.\n{line}"


@pytest.mark.parametrize("heading", ["Reasons for Decision / Background", "Background / Reasons", "Reasons / Background:"])
def test_a_heading_joining_reasons_to_background_with_a_slash_heads_the_reasons(extractor, heading):
    record = extractor.extract_text(SECTIONED_RECORD.format(d="Decision:", r=heading, o="Options considered:"))
    assert record.reasons == "Visitor numbers have changed since 2019."


@pytest.mark.parametrize("d, r, o", [
    ("Decision and any conditions", "Reasons for the decision made", "Alternative options"),
    ("Details of the decision taken", "Reasons for the decision taken", "Rejected options"),
])
def test_sentence_case_headings_set_apart_head_their_sections(extractor, d, r, o):
    record = extractor.extract_text(SECTIONED_RECORD.format(d=d, r=r, o=o))
    assert record.decision == "To approve the new library opening hours."
    assert record.reasons == "Visitor numbers have changed since 2019."
    assert record.rejected_options == ["Keeping the current hours was rejected."]


@pytest.mark.parametrize("line, above", [
    ("Reasons are given in the report", "\n"),        # a sentence: it has a verb
    ("Reasons for the decision made", ""),            # not set apart: the line above runs into it
])
def test_a_sentence_case_line_that_is_no_heading_stays_text(extractor, line, above):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Library opening hours\n\nDecision:\nTo approve the new hours as set out\n"
        f"{above}{line}\nDemand has changed.\n\nBackground papers: None\n"
    )
    assert record.reasons is None
    assert line in record.decision


SIGNED_RECORD = (
    "Marlow Vale District Council\nOfficer Decision Record\nSubject: Library opening hours\n\n"
    "Decision:\nTo approve the new library opening hours from 1 May 2025.\n\nReasons:\nVisitor numbers have changed.\n\n{block}\n"
)


@pytest.mark.parametrize("block", [
    "Approved by: (signed) Jane Roe, Head of Libraries, 3 March 2025",
    "Decision maker: Jane Roe [signed]\nJob Title: Head of Libraries",
    "Signed: (Signature) Jane Roe\nDesignation: Head of Libraries",
    "Signature of decision maker: [signed]\nPrint name: Jane Roe\nJob title: Head of Libraries\nDate: 03/03/2025",
    "Signed ............................ Date ....................\nJane Roe, Head of Libraries",
    "Signed: ________________________\nJane Roe\nHead of Libraries",
    "Decision taken under delegated powers by Jane Roe, Head of Libraries, on 3 March 2025.",
    "Authorised signatory: Jane Roe (Head of Libraries)\nDate of signature: 3rd March 2025",
    "Officer signature: Jane Roe\nOfficer title: Head of Libraries\nDate signed: 3.3.2025",
])
def test_the_signer_of_a_signature_block_is_the_decision_maker(extractor, block):
    record = extractor.extract_text(SIGNED_RECORD.format(block=block))
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jane Roe", "Head of Libraries")


@pytest.mark.parametrize("block", [
    "Signed ..........\nThe decision will be published on the website.",
    "Signed: ____________\nDate: 3 March 2025",
])
def test_a_signature_line_with_no_signer_names_no_one(extractor, block):
    assert extractor.extract_text(SIGNED_RECORD.format(block=block)).decision_maker is None


@pytest.mark.parametrize("label", ["Report author", "Author", "Report Author / Contact Officer"])
def test_an_author_is_the_officer_contact_not_an_authorised_signatory(extractor, label):
    record = extractor.extract_text(SIGNED_RECORD.format(block=f"{label}: Tom Reddish, Libraries Manager"))
    assert (record.officer_contact.name, record.officer_contact.title) == ("Tom Reddish", "Libraries Manager")
    assert record.decision_maker is None


@pytest.mark.parametrize("label", ["Decision made", "Decision taken"])
def test_a_dates_sentence_does_not_run_on_into_the_next_label(extractor, label):
    record = extractor.extract_text(
        f"Officer Decision Record\nSubject: Library opening hours\n{label}: 3 March 2025\nPublished: 4 March 2025\n"
        "Call-in expires: 10 March 2025\nDecision:\nTo approve the new hours.\n"
    )
    assert sorted((d.kind.value, d.value.isoformat()) for d in record.dates) == [
        ("call_in_expiry", "2025-03-10"), ("decision", "2025-03-03"), ("published", "2025-03-04")]


def test_a_date_in_a_sections_prose_still_reads_its_sentence(extractor):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Library opening hours\nDecision: The new hours were approved; the\n"
        "call-in period ends on 10 March 2025.\nReasons:\nDemand has changed.\n"
    )
    assert [(d.kind.value, d.value.isoformat()) for d in record.dates] == [("call_in_expiry", "2025-03-10")]


@pytest.mark.parametrize("value, options", [
    ("No grant: demand on council services would rise.", ["No grant: demand on council services would rise."]),
    ("No action – the building would stay closed.", ["No action – the building would stay closed."]),
    ("No", []), ("No.", []), ("None", []), ("No other options were considered.", []), ("No options considered", []),
    ("No further options", []), ("N/A", []),
])
def test_doing_nothing_is_an_option_but_no_is_none(extractor, value, options):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Food bank grant\nDecision:\nTo award a grant of £20,000.\n"
        f"Options rejected:\n{value}\n"
    )
    assert record.rejected_options == options


@pytest.mark.parametrize("footer, council", [
    ("© Ashdown District Council 2025", "Ashdown District Council"),
    ("Copyright Greyford Borough Council. All rights reserved.", "Greyford Borough Council"),
    ("(c) LONDON BOROUGH OF WESTMARSH", "London Borough of Westmarsh"),
])
def test_the_council_named_only_in_the_copyright_line(extractor, footer, council):
    record = extractor.extract_text(
        "Decision notice\nSubject: Play equipment at Victoria Park\nDecision maker: Head of Leisure\n\nDecision:\n"
        "To replace the play equipment at Victoria Park.\n\nReasons:\nThe equipment failed its safety inspection.\n\n"
        f"{footer}\n"
    )
    assert record.council == council


def test_the_council_at_the_top_comes_before_the_copyright_lines(extractor):
    record = extractor.extract_text(
        "Wyvern District Council\nDecision notice\nSubject: Play equipment\n\nDecision:\nTo replace the equipment.\n\n"
        "© Ashdown District Council 2025 (shared service)\n"
    )
    assert record.council == "Wyvern District Council"


@pytest.mark.parametrize("line, exempt", [
    ("Is the decision exempt from call-in? No", None), ("Exempt from call-in: Yes (urgent)", None),
    ("Is the decision exempt? No", False), ("Exempt information: Yes - paragraph 3", True),
])
def test_exempt_from_call_in_says_nothing_of_exempt_information(extractor, line, exempt):
    record = extractor.extract_text(f"Officer Decision Record\nSubject: Speed limits\n{line}\nDecision:\nTo approve the limits.\n")
    assert (record.exempt_information.exempt if record.exempt_information else None) == exempt


def test_a_long_heading_set_apart_heads_its_section(extractor):
    record = extractor.extract_text(
        "Record of Decision by a Cabinet Member\nTitle of decision: Speed limits\n\nDecision\nTo introduce a 20mph limit.\n\n"
        "Any conflict of interest declared by the Cabinet Member\nNone\n\nSigned: ........\n"
    )
    assert record.decision == "To introduce a 20mph limit."
    assert record.conflicts_of_interest == "None"


def test_a_heading_wrapped_over_a_paragraph_gap_is_not_cut_at_the_gap(extractor):
    record = extractor.extract_text(
        "Record of Decision\nSubject: Speed limits\n\nDecision:\nTo introduce a 20mph limit.\n\n"
        "Any interest declared when the decision was taken and any dispensation granted by the\n\nProper Officer:\n\nNone.\n"
    )
    # what it was before the gap cut it: no conflicts section, the heading's first half left to the decision
    assert record.conflicts_of_interest is None
    assert record.decision.startswith("To introduce a 20mph limit.")


@pytest.mark.parametrize("value, title", [
    ("Rhian Evans, Pennaeth Tai / Head of Housing", "Head of Housing"),
    ("Rhian Evans, Head of Housing / Pennaeth Tai", "Head of Housing"),
    ("Rhian Evans, Prif Weithredwr / Chief Executive", "Chief Executive"),
    ("Rhian Evans, Head of Planning / Building Control", "Head of Planning / Building Control"),  # one language
    ("Rhian Evans, Cabinet Member for Housing / Deputy Leader", "Cabinet Member for Housing / Deputy Leader"),
])
def test_a_post_printed_in_two_languages_keeps_the_half_odr_reads(extractor, value, title):
    record = extractor.extract_text(
        f"Cyngor Sir Wyeford / Wyeford County Council\nOfficer Decision Record\nSubject: Housing allocations\n"
        f"Decision maker: {value}\nDecision:\nTo approve the allocation scheme.\n"
    )
    assert (record.decision_maker.name, record.decision_maker.title) == ("Rhian Evans", title)


@pytest.mark.parametrize("post, portfolio", [
    ("Cabinet Member for Housing / Deputy Leader", "Housing"),
    ("Cabinet Member for Housing, Deputy Leader", "Housing"),
    ("Cabinet Member for Housing and Deputy Leader", "Housing"),
    ("Cabinet Member for Environment and Leader of the Council", "Environment"),
    ("Cabinet Member for Finance and Council Services", "Finance and Council Services"),
    ("Cabinet Member for Highways and Lead Local Flood Authority", "Highways and Lead Local Flood Authority"),
])
def test_a_portfolio_ends_where_another_members_post_begins(extractor, post, portfolio):
    record = extractor.extract_text(
        f"Record of Decision\nSubject: Housing allocations\nDecision maker: Cllr Ann Lee, {post}\nDecision:\nTo approve the scheme.\n"
    )
    assert record.executive_member.portfolio == portfolio


def test_a_title_under_the_decision_maker_that_names_no_post_is_the_records_title(extractor):
    record = extractor.extract_text(
        "Northshire Combined Authority\nMayoral Decision Notice\nDecision Maker: Jo Bright\n"
        "Date of Decision: 28 March 2025\nTitle: Adult Skills Fund commissioning plan 2025/26\n"
        "Decision\nThe Mayor approved the plan.\n"
    )
    assert record.subject == "Adult Skills Fund commissioning plan 2025/26"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jo Bright", None)


@pytest.mark.parametrize("post", ["Town Clerk", "Head of Waste and Street Scene Services", "Borough Solicitor"])
def test_a_title_under_the_decision_maker_that_names_a_post_is_theirs(extractor, post):
    record = extractor.extract_text(
        f"Officer Decision Record\nSubject: Bin collections\nDecision Maker: Jo Bright\nTitle: {post}\nDecision:\nTo approve.\n"
    )
    assert record.subject == "Bin collections"
    assert (record.decision_maker.name, record.decision_maker.title) == ("Jo Bright", post)


@pytest.mark.parametrize("head, council", [
    ("NORTHSHIRE COMBINED AUTHORITY", "Northshire Combined Authority"),
    ("West Marsh Fire and Rescue Authority", "West Marsh Fire and Rescue Authority"),
    ("Dales National Park Authority", "Dales National Park Authority"),
    ("Greater London Authority", "Greater London Authority"),
    ("The Combined Authority", None), ("Fire and Rescue Authority", None),  # a kind of authority, not one
])
def test_the_other_local_authorities_that_publish_decisions(extractor, head, council):
    record = extractor.extract_text(
        f"{head}\nDecision Notice\nSubject: Skills plan\nDecision maker: The Mayor\nDecision:\nTo approve the plan.\n"
    )
    assert record.council == council


@pytest.mark.parametrize("d, r", [("Outcome", "Reason for outcome"), ("Resolution", "Reasons for resolution"),
                                  ("Outcome", "Grounds for the outcome")])
def test_a_heading_whose_head_names_another_section_ends_the_one_it_follows(extractor, d, r):
    record = extractor.extract_text(SECTIONED_RECORD.format(d=d, r=r, o="Options"))
    assert record.decision == "To approve the new library opening hours."
    assert record.reasons == "Visitor numbers have changed since 2019."


def test_a_question_inside_a_section_stays_in_it(extractor):
    record = extractor.extract_text(
        "Officer Decision Record\nSubject: Library hours\nDecision:\nTo approve the new hours.\n\nConsultation:\n"
        "Ward members were consulted.\nWas any Councillor consulted? Yes\n\nReasons:\nDemand has changed.\n"
    )
    assert record.consultation == "Ward members were consulted.\nWas any Councillor consulted? Yes"

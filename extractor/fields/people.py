"""People: who took the decision, the executive member and portfolio, the contact officer."""

from __future__ import annotations

import re
from collections.abc import Mapping

from models import ExecutiveMember, Method, OfficerContact, Person

from ..layout import Span
from ..profile import Profile
from . import Context, Found

_LEADING_FILL = re.compile(r"^[\s.…_:·-]+")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][A-Za-z'’]*(?:-[A-Z][A-Za-z'’]*)*\.?|[A-Z]\.(?:[A-Z]\.)*)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\(?0\d{2,4}\)?[\d ]{6,12}\d(?:\s*\((?:internal|ext)[^)]*\))?", re.IGNORECASE)


def clean(text: str, profile: Profile) -> str:
    text = _LEADING_FILL.sub("", text)
    for suffix in profile.cms_suffix:
        text = suffix.sub("", text)
    return " ".join(text.split()).strip(" .,;:")


def strip_honorifics(text: str, profile: Profile) -> str:
    return profile.honorific.sub("", text.strip()).strip()


def is_name(text: str, profile: Profile) -> bool:
    """A person's name: two to four capitalised words or initials, none of them a job-title word."""
    tokens = strip_honorifics(text, profile).split()
    if not 2 <= len(tokens) <= 4:
        return False
    if any(t.lower().strip(".,") in profile.role_words for t in tokens):
        return False
    if not all(_NAME_TOKEN.match(t) or t.lower() in profile.name_particles for t in tokens):
        return False
    return any(len(t.strip(".")) > 1 for t in tokens)


def fix_caps(title: str, profile: Profile) -> str:
    """'CABINET MEMBER FOR Housing' -> 'Cabinet Member for Housing'; acronyms alone are left as printed."""
    words = title.split()
    shouting = [w for w in words if len(w) >= 3 and w.isupper() and w.isalpha()]
    if len(shouting) < 2:
        return title
    fixed = []
    for i, word in enumerate(words):
        if word.isupper() and word.isalpha():
            lower = word.lower()
            word = lower if (i and lower in profile.title_small_words) else lower.capitalize()
        fixed.append(word)
    return " ".join(fixed)


def split_person(text: str, profile: Profile) -> Person | None:
    """'Mrs Sue Chandler, Cabinet Member for X' -> name and title; a bare role -> title only."""
    text = clean(text, profile)
    if not text:
        return None
    bracketed = re.match(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)$", text)
    if bracketed:
        outer, inner = bracketed["outer"].strip(), bracketed["inner"].strip()
        if is_name(outer, profile):
            return Person(name=strip_honorifics(outer, profile), title=_title_text(inner, profile))
        if is_name(inner, profile):  # "Head of Property (Ms Lucy Ward)"
            return Person(name=strip_honorifics(inner, profile), title=_title_text(outer, profile))
    for separator in (",", " - ", " – ", ";"):
        if separator in text:
            head, tail = text.split(separator, 1)
            if is_name(head, profile):
                return Person(name=strip_honorifics(head, profile), title=_title_text(tail, profile))
            # "Head of Highways - Jane Smith"; after a comma only with an honorific, as in "The Leader
            # of the Council, Cllr Ann Green" ("Head of Planning, Building Control" is one title)
            named_after = separator != "," or profile.honorific.match(tail.strip())
            if named_after and is_name(tail, profile) and not is_name(head, profile):
                return Person(name=strip_honorifics(tail, profile), title=_title_text(head, profile))
    if is_name(text, profile):
        return Person(name=strip_honorifics(text, profile))
    return Person(title=_title_text(text, profile))


def _title_text(text: str, profile: Profile) -> str | None:
    """A job title as printed, tidied: filler, shouting and a leading 'The' removed."""
    return fix_caps(re.sub(r"^the\s+", "", clean(text, profile), flags=re.IGNORECASE), profile) or None


def portfolio_of(title: str | None, profile: Profile) -> str | None:
    if not title:
        return None
    for pattern in profile.portfolio_patterns:
        match = pattern.search(title)
        if match:
            return clean(match.group("value"), profile) or None
    return None


def capitalised_run(text: str, profile: Profile) -> str:
    """The leading run of capitalised words (with 'and', '&', commas between): a portfolio named in prose."""
    words = text.split()
    taken: list[str] = []
    for i, word in enumerate(words):
        bare = word.strip(",.;:")
        if bare[:1].isupper():
            taken.append(word)
            if word.endswith((".", ";", ":")):
                break
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if bare.lower() in {"and", "&", "of"} and nxt[:1].isupper() and taken:
            taken.append(word)
            continue
        break
    return clean(" ".join(taken), profile)


def _person_from(span: Span | None, ctx: Context) -> Person | None:
    return split_person(span.text, ctx.profile) if span else None


def _compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    a, b = a.casefold(), b.casefold()
    return a == b or a in b or b in a


def _signature(ctx: Context) -> tuple[Person, Span] | None:
    """The first signature that names a person, with the title printed under it."""
    for hit in ctx.layout.all("signed"):
        span = ctx.layout.line_value(hit)
        person = _person_from(span, ctx)
        if span is None or person is None or person.name is None:
            continue
        return _with_title_below(ctx, hit, person), span
    return None


def _with_title_below(ctx: Context, hit, person: Person) -> Person:
    """A name against its label, and the job title on a 'Title:' / 'Job title:' line below it."""
    if person.name is None or person.title is not None:
        return person
    for later in ctx.layout.hits:
        if later.start <= hit.start:
            continue
        if later.field in ("signed", "decision_maker"):
            break  # the title below belongs to the next name
        if later.field == "signatory_title":
            span = ctx.layout.line_value(later)
            title = _title_text(span.text, ctx.profile) if span else None
            return Person(name=person.name, title=title) if title else person
    return person


def _meeting_body(ctx: Context) -> tuple[Person, Span] | None:
    """'Decided at meeting: 11/10/2012 - Cabinet' names the body that decided."""
    for hit in ctx.layout.all("date_meeting"):
        span = ctx.layout.line_value(hit)
        if span is None:
            continue
        match = re.search(r"\d\s*[-–]\s*(?P<body>[A-Z][^()\n]*?)\s*(?:\(|$)", span.text)
        if match:
            return Person(title=clean(match["body"], ctx.profile)), span
    return None


def decision_maker(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    return _with_member_title(_decision_maker(ctx), ctx.memo("labelled_member", _labelled_member))


def _decision_maker(ctx: Context) -> Found | None:
    labelled = None
    for field in ("decision_maker", "decision_maker_of"):
        for hit in ctx.layout.all(field):
            span = ctx.layout.line_value(hit)
            person = _person_from(span, ctx)
            if person is not None:
                labelled = Found(_with_title_below(ctx, hit, person), span, Method.label)
                break
        if labelled:
            break
    signed = _signature(ctx)
    spoken = ctx.first_person()
    witness = None
    if signed:
        person, span = signed
        if spoken and spoken[0].name == person.name and not person.title:
            person = Person(name=person.name, title=spoken[0].title)
        witness = Found(person, span, Method.label)
    elif spoken:
        witness = Found(spoken[0], spoken[1], Method.nlp)

    if labelled:
        person = labelled.value
        if witness and person.name is None and _compatible(person.title, witness.value.title):
            title = witness.value.title if _compatible(witness.value.title, person.title) and witness.value.title else person.title
            return Found(Person(name=witness.value.name, title=title), labelled.span, Method.label)
        return labelled
    if witness:
        return witness
    meeting = _meeting_body(ctx)
    if meeting:
        return Found(meeting[0], meeting[1], Method.label, 0.8)
    named = ctx.nlp.decider_in_prose(ctx.document, ctx.profile) if ctx.nlp else None
    if named:
        return Found(named[0], named[1], Method.nlp)
    return None


def _portfolio_label(ctx: Context) -> tuple[str, Span] | None:
    labelled = next(iter(ctx.label_values("portfolio")), None)
    return (clean(labelled[1].text, ctx.profile), labelled[1]) if labelled else None


def _labelled_member(ctx: Context) -> Found | None:
    """The member a label names ("Executive Member: Cllr Bob Deering (Resources and Performance)")."""
    labelled_portfolio = _portfolio_label(ctx)
    portfolio = labelled_portfolio[0] if labelled_portfolio else None
    for _, span in ctx.label_values("executive_member"):
        person = _person_from(span, ctx)
        if person is None:
            continue
        title, area = person.title, portfolio or portfolio_of(person.title, ctx.profile)
        if person.name and title and area is None and not ctx.profile.member_role.search(title):
            title, area = None, title  # the portfolio in brackets after the name
        return Found(ExecutiveMember(name=person.name, title=title, portfolio=area), span, Method.label)
    return None


def executive_member(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    labelled = ctx.memo("labelled_member", _labelled_member)
    if labelled:
        return labelled
    maker = found.get("decision_maker")
    labelled_portfolio = _portfolio_label(ctx)
    portfolio = labelled_portfolio[0] if labelled_portfolio else None
    if maker and maker.value.title and ctx.profile.member_role.search(maker.value.title):
        person = maker.value
        return Found(
            ExecutiveMember(name=person.name, title=person.title, portfolio=portfolio or portfolio_of(person.title, ctx.profile)),
            maker.span,
            Method.derived,
        )
    for pattern in ctx.profile.prose.get("executive_member_report", []):
        match = pattern.search(ctx.document.text)
        area = capitalised_run(match["value"], ctx.profile) if match else None
        if match and area:
            span = ctx.span_of(match.start(), match.start("value") + len(area))
            return Found(ExecutiveMember(title=f"{match['role']} for {area}", portfolio=area), span, Method.pattern)
    if portfolio and labelled_portfolio:
        return Found(ExecutiveMember(portfolio=portfolio), labelled_portfolio[1], Method.label)
    return None


def _with_member_title(maker: Found | None, member: Found | None) -> Found | None:
    """A signature names the decider without a title; the executive member line names the same
    person with one ("Portfolio Holder: Cllr Mark Dean, Portfolio Holder for Leisure")."""
    if not maker or not member or maker.value.title or not maker.value.name:
        return maker
    if member.value.name == maker.value.name and member.value.title:
        return Found(Person(name=maker.value.name, title=member.value.title), maker.span, maker.method, maker.confidence)
    return maker


def officer_contact(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    contact = next(iter(ctx.label_values("officer_contact")), None)
    if contact is None:
        return None
    span = contact[1]
    email_match = _EMAIL.search(span.text)
    phone_match = _PHONE.search(span.text)
    text = span.text
    for match in (email_match, phone_match):
        if match:
            text = text.replace(match.group(0), " ")
    person = split_person(text, ctx.profile) or Person()
    phone = next(
        (
            clean(s.text, ctx.profile)
            for name in ("officer_phone", "officer_tel")
            for _, s in ctx.label_values(name)
            if any(c.isdigit() for c in s.text)
        ),
        None,
    )
    email = next((clean(s.text, ctx.profile) for _, s in ctx.label_values("officer_email")), None)
    return Found(
        OfficerContact(
            name=person.name,
            title=person.title,
            phone=phone or (phone_match.group(0).strip() if phone_match else None),
            email=email or (email_match.group(0) if email_match else None),
        ),
        span,
        Method.label,
    )

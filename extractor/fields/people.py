"""People: who took the decision, the executive member and portfolio, the contact officer.

One person-and-role grammar reads all three.

* A *role* is a job title or a deciding body, recognised by a head from the profile's lexicon
  ([vocabulary] role_heads, body_heads): capitalised title words, the head, an area
  ("Assistant Director of Planning", "Cabinet Member with Special Responsibility for Finance",
  "Chief Officer (Highways)", "Resources Portfolio Holder"). The area of a member role is its portfolio.
* A *name* is two to five capitalised words or initials ("A. B. Smith", "Raj Patel", "Ursula von der
  Leyen"), or one after an honorific ("Cllr Smith"); it never holds a job-title word.
* In a *value* (a label's value, a signature, a line) the grammar splits names from roles whichever
  way round they are printed: "Role: Name", "Name, Role", "Role, Name", "Name (Role)", "Role (Name)",
  "Role - Name", with content-management marks removed ("(to 01/11/2021)", "- Expired").
* In *prose* it finds mentions (a role, a name, or both side by side) and reads who did what: the
  writer of a first-person sentence, the subject of a decision verb, a member consulted. spaCy's
  PERSON entities, where a statistical model is installed, name the roles the rules leave unnamed.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from models import ExecutiveMember, Method, OfficerContact, Person

from ..document import STARTS_LIST_ITEM, Line
from ..layout import Hit, Span, continues
from ..profile import Profile, any_word, label_key, words_pattern
from . import Context, Found
from .dates import find_dates

_LEADING_FILL = re.compile(r"^[\s.…_:·-]+")
# A word's start: not inside a word, a possessive or a hyphenated compound ("co-director")
_NOT_AFTER_WORD = r"(?<![\w'’-])"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\(?0\d{2,4}\)?[\d ]{6,12}\d(?:\s*\((?:internal|ext)[^)]*\))?", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$|^(?:[A-Z]\.\s?){1,3}$")
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
# A value's parts: separators a name and a role are printed apart with ("Role - Name", "Name, Role").
_SEPARATOR = re.compile(r"\s*(?:,|;|:(?!\d)|\s[-–—]\s|\s[-–—](?=[A-Z])|\|)\s*")
_BRACKETED = re.compile(r"\(([^()]*)\)")
# A full stop ends a sentence unless it follows an initial ("J. R. Hartley").
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])\.(?=\s|$)")
# [^\S\n]: spaces within the line only; \s* here would rescan every run of blank lines from each of
# its lines (quadratic: 100k blank lines took minutes).
_FIRST_PERSON = re.compile(r"^[^\S\n]*(?:[^\n:]{0,60}:[^\S\n]*)?I,\s+[^\n]", re.MULTILINE)
_AS_ROLE_I = re.compile(r"\bAs\s+(?:the\s+)?(?=[A-Z])(?P<role>[^,\n]{3,120}?),?\s+I\b(?!\.)")
_SENTENCE_WINDOW = 400
_POST_WORDS = 4  # a post with no head word of the lexicon is short ("Town Clerk", "Borough Solicitor")
_HEADING = 40  # a shorter line with no comma at its end, above a capital, is a heading
_SIGNER_LINE = 80  # longest line under a signature read as its signer ("Jane Roe, Head of Libraries")
# A line printed as "Label: value" (a label odr may not know): it starts no sentence of the lines around it.
_LABEL_LIKE = re.compile(r"^[A-Z][^.:;!?]{0,60}:(?:\s|$)")
_MEMBER_SENTENCES = 20  # sentences naming a member read for one who was consulted
_HOLDER_LINES = 40  # lines printing a title-only decider's role read for the name beside it


# --------------------------------------------------------------------------------------------------
# the grammar


@dataclass(frozen=True)
class Role:
    """A job title or deciding body as printed, and what it says."""

    title: str
    portfolio: str | None = None  # the area of an executive member's role
    member: bool = False  # makes its holder an executive member
    body: bool = False  # a body (Cabinet, a committee): never a person


@dataclass(frozen=True)
class Mention:
    """A person or a role named in running text, with where it lies in that text."""

    name: str | None
    role: Role | None
    start: int
    end: int

    def person(self) -> Person:
        return Person(name=self.name, title=self.role.title if self.role else None)


@dataclass(frozen=True)
class Reading:
    """A value read by the grammar: a person, and a bracketed note after a name ("Cllr Bob Deering
    (Resources and Performance)") that is neither name nor role."""

    person: Person
    note: str | None = None
    doubtful: bool = False  # a part looked like a name but the rules could not take it as one


class Grammar:
    """The person-and-role grammar compiled from one profile's vocabulary."""

    def __init__(self, profile: Profile):
        self.profile = profile
        words = profile.vocabulary
        heads = [*words["role_heads"], *words["body_heads"]]
        self.bodies = frozenset(label_key(b) for b in words["body_heads"])
        self.head = any_word(heads, re.IGNORECASE, before=_NOT_AFTER_WORD, after=r"(?![\w'’-])")
        self.connector = re.compile(r"^\s+(?:" + words_pattern(words["area_connectors"]) + r")\s+(?:the\s+)?", re.IGNORECASE)
        self.portfolio_word = re.compile(r"\s+(?:" + words_pattern(words["portfolio_words"]) + r")$", re.IGNORECASE)
        self.honorific_word = any_word(words["honorifics"], re.IGNORECASE, before=_NOT_AFTER_WORD, after=r"\.?(?=\s)")
        self.small = profile.title_small_words
        self.prefixes = frozenset(w.lower() for w in words["title_prefixes"])
        self.openers = profile.sentence_openers
        self.conjunctions = frozenset(w.lower() for w in words["conjunctions"])
        self.other_language = any_word(words["other_language_post_words"], re.IGNORECASE)
        # a signature's mark in a value: "(signed) Jane Roe", "[Signature]"
        self.signature_mark = re.compile(r"[(\[]\s*(?:" + words_pattern(words["signature_words"]) + r")\s*[)\]]", re.IGNORECASE)
        self.verbs = frozenset(w.lower() for w in words["decision_verbs"])
        self.compound = re.compile(r"\s+(?:" + words_pattern(words["conjunctions"]) + r")\s+(?=[A-Z])", re.IGNORECASE)
        # a word introducing a number or an address, with the separator before it, ending where the
        # number or address begins ("Head of Commissioning - tel. ")
        self.contact_word = re.compile(rf"(?:[\s,;–-]*\s)?{_NOT_AFTER_WORD}(?:" + words_pattern(words["contact_words"])
                                       + r")\.?\s*[:.-]?\s*\Z", re.IGNORECASE)

    # ---- words ---------------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """Leading dots and rules, content-management marks and spare spaces removed."""
        if "(" in text or "[" in text:
            text = self.signature_mark.sub(" ", text)
        text = _LEADING_FILL.sub("", text)
        for mark in self.profile.cms_suffix:
            text = mark.sub("", text)
        return " ".join(text.split()).strip(" .,;:")

    def strip_honorifics(self, text: str) -> str:
        return self.profile.honorific.sub("", text.strip()).strip()

    def is_name(self, text: str) -> bool:
        """A person's name: two to five capitalised words or initials (one after an honorific), the
        last a word, none of them a job-title word."""
        text = text.strip(" ,")
        bare = self.strip_honorifics(text)
        tokens = bare.split()
        if not tokens or len(tokens) > 5 or len(tokens) < (1 if bare != text else 2):
            return False
        kinds = [self._token_kind(t) for t in tokens]
        if None in kinds or kinds[-1] != "word":
            return False
        return not any(t.lower().strip(".,") in self.profile.role_words for t in tokens)

    def _token_kind(self, token: str) -> str | None:
        if token.lower() in self.profile.name_particles:
            return "particle"
        if _INITIALS.match(token):
            return "initial"
        if token[0].isupper() and _NAME_WORD.match(token) and (len(token) > 1):
            return "word"
        return None

    def name(self, text: str) -> str | None:
        """The name in `text` without its honorifics, when `text` is a name."""
        text = text.strip(" ,")
        return self.strip_honorifics(text) if self.is_name(text) else None

    def tidy_title(self, text: str) -> str | None:
        """A job title as printed, tidied: filler, shouting and a leading 'The' removed; of a title
        printed in two languages ("Pennaeth Tai / Head of Housing"), the half that names a post."""
        text = re.sub(r"^the\s+", "", self.clean(text), flags=re.IGNORECASE)
        if text.count(" / ") == 1 and self.other_language.search(text):
            halves = text.split(" / ")
            posts = [half for half in halves if not self.other_language.search(half)
                     and (role := self.role(half)) is not None and not role.body]
            if len(posts) == 1:
                text = posts[0]
        return fix_caps(text, self.profile) or None

    # ---- roles ---------------------------------------------------------------------------------
    def role(self, text: str) -> Role | None:
        """`text` read as one role ("Cabinet Member - Corporate Services (Deputy Leader)"), or None
        when it names no head of the lexicon."""
        title = self.tidy_title(text)
        if not title:
            return None
        heads = [m for m in self.head.finditer(title) if self._complete(title, m)]
        if not heads or not self._title_words(title[: heads[0].start()]):
            return None
        member = bool(self.profile.member_role.search(title))
        person_heads = [m for m in heads if label_key(m.group()) not in self.bodies]
        return Role(title, self._portfolio(title) if member else None, member, body=not person_heads)

    def _title_words(self, text: str) -> bool:
        """What a title may print before its head: capitalised words, numbers and small words
        ("Contracts, Service Delivery and Improvement"), never a sentence ("a) Note the ...")."""
        return all(
            word[0].isupper() or word[0].isdigit() or word.lower() in self.small
            for word in re.findall(r"[^\s,&/()'’-]+", text)
        )

    def _complete(self, text: str, head: re.Match) -> bool:
        """A head written ending in 'of' ("head of") needs an area after it."""
        return not head.group().lower().endswith(" of") or bool(text[head.end():].strip()[:1].isupper())

    def _portfolio(self, title: str) -> str | None:
        """The area of the first member role in `title` that has one."""
        heads = list(self.head.finditer(title))
        for match in self.profile.member_role.finditer(title):
            # the whole head the member role is part of ("City Mayor", "Deputy Cabinet Member")
            head = next((h for h in heads if h.start() <= match.start() < h.end()), match)
            after = title[max(match.end(), head.end()):]
            connected = self.connector.match(after)
            dashed = re.match(r"\s*[-–:]\s*(?=\S)", after)
            bracket = _BRACKETED.match(after.lstrip())
            if connected:  # "Cabinet Member for X"
                area = self.area(after[connected.end():], free=True)
            elif dashed:  # "Cabinet Member - X"
                area = self.area(after[dashed.end():], free=True)
            elif bracket and not self.role(bracket.group(1)):  # "Executive Member (X)"
                area = self.area(bracket.group(1), free=True)
            elif not after.strip() or bracket:  # "X Portfolio Holder", "X Portfolio Holder (Deputy Leader)"
                area = self._area_before(title[: head.start()])
            else:  # "Cabinet Member X"
                area = self.area(after, free=True)
            if area:
                return area
        return None

    def _area_before(self, text: str) -> str | None:
        """'Contracts and Improvement Portfolio Holder': the capitalised words before a member head."""
        words = text.split()
        while words and words[0].lower() in self.prefixes | self.openers:
            words.pop(0)  # "Deputy Portfolio Holder": a qualified title, no area
        return self.area(" ".join(words), free=True) if words else None

    def area(self, text: str, *, free: bool = False) -> str | None:
        """The area a role names: the capitalised run at the start of `text` ("Highways, Assets and
        Transport"), its own 'Portfolio' word and a bracketed role after it dropped. `free`: the text
        is all the role's (a value), so the run may hold any words up to a bracket."""
        text = text.strip()
        bracket = text.find("(")
        if free and bracket > 0:
            inner = _BRACKETED.match(text[bracket:])
            if inner and (self.role(inner.group(1)) or not self.area(inner.group(1))):
                text = text[:bracket]
        run = text.strip(" ,.;:-–") if free else self._capitalised_run(text)
        for joint in _AREA_JOINT.finditer(run):
            if self.profile.member_role.match(run, joint.end()):
                run = run[: joint.start()]  # "Housing / Deputy Leader": another member's post, not the area's
                break
        run = self.portfolio_word.sub("", run).strip(" ,.;:-–")
        if not run or not (run[0].isupper() or run[0].isdigit()):
            return None
        if label_key(re.sub(r"^the\s+", "", run, flags=re.IGNORECASE)) in self.bodies:
            return None  # "Leader of the Council": the council is not a portfolio
        return run

    def _capitalised_run(self, text: str) -> str:
        """The leading run of capitalised words, with small words and list commas between them
        ("Transport, Highways and Road Safety"); a comma only where the list goes on to an 'and'."""
        tokens = re.findall(r"[^\s,()]+|,", text.split("(")[0])
        taken: list[str] = []
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if token == ",":
                rest = tokens[i + 1 : i + 12]
                if not following[:1].isupper() or not any(t.lower() in self.conjunctions for t in rest):
                    break
                taken.append(token)
                continue
            bare = token.strip(".;:")
            if self.honorific_word.fullmatch(bare + " ") or self.profile.honorific.match(bare + " "):
                break
            if bare.lower() in self.verbs:
                break  # "The Portfolio Holder RESOLVED to:": the decision, not the role's area
            if bare[:1].isupper() or bare[:1].isdigit():
                taken.append(bare)
                if token != bare:
                    break
                continue
            if bare.lower() in self.small and following[:1].isupper() and taken:
                taken.append(bare)
                continue
            break
        while taken and (taken[-1] == "," or taken[-1].lower() in self.small):
            taken.pop()
        return re.sub(r"\s+,", ",", " ".join(taken))

    def roles_in(self, text: str, stops: Iterable[int] = ()) -> list[tuple[Role, int, int]]:
        """Every role in running text, with its span: capitalised heads, the title words before
        them and the area after. `stops`: where names begin (spaCy's PERSON), which no area crosses."""
        stops = sorted(stops)
        found: list[tuple[Role, int, int]] = []
        position = 0
        for match in self.head.finditer(text):
            if match.start() < position or not match.group()[0].isupper() or not self._complete(text, match):
                continue
            start = self._title_words_before(text, match.start(), position)
            end = self._area_end(text, match, stops)
            compound = self.compound.match(text, end)
            if compound:
                after = self.head.match(text, end + compound.end())
                if after and after.group()[0].isupper():
                    end = self._area_end(text, after, stops)
            role = self.role(text[start:end])
            if role is not None:
                found.append((role, start, end))
                position = end
        return found

    def _title_words_before(self, text: str, start: int, floor: int) -> int:
        """Capitalised words printed just before a head that belong to the title ("Assistant
        Commercial Director"), but not a name ("Jane Smith Director") or a sentence's 'The'."""
        words = list(re.finditer(r"[^\s,;:()]+", text[floor:start]))
        taken: list[re.Match] = []
        for word in reversed(words):
            token = word.group()
            gap = text[floor + word.end() : (floor + taken[-1].start()) if taken else start]
            if gap.strip() or not (token[0].isupper() or token.isdigit()) or token.lower() in self.openers | self.small:
                break
            if self.profile.honorific.match(token + " "):
                break
            taken.append(word)
        while taken and self.is_name(" ".join(w.group() for w in reversed(taken))):
            taken.pop()  # the leading words are a name printed before the role
        names = [w for w in taken if w.group().lower() not in self.profile.role_words and not w.group().isdigit()]
        if len(names) >= 2 and self.is_name(" ".join(w.group() for w in reversed(names))):
            return start
        return floor + taken[-1].start() if taken else start

    def _area_end(self, text: str, head: re.Match, stops: list[int]) -> int:
        """Where a role's area ends: after "for/of X", a bracketed area, or capitalised words."""
        end = head.end()
        limit = next((s for s in stops if s >= end), len(text))
        after = text[end:limit]
        connected = self.connector.match(after)
        if connected:
            run = self._capitalised_run(after[connected.end():])
            if run:
                return end + connected.end() + len(run)
            return end
        bracket = re.match(r"\s*\(([^()\n]{1,80})\)", after)
        if bracket:
            inner = bracket.group(1)
            if not self.head.search(inner) and not re.search(r"\d", inner) and self.area(inner):
                return end + bracket.end()
            return end
        if label_key(head.group()) in self.bodies:
            return end
        bare = re.match(r" (?=[A-Z])", after)
        if bare:
            run = self._capitalised_run(after[1:])
            if run and not self.is_name(run) and not self.head.match(run):
                return end + 1 + len(run)
        return end

    # ---- values --------------------------------------------------------------------------------
    def read(self, text: str, persons: Iterable[str] = ()) -> Reading | None:
        """A label's value, a signature, a table cell: its name and its role, whichever way round
        and however they are separated ("Role: Name", "Name, Role", "Role (Name)", "Role - Name").
        `persons`: the names a statistical model found in `text`, taken as names wherever they are."""
        text = self._current(self.clean(text))
        if not text:
            return None
        parts = [part for part in self._parts(text) if not _date_alone(part[1])]  # "…, Head of X, 3 March 2025"
        if not parts:
            return None
        name_at = self._name_part(parts, frozenset(persons))
        if name_at is None:
            doubtful = any(self.is_name(part) and not self.role(part) for _, part, _ in parts)
            return Reading(Person(title=self._join(parts)), doubtful=doubtful)
        name = self.strip_honorifics(parts[name_at][1])
        rest = parts[:name_at] + parts[name_at + 1 :]
        if name_at == 0 and rest and rest[0][2] and not self.role(rest[0][1]):
            return Reading(Person(name=name), note=rest[0][1])  # "Cllr Bob Deering (Resources); Cllr ..."
        return Reading(Person(name=name, title=self._join(rest)))

    def _current(self, text: str) -> str:
        """Of the roles a value lists, those marked as no longer held are dropped (when another
        remains); the marks themselves are removed."""
        items = re.split(r"\s*[,;]\s*", text)
        marked = [any(m.search(item) for m in self.profile.expired_marks) for item in items]
        if any(marked) and not all(marked):
            items = [item for item, old in zip(items, marked, strict=True) if not old]
        for mark in self.profile.expired_marks:
            items = [mark.sub("", item) for item in items]
        return ", ".join(item for item in items if item)

    def _parts(self, text: str) -> list[tuple[str, str, bool]]:
        """(separator before, text, bracketed) for each part of a value."""
        parts: list[tuple[str, str, bool]] = []
        position = 0
        for bracket in _BRACKETED.finditer(text):
            parts.extend(self._split(text[position : bracket.start()]))
            if bracket.group(1).strip():
                parts.append((" (", bracket.group(1).strip(), True))
            position = bracket.end()
        parts.extend(self._split(text[position:]))
        return [(sep, part, bracketed) for sep, part, bracketed in parts if part]

    def _split(self, text: str) -> list[tuple[str, str, bool]]:
        out: list[tuple[str, str, bool]] = []
        position, separator = 0, ", "
        for match in _SEPARATOR.finditer(text):
            out.append((separator, text[position : match.start()].strip(), False))
            separator = match.group().strip()
            separator = ", " if separator in (",", ";") else f" {separator} " if separator in "-–—|" else f"{separator} "
            position = match.end()
        out.append((separator, text[position:].strip(), False))
        return out

    def _name_part(self, parts: list[tuple[str, str, bool]], persons: frozenset[str]) -> int | None:
        """Which part is the name. After a role and a comma only with an honorific, or when a
        model says it is a person: in "Head of Planning, Building Control" the words after the
        comma are the title's."""
        for index, (separator, part, bracketed) in enumerate(parts):
            if not self.is_name(part) or self.role(part):
                continue
            after_role = index > 0 and separator == ", " and not bracketed and self.role(parts[index - 1][1])
            if after_role and not self.profile.honorific.match(part) and self.strip_honorifics(part) not in persons:
                continue
            return index
        return None

    def _join(self, parts: list[tuple[str, str, bool]]) -> str | None:
        text = ""
        for separator, part, bracketed in parts:
            if not text:
                text = part  # what is left first stands alone, brackets and all
            else:
                text = f"{text}{separator}{part})" if bracketed else f"{text}{separator}{part}"
        return self.tidy_title(text) if text else None

    # ---- prose ---------------------------------------------------------------------------------
    def mentions(self, text: str, persons: Iterable[tuple[int, int]] = ()) -> list[Mention]:
        """The people and roles a sentence names, each role paired with the name printed beside it
        ("Councillor Raj Patel, Cabinet Member for Transport", "the Leader, Cllr Jane Doe,").
        `persons`: spans of names a statistical model found; rules find the rest."""
        persons = list(persons)
        roles = self.roles_in(text, stops=[start for start, _ in persons])
        names = self._names_in(text, roles, persons)
        mentions: list[Mention] = []
        used: set[int] = set()
        for role, start, end in roles:
            name = self._beside(text, names, start, end, used)
            if name is not None:
                used.add(name[0])
                mentions.append(Mention(name[2], role, min(start, name[0]), max(end, name[1])))
            else:
                mentions.append(Mention(None, role, start, end))
        mentions += [Mention(n, None, s, e) for s, e, n in names if s not in used]
        return sorted(mentions, key=lambda m: m.start)

    def _names_in(self, text: str, roles: list[tuple[Role, int, int]], persons: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        names: dict[int, tuple[int, int, str]] = {}
        for start, end in persons:
            name = self.strip_honorifics(text[start:end]).strip(" ,.")
            if name and not self.role(name):
                names[start] = (start, end, name)
        for match in self.honorific_word.finditer(text):
            run = re.match(r"\s+((?:[^\s,;:()]+\s?){1,5})", text[match.end():])
            if not run:
                continue
            tokens = run.group(1).split()
            while tokens and not self.is_name(match.group() + " " + " ".join(tokens)):
                tokens.pop()
            if tokens:
                end = match.end() + run.group(0).index(tokens[-1]) + len(tokens[-1])
                if not any(s <= match.start() < e for s, e, _ in names.values()):
                    names[match.start()] = (match.start(), end, self.strip_honorifics(text[match.start():end]))
        for _, start, end in roles:
            for span in (self._name_before(text, start), self._name_in_brackets_after(text, end)):
                if span and not any(s <= span[0] < e or span[0] <= s < span[1] for s, e, _ in names.values()):
                    names[span[0]] = span
        return sorted(names.values())

    def _name_before(self, text: str, start: int) -> tuple[int, int, str] | None:
        """'Jane Smith, Head of Highways' / 'Jane Smith (Head of Highways)': the capitalised words
        just before a role and its comma or bracket, when they are a name."""
        floor = max(0, start - 120)  # a name is short: never search the whole text before the role
        before = re.search(r"((?:[^\s,;:()]+ ){1,5}?)?([^\s,;:()]+)\s*(?:,|\()\s*$", text[floor:start])
        if not before:
            return None
        offset = floor + before.start()
        words = list(re.finditer(r"[^\s,;:()]+", text[offset : floor + before.end()]))
        for first in range(len(words)):
            candidate = text[offset + words[first].start() : offset + words[-1].end()]
            if self.is_name(candidate):
                return offset + words[first].start(), offset + words[-1].end(), self.strip_honorifics(candidate)
        return None

    def _name_in_brackets_after(self, text: str, end: int) -> tuple[int, int, str] | None:
        """'Head of Property (Lucy Ward)'."""
        bracket = re.match(r"\s*\(([^()]{3,60})\)", text[end:])
        if bracket and self.is_name(bracket.group(1)):
            return end + bracket.start(1), end + bracket.end(1), self.strip_honorifics(bracket.group(1))
        return None

    def _beside(self, text: str, names: list[tuple[int, int, str]], start: int, end: int, used: set[int]) -> tuple[int, int, str] | None:
        for name in names:
            if name[0] in used:
                continue
            if name[1] <= start and re.fullmatch(r"[\s,(]{0,3}", text[name[1] : start]):
                return name
            if name[0] >= end and re.fullmatch(r"\s*(?:,|\(|:|[-–])?\s*", text[end : name[0]]):
                return name
        return None


# Where an area may end and another post begin: "Housing / Deputy Leader", "Housing, Deputy Leader"
_AREA_JOINT = re.compile(r"\s*(?:[,/]|\s[-–]|\band\b)\s*")


def _date_alone(text: str) -> bool:
    """The text is a date and nothing else (a signature's date printed after the signer)."""
    dates = find_dates(text.strip())
    return len(dates) == 1 and dates[0][1] == 0 and dates[0][2] == len(text.strip())


_GRAMMARS: dict[int, Grammar] = {}


def grammar(profile: Profile) -> Grammar:
    """The grammar of a profile, compiled once: a run reads every document with a few profiles."""
    cached = _GRAMMARS.get(id(profile))
    if cached is None or cached.profile is not profile:
        if len(_GRAMMARS) >= 16:
            _GRAMMARS.pop(next(iter(_GRAMMARS)))
        cached = _GRAMMARS[id(profile)] = Grammar(profile)
    return cached


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


# --------------------------------------------------------------------------------------------------
# reading a record


class Spoken(NamedTuple):
    """A first-person decision sentence: its writer, the members it says were consulted, the
    sentence, and how the writer's name was read (pattern, or nlp when the model named them)."""

    person: Person
    span: Span
    members: list[Mention]
    method: Method


def first_person(ctx: Context) -> Spoken | None:
    """The writer of a first-person decision ("I, Sarah Okonkwo, Head of Highways, having consulted
    Councillor Raj Patel, Cabinet Member for Transport, approve ...")."""
    text = ctx.document.text
    match = _FIRST_PERSON.search(text) if "I," in text else None  # the pattern is tried at every character
    if match is None:
        return None
    start = text.index("I,", match.start())
    end = sentence_around(ctx, start)[1]
    return _writer(ctx, " ".join(text[start:end].split()), ctx.span_of(start, end))


def _as_role(ctx: Context) -> Found | None:
    """'As Cabinet Member for Housing I agree to:': the writer's role."""
    match = _AS_ROLE_I.search(ctx.document.text) if "As" in ctx.document.text else None
    role = grammar(ctx.profile).role(match["role"]) if match else None
    if match is None or role is None or role.body:
        return None
    return Found(Person(title=role.title), ctx.span_of(match.start("role"), match.end("role")), Method.pattern)


def _writer(ctx: Context, sentence: str, span: Span) -> Spoken | None:
    g = grammar(ctx.profile)
    method = Method.pattern
    mentions = g.mentions(sentence)
    writer = _first_mention(sentence, mentions)
    if (writer is None or writer.name is None) and ctx.nlp is not None and ctx.nlp.statistical:
        named = g.mentions(sentence, ctx.nlp.persons(sentence))
        if (found := _first_mention(sentence, named)) and found.name:
            writer, mentions, method = found, named, Method.nlp
    person = writer.person() if writer else Person()
    if person.name is None:  # "I, Jane Smith, have decided": a name alone between the commas
        alone = re.match(r"I,\s+([^,]{3,60}),", sentence)
        if alone and g.is_name(alone.group(1)) and not g.role(alone.group(1)):
            person = Person(name=g.strip_honorifics(alone.group(1)), title=person.title)
    if person.name is None and person.title is None:
        return None
    members = [m for m in mentions if m is not writer and _consulted(ctx, sentence, m)]
    return Spoken(person, span, members, method)


def _first_mention(sentence: str, mentions: list[Mention]) -> Mention | None:
    """The mention that opens a first-person sentence: 'I, <it>, ...'."""
    opening = sentence.index("I,") + 2 if "I," in sentence else 0
    first = next(iter(mentions), None)
    if first is not None and not sentence[opening : first.start].strip(" ,"):
        return first
    return None


def just_before(ctx: Context, key: str, text: str) -> bool:
    """Whether one of the profile's `key` phrases ends `text` (spaces aside): the
    words printed just before a role, a name or a verb."""
    pattern = ctx.profile.phrases.get(key)
    if pattern is None:
        return False
    tail = text[-80:]
    return any(not tail[m.end():].strip() for m in pattern.finditer(tail))


def _consulted(ctx: Context, sentence: str, mention: Mention) -> bool:
    """A member the sentence says was consulted: "having consulted X", "X was consulted"."""
    if mention.role is None or not mention.role.member:
        return False
    before, after = sentence[: mention.start], sentence[mention.end :]
    return just_before(ctx, "consulted_before", before) or bool(ctx.profile.find_phrase("consulted_after", after))


# ---- the decision maker --------------------------------------------------------------------------


def decision_maker(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    maker = _decision_maker(ctx)
    if maker is None:
        return None
    labelled_member = ctx.memo("labelled_member", _labelled_member)
    person = _named(ctx, _with_member_title(maker.value, labelled_member))
    return Found(person, maker.span, maker.method, maker.confidence)


def _decision_maker(ctx: Context) -> Found | None:
    labelled, series = _labelled_maker(ctx)
    witness = _witness(ctx)
    if labelled:
        return _confirmed(labelled, witness)
    return (
        witness
        or _as_role(ctx)
        or _meeting_body(ctx)
        or _stated_maker(ctx)
        or _lead_in(ctx)
        or _decider_in_prose(ctx)
        or series
    )


def _labelled_maker(ctx: Context) -> tuple[Found | None, Found | None]:
    """The first decision-maker label that names someone, and (as a last resort) one that names
    only a series of decisions ("Urgent Business, Officer Delegated Decisions")."""
    series = None
    for field in ("decision_maker", "decision_maker_of"):
        for hit in ctx.layout.all(field):
            span = ctx.layout.line_value(hit)
            reading = read(ctx, span.text) if span else None
            if span is None or reading is None:
                # "Signature of decision maker: [signed]", the name and post on the lines below
                below = _with_details_below(ctx, hit, Person())
                if below.name is not None:
                    return Found(below, span or ctx.span_of(hit.start, hit.value_start), Method.label), series
                continue
            if _series(ctx, span.text):
                series = series or Found(reading.person, span, Method.label, 0.5)
                continue
            person = _with_details_below(ctx, hit, reading.person)
            if person.name is not None and person.title is None:
                person = Person(name=person.name, title=_title_under(ctx, span))
            return Found(person, span, Method.label), series
    return None, series


def read(ctx: Context, text: str) -> Reading | None:
    """A value read by the grammar; where the rules doubt a name ("Head of Highways, Jane Smith"),
    by the statistical model's PERSON entities too, when one is installed."""
    g = grammar(ctx.profile)
    reading = g.read(text)
    if reading is not None and reading.doubtful and ctx.nlp is not None and ctx.nlp.statistical:
        persons = [g.strip_honorifics(text[start:end]) for start, end in ctx.nlp.persons(text)]
        reading = g.read(text, persons) or reading
    return reading


def _series(ctx: Context, text: str) -> bool:
    """The text names a series of decisions ("Urgent Business"), not who decided."""
    text = grammar(ctx.profile).clean(text)
    return any(pattern.search(text) for pattern in ctx.profile.decision_series)


def _with_details_below(ctx: Context, hit: Hit, person: Person) -> Person:
    """A name or title against its label, and the rest on the 'Name:' and 'Title:' lines below."""
    g = grammar(ctx.profile)
    for later in ctx.layout.hits:
        if later.start <= hit.start:
            continue
        if later.field in ("signed", "decision_maker"):
            break  # what follows belongs to the next person
        span = ctx.layout.line_value(later) if later.field in ("signatory_title", "signatory_name") else None
        if span is None:
            continue
        if later.field == "signatory_title" and person.title is None and (
            g.role(span.text) is not None or len(span.text.split()) <= _POST_WORDS
        ):  # a long 'Title:' that names no post is the record's title (fields/subject.py)
            person = Person(name=person.name, title=g.tidy_title(span.text))
        elif later.field == "signatory_name" and person.name is None and (name := g.name(g.clean(span.text))):
            person = Person(name=name, title=person.title)
    return person


def _signature(ctx: Context) -> Found | None:
    """The first signature that names a person, with the name and title printed under it."""
    for hit in ctx.layout.all("signed"):
        span = ctx.layout.line_value(hit)
        reading = read(ctx, span.text) if span else None
        person = _with_details_below(ctx, hit, reading.person if reading else Person())
        if person.name is not None and person.title is None and span is not None:
            person = Person(name=person.name, title=_title_under(ctx, span))
        if person.name is not None:
            return Found(person, span or ctx.span_of(hit.start, hit.value_start), Method.label)
        signer = _signer_below(ctx, hit)
        if signer is not None:
            return signer
    return None


def _signer_below(ctx: Context, hit: Hit) -> Found | None:
    """A signature line of rules or dots ("Signed ........ Date ........") with the signer printed
    on the next line, no label of its own: "Jane Roe, Head of Libraries"."""
    lines = ctx.document.lines
    labelled = ctx.memo("labelled_lines", lambda c: c.layout.hit_line_indexes())
    index = next((i for i in range(hit.line_index + 1, min(len(lines), hit.line_index + 3)) if lines[i].text.strip()), None)
    if index is None or index in labelled or len(lines[index].text.strip()) > _SIGNER_LINE:
        return None
    line = lines[index]
    reading = read(ctx, line.text)
    if reading is None or reading.person.name is None:
        return None
    start = line.start + len(line.text) - len(line.text.lstrip())
    span = ctx.span_of(start, line.start + len(line.text.rstrip()))
    person = reading.person
    if person.title is None:
        person = Person(name=person.name, title=_title_under(ctx, span))  # "Jane Roe" / "Head of Libraries"
    return Found(person, span, Method.label)


def _title_under(ctx: Context, span: Span) -> str | None:
    """'Signed' / 'John Carter' / 'Head of Legal Services': a job title printed alone on the line
    under a name (a signatory's, a decision maker's), with no label of its own."""
    starts = ctx.memo("line_starts", lambda c: [line.start for line in c.document.lines])
    index = bisect.bisect_right(starts, span.end)
    # a label there ends the signature, unless it is only a guess from the line's words ("Head of
    # Legal Services" read as a heading for "legal")
    exact = {hit.line_index for hit in ctx.layout.hits if not hit.by_meaning}
    for line_index in range(index, min(index + 2, len(ctx.document.lines))):
        text = ctx.document.lines[line_index].text.strip()
        if not text:
            continue
        role = grammar(ctx.profile).role(text)
        if line_index in exact or role is None or role.body or text.endswith("."):
            return None
        return role.title
    return None


def _witness(ctx: Context) -> Found | None:
    """Who signed, completed by the first-person sentence; else the first-person sentence."""
    signed = _signature(ctx)
    spoken = ctx.first_person()
    if signed and spoken:
        return Found(_same_person(signed.value, spoken.person) or signed.value, signed.span, Method.label)
    if signed:
        return signed
    if spoken:
        return Found(spoken.person, spoken.span, spoken.method)
    return None


def _confirmed(labelled: Found, witness: Found | None) -> Found:
    """A labelled decision maker completed by the signature or first person when they agree."""
    if witness is None:
        return labelled
    person, other = labelled.value, witness.value
    if person.name is None and other.name and _compatible(person.title, other.title):
        title = other.title if other.title and _compatible(other.title, person.title) else person.title
        return Found(Person(name=other.name, title=title), labelled.span, Method.label)
    merged = _same_person(person, other)
    return Found(merged, labelled.span, Method.label) if merged else labelled


def _meeting_body(ctx: Context) -> Found | None:
    """'Decided at meeting: 11/10/2012 - Cabinet' names the body that decided."""
    g = grammar(ctx.profile)
    for hit in ctx.layout.all("date_meeting"):
        span = ctx.layout.line_value(hit)
        match = re.search(r"\d\s*[-–]\s*(?P<body>[A-Z][^()\n]*?)\s*(?:\(|$)", span.text) if span else None
        reading = g.read(match["body"]) if match and not _series(ctx, match["body"]) else None
        if span and reading and reading.person.title:
            return Found(Person(title=reading.person.title), span, Method.label, 0.8)
    return None


def _stated_maker(ctx: Context) -> Found | None:
    """A sentence of the profile's prose patterns: 'Decision due: 15 Jun 2017 by Cabinet'."""
    g = grammar(ctx.profile)
    for pattern in ctx.profile.prose_for("decision_maker", ctx.document.text):
        for match in pattern.finditer(ctx.document.text):
            reading = g.read(match["value"])
            if reading and (reading.person.name or g.role(match["value"])):
                return Found(reading.person, ctx.span_of(match.start("value"), match.end("value")), Method.pattern)
    return None


def _lead_in_lines(ctx: Context) -> Iterator[tuple[Line, str]]:
    """Lines ending in ':' (200 characters at most), with a bracket left open on one line closed on
    the next ("That the Director (Director of X as of\n1 April 2024):")."""
    lines = ctx.document.lines
    for index, line in enumerate(lines):
        text = line.text.strip()
        following = index + 1
        while text.count("(") > text.count(")") and following < len(lines) and len(text) <= 200 and following - index <= 3:
            text = f"{text} {lines[following].text.strip()}".strip()
            following += 1
        if text.endswith(":") and len(text) <= 200:
            yield line, text


def _lead_in(ctx: Context) -> Found | None:
    """A decision that opens with its decider as a lead-in: "That the Portfolio Holder:", "The Chief
    Officer (Highways and Transportation):", "Cabinet agreed to:" (its items on the lines after)."""
    g = grammar(ctx.profile)
    for line, text in _lead_in_lines(ctx):
        opening = re.match(r"(?:RESOLVED\W+)?(?:That\s+)?(?:the\s+)?", text, re.IGNORECASE)
        roles = g.roles_in(text)
        if not roles or not opening or roles[0][1] != opening.end():
            continue
        role, _, end = roles[0]
        rest = text[end:]
        if re.fullmatch(r"\s*(?:\([^()]*\))?\s*(?:(?:has\s+)?\w+(?:\s+to)?)?\s*:", rest) and (
            # the verb as printed in a lead-in, capitals too: "The Portfolio Holder RESOLVED to:"
            not re.search(r"\w", re.sub(r"\([^()]*\)", "", rest)) or ctx.profile.decision_verb.search(rest.lower())
        ):
            start = line.start + len(line.text) - len(line.text.lstrip()) + roles[0][1]
            return Found(Person(title=role.title), ctx.span_of(start, start + end - roles[0][1]), Method.pattern)
    return None


def _decision_sentences(ctx: Context) -> Iterator[tuple[str, Span]]:
    """Sentences that say a decision was taken: those that say by whom ("decision taken by"), then
    those with a decision verb, the first few of each."""
    seen: set[int] = set()
    text = ctx.document.text
    said_by = ctx.profile.phrases.get("decided_before")
    matches = itertools.chain(
        itertools.islice(said_by.finditer(text) if said_by else (), ctx.profile.settings.max_prose_sentences),
        ctx.profile.decision_verb.finditer(text),
    )
    for match in matches:
        start, end = sentence_around(ctx, match.start())
        if start in seen:
            continue
        seen.add(start)
        if len(seen) > 2 * ctx.profile.settings.max_prose_sentences:
            return
        yield " ".join(text[start:end].split()), ctx.span_of(start, end)


def sentence_around(ctx: Context, position: int) -> tuple[int, int]:
    """The sentence holding `position`: from the last full stop before it to the next, within its
    paragraph (the lines that carry one another on, across the blank lines a Word file puts between
    wrapped lines, but never into a label, a list item or a "Label: value" line)."""
    lines, text = ctx.document.lines, ctx.document.text
    starts = ctx.memo("line_starts", lambda c: [line.start for line in c.document.lines])
    labelled = ctx.memo("labelled_lines", lambda c: c.layout.hit_line_indexes())
    index = max(0, bisect.bisect_right(starts, position) - 1)

    def step(index: int, by: int) -> int | None:
        """The next line with text above (-1) or below (+1)."""
        index += by
        while 0 <= index < len(lines) and not lines[index].text.strip():
            index += by
        return index if 0 <= index < len(lines) else None

    def joins(above: int, below: int) -> bool:
        line, following = lines[above].text.strip(), lines[below].text.strip()
        if below in labelled or STARTS_LIST_ITEM.match(following) or _LABEL_LIKE.match(following):
            return False
        if len(line) < _HEADING and following[0].isupper() and line[-1] not in ",;&(-–":
            return False  # a heading ("Outcome") above its text
        return not _LABEL_LIKE.match(line) or continues(line, following, ctx.profile)

    first = last = index
    while (above := step(first, -1)) is not None and position - lines[above].start < _SENTENCE_WINDOW and joins(above, first):
        first = above
    while (below := step(last, +1)) is not None and lines[below].start - position < _SENTENCE_WINDOW and joins(last, below):
        last = below
    floor, ceiling = max(lines[first].start, position - _SENTENCE_WINDOW), min(lines[last].end, position + _SENTENCE_WINDOW)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, floor, position)), default=floor)
    stop = _SENTENCE_END.search(text, position, ceiling)
    end = stop.end() if stop else ceiling
    while start < position and text[start].isspace():
        start += 1
    return start, end


def _decider_in_prose(ctx: Context) -> Found | None:
    """The subject of a decision sentence: "the Leader of the Council, Cllr Jane Doe, approved ...",
    "The Chief Executive, in consultation with ..., agreed"; named by spaCy when the rules cannot."""
    g = grammar(ctx.profile)
    for sentence, span in _decision_sentences(ctx):
        decider = _decider(ctx, sentence, g.mentions(sentence))
        method = Method.pattern
        if decider is not None and decider.name is None and ctx.nlp is not None and ctx.nlp.statistical:
            named = _decider(ctx, sentence, g.mentions(sentence, ctx.nlp.persons(sentence)))
            if named is not None and named.name:
                decider, method = named, Method.nlp
        if decider is not None:
            return Found(decider.person(), span, method)
    return None


def _decider(ctx: Context, sentence: str, mentions: list[Mention]) -> Mention | None:
    for mention in mentions:
        if just_before(ctx, "decided_before", sentence[: mention.start]):
            return mention
    verb = next((v for v in ctx.profile.decision_verb.finditer(sentence)
                 if not just_before(ctx, "not_deciding_verb_before", sentence[: v.start()])), None)
    for mention in mentions:
        if verb is None or mention.start >= verb.start():
            break
        before = sentence[: mention.start]
        if any(just_before(ctx, key, before) for key in ("not_deciding_before", "consulted_before", "reporting_before")):
            continue
        if mention.role is not None and mention.role.body:
            continue  # "the Council approved its budget in February": background, not this decision
        return mention
    return None


# ---- the executive member ------------------------------------------------------------------------


def _portfolio_label(ctx: Context) -> tuple[str, Span] | None:
    labelled = next(iter(ctx.label_values("portfolio")), None)
    return (grammar(ctx.profile).clean(labelled[1].text), labelled[1]) if labelled else None


def _labelled_member(ctx: Context) -> Found | None:
    """The member a label names ("Executive Member: Cllr Bob Deering (Resources and Performance)"),
    or a line that uses the member's role as its label ("Cabinet Member for Finance: Cllr A. B. Smith")."""
    g = grammar(ctx.profile)
    labelled_portfolio = _portfolio_label(ctx)
    for hit in ctx.layout.all("executive_member"):
        span = ctx.layout.value(hit)
        reading = read(ctx, span.text) if span else None
        if span is None or reading is None:
            continue
        person, note = reading.person, reading.note
        if person.name is None and not (person.title and (g.role(person.title) or g.area(person.title) == person.title)):
            continue  # "That the Portfolio Holder: a) approves ...": prose, not a member, role or portfolio
        if person.name is None and person.title and _dashed(ctx, hit):
            person = Person(title=g.tidy_title(f"{hit.label} - {person.title}"))  # "Portfolio Holder - Leader"
        labelled_role = g.role(hit.label) if hit.by_meaning else None  # a role as the label, not a synonym
        if person.title is None and labelled_role is not None and labelled_role.portfolio:
            person = Person(name=person.name, title=labelled_role.title)  # "Cabinet Member for Finance: Cllr A. B. Smith"
        role = g.role(person.title) if person.title else None
        area = role.portfolio if role else None
        if person.title and role is None:
            person, note = Person(name=person.name), person.title  # "Cllr Ann Lee, Resources": a portfolio
        if note and g.is_name(note):
            note = None  # "Cllr A Jones, Cllr B Smith": a second name, not a portfolio
        portfolio = labelled_portfolio[0] if labelled_portfolio else area or note
        return Found(ExecutiveMember(name=person.name, title=person.title, portfolio=portfolio), span, Method.label)
    return _member_line(ctx)


def _dashed(ctx: Context, hit: Hit) -> bool:
    """The label is a role run into its value with a dash ("Portfolio Holder - Leader")."""
    between = ctx.document.text[hit.start : hit.value_start]
    return bool(re.search(r"\s[-–]\s*$", between)) and ":" not in between


def _member_line(ctx: Context) -> Found | None:
    """'Portfolio Holder for Leisure - Councillor Mary Quinn': a member role used as a line's label,
    where layout does not take it for one (a dash for its separator)."""
    g = grammar(ctx.profile)
    for line in ctx.document.lines:
        text = line.text.strip()
        separator = line_separator(text)
        if separator is None or separator.start() > 120 or not text[:1].isupper():
            continue
        role = g.role(text[: separator.start()])
        if role is None or not role.member:
            continue
        name = g.name(g.clean(text[separator.end() :]))
        roles = g.roles_in(text[: separator.start()]) if name is not None else []
        if len(roles) != 1 or roles[0][1] != 0:
            continue
        start = line.start + len(line.text) - len(line.text.lstrip())
        return Found(ExecutiveMember(name=name, title=role.title, portfolio=role.portfolio), ctx.span_of(start, start + len(text)), Method.label, 0.9)
    return None


# What ends a role used as a line's label: a ':' or a spaced dash, and the spaces around it
_LINE_SEPARATOR = re.compile(r"\s*(?::|\s[-–]\s)\s*")


def line_separator(text: str) -> re.Match | None:
    """`_LINE_SEPARATOR.search(text)`, found from the first ':' or spaced dash (the match is the
    spaces before it, then it): a regex opening on optional spaces is tried at every character,
    and a paragraph printed as one line may run to megabytes."""
    cores = [text.find(":")]
    for dash in "-–":
        at = text.find(dash, 1)
        while at > 0 and not (text[at - 1].isspace() and text[at + 1 : at + 2].isspace()):
            at = text.find(dash, at + 1)
        cores.append(at - 1 if at > 0 else -1)
    found = [core for core in cores if core >= 0]
    if not found:
        return None
    start = min(found)
    while start and text[start - 1].isspace():
        start -= 1
    return _LINE_SEPARATOR.match(text, start)


def executive_member(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    labelled = ctx.memo("labelled_member", _labelled_member)
    if labelled:
        return labelled
    labelled_portfolio = _portfolio_label(ctx)
    member = _member_deciding(ctx, found.get("decision_maker")) or _member_consulted(ctx) or _member_reporting(ctx)
    if member is not None:
        value = member.value
        if labelled_portfolio:
            value = ExecutiveMember(name=value.name, title=value.title, portfolio=labelled_portfolio[0])
        if value.name is None and value.title:
            value = ExecutiveMember(name=_holder_named(ctx, value.title), title=value.title, portfolio=value.portfolio)
        return Found(value, member.span, member.method, member.confidence)
    if labelled_portfolio:
        return Found(ExecutiveMember(portfolio=labelled_portfolio[0]), labelled_portfolio[1], Method.label)
    return None


def _as_member(role: Role | None, name: str | None, span: Span | None, method: Method) -> Found | None:
    if role is None or not role.member:
        return None
    return Found(ExecutiveMember(name=name, title=role.title, portfolio=role.portfolio), span, method)


def _member_deciding(ctx: Context, maker: Found | None) -> Found | None:
    """The decision maker, when they are an executive member."""
    if maker is None or not maker.value.title:
        return None
    return _as_member(grammar(ctx.profile).role(maker.value.title), maker.value.name, maker.span, Method.derived)


def _member_consulted(ctx: Context) -> Found | None:
    """A member the record says was consulted: in the first-person sentence, the consultation
    section, or a sentence that says so ("in consultation with the Cabinet Member for X"), unless
    that sentence delegates a later decision."""
    spoken = ctx.first_person()
    if spoken and spoken.members:
        first = spoken.members[0]
        return _as_member(first.role, first.name, spoken.span, spoken.method)
    g = grammar(ctx.profile)
    for _, span in ctx.label_values("consultation"):
        text = " ".join(span.text.split())
        for mention in g.mentions(text):
            if mention.role and mention.role.member:
                return _as_member(mention.role, mention.name, span, Method.section)
    text = ctx.document.text
    seen: set[int] = set()
    for match in ctx.profile.member_role.finditer(text):
        start, end = sentence_around(ctx, match.start())
        if start in seen:
            continue
        seen.add(start)
        if len(seen) > _MEMBER_SENTENCES:
            break
        sentence = " ".join(text[start:end].split())
        if ctx.profile.find_phrase("delegating", sentence):
            continue
        for mention in g.mentions(sentence):
            if _consulted(ctx, sentence, mention):
                return _as_member(mention.role, mention.name, ctx.span_of(start, end), Method.pattern)
    return None


def _member_reporting(ctx: Context) -> Found | None:
    """'Report of the Cabinet Member with responsibility for the Environment'."""
    g = grammar(ctx.profile)
    for line in ctx.document.lines:
        if "report" not in line.text.lower():
            continue
        for role, start, end in g.roles_in(line.text):
            if role.member and just_before(ctx, "reporting_before", line.text[:start]):
                return _as_member(role, None, ctx.span_of(line.start + start, line.start + end), Method.pattern)
    return None


# ---- names ---------------------------------------------------------------------------------------


def _compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    a, b = a.casefold(), b.casefold()
    return a == b or a in b or b in a


def _same_person(a: Person, b: Person) -> Person | None:
    """`a` completed by `b` when they name the same person ("S Okonkwo" and "Sarah Okonkwo"):
    the fuller name, and a's title or else b's."""
    if not a.name or not b.name or not same_name(a.name, b.name):
        return None
    name = b.name if len(b.name) > len(a.name) else a.name
    return Person(name=name, title=a.title or b.title)


def same_name(a: str, b: str) -> bool:
    """'S Okonkwo', 'Sarah Okonkwo' and 'Ms S. Okonkwo' may be one person: one surname, and
    given names that agree letter by letter where one of them is only an initial."""
    first, second = a.replace(".", " ").split(), b.replace(".", " ").split()
    if not first or not second or first[-1].casefold() != second[-1].casefold():
        return False
    return all(x[0].casefold() == y[0].casefold() for x, y in zip(first[:-1], second[:-1], strict=False))


def _named(ctx: Context, person: Person) -> Person:
    """A decider the record names elsewhere: the holder of a title-only role ("Mrs Sue Chandler,
    Cabinet Member for X" printed apart from "As Cabinet Member for X I agree"), and a name printed
    with initials completed from where it is printed in full."""
    if person.name is None and person.title:
        role = grammar(ctx.profile).role(person.title)
        if role is not None and not role.body:
            return Person(name=_holder_named(ctx, person.title), title=person.title)
    if person.name and _INITIALS.match(person.name.split()[0]):
        return Person(name=_in_full(ctx, person.name), title=person.title)
    return person


def _holder_named(ctx: Context, title: str) -> str | None:
    """The name printed beside `title` (or a shorter or longer form of it) anywhere in the record."""
    g = grammar(ctx.profile)
    key = " ".join(title.split()[:2]).casefold()
    portfolio = _folded((g.role(title) or Role(title)).portfolio)
    lines = (line for line in ctx.document.lines if key in " ".join(line.text.split()).casefold())
    for line in itertools.islice(lines, _HOLDER_LINES):
        for mention in g.mentions(" ".join(line.text.split())):
            if mention.name and mention.role and (
                _prefix_compatible(mention.role.title, title)
                # the same post printed another way: "Portfolio Holder - Environment" / "... for Environment"
                or (portfolio and _folded(mention.role.portfolio) == portfolio
                    and _folded(mention.role.title).startswith(key))
            ):
                return mention.name
    return None


def _folded(text: str | None) -> str:
    return " ".join(text.casefold().split()) if text else ""


def _prefix_compatible(a: str, b: str) -> bool:
    a, b = _folded(a), _folded(b)
    return a.startswith(b) or b.startswith(a)


def _in_full(ctx: Context, name: str) -> str:
    """'S Okonkwo' as 'Sarah Okonkwo' when the record prints that too."""
    surname = name.replace(".", " ").split()[-1]
    pattern = re.compile(rf"\b((?:[A-Z][\w'’-]+\s+){{1,3}}){re.escape(surname)}\b")
    g = grammar(ctx.profile)
    for match in pattern.finditer(ctx.document.text):
        candidate = g.strip_honorifics(" ".join(match.group(0).split()))
        if g.is_name(candidate) and same_name(name, candidate) and len(candidate) > len(name):
            return candidate
    return name


def _with_member_title(maker: Person, member: Found | None) -> Person:
    """A signature names the decider without a title; the executive member line names the same
    person with one ("Portfolio Holder: Cllr Mark Dean, Portfolio Holder for Leisure")."""
    if member is None or maker.title or not maker.name or not member.value.title:
        return maker
    if member.value.name and same_name(member.value.name, maker.name):
        return Person(name=maker.name, title=member.value.title)
    return maker


# ---- the contact officer -------------------------------------------------------------------------


def officer_contact(ctx: Context, found: Mapping[str, Found | None]) -> Found | None:
    contact = next(iter(ctx.label_values("officer_contact")), None)
    if contact is None:
        return None
    g = grammar(ctx.profile)
    span = contact[1]
    email_match = _EMAIL.search(span.text)
    phone_match = _PHONE.search(span.text)
    text = span.text
    for match in sorted((m for m in (email_match, phone_match) if m), key=lambda m: -m.start()):
        word = g.contact_word.search(text, 0, match.start())  # "tel.", "email:" goes with what it introduces
        start = word.start() if word else match.start()
        text = text[:start] + " " * (match.end() - start) + text[match.end():]
    reading = read(ctx, text)
    person = reading.person if reading else Person()
    phone = next(
        (
            g.clean(s.text)
            for name in ("officer_phone", "officer_tel")
            for _, s in ctx.label_values(name)
            if any(map(str.isdigit, s.text))
        ),
        None,
    )
    email = next((g.clean(s.text) for _, s in ctx.label_values("officer_email")), None)
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

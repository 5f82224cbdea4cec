"""Layout: where the labels and sections of a record are.

Finds every labelled line of a Document (label and value on one line, label then value on the next,
labels wrapped over two lines, several labels run together on one flattened line) and every section
heading, each with the span of text it governs. Field extractors read values only through here.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .document import LIST_MARKER, SECTION_NUMBER, STARTS_LIST_ITEM, Block, BlockKind, Document, Line
from .profile import STOP, FieldSpec, Profile, label_key

# The first half of a bilingual label, up to the slash before the second ("Dyddiad / ", "Cyfeirnod /")
_LABEL_HALF = re.compile(r"\s*[^\W\d_][^\W\d_' ’-]*(?: [^\W\d_][^\W\d_'’-]*){0,3}\s*/\s*")
# A section number opening a label ("2. Reasons", "B. Reasons for decision")
_SECTION_NUMBERED = re.compile(rf"^\s*{SECTION_NUMBER}\s+")
# A list marker standing alone on its line ("i."), its item on the next
BARE_MARKER = re.compile(rf"^{LIST_MARKER}$", re.IGNORECASE)
# A short phrase before a separator (':', ':-', '|', '?', '?:'), after an optional section number;
# or a whole line (checked further in Layout._label_by_meaning). The phrase is bounded a little past
# the longest label read by meaning (`max_label_chars`, with room for spaces before a '?'): a longer
# one is no label, and a paragraph printed as one long line is not tried to its end at every step.
_LABEL_LIKE = (
    rf"^\s*(?:{SECTION_NUMBER}\s+)?"
    r"(?P<label>[^\W\d_][^:|?\n]{{0,{longest}}}{take})(?P<paren>)"
    r"(?P<sep>\s*(?::-|:|\|)[ \t]*|\?[ \t]*(?:[:|][ \t]*)?|\s*$)"
)


class _LabelLike:
    """`_LABEL_LIKE`'s match. The phrase is taken as short as it can be (its spaces before a ':' are
    the separator's), trying every length up to the bound on every line: most lines are text that
    fails at the end. So a line is first tried with the phrase taken whole, possessively, which
    fails on exactly the same lines (the phrase holds no separator, so its end can only be the
    first separator or the end of the line, past spaces) in one quick pass."""

    def __init__(self, max_chars: int):
        self._shortest = re.compile(_LABEL_LIKE.format(longest=max_chars + 40, take="?"))
        self._whole = re.compile(_LABEL_LIKE.format(longest=max_chars + 40, take="+"))

    def match(self, text: str) -> re.Match | None:
        return self._shortest.match(text) if self._whole.match(text) else None


@functools.lru_cache(maxsize=8)
def _label_like(max_chars: int) -> _LabelLike:
    return _LabelLike(max_chars)


@dataclass(frozen=True)
class Span:
    """A piece of document text and where it lies. `weight` (at most 1) says how sure layout is
    that the text is what its label says: a label recognised by its meaning, not an exact synonym,
    weighs less, and so does every value read from it."""

    text: str
    start: int
    end: int
    page: int
    weight: float = 1.0


@dataclass
class Hit:
    spec: FieldSpec
    label: str  # as printed
    line_index: int
    start: int  # where the hit's region of authority begins (its line, for a line-start label)
    value_start: int  # first character after the label and its separator
    heading: bool  # the label stands alone: its value is on the following lines
    number: int | None  # the section number printed before the label, if any
    region_end: int = 0  # set once all hits are known: where the next label or section begins
    by_meaning: bool = False  # recognised by its words (Profile.classify), not as an exact synonym
    limit: int | None = None  # a table row's end: its value never runs past it

    @property
    def field(self) -> str:
        return self.spec.name


class Layout:
    def __init__(self, document: Document, profile: Profile):
        self.document = document
        self.profile = profile
        self.hits: list[Hit] = []
        # text lines before each line: distances between labels ignore blank lines
        self._texts_before = list(itertools.accumulate((bool(line.text.strip()) for line in document.lines), initial=0))
        self._structure = self._structure_by_line()
        self._find_hits()
        # Fields ask for the same labels and values again and again: found once, once the hits are known.
        self._by_field: dict[str, list[Hit]] = {}
        for hit in self.hits:
            self._by_field.setdefault(hit.field, []).append(hit)
        self._values: dict[tuple[int, bool], Span | None] = {}

    def _structure_by_line(self) -> dict[int, Block]:
        """The label/value rows and headings the reader saw, by the line each starts on (outermost
        blocks only: a heading inside a table cell is the cell's content)."""
        starts = [line.start for line in self.document.lines]
        found: dict[int, Block] = {}
        for block in self.document.blocks:
            if block.parent is None and block.kind in (BlockKind.field, BlockKind.heading):
                found.setdefault(bisect.bisect_right(starts, block.start) - 1, block)
        return found

    # ----------------------------------------------------------------------------------------
    # finding labels
    def _find_hits(self) -> None:
        lines = self.document.lines
        skip_next = False
        for index, line in enumerate(lines):
            if skip_next:
                skip_next = False
                continue
            if not line.text.strip():
                continue
            block = self._structure.get(index)
            structural = self._block_hit(index, line, block) if block is not None else None
            if structural is not None:
                self.hits.append(structural)
                continue
            line_hits = self._line_hits(index, line)
            if not line_hits or (line_hits[0].heading and len(line_hits) == 1):
                wrapped = self._wrapped_heading(index)
                if wrapped is not None:
                    line_hits, skip_next = [wrapped], True
            self.hits.extend(line_hits)
        self.hits.sort(key=lambda h: h.start)
        self._set_regions()

    def _resolve(self, label: str, index: int, same_line: Sequence[Hit] = ()) -> FieldSpec | None:
        for spec in self.profile.specs_for(label):
            if not spec.follows:
                return spec
            if any(h.field in spec.follows for h in [*same_line, *self._recent_hits(index)]):
                return spec
        return None

    def _recent_hits(self, index: int):
        """Hits within the follows window before line `index`, nearest first (hits are in line order)."""
        here = self._texts_before[index]
        for hit in reversed(self.hits):
            if here - self._texts_before[hit.line_index] > self.profile.settings.follows_window:
                return
            yield hit

    def _line_hits(self, index: int, line: Line) -> list[Hit]:
        text = line.text
        hits: list[Hit] = []
        pos = 0
        heading = self._heading_pattern(index, line)
        if heading is not None:
            return [heading]
        match = self.profile.line_start.match(text)
        spec = self._resolve(match.group("label"), index) if match else None
        if spec is None:
            match, spec = self._label_without_separator(text, index)
        by_meaning = False
        if match is None or spec is None:
            match, spec = self._label_by_meaning(text, index)
            by_meaning = True
            if match is not None and spec is not None and self._reads_as_title(index, spec, text[match.end() :]):
                match, spec = None, None
            if match is not None and spec is not None and spec.kind == "block" and self.hits and self.hits[-1].spec is spec:
                # "Was any Councillor consulted? Yes" inside Consultation: its own question; but the
                # head of a heading set apart may name another section ("Outcome" then "Reason for
                # outcome": the reasons, though "outcome" weighs more than "reason")
                head = self.profile.classify_head(match.group("label")) if self._stands_apart(index) else None
                spec = head if head is not None and head.kind == "block" and head is not spec else None
                match = match if spec is not None else None
        if match is not None and spec is not None:
            hit = self._hit(spec, match, index, line, line_start=True)
            hit.by_meaning = by_meaning
            hits.append(hit)
            pos = match.end()
        # a label inside the line counts only after a ':', or closing a header row after another label
        mids = self.profile.mid_line.finditer(text, pos) if hits or ":" in text[pos:] else ()
        for mid in mids:
            label = mid.group("label")  # capitalised: the pattern asks for it
            if ":" not in mid.group("sep") and not self._ends_header_row(hits, mid, index):
                continue
            spec = self._resolve(label, index, hits)
            if spec is None:
                continue
            if spec.kind == "block" and not hits and self._lead_in(text, mid):
                # "Following consideration of the report, Cabinet RESOLVED:" introduces the section
                # and belongs to it: the section starts with the sentence
                hits.append(Hit(spec=spec, label=label, line_index=index, start=line.start,
                                value_start=line.start, heading=False, number=None))
                continue
            if self._in_running_text(text, mid.start("label")):
                continue  # "That the Cabinet Member: a) ...": a role inside a sentence, not a label
            hits.append(self._hit(spec, mid, index, line, line_start=False))
        for flat in self.profile.after_sentence.finditer(text, pos):
            # a record flattened onto one line: "... the draft Strategy. Any Declarations of Interest
            # Declared None." A label of three words or more right after a sentence's end.
            spec = self._resolve(flat.group("label"), index, hits)
            if spec is not None and all(h.start < line.start + flat.start() for h in hits):
                hits.append(self._hit(spec, flat, index, line, line_start=False))
        return hits

    def _block_hit(self, index: int, line: Line, block: Block) -> Hit | None:
        """A label/value row or a heading as the reader saw it (a table row, a ModernGov label, a
        Word heading, an HTML h3): its label is known, so it is only named: an exact synonym, else
        by meaning, else a heading odr does not extract (which still ends the section above it).
        A row's value ends with the row."""
        document = self.document
        above = self._previous_text_line(index)
        if self._value_of_label_above(above):
            return None  # "Subject:" then the title, in bold or split at its colon: the label's value
        if block.kind is BlockKind.field:
            label = (document.label_of(block) or "").strip()
            value_start = block.value_start if block.value_start is not None else block.end
            if label.count("(") != label.count(")"):
                return None  # "DECISION MADE (Ref" | "CAB 11/12 7589)": a line split inside brackets; read as text
        else:
            label = " ".join(document.text_of(block).split())
            value_start = block.end
            if self.profile.is_title_heading(label) or (
                above is not None and self.profile.is_title_heading(document.lines[above].text)
            ):
                return None  # the page's heading, or the record's title printed under it
            if self._job_title(label):
                return None  # a post in bold under a signature
        if not label:
            return None
        exact = self.profile.line_start.match(label.rstrip(":") + ":")
        spec = self._resolve(exact.group("label"), index) if exact and exact.end() >= len(label.rstrip(":")) else None
        by_meaning = spec is None
        if spec is None:
            bare = _SECTION_NUMBERED.sub("", label).rstrip(":?")
            # a table row's label cell is a label by its place, however long ("Name and job title of
            # the officer taking the decision")
            if not self._label_shaped(bare, long=block.kind is BlockKind.field):
                # a long heading names its section in its opening words; a bold lead-in ("That the
                # Cabinet Member:") is the text's, not a heading
                spec = self._long_heading(bare, index)
                return None if spec is None else self._block_hit_for(spec, label, index, block, value_start, by_meaning)
            spec = self.profile.classify(bare)
            if spec is None and self._names_a_decision(bare):
                return None  # "The Director approved:" in bold
        if spec is None and label_key(label) not in self.profile.unlabels:
            spec = STOP
        if spec is None:
            return None
        return self._block_hit_for(spec, label, index, block, value_start, by_meaning)

    def _block_hit_for(self, spec: FieldSpec, label: str, index: int, block: Block, value_start: int,
                       by_meaning: bool) -> Hit:
        line = self.document.lines[index]
        number = re.match(r"\s*(\d+)[.)]?\s", label)
        return Hit(spec=spec, label=label.rstrip(":"), line_index=index, start=block.start, value_start=value_start,
                   heading=value_start >= block.end or not self.document.text[value_start : line.end].strip(),
                   number=int(number.group(1)) if number else None, by_meaning=by_meaning,
                   # a row's short value ends with the row; a section may go on below the table
                   limit=block.end if block.kind is BlockKind.field and spec.kind == "line" else None)

    def _long_heading(self, label: str, index: int) -> FieldSpec | None:
        """The section a heading too long to be a label heads, read from its opening words, up to the
        first word that only qualifies them ("Conflicts of interest | declared by the Cabinet Member
        or any officer consulted", "Any dispensation | granted by the Head of Paid Service"): a
        section group's exact synonym or its meaning. A sentence ("The council will consult ...")
        has no such opening; a label-shaped one that is not a heading ends with '.' or ';'."""
        if len(label) > self.profile.settings.max_long_heading_chars or label[-1] in ".;,":
            return None
        key = label_key(label)
        cut = min((key.find(f" {q} ") for q in self.profile.heading_qualifiers if f" {q} " in key), default=-1)
        if cut < 0:
            return None
        head = " ".join(label.split()[: len(key[:cut].split())])
        if not self._label_shaped(head) or "," in head:
            return None  # a clause ("Consultation was carried out with ward members, who ..."), not a heading's head
        exact = self.profile.line_start.match(head + ":")
        spec = self._resolve(exact.group("label"), index) if exact and exact.end() >= len(head) else None
        spec = spec or self.profile.classify(head)
        return spec if spec is not None and spec.kind == "block" else None

    def _wraps_on(self, index: int) -> bool:
        """The line goes on in the next one: the next line opens in lower case, mid-sentence."""
        following = self._next_text_line(index)
        return following is not None and self.document.lines[following].text.lstrip()[:1].islower()

    def _heading_pattern(self, index: int, line: Line) -> Hit | None:
        """A whole line that heads a group's section by its shape ('14/11/2018 - Title' on a
        ModernGov issue page heads the decision taken that day)."""
        for pattern, spec in self.profile.heading_patterns:
            if pattern.fullmatch(line.text):
                return Hit(spec=spec, label=line.text.strip(), line_index=index, start=line.start,
                           value_start=line.end, heading=True, number=None, by_meaning=True)
        return None

    def _label_by_meaning(self, text: str, index: int) -> tuple[re.Match | None, FieldSpec | None]:
        """A label that is no exact synonym, read for what it says ("Decision by:", "Officer
        making decision:", "Is Allweddol decision?: No", "CARBON IMPACT", "Any Dispensation
        Granted"): a short capitalised phrase before ':', ':-', '|' or '?', or a short heading
        standing alone. A phrase that opens like a sentence ("That the Cabinet Member:"), holds
        figures ("Option 2:") or is long is never a label. One that means no group ends the section
        before it only when it stands alone as a heading with a separator."""
        settings = self.profile.settings
        match = _label_like(max(settings.max_label_chars, settings.max_long_heading_chars)).match(text)
        if match is None:
            return None, None
        label = match.group("label").strip()
        words = label.split()
        standalone = match.end() >= len(text.rstrip())
        separator = match.group("sep").strip()
        if not self._label_shaped(label):
            # a long label: before a ':' ("Any conflict of interest declared by the decision maker
            # or Portfolio Holder: None"), or standing alone, numbered or set apart as a heading
            numbered = match.start("label") > len(text) - len(text.lstrip()) and text.lstrip()[:1].isdigit()
            long_heading = separator == ":" or (
                not separator and standalone and not self._wraps_on(index) and (numbered or self._stands_apart(index))
            )
            spec = self._long_heading(label, index) if long_heading else None
            return (match, spec) if spec is not None else (None, None)
        heading_line = self._heading_line(label, index)
        heading_case = (label.isupper() and len(label) > 3) or (heading_line and self._title_cased(label))
        if not separator and (
            self.profile.is_title_heading(label)  # "KENT COUNTY COUNCIL – RECORD OF DECISION": the page's heading
            or not (heading_case or heading_line)
        ):
            return None, None
        spec = self.profile.classify(label)
        if not separator and not heading_case and (
            spec is None or spec.kind != "block" or not self._stands_apart(index)
            or any(w.lower() in self.profile.question_words for w in words)  # "Reasons are given below"
        ):
            # a heading in sentence case ("Reasons for the decision made", "Decision and any
            # conditions"), as Word prints bold ones: only a section's, set apart from the text,
            # and no sentence
            return None, None
        if spec is None:
            if label_key(label) in self.profile.unlabels:
                return None, None  # a council profile said this is no label
            heading = (
                standalone
                and separator not in ("", "?")  # a question alone is asked inside a section (criteria, Q&A)
                and len(words) <= settings.max_heading_words
                and not self._names_a_decision(label)  # "Approve:"
            )
            return (match, STOP) if heading else (None, None)
        if not separator and spec.kind == "line":
            return None, None  # "EXEMPT ITEM": a heading that states a fact, read by the fields, not a label
        return match, spec

    def _label_shaped(self, label: str, *, long: bool = False) -> bool:
        """A short capitalised phrase that could be a label: not a sentence ("That the Cabinet
        Member:", "Key decision criteria. The decision will:"), no figures ("Option 2:"), not long
        (`long`: any number of words, up to `max_long_heading_chars`, for a table's label cell, a label
        by its place; whatever is label-shaped is so when long too)."""
        words = label.split()
        settings = self.profile.settings
        longest = max(settings.max_label_chars, settings.max_long_heading_chars) if long else settings.max_label_chars
        return bool(
            words
            and (long or len(words) <= settings.max_label_words)
            and len(label) <= longest
            and label[0].isupper()
            and not any(map(str.isdigit, label))
            and ". " not in label
            and ">" not in label  # a breadcrumb ("Home > Council > Decisions")
            and words[0].lower() not in self.profile.sentence_openers
        )

    def _names_a_decision(self, label: str) -> bool:
        """A phrase holding a decision's verb ("Approve:", "The Director approved:"): text, not a label."""
        return any(w.lower().startswith(self.profile.lead_in_verbs) for w in label.split())

    @staticmethod
    def _title_cased(label: str) -> bool:
        """At least half the label's longer words are capitalised ("Review of Funding for Community Groups")."""
        long_words = [w for w in label.split() if len(w) >= 4]
        return sum(w[0].isupper() for w in long_words) * 2 >= len(long_words)

    def _heading_line(self, label: str, index: int) -> bool:
        """A capitalised line with no separator may be a title ("Review of Funding for Community
        Groups"), so it heads a section only when it is short, ends without punctuation, and is
        neither the line after a page heading nor the value of a label standing alone just above
        it (whether its case makes it a heading is `_title_cased`'s to say)."""
        words = label.split()
        if (
            len(words) > self.profile.settings.max_heading_words
            or label[-1] in ".,;"
            or self._names_a_decision(label)
            or self._job_title(label)
        ):
            return False
        above = self._previous_text_line(index)
        if above is None or self.profile.is_title_heading(self.document.lines[above].text):
            return False
        return not self._value_of_label_above(above)

    def _value_of_label_above(self, above: int | None) -> bool:
        """Whether the line `above` holds a label of a short value standing alone, so the line below
        it is that value ("Subject:" / "Review of Funding for Community Groups")."""
        last = self.hits[-1] if self.hits else None
        return bool(last and above is not None and last.spec.kind == "line" and last.heading and last.line_index == above)

    def _job_title(self, label: str) -> bool:
        """A line that opens with a role ("Head of Legal Services", "Director of Finance") names a
        person's post, as under a signature, not a section."""
        return self.profile.opens_with_role(label)

    def _stands_apart(self, index: int) -> bool:
        """Line `index` is set apart as a heading: a blank line above it, and below it text that
        starts anew (a capital, a figure or a list marker), the line not going on into it."""
        lines = self.document.lines
        following = self._next_text_line(index)
        if index == 0 or lines[index - 1].text.strip() or following is None:
            return False
        text = lines[following].text.lstrip()
        if carries_on(lines[index].text, text, self.profile):
            return False  # "... any dispensation granted by the" / "Proper Officer:": a heading wrapped over a gap
        return text[:1].isupper() or text[:1].isdigit() or bool(STARTS_LIST_ITEM.match(text))

    def _next_text_line(self, index: int) -> int | None:
        """The index of the nearest non-blank line below line `index` (within three lines)."""
        lines = self.document.lines
        return next((i for i in range(index + 1, min(len(lines), index + 4)) if lines[i].text.strip()), None)

    def _previous_text_line(self, index: int) -> int | None:
        """The index of the nearest non-blank line above line `index` (within three lines)."""
        lines = self.document.lines
        return next((i for i in range(index - 1, max(-1, index - 4), -1) if lines[i].text.strip()), None)

    def _reads_as_title(self, index: int, spec: FieldSpec, value: str) -> bool:
        """The line right after a page heading ("Decision details") is the record's title, whatever
        colon it holds ("Options Appraisal: Leisure Centres", "Public Realm Services Model: Business
        Case"), unless it reads as a form's first label: a short value after a label of a field."""
        above = self._previous_text_line(index)
        if above is None or not self.profile.is_title_heading(self.document.lines[above].text):
            return False
        return spec.kind != "line" or len(value.strip()) > self.profile.settings.max_header_value

    def _lead_in(self, text: str, mid: re.Match) -> bool:
        """A sentence ending in a section's label, its section on the lines below: "Following the
        report, it was RESOLVED:" (not a question such as "Is the Decision Maker aware of the Decision:")."""
        before = text[: mid.start("label")].split()
        return (
            not text[mid.end() :].strip()
            and len(before) >= 3
            and before[0].lower() not in self.profile.question_words
        )

    def _in_running_text(self, text: str, label_start: int) -> bool:
        """A label-like phrase inside a sentence or a job title: after a word of running text ("That
        the Cabinet Member: a) ..."), or a role word after another ("The Chief Officer (Highways):
        i) noted ...": the end of a post's name, not the label 'Officer')."""
        before = text[:label_start].split()
        if not before:
            return False
        word = before[-1].lower().strip(",;")
        return word in self.profile.running_text_words or (
            word in self.profile.role_words and self._job_title(text[label_start:])
        )

    def _label_without_separator(self, text: str, index: int) -> tuple[re.Match | None, FieldSpec | None]:
        """'Signed J Anderson' (a label the profile marks bare), or a short 'Decision Maker Cabinet'
        line of a form printed without separators (no colon anywhere on the line)."""
        if self.profile.bare_start is not None:
            match = self.profile.bare_start.match(text)
            spec = self._resolve(match.group("label"), index) if match else None
            colon = text.find(":")
            if colon > 0 and self._label_shaped(text[:colon].strip()):
                spec = None  # "Signature of decision maker: [signed]": the label runs on to its colon
            if spec is not None and spec.bare:
                return match, spec
        if ":" in text or " | " in text:
            return None, None  # a separator further on: the label is longer than the words it opens with
        match = self.profile.run_in_start.match(text)
        if match is None or len(text) - match.end() > self.profile.settings.max_run_in_value:
            return None, None
        if text[match.end() :].split()[0].lower() in self.profile.heading_words:
            return None, None  # "Cabinet Member Decision", "Portfolio Holder Decision Notice": a heading
        spec = self._resolve(match.group("label"), index)
        return (match, spec) if spec is not None and spec.kind == "line" else (None, None)

    def _ends_header_row(self, hits: list[Hit], match: re.Match, index: int) -> bool:
        """'If Key Decision: Decision Ref. No.' then 'B075/22': a second label closing a header row,
        its short value alone on the next line. A value that merely reads like a label ('Decision
        Maker: Cabinet Member', with prose or the next label after it) is not one."""
        if not hits or match.group("paren"):
            return False
        following = next((line.text for line in itertools.islice(self.document.lines, index + 1, None) if line.text.strip()), None)
        return (
            following is not None
            and len(following.strip()) <= self.profile.settings.max_header_value
            and not following.rstrip().endswith(".")
            and not self.profile.line_start.match(following)
        )

    def _hit(self, spec: FieldSpec, match: re.Match, index: int, line: Line, *, line_start: bool) -> Hit:
        number = re.match(r"\s*(\d+)", match.group(0)) if line_start else None
        heading = match.end() >= len(match.string.rstrip())
        # a bilingual label's other half before it ("Dyddiad / Date:") is the label's, not a value's
        other_half = not line_start and _LABEL_HALF.fullmatch(match.string, 0, match.start("label"))
        return Hit(
            spec=spec,
            label=match.group("label"),
            line_index=index,
            start=line.start if line_start or other_half else line.start + match.start("label"),
            value_start=line.start + match.end(),
            heading=heading,
            number=int(number.group(1)) if number else None,
        )

    def _wrapped_heading(self, index: int) -> Hit | None:
        """A label printed over two lines ("... dispensation granted by the" / "Proper Officer:")."""
        lines = self.document.lines
        if index + 1 >= len(lines):
            return None
        first, second = lines[index], lines[index + 1]
        if not second.text.strip() or len(first.text) + len(second.text) > self.profile.settings.max_wrapped_heading:
            return None
        joined = f"{first.text} {second.text.strip()}"
        match = self.profile.line_start.match(joined)
        if not match or match.end("label") <= len(first.text):
            return self._wrapped_label_by_meaning(index, joined)
        spec = self._resolve(match.group("label"), index)
        if spec is None:
            return None
        skipped = len(second.text) - len(second.text.lstrip())
        value_offset = match.end() - len(first.text) - 1 + skipped
        hit = self._hit(spec, match, index, first, line_start=True)
        hit.value_start = second.start + min(value_offset, len(second.text))
        hit.heading = match.end() >= len(joined.rstrip())
        return hit

    def _wrapped_label_by_meaning(self, index: int, joined: str) -> Hit | None:
        """A label no synonym names, wrapped in a narrow table cell: two short lines, the second going
        on in lower case, standing alone above their value ("Name and job title of the officer" /
        "taking the decision"). Prose wraps at the page's width, not at a cell's."""
        lines = self.document.lines
        first, second = lines[index], lines[index + 1]
        width = self.profile.settings.max_wrapped_cell_line
        if (
            len(first.text.strip()) > width or len(second.text.strip()) > width
            or not second.text.lstrip()[:1].islower() or first.text.rstrip()[-1:] in ".,;:"
            or self._wraps_on(index + 1)
        ):
            return None
        match = _label_like(self.profile.settings.max_long_heading_chars).match(joined)
        if match is None or match.end() < len(joined.rstrip()):
            return None  # a value on the second line: a sentence, not a label standing alone
        label = match.group("label").strip()
        if not self._label_shaped(label, long=True) or label[-1] in ".;," or self._names_a_decision(label):
            return None  # "Approved / the officer's recommendation": a decision's words, not a label
        spec = self.profile.classify(label)
        if spec is None or spec.kind == "stop":
            return None
        return Hit(spec=spec, label=label, line_index=index, start=first.start, value_start=second.end,
                   heading=True, number=None, by_meaning=True)

    def _set_regions(self) -> None:
        text_end = len(self.document.text)
        for position, hit in enumerate(self.hits):
            following = self._next_boundary(position)
            end = self.hits[following].start if following < len(self.hits) else text_end
            if hit.spec.kind == "block" and hit.number is not None:
                end = min(end, self._next_numbered_line(hit, end))
            if hit.limit is not None and not self._breaks_off(hit.limit):
                end = min(end, hit.limit)
            hit.region_end = max(end, hit.value_start)

    def _breaks_off(self, offset: int) -> bool:
        """Whether the text before `offset` stops mid-phrase ("... Monitoring Report –"): a row whose
        value a conversion split, its rest printed after the table."""
        words = self.document.text[:offset].rstrip().rsplit(None, 1)
        return bool(words) and (words[-1][-1] in ",-–(&/" or words[-1].lower() in self.profile.connector_words)

    def _next_boundary(self, position: int) -> int:
        """The hit that ends hit `position`'s region: the next one, except that a heading odr does
        not extract, printed straight under a section's own heading ("Reasons for Decision" then
        "Background"), is the section's sub-heading and does not end it."""
        hit, following = self.hits[position], position + 1
        if hit.spec.kind != "block" or following >= len(self.hits):
            return following
        nxt = self.hits[following]
        between = self.document.text[hit.value_start : nxt.start]
        if nxt.spec.kind == "stop" and nxt.heading and not between.strip():
            return following + 1
        return following

    def _next_numbered_line(self, hit: Hit, limit: int) -> int:
        following = re.compile(rf"^\s*{(hit.number or 0) + 1}[.)]?\s+\S")
        for line in itertools.islice(self.document.lines, hit.line_index + 1, None):
            if line.start >= limit:
                break
            if following.match(line.text):
                return line.start
        return limit

    # ----------------------------------------------------------------------------------------
    # reading values
    def all(self, field: str) -> list[Hit]:
        return list(self._by_field.get(field, ()))

    def first(self, field: str) -> Hit | None:
        hits = self._by_field.get(field)
        return hits[0] if hits else None

    def region_lines(self, hit: Hit) -> list[Line]:
        """The lines of a hit's region, each cut to the region (the first from the value start)."""
        out = []
        lines = self.document.lines
        for index in range(hit.line_index, len(lines)):  # no slice: a copy per value is quadratic
            line = lines[index]
            if line.start >= hit.region_end:
                break
            start = max(line.start, hit.value_start)
            end = min(line.end, hit.region_end)
            if end < start:
                continue
            out.append(Line(self.document.text[start:end], start, line.page))
        return out

    def line_value(self, hit: Hit) -> Span | None:
        """A short value: after the label, or on the next line(s); wrapped continuations joined."""
        key = (id(hit), False)
        if key not in self._values:
            self._values[key] = self._line_value(hit)
        return self._values[key]

    def _line_value(self, hit: Hit) -> Span | None:
        lines = self.region_lines(hit)
        if not lines:
            return None
        first_index: int | None = 0
        if not lines[0].text.strip():
            first_index = next((i for i, line in enumerate(lines) if line.text.strip()), None)
        if first_index is None or first_index > 2:
            return None
        parts = [lines[first_index]]
        following = iter(lines[first_index + 1 :])
        for line in following:
            if len(parts) == 3:
                break
            if not line.text.strip():  # a paragraph gap: only a sentence cut in two carries on over it
                line = next(following, line)
                if not carries_on(parts[-1].text, line.text.strip(), self.profile):
                    break
            elif not continues(parts[-1].text, line.text, self.profile):
                break
            parts.append(line)
        return self._span(parts, self._weight(hit))

    def block_value(self, hit: Hit) -> Span | None:
        key = (id(hit), True)
        if key not in self._values:
            self._values[key] = self._block_value(hit)
        return self._values[key]

    def _block_value(self, hit: Hit) -> Span | None:
        lines = self.region_lines(hit)
        while lines and not lines[0].text.strip():
            lines.pop(0)
        while lines and not lines[-1].text.strip():
            lines.pop()
        if not lines:
            return None
        return Span("\n".join(line.text.strip() for line in lines), lines[0].start, lines[-1].end, lines[0].page,
                    self._weight(hit))

    def value(self, hit: Hit) -> Span | None:
        return self.block_value(hit) if hit.spec.kind == "block" else self.line_value(hit)

    def _weight(self, hit: Hit) -> float:
        return self.profile.settings.meaning_confidence if hit.by_meaning else 1.0

    def _span(self, parts: list[Line], weight: float = 1.0) -> Span | None:
        text = " ".join(" ".join(p.text.split()) for p in parts).strip()
        if not text:
            return None
        leading = len(parts[0].text) - len(parts[0].text.lstrip())
        return Span(text, parts[0].start + leading, parts[-1].end, parts[0].page, weight)

    def hit_line_indexes(self) -> set[int]:
        """Lines that hold a label (a label-like line that means nothing known does not count)."""
        return {h.line_index for h in self.hits if h.spec is not STOP}


def carries_on(previous: str, line: str, profile: Profile) -> bool:
    """Whether a line after a paragraph gap is still the sentence or item before it: it opens in
    lower case, the line before stops mid-phrase ("... go to" / "Cabinet Member Decision."), is a
    list marker alone ("i.") or a list item not yet finished. Word and PDF renderings of hard-wrapped text print every line as a
    paragraph of its own."""
    previous = previous.rstrip()
    if not previous or not line or STARTS_LIST_ITEM.match(line):
        return False
    if BARE_MARKER.match(previous):
        return True
    if STARTS_LIST_ITEM.match(previous) and previous[-1] not in ".;:!?":
        return True  # an item not yet finished ("1. That the ... Final" / "Report are approved.")
    return line[0].islower() or previous[-1] in ",-–(&/" or previous.split()[-1].lower() in profile.connector_words


def continues(previous: str, following: str, profile: Profile) -> bool:
    """Whether `following` is the wrapped remainder of `previous` rather than a new line of its own."""
    previous, following = previous.rstrip(), following.strip()
    if not following or not previous:
        return False
    if previous[-1] in "–-,&/(" or previous.split()[-1].lower() in profile.connector_words:
        return True
    if STARTS_LIST_ITEM.match(following):
        return False
    if following[0].islower():
        return True
    return len(previous) >= 50 and len(following.split()) <= 3 and previous[-1] not in ".:;!?"

"""Profiles: every word odr matches is data (TOML), validated on load.

The built-in `labels.toml` is the complete profile: label groups (`[fields.NAME]`), title headings,
prose patterns, the vocabularies (honorifics, role words, yes/no words, ...) and the numeric
settings of layout and the field extractors. A council's own profile has the same shape with every
key optional and is laid over it:

* a list given as a list is *added* to the one below it; a list given as a table edits it:
  ``labels = {remove = ["Budget"]}``, ``labels = {replace = ["Why"]}``, ``{add = [...], remove = [...]}``;
* a scalar (a setting, a group's `kind`) replaces the one below it;
* a new label group is accepted only when it declares a `date_kind` (a date odr should read) or is
  `kind = "stop"` (a heading that only ends the section before it); any other unknown name is a
  mistake, reported with the nearest valid name;
* `council = "..."` names the council the profile is for and `[match] keywords = [...]` makes the
  profile apply only to documents that contain one of the keywords (see `ProfileSet`).

Every mistake is one `ProfileError` naming the file, the key and, where it helps, the nearest valid
name. A label claimed by two groups is reported too, never settled by file order.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from models import DateKind, DecisionType

from .document import SECTION_NUMBER, LabelHints
from .labelpattern import LabelPattern, label_key, trie_regex
from .prefilter import PhraseSearch, fold, needed_words

BUILTIN_PROFILE = Path(__file__).with_name("labels.toml")
FIELD_KINDS = ("line", "block", "stop")


class ProfileError(ValueError):
    """A profile that cannot be used: missing, not TOML, or not the shape odr reads."""


# --------------------------------------------------------------------------------------------------
# the file model


def _list_of_strings(value: Any) -> Any:
    if isinstance(value, str):
        raise ValueError(f"a list of strings is wanted, not the string {value!r}: write [{value!r}]")
    return value


class ListEdit(BaseModel):
    """How an overlay changes a list: add to it, remove from it, or replace it."""

    model_config = ConfigDict(extra="forbid")
    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    replace: list[str] | None = None


def _edit(value: Any) -> Any:
    """A plain list means 'add these'; a table is a ListEdit; a string is the usual slip."""
    _list_of_strings(value)
    return {"add": value} if isinstance(value, list) else value


Words = Annotated[list[str], BeforeValidator(_list_of_strings)]
Edit = Annotated[ListEdit, BeforeValidator(_edit)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LabelGroupSpec(_Strict):
    kind: Literal["line", "block", "stop"] | None = Field(
        None, description="line: a short value; block: a section up to the next label; stop: a heading that only ends a section")
    labels: Edit | None = Field(None, description="the labels as printed, without the trailing separator")
    bare: bool | None = Field(None, description="the label may be followed by a plain space ('Signed J Anderson')")
    follows: Words | None = Field(None, description="groups whose label this one must come just after")
    date_kind: DateKind | None = Field(None, description="for date groups: the role of the date")
    cues: Edit | None = Field(
        None, description="what a label that is no exact synonym must say to mean this group: each cue a few word "
        "stems that must all occur ('decision by', 'reason'); see `classify`")
    questions: bool | None = Field(
        None, description="a label put as a question ('Is the decision exempt?') may mean this group: its answer is yes/no")
    patterns: Edit | None = Field(
        None, description="regular expressions for whole lines that stand as this group's heading "
        "('dd/mm/yyyy - title' on a ModernGov issue page heads its decision)")


class SubjectSpec(_Strict):
    title_headings: Edit | None = None


class ProseSpec(_Strict):
    """Regular expressions over the text; a group named `value` marks what is kept."""

    reference: Edit | None = None
    subject: Edit | None = None
    council: Edit | None = None
    key_decision_true: Edit | None = None
    key_decision_false: Edit | None = None
    exempt_true: Edit | None = None
    exempt_false: Edit | None = None
    exempt_basis: Edit | None = None
    non_executive: Edit | None = None
    decision_maker: Edit | None = None
    decided_before: Edit | None = None
    consulted_before: Edit | None = None
    consulted_after: Edit | None = None
    reporting_before: Edit | None = None
    not_deciding_before: Edit | None = None
    not_deciding_verb_before: Edit | None = None
    delegating: Edit | None = None
    date_phrases: dict[DateKind, Edit] | None = None


class VocabularySpec(_Strict):
    """Words and word patterns the extractors use; see labels.toml for what each one does."""

    honorifics: Edit | None = None
    role_words: Edit | None = None
    member_roles: Edit | None = None
    role_heads: Edit | None = None
    body_heads: Edit | None = None
    area_connectors: Edit | None = None
    title_prefixes: Edit | None = None
    conjunctions: Edit | None = None
    contact_words: Edit | None = None
    portfolio_words: Edit | None = None
    decision_series: Edit | None = None
    expired_marks: Edit | None = None
    none_phrases: Edit | None = None
    proposal_phrases: Edit | None = None
    option_words: Edit | None = None
    yes_words: Edit | None = None
    no_words: Edit | None = None
    ticked_marks: Edit | None = None
    unticked_marks: Edit | None = None
    exempt_values: Edit | None = None
    open_values: Edit | None = None
    hedge_words: Edit | None = None
    numbering_words: Edit | None = None
    heading_words: Edit | None = None
    connector_words: Edit | None = None
    name_particles: Edit | None = None
    title_small_words: Edit | None = None
    signature_words: Edit | None = None
    decision_verbs: Edit | None = None
    cms_suffixes: Edit | None = None
    sentence_openers: Edit | None = None
    title_qualifiers: Edit | None = None
    heading_qualifiers: Edit | None = None
    lead_in_verbs: Edit | None = None
    resolution_phrases: Edit | None = None
    reason_openers: Edit | None = None
    decision_infinitives: Edit | None = None
    option_openers: Edit | None = None
    question_words: Edit | None = None
    running_text_words: Edit | None = None
    head_breaks: Edit | None = None
    council_generic_words: Edit | None = None
    other_language_post_words: Edit | None = None
    copyright_marks: Edit | None = None
    money_qualifiers: Edit | None = None
    rate_words: Edit | None = None
    decision_types: dict[DecisionType, Edit] | None = None


class Settings(_Strict):
    """The numbers of layout and the field extractors, named so a profile can tune them."""

    follows_window: int = Field(4, ge=0, description="non-blank lines after a group's label within which a `follows` label still belongs with it")
    max_wrapped_heading: int = Field(160, ge=1, description="longest line pair read as one label wrapped over two lines")
    max_run_in_value: int = Field(80, ge=1, description="longest value read after a label printed with no separator")
    max_header_value: int = Field(40, ge=1, description="longest value a label closing a header row takes from the next line")
    max_title: int = Field(250, ge=1, description="longest subject read from a title line")
    title_search_lines: int = Field(5, ge=1, description="lines after a page heading searched for the title")
    title_max_lines: int = Field(2, ge=1, description="lines a title may wrap over")
    council_head_lines: int = Field(15, ge=1, description="lines at the top searched for the council's name")
    record_heading_lines: int = Field(10, ge=0, description="non-blank lines at the top searched for a decision-record heading")
    reference_max_chars: int = Field(39, ge=1, description="longest reference kept")
    reference_max_words: int = Field(4, ge=1, description="most words in a reference")
    stacked_value_lines: int = Field(6, ge=0, description="lines after a reference label standing alone searched for its value")
    date_context_before: int = Field(120, ge=0, description="characters before a date read for the phrase naming its role")
    date_context_after: int = Field(80, ge=0, description="characters after a date read for the phrase naming its role")
    signature_date_window: int = Field(3, ge=0, description="lines around a lone date searched for signature rules")
    exempt_context_before: int = Field(300, ge=0, description="characters before an exemption phrase searched for its legal basis")
    exempt_context_after: int = Field(400, ge=0, description="characters after an exemption phrase searched for its legal basis")
    negation_window: int = Field(25, ge=0, description="characters before an exemption phrase searched for a denial ('not')")
    max_prose_sentences: int = Field(5, ge=0, description="sentences with a decision verb read for a named decider")
    max_label_words: int = Field(8, ge=1, description="most words in a line's label that is no exact synonym")
    max_heading_words: int = Field(5, ge=1, description="most words in a label-like heading that means no known group and only ends a section")
    max_label_chars: int = Field(70, ge=1, description="longest label that is no exact synonym")
    max_wrapped_cell_line: int = Field(
        50, ge=1, description="longest line of a label read by its meaning when wrapped over two lines in a table "
        "cell (a wider line wraps at the page's width: prose)")
    max_long_heading_chars: int = Field(
        180, ge=1, description="longest section heading read by the words before its qualifier ('Conflicts of "
        "interest declared by the Cabinet Member or any officer consulted')")
    meaning_confidence: float = Field(0.9, gt=0, le=1, description="confidence of a value read after a label recognised by its meaning, relative to an exact synonym's")


def _lower_bound(info: Any) -> float | None:
    return next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)


# Settings as a profile file writes them: each optional, replacing the value below it.
SettingsSpec: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SettingsSpec",
    __base__=_Strict,
    **{name: (Optional[info.annotation], Field(None, ge=_lower_bound(info), description=info.description))  # noqa: UP045 (a runtime type, not an annotation)
       for name, info in Settings.model_fields.items()},
)


class MatchSpec(_Strict):
    keywords: Words = Field(description="the profile applies to a document that contains one of these (case ignored)")


class ProfileFile(_Strict):
    """One profile file as written."""

    council: str | None = None
    match: MatchSpec | None = None
    fields: dict[str, LabelGroupSpec] = Field(default_factory=dict)
    subject: SubjectSpec | None = None
    prose: ProseSpec | None = None
    vocabulary: VocabularySpec | None = None
    settings: SettingsSpec | None = None  # type: ignore[valid-type]  # built by create_model above


# --------------------------------------------------------------------------------------------------
# reading and explaining mistakes


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: profile not found") from None
    except IsADirectoryError:
        raise ProfileError(f"{path}: is a folder, not a profile file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: profile is not valid TOML ({exc})") from None


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model whose keys are valid at `loc` (for suggesting the nearest key)."""
    model: Any = ProfileFile
    for part in loc:
        if model is None:
            return None
        if model is ProfileFile and part == "fields":
            model = dict  # the next part is a group name
            continue
        if model is dict:
            model = LabelGroupSpec
            continue
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if info is None:
            return None
        annotation = info.annotation
        candidates = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = candidates[0] if candidates else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def nearest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a valid name is close to `word`, else ''."""
    choices = list(choices)
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if not close:  # 'publication' for 'published': a shared stem is closer than the letters say
        stem = str(word)[:5].lower()
        close = [c for c in choices if len(stem) == 5 and c.lower().startswith(stem)][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _explain(error: dict) -> str:
    loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    # a union's branch names ("list[str]", "ListEdit") are not keys of the file
    loc = [p for p in loc if not p.startswith(("list[", "ListEdit", "dict["))]
    where = ".".join(loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        model = _model_at(error["loc"][:-1])
        hint = nearest(loc[-1], model.model_fields) if model else ""
        return f"{where}: unknown key{hint}"
    if error["type"] == "enum":
        expected = [v.strip(" '") for v in re.split(r",|\bor\b", error.get("ctx", {}).get("expected", ""))]
        value = error.get("input")
        return f"{where}: {value!r} is not one of {', '.join(e for e in expected if e)}{nearest(str(value), expected)}"
    if error["type"] == "value_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    if error["type"] == "literal_error":
        return f"{where}: {error.get('input')!r}: {error['msg'].lower()}"
    return f"{where}: {error['msg'].lower()}"


def parse_profile(data: dict, source: str) -> ProfileFile:
    try:
        return ProfileFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(dict.fromkeys(_explain(e) for e in exc.errors()))  # type: ignore[arg-type]
        raise ProfileError(f"{source}: {problems}") from None


# --------------------------------------------------------------------------------------------------
# merging files into one resolved profile


@dataclass
class _Resolved:
    """A profile being built: plain data, every list resolved, each label remembering its file."""

    groups: dict[str, dict] = field(default_factory=dict)  # name -> {kind, labels, bare, follows, date_kind}
    label_sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (group, label key) -> file
    unlabels: set[str] = field(default_factory=set)  # label keys a profile took away: never labels
    title_headings: list[str] = field(default_factory=list)
    prose: dict[str, list[str]] = field(default_factory=dict)
    date_phrases: dict[DateKind, list[str]] = field(default_factory=dict)
    vocabulary: dict[str, list[str]] = field(default_factory=dict)
    decision_types: dict[DecisionType, list[str]] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=dict)
    council: str | None = None
    keywords: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _apply(edit: ListEdit | None, current: list[str], *, where: str, source: str, check_removals: bool = True) -> list[str]:
    if edit is None:
        return current
    if edit.replace is not None:
        base = list(edit.replace)
    else:
        base = list(current)
    keys = {label_key(item) for item in base}
    for item in edit.remove:
        if check_removals and label_key(item) not in keys:
            raise ProfileError(f"{source}: {where}: cannot remove {item!r}, it is not there{nearest(item, base)}")
        base = [b for b in base if label_key(b) != label_key(item)]
        keys.discard(label_key(item))
    for item in edit.add:
        if label_key(item) not in keys:
            base.append(item)
            keys.add(label_key(item))
    return base


def _merge(resolved: _Resolved, spec: ProfileFile, source: str, *, builtin: bool) -> None:
    resolved.sources.append(source)
    for name, group_spec in spec.fields.items():
        where = f"fields.{name}"
        existing = resolved.groups.get(name)
        if existing is None:
            if not builtin and group_spec.date_kind is None and group_spec.kind != "stop":
                hint = nearest(name, resolved.groups)
                raise ProfileError(
                    f"{source}: {where}: unknown field{hint or ''}; a new group needs date_kind (a date to read) "
                    "or kind = \"stop\" (a heading that ends a section)"
                )
            existing = resolved.groups[name] = {"kind": "line", "labels": [], "bare": False, "follows": [], "date_kind": None,
                                                "cues": [], "patterns": [], "questions": False}
        for key in ("kind", "bare", "date_kind", "questions"):
            value = getattr(group_spec, key)
            if value is not None:
                existing[key] = value
        if group_spec.follows is not None:
            existing["follows"] = list(group_spec.follows)
        existing["cues"] = _apply(group_spec.cues, existing["cues"], where=f"{where}.cues", source=source)
        existing["patterns"] = _apply(group_spec.patterns, existing["patterns"], where=f"{where}.patterns", source=source,
                                      check_removals=False)
        before = {label_key(label) for label in existing["labels"]}
        if group_spec.labels is not None:  # a label taken away is not read by its meaning either
            resolved.unlabels.update(label_key(label) for label in group_spec.labels.remove)
        existing["labels"] = _apply(group_spec.labels, existing["labels"], where=f"{where}.labels", source=source)
        for label in existing["labels"]:
            if label_key(label) not in before:
                resolved.label_sources[(name, label_key(label))] = source
    for name, group in resolved.groups.items():
        unknown = [f for f in group["follows"] if f not in resolved.groups]
        if unknown:
            raise ProfileError(f"{source}: fields.{name}.follows: no group {unknown[0]!r}{nearest(unknown[0], resolved.groups)}")
    if spec.subject is not None:
        resolved.title_headings = _apply(spec.subject.title_headings, resolved.title_headings,
                                         where="subject.title_headings", source=source)
    if spec.prose is not None:
        for key in ProseSpec.model_fields:
            if key == "date_phrases":
                continue
            resolved.prose[key] = _apply(getattr(spec.prose, key), resolved.prose.get(key, []),
                                         where=f"prose.{key}", source=source, check_removals=False)
        for kind, edit in (spec.prose.date_phrases or {}).items():
            resolved.date_phrases[kind] = _apply(edit, resolved.date_phrases.get(kind, []),
                                                 where=f"prose.date_phrases.{kind.value}", source=source, check_removals=False)
    if spec.vocabulary is not None:
        for key in VocabularySpec.model_fields:
            if key == "decision_types":
                continue
            resolved.vocabulary[key] = _apply(getattr(spec.vocabulary, key), resolved.vocabulary.get(key, []),
                                              where=f"vocabulary.{key}", source=source, check_removals=False)
        for decision_type, edit in (spec.vocabulary.decision_types or {}).items():
            resolved.decision_types[decision_type] = _apply(
                edit, resolved.decision_types.get(decision_type, []),
                where=f"vocabulary.decision_types.{decision_type.value}", source=source, check_removals=False)
    if spec.settings is not None:
        resolved.settings.update({k: v for k, v in spec.settings.model_dump().items() if v is not None})
    if spec.council is not None:
        resolved.council = spec.council
    if spec.match is not None:
        resolved.keywords = list(spec.match.keywords)


def _check_claims(resolved: _Resolved) -> None:
    """A label may belong to one unconstrained group only ('Budget' cannot both end a section and
    open the decision); groups that only count after another (`follows`) may share it."""
    owners: dict[str, list[str]] = {}
    for name, group in resolved.groups.items():
        if group["follows"]:
            continue
        for label in group["labels"]:
            owners.setdefault(label_key(label), []).append(name)
    for key, names in owners.items():
        if len(names) > 1:
            where = ", ".join(f"{n} (from {resolved.label_sources.get((n, key), 'the built-in profile')})" for n in names)
            raise ProfileError(
                f"label {key!r} is claimed by {where}: remove it from all but one, e.g. "
                f"[fields.{names[0]}] labels = {{remove = [{key!r}]}}"
            )


# --------------------------------------------------------------------------------------------------
# the compiled profile


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    bare: bool = False
    follows: tuple[str, ...] = ()  # the groups whose label this one must come just after
    date_kind: DateKind | None = None
    cues: tuple[tuple[str, ...], ...] = ()  # each cue: word stems that must all occur in a label
    questions: bool = False  # a label put as a question may mean this group


STOP = FieldSpec("unknown_heading", "stop")  # a label-like line that means no group: it only ends a section


def any_word(words: Sequence[str], flags: int = 0, *, before: str = r"\b", after: str = r"\b") -> WordPattern:
    """A regex finding any of `words` (see `words_pattern`) between `before` and `after` (zero-width
    assertions), whole words by default. It opens with a lookahead for the words' first letters:
    Python's regex engine then skips straight to the positions where one can start instead of
    trying the whole pattern at every character. Searched through a `WordPattern`."""
    firsts = sorted({word[0].lower() for word in words if word})
    lookahead = "(?=[" + "".join(re.escape(c) for c in firsts) + "])" if firsts else ""
    return WordPattern(re.compile(f"{lookahead}{before}(?:{words_pattern(words)}){after}", flags), words)


class WordPattern:
    """`any_word`'s regex, searched faster in long text. A match can only start where one of the
    words' opening letters (up to its first space or hyphen, which `words_pattern` lets vary) is
    printed, so in a long text those places are found with `str.find`, far faster than the regex
    engine's scan, and the regex is tried there only, in order: the matches `finditer` would find.
    Case-insensitively, the opening letters are looked for in the `fold`ed text, which has the
    same length and holds them wherever the regex would match them (extractor/prefilter.py)."""

    # Shorter texts are scanned by the regex itself: in a record of a page or two, the finds of
    # common openings ("mr" inside "address") cost about what they save.
    MIN_CHARS = 4000

    def __init__(self, pattern: re.Pattern, words: Sequence[str]):
        self.pattern = pattern
        openings = {re.split(r"[\s-]", word.lower(), maxsplit=1)[0] for word in words if word}
        usable = all(opening and opening.isascii() for opening in openings)
        self._openings = tuple(sorted(openings)) if usable else None
        self._folded = bool(pattern.flags & re.IGNORECASE)

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        return self.pattern.match(text, pos)

    def fullmatch(self, text: str) -> re.Match | None:
        return self.pattern.fullmatch(text)

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        return next(self.finditer(text, pos), None)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match]:
        if self._openings is None or len(text) - pos < self.MIN_CHARS:
            yield from self.pattern.finditer(text, pos)
            return
        resume = pos
        for start in self._starts(text, pos):
            if start < resume:
                continue
            match = self.pattern.match(text, start)
            if match is not None:
                yield match
                resume = match.end() if match.end() > start else start + 1

    def _starts(self, text: str, pos: int) -> list[int]:
        """Every place from `pos` where one of the openings is printed, in order."""
        haystack = fold(text) if self._folded else text
        starts = set()
        for opening in self._openings or ():
            found = haystack.find(opening, pos)
            while found >= 0:
                starts.add(found)
                found = haystack.find(opening, found + 1)
        return sorted(starts)


def words_pattern(words: Iterable[str]) -> str:
    """'non-key' matches 'non-key', 'non key' and 'nonkey'; 'not a key' any spacing. Longest first;
    words that share a first letter are grouped under it ('d(?:eputy leader|irector)'), so the regex
    engine tests a position's letter once instead of once per word."""
    groups: dict[str, list[str]] = {}
    for word in sorted((w.lower() for w in words), key=len, reverse=True):
        groups.setdefault(word[:1], []).append(_spaced(word[1:]))
    parts = []
    for first, rests in groups.items():
        head = _spaced(first)
        parts.append(head + rests[0] if len(rests) == 1 else f"{head}(?:{'|'.join(rests)})")
    return "|".join(parts) or "(?!)"


def _spaced(text: str) -> str:
    """`text` escaped for a regex, any run of whitespace for a space, a hyphen optional or a space."""
    return re.escape(text).replace(r"\ ", r"\s+").replace(r"\-", r"[- ]?")


def _compile(patterns: Iterable[str], where: str, flags: int = re.IGNORECASE) -> list[re.Pattern]:
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern, flags))
        except re.error as exc:
            raise ProfileError(f"{where}: invalid pattern {pattern!r} ({exc})") from None
    return out


@dataclass
class Profile:
    """A resolved profile, compiled for matching. Built by `load_profile` / `ProfileSet`."""

    fields: dict[str, FieldSpec]
    labels: dict[str, list[FieldSpec]]  # label_key -> candidate groups, constrained ones first
    title_headings: list[str]
    prose: dict[str, list[re.Pattern]]  # phrases that capture a `value` (reference, subject, ...)
    date_phrases: dict[DateKind, list[re.Pattern]]
    vocabulary: dict[str, list[str]]
    decision_types: list[tuple[re.Pattern, DecisionType]]
    settings: Settings
    phrases: dict[str, re.Pattern] = field(default_factory=dict)  # flag phrases, one pattern per key
    phrase_search: dict[str, PhraseSearch] = field(default_factory=dict)  # the same, keyword-prefiltered
    heading_patterns: list[tuple[re.Pattern, FieldSpec]] = field(default_factory=list)
    unlabels: frozenset[str] = frozenset()  # phrases a profile took away from every group
    council: str | None = None
    keywords: tuple[str, ...] = ()
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The words each capturing phrase needs (extractor/prefilter.py): see `prose_for`.
        self._prose_needs = {key: [needed_words(p.pattern, p.flags) for p in patterns] for key, patterns in self.prose.items()}
        # The label patterns (layout.py) are compiled a bucket of labels at a time, as a run meets them.
        every = sorted(self.labels)
        bare = sorted(k for k, specs in self.labels.items() if any(s.bare for s in specs))
        # A leading section number ("3.", "3.1", "(a)", "iv)") or bullet may precede a label.
        number = rf"(?:{SECTION_NUMBER}|[-•*·])\s+"
        paren = r"(?P<paren>\s*\*?\([^)\n]{0,80}\)\*?)?"
        self.line_start = LabelPattern(
            every, rf"^\s*(?:{number})?", paren +
            # a question ends a label by itself: "Is this a Key Decision? Yes"
            r"(?P<sep>\s*(?::-|:|\||[-–](?=\s|$)|\t)[ \t]*|[ \t]{2,}|\s*$|(?<=\?)[ \t]+(?=\S))",
            starts=rf"\s*(?P<skip>{number})?",
        )
        self.bare_start = LabelPattern(
            bare, r"^\s*", r"(?P<paren>)(?P<sep>[ \t]+)(?=\S)", starts=r"\s*"
        ) if bare else None
        # A form printed without separators ("Decision Maker Cabinet Member for Housing"): a
        # line label of two words or more, then a capital or a digit.
        run_in = sorted(k for k, specs in self.labels.items() if " " in k and any(s.kind == "line" for s in specs))
        self.run_in_start = LabelPattern(
            run_in, r"^\s*", r"(?P<paren>)(?P<sep>[ \t]+)(?-i:(?=[A-Z0-9]))", starts=r"\s*"
        )
        long_labels = sorted(k for k in self.labels if len(k.split()) >= 3)
        after_sentence = r"(?<=[.;!?] )"
        self.after_sentence = LabelPattern(
            long_labels, after_sentence, r"(?P<paren>)(?P<sep>[ \t]+)(?-i:(?=[A-Z]))", starts=after_sentence
        )
        capitalised = r"(?-i:(?=[A-Z]))(?<=[\s\]\)])"
        self.mid_line = LabelPattern(
            every, capitalised, rf"{paren}(?P<sep>[ \t]*(?::-|:)[ \t]*|[ \t]*$)", starts=capitalised
        )
        self._title_keys = tuple(sorted({label_key(h) for h in self.title_headings}, key=len, reverse=True))
        self._title_starts = tuple(f"{key} " for key in self._title_keys)
        self._title_last_words = frozenset(key.rsplit(None, 1)[-1] for key in self._title_keys)
        self._title_qualifiers = tuple(label_key(q) + " " for q in self.vocabulary["title_qualifiers"])
        self.title_heading_start = re.compile(
            r"^\s*(?:" + trie_regex(self.title_headings) + r")\s+(?=\S)", re.IGNORECASE
        ) if self.title_headings else None
        words = self.vocabulary
        # honorifics before a name, a bilingual pair too ("Cynghorydd / Councillor Dafydd Jones")
        self.honorific = re.compile(r"^(?:(?:" + words_pattern(words["honorifics"]) + r")\.?(?:\s*/\s*|\s+))+", re.IGNORECASE)
        self.role_words = frozenset(w.lower() for w in words["role_words"])
        self.member_role = any_word(words["member_roles"], re.IGNORECASE)
        self.decision_series = _compile(words["decision_series"], "vocabulary.decision_series")
        self.expired_marks = _compile(words["expired_marks"], "vocabulary.expired_marks")
        self.none_phrases = _compile(words["none_phrases"], "vocabulary.none_phrases")
        self.proposal_phrases = _compile(words["proposal_phrases"], "vocabulary.proposal_phrases")
        self.option_words = any_word(words["option_words"], re.IGNORECASE)
        self.yes = re.compile(r"^(?:" + words_pattern(words["yes_words"]) + r")\b", re.IGNORECASE)
        self.no = re.compile(r"^(?:" + words_pattern(words["no_words"]) + r")\b", re.IGNORECASE)
        self.heading_words = frozenset(w.lower() for w in words["heading_words"])
        self.role_heads = tuple(label_key(w) for w in words["role_heads"])
        self._role_head_starts = tuple(f"{head} " for head in self.role_heads)
        self.connector_words = frozenset(w.lower() for w in words["connector_words"])
        self.name_particles = frozenset(w.lower() for w in words["name_particles"])
        self.title_small_words = frozenset(w.lower() for w in words["title_small_words"])
        signature = words_pattern(words["signature_words"])
        # a line of signature furniture: dotted or ruled space, or a word such as "Signed" alone
        self.signature_rule = re.compile(rf"^\s*(?:[.…_][.…_\s]{{5,}}|(?:{signature})(?:\s+(?:{signature}))?)\s*$", re.IGNORECASE)
        self.ticked_marks = frozenset(mark.lower() for mark in words["ticked_marks"])  # "[x]" and "[X]" are one mark
        self.decision_verb = any_word(words["decision_verbs"])
        self.cms_suffix = _compile(words["cms_suffixes"], "vocabulary.cms_suffixes")
        self.sentence_openers = frozenset(w.lower() for w in words["sentence_openers"])
        self.heading_qualifiers = tuple(label_key(q) for q in words["heading_qualifiers"])
        self._conjunctions = frozenset(w.lower() for w in words["conjunctions"])
        self.lead_in_verbs = tuple(w.lower() for w in words["lead_in_verbs"])
        self.resolution_phrases = _compile(words["resolution_phrases"], "vocabulary.resolution_phrases")
        self.reason_openers = tuple(w.lower() for w in words["reason_openers"])
        self.decision_infinitives = tuple(w.lower() for w in words["decision_infinitives"])
        self.option_openers = tuple(w.lower() for w in words["option_openers"])
        self.question_words = frozenset(w.lower() for w in words["question_words"])
        self.running_text_words = frozenset(w.lower() for w in words["running_text_words"])
        self.head_breaks = frozenset(w.lower() for w in words["head_breaks"])
        self._cue_weights = _cue_weights(self.fields.values())
        self._classified: dict[str, FieldSpec | None] = {}  # classify() is pure and labels recur

    # LabelHints (extractor/document.py): what a reader may ask about labels, without loading a profile
    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool:
        """The line is a known label and nothing else ("Reason for the Decision", "Decision Maker:")."""
        match = self.line_start.match(line)
        if match is None or match.end() < len(line.rstrip()):
            return False
        return not separator_required or ":" in match.group("sep")

    def starts_run_in_label(self, line: str) -> bool:
        """The line opens with a label run into its value without a separator ("Signed J Anderson")."""
        return bool(self.bare_start and self.bare_start.match(line))

    def opens_with_role(self, label: str) -> bool:
        """A phrase that opens with a role's head ("Head of Legal Services", "Director of Finance")."""
        key = label_key(label)
        return key in self.role_heads or key.startswith(self._role_head_starts)

    def is_title_heading(self, line: str) -> bool:
        """Whether a line is a page or record heading: it ends with one ("KENT COUNTY COUNCIL – RECORD
        OF DECISION"), or opens with one and goes on only to say how the decision was taken ("RECORD
        OF DECISION TAKEN UNDER DELEGATED POWERS", vocabulary.title_qualifiers)."""
        key = label_key(line)
        words = key.rsplit(None, 1)
        if words and words[-1] in self._title_last_words and any(key == h or key.endswith(" " + h) for h in self._title_keys):
            return True
        if not key.startswith(self._title_starts):
            return False
        opening = next(h for h in self._title_keys if key.startswith(h + " "))
        return (key[len(opening) + 1 :] + " ").startswith(self._title_qualifiers)

    def prose_for(self, key: str, text: str) -> list[re.Pattern]:
        """The profile's `key` phrases that capture a value and could match `text`, in order. One whose
        words are not in the text (extractor/prefilter.py) could not match: it is left out unscanned."""
        patterns = self.prose.get(key)
        if not patterns:
            return []
        folded = fold(text)
        return [pattern for pattern, needs in zip(patterns, self._prose_needs[key], strict=True)
                if needs is None or any(word in folded for word in needs)]

    def find_phrase(self, key: str, text: str, accept=lambda match: True) -> re.Match | None:
        """The first acceptable match in `text` of any of the profile's `key` phrases."""
        search = self.phrase_search.get(key)
        pattern = search.pattern_for(fold(text)) if search else None
        return next((m for m in pattern.finditer(text) if accept(m)), None) if pattern else None

    def classify(self, label: str) -> FieldSpec | None:
        """The group a label means when it is no exact synonym ("Decision by", "Officer making
        decision", "Is Allweddol decision"), or None when no group's cues say so clearly.

        Each group's cues are word stems that must all occur in the label (a stem of four letters or
        more also matches the words it begins; "-word" means the word must not occur). A cue scores
        the sum of its words' weights: a word used by the cues of few groups ("maker", "reason")
        weighs more than one many share ("decision", "date"), and a word before the label's first
        preposition (its head: "Reasons" in "Reasons for the decision") half as much again. The best
        group must outscore every other; groups that only count after another's label (`follows`)
        are never chosen by meaning, nor, for a label put as a question, groups whose answer is not
        yes or no (`questions`)."""
        if label not in self._classified:
            if len(self._classified) >= _CLASSIFIED_KEPT:
                self._classified.clear()
            self._classified[label] = self._classify(label)
        return self._classified[label]

    def classify_head(self, label: str) -> FieldSpec | None:
        """What the head of a label alone means, its words up to the first that ends a head
        ("Reason | for outcome"); None when it has no head apart from the whole."""
        words = label_key(re.sub(r"[^\w\s'-]", " ", label)).split()
        end = self._head_end(words)
        return self.classify(" ".join(words[:end])) if end < len(words) else None

    def _head_end(self, words: list[str]) -> int:
        """Where a label's head ends: at its first word (after the first) that breaks a head."""
        return next((i for i, w in enumerate(words) if i and w in self.head_breaks), len(words))

    def _classify(self, label: str) -> FieldSpec | None:
        if label_key(label) in self.unlabels:
            return None
        words = label_key(re.sub(r"[^\w\s'-]", " ", label)).replace("'", "").split()
        if not words:
            return None
        head_end = self._head_end(words)
        question = words[0] in self.question_words  # "Is the Decision Maker aware ...?" asks yes or no
        scores: dict[str, float] = {}
        for spec in self.fields.values():
            if spec.follows or not spec.cues or (question and not spec.questions and spec.kind != "stop"):
                continue
            best = max((self._cue_score(cue, words, head_end) for cue in spec.cues), default=0.0)
            if best > 0:
                scores[spec.name] = best
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        heading_on_top = any(self.fields[name].kind == "stop" and score >= ranked[0][1] - 1e-9 for name, score in ranked)
        if heading_on_top and ("/" in label or any(w in self._conjunctions for w in words)):
            # "Background and reasons", "Reasons for Decision / Background": a heading joining a
            # field's words to another heading's heads that field's section (its text holds the
            # field), whatever the other words weigh
            fields = [item for item in ranked if self.fields[item[0]].kind != "stop"]
            if fields and (len(fields) == 1 or fields[0][1] - fields[1][1] >= 1e-9):
                return self.fields[fields[0][0]]
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 1e-9:
            return None
        return self.fields[ranked[0][0]]

    def _cue_score(self, cue: tuple[str, ...], words: list[str], head_end: int) -> float:
        score = 0.0
        taken: set[int] = set()
        for stem in cue:
            if stem.startswith("-"):
                if any(_stem_matches(stem[1:], w) for w in words):
                    return 0.0
                continue
            index = next((i for i, w in enumerate(words) if i not in taken and _stem_matches(stem, w)), None)
            if index is None:
                return 0.0
            taken.add(index)
            score += self._cue_weights.get(stem, 1.0) * (1.5 if index < head_end else 1.0)
        return score

    def specs_for(self, label_text: str) -> list[FieldSpec]:
        return self.labels.get(label_key(label_text), [])

    def date_groups(self) -> list[FieldSpec]:
        """Every label group that names a date, built-in or added by a council profile."""
        return [spec for spec in self.fields.values() if spec.date_kind is not None]


# Labels whose meaning is remembered (a batch meets the same few hundred again and again).
_CLASSIFIED_KEPT = 50_000


def _stem_matches(stem: str, word: str) -> bool:
    return word == stem or (len(stem) >= 4 and word.startswith(stem))


def _cue_weights(specs: Iterable[FieldSpec]) -> dict[str, float]:
    """1 / the number of groups whose cues use a word: 'decision' (many groups) weighs little."""
    users: dict[str, set[str]] = {}
    for spec in specs:
        for cue in spec.cues:
            for stem in cue:
                if not stem.startswith("-"):
                    users.setdefault(stem, set()).add(spec.name)
    return {stem: 1.0 / len(names) for stem, names in users.items()}


def _build(resolved: _Resolved) -> Profile:
    _check_claims(resolved)
    fields: dict[str, FieldSpec] = {}
    labels: dict[str, list[FieldSpec]] = {}
    for name, group in resolved.groups.items():
        spec = FieldSpec(name, group["kind"], group["bare"], tuple(group["follows"]), group["date_kind"],
                         tuple(tuple(cue.lower().split()) for cue in group["cues"]), group["questions"])
        fields[name] = spec
        for label in group["labels"]:
            candidates = labels.setdefault(label_key(label), [])
            if spec not in candidates:
                candidates.append(spec)
    for candidates in labels.values():
        candidates.sort(key=lambda s: not s.follows)
    # Phrases that capture a value are tried one by one; the others (flags) are searched as one
    # alternation: one pass over the text.
    captures = {k: v for k, v in resolved.prose.items() if any("(?P<" in p for p in v)}
    prose = {k: _compile(v, f"prose.{k}", re.IGNORECASE | re.MULTILINE) for k, v in captures.items()}
    flags = {}
    for key, patterns in resolved.prose.items():
        if patterns and key not in captures:
            _compile(patterns, f"prose.{key}")  # name the culprit before joining them
            flags[key] = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)
    searches = {key: PhraseSearch(list(resolved.prose[key]), pattern.flags) for key, pattern in flags.items()}
    return Profile(
        fields=fields,
        labels=labels,
        title_headings=resolved.title_headings,
        prose=prose,
        date_phrases={k: _compile(v, f"prose.date_phrases.{k.value}") for k, v in resolved.date_phrases.items()},
        vocabulary=resolved.vocabulary,
        decision_types=[(p, kind) for kind, patterns in resolved.decision_types.items()
                        for p in _compile(patterns, f"vocabulary.decision_types.{kind.value}")],
        settings=Settings(**resolved.settings),
        phrases=flags,
        phrase_search=searches,
        unlabels=frozenset(resolved.unlabels - set(labels)),
        heading_patterns=[(pattern, fields[name]) for name, group in resolved.groups.items()
                          for pattern in _compile(group["patterns"], f"fields.{name}.patterns", re.IGNORECASE)],
        council=resolved.council,
        keywords=tuple(resolved.keywords),
        sources=resolved.sources,
    )


def _builtin() -> _Resolved:
    resolved = _Resolved()
    _merge(resolved, parse_profile(_read_toml(BUILTIN_PROFILE), str(BUILTIN_PROFILE)), str(BUILTIN_PROFILE), builtin=True)
    missing = [k for k in VocabularySpec.model_fields if k != "decision_types" and not resolved.vocabulary.get(k)]
    if missing:
        raise ProfileError(f"{BUILTIN_PROFILE}: vocabulary.{missing[0]} is missing or empty")
    return resolved


def _overlaid(base: _Resolved, files: Sequence[tuple[ProfileFile, str]]) -> Profile:
    resolved = copy.deepcopy(base)
    for spec, source in files:
        _merge(resolved, spec, source, builtin=False)
    try:
        return _build(resolved)
    except ProfileError as exc:
        sources = ", ".join(source for _, source in files) or str(BUILTIN_PROFILE)
        raise ProfileError(f"{sources}: {exc}") from None


def _profile_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Profile files, a folder standing for every .toml file in it (sorted)."""
    out: list[Path] = []
    for path in map(Path, paths):
        out.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return out


@lru_cache(maxsize=16)
def load_profile(*paths: str) -> Profile:
    """The built-in profile with each given profile laid over it, in order (match rules ignored)."""
    files = [(parse_profile(_read_toml(p), str(p)), str(p)) for p in _profile_paths(paths)]
    return _overlaid(_builtin(), files)


@dataclass
class ProfileSet:
    """The profiles of a run: one that holds for every document, and council profiles chosen by
    their `[match] keywords` for the documents that mention them.

    Profiles without `[match]` are laid over the built-in one, in order, for every document; each
    profile with `[match]` is laid over that result on its own, and applies to a document whose
    text contains one of its keywords (the one with most distinct keywords found; the first given
    on a tie)."""

    base: Profile
    councils: list[Profile] = field(default_factory=list)

    @classmethod
    def load(cls, paths: Iterable[str | Path] = ()) -> ProfileSet:
        files = [(parse_profile(_read_toml(p), str(p)), str(p)) for p in _profile_paths(paths)]
        common = [(spec, source) for spec, source in files if spec.match is None]
        builtin = _builtin()
        base = _overlaid(builtin, common)
        councils = [_overlaid(builtin, [*common, (spec, source)]) for spec, source in files if spec.match is not None]
        return cls(base, councils)

    def for_text(self, text: str) -> Profile:
        if not self.councils:
            return self.base
        folded = text.casefold()
        best, best_hits = self.base, 0
        for profile in self.councils:
            hits = sum(1 for keyword in profile.keywords if keyword.casefold() in folded)
            if hits > best_hits:
                best, best_hits = profile, hits
        return best

    @property
    def hints(self) -> LabelHints:
        """What readers ask about labels before the document is known: any of the run's profiles."""
        return _AnyProfile(self.all)

    @property
    def all(self) -> list[Profile]:
        return [self.base, *self.councils]


@dataclass(frozen=True)
class _AnyProfile:
    """LabelHints answered yes when any of the profiles says yes."""

    profiles: Sequence[Profile]

    def is_standalone_label(self, line: str, *, separator_required: bool = False) -> bool:
        return any(p.is_standalone_label(line, separator_required=separator_required) for p in self.profiles)

    def starts_run_in_label(self, line: str) -> bool:
        return any(p.starts_run_in_label(line) for p in self.profiles)

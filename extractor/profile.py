"""Profiles: label synonyms, section names and prose patterns as data (TOML).

The built-in `labels.toml` is itself a profile; a council's own profile is merged onto it, its lists
added to the built-in ones, so a user teaches odr a new template without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models import ErrorKind

from .errors import ExtractionFailure

BUILTIN_PROFILE = Path(__file__).with_name("labels.toml")
FIELD_KINDS = ("line", "block", "stop")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    bare: bool = False
    follows: tuple[str, ...] = ()  # the fields whose label this one must come just after
    date_kind: str | None = None


def label_key(text: str) -> str:
    """The form labels are compared in: case, dashes and runs of whitespace folded."""
    return " ".join(re.sub(r"[-–—]", " ", text.lower()).split())


def _trie_regex(labels: list[str]) -> str:
    """One regex matching any label, longest first, built as a word trie so a line is tested
    against hundreds of labels in one pass instead of one alternative at a time."""
    trie: dict = {}
    for label in labels:
        node = trie
        for word in label_key(label).split():
            node = node.setdefault(word, {})
        node[""] = {}

    def emit(node: dict) -> str:
        words = sorted((w for w in node if w), key=len, reverse=True)
        if not words:
            return ""
        alternatives = []
        for word in words:
            escaped = re.escape(word).replace(r"\ ", " ")
            boundary = r"(?!\w)" if word[-1].isalnum() else ""
            rest = emit(node[word])
            if rest:
                rest = rf"(?:[\s\-–]+{rest})" + ("?" if "" in node[word] else "")
            alternatives.append(escaped + boundary + rest)
        return "(?:" + "|".join(alternatives) + ")"

    return emit(trie)


@dataclass
class Profile:
    fields: dict[str, FieldSpec]
    labels: dict[str, list[FieldSpec]]  # label_key -> candidate fields, constrained ones first
    title_headings: list[str]
    prose: dict[str, list[re.Pattern]]  # phrases that capture a `value` (reference, subject, ...)
    date_phrases: dict[str, list[re.Pattern]]
    names: dict[str, list]
    phrases: dict[str, re.Pattern] = field(default_factory=dict)  # flag phrases, one pattern per key
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        every = sorted(self.labels)
        alternation = _trie_regex(every)
        bare = sorted(k for k, specs in self.labels.items() if any(s.bare for s in specs))
        # A leading section number ("3.", "3.1", "(a)", "iv)") or bullet may precede a label.
        number = r"(?:(?:\d+(?:\.\d+)*[.)]?|\(?[a-z]\)|\(?[ivx]+[.)]|[-•*·])\s+)?"
        paren = r"(?P<paren>\s*\*?\([^)\n]{0,80}\)\*?)?"
        self.line_start = re.compile(
            rf"^\s*{number}(?P<label>{alternation}){paren}"
            # a question ends a label by itself: "Is this a Key Decision? Yes"
            r"(?P<sep>\s*(?::-|:|\||[-–](?=\s|$)|\t)[ \t]*|[ \t]{2,}|\s*$|(?<=\?)[ \t]+(?=\S))",
            re.IGNORECASE,
        )
        self.bare_start = re.compile(
            rf"^\s*(?P<label>{_trie_regex(bare)})(?P<paren>)(?P<sep>[ \t]+)(?=\S)", re.IGNORECASE
        ) if bare else None
        # A form printed without separators ("Decision Maker Cabinet Member for Housing"): a
        # line label of two words or more, then a capital or a digit.
        run_in = sorted(k for k, specs in self.labels.items() if " " in k and any(s.kind == "line" for s in specs))
        self.run_in_start = re.compile(
            rf"^\s*(?P<label>{_trie_regex(run_in)})(?P<paren>)(?P<sep>[ \t]+)(?-i:(?=[A-Z0-9]))", re.IGNORECASE
        )
        self.mid_line = re.compile(
            rf"(?-i:(?=[A-Z]))(?<=[\s\]\)])(?P<label>{alternation}){paren}(?P<sep>[ \t]*(?::-|:)[ \t]*|[ \t]*$)", re.IGNORECASE
        )
        self._title_keys = tuple(sorted({label_key(h) for h in self.title_headings}, key=len, reverse=True))
        self._title_last_words = frozenset(key.rsplit(None, 1)[-1] for key in self._title_keys)
        self.title_heading_start = re.compile(
            r"^\s*(?:" + _trie_regex(self.title_headings) + r")\s+(?=\S)", re.IGNORECASE
        ) if self.title_headings else None
        self.honorific = re.compile(
            r"^(?:(?:" + "|".join(re.escape(h) for h in sorted(self.names["honorifics"], key=len, reverse=True))
            + r")\.?\s+)+",
            re.IGNORECASE,
        )
        self.role_words = frozenset(w.lower() for w in self.names["role_words"])
        self.member_role = re.compile(
            r"\b(?:" + "|".join(re.escape(r) for r in self.names["member_roles"]) + r")\b", re.IGNORECASE
        )
        self.portfolio_patterns = [re.compile(p, re.IGNORECASE) for p in self.names["portfolio_patterns"]]
        self.none_phrases = [re.compile(p, re.IGNORECASE) for p in self.names["none_phrases"]]
        self.proposal_phrases = [re.compile(p, re.IGNORECASE) for p in self.names["proposal_phrases"]]

    def ends_with_title_heading(self, line: str) -> bool:
        """Whether a line ends with a page or record heading ("KENT COUNTY COUNCIL – RECORD OF DECISION")."""
        words = line.rsplit(None, 1)
        if not words or words[-1].lower() not in self._title_last_words:
            return False
        key = label_key(line)
        return any(key == h or key.endswith(" " + h) for h in self._title_keys)

    def find_phrase(self, key: str, text: str, accept=lambda match: True) -> re.Match | None:
        """The first acceptable match in `text` of any of the profile's `key` phrases."""
        pattern = self.phrases.get(key)
        return next((m for m in pattern.finditer(text) if accept(m)), None) if pattern else None

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

    def specs_for(self, label_text: str) -> list[FieldSpec]:
        return self.labels.get(label_key(label_text), [])


def _merge(base: dict, extra: dict) -> dict:
    """Lists are extended, tables merged recursively, scalars replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtractionFailure(ErrorKind.not_found, "profile not found", path=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ExtractionFailure(ErrorKind.corrupt, f"profile is not valid TOML ({exc})", path=str(path)) from None


def build_profile(data: dict, sources: list[str]) -> Profile:
    fields: dict[str, FieldSpec] = {}
    labels: dict[str, list[FieldSpec]] = {}
    for name, table in data.get("fields", {}).items():
        kind = table.get("kind", "line")
        if kind not in FIELD_KINDS:
            raise ExtractionFailure(ErrorKind.corrupt, f"field {name!r}: kind must be one of {FIELD_KINDS}")
        follows = table.get("follows", ())
        follows = (follows,) if isinstance(follows, str) else tuple(follows)
        spec = FieldSpec(name, kind, bool(table.get("bare")), follows, table.get("date_kind"))
        fields[name] = spec
        for label in table.get("labels", []):
            labels.setdefault(label_key(label), []).append(spec)
    for candidates in labels.values():
        candidates.sort(key=lambda s: not s.follows)
    prose_table = dict(data.get("prose", {}))
    date_phrases = prose_table.pop("date_phrases", {})
    try:
        # Phrases that capture a value are tried one by one; the others (flags) are searched as one
        # alternation: one pass over the text.
        captures = {k: v for k, v in prose_table.items() if any("(?P<" in p for p in v)}
        prose = {k: [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in v] for k, v in captures.items()}
        flags = {
            k: re.compile("|".join(f"(?:{p})" for p in v), re.IGNORECASE | re.MULTILINE)
            for k, v in prose_table.items()
            if v and k not in captures
        }
        phrases = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in date_phrases.items()}
    except re.error as exc:
        raise ExtractionFailure(ErrorKind.corrupt, f"profile has an invalid pattern ({exc})") from None
    return Profile(
        fields=fields,
        labels=labels,
        title_headings=data.get("subject", {}).get("title_headings", []),
        prose=prose,
        date_phrases=phrases,
        names=data.get("names", {}),
        phrases=flags,
        sources=sources,
    )


@lru_cache(maxsize=16)
def load_profile(*paths: str) -> Profile:
    """The built-in profile with each given profile merged onto it, in order."""
    data = _read_toml(BUILTIN_PROFILE)
    for path in paths:
        data = _merge(data, _read_toml(Path(path)))
    return build_profile(data, [str(BUILTIN_PROFILE), *paths])

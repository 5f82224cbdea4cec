"""Field-by-field precision, recall and F1 against gold annotations (DIR/gold.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import DecisionRecord

from .errors import ExtractionFailure

# Gold `other_dates` keys name roles in words; records use DateKind values.
GOLD_DATE_KINDS = {
    "signed": "signed",
    "publication": "published",
    "published": "published",
    "effective_from": "effective",
    "comes_into_force": "effective",
    "comes_into_force_if_not_called_in": "effective",
    "call_in_deadline": "call_in_expiry",
    "call_in_expiry": "call_in_expiry",
    "cabinet_committee_consideration": "meeting",
    "cabinet_meeting": "meeting",
}


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.replace("’", "'").split()).casefold()
    return value


def _person(record: DecisionRecord, part: str, attr: str):
    person = getattr(record, part)
    return getattr(person, attr) if person else None


def _decision_type(record: DecisionRecord):
    return record.decision_type.value if record.decision_type else None


def _gold_decision_type(value):
    return value.lower().replace("-", "_").replace(" ", "_") if value else None


# field -> (value from a record, value from a gold row)
SCALAR_FIELDS: dict[str, tuple[Callable, Callable]] = {
    "reference": (lambda r: r.reference, lambda g: g.get("reference")),
    "subject": (lambda r: r.subject, lambda g: g.get("subject")),
    "decision_maker_name": (lambda r: _person(r, "decision_maker", "name"), lambda g: g.get("decision_maker_name")),
    "decision_maker_title": (lambda r: _person(r, "decision_maker", "title"), lambda g: g.get("decision_maker_title")),
    "executive_member": (lambda r: _person(r, "executive_member", "name"), lambda g: g.get("executive_member")),
    "portfolio": (lambda r: _person(r, "executive_member", "portfolio"), lambda g: g.get("portfolio")),
    "key_decision": (lambda r: r.key_decision, lambda g: g.get("key_decision")),
    "decision_type": (_decision_type, lambda g: _gold_decision_type(g.get("decision_type"))),
    "decision_date": (lambda r: r.decision_date.isoformat() if r.decision_date else None, lambda g: g.get("decision_date")),
    "exempt_information": (
        lambda r: r.exempt_information.exempt if r.exempt_information else None,
        lambda g: g.get("exempt_information"),
    ),
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=dict)
    mismatches: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    documents: int = 0

    def micro(self) -> Score:
        total = Score()
        for s in self.scores.values():
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        return total

    def table(self) -> str:
        rows = [f"{'field':22} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
        for name, s in list(self.scores.items()) + [("micro average", self.micro())]:
            rows.append(f"{name:22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4} {s.fp:3} {s.fn:3}")
        rows.append(f"{self.documents} documents, {len(self.failures)} unreadable")
        return "\n".join(rows)


def _score_scalar(score: Score, expected, got) -> bool:
    expected, got = _fold(expected), _fold(got)
    if expected is None and got is None:
        return True
    if expected is not None and got == expected:
        score.tp += 1
        return True
    if got is not None:
        score.fp += 1
    if expected is not None:
        score.fn += 1
    return False


def _score_items(score: Score, expected: list | None, got: list | None) -> bool:
    """Lists item by item; an empty list ('the record says none') counts as one item of its own."""
    expected_items = None if expected is None else ([_fold(x) for x in expected] or ["<none>"])
    got_items = None if got is None else ([_fold(x) for x in got] or ["<none>"])
    exp, pred = list(expected_items or []), list(got_items or [])
    matched = 0
    for item in pred:
        if item in exp:
            exp.remove(item)
            matched += 1
    score.tp += matched
    score.fp += len(pred) - matched
    score.fn += len(exp)
    return not exp and matched == len(pred)


def _other_dates(record: DecisionRecord) -> list[str]:
    return sorted({f"{d.kind.value}={d.value.isoformat()}" for d in record.dates if d.kind.value != "decision"})


def _gold_other_dates(gold: dict) -> list[str]:
    return sorted(
        {f"{GOLD_DATE_KINDS.get(k, 'other')}={v}" for k, v in (gold.get("other_dates") or {}).items()}
    )


def evaluate(directory: str | Path, extract: Callable[[Path], DecisionRecord]) -> Report:
    directory = Path(directory)
    report = Report()
    names = list(SCALAR_FIELDS) + ["other_dates", "rejected_options"]
    report.scores = {name: Score() for name in names}
    for line in (directory / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        report.documents += 1
        try:
            record = extract(directory / gold["file"])
        except ExtractionFailure as failure:
            report.failures.append(failure.one_line())
            record = None
        for name in names:
            if name in SCALAR_FIELDS:
                get, expect = SCALAR_FIELDS[name]
                expected, got = expect(gold), get(record) if record else None
                ok = _score_scalar(report.scores[name], expected, got)
            elif name == "other_dates":
                expected, got = _gold_other_dates(gold), _other_dates(record) if record else []
                ok = _score_items(report.scores[name], expected or None, got or None)
            else:
                expected, got = gold.get("rejected_options"), record.rejected_options if record else None
                ok = _score_items(report.scores[name], expected, got)
            if not ok:
                report.mismatches.append((gold["file"], name, expected, got))
    return report


def mismatch_lines(report: Report) -> list[str]:
    return [
        f"{file}  {name}\n    expected: {json.dumps(exp, ensure_ascii=False)}\n    got:      {json.dumps(got, ensure_ascii=False)}"
        for file, name, exp, got in report.mismatches
    ]

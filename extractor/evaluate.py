"""Field-by-field precision, recall and F1 against gold annotations (DIR/gold.jsonl, or --gold FILE).

What is scored and how comes from the field registry (`registry.SCORES`): each score reads a value
off the record and one off the gold line and compares them exactly (strings after whitespace and
case folding), item by item (lists), or by similarity (section texts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import DecisionRecord

from .errors import ExtractionFailure
from .registry import SCORES, Score, similar


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.replace("’", "'").split()).casefold()
    return value


@dataclass
class Tally:
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

    def add(self, other: Tally) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Report:
    scores: dict[str, Tally] = field(default_factory=dict)
    mismatches: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    documents: int = 0
    by_council: dict[str, dict[str, Tally]] = field(default_factory=dict)
    council_documents: dict[str, int] = field(default_factory=dict)

    def micro(self, scores: dict[str, Tally] | None = None) -> Tally:
        total = Tally()
        for tally in (self.scores if scores is None else scores).values():
            total.add(tally)
        return total

    def table(self) -> str:
        rows = [f"{'field':22} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
        for name, s in [*self.scores.items(), ("micro average", self.micro())]:
            rows.append(f"{name:22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4} {s.fp:3} {s.fn:3}")
        rows.append(f"{self.documents} documents, {len(self.failures)} unreadable")
        return "\n".join(rows)

    def council_table(self) -> str:
        """One row per council (gold `council`): its documents and micro scores, weakest first."""
        rows = [f"{'council':44} {'docs':>4} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
        totals = {council: self.micro(scores) for council, scores in self.by_council.items()}
        for council, s in sorted(totals.items(), key=lambda item: (item[1].f1, item[0])):
            rows.append(f"{council[:44]:44} {self.council_documents[council]:4} {s.precision:6.3f} {s.recall:6.3f} "
                        f"{s.f1:6.3f} {s.tp:4} {s.fp:3} {s.fn:3}")
        return "\n".join(rows)


def _compare(score: Score, tally: Tally, expected: Any, got: Any) -> bool:
    if score.compare == "items":
        return _compare_items(tally, expected, got)
    if score.compare == "similar":
        same = expected is not None and got is not None and similar(str(expected), str(got))
    else:
        same = expected is not None and _fold(got) == _fold(expected)
    if expected is None and got is None:
        return True
    if same:
        tally.tp += 1
        return True
    if got is not None:
        tally.fp += 1
    if expected is not None:
        tally.fn += 1
    return False


def _compare_items(tally: Tally, expected: list | None, got: list | None) -> bool:
    """Lists item by item; an empty list ('the record says none') counts as one item of its own."""
    expected_items = None if expected is None else ([_fold(x) for x in expected] or ["<none>"])
    got_items = None if got is None else ([_fold(x) for x in got] or ["<none>"])
    left, predicted = list(expected_items or []), list(got_items or [])
    matched = 0
    for item in predicted:
        if item in left:
            left.remove(item)
            matched += 1
    tally.tp += matched
    tally.fp += len(predicted) - matched
    tally.fn += len(left)
    return not left and matched == len(predicted)


def read_gold(path: Path) -> list[dict]:
    """The gold annotations, one JSON object a line; ValueError names the line that is not one."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"line {number} is not JSON ({exc})") from None
        if not isinstance(row, dict) or "file" not in row:
            raise ValueError(f"line {number} has no \"file\"")
        rows.append(row)
    return rows


def evaluate(directory: str | Path, extract: Callable[[Path], DecisionRecord], *, gold: str | Path | None = None,
             scores: Iterable[Score] = SCORES) -> Report:
    """Score `extract` on every document of a gold file (DIR/gold.jsonl unless `gold` names one);
    the documents' paths are relative to DIR."""
    directory = Path(directory)
    scores = tuple(scores)
    report = Report(scores={score.name: Tally() for score in scores})
    for row in read_gold(Path(gold) if gold else directory / "gold.jsonl"):
        report.documents += 1
        council = str(row.get("council") or "(no council)")
        per_council = report.by_council.setdefault(council, {score.name: Tally() for score in scores})
        report.council_documents[council] = report.council_documents.get(council, 0) + 1
        try:
            record: DecisionRecord | None = extract(directory / row["file"])
        except ExtractionFailure as failure:
            report.failures.append(failure.one_line())
            record = None
        for score in scores:
            expected, got = score.expected(row), score.got(record) if record else None
            mine = Tally()
            ok = _compare(score, mine, expected, got)
            report.scores[score.name].add(mine)
            per_council[score.name].add(mine)
            if not ok:
                report.mismatches.append((row["file"], score.name, expected, got))
    return report


def mismatch_lines(report: Report) -> list[str]:
    return [
        f"{file}  {name}\n    expected: {json.dumps(exp, ensure_ascii=False)}\n    got:      {json.dumps(got, ensure_ascii=False)}"
        for file, name, exp, got in report.mismatches
    ]

"""The flat columns of a record, derived from the pydantic model: one list for CSV, SQLite, the
Datasette metadata and the README's data dictionary, so a field added to the model is a column
everywhere without touching this file.

How a record becomes a row:
* a nested model (`decision_maker`) becomes one column per part (`decision_maker_name`, ...);
* `decision_date` also gives `decision_year` (an integer) and `decision_month` (`YYYY-MM`);
* `dates` gives one column per date kind (`published_date`, `call_in_expiry_date`, ...: the first date
  of that kind) besides the full list (CSV: joined; SQLite: the `dates` table);
* a list of strings is joined with " | " in CSV and stored as a JSON array in SQLite;
  `rejected_options_count` keeps "no such section" (empty) apart from "none" (0);
* `source` gives `sha256`, `path` and `source_*`; evidence is a table of its own in SQLite.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass

from pydantic import BaseModel

from models import DateKind, DecisionRecord, SourceInfo

JOINER = " | "
# Date kinds that get no column of their own: `decision` is decision_date; `other` has no one meaning.
_NO_DATE_COLUMN = (DateKind.decision, DateKind.other)


@dataclass(frozen=True)
class Column:
    name: str
    kind: type          # str, int or float: the SQLite type (bool is stored as text 'true'/'false')
    description: str
    csv: bool = True
    db: bool = True     # a column of the SQLite `decisions` table


def _unwrap(annotation):
    """Optional[X] -> X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def kind_of(annotation) -> type:
    """The column type of a model field: int, float or str."""
    kind = _unwrap(annotation)
    if isinstance(kind, type) and not issubclass(kind, bool | enum.Enum):
        if issubclass(kind, int):
            return int
        if issubclass(kind, float):
            return float
    return str  # text, dates, enums, booleans ('true'/'false') and lists (JSON)


def _describe(info) -> str:
    return info.description or ""


def record_columns() -> list[Column]:
    """Every column a record fills, in the model's order."""
    columns = [Column("sha256", str, "SHA-256 of the file's bytes: one record per content"),
               Column("path", str, "the input file's path as given")]
    for name, info in DecisionRecord.model_fields.items():
        kind = _unwrap(info.annotation)
        if name in ("source", "evidence", "schema_version"):
            continue
        if _is_model(kind):
            for sub, sub_info in kind.model_fields.items():
                columns.append(Column(f"{name}_{sub}", kind_of(sub_info.annotation), f"{_describe(info)}: {_describe(sub_info)}"))
        elif name == "dates":
            columns += [Column(f"{k.value}_date", str, f"the first {k.value.replace('_', ' ')} date the record gives (ISO)")
                        for k in DateKind if k not in _NO_DATE_COLUMN]
            columns.append(Column("dates", str, "every date as 'kind value (label as printed)', joined with ' | ' "
                                  "(SQLite: the dates table)", db=False))
        else:
            columns.append(Column(name, kind_of(info.annotation), _describe(info)))
        if name == "decision_date":
            columns += [Column("decision_year", int, "the year of decision_date"),
                        Column("decision_month", str, "the month of decision_date, YYYY-MM")]
        if name == "rejected_options":
            columns.append(Column("rejected_options_count", int, "number of rejected options; empty when the record has no such section"))
    columns += [Column(f"source_{name}", kind_of(info.annotation), _describe(info))
                for name, info in SourceInfo.model_fields.items() if name not in ("path", "sha256")]
    columns.append(Column("schema_version", str, _describe(DecisionRecord.model_fields["schema_version"])))
    return columns


RECORD_COLUMNS = record_columns()
CSV_COLUMNS = [Column("status", str, "record, error or duplicate", db=False),
               *[c for c in RECORD_COLUMNS if c.csv],
               Column("error_kind", str, "an error entry's kind (see Bad input)", db=False),
               Column("error_message", str, "an error entry's one-line message", db=False),
               Column("same_as", str, "a duplicate entry: the path whose record or error has the same bytes", db=False)]
DB_COLUMNS = [c for c in RECORD_COLUMNS if c.db]


def _date_text(item: dict) -> str:
    return f"{item['kind']} {item['value']} ({item['label']})"


def record_row(record: dict) -> dict:
    """A record in its JSON form -> column -> value (lists still lists; booleans still booleans)."""
    source = record.get("source") or {}
    row: dict = {"sha256": source.get("sha256"), "path": source.get("path"), "schema_version": record.get("schema_version")}
    row.update({f"source_{k}": v for k, v in source.items() if k not in ("path", "sha256")})
    for name, value in record.items():
        if name in ("source", "evidence", "schema_version"):
            continue
        if isinstance(value, dict):
            row.update({f"{name}_{sub}": subvalue for sub, subvalue in value.items()})
        elif name == "dates":
            skipped = {k.value for k in _NO_DATE_COLUMN}
            for item in value:
                if item["kind"] not in skipped:
                    row.setdefault(f"{item['kind']}_date", item["value"])
            row["dates"] = value
        else:
            row[name] = value
    date = row.get("decision_date")
    if date:
        row["decision_year"] = int(date[:4])
        row["decision_month"] = date[:7]
    if isinstance(row.get("rejected_options"), list):
        row["rejected_options_count"] = len(row["rejected_options"])
    return row


def joined(name: str, values: list) -> str:
    return JOINER.join(_date_text(v) if name == "dates" else str(v) for v in values)

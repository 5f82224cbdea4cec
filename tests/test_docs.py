"""The README stays in step with the code: its module map names every module there is (and no other),
every command is documented and has help, and the command reference is each command's --help.

Generated sections sit between `<!-- generated: NAME -->` and `<!-- end: NAME -->`; after changing a
command, `make docs` (python tests/test_docs.py) rewrites them and this test then passes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractor.cli import cli  # noqa: E402

README = REPO / "README.md"
HELP_WIDTH = 100


def command_help(name: str | None) -> str:
    args = [name, "--help"] if name else ["--help"]
    result = CliRunner().invoke(cli, args, prog_name="odr", terminal_width=HELP_WIDTH)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def cli_reference() -> str:
    parts = []
    for name in [None, *sorted(cli.commands)]:
        title = f"odr {name}" if name else "odr"
        parts.append(f"### `{title}`\n\n```\n{command_help(name)}\n```")
    return "\n\n".join(parts)


def data_dictionary() -> str:
    from extractor.columns import CSV_COLUMNS
    from extractor.writers import TABLES

    names = {int: "integer", float: "real", str: "text"}

    def table(columns, *, where: bool) -> list[str]:
        head = ["| column | type | in | description |", "|---|---|---|---|"] if where else [
            "| column | type | description |", "|---|---|---|"]
        rows = []
        for c in columns:
            cell = c.description.replace("|", "\\|")
            if where:
                rows.append(f"| `{c.name}` | {names[c.kind]} | {'CSV, SQLite' if c.db else 'CSV'} | {cell} |")
            else:
                rows.append(f"| `{c.name}` | {names[c.kind]} | {cell} |")
        return head + rows

    lines = ["### `decisions` (and the CSV)", "", "`id` (integer): SQLite only, the row id.", "",
             *table(CSV_COLUMNS, where=True)]
    for name, columns in TABLES.items():
        lines += ["", f"### `{name}`", "", *table(columns, where=False)]
    return "\n".join(lines)


GENERATORS = {"data-dictionary": data_dictionary, "cli-reference": cli_reference}


def _section(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {name} [^\n]*-->\n).*?(<!-- end: {name} -->)", re.S)


def rendered(text: str) -> str:
    """The README with every generated section rebuilt from the code."""
    for name, generate in GENERATORS.items():
        pattern = _section(name)
        assert pattern.search(text), f"README has no '<!-- generated: {name} -->' section"
        text = pattern.sub(lambda m, g=generate: m.group(1) + g() + "\n" + m.group(2), text)
    return text


def module_map() -> set[str]:
    """The names in the README's layout block: `extractor/` entries and `models/...` lines."""
    block = re.search(r"Layout[^\n]*\n\n```\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no Layout block"
    names = set()
    for line in block.group(1).splitlines():
        if match := re.match(r"  (\S+)\s{2,}", line):
            names.add(f"extractor/{match.group(1)}")
    return names


def test_readme_module_map_names_every_module():
    package = REPO / "extractor"
    actual = {f"extractor/{p.name}/" if p.is_dir() else f"extractor/{p.name}"
              for p in package.iterdir()
              if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix in (".py", ".toml")}
    assert module_map() == actual


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented_and_has_help(name):
    command = cli.commands[name]
    assert isinstance(command, click.Command) and command.help, f"odr {name} has no help"
    assert re.search(rf"(?m)^odr {name}\b", README.read_text(encoding="utf-8")), f"README shows no 'odr {name}' example"


def test_readme_command_reference_is_the_help_of_each_command():
    text = README.read_text(encoding="utf-8")
    assert rendered(text) == text, "README is out of date with the code: run `make docs`"


if __name__ == "__main__":
    README.write_text(rendered(README.read_text(encoding="utf-8")), encoding="utf-8")

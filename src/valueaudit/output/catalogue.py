"""``valueaudit rules`` and ``valueaudit explain``: the rule catalogue for people."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from valueaudit.output import SEVERITY_STYLE, print_whole
from valueaudit.rules import DIFF_RULES, PORTFOLIO_RULES, Rule
from valueaudit.suppress import UNSUPPRESSIBLE


def render_rules(rules: list[Rule], console: Console) -> None:
    """A table of codes, names, default severities and summaries."""
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column("code", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("summary")
    for rule in rules:
        table.add_row(
            rule.code,
            rule.name,
            Text(rule.severity.value, style=SEVERITY_STYLE[rule.severity]),
            Markdown(rule.summary),
        )
    console.print(table)
    console.print("Details of one rule: valueaudit explain CODE")


def how_to_suppress(rule: Rule) -> str:
    """Markdown: the ways to silence a rule."""
    config = (
        f"Everywhere: `--ignore {rule.code}` on the command line, or "
        f'`ignore = ["{rule.code}"]` under `[tool.valueaudit]` in `pyproject.toml`; '
        f'for some files: `per-file-ignores = {{"legacy/*" = ["{rule.code}"]}}`.'
    )
    if rule.code in UNSUPPRESSIBLE:
        return (
            "A process with this problem cannot be read, so it cannot be suppressed inside "
            f"the file. {config}"
        )
    if rule.code == "VA603":
        where = (
            "In the process file where the finding is placed (the later declaration), at "
            "process level:"
        )
    elif rule.code in PORTFOLIO_RULES:
        where = (
            "In the process file that declares the party first (in file order), at process "
            "level, since the finding is about all processes:"
        )
    elif rule.code in DIFF_RULES:
        where = "In the NEW version's process file, at process level:"
    else:
        where = (
            "In the process file, at process level (optionally for one `touchpoint`) or in "
            "a touchpoint:"
        )
    return (
        f"{where}\n\n"
        "```yaml\nsuppress:\n"
        f'  - {{rule: {rule.code}, reason: "why this is acceptable", expires: 2027-06-30}}\n'
        f"```\n\n{config}"
    )


def render_explain(rule: Rule, console: Console) -> None:
    """One rule: summary, rationale, a bad and a better example, how to suppress."""
    console.print(
        Text.assemble(
            (rule.code, "bold"),
            f" {rule.name} ",
            (f"({rule.severity.value})", SEVERITY_STYLE[rule.severity]),
        )
    )
    console.print(Markdown(rule.summary))
    console.print()
    console.print(Markdown(rule.doc))
    console.print()
    # the examples whole: wrapped in a terminal, at their own width when piped (a line of
    # YAML cut short would drop what the example is about)
    for title, example in (("Example", rule.bad), ("Better", rule.good)):
        console.print(Text(title, style="bold"))
        print_whole(
            console,
            Syntax(example, "yaml", theme="ansi_dark", background_color="default", word_wrap=True),
        )
    console.print(Text("How to suppress", style="bold"))
    console.print(Markdown(how_to_suppress(rule)))

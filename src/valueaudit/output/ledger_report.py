"""What the human portfolio formats (``text``, ``markdown``) show of the ledger, as
plain table rows; the JSON writer has every figure."""

from __future__ import annotations

from valueaudit.findings import POINTS
from valueaudit.interval import Interval
from valueaudit.numbers import interval, number, percent
from valueaudit.numbers import ratio_text as ratio_of
from valueaudit.portfolio import Disparities, EntryKey, Ledger, PartyTotals


class PortfolioPieces:
    """What every ``portfolio`` writer takes of the stream: nothing (the ledger and the
    scan-level findings come with the summary)."""

    def add(self, piece: None) -> None:
        """Take one file's (empty) piece."""


PARTY_HEADERS = (
    "party",
    "role",
    "received",
    "given",
    "ratio",
    "cost",
    "net",
    "effort h",
    "favoured",
    "losing",
    "processes",
)
GROUP_HEADERS = ("touchpoints", "disparity")
#: The columns channels and stages add: hours spent there, the cost to serve (SPEC §4.16).
SERVING_HEADERS = ("effort h", "cost to serve", "per occurrence")


def ratio_text(totals: PartyTotals) -> str:
    """The exchange ratio: ``0.5–1.2``, ``≥ 0.5`` when unbounded, ``–`` when nothing is given."""
    ratio = totals.exchange_ratio
    if ratio is None:
        return "–"
    low, high = ratio
    if high is None:
        return f"≥ {number(low)}"
    return interval(Interval(low, high))


def losing_share(totals: PartyTotals) -> float:
    """The share of its touchpoints at which a party receives the least."""
    return totals.losing / totals.touchpoints if totals.touchpoints else 0.0


def ranked_parties(ledger: Ledger) -> list[tuple[EntryKey, PartyTotals]]:
    """Parties by how often they are on the losing side (most first), then by id and
    unit."""
    return sorted(ledger.parties.items(), key=lambda item: (-losing_share(item[1]), item[0]))


def entry_name(key: EntryKey) -> str:
    """A ledger entry as tables name it: the party, with its currency when its figures
    are money (``railway (EUR)``); points, on a scale of 10, go without."""
    party, unit = key
    return party if unit == POINTS else f"{party} ({unit})"


def party_headers(ledger: Ledger) -> list[str]:
    """The parties table's columns; with ``--simulate``, how often each party's ratio is
    at or below VA601's threshold."""
    simulated = [f"P(ratio ≤ {ratio_of(ledger.threshold)})"] if ledger.samples else []
    return [*PARTY_HEADERS, *simulated]


def party_row(key: EntryKey, totals: PartyTotals, ledger: Ledger | None = None) -> list[str]:
    """One party's figures, as the tables show them (and, given the ledger of a
    simulated run, the share of draws with its ratio at or below the threshold)."""
    simulated = None if ledger is None else ledger.p_ratio_at_most(key)
    return [
        entry_name(key),
        totals.role,
        interval(totals.received, grouping=True),
        interval(totals.given, grouping=True),
        ratio_text(totals),
        interval(totals.cost, grouping=True),
        interval(totals.net, grouping=True) + ("*" if totals.not_valued else ""),
        "–" if totals.effort.high <= 0 else interval(totals.effort, grouping=True),
        str(totals.favoured),
        f"{totals.losing} of {totals.touchpoints}",
        str(totals.processes),
        *([] if simulated is None else [percent(simulated)]),
    ]


def group_tables(ledger: Ledger) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of the practices, channels and stages that have any: per
    row the touchpoints and mean disparity, and for practices the praxis counts."""
    tables = []
    for title, groups in (
        ("Practices", ledger.practices),
        ("Channels", ledger.channels),
        ("Stages", ledger.stages),
    ):
        if not groups:
            continue
        practices = title == "Practices"
        extra = ["praxis"] if practices else list(SERVING_HEADERS)
        headers = [title[:-1].lower(), *GROUP_HEADERS, *extra]
        rows = [
            [
                key,
                str(figures.touchpoints),
                interval(figures.disparity),
                *([praxis_text(figures)] if practices else serving_cells(figures)),
            ]
            for key, figures in sorted(groups.items())
        ]
        tables.append((title, headers, rows))
    return tables


def serving_cells(figures: Disparities) -> list[str]:
    """Hours spent, and the cost to serve per period and per occurrence, each unit's
    (``6.62 EUR``, ``1,200 pts``; ``–`` when nothing is recorded)."""
    serving = [
        (unit, total, each)
        for unit, (total, each) in figures.cost_to_serve().items()
        if total.high > 0
    ]

    def amounts(pick: int) -> str:
        shown = []
        for unit, *values in serving:
            value = values[pick]
            if value is not None:
                suffix = "pts" if unit == POINTS else unit
                shown.append(f"{interval(value, grouping=True)} {suffix}")
        return "; ".join(shown) or "–"

    effort = "–" if figures.effort.high <= 0 else interval(figures.effort, grouping=True)
    return [effort, amounts(0), amounts(1)]


def praxis_text(figures: Disparities) -> str:
    """``reductive 2, recovery 1``: the praxis counts, most first."""
    counts = sorted(figures.praxis.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{praxis} {count}" for praxis, count in counts) or "–"


def scope(ledger: Ledger, files: int) -> str:
    """``12 files, 11 processes`` (and the shard it covers)."""
    part = f" (shard {ledger.shard} only)" if ledger.shard else ""
    noun = "process" if ledger.processes == 1 else "processes"
    return f"{files} file{'s' * (files != 1)}, {ledger.processes} {noun}{part}"

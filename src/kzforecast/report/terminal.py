"""The check table for a terminal: open targets first, past ones after, fitted to its width."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pandas as pd
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from kzforecast.results.format import (
    label_lookup,
    number,
    p_text,
    pct,
    verdict_words,
)
from kzforecast.targets import Target

__all__ = ["check_renderable", "render_check_table", "split_check_table"]


def split_check_table(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The rows of a check table in three groups: open, past, not evaluated.

    Open readings have a probability (``status == "evaluated"``), sorted by due
    year; past readings have their due year in the history (ex-post verdicts),
    latest first; the rest are not modelled, have no deadline or lie beyond the
    horizon.
    """
    evaluated = table["status"] == "evaluated"
    past = ~evaluated & table["status"].astype(str).str.startswith("in history")
    open_ = table[evaluated].sort_values("due_year", kind="stable")
    past_rows = table[past].sort_values("due_year", ascending=False, kind="stable")
    return open_, past_rows, table[~evaluated & ~past]


def _open_table(
    rows: pd.DataFrame, labels: Mapping[tuple[str, str], str], n: int, wide: bool
) -> Table:
    t = Table(title="Open targets: probability of meeting each", box=box.SIMPLE_HEAD,
              title_justify="left", expand=False, pad_edge=False)  # fmt: skip
    t.add_column("target", ratio=3, overflow="fold", min_width=16)
    t.add_column("P(met)", justify="right", overflow="fold", min_width=9)
    t.add_column("in words", overflow="fold", min_width=13)
    t.add_column("median (10%-90%)", justify="right", overflow="fold", min_width=9)
    for _, r in rows.iterrows():
        unit = str(r["unit"])
        med = number(r["metric_p50"], unit, rounded=True)
        low, high = (
            number(r["metric_p10"], unit, rounded=True),
            number(r["metric_p90"], unit, rounded=True),
        )
        cells: list[RenderableType] = [
            _label(labels, r, True),
            p_text(r["p_met"], r["mc_se"], n)
            + (f"\n90%: {pct(r['p90_low'])}-{pct(r['p90_high'])}" if wide else ""),
            str(r["likelihood"]),
            f"{med}\n({low}-{high})",
        ]
        t.add_row(*cells)
    return t


def _past_table(rows: pd.DataFrame, labels: Mapping[tuple[str, str], str]) -> Table:
    t = Table(title="Past targets: what happened", box=box.SIMPLE_HEAD, title_justify="left",
              pad_edge=False)  # fmt: skip
    t.add_column("target", ratio=3, overflow="fold", min_width=16)
    t.add_column("realized", justify="right", overflow="fold", min_width=8)
    t.add_column("verdict", overflow="fold", min_width=7)
    for _, r in rows.iterrows():
        t.add_row(
            _label(labels, r, True),
            number(r["realized"], str(r["unit"])),
            verdict_words(r["ex_post"]),
        )
    return t


def _other_table(rows: pd.DataFrame, labels: Mapping[tuple[str, str], str]) -> Table:
    t = Table(title="Not evaluated", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    t.add_column("target", ratio=3, overflow="fold", min_width=16)
    t.add_column("why", ratio=2, overflow="fold", min_width=8)
    for _, r in rows.iterrows():
        t.add_row(_label(labels, r, True), str(r["status"]))
    return t


def _label(labels: Mapping[tuple[str, str], str], r: pd.Series, with_id: bool) -> Text:
    """The plain-English label of a row; with its ``id:reading`` below it, dimmed."""
    text = Text(labels[(str(r["id"]), str(r["reading"]))])
    if with_id:
        text.append(f"\n{r['id']}:{r['reading']}", style="dim")
    return text


def _reasons(rows: pd.DataFrame) -> str:
    words = rows["status"].astype(str).str.split(r"[:(;]", regex=True).str[0].str.strip()
    counts = words.value_counts()
    return ", ".join(f"{c} {w}" for w, c in counts.items())


def check_renderable(
    table: pd.DataFrame, *, targets: Sequence[Target] | None = None, wide: bool = False
) -> RenderableType:
    """The check table as a rich renderable (see :func:`render_check_table`)."""
    labels = label_lookup(table, targets)
    n = int(table.attrs.get("paths", 0))
    open_, past, other = split_check_table(table)
    parts: list[RenderableType] = []
    if len(open_):
        parts.append(_open_table(open_, labels, n, wide))
    else:
        parts.append(Text("No open target can be evaluated under this scenario."))
    if len(past):
        parts.append(_past_table(past, labels))
    if len(other) and wide:
        parts.append(_other_table(other, labels))
    elif len(other):
        parts.append(
            Text(
                f"{len(other)} more readings not evaluated ({_reasons(other)}); --wide lists them.",
                style="dim",
            )
        )
    return Group(*parts)


def render_check_table(
    table: pd.DataFrame,
    *,
    width: int = 80,
    wide: bool = False,
    targets: Sequence[Target] | None = None,
    color: bool = False,
) -> str:
    """The :func:`kzforecast.check` table as text that fits ``width`` columns.

    Parameters
    ----------
    table : DataFrame
        A table from :func:`kzforecast.check`.
    width : int, default 80
        Terminal width in columns: no line of the result is longer.
    wide : bool, default False
        Also show the 90% intervals and the readings that cannot be evaluated
        (otherwise counted in one line). Ids are shown small under each label.
    targets : sequence of Target, optional
        The targets of the table, for plain-English labels (default: the
        shipped registry).
    color : bool, default False
        Keep ANSI styles (for a real terminal).

    Returns
    -------
    str
        Open targets (with a probability) first, then past targets with their
        ex-post verdicts; numbers formatted as in the HTML report.
    """
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=max(int(width), 40),
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )
    console.print(check_renderable(table, targets=targets, wide=wide))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"

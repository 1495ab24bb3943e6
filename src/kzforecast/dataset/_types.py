"""Plain types of a dataset: its currencies, and the parts a Dataset is built from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

import pandas as pd

from kzforecast.targets import Target

__all__ = ["Currencies", "Currency", "Parts"]


@dataclass(frozen=True)
class Currency:
    """A currency of the dataset and the history series that prices it.

    Attributes
    ----------
    code : str
        ISO 4217 code (``"KZT"``, ``"RUB"``).
    series : str or None
        The history series of its exchange rate as the dataset uses it, e.g.
        ``usd_kzt`` (KZT per USD) for the home currency, ``rub_kzt`` (KZT per
        RUB) for the main partner's; None when the dataset has none.
    """

    code: str
    series: str | None = None


@dataclass(frozen=True)
class Currencies:
    """The home currency and the main trading partner's, by role.

    Examples
    --------
    >>> from kzforecast.dataset import Dataset
    >>> Dataset.builtin("kazakhstan").currencies.home
    Currency(code='KZT', series='usd_kzt')
    """

    home: Currency | None = None
    partner: Currency | None = None

    def as_dict(self) -> dict[str, dict[str, str]]:
        """``{"home": {"code": ..., "series": ...}, "partner": {...}}`` (absent roles left out)."""
        out: dict[str, dict[str, str]] = {}
        for role, cur in (("home", self.home), ("partner", self.partner)):
            if cur is not None:
                out[role] = {"code": cur.code, **({"series": cur.series} if cur.series else {})}
        return out


class Parts(TypedDict, total=False):
    """The keyword arguments of :meth:`Dataset.from_frames` (what a folder or a shipped
    dataset reads into)."""

    name: str
    observations: pd.DataFrame
    sources: pd.DataFrame
    country: str | None
    targets: Sequence[Target]
    plants: pd.DataFrame | None
    devaluations: pd.DataFrame | None
    currencies: Currencies | None
    destinations: Sequence[str]
    metadata: Mapping[str, str] | None
    files: Mapping[str, tuple[str, int | None]] | None
    target_lines: Sequence[int] | None

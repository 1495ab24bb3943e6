"""Error types raised by kzforecast.

Every error a user can cause by bad input is a :class:`KzForecastError`, and the
input-related ones are also :class:`ValueError`, so ``except ValueError`` keeps
working. Each carries the pieces of its message as attributes, so programs can
react to them and the command line can print one clear line:

``<source>: <location>: <problem>; allowed: <allowed>``

for example ``scenario.toml: blocks.market.mu.sd: must be >= 0, got -0.1``.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "DataError",
    "FileAccessError",
    "KzForecastError",
    "ScenarioError",
    "TargetError",
    "UnknownNameError",
]


class KzForecastError(Exception):
    """Base class of all kzforecast errors.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence fragment (``"must be >= 0, got -0.1"``).
    source : str, optional
        The file or argument the bad input came from (``"scenario.toml"``,
        ``"--paths"``).
    location : str, optional
        Where inside the source: a dotted field path (``"blocks.market.mu.sd"``)
        or a row/column (``"row 4, column value"``).
    allowed : str, optional
        What would have been accepted.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        location: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.location = location
        self.allowed = allowed
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [p for p in (self.source, self.location) if p]
        head = ": ".join(parts)
        text = f"{head}: {self.problem}" if head else self.problem
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class DataError(KzForecastError, ValueError):
    """Bad historical data: a user's CSV or DataFrame that breaks the schema."""


class ScenarioError(KzForecastError, ValueError):
    """A scenario (file, dict or argument) that is not valid.

    ``location`` is the dotted field path, e.g. ``blocks.market.mu.sd``.
    """

    @property
    def field_path(self) -> str | None:
        """The dotted path of the offending field (alias of ``location``)."""
        return self.location


class TargetError(KzForecastError, ValueError):
    """A bad target, target selection or target registry entry."""


class ArgumentError(KzForecastError, ValueError):
    """A bad value for an argument of a public function (``paths=0``, ``precision=2``).

    ``source`` names the function, ``location`` the argument.
    """


class ArgumentTypeError(KzForecastError, TypeError):
    """An argument of the wrong type (a string where a Scenario is expected)."""


class FileAccessError(KzForecastError, OSError):
    """A file or directory that cannot be read or written (missing, a directory where a
    file is expected, no permission, disk full). ``source`` names the file."""


class UnknownNameError(KzForecastError, KeyError):
    """A lookup by name that found nothing (a parameter of a calibration report).

    Also a :class:`KeyError`, for code that catches the mapping protocol's error; its
    message is printed as is (a plain ``KeyError`` would quote it).
    """

    def __str__(self) -> str:
        return self._render()

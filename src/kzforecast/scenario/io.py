"""Reading and writing scenario files (TOML, JSON), and pydantic errors as :class:`ScenarioError`.

These functions work on plain data (mappings); :class:`~kzforecast.scenario.Scenario`
validates it (``Scenario.from_dict``) and offers them as its ``from_*``/``to_*``
methods. A scenario file is data only: nothing in it is executed.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kzforecast.errors import ScenarioError

__all__ = [
    "json_text",
    "parse_toml",
    "read_json",
    "read_toml",
    "to_plain",
    "toml_text",
    "validation_to_scenario_error",
]

_DIST_TAGS = {"fixed", "normal", "truncnormal", "lognormal", "uniform", "triangular", "beta"}


# --------------------------------------------------------------------------- reading
def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", source=str(path)) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read file ({exc.strerror})", source=str(path)) from None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text into plain data.

    Parameters
    ----------
    text : str
        The TOML document.
    source : str
        Name used in the error message (usually the file name).

    Returns
    -------
    dict
        The document's top-level table.

    Raises
    ------
    ScenarioError
        If ``text`` is not valid TOML.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML ({exc})", source=source) from None


def read_toml(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str]:
    """Read a TOML scenario file into plain data.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    data : dict
        The file's top-level table (not yet validated).
    source : str
        The file's name, for the messages of later validation errors.

    Raises
    ------
    ScenarioError
        If the file cannot be read or is not valid TOML.
    """
    p = Path(path)
    return parse_toml(_read_text(p), p.name), p.name


def read_json(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str]:
    """Read a JSON scenario file into plain data.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    data : dict
        The file's top-level object (not yet validated).
    source : str
        The file's name, for the messages of later validation errors.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not valid JSON, or its top level is not an
        object.
    """
    p = Path(path)
    text = _read_text(p)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON ({exc})", source=p.name) from None
    if not isinstance(data, dict):
        raise ScenarioError("top level must be an object", source=p.name)
    return data, p.name


# --------------------------------------------------------------------------- writing
def to_plain(obj: Any) -> Any:
    """A scenario dump as plain TOML/JSON-able data: point masses become numbers.

    Parameters
    ----------
    obj : Any
        The output of ``Scenario.model_dump(mode="python", by_alias=True)``, or
        any part of it (mappings, sequences, numbers and strings).

    Returns
    -------
    Any
        The same structure with ``{"dist": "fixed", "value": x}`` replaced by
        ``x``, ``None`` entries dropped and tuples turned into lists.

    Examples
    --------
    >>> to_plain({"mu": {"dist": "fixed", "value": 0.5}, "plants": (), "x": None})
    {'mu': 0.5, 'plants': []}
    """
    if isinstance(obj, dict):
        if obj.get("dist") == "fixed" and set(obj) == {"dist", "value"}:
            return obj["value"]
        return {k: to_plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    return obj


def toml_text(data: Mapping[str, Any], name: str) -> str:
    """Plain scenario data as TOML text, under a two-line comment header.

    Parameters
    ----------
    data : Mapping
        Plain data (:func:`to_plain`).
    name : str
        The scenario's name, quoted in the header.

    Returns
    -------
    str
        The TOML document.
    """
    import tomli_w

    header = (
        f"# kzforecast scenario {name!r}, written by kzforecast.\n"
        "# Plain numbers are fixed parameters; tables with `dist` are distributions.\n"
    )
    return header + tomli_w.dumps(data)


def json_text(data: Mapping[str, Any]) -> str:
    """Plain scenario data as JSON text (indented by 2, with a final newline).

    Parameters
    ----------
    data : Mapping
        Plain data (:func:`to_plain`).

    Returns
    -------
    str
        The JSON document.
    """
    return json.dumps(data, indent=2) + "\n"


# --------------------------------------------------------------------------- errors
def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        s = str(item)
        if s in _DIST_TAGS or "[" in s or s.startswith("function-"):
            continue
        parts.append(s)
    return ".".join(parts)


def validation_to_scenario_error(exc: ValidationError, source: str) -> ScenarioError:
    """Turn pydantic's validation error into one :class:`ScenarioError`.

    The message names the first problem by its dotted path in the scenario
    (``blocks.market.s_M``), says what is wrong in words, shows the value given
    (when it is a scalar) and counts the other problems.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error raised by ``Scenario.model_validate``.
    source : str
        The file name (or ``<dict>``) for the message.

    Returns
    -------
    ScenarioError
        The error to raise (``raise ... from None``).
    """
    errors = exc.errors(include_url=False)
    # Prefer errors of the distribution variant the user wrote (discriminated unions
    # report only that variant) and drop duplicates.
    first = errors[0]
    path = _loc_to_path(tuple(first["loc"])) or "<scenario>"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if msg.startswith("@"):
        # a model-level check naming its own field: "@horizon: ..."
        field, _, msg = msg[1:].partition(": ")
        path = ".".join(p for p in (path if path != "<scenario>" else "", field) if p)
    if first["type"] == "extra_forbidden":
        msg = "unknown key (not a field of this block)"
    if first["type"] == "missing":
        msg = "required, but missing"
    allowed = None
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        tag = (first.get("ctx") or {}).get("tag")
        msg = f"unknown distribution {tag!r}" if tag else "a distribution needs a 'dist' key"
        allowed = "a number, or a table with dist = " + ", ".join(
            f'"{t}"' for t in sorted(_DIST_TAGS)
        )
    given = first.get("input")
    problem = msg
    if (
        given is not None
        and first["type"] not in ("extra_forbidden", "missing", "value_error", "union_tag_invalid")
        and not isinstance(given, dict | list)
    ):
        shown = repr(given)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        problem += f", got {shown}"
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ScenarioError(problem, source=source, location=path, allowed=allowed)

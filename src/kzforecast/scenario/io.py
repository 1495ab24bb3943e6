"""Reading and writing scenario files (TOML, JSON), and pydantic errors as :class:`ScenarioError`.

These functions work on plain data (mappings); :class:`~kzforecast.scenario.Scenario`
validates it (``Scenario.from_dict``) and offers them as its ``from_*``/``to_*``
methods. A scenario file is data only: nothing in it is executed.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kzforecast.errors import ArgumentTypeError, ScenarioError
from kzforecast.scenario.distributions import describe

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "as_path",
    "check_nesting",
    "decode_text",
    "json_text",
    "parse_json",
    "parse_toml",
    "read_json",
    "read_toml",
    "to_plain",
    "toml_text",
    "validation_to_scenario_error",
]

_DIST_TAGS = {"fixed", "normal", "truncnormal", "lognormal", "uniform", "triangular", "beta"}


# --------------------------------------------------------------------------- reading
MAX_FILE_BYTES = 1_000_000
"""The largest scenario file read (bytes): the built-in ones are below 30 kB."""

MAX_NESTING = 32
"""The deepest nesting of arrays and tables a scenario file may have (a scenario needs 5)."""


def as_path(path: object, function: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, refusing anything but a string or path-like.

    Parameters
    ----------
    path : object
        What the caller passed.
    function : str
        The public function's name, for the message.

    Returns
    -------
    Path
        The path.

    Raises
    ------
    ArgumentTypeError
        If ``path`` is not a ``str`` or ``os.PathLike``.
    """
    if isinstance(path, str | os.PathLike):
        return Path(path)
    raise ArgumentTypeError(
        f"path must be a file path, got {type(path).__name__}",
        source=function,
        location="path",
        allowed="a str or os.PathLike naming a .toml or .json file",
    )


def _read_text(path: Path) -> str:
    """The file's text: a regular file, at most :data:`MAX_FILE_BYTES`, UTF-8 (BOM allowed)."""
    source = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScenarioError("file not found", source=source) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        reason = getattr(exc, "strerror", None) or exc
        raise ScenarioError(f"cannot read file ({reason})", source=source) from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(
            "is a directory, not a file", source=source, allowed="a .toml or .json file"
        )
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(
            "is not a regular file (a device, pipe or socket)",
            source=source,
            allowed="a .toml or .json file",
        )
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"file too large ({st.st_size:,} bytes)",
            source=source,
            allowed=f"at most {MAX_FILE_BYTES:,} bytes",
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read file ({exc.strerror or exc})", source=source) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            "file too large", source=source, allowed=f"at most {MAX_FILE_BYTES:,} bytes"
        )
    return decode_text(raw, source)


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 bytes as text, without a leading byte-order mark.

    Parameters
    ----------
    raw : bytes
        The file's content.
    source : str
        The file name, for the error message.

    Returns
    -------
    str
        The decoded text.

    Raises
    ------
    ScenarioError
        If the bytes are not UTF-8; the message gives the byte offset.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            f"cannot be decoded ({exc.reason})",
            source=source,
            allowed="a UTF-8 text file",
        ) from None


def check_nesting(text: str, source: str, limit: int = MAX_NESTING) -> None:
    """Refuse a document whose arrays and tables nest deeper than ``limit``.

    A cheap scan of bracket depth before parsing, so that a document nested tens of
    thousands deep is refused with a message instead of exhausting the parser's
    recursion. Brackets inside strings (TOML's four kinds, JSON's one) and comments are
    skipped, so text such as ``"[[["`` in a description does not count. (The parsers'
    ``RecursionError`` is caught as well, should a document get past the scan.)

    Parameters
    ----------
    text : str
        The document.
    source : str
        The file name, for the error message.
    limit : int, optional
        The deepest nesting allowed.

    Raises
    ------
    ScenarioError
        If the brackets nest deeper than ``limit``.
    """
    depth = 0
    pos = 0
    while (match := _OUTSIDE.search(text, pos)) is not None:
        token, pos = match.group(), match.end()
        if token in _STRING_BODY:  # skip the string or comment in one regex match
            body = _STRING_BODY[token].match(text, pos)
            pos = (body.end() if body else len(text)) + len(_OPENERS[token])
        elif token in ("[", "{"):
            depth += 1
            if depth > limit:
                raise ScenarioError(
                    f"arrays or tables nested too deeply (more than {limit} levels)",
                    source=source,
                    location=f"line {text.count(chr(10), 0, match.start()) + 1}",
                    allowed=f"at most {limit} levels of nesting",
                )
        else:
            depth = max(depth - 1, 0)


# Outside strings: triple quotes before single ones. Each string body pattern always
# matches (possibly empty), so a string left open runs to the end of its line or file.
_OUTSIDE = re.compile(r""""{3}|'{3}|["'#\[\]{}]""")
_OPENERS = {'"""': '"""', "'''": "'''", '"': '"', "'": "'", "#": ""}
_STRING_BODY = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'(?!''))*"),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*'),
    "'": re.compile(r"[^'\n]*"),
    "#": re.compile(r"[^\n]*"),
}


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
        If ``text`` is not valid TOML or nests deeper than :data:`MAX_NESTING`.
    """
    check_nesting(text, source)
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except ValueError as exc:  # TOMLDecodeError, or an integer of more than 4,300 digits
        raise ScenarioError(f"not valid TOML ({exc})", source=source) from None
    except RecursionError:  # a document check_nesting let through
        raise ScenarioError(
            "nested too deeply to parse", source=source, allowed=f"at most {MAX_NESTING} levels"
        ) from None


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
    p = as_path(path, "Scenario.from_toml")
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
    p = as_path(path, "Scenario.from_json")
    return parse_json(_read_text(p), p.name), p.name


def parse_json(text: str, source: str) -> dict[str, Any]:
    """Parse JSON text (a top-level object) into plain data.

    Parameters
    ----------
    text : str
        The JSON document.
    source : str
        Name used in the error message (usually the file name).

    Returns
    -------
    dict
        The document's top-level object.

    Raises
    ------
    ScenarioError
        If ``text`` is not valid JSON, nests deeper than :data:`MAX_NESTING`, holds a
        non-finite number (``NaN``, ``Infinity``) or its top level is not an object.
    """
    check_nesting(text, source)
    try:
        data = json.loads(text.removeprefix("\ufeff"), parse_constant=_refuse_constant)
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        raise ScenarioError(f"not valid JSON ({exc})", source=source) from None
    except RecursionError:  # a document check_nesting let through
        raise ScenarioError(
            "nested too deeply to parse", source=source, allowed=f"at most {MAX_NESTING} levels"
        ) from None
    except _ConstantError as exc:
        raise ScenarioError(
            f"{exc.args[0]} is not a number", source=source, allowed="finite numbers"
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError("top level must be an object", source=source)
    return data


class _ConstantError(Exception):
    pass


def _refuse_constant(name: str) -> Any:
    raise _ConstantError(name)


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
        if s == "fixed" and parts and parts[-1] == "destinations":
            parts.append(s)  # the Dirichlet's own field, not the point mass's tag
            continue
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
    if first["type"] in ("model_type", "model_attributes_type", "dict_type"):
        msg = f"must be a table, got {describe(first.get('input'))}"
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
        and first["type"]
        not in (
            "extra_forbidden",
            "missing",
            "value_error",
            "union_tag_invalid",
            "model_type",
            "model_attributes_type",
            "dict_type",
        )
        and not isinstance(given, dict | list)
    ):
        shown = repr(given)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        problem += f", got {shown}"
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ScenarioError(problem, source=source, location=path, allowed=allowed)

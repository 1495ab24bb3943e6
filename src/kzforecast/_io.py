"""Atomic file output: write to a temporary name beside the target, then rename.

A failure part-way leaves no partial file behind, and the error (a
:class:`~kzforecast.errors.FileAccessError`, also an ``OSError``) names the file the user
asked for, not the temporary one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kzforecast.errors import FileAccessError

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "output_directory"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then rename it to ``path``."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}{target.suffix}")
    try:
        write(tmp)
        tmp.replace(target)
    except OSError as exc:
        raise FileAccessError(
            f"cannot write this file ({exc.strerror or exc})", source=str(target)
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes atomically."""
    atomic_write(path, lambda p: p.write_bytes(data))


@contextlib.contextmanager
def output_directory(path: str | os.PathLike[str], *, source: str = "--out") -> Iterator[Path]:
    """All-or-nothing output: a staging directory whose files appear at ``path`` only on success.

    Yields a temporary directory beside ``path`` (same file system, so the final moves
    are renames). When the block ends without an error, every file in it is moved into
    ``path`` (created, with its parents, if needed; files already there with other names
    are left alone). When the block raises, the staging directory is removed, and so is
    every directory this call created: nothing is left behind.

    Parameters
    ----------
    path : str or os.PathLike
        The output directory. ``""`` is refused (it would mean the current directory
        by accident).
    source : str, optional
        What to name in error messages (the option, e.g. ``--out``).

    Yields
    ------
    Path
        The staging directory to write the files into.

    Raises
    ------
    FileAccessError
        If ``path`` is empty, is an existing non-directory, or cannot be created or
        written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with output_directory(pathlib.Path(d) / "out") as tmp:
    ...         _ = (tmp / "a.csv").write_text("x")
    ...     sorted(p.name for p in (pathlib.Path(d) / "out").iterdir())
    ['a.csv']
    """
    if str(path).strip() == "":
        raise FileAccessError(
            "empty directory name", source=source, allowed="a directory path, e.g. report"
        )
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise FileAccessError("exists and is not a directory", source=source, location=str(target))
    created = _missing_ancestors(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        _remove_created(created)
        raise FileAccessError(
            f"cannot write there ({exc.strerror or exc})", source=source, location=str(target)
        ) from None
    try:
        yield staging
        _move_into(staging, target, source)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_created(created)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _missing_ancestors(target: Path) -> list[Path]:
    """``target`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    for p in (target, *target.parents):
        if p.exists():
            break
        missing.append(p)
    return missing


def _remove_created(created: list[Path]) -> None:
    for p in created:  # deepest first; only empty directories, so nothing else is lost
        with contextlib.suppress(OSError):
            p.rmdir()


def _move_into(staging: Path, target: Path, source: str) -> None:
    """Move every file of ``staging`` into ``target``; on failure undo the moves made."""
    moved: list[Path] = []
    try:
        target.mkdir(exist_ok=True)
        for item in sorted(staging.iterdir()):
            dest = target / item.name
            if dest.is_dir() and not item.is_dir():
                raise IsADirectoryError(21, "a directory is in the way", str(dest))
            item.replace(dest)
            moved.append(dest)
    except OSError as exc:
        for dest in moved:
            with contextlib.suppress(OSError):
                dest.unlink()
        name = exc.filename or target
        raise FileAccessError(
            f"cannot write this file ({exc.strerror or exc})", source=source, location=str(name)
        ) from None

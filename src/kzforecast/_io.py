"""Atomic file output: write to a temporary name beside the target, then rename.

A failure part-way leaves no partial file behind, and the error (a
:class:`~kzforecast.errors.FileAccessError`, also an ``OSError``) names the file the user
asked for, not the temporary one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from kzforecast.errors import FileAccessError

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text"]


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

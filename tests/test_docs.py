"""Every Python block of the README and of docs/*.md runs (docs that execute cannot go stale).

The blocks are collected with Sybil's Markdown parsers: a page's ```` ```python ```` blocks and
its ``<!-- invisible-code-block: python -->`` comments (hidden checks, e.g. that a number the
prose quotes is the one the code gives) run in order, in one namespace per page, in a temporary
working directory (blocks may write files there). A block that must not run (it needs a user's
own file, a Dask scheduler, or takes minutes) is preceded by ``<!-- skip: next "why" -->``; the
reason shows in the Markdown source. Pages whose blocks take more than a few seconds are marked
``slow``. ``mkdocs build --strict`` (in .ci/run) checks the rest of the site.
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.evaluators.skip import Skipper
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parents[1]
#: The README's blocks run in tests/test_readme.py (with its sample output).
PAGES = sorted((ROOT / "docs").glob("*.md"))

#: Pages whose blocks take more than a few seconds (backtests, sensitivity analyses, the
#: tutorial's search of a lever).
SLOW = {"backtest.md", "sensitivity.md", "tutorial.md"}

#: The languages a fence may name: a Python block must say ``python`` to be run (a ``py``
#: or ``pycon`` fence would be skipped silently).
FENCES = {"", "python", "bash", "text", "toml", "json"}

_PYTHON = re.compile(r"^```python\s*$|<!-- invisible-code-block: python", re.M)


def _has_python(page: Path) -> bool:
    return bool(_PYTHON.search(page.read_text(encoding="utf-8")))


def _params() -> list[object]:
    return [
        pytest.param(page, id=page.name, marks=[pytest.mark.slow] if page.name in SLOW else [])
        for page in PAGES
        if _has_python(page)
    ]


@pytest.mark.parametrize("page", _params())
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    skipped = run_python_blocks(page)
    if skipped and all(skipped):
        pytest.skip(f"{page.name}: every block is marked skip: {'; '.join(skipped)}")


def run_python_blocks(page: Path) -> list[str]:
    """Run a Markdown page's Python blocks in order in one namespace.

    Returns one entry per Python block: ``""`` for a block that ran, the reason for one
    marked ``<!-- skip: next "reason" -->`` (Sybil raises ``unittest.SkipTest`` for it).
    """
    sybil = Sybil(parsers=[PythonCodeBlockParser(), SkipParser()], path=str(page.parent))
    document = sybil.parse(page)
    document.namespace["__name__"] = "__docs__"
    outcomes: list[str] = []
    try:
        for example in document:
            if isinstance(example.region.evaluator, Skipper):  # a skip directive itself
                example.evaluate()
                continue
            try:
                example.evaluate()
            except unittest.SkipTest as skip:
                outcomes.append(str(skip) or "skipped")
            else:
                outcomes.append("")
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    assert outcomes, f"{page.name}: no Python block found"
    return outcomes


def test_every_page_with_python_is_collected() -> None:
    collected = {p.values[0].name for p in _params()}  # type: ignore[attr-defined]
    assert {"tutorial.md", "scenarios.md", "data.md", "targets.md"} <= collected
    assert collected >= SLOW, "a page marked slow has no Python block left"


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_fences_name_a_known_language(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    langs = re.findall(r"^```(\S*)\s*$", text, re.M)
    # opening and closing fences alternate; only openings name a language
    unknown = {lang for lang in langs[0::2] if lang not in FENCES}
    assert not unknown, f"{page.name}: fences {sorted(unknown)} (use ```python to have it run)"


def test_tutorial_is_in_the_site_navigation() -> None:
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "tutorial.md" in mkdocs

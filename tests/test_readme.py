"""The README's promises hold: its Python example runs, its sample output is what
``kzforecast check`` prints, its Quickstart is two commands, and the command starts fast."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kzforecast.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _run_blocks(page: Path) -> list[str]:
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from test_docs import run_python_blocks  # the docs' runner (Sybil), one namespace
    finally:
        sys.path.pop(0)
    return run_python_blocks(page)


def test_readme_python_blocks_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcomes = _run_blocks(README)
    assert outcomes, "the README has no Python block"
    assert not any(outcomes), f"README blocks marked skip: {outcomes}"
    assert "KZ2016-KAS-200K" in capsys.readouterr().out


def _fenced_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Each fenced block of a Markdown text: its language (``""`` if none) and its lines."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
                blocks.append((line[3:].strip(), current))
            else:
                current = None
        elif current is not None:
            current.append(line.rstrip())
    return blocks


def _sample_output() -> list[str]:
    """The README's excerpt of ``kzforecast check``: the Quickstart's block without a language."""
    quick = README.read_text(encoding="utf-8").split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    samples = [lines for lang, lines in _fenced_blocks(quick) if lang == ""]
    assert len(samples) == 1, "the Quickstart should have one sample output"
    return samples[0]


def test_readme_sample_output_is_what_check_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `kzforecast check` with its defaults (the README's Quickstart), report in a temp folder,
    # in a 100-column terminal (the table fits the terminal's width)
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["check", "--out", str(tmp_path)]) == 0
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    sample = [line for line in _sample_output() if line]
    assert sample[0] == printed[0], "the first line (scenario, paths, seed) differs"
    # every other line of the excerpt is a line the program printed, in the same order
    # (the excerpt leaves rows out; the table pads every column to its widest cell, so a row
    # only matches if the table around it is unchanged too)
    position = 0
    for line in sample[1:]:
        assert line in printed[position:], f"not printed (or out of order): {line!r}"
        position = printed.index(line, position) + 1


def test_readme_quickstart_has_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick, re.S)
    assert [c.strip() for c in commands] == [
        'python -m pip install ".[plot]" && kzforecast check',
        'python -m pip install -e ".[test]" && python -m pytest',
    ]


_HEAVY = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pydantic")


def test_import_and_help_load_no_heavy_library() -> None:
    """``import kzforecast`` and ``kzforecast --help``/``--version`` import no numerical library
    (the public names load on first use), so the command answers in a fraction of a second."""
    code = (
        "import contextlib, io, sys\n"
        "import kzforecast\n"
        "from kzforecast.cli import main\n"
        "for argv in (['--help'], ['--version']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"print(' '.join(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported at start-up: {done.stdout.strip()}"


def test_public_names_load_on_first_use() -> None:
    import kzforecast as kz
    from kzforecast.engine.simulate import simulate
    from kzforecast.scenario import Scenario

    assert kz.simulate is simulate
    assert kz.Scenario is Scenario
    assert set(kz.__all__) <= set(dir(kz))
    assert all(getattr(kz, name) is not None for name in kz.__all__)
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        _ = kz.simulat  # type: ignore[attr-defined]


def test_cli_paths_default_is_the_engines() -> None:
    from kzforecast.cli import _common
    from kzforecast.engine.simulate import DEFAULT_PATHS

    assert _common.DEFAULT_PATHS == DEFAULT_PATHS

"""The command line: exit codes, one-line errors, atomic report files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kzforecast.cli import main


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzforecast.cli", *args], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_check_writes_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rep"
    assert main(["check", "--paths", "4096", "--seed", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "KZ2016-KAS-200K" in text
    names = sorted(p.name for p in out.iterdir())
    assert {"report.html", "targets.csv", "p_met.png", "fan_vehicle_output.png"} <= set(names)
    assert not [n for n in names if n.startswith(".")]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert "timesca.com" in html  # the 2016 targets' source


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "--scenario", "missing.toml"], "missing.toml: file not found"),
        (["check", "--targets", "1999-01-01"], "1999-01-01"),
        (["check", "--paths", "lots"], "--paths: must be a whole number"),
        (["check", "--paths", "0"], "--paths: must be >= 1"),
        (["targets", "--metric", "happiness"], "happiness"),
        (["data", "--series", "nonsense"], "unknown series nonsense"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_with_status_2(args: list[str], needle: str) -> None:
    r = run(args)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert needle in lines[0]
    assert lines[0].startswith("kzforecast")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--paths", "0"],
        ["check", "--seed", "-1"],
        ["simulate", "--paths", "many"],
        ["calibrate"],
        ["calibrate", "--as-of", "soon", "--out", "x.toml"],
        ["backtest", "--model", "neural"],
        ["sensitivity", "--method", "morris"],
        ["validate"],
        ["targets", "--metric"],
    ],
)
def test_sub_command_parse_errors_start_like_every_other_error(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's sub-parsers report as ``kzforecast: error: ...`` too, and exit 2."""
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("kzforecast: error: ")
    assert f"see kzforecast {args[0]} --help" in lines[0]


def test_unwritable_out(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = run(["check", "--paths", "4096", "--out", str(blocker / "sub")])
    assert r.returncode == 2
    assert "--out" in r.stderr
    assert "Traceback" not in r.stderr


def test_no_partial_files_when_the_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kzforecast.report.plots as plots
    from kzforecast.errors import FileAccessError

    def boom(*args: object, **kwargs: object) -> None:
        raise FileAccessError("cannot write this file (No space left on device)", source="x")

    monkeypatch.setattr(plots, "probability_chart", boom)
    out = tmp_path / "rep"
    assert main(["check", "--paths", "4096", "--out", str(out)]) == 2
    assert not out.exists()  # not even the directory the command would have created


def test_an_unexpected_exception_is_a_bug_and_keeps_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the library's own errors become exit status 2; anything else propagates."""
    import kzforecast.cli.app as cli_main

    def bug(*args: object, **kwargs: object) -> None:
        raise ValueError("an internal bug, not a user error")

    monkeypatch.setattr(cli_main.common, "select_targets", bug)
    with pytest.raises(ValueError, match="internal bug"):
        main(["check", "--paths", "4096"])


@pytest.mark.slow
def test_help_on_every_command() -> None:
    for cmd in ([], ["check"], ["targets"], ["data"], ["scenarios"], ["simulate"], ["validate"]):
        r = run([*cmd, "--help"])
        assert r.returncode == 0
        assert "usage: kzforecast" in r.stdout


def test_targets_command_lists_the_2016_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--vintage", "2016-07-01"]) == 0
    out = capsys.readouterr().out
    for tid in ("KZ2016-KAS-200K", "KZ2016-KAS-LOC50", "KZ2016-KAS-EXPSTART", "KZ2016-KAS-MFG22",
                "KZ2016-KAS-MFGEXP19", "KZ2016-KAS-INV4.5", "KZ2016-KAS-PPP4"):  # fmt: skip
        assert tid in out


def test_validate_reports_field_path(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('name = "x"\nas_of = 2025\nhorizon = 2030\n[blocks.capacity]\nexisting = -5\n',
                 encoding="utf-8")  # fmt: skip
    r = run(["validate", str(p)])
    assert r.returncode == 2
    assert "bad.toml: blocks.capacity.existing" in r.stderr


def test_sensitivity_on_the_200k_target_uses_a_scenario_before_its_due_year(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sensitivity", "--target", "KZ2016-KAS-200K", "--paths", "4096"]) == 0
    out = capsys.readouterr().out
    assert "using 'ministry-2016'" in out
    assert "blocks.market.mu_M" in out


def test_targets_sources_listing_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from kzforecast.cli import main

    assert main(["targets", "--vintage", "2016-07-01", "--sources"]) == 0
    assert "timesca.com" in capsys.readouterr().out


def test_backtest_cli_says_when_nothing_can_be_scored(capsys: pytest.CaptureFixture[str]) -> None:
    from kzforecast.cli import main

    assert main(["backtest", "--vintages", "2025", "--horizon", "2", "--paths", "1000"]) == 2
    assert "no year after these vintages" in capsys.readouterr().err


def test_check_until_a_precision_says_how_many_paths_it_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--precision`` runs until every open P(met) is that precise, and says so."""
    argv = ["check", "--precision", "0.02", "--sampling", "antithetic", "--seed", "3",
            "--targets", "in-force", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "(antithetic)" in first
    assert "precision +-2 pp at 95% reached" in first
    paths = int(first.split("), ")[1].split(" paths")[0].replace(",", ""))
    assert paths % 4096 == 0
    assert paths < 20_000  # far fewer than the fixed default for a loose precision
    assert (tmp_path / "report.html").exists()

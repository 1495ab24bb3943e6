"""The house: every module in one layer, no upward import, no import cycle.

import-linter (``lint-imports``, run by ``.ci/run``) enforces the layer contract declared in
``pyproject.toml``. These tests guard what that contract cannot see: a module that belongs to
no layer (and so escapes it), an import of the package root from inside a layer, and cycles
between modules of the same layer. The graph is grimp's (the engine of import-linter): it reads
every import statement of every module, the lazy ones inside functions included, and
``TYPE_CHECKING`` blocks too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = "kzforecast"
#: Modules above every layer: the package root, its public facade and the ``-m`` entry point.
FACADES = {ROOT, f"{ROOT}.sensitivity", f"{ROOT}.__main__"}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(ROOT, cache_dir=None)


def _layers() -> list[str]:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [m.strip() for layer in contract["layers"] for m in layer.split("|")]


def _layer_of(module: str, layers: list[str]) -> str | None:
    for layer in layers:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def test_every_module_belongs_to_a_layer(graph: grimp.ImportGraph) -> None:
    layers = _layers()
    homeless = sorted(m for m in graph.modules if m not in FACADES and not _layer_of(m, layers))
    assert not homeless, f"modules outside every layer of the import-linter contract: {homeless}"


def test_layers_are_the_documented_ones() -> None:
    names = [m.removeprefix(ROOT + ".") for m in _layers()]
    assert names[:11] == [
        "cli", "testing", "report", "analysis", "engine", "results", "model", "scenario",
        "dataset", "targets", "data",
    ]  # fmt: skip
    arch = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text("utf-8")
    for name in names:
        assert f"`{name}" in arch, f"docs/architecture.md does not describe the layer {name!r}"


def test_no_layer_imports_the_package_root(graph: grimp.ImportGraph) -> None:
    offenders = sorted(m for m in graph.find_modules_that_directly_import(ROOT) if m not in FACADES)
    assert not offenders, f"modules inside a layer that import the package root: {offenders}"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_there_is_no_import_cycle(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check above is not vacuous: a two-module cycle is reported."""

    class Toy:
        def __init__(self) -> None:
            self.modules = {"a", "b", "c"}
            self.edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, m: str) -> set[str]:
            return self.edges[m]

    assert _cycles(Toy()) == [["a", "b"]]  # type: ignore[arg-type]


def test_the_sensitivity_namespace_is_reachable_from_the_package() -> None:
    import kzforecast
    from kzforecast.analysis.sensitivity import tornado

    assert kzforecast.sensitivity.tornado is tornado
    with pytest.raises(AttributeError, match="no attribute 'sensitivty'"):
        _ = kzforecast.sensitivty  # type: ignore[attr-defined]

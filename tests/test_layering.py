"""The layering the core exists for: models build on standpunt.pipelines.core
only, never on the pipeline stages, and the core builds on nothing else of
the project. Checked on the source (every import, also those inside
functions), so a late import cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every `standpunt...` import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, module) for line, module in found if module == "standpunt" or module.startswith("standpunt.")]


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("path", sorted((ROOT / "models").glob("*.py")), ids=lambda p: p.name)
def test_models_import_no_pipeline_stage(path):
    wrong = [
        f"{path.name}:{line} imports {module}"
        for line, module in project_imports(path)
        if inside(module, "standpunt.pipelines") and not inside(module, "standpunt.pipelines.core")
    ]
    assert not wrong, "; ".join(wrong)


@pytest.mark.parametrize("path", sorted((ROOT / "pipelines" / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_only_the_core(path):
    wrong = [
        f"{path.name}:{line} imports {module}"
        for line, module in project_imports(path)
        if not inside(module, "standpunt.pipelines.core")
    ]
    assert not wrong, "; ".join(wrong)


def test_the_check_sees_late_imports(tmp_path):
    source = tmp_path / "late.py"
    source.write_text(
        "def f():\n    from standpunt.pipelines.segment import segment\n    import standpunt.pipelines.cli\n"
    )
    assert project_imports(source) == [(2, "standpunt.pipelines.segment"), (3, "standpunt.pipelines.cli")]

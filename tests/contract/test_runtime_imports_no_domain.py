"""The runtime (`backbone/`) holds no domain policy and names no service: it imports neither the
deadline logic (`sla/`) nor any service package; services reach it through their definitions and the
registry the settings name."""

from __future__ import annotations

import ast
from pathlib import Path

BACKBONE = Path(__file__).resolve().parents[2] / "backbone"
DOMAIN = ("sla", "services")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            names |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
            names |= {"<dynamic>" + ast.unparse(a) for a in node.args if isinstance(a, ast.JoinedStr)}
    return names


def test_backbone_imports_no_domain_package() -> None:
    found = {
        f"{path.relative_to(BACKBONE.parent)}: {name}"
        for path in BACKBONE.rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in DOMAIN or "services." in name
    }
    assert not found, sorted(found)

"""The README's configuration tables name every setting the code reads: each `backbone.settings.Settings`
field's environment variable, and every variable the local deployment scripts and the test command read
(`${NAME:-...}` in deploy/local/*.sh and test.sh). Its links to docs point inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from backbone.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _configuration_table_names() -> set[str]:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = _configuration_table_names()
    aliases = {field.validation_alias for field in Settings.model_fields.values()}
    assert aliases, "Settings has no fields?"
    missing = aliases - documented
    assert not missing, f"missing from the README's configuration table: {sorted(missing)}"


def test_every_local_deployment_variable_is_in_the_configuration_table() -> None:
    scripts = [*sorted((ROOT / "deploy" / "local").glob("*.sh")), ROOT / "test.sh"]
    read = {name for path in scripts for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*):-", path.read_text())}
    assert {"LOCAL_INFRA_DIR", "KAFKA_PORT", "PG_PORT", "SERVICES_BASE_PORT", "JAEGER_UI_PORT"} <= read
    missing = read - _configuration_table_names()
    assert not missing, f"read by deploy/local or test.sh but not in the README: {sorted(missing)}"


def test_documentation_links_stay_inside_the_repository() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    mentioned = re.findall(r"`((?:docs|\.\./)[^`\s]*\.md)`", README)
    for target in links + mentioned:
        if re.match(r"https?://", target):
            continue
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT), f"README links outside the repository: {target}"
        assert path.is_file(), f"README links to a missing file: {target}"

"""docs/configuration.md is what `make docs` renders from the settings classes, and complete."""

import re

from services.common import settings_doc
from services.common.settings import REPO_ROOT

# Where a WEBCARE_* variable may be read: the services, the scripts, the container, the tests.
SOURCES = ("services/**/*.py", "deploy/**/*.sh", "bench/*.py", "tests/**/*.py")
SOURCE_FILES = ("Makefile", "Dockerfile", "docker-compose.yml")
NAME = re.compile(r"\bWEBCARE_[A-Z0-9_]*[A-Z0-9]\b")


def test_every_setting_has_a_description() -> None:
    assert settings_doc.missing_descriptions() == []


def test_configuration_doc_is_up_to_date() -> None:
    committed = settings_doc.DOC.read_text(encoding="utf-8")
    assert committed == settings_doc.render(), "docs/configuration.md is stale: run `make docs`"


def test_every_variable_in_the_code_is_documented() -> None:
    """A WEBCARE_* name that a script or module reads but neither a settings class nor the
    hand-kept list names would be missing from the doc."""
    files = [p for pattern in SOURCES for p in REPO_ROOT.glob(pattern)]
    files += [REPO_ROOT / name for name in SOURCE_FILES]
    found = {
        (name, str(path.relative_to(REPO_ROOT)))
        for path in files
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert len({name for name, _ in found}) > 50  # the scan sees the code
    undocumented = sorted(
        (name, where) for name, where in found if name not in settings_doc.documented_names()
    )
    assert undocumented == []

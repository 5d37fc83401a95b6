"""`make help` lists every target of the Makefile, one line each."""

import re

from services.common.settings import REPO_ROOT


def test_make_help_lists_every_phony_target() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert phony
    targets = set(phony.group(1).split()) - {"help"}
    help_lines = re.findall(r'^\t@echo "make (\S+) ', makefile, re.MULTILINE)
    assert sorted(help_lines) == sorted(targets)
    defined = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    assert targets <= defined

"""The README: its two set-up commands come first, and it lists every documentation page."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_the_two_set_up_commands_come_first() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    assert README.index("```sh") < README.index("\n## ")  # before any section
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]


def test_every_documentation_page_is_listed() -> None:
    listed = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", README))
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "README's documentation list misses these"
    assert listed - pages == set(), "README links to pages that do not exist"

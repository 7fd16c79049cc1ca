"""The user guide's pictures: each one the chapters show exists, each one there is shown, and each is made
by scripts/guide_screenshots.py (so running it again brings every picture up to date)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"


def _shown() -> dict[str, str]:
    shown = {}
    for chapter in sorted(GUIDE.glob("*.md")):
        for image in re.findall(r"!\[[^\]]*\]\(images/([^)]+)\)", chapter.read_text()):
            shown[image] = chapter.name
    return shown


def test_every_picture_shown_exists_and_every_picture_is_shown():
    shown = _shown()
    on_disk = {p.name for p in (GUIDE / "images").glob("*.png")}
    assert shown, "the guide shows no pictures"
    assert set(shown) - on_disk == set(), "pictures the guide shows but does not have"
    assert on_disk - set(shown) == set(), "pictures in docs/guide/images that no chapter shows"


def test_every_picture_is_made_by_the_screenshot_script():
    script = (ROOT / "scripts" / "guide_screenshots.py").read_text()
    made = set(re.findall(r'"([a-z0-9-]+)"', script))
    assert {name.removesuffix(".png") for name in _shown()} <= made


def test_every_chapter_is_in_the_contents():
    contents = (GUIDE / "README.md").read_text()
    for chapter in GUIDE.glob("0*.md"):
        assert f"({chapter.name})" in contents

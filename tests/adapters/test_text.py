"""Cutting text to a platform's limit never splits what a reader sees as one character."""

from __future__ import annotations

import unicodedata

import pytest

from adapters.text import ELLIPSIS, cut, printable

FAMILY = "👨‍👩‍👧‍👦"  # seven code points joined by ZWJs
FLAGS = "🇺🇳🇫🇷"  # regional indicators, two to a flag
ACCENTED = "e\u0301"  # e and a combining acute
THUMB = "👍🏽"  # an emoji and its skin tone


@pytest.mark.parametrize("unit", [FAMILY, FLAGS, ACCENTED, THUMB, "❤️", "مرحبا "])
@pytest.mark.parametrize("limit", [2, 38, 75, 79, 80, 81, 100, 150])
def test_a_cut_keeps_whole_characters(unit: str, limit: int) -> None:
    text = unit * 200
    cut_text = cut(text, limit)
    assert len(cut_text) <= limit and cut_text.endswith(ELLIPSIS)
    head = cut_text.removesuffix(ELLIPSIS)
    assert text.startswith(head)
    following = text[len(head)] if len(head) < len(text) else ""
    assert not head.endswith("\u200d")
    assert not (following and unicodedata.category(following) in ("Mn", "Me", "Sk"))
    assert not following.startswith(("\u200d", "\ufe0f"))
    flags = sum(1 for ch in head if "\U0001f1e6" <= ch <= "\U0001f1ff")
    assert flags % 2 == 0


def test_a_cut_with_no_whole_character_in_reach_is_just_the_ellipsis() -> None:
    assert cut("z" + "\u0301" * 5000, 80) == ELLIPSIS


def test_printable_drops_control_characters_and_keeps_lines() -> None:
    assert printable("a\x1b[2Jb\x00c\r\nd\te\x7f\x9b") == "a[2Jbc \nd\te"

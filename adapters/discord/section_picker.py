"""The "Read a section…" menu, used instead of Read buttons when a report has too many sections."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import custom_id, listeners_for, template
from adapters.discord.markdown import one_line
from adapters.text import cut
from answers import Answer

KIND = "pick"
PLACEHOLDER = "Read a section…"
MAX_OPTIONS = 25
MAX_OPTION_CHARS = 100


def section_options(answer: Answer) -> list[discord.SelectOption]:
    """One option per section (value: its 0-based index), the heading as label, a teaser below."""
    return [
        discord.SelectOption(
            label=cut(f"{i + 1}. {one_line(section.heading)}", MAX_OPTION_CHARS),
            value=str(i),
            description=cut(one_line(section.claims[0].text), MAX_OPTION_CHARS) or None,
        )
        for i, section in enumerate(answer.sections[:MAX_OPTIONS])
    ]


class SectionPicker(ui.DynamicItem[ui.Select[Any]], template=template(KIND)):
    def __init__(self, answer_id: str, options: list[discord.SelectOption]) -> None:
        super().__init__(
            ui.Select(
                custom_id=custom_id(KIND, answer_id),
                placeholder=PLACEHOLDER,
                options=options,
                min_values=1,
                max_values=1,
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> SectionPicker:
        options = item.options if isinstance(item, ui.Select) else []
        return cls(match["answer_id"], options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picked = self.item.values[0] if self.item.values else ""
        index = int(picked) if picked.isdigit() else -1
        await listeners_for(interaction).read_section(interaction, self.answer_id, index)

"""`/factbot settings`: show or change factbot's settings, for members with Manage Server.

    /factbot settings show                       this channel's settings
    /factbot settings channel [answers] [every_question] [private] [backend]
    /factbot settings server  [answers] [every_question] [private] [backend]
    /factbot settings reset                      this channel follows the server again

The group is registered for servers only, with Manage Server as its default
permission, so Discord shows it to those members alone (a server can change
that under Integrations); the listener checks the permission again on every
use, and everyone else gets a clear refusal.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.components import listeners_for
from answers.channels import SETTING_NAMES, SettingName

__all__ = ["GROUP_NAME", "SETTINGS_NAME", "settings_commands"]

GROUP_NAME = "factbot"
SETTINGS_NAME = "settings"
BACKEND_CHOICES = [
    app_commands.Choice(name="default (as the server says)", value="default"),
    app_commands.Choice(name="corpus (documents)", value="corpus"),
    app_commands.Choice(name="research (the web)", value="research"),
]
_DESCRIBE = {
    "answers": "Whether factbot answers here at all",
    "every_question": "Answer every message that ends with ? (needs the Message Content intent)",
    "private": "Reply only to the asker by default (/factcheck, Fact-check this message)",
    "backend": "Where answers come from, when both are configured",
}


def _changes(
    answers: bool | None,
    every_question: bool | None,
    private: bool | None,
    backend: app_commands.Choice[str] | None,
) -> dict[SettingName, bool | str | None]:
    changes: dict[SettingName, bool | str | None] = {}
    if answers is not None:
        changes["enabled"] = answers
    if every_question is not None:
        changes["every_question"] = every_question
    if private is not None:
        changes["private"] = private
    if backend is not None:
        changes["backend"] = None if backend.value == "default" else backend.value
    return changes


async def show(interaction: discord.Interaction[Any]) -> None:
    await listeners_for(interaction).settings(interaction, server_wide=False, changes={})


@app_commands.describe(**_DESCRIBE)
@app_commands.choices(backend=BACKEND_CHOICES)
async def channel(
    interaction: discord.Interaction[Any],
    answers: bool | None = None,
    every_question: bool | None = None,
    private: bool | None = None,
    backend: app_commands.Choice[str] | None = None,
) -> None:
    changes = _changes(answers, every_question, private, backend)
    await listeners_for(interaction).settings(interaction, server_wide=False, changes=changes)


@app_commands.describe(**_DESCRIBE)
@app_commands.choices(backend=BACKEND_CHOICES)
async def server(
    interaction: discord.Interaction[Any],
    answers: bool | None = None,
    every_question: bool | None = None,
    private: bool | None = None,
    backend: app_commands.Choice[str] | None = None,
) -> None:
    changes = _changes(answers, every_question, private, backend)
    await listeners_for(interaction).settings(interaction, server_wide=True, changes=changes)


async def reset(interaction: discord.Interaction[Any]) -> None:
    changes: dict[SettingName, bool | str | None] = dict.fromkeys(SETTING_NAMES)
    await listeners_for(interaction).settings(interaction, server_wide=False, changes=changes)


def settings_commands() -> app_commands.Group:
    """A fresh `/factbot settings` group (one per command tree)."""
    factbot = app_commands.Group(
        name=GROUP_NAME,
        description="factbot's settings in this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        # Explicit "no": unset values would take the tree's (DMs, user installs).
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        ),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
    )
    group = app_commands.Group(
        name=SETTINGS_NAME,
        description="Show or change factbot's settings (Manage Server)",
        parent=factbot,
    )
    commands = (
        ("show", "Show this channel's settings", show),
        ("channel", "Change this channel's settings", channel),
        ("server", "Change the whole server's settings", server),
        ("reset", "Make this channel follow the server's settings again", reset),
    )
    for name, description, callback in commands:
        group.add_command(
            app_commands.Command(name=name, description=description, callback=callback)
        )
    return factbot

"""`/factbot settings`: show or change factbot's settings, for members with Manage Server.

    /factbot settings show                       this channel's settings
    /factbot settings channel [answers] [every_question] [private] [backend]
    /factbot settings server  [answers] [every_question] [private] [backend]
    /factbot settings reset                      this channel follows the server again

The group is registered for servers only, with Manage Server as its default
permission, so Discord shows it to those members alone (a server can change
that under Integrations); `show_or_change` checks the permission again on
every use, and everyone else gets a clear refusal. What the settings mean is
the desk's (`adapters.channels.ChannelRules`, `answers.channels`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import discord
from discord import app_commands

from adapters.desk import QuestionDesk
from adapters.discord.answering import guarded
from adapters.discord.components import listeners_for
from adapters.discord.markdown import escape
from adapters.discord.reply import defer_privately, say_privately
from adapters.discord.translate import interaction_scope
from adapters.wording import describe_error
from answers import StoreUnavailable
from answers.channels import SETTING_NAMES, SettingName

__all__ = [
    "GROUP_NAME",
    "MANAGE_SERVER_ONLY",
    "SETTINGS_NAME",
    "settings_commands",
    "show_or_change",
]

MANAGE_SERVER_ONLY = "Only members with the Manage Server permission can change factbot's settings."
SERVERS_ONLY = "factbot's settings belong to a server: use this command in a server's channel."
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


async def show_or_change(
    desk: QuestionDesk,
    interaction: discord.Interaction[Any],
    *,
    server_wide: bool,
    changes: Mapping[SettingName, bool | str | None],
) -> None:
    """`/factbot settings ...`: show or change the channel's (or the server's) settings."""
    scope = interaction_scope(interaction)
    if scope is None:
        await guarded(say_privately(interaction, SERVERS_ONLY))
        return
    if not interaction.permissions.manage_guild:
        await guarded(say_privately(interaction, MANAGE_SERVER_ONLY))
        return
    if not await defer_privately(interaction):
        return
    if server_wide:
        scope = scope.workspace_scope
    try:
        current = await desk.channels.show_or_change(scope, changes)
    except (ValueError, StoreUnavailable) as exc:
        text = str(exc) if isinstance(exc, ValueError) else describe_error(exc)
        await guarded(interaction.followup.send(escape(text), ephemeral=True))
        return
    lines = desk.channels.describe(current, where="this server" if server_wide else "this channel")
    await guarded(interaction.followup.send(escape("\n".join(lines)), ephemeral=True))


async def _show_or_change(
    interaction: discord.Interaction[Any],
    *,
    server_wide: bool,
    changes: Mapping[SettingName, bool | str | None],
) -> None:
    desk = listeners_for(interaction).desk
    await show_or_change(desk, interaction, server_wide=server_wide, changes=changes)


async def show(interaction: discord.Interaction[Any]) -> None:
    await _show_or_change(interaction, server_wide=False, changes={})


def _change(*, server_wide: bool) -> Callable[..., Coroutine[Any, Any, None]]:
    """The `channel` (or, `server_wide`, the `server`) subcommand: the same options either way."""

    @app_commands.describe(**_DESCRIBE)
    @app_commands.choices(backend=BACKEND_CHOICES)
    async def change(
        interaction: discord.Interaction[Any],
        answers: bool | None = None,
        every_question: bool | None = None,
        private: bool | None = None,
        backend: app_commands.Choice[str] | None = None,
    ) -> None:
        changes = _changes(answers, every_question, private, backend)
        await _show_or_change(interaction, server_wide=server_wide, changes=changes)

    return change


async def reset(interaction: discord.Interaction[Any]) -> None:
    changes: dict[SettingName, bool | str | None] = dict.fromkeys(SETTING_NAMES)
    await _show_or_change(interaction, server_wide=False, changes=changes)


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
        ("channel", "Change this channel's settings", _change(server_wide=False)),
        ("server", "Change the whole server's settings", _change(server_wide=True)),
        ("reset", "Make this channel follow the server's settings again", reset),
    )
    for name, description, callback in commands:
        group.add_command(
            app_commands.Command(name=name, description=description, callback=callback)
        )
    return factbot

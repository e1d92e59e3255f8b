"""Getting a report out of the adapter under test, and finding things in its components."""

from __future__ import annotations

from typing import Any

from tests.adapters.discord.fake_discord import COMPONENTS_V2, Call, FakeDiscord, walk
from tests.adapters.discord.payloads import slash_command


def is_report(call: Call) -> bool:
    return bool(call.flags & COMPONENTS_V2) and any(t.startswith("## ") for t in call.texts())


def original_path(interaction: dict[str, Any]) -> str:
    return f"/webhooks/{interaction['application_id']}/{interaction['token']}/messages/@original"


def followup_path(interaction: dict[str, Any]) -> str:
    return f"/webhooks/{interaction['application_id']}/{interaction['token']}"


def callback_path(interaction: dict[str, Any]) -> str:
    return f"/interactions/{interaction['id']}/{interaction['token']}/callback"


async def ask_for_report(fake: FakeDiscord, question: str) -> list[dict[str, Any]]:
    """Ask by slash command; the report's components, as Discord would hold them."""
    interaction = slash_command(question)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    path = original_path(interaction)
    call = await fake.wait_for(lambda c: c.path == path and is_report(c), what="the report")
    components: list[dict[str, Any]] = call.body["components"]
    return components


def custom_ids(components: list[dict[str, Any]], kind: str) -> list[str]:
    """The custom_ids of one kind (`read`, `ask`, `vote`...) in order."""
    return [
        c["custom_id"]
        for c in walk(components)
        if c.get("custom_id", "").startswith(f"fb:v1:{kind}:")
    ]


def answer_id(components: list[dict[str, Any]]) -> str:
    return custom_ids(components, "vote")[0].split(":")[3]

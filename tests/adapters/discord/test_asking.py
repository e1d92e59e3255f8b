"""Asking factbot on Discord: slash command, context menu, mention, DM, and what must not answer."""

from __future__ import annotations

import pytest

from adapters.discord.render import MAX_TEXT_CHARS
from adapters.wording import NO_TEXT_TO_CHECK, usage
from tests.adapters.discord.conftest import StartAdapter
from tests.adapters.discord.fake_discord import (
    BOT_ID,
    BOT_USER,
    COMPONENTS_V2,
    EPHEMERAL,
    Call,
    FakeDiscord,
)
from tests.adapters.discord.payloads import (
    BOT_ROLE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    OTHER,
    context_menu,
    message,
    slash_command,
)
from tests.adapters.discord.reports import callback_path, is_report, original_path
from tests.answers.fake_backend import ScriptedBackend


async def test_slash_command_defers_then_puts_the_v2_report_in_place(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    calls_when_researching: list[Call] = []
    backend.hook = lambda _q: calls_when_researching.extend(fake_discord.calls)
    await start_adapter()
    interaction = slash_command("Is the moon made of cheese?")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)

    report = await fake_discord.wait_for(
        lambda c: c.path == original_path(interaction) and is_report(c), what="the report"
    )
    defer = await fake_discord.wait_for(
        lambda c: c.path == callback_path(interaction), what="the defer"
    )
    assert defer.body == {"type": 5}  # "factbot is thinking…", nothing else
    assert any(c is defer for c in calls_when_researching), "deferred before researching"
    assert report.body["allowed_mentions"]["parse"] == []
    assert "content" not in report.body or report.body["content"] is None
    texts = report.texts()
    assert texts[0].startswith("## Is the moon made of cheese?")
    assert sum(len(t) for t in texts) <= MAX_TEXT_CHARS
    assert backend.questions == ["Is the moon made of cheese?"]


async def test_private_flag_makes_the_whole_answer_ephemeral(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    interaction = slash_command("Is water wet?", private=True)
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    defer = await fake_discord.wait_for(
        lambda c: c.path == callback_path(interaction), what="the defer"
    )
    assert defer.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    await fake_discord.wait_for(lambda c: c.path == original_path(interaction) and is_report(c))


async def test_everyone_in_a_question_pings_no_one(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    interaction = slash_command("Is it true @everyone and <@&1700000000000000007> must know?")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    report = await fake_discord.wait_for(
        lambda c: c.path == original_path(interaction) and is_report(c)
    )
    assert report.body["allowed_mentions"] == {"parse": []}  # no users or roles lists either
    title = report.texts()[0]
    assert "@\u200beveryone" in title and "<@\u200b&1700000000000000007>" in title
    assert all("@everyone" not in text for text in report.texts())


async def test_message_context_menu_fact_checks_the_target_text(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    interaction = context_menu("The Great Wall is visible from the Moon.")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    await fake_discord.wait_for(lambda c: c.path == original_path(interaction) and is_report(c))
    assert backend.questions == ["The Great Wall is visible from the Moon."]


async def test_a_message_with_no_text_is_told_so_without_a_defer(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    interaction = context_menu("")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    reply = await fake_discord.wait_for(lambda c: c.path == callback_path(interaction))
    assert reply.body["type"] == 4 and reply.flags == EPHEMERAL
    assert reply.body["data"]["content"] == NO_TEXT_TO_CHECK
    assert backend.questions == []


async def test_the_context_menu_checks_what_an_embed_only_message_says(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    embed = {"type": "rich", "title": "Bees sleep", "description": "Study finds **naps**"}
    interaction = context_menu("", embeds=[embed])
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    await fake_discord.wait_for(lambda c: c.path == original_path(interaction) and is_report(c))
    assert backend.questions == ["Bees sleep Study finds **naps**"]


async def test_a_mention_in_a_channel_gets_a_reply_under_a_typing_indicator(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    asked = message(
        f"<@{BOT_ID}> is <@{OTHER['id']}> right about tides?", mentions=[BOT_USER, OTHER]
    )
    await fake_discord.dispatch("MESSAGE_CREATE", asked)
    answer = await fake_discord.wait_for(
        lambda c: c.path == f"/channels/{CHANNEL_ID}/messages", what="the reply"
    )
    typing = await fake_discord.wait_for(lambda c: c.path == f"/channels/{CHANNEL_ID}/typing")
    assert fake_discord.calls.index(typing) < fake_discord.calls.index(answer)
    assert str(answer.body["message_reference"]["message_id"]) == asked["id"]
    assert answer.body["message_reference"]["fail_if_not_exists"] is False
    assert answer.flags == COMPONENTS_V2 and is_report(answer)
    assert answer.body["allowed_mentions"] == {"parse": []}  # replied_user defaults to false
    assert backend.questions == ["is @Bob right about tides?"]


async def test_a_mention_of_the_bots_managed_role_counts_as_a_mention(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    asked = message(f"<@&{BOT_ROLE_ID}> how tall is Everest?", mention_roles=[BOT_ROLE_ID])
    await fake_discord.dispatch("MESSAGE_CREATE", asked)
    await fake_discord.wait_for(
        lambda c: c.path == f"/channels/{CHANNEL_ID}/messages" and is_report(c)
    )
    assert backend.questions == ["how tall is Everest?"]


async def test_a_direct_message_needs_no_mention(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    await fake_discord.dispatch("MESSAGE_CREATE", message("Do bees sleep?", guild=False))
    answer = await fake_discord.wait_for(
        lambda c: c.path == f"/channels/{DM_CHANNEL_ID}/messages", what="the DM reply"
    )
    assert is_report(answer)
    assert backend.questions == ["Do bees sleep?"]


@pytest.mark.parametrize(
    "content", [f"<@{BOT_ID}>", f"<@{BOT_ID}> <@{OTHER['id']}>", f"<@{BOT_ID}> @everyone ??"]
)
async def test_a_mention_with_no_question_gets_usage(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend, content: str
) -> None:
    await start_adapter()
    await fake_discord.dispatch("MESSAGE_CREATE", message(content, mentions=[BOT_USER, OTHER]))
    reply = await fake_discord.wait_for(lambda c: c.path == f"/channels/{CHANNEL_ID}/messages")
    assert reply.body["content"].startswith(usage("QUESTION")[:40])
    assert backend.questions == []


async def test_bots_unaddressed_messages_and_repeats_get_nothing(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    from_itself = message(
        f"<@{BOT_ID}> a question from factbot itself", author=BOT_USER, mentions=[BOT_USER]
    )
    from_a_bot = message(
        f"<@{BOT_ID}> a question from another bot",
        author={**OTHER, "bot": True},
        mentions=[BOT_USER],
    )
    chatter = message("people talking among themselves")
    asked = message(f"<@{BOT_ID}> the only question", mentions=[BOT_USER])
    for event in (from_itself, from_a_bot, chatter, asked, asked):  # the last one repeated
        await fake_discord.dispatch("MESSAGE_CREATE", event)
    await fake_discord.wait_for(lambda c: c.path == f"/channels/{CHANNEL_ID}/messages")
    replies = [c for c in fake_discord.calls if c.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(replies) == 1
    assert backend.questions == ["the only question"]


async def test_a_reply_to_factbot_without_a_mention_is_not_a_question(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    report = message("", author=BOT_USER)
    # Discord lists the replied-to author in `mentions` when the reply pings them (the default).
    thanks = message(
        "thanks, that settles it",
        mentions=[BOT_USER],
        type=19,
        message_reference={"message_id": report["id"], "channel_id": CHANNEL_ID},
        referenced_message=report,
    )
    asked = message(f"<@{BOT_ID}> and the tides?", mentions=[BOT_USER])
    for event in (thanks, asked):
        await fake_discord.dispatch("MESSAGE_CREATE", event)
    answered = await fake_discord.wait_for(
        lambda c: c.path == f"/channels/{CHANNEL_ID}/messages", what="the reply"
    )
    assert str(answered.body["message_reference"]["message_id"]) == asked["id"]
    assert backend.questions == ["and the tides?"]

"""Per-channel settings in Redis: inheritance, the in-process cache, replicas and outages."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from answers import MemoryStore, RedisStore
from answers.channels import (
    ChannelScope,
    ChannelSettings,
    ChannelSettingsStore,
    as_setting,
    settings_key,
)
from answers.store import connect_redis

CHANNEL = ChannelScope("slack", "T1", "C1")
OTHER_CHANNEL = ChannelScope("slack", "T1", "C2")
WORKSPACE = ChannelScope("slack", "T1")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_defaults_then_workspace_then_channel(redis_store: RedisStore) -> None:
    settings = ChannelSettingsStore(redis_store)
    assert await settings.effective(CHANNEL) == ChannelSettings()
    await settings.change(WORKSPACE, {"private": True, "every_question": True})
    await settings.change(CHANNEL, {"every_question": False, "backend": "research"})
    assert await settings.effective(CHANNEL) == ChannelSettings(
        enabled=True, every_question=False, private=True, backend="research"
    )
    assert await settings.effective(OTHER_CHANNEL) == ChannelSettings(
        every_question=True, private=True
    )
    # None: the channel inherits again
    assert (await settings.change(CHANNEL, {"every_question": None})).every_question is True
    assert await settings.values(CHANNEL) == {"backend": "research"}


async def test_a_change_reaches_other_replicas_within_the_cache_ttl(
    redis_client: aioredis.Redis, namespace: str, redis_store: RedisStore
) -> None:
    clock = Clock()
    here = ChannelSettingsStore(redis_store, cache_ttl=10, clock=clock)
    there = ChannelSettingsStore(RedisStore(redis_client, namespace=namespace), clock=clock)
    assert (await there.effective(CHANNEL)).enabled is True
    assert (await here.change(CHANNEL, {"enabled": False})).enabled is False
    assert (await here.effective(CHANNEL)).enabled is False  # at once where it was made
    assert (await there.effective(CHANNEL)).enabled is True  # the other still has its copy
    clock.now += 10.5
    assert (await there.effective(CHANNEL)).enabled is False


async def test_settings_are_kept_without_an_end_in_sight(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    await ChannelSettingsStore(redis_store).change(CHANNEL, {"enabled": False})
    ttl = await redis_client.ttl(namespace + settings_key(CHANNEL))
    assert ttl > 365 * 86400


async def test_with_redis_down_the_last_values_read_apply() -> None:
    clock = Clock()
    store = MemoryStore()
    settings = ChannelSettingsStore(store, cache_ttl=1, clock=clock)
    await settings.change(CHANNEL, {"enabled": False})
    assert (await settings.effective(CHANNEL)).enabled is False
    down = ChannelSettingsStore(
        RedisStore(connect_redis("redis://127.0.0.1:1/0", timeout=0.2)), clock=clock
    )
    assert await down.effective(CHANNEL) == ChannelSettings()  # nothing read yet: defaults
    settings.store = down.store
    clock.now += 5
    assert (await settings.effective(CHANNEL)).enabled is False  # stale, but what was set


async def test_bad_values_and_names_are_refused(redis_store: RedisStore) -> None:
    settings = ChannelSettingsStore(redis_store)
    with pytest.raises(ValueError):
        await settings.change(CHANNEL, {"enabled": "yes"})
    with pytest.raises(ValueError):
        await settings.change(CHANNEL, {"backend": "no such/backend"})
    with pytest.raises(ValueError):
        as_setting("colour")
    assert as_setting("every_question") == "every_question"
    with pytest.raises(ValueError):
        ChannelScope("slack", "T1", "C1:*")


async def test_unreadable_stored_values_are_ignored(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    await redis_client.hset(
        namespace + settings_key(CHANNEL), mapping={"enabled": "maybe", "colour": "red"}
    )
    assert await ChannelSettingsStore(redis_store).effective(CHANNEL) == ChannelSettings()

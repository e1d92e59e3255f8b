"""Per-workspace and per-channel settings: the one owner of the `settings:` key family.

What an admin can set, for a whole workspace (Slack) or guild (Discord) and
for one channel in it (a channel's value wins over its workspace's, which
wins over the defaults):

- `enabled`: whether factbot answers there at all;
- `every_question`: answer messages that end with `?` without a mention;
- `private`: reply privately by default (where the platform can);
- `backend`: `corpus` or `research`, where both are configured.

    settings:<platform>:<workspace>            -> hash of the workspace's values
    settings:<platform>:<workspace>:<channel>  -> hash of the channel's values

Settings live in Redis, so every replica reads the same; each process keeps
what it read for `cache_ttl` seconds, so a change reaches the process that
made it at once and the others within that time. Without Redis each process
has its own (the in-memory store), and while Redis is down the last values
read (else the defaults) apply.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Literal

from answers.store import Store, StoreUnavailable

__all__ = [
    "SETTING_NAMES",
    "ChannelScope",
    "ChannelSettings",
    "ChannelSettingsStore",
    "SettingName",
    "as_setting",
    "settings_key",
]

log = logging.getLogger(__name__)

DEFAULT_CACHE_TTL = 10.0
# Settings have no natural end; the store wants a TTL, so they are kept ten years after a change.
SETTINGS_TTL = timedelta(days=3650)

SettingName = Literal["enabled", "every_question", "private", "backend"]
SETTING_NAMES: tuple[SettingName, ...] = ("enabled", "every_question", "private", "backend")
_FLAGS = frozenset({"enabled", "every_question", "private"})
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class ChannelSettings:
    enabled: bool = True
    every_question: bool = False
    private: bool = False
    backend: str | None = None  # None: the deployment's default backend

    def with_values(self, values: Mapping[str, str]) -> ChannelSettings:
        """These settings with stored `values` ("1"/"0", a backend name) laid over them."""
        changed: dict[str, object] = {}
        for name, value in values.items():
            if name in _FLAGS and value in ("0", "1"):
                changed[name] = value == "1"
            elif name == "backend" and value:
                changed[name] = value
        return replace(self, **changed)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ChannelScope:
    """Where settings apply: a workspace (`channel` None) or one channel in it."""

    platform: str
    workspace: str
    channel: str | None = None

    def __post_init__(self) -> None:
        for part in (self.platform, self.workspace, self.channel):
            if part is not None and not _ID.match(part):
                raise ValueError(f"not a platform id: {part[:40]!r}")

    @property
    def workspace_scope(self) -> ChannelScope:
        return ChannelScope(self.platform, self.workspace)


def settings_key(scope: ChannelScope) -> str:
    key = f"settings:{scope.platform}:{scope.workspace}"
    return key if scope.channel is None else f"{key}:{scope.channel}"


def encode_value(name: SettingName, value: bool | str | None) -> str:
    """How a value is stored; "" means "not set here" (inherit)."""
    if value is None:
        return ""
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise ValueError(f"{name} is on or off")
        return "1" if value else "0"
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"not a backend name: {str(value)[:40]!r}")
    return value


@dataclass
class ChannelSettingsStore:
    store: Store
    defaults: ChannelSettings = field(default_factory=ChannelSettings)
    cache_ttl: float = DEFAULT_CACHE_TTL
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, dict[str, str]]] = field(default_factory=dict)

    async def effective(self, scope: ChannelScope) -> ChannelSettings:
        """The settings that apply in `scope`: defaults, then the workspace's, then the channel's."""
        settings = self.defaults.with_values(await self.values(scope.workspace_scope))
        if scope.channel is not None:
            settings = settings.with_values(await self.values(scope))
        return settings

    async def values(self, scope: ChannelScope) -> dict[str, str]:
        """What is set at exactly `scope` (not inherited), as stored."""
        key = settings_key(scope)
        now = self.clock()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            values = {k: v for k, v in (await self.store.hgetall(key)).items() if v}
        except StoreUnavailable:
            if cached is not None:
                return cached[1]  # the last values read, however old
            return {}
        if len(self._cache) > 10_000:
            self._cache.clear()  # many channels: start over rather than grow without end
        self._cache[key] = (now + self.cache_ttl, values)
        return values

    async def change(
        self, scope: ChannelScope, changes: Mapping[SettingName, bool | str | None]
    ) -> ChannelSettings:
        """Set (or, with None, unset) values at `scope`; returns the new effective settings.
        Raises `StoreUnavailable` (nothing changed then) or `ValueError` for a bad value."""
        encoded = {name: encode_value(name, value) for name, value in changes.items()}
        key = settings_key(scope)
        for name, value in encoded.items():
            await self.store.hset(key, name, value, ttl=SETTINGS_TTL.total_seconds())
        self._cache.pop(key, None)
        log.info(
            "settings changed",
            extra={"scope": key, "changes": {k: v or "inherit" for k, v in encoded.items()}},
        )
        return await self.effective(scope)

    def forget(self) -> None:
        """Drop what this process read (a test, or an operator who cannot wait `cache_ttl`)."""
        self._cache.clear()


def as_setting(name: str) -> SettingName:
    """`name` as a setting's name; raises `ValueError` for any other word."""
    for known in SETTING_NAMES:
        if name == known:
            return known
    raise ValueError(f"no setting named {name[:40]!r}")

"""Fixtures the `bot` tests share with the adapters' tests."""

from tests.adapters.discord.conftest import fake_discord  # noqa: F401  (a fake Discord on loopback)

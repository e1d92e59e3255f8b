"""The `factbot` command end to end, in a subprocess, as a person runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test here starts another process

ROOT = Path(__file__).resolve().parents[2]
EMPTY_DIR = Path(tempfile.mkdtemp(prefix="factbot-cli-"))  # no .env, no packages to shadow ours
CLEAN_ENV_PREFIXES = ("SLACK_", "DISCORD_", "FACTBOT_", "REDIS_", "LLM_", "SEARXNG_", "BRAVE_")


def factbot(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(CLEAN_ENV_PREFIXES)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={
            **base,
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "100",
            "XDG_CACHE_HOME": str(EMPTY_DIR),
            **(env or {}),
        },
        cwd=cwd or EMPTY_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


@pytest.fixture
def corpus_env(tmp_path: Path) -> dict[str, str]:
    return {"FACTBOT_CORPUS_INDEX": str(tmp_path / "index.sqlite3")}


def test_ask_prints_the_report_offline(corpus_env: dict[str, str]) -> None:
    result = factbot("ask", "How does factbot cache answers?", env=corpus_env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "How does factbot cache answers?" in out
    for heading in ("Checked on", "Summary", "Sources", "Want to dive deeper?"):
        assert heading in out
    assert "[1]" in out
    assert "Traceback" not in result.stderr


def test_ask_json_reports_miss_then_hit(
    corpus_env: dict[str, str], redis_url: str, namespace: str
) -> None:
    env = {**corpus_env, "REDIS_URL": redis_url, "FACTBOT_REDIS_NAMESPACE": namespace}
    first = factbot("ask", "--json", "How are answers cached?", env=env)
    second = factbot("ask", "--json", "how are answers cached", env=env)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert (a["cache"], b["cache"]) == ("miss", "hit")
    assert a["id"] == b["id"]
    assert {
        "id",
        "question",
        "title",
        "checked_on",
        "disclaimer",
        "summary",
        "sections",
        "limitations",
        "sources",
        "follow_ups",
        "engine",
    } <= set(a)
    refreshed = factbot("ask", "--json", "--refresh", "How are answers cached?", env=env)
    assert json.loads(refreshed.stdout)["cache"] == "miss"


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (("ask", "   "), {}, "That question is empty"),
        (("ask", "🤔🤔?"), {}, "that question has none (only symbols or emoji)"),
        (("ask", "x" * 1001), {}, "1,001 characters"),
        (("ask",), {}, "required"),
        (("frobnicate",), {}, "invalid choice"),
        (("ask", "Hi?"), {"FACTBOT_FRESHNESS": "tomorrow"}, "FACTBOT_FRESHNESS"),
        (("run", "slack"), {}, "SLACK_BOT_TOKEN"),
        (("run", "slack"), {"SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN: malformed"),
        (("run", "slack"), {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_SIGNING_SECRET"),
        (("run", "discord"), {}, "DISCORD_TOKEN"),
        (("run", "discord"), {"DISCORD_TOKEN": "abc"}, "DISCORD_TOKEN: malformed"),
        (("run", "telegram"), {}, "unknown adapter telegram"),
        (("index", "/nonexistent"), {}, "no such folder"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(
    args: tuple[str, ...], env: dict[str, str], says: str
) -> None:
    result = factbot(*args, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]
    assert "Traceback" not in result.stderr


def dead_url() -> str:
    """A loopback URL nothing listens on: a platform that cannot be reached."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/"


DISCORD_TOKEN = "MTA" + "a" * 21 + ".Gh1xYz." + "b" * 27


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (
            ("run", "slack"),
            {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": ""},
            "factbot: Slack cannot be reached at http://127.0.0.1",
        ),
        (
            ("run", "discord"),
            {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_URL": ""},
            "factbot: Discord cannot be reached at http://127.0.0.1",
        ),
        (
            ("discord", "sync"),
            {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_URL": ""},
            "factbot: Discord cannot be reached at http://127.0.0.1",
        ),
    ],
)
def test_an_unreachable_platform_exits_1_with_one_line(
    args: tuple[str, ...], env: dict[str, str], says: str, tmp_path: Path
) -> None:
    env = {k: v or dead_url() for k, v in env.items()}
    result = factbot(
        *args,
        env={**env, "FACTBOT_PORT": "0", "FACTBOT_CORPUS_INDEX": str(tmp_path / "index.db")},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(says), result.stderr


def test_chat_asks_a_follow_up_by_its_number(corpus_env: dict[str, str]) -> None:
    result = factbot("chat", env=corpus_env, stdin="How does factbot cache answers?\n1\nquit\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Want to dive deeper?") == 2
    assert "Asking: " in result.stdout


def test_index_lists_what_it_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "tea.md").write_text("# Tea\n\nGreen tea is made from unoxidised leaves.\n")
    (folder / "coffee.txt").write_text("Coffee\n\nCoffee beans are roasted seeds.\n")
    result = factbot("index", str(folder), env={"FACTBOT_CORPUS_INDEX": str(tmp_path / "i.db")})
    assert result.returncode == 0, result.stderr
    assert "tea.md" in result.stdout and "coffee.txt" in result.stdout


def test_version_names_the_installed_package() -> None:
    from importlib.metadata import version

    result = factbot("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"factbot {version('factbot')} (Python ")


def test_help_and_version_import_nothing_heavy() -> None:
    # What keeps `factbot --help` fast: the command imports only the standard library up front.
    probe = (
        "import sys, contextlib, io\n"
        "from bot.cli import main\n"
        "for argv in (['--help'], ['--version'], ['ask', '--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "heavy = ('pydantic', 'rich', 'redis', 'aiohttp', 'answers', 'adapters', 'discord',"
        " 'slack_bolt', 'bot.config')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=EMPTY_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("level", ["debug", "Info", "WARNING"])
def test_the_log_level_is_read_in_any_case(corpus_env: dict[str, str], level: str) -> None:
    result = factbot("index", env={**corpus_env, "FACTBOT_LOG_LEVEL": level})
    assert result.returncode == 0, result.stderr

"""The `factbot` command: ask, chat, index, run, discord sync.

Exit codes: 0 success, 1 research failed, 2 a user mistake (bad question, bad
setting, bad arguments), always one line on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings

# Only the standard library is imported up front, so `--help` and `--version` answer at once;
# each command imports what it needs.

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
ADAPTER_NAMES = ("slack", "discord", "api")


class UsageError(Exception):
    """A mistake on the command line; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def factbot_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("factbot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print factbot's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"factbot {factbot_version()} (Python {sys.version.split()[0]})")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factbot",
        description="Sourced fact-check reports, in your terminal, Slack and Discord.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = commands.add_parser("ask", help="answer one question and print the report")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--refresh", action="store_true", help="research again, ignoring the cache")

    commands.add_parser("chat", help="ask questions in a loop; a number asks that follow-up")

    index = commands.add_parser("index", help="build the corpus index and list what it holds")
    index.add_argument("path", nargs="?", type=Path, help="folder to index (FACTBOT_CORPUS)")

    run = commands.add_parser("run", help="run adapters: slack, discord, api (default: all set up)")
    run.add_argument("adapters", nargs="*", metavar="ADAPTER", help=", ".join(ADAPTER_NAMES))

    discord = commands.add_parser("discord", help="Discord utilities")
    discord_commands = discord.add_subparsers(
        dest="discord_command", required=True, parser_class=_Parser
    )
    sync = discord_commands.add_parser("sync", help="register the slash and context-menu commands")
    sync.add_argument("--guild", type=int, default=None, help="sync to one guild (instant)")
    return parser


def _say(line: str) -> None:
    """One unwrapped line on stderr."""
    sys.stderr.write(" ".join(line.split()) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    import asyncio

    from adapters.base import PlatformUnavailable
    from adapters.wording import describe_error
    from answers import QuestionError
    from bot.config import ConfigError, load_settings
    from bot.logs import configure_logging

    try:
        settings = load_settings()
        if args.command != "run" and "log_level" not in settings.model_fields_set:
            settings = settings.model_copy(update={"log_level": "WARNING"})  # a quiet terminal
        configure_logging(settings)
        if args.command == "chat":  # reads the terminal between questions, off the event loop
            return _chat(settings)
        return asyncio.run(_dispatch(args, settings))
    except UsageError as exc:
        _say(str(exc))
    except ConfigError as exc:
        _say(f"factbot: bad setting: {exc}")
    except PlatformUnavailable as exc:
        _say(f"factbot: {exc}")
        return EXIT_FAILED
    except QuestionError as exc:
        _say(f"factbot: {describe_error(exc)}")
    return EXIT_USAGE


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "ask":
        return await _ask(settings, args.question, as_json=args.json, refresh=args.refresh)
    if args.command == "index":
        return await _index(settings, args.path)
    if args.command == "run":
        from bot.run import run_adapters

        unknown = sorted(set(args.adapters) - set(ADAPTER_NAMES))
        if unknown:
            raise UsageError(
                f"factbot run: unknown adapter {', '.join(unknown)} "
                f"(choose from {', '.join(ADAPTER_NAMES)})"
            )

        return await run_adapters(settings, args.adapters)
    from bot.run import sync_discord_commands

    return await sync_discord_commands(settings, guild_id=args.guild)


async def _ask(settings: Settings, question: str, *, as_json: bool, refresh: bool) -> int:
    import json

    from rich.console import Console

    from adapters.console import render_answer
    from adapters.wording import describe_error
    from answers import Progress, RateLimited, ResearchFailed
    from answers.question import check_question
    from bot.wiring import build

    check_question(question)
    services = build(settings)
    out = Console(highlight=False, soft_wrap=False)
    err = Console(stderr=True, highlight=False)
    try:
        with err.status("Researching…") as status:

            async def show(event: Progress) -> None:
                status.update(event.describe())

            outcome = await services.desk.ask(
                "console", "local", question, refresh=refresh, progress=show
            )
    except (ResearchFailed, RateLimited) as exc:
        _say(f"factbot: {describe_error(exc)}")
        return EXIT_FAILED
    finally:
        await services.aclose()
    if as_json:
        data = json.loads(outcome.answer.to_json())
        data["cache"] = "hit" if outcome.cache == "hit" else "miss"
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_answer(outcome.answer, is_stale=services.desk.is_stale(outcome.answer)))
    return EXIT_OK


def _chat(settings: Settings) -> int:
    import asyncio

    from rich.console import Console

    from adapters.console.chat import TerminalInput, history_path, run_chat
    from adapters.wording import describe_error
    from answers import FactbotError
    from bot.wiring import Services, build

    read_line = TerminalInput(history_path())

    async def built() -> Services:  # on the loop, as for every other command
        return build(settings)

    with asyncio.Runner() as runner:
        services = runner.run(built())
        try:
            run_chat(services.desk, Console(highlight=False), runner, read_line=read_line)
        except FactbotError as exc:
            _say(f"factbot: {describe_error(exc)}")
            return EXIT_FAILED
        finally:
            read_line.save()
            runner.run(services.aclose())
    return EXIT_OK


async def _index(settings: Settings, path: Path | None) -> int:
    folder = path or settings.corpus
    if not folder.is_dir():
        raise UsageError(f"factbot index: no such folder: {folder}")
    import asyncio

    from rich.console import Console

    from adapters.console.indexing import show_index_progress
    from answers.backends.corpus import index_corpus

    with show_index_progress(Console(stderr=True, highlight=False)) as progress:
        report = await asyncio.to_thread(
            index_corpus, folder, index_path=settings.corpus_index, progress=progress
        )
    Console(highlight=False).print(report.describe(), markup=False)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

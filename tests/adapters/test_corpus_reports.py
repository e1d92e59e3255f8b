"""Real reports, from the corpus backend on factbot's own docs/, fit Slack's and Discord's limits."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.render import render_answer
from adapters.discord.section_reader import render_section, render_sources
from adapters.slack.controls import ReportView
from adapters.slack.render import render_report
from answers import AnswerEngine, MemoryStore
from answers.backends.corpus import CorpusBackend
from tests.adapters.discord.limits import problems as discord_problems
from tests.adapters.slack.limits import problems as slack_problems

DOCS = Path(__file__).resolve().parents[2] / "docs"
QUESTIONS = (
    "How does factbot cache answers?",
    "How do I add factbot to Slack?",
    "Which settings does factbot read?",
    "How do I sync the Discord commands?",
    "What does the HTTP API return when a question is too long?",
    "How do I run several replicas behind a load balancer?",
    "<!channel> @everyone what does `REDIS_URL` do?",
    "Who won the 1930 World Cup?",  # not in the docs: the honest "not covered" report
)


async def test_corpus_reports_fit_every_platform(tmp_path: Path) -> None:
    engine = AnswerEngine(CorpusBackend(DOCS, index_path=tmp_path / "index.sqlite"), MemoryStore())
    for question in QUESTIONS:
        answer = await engine.ask(question)
        every_section = frozenset(range(len(answer.sections)))
        for sections in ("container", "buttons"):
            for opened in (frozenset(), every_section):
                for is_stale in (False, True):
                    message = render_report(
                        answer,
                        sections=sections,  # type: ignore[arg-type]
                        view=ReportView(answer.id, opened, "U1"),
                        is_stale=is_stale,
                    )
                    assert slack_problems(message) == [], (question, sections, opened)
        pages = [render_section(answer, i).view for i in range(len(answer.sections))]
        for view in (render_answer(answer), render_answer(answer, is_stale=True), *pages):
            assert discord_problems(view) == [], question
        assert discord_problems(render_sources(answer).view) == [], question

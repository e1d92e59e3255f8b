"""Prometheus metrics for every platform at once, fed by the `QuestionDesk` observers.

The metrics live in a `CollectorRegistry` of their own (never the global
one), so two `FactbotMetrics` in one test process do not collide, and the
HTTP API serves exactly this registry at `/metrics`.

    factbot_questions_total{platform}               every question that reached the desk
    factbot_answers_total{platform, cache}          answers given: cache = hit | miss | shared
    factbot_research_seconds                        time spent researching a cache miss
    factbot_errors_total{platform, stage, type}     questions that ended in an error
    factbot_answers_in_flight                       questions being researched in this process
    factbot_background_tasks                        answers under way that a shutdown waits for
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from adapters.desk import QuestionDesk
from answers import AskOutcome, ResearchFailed, classify

__all__ = ["RESEARCH_BUCKETS", "FactbotMetrics", "error_stage", "error_type"]

# Research takes from a fraction of a second (corpus) to a minute or more (web + LLM).
RESEARCH_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)


def error_stage(exc: BaseException) -> str:
    """Where a question stopped: the stage its error carries (`answers.errors`)."""
    return classify(exc).stage


def error_type(exc: BaseException) -> str:
    """The error's class; for a failed research, the class of the backend's error behind it."""
    if isinstance(exc, ResearchFailed) and exc.__cause__ is not None:
        return type(exc.__cause__).__name__
    return type(exc).__name__


class FactbotMetrics:
    """The counters, one histogram and two gauges; `watch(desk)` connects them to a desk."""

    def __init__(self, *, include_process: bool = True) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "factbot_questions",
            "Questions that reached the desk, by platform.",
            ["platform"],
            registry=self.registry,
        )
        self.answers = Counter(
            "factbot_answers",
            "Answers given, by platform and cache result (hit, miss or shared).",
            ["platform", "cache"],
            registry=self.registry,
        )
        self.research_seconds = Histogram(
            "factbot_research_seconds",
            "Seconds spent researching a question that missed the cache.",
            buckets=RESEARCH_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "factbot_errors",
            "Questions that ended in an error, by platform, stage and error type.",
            ["platform", "stage", "type"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "factbot_answers_in_flight",
            "Questions being researched in this process right now.",
            registry=self.registry,
        )
        self.background = Gauge(
            "factbot_background_tasks",
            "Answers under way that a shutdown waits for, from every adapter.",
            registry=self.registry,
        )
        if include_process:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)

    def watch(self, desk: QuestionDesk) -> None:
        """Count every question the desk sees, whichever adapter asked it."""
        desk.on_answer.append(self.count_answer)
        desk.on_error.append(self.count_error)
        engine, tasks = desk.engine, desk.tasks
        self.in_flight.set_function(lambda: engine.in_flight)
        self.background.set_function(lambda: len(tasks))

    def count_answer(self, platform: str, outcome: AskOutcome) -> None:
        self.questions.labels(platform=platform).inc()
        self.answers.labels(platform=platform, cache=outcome.cache).inc()
        if outcome.cache == "miss":
            self.research_seconds.observe(outcome.seconds)

    def count_error(self, platform: str, exc: BaseException) -> None:
        self.questions.labels(platform=platform).inc()
        self.errors.labels(platform=platform, stage=error_stage(exc), type=error_type(exc)).inc()

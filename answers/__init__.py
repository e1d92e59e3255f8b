"""factbot's answer engine: questions in, sourced reports out. No platform code lives here."""

from answers.dedupe import EventDedupe
from answers.engine import DEFAULT_DISCLAIMER, AnswerEngine, AskOutcome
from answers.errors import (
    AnswerNotFound,
    ChannelDisabled,
    EmptyQuestion,
    FactbotError,
    QuestionError,
    QuestionTooLong,
    QuestionWithoutWords,
    RateLimited,
    ResearchFailed,
    ShuttingDown,
    StoreUnavailable,
    classify,
)
from answers.feedback import FeedbackStore, FeedbackTally, Vote
from answers.memory_store import MemoryStore
from answers.model import (
    Answer,
    Claim,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    Section,
    Source,
    Understood,
)
from answers.progress import Progress, ProgressCallback, Stage
from answers.ratelimit import RateLimiter
from answers.store import RedisStore, Store, connect_redis

__all__ = [
    "DEFAULT_DISCLAIMER",
    "Answer",
    "AnswerEngine",
    "AnswerNotFound",
    "AskOutcome",
    "ChannelDisabled",
    "Claim",
    "Draft",
    "DraftClaim",
    "DraftSection",
    "DraftSource",
    "EmptyQuestion",
    "EngineInfo",
    "EventDedupe",
    "FactbotError",
    "FeedbackStore",
    "FeedbackTally",
    "MemoryStore",
    "Progress",
    "ProgressCallback",
    "QuestionError",
    "QuestionTooLong",
    "QuestionWithoutWords",
    "RateLimited",
    "RateLimiter",
    "RedisStore",
    "ResearchFailed",
    "Section",
    "ShuttingDown",
    "Source",
    "Stage",
    "Store",
    "StoreUnavailable",
    "Understood",
    "Vote",
    "classify",
    "connect_redis",
]

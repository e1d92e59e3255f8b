"""Platform adapters: Slack, Discord, the terminal and the HTTP API, over one `QuestionDesk`."""

from adapters.desk import QuestionDesk

__all__ = ["QuestionDesk"]

"""Writers turn ranked passages into a `Draft`: `extractive` quotes them word for word."""

from answers.writers.extractive import write_extractive

__all__ = ["write_extractive"]

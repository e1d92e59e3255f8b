"""Follow-up questions drawn from the documents: the headings near the evidence, as questions.

Each heading becomes the question a reader would ask to get to it:

    "How do I add factbot to Slack?"      stays (already a question)
    "When Redis is down"                   -> "What happens when Redis is down?"
    "Add factbot to Slack"                 -> "How do I add factbot to Slack?"
    "Handling exceptions"                  -> "How do I handle exceptions?"
    "Failures are never cached"            -> "Why are failures never cached?"
    "ChainMap objects"                     -> "What are ChainMap objects?"
    "class collections.Counter([iterable])" -> "What is collections.Counter?"
    "os.path.join(path, *paths)"           -> "What does os.path.join() do?"

Headings that make no question worth asking ("See also", "Examples", a line
of code) give none. Each question is plain text, no markup, and a search the
same documents can answer on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from answers.ingest.names import code_name
from answers.ingest.words import STOP_WORDS
from answers.ranking.headings import VAGUE_HEADINGS, is_identifier
from answers.ranking.question import content_terms

__all__ = [
    "MAX_FOLLOW_UP_CHARS",
    "as_question",
    "clean_heading",
    "display_heading",
    "pick_follow_ups",
]

MAX_FOLLOW_UP_CHARS = 120
MAX_HEADING_WORDS = 12

WH_WORDS = frozenset("how what why when where which who whom whose".split())
AUXILIARIES = frozenset(
    "is are was were am be do does did can could should would will shall may might must has "
    "have had isn aren doesn don didn can't won't".split()
)
DETERMINERS = frozenset("a an the this that these those its their our your my his her".split())
# Where a noun phrase's head ends: "Details of ...", "Limits on ...", "Locks held by ...".
PHRASE_BREAKS = frozenset("of in on for by with to from at into within without via per".split())
RELATIVE_WORDS = frozenset("that which who whose whom where".split())
INSTRUCTION_OBJECTS = frozenset("a an the your each every".split())
_ASIDE = re.compile(r"\s*\([^()]*\)$")  # "... (Message Content intent)": a trailing aside
MIN_WORDS_BEFORE_ASIDE = 3  # ...dropped when this many words are left: "Sets (frozen)" keeps it
CONDITION_WORDS = frozenset("if when while once after before during unless without".split())
# Headings that open with one of these are instructions: "Add factbot to Discord".
IMPERATIVES = frozenset(
    """
    add install configure set run deploy create build enable disable connect start stop update
    upgrade write point ask invite register choose pick get make test check remove delete change
    migrate scale monitor debug fix troubleshoot secure keep share index search read publish send
    reply turn switch limit tune back restore rotate use define call open close convert format
    handle avoid customize customise extend import install iterate parse print sort
    """.split()
)
# Headings that make no question worth asking next.
NAVIGATION_HEADINGS = VAGUE_HEADINGS | {
    "table of contents",
    "related",
    "related articles",
    "read more",
    "learn more",
    "see also",
    "further reading",
    "references",
    "conclusion",
    "conclusions",
    "faq",
    "advertisement",
    "share",
    "comments",
    "menu",
    "navigation",
    "where to read next",
    "what to read next",
    "synopsis",  # a manual page's standard sections say what kind of text follows, not a topic
    "options",
    "name",
    "bugs",
    "reporting bugs",
    "author",
    "authors",
    "copyright",
    "exit status",
    "files",
    "next steps",
    "what's next",
    "getting help",
    "license",
    "changelog",
    "contributing",
    "acknowledgements",
    "credits",
    "documentation",
    "the rest of the documentation",
    "more documentation",
    "previous topic",
    "next topic",
    "this page",
}
_NUMBERING = re.compile(  # "2.1 ", "3) ", "(5) ", "Q5. ", "Step 3: "; not a year ("2024 in review")
    r"^\s*(?:(?:step|part|chapter|section|item)\s+\d+[.:)]?|\d{1,3}(?:\.\d{1,3})*[.):]?"
    r"|\(\d{1,3}\)|q\s?\d{1,3}[.:)])\s+",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"[\s¶#§🔗⚓:;.\-–—]+$")
_MARKUP = re.compile(r"[`*_~<>\[\]{}|\\]")
_SEPARATORS = (" — ", " – ", " - ", ": ")
_PLURAL_END = re.compile(r"[^s]s$|ies$|ches$|shes$|xes$", re.IGNORECASE)


def clean_heading(heading: str) -> str:
    """A heading on one line without its numbering ("2.1 ", "Step 3: ") or trailing marks."""
    text = _SPACE.sub(" ", heading).strip()
    while (unnumbered := _NUMBERING.sub("", text, count=1).strip()) != text:
        text = unnumbered
    return _MARKS.sub("", text).strip()


def is_vague(heading: str) -> bool:
    """A heading that does not say what its section holds ("Overview", "Notes", "R-18996")."""
    cleaned = clean_heading(heading)
    return cleaned.casefold() in VAGUE_HEADINGS or is_identifier(cleaned)


def is_navigation(heading: str) -> bool:
    """A heading no one would ask about ("See also", "Next steps", "License")."""
    return clean_heading(heading).casefold() in NAVIGATION_HEADINGS


def display_heading(heading: str) -> str:
    """A heading as a report shows it: an API signature as its name ("collections.Counter",
    "os.path.join()"), other headings cleaned."""
    named = code_name(heading)
    if named is not None:
        name, is_call = named
        return f"{name}()" if is_call else name
    return clean_heading(heading)


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in ("A", "An", "The"):
        return text[0].lower() + text[1:]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def _unshouted(text: str) -> str:
    """A heading written in capitals ("RECOVERING FROM UPSTREAM REBASE", the manual page style)
    in lower case; a lone acronym ("GIL", "JSON") stays as written."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters):
        return text
    if not any(len(word) >= 4 for word in text.split()) or len(text.split()) < 2:
        return text
    return text.lower()


def _sentence_case(text: str, is_common_word: Callable[[str], bool]) -> str:
    """A Title Case heading's ordinary words lowered ("Truth Value Testing" -> "truth value
    testing"); names ("Slack") and acronyms stay; other headings only lower their first word."""
    words = text.split()
    capitalised = [w for w in words if len(w) > 3 and w[:1].isalpha()]
    if len(capitalised) >= 2 and all(w[0].isupper() for w in capitalised):
        return " ".join(
            w.lower() if (w[1:].islower() or w == "A") and is_common_word(w.casefold()) else w
            for w in words
        )
    return _lower_first(text) if words and is_common_word(words[0].casefold()) else text


def _topic_part(text: str) -> str:
    """A heading such as "Boolean Operations — and, or, not" as its first part, and one that
    ends in an aside ("Fact-check a message (needs an intent)") without it."""
    for separator in _SEPARATORS:
        head, found, _ = text.partition(separator)
        if found and len(head.split()) >= 1 and any(ch.isalpha() for ch in head):
            return head.strip()
    head = _ASIDE.sub("", text)
    return head if len(head.split()) >= MIN_WORDS_BEFORE_ASIDE else text


def base_form(gerund: str, is_known: Callable[[str], bool]) -> str | None:
    """The verb a gerund comes from ("configuring" -> "configure", "running" -> "run"), when
    one of its possible spellings is a word the documents use."""
    stem = gerund[:-3]
    candidates = [stem, stem + "e"]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.insert(0, stem[:-1])
    return next((c for c in candidates if len(c) > 1 and is_known(c)), None)


def _inverted(text: str, is_known: Callable[[str], bool]) -> str | None:
    """ "How factbot caches answers" as "How does factbot cache answers?" (the verb found as a
    word ending in -s whose base the documents use)."""
    words = text.split()
    for k in range(2, min(len(words), 6)):
        verb = words[k].casefold()
        if not verb.endswith("s") or len(verb) < 4:
            continue
        subject = " ".join(words[1:k])
        if words[k - 1].casefold() in DETERMINERS:
            return None  # "What the repairs cost": the -s word is the subject, not its verb
        base = next((b for b in (verb[:-1], verb[:-2]) if is_known(b)), None)
        if base is not None:
            rest = " ".join(words[k + 1 :])
            return f"{words[0]} does {subject} {base} {rest}".rstrip() + "?"
    return None


def _as_asked(question: str, is_common_word: Callable[[str], bool]) -> str:
    """A heading already in question order, as a person types it: Title Case lowered ("Why
    Isn't SQLite Coded In C?" -> "Why isn't SQLite coded in C?"), its first letter capital."""
    lowered = _sentence_case(question, is_common_word)
    return lowered[:1].upper() + lowered[1:]


def _head_noun(text: str) -> str:
    """The word a noun phrase is about, for "is" or "are": the last before its first
    preposition or participle ("Details of the commit" -> Details, "Locks canceled by a
    thread" -> Locks), else its last word."""
    words = text.split()
    for n, word in enumerate(words[1:], start=1):
        folded = word.casefold()
        if folded in PHRASE_BREAKS or folded in RELATIVE_WORDS:
            return words[n - 1]
        if folded.endswith("ed") and n + 1 < len(words):
            return words[n - 1]
    return words[-1]


def _is_instruction(word: str, second: str, is_common_word: Callable[[str], bool]) -> bool:
    """A heading whose first word is followed by "a", "the", "your"...: a verb giving an
    instruction ("Fact-check a message", "Descale the kettle"); a noun is seldom followed so,
    and a name ("Python the language") is no verb."""
    return (
        second in INSTRUCTION_OBJECTS
        and is_common_word(word)
        and word.replace("-", "").isalpha()
        and word not in STOP_WORDS
        and not word.endswith(("s", "ing", "ed", "ly"))
    )


def _statement(text: str) -> str | None:
    """A heading that is a statement ("Failures are never cached") as the question it
    answers ("Why are failures never cached?")."""
    words = text.split()
    for k, word in enumerate(words[1:5], start=1):
        verb = word.casefold()
        if verb in RELATIVE_WORDS:
            return None  # "Entries that were dropped": a noun and its clause, not a statement
        if verb in ("is", "are", "was", "were"):
            subject = _lower_first(" ".join(words[:k]))
            return f"Why {verb} {subject} {' '.join(words[k + 1 :])}?".replace(" ?", "?")
        if verb in ("can", "cannot"):
            subject = _lower_first(" ".join(words[:k]))
            rest = " ".join(words[k + 1 :])
            return f"How can {subject} {rest}?" if verb == "can" else None
    return None


def as_question(
    heading: str,
    *,
    is_common_word: Callable[[str], bool],
    is_known: Callable[[str], bool] = lambda word: False,
) -> str | None:
    """The heading as a question someone could ask next, or None if it makes a poor one.

    `is_common_word(word)` says whether the heading's first word is an ordinary word (seen in
    lower case in the documents), so "Freshness" is lowered and "Slack" is not; `is_known(word)`
    whether the documents use a word at all (to turn "Configuring X" into "configure X").
    """
    named = code_name(heading)
    if named is not None:
        name, is_call = named
        if "." not in name and "_" not in name and not is_call:
            return None  # a bare attribute ("maps") names nothing on its own
        question = f"What does {name}() do?" if is_call else f"What is {name}?"
        return question if len(question) <= MAX_FOLLOW_UP_CHARS else None
    text = _unshouted(_topic_part(clean_heading(heading)))
    if not text or not any(ch.isalpha() for ch in text) or _MARKUP.search(text):
        return None
    if len(text.split()) > MAX_HEADING_WORDS or is_navigation(text) or is_identifier(text):
        return None
    first, _, rest = text.partition(" ")
    word = first.casefold()
    second = rest.split(" ", 1)[0].casefold()
    if text.endswith("?"):
        question = _as_asked(text, is_common_word)
    elif word in AUXILIARIES or (word in WH_WORDS and second in AUXILIARIES):
        question = _as_asked(text, is_common_word) + "?"  # in question order: "How does X work"
    elif word in CONDITION_WORDS:
        question = f"What happens {_lower_first(text)}?"
    elif word in WH_WORDS:  # "How factbot caches answers"
        question = _inverted(text, is_known) or f"Can you explain {_lower_first(text)}?"
    elif rest and (word in IMPERATIVES or _is_instruction(word, second, is_common_word)):
        question = f"How do I {_lower_first(text)}?"
    elif word.endswith("ing") and rest and (verb := base_form(word, is_known)) is not None:
        question = f"How do I {verb} {_sentence_case(rest, is_common_word)}?"
    elif (said := _statement(text)) is not None:
        question = said
    else:
        lowered = _sentence_case(text, is_common_word)
        head = _head_noun(text)
        verb = "are" if _PLURAL_END.search(head) and not head.isupper() else "is"
        question = f"What {verb} {lowered}?"
    return question if len(question) <= MAX_FOLLOW_UP_CHARS else None


def pick_follow_ups(
    headings: Iterable[str],
    *,
    asked: Iterable[str],
    is_common_word: Callable[[str], bool],
    is_known: Callable[[str], bool] = lambda word: False,
    limit: int,
) -> list[str]:
    """Up to `limit` distinct questions from the headings, in order, skipping any that only
    repeat what was asked (their terms are all among the `asked` texts' terms)."""
    covered: list[frozenset[str]] = [frozenset(content_terms(text)) for text in asked]
    picked: list[str] = []
    seen: list[frozenset[str]] = []
    for heading in headings:
        if len(picked) >= limit:
            break
        topic = frozenset(content_terms(display_heading(heading)))
        if not topic or any(topic <= done for done in covered) or topic in seen:
            continue
        question = as_question(heading, is_common_word=is_common_word, is_known=is_known)
        if question is None or question in picked:
            continue
        seen.append(topic)
        picked.append(question)
    return picked

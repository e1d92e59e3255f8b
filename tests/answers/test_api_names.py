"""API entries named after what a question asks: "join" finds str.join, "smallest" finds
heapq.nsmallest (a name glued from words)."""

from __future__ import annotations

from answers.evidence import Passage
from answers.model import DraftSource
from answers.ranking import analyse_question, focus_of, rank_passages
from answers.ranking.headings import api_named_terms


def passage(text: str, *, heading: str, title: str = "Library") -> Passage:
    source = DraftSource(title=title, url=f"https://example.org/{abs(hash(heading + text))}")
    return Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading)


def test_an_api_name_ending_with_a_rare_question_word_names_it() -> None:
    query = analyse_question("get the smallest numbers of a list")
    weights = {"smallest": 5.0, "number": 2.0, "list": 2.0}
    glued = focus_of(query, weights, "heapq.nsmallest(n, iterable)", "heapq")
    other = focus_of(query, weights, "heapq.heappush(heap, item)", "heapq")
    assert glued > 0.0
    assert other == 0.0
    assert api_named_terms(query, weights, "heapq.nsmallest(n, iterable)") == {"smallest"}


def test_a_name_that_starts_with_the_word_or_ends_with_a_common_one_does_not_name_it() -> None:
    # "timeout" is no time; a common word ("list") ends too many names to say what one is about.
    query = analyse_question("how much time does a list of coroutines take")
    weights = {"time": 5.0, "list": 1.0, "coroutin": 5.0}
    assert api_named_terms(query, weights, "asyncio.timeout(delay)") == frozenset()
    assert api_named_terms(query, weights, "pkg.blocklist(name)") == frozenset()
    assert api_named_terms(query, weights, "Heading about a shortlist") == frozenset()


def test_the_entry_named_after_the_questions_verb_outranks_prose_with_its_other_words() -> None:
    entries = [
        passage(
            "Strings are immutable, so building a string by concatenating many pieces is slow; "
            "gather the pieces in a list and concatenate them once.",
            heading="How do I build a long string quickly?",
        ),
        passage(
            "Return a string which is the concatenation of the strings in iterable. The "
            "separator between elements is the string providing this method.",
            heading="str.join(iterable)",
        ),
        passage("Split the string at each separator and return a list.", heading="str.split()"),
    ]
    ranked = rank_passages("join a list of strings with a comma between them", entries)
    assert ranked[0].heading == "str.join(iterable)"


def test_being_named_after_a_word_does_not_make_an_unrelated_entry_cover_the_question() -> None:
    entries = [
        passage("Wait until the thread terminates.", heading="threading.Thread.join(timeout)"),
        passage(
            "Return a string which is the concatenation of the strings in iterable.",
            heading="str.join(iterable)",
        ),
    ]
    ranked = rank_passages("join a list of strings with a comma between them", entries)
    assert ranked[0].heading == "str.join(iterable)"

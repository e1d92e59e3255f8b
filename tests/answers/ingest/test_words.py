"""Tokens: code stays whole (and in parts), operators are tokens, a question is never emptied."""

from __future__ import annotations

from answers.ingest.words import index_token, terms
from answers.ranking import analyse_question, question_words


def test_names_operators_and_numbers_are_tokens() -> None:
    found = terms("Call os.path.join() or zip() in __init__ with **kwargs when a == b, 0.1 + 0.2")
    for token in ("os.path.join", "os", "path", "join", "zip", "__init__", "init", "**kwargs"):
        assert token in found
    assert "==" in found and "0.1" in found and "0.2" in found
    assert "zip()" not in found  # call parentheses are not part of a name


def test_a_qualified_name_is_also_the_name_it_qualifies() -> None:
    assert "__init__" in terms("object.__init__(self[, ...])")
    assert "no_type_check" in terms("typing.no_type_check")
    # A plain last part is a part already, as a word.
    assert terms("os.path.join") == ["os.path.join", "os", "path", "join"]


def test_hyphens_slashes_and_single_symbols_are_not_operators() -> None:
    assert terms("a built-in and/or x - y") == ["a", "built", "in", "and", "or", "x", "y"]


def test_index_tokens_are_spelt_with_letters_digits_and_underscores_only() -> None:
    for term in ("==", "**kwargs", "os.path.join", "__init__", "café"):
        spelt = index_token(term)
        assert spelt.replace("_", "").isalnum() and spelt.isascii()
    assert index_token("==") != index_token("=") and index_token("python") == "python"


def test_a_question_is_never_emptied_by_stop_words() -> None:
    assert question_words("whats the difference between is and == ?") == ["is", "=="]
    assert question_words("What does `with` do?") == ["with"]
    assert question_words("What is it?") == []  # only the words of asking: nothing to search
    asked = analyse_question("what's the point of if __name__ == '__main__':")
    assert [t.word for t in asked.terms if not t.is_part] == ["point", "__name__", "==", "__main__"]


def test_an_earlier_question_s_terms_join_at_lower_weight() -> None:
    query = analyse_question("and how long does it stay?", context=["How are answers cached?"])
    own = [t for t in query.terms if not t.is_context]
    earlier = [t for t in query.terms if t.is_context]
    assert [t.word for t in own] == ["stay"]
    assert {t.word for t in earlier} == {"answers", "cached"}
    assert all(t.factor < 1 for t in earlier)

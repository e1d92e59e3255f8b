"""What a question searches for, how passages rank against it, and whether one covers it.

Any backend uses it: the corpus backend searches its index with `Query.search`
and judges coverage with `best_coverage`; the web research backend ranks the
passages of fetched pages with `rank_passages`; the extractive writer scores
sentences with the same terms and weights.

    query = analyse_question("What's the difference between is and ==?")
    [t.word for t in query.terms]          # ['is', '==']
    ranked = rank_passages(query, passages, limit=20)

A question's terms are its words (`answers.ingest.words`: folded, stemmed,
code kept whole) less the words of asking and stop words, but never nothing:
a name the question sets apart (`in`, "with", the two sides of "between X
and Y") stays, and when only stop words are left those that are not the
words of asking are searched. Extra terms (an earlier question's, for a
follow-up in a thread) join with `analyse_question(q, context=[earlier])`.
A word written in capitals in a question in lower case is a keyword ("is LIKE
case sensitive"), and a few phrasings imply the word documents use, at lower
weight: a measure for "how big" (size), a limit for "how big can it get"
(maximum), a verb for "turn ... on" (enable), "operator" for a symbol ("what
does // do").

Coverage is judged per passage: a passage (with its heading and title)
covers the question when it holds the question's rarest terms together, not
when the words are scattered over unrelated passages.

Its modules: `question` (a question's terms), `comparison` ("X vs Y"),
`spelling` (corrections), `compounds` (two words written as one), `headings` (what a heading announces), `bm25`
(rarity and weights), `coverage` and `scoring` (ranking); this package
re-exports their public names.
"""

from answers.ingest.words import QUESTION_FILLER, STOP_WORDS, span_terms, stem, terms, words
from answers.ranking.bm25 import Bm25, passage_terms, term_weights
from answers.ranking.comparison import question_sides
from answers.ranking.coverage import Coverage, best_coverage, coverage_of
from answers.ranking.headings import (
    announced_terms,
    focus_of,
    heading_focus,
    heading_terms,
    is_identifier,
    is_vague_heading,
    names_the_document,
)
from answers.ranking.question import (
    Query,
    QuestionTerm,
    analyse_question,
    content_terms,
    question_terms,
    question_words,
)
from answers.ranking.scoring import combined_score, rank_passages
from answers.ranking.spelling import corrected

__all__ = [
    "QUESTION_FILLER",
    "STOP_WORDS",
    "Bm25",
    "Coverage",
    "Query",
    "QuestionTerm",
    "analyse_question",
    "announced_terms",
    "best_coverage",
    "combined_score",
    "content_terms",
    "corrected",
    "coverage_of",
    "focus_of",
    "heading_focus",
    "heading_terms",
    "is_identifier",
    "is_vague_heading",
    "names_the_document",
    "passage_terms",
    "question_sides",
    "question_terms",
    "question_words",
    "rank_passages",
    "span_terms",
    "stem",
    "term_weights",
    "terms",
    "words",
]

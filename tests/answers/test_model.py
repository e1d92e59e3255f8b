"""The report model: each rejection, numbering by first citation, exact JSON round trips."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from answers import Answer, Draft, DraftClaim, DraftSection, DraftSource, EngineInfo
from tests.factories import CHECKED_ON, extreme_answers, make_answer, make_uncovered_answer

ENGINE = EngineInfo(backend="t", writer="t", version="1")


def valid_dict() -> dict[str, Any]:
    return make_answer(sources=2, sections=3).model_dump(mode="json")


def test_json_round_trips_exactly() -> None:
    for answer in [*extreme_answers().values(), make_uncovered_answer()]:
        text = answer.to_json()
        again = Answer.from_json(text)
        assert again == answer
        assert again.to_json() == text


def test_checked_on_must_be_timezone_aware() -> None:
    data = valid_dict()
    data["checked_on"] = "2026-11-01T12:00:00"
    with pytest.raises(ValidationError, match="timezone"):
        Answer.model_validate(data)


def test_a_cite_naming_no_source_is_rejected() -> None:
    data = valid_dict()
    data["summary"][0]["cites"] = [9]
    with pytest.raises(ValidationError, match=r"cite \[9\] names no source"):
        Answer.model_validate(data)


def test_a_source_never_cited_is_rejected() -> None:
    data = valid_dict()
    data["sources"].append(
        {"n": 3, "title": "Unused", "url": "https://unused.example", "publisher": ""}
    )
    with pytest.raises(ValidationError, match="never cited"):
        Answer.model_validate(data)


def test_two_sources_with_one_url_are_rejected() -> None:
    data = valid_dict()
    data["sources"][1]["url"] = data["sources"][0]["url"]
    with pytest.raises(ValidationError, match="share a URL"):
        Answer.model_validate(data)


def test_an_empty_section_is_rejected() -> None:
    data = valid_dict()
    data["sections"][0]["claims"] = []
    with pytest.raises(ValidationError):
        Answer.model_validate(data)


def test_sources_out_of_first_citation_order_are_rejected() -> None:
    data = valid_dict()
    for claim in data["summary"]:
        claim["cites"] = [3 - n for n in claim["cites"]]
    for section in data["sections"]:
        for claim in section["claims"]:
            claim["cites"] = [3 - n for n in claim["cites"]]
    with pytest.raises(ValidationError, match="order of first citation"):
        Answer.model_validate(data)


@pytest.mark.parametrize("count", [0, 9])
def test_a_sourced_report_has_one_to_eight_sections(count: int) -> None:
    data = valid_dict()
    data["sections"] = [data["sections"][0]] * count
    with pytest.raises(ValidationError):
        Answer.model_validate(data)


def test_one_clear_fact_is_a_report_of_one_section() -> None:
    data = valid_dict()
    data["sections"] = [data["sections"][0]]
    assert len(Answer.model_validate(data).sections) == 1


def test_a_claim_carries_its_code_block() -> None:
    data = valid_dict()
    data["summary"][0]["code"] = "print('hi')"
    answer = Answer.model_validate(data)
    assert answer.summary[0].code == "print('hi')"
    assert Answer.from_json(answer.to_json()) == answer


@pytest.mark.parametrize("count", [2, 6])
def test_follow_up_count_is_three_to_five(count: int) -> None:
    data = valid_dict()
    data["follow_ups"] = [f"Q{i}?" for i in range(count)]
    with pytest.raises(ValidationError):
        Answer.model_validate(data)


def test_an_uncited_section_claim_is_rejected() -> None:
    data = valid_dict()
    data["sections"][1]["claims"][0]["cites"] = []
    with pytest.raises(ValidationError, match="uncited claim"):
        Answer.model_validate(data)


def test_the_no_sources_report_has_no_sections() -> None:
    data = make_uncovered_answer().model_dump(mode="json")
    data["sections"] = valid_dict()["sections"]
    with pytest.raises(ValidationError):
        Answer.model_validate(data)


def test_finalize_numbers_by_first_citation_merges_urls_and_drops_uncited() -> None:
    sources = (
        DraftSource("Never cited", "https://never.example"),
        DraftSource("B", "https://b.example"),
        DraftSource("A", "https://a.example"),
        DraftSource("A again", "https://a.example"),
    )
    draft = Draft(
        summary=(DraftClaim("First.", (2,)), DraftClaim("Second.", (1, 3))),
        sections=tuple(DraftSection(f"H{i}", (DraftClaim("x", (3,)),)) for i in range(3)),
        limitations=(),
        sources=sources,
        follow_ups=("a?", "b?", "c?", "a?"),
        engine=ENGINE,
    )
    answer = draft.finalize(question="q", question_key="k", checked_on=CHECKED_ON, disclaimer="d")
    assert [(s.n, s.url) for s in answer.sources] == [
        (1, "https://a.example"),
        (2, "https://b.example"),
    ]
    assert answer.summary[1].cites == (2, 1)
    assert answer.sections[0].claims[0].cites == (1,)
    assert answer.follow_ups == ("a?", "b?", "c?")


def test_the_id_depends_on_content_not_on_time() -> None:
    a = make_answer()
    b = make_answer(checked_on=CHECKED_ON.replace(year=2027))
    c = make_answer(sources=4)
    assert a.id == b.id != c.id

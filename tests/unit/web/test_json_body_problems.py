"""A JSON body is refused for what would break a view or the store, named by location, never by value."""

from __future__ import annotations

import json

from backbone.web.bodies import MAX_JSON_DEPTH, MAX_PROBLEMS, is_json, json_problems


def test_an_acceptable_document_has_no_problems() -> None:
    assert json_problems(json.dumps({"child": {"name": "王小明", "tags": ["a", 1, None]}}).encode()) == []


def test_a_nul_character_is_named_by_its_path_without_the_text() -> None:
    body = json.dumps({"child": {"name": "王小\x00明"}, "notes": ["ok", "x\x00"]}).encode()
    problems = json_problems(body)
    assert [p["loc"] for p in problems] == [["body", "child", "name"], ["body", "notes", 1]]
    assert {p["type"] for p in problems} == {"string_nul"}
    assert "王" not in json.dumps(problems, ensure_ascii=False)


def test_a_nul_in_a_field_name_is_named_by_its_parent() -> None:
    problems = json_problems(json.dumps({"child": {"secret\x00name": 1}}).encode())
    assert [(p["loc"], p["type"]) for p in problems] == [(["body", "child"], "key_nul")]
    assert "secret" not in json.dumps(problems)


def test_nesting_beyond_the_parser_is_refused_not_crashed() -> None:
    assert [p["type"] for p in json_problems(b"[" * 100_000)] == ["json_too_deep"]


def test_nesting_beyond_the_limit_is_refused() -> None:
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    assert [p["type"] for p in json_problems(deep.encode())] == ["json_too_deep"]
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_problems(at_limit.encode()) == []


def test_not_json_is_one_problem() -> None:
    assert [p["type"] for p in json_problems(b"{'name': ")] == ["json_invalid"]
    assert [p["type"] for p in json_problems(b"\xff\xfe")] == ["json_invalid"]
    assert [p["type"] for p in json_problems(b"1" * 10_000)] == ["json_invalid"]


def test_problems_are_capped() -> None:
    assert len(json_problems(json.dumps(["\x00"] * 1000).encode())) == MAX_PROBLEMS


def test_json_media_types() -> None:
    assert is_json("application/json")
    assert is_json("Application/JSON; charset=utf-8")
    assert is_json("application/merge-patch+json")
    assert not is_json("text/plain")
    assert not is_json("application/x-www-form-urlencoded")
    assert not is_json("multipart/form-data; boundary=x")

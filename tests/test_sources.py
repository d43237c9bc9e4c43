"""The YAML reader's own checks, which must not depend on what libyaml does first."""

from __future__ import annotations

import pytest

from coursepack.sources import MAX_DEPTH, find_deep_flow, parse_yaml


@pytest.mark.parametrize("text, where", [
    ("id: " + "[" * 50_000 + "]" * 50_000 + "\n", (0, 4 + MAX_DEPTH)),
    ("id: " + "{" * 2_000 + "}" * 2_000, (0, 4 + MAX_DEPTH)),
    ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), (0, 3 + MAX_DEPTH)),
    ("a:\n" + "".join("  " * i + "- [\n" for i in range(MAX_DEPTH + 5)), (MAX_DEPTH + 1, 2 * MAX_DEPTH + 2)),
    ("a: [\n" + "[\n" * 60, (MAX_DEPTH, 0)),
], ids=["sequences", "mappings", "one-too-many", "over-lines", "one-per-line"])
def test_deep_flow_is_found_where_it_gets_too_deep(text, where):
    assert find_deep_flow(text, MAX_DEPTH) == where


@pytest.mark.parametrize("text", [
    "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH,
    "a: |\n" + "  - [\n" * 60 + "b: 1\n",                    # a block scalar is text
    "a: >-\n" + "    {\n" * 60 + "b: 1\n",
    'a: "' + "[" * 60 + '"\n',
    "a: 'it''s " + "[" * 60 + "'\n",
    "".join(f"k{i}: interval [0, 1)\n" for i in range(60)),  # brackets inside plain text
    "a: 1 # " + "[" * 60 + "\n",
    "a: [" + ", ".join(['"]"'] * 60) + "]\n",
], ids=["at-the-limit", "literal-block", "folded-block", "double-quoted", "single-quoted", "plain-text",
        "comment", "quoted-closers"])
def test_brackets_that_are_not_nesting_are_not_counted(text):
    assert find_deep_flow(text, MAX_DEPTH) is None


def test_deep_nesting_gets_coursepacks_message_before_libyaml_reads_it():
    """libyaml stops at its own depth limit (1000 in PyYAML 6.0.4) while it looks ahead, so the
    events never reach coursepack's check: the author must still get coursepack's message."""
    doc, problems = parse_yaml("id: " + "[" * 5_000 + "]" * 5_000 + "\n", "course.yaml")
    assert doc is None
    assert [(p.line, p.col) for p in problems] == [(1, 5 + MAX_DEPTH)]
    assert problems[0].message.startswith(f"the YAML is nested more than {MAX_DEPTH} levels deep")

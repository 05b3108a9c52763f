"""The criteria file: defaults, where it is found, and a clear error per bad key or value."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidData
from graph.portfolio.criteria import DEFAULT_CRITERIA, load_criteria, parse


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_criteria(folder=tmp_path) is DEFAULT_CRITERIA
    assert list(DEFAULT_CRITERIA.selection.tiers) == ["gold", "silver", "bronze"]
    assert DEFAULT_CRITERIA.selection.key_tiers == ("gold", "silver")


def test_kamgraph_toml_in_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "kamgraph.toml").write_text("[pareto]\ntop_share = 0.1\n", encoding="utf-8")
    criteria = load_criteria(folder=tmp_path)
    assert criteria.pareto.top_share == 0.1
    assert criteria.source == str(tmp_path / "kamgraph.toml")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "[selection.weights]\nprofti = 2\n",
            ["key selection.weights.profti: not a key kamgraph knows"],
        ),
        (
            "[selection.weights]\nprofit = -1\n",
            ["key selection.weights.profit: Input should be greater than or equal to 0"],
        ),
        (
            "[selection.weights]\nprofit = 'a lot'\n",
            [
                "key selection.weights.profit: Input should be a valid number, "
                "unable to parse string as a number"
            ],
        ),
        (
            "[selection.weights]\nrevenue = 0\nprofit = 0\ngrowth_potential = 0\n"
            "financial_stability = 0\nstrategic_fit = 0\nrelationship_closeness = 0\n",
            ["key selection.weights: at least one weight must be above 0"],
        ),
        (
            "[selection.tiers]\nsilver = 40\ngold = 70\n",
            ["key selection: list the tiers best first, each lower than the one before"],
        ),
        (
            '[selection]\nkey_tiers = ["platinum"]\n',
            ["key selection: key_tiers names platinum, not among the tiers"],
        ),
        (
            "[pareto]\ntop_share = 1.5\ndominant = 0.2\n",
            [
                "key pareto.top_share: Input should be less than or equal to 1",
                "key pareto.dominant: not a key kamgraph knows",
            ],
        ),
        (
            "[load]\nkey_accounts_per_quarterback = 1.5\n",
            [
                "key load.key_accounts_per_quarterback: Input should be a valid integer, "
                "got a number with a fractional part"
            ],
        ),
        ("source = 'x'\n", ["key source: not a key kamgraph knows"]),
    ],
)
def test_each_bad_key_or_value_is_one_problem_naming_the_file_and_key(
    text: str, problems: list[str]
) -> None:
    with pytest.raises(InvalidData) as caught:
        parse(text, source="crit.toml")
    assert caught.value.problems == [f"crit.toml, {p}" for p in problems]


def test_a_file_that_is_not_toml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "crit.toml"
    bad.write_text("[selection\n", encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        load_criteria(bad)
    assert caught.value.problems[0].startswith(f"{bad}: not valid TOML (")
    assert "line 1" in caught.value.problems[0]


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="cannot read the criteria file"):
        load_criteria(tmp_path / "nope.toml")

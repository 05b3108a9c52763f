"""Relationship strength: manual ratings, computed from the log, fading."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analysis.config import AnalysisConfig
from graph.analysis.strength import relationship_strengths

AS_OF = dt.date(2026, 11, 25)
PEOPLE = {"cfo": {}, "cto": {}}
TEAM = {"kam": {}, "se": {}}


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        # 5·(1 − exp(−Σ/6)), Σ = weight · 0.5^(age/90): meeting 3, call 2, email 1
        ([("2026-11-25", "meeting")], 1.97),  # Σ 3
        ([("2026-11-25", "call")], 1.42),  # Σ 2
        ([("2026-11-25", "email")], 0.77),  # Σ 1
        ([("2026-11-25", "meeting"), ("2026-11-25", "meeting")], 3.16),  # Σ 6
        ([("2026-08-27", "meeting")], 1.11),  # 90 days old: Σ 1.5
        ([("2026-05-29", "meeting")], 0.59),  # 180 days old: Σ 0.75
        ([("2026-11-25", "meeting")] * 20, 5.0),  # saturates
    ],
)
def test_computed_strength_decays_weighs_channels_and_saturates(
    account, log: list[tuple[str, str]], expected: float
) -> None:
    G = account(PEOPLE, TEAM, interactions=[(day, ch, ("kam",), ("cfo",)) for day, ch in log])
    [s] = relationship_strengths(G, as_of=AS_OF)
    assert (s.member_id, s.stakeholder_id, s.source, s.strength) == (
        "kam",
        "cfo",
        "computed",
        expected,
    )


def test_interactions_after_as_of_are_ignored(account) -> None:
    G = account(
        PEOPLE,
        TEAM,
        knows={("kam", "cfo"): None},
        interactions=[
            ("2026-11-25", "meeting", ("kam",), ("cfo",)),
            ("2026-11-26", "meeting", ("kam",), ("cfo",)),
            ("2026-12-01", "meeting", ("se",), ("cto",)),
        ],
    )
    assert [
        (s.member_id, s.stakeholder_id, s.strength) for s in relationship_strengths(G, as_of=AS_OF)
    ] == [("kam", "cfo", 1.97)]
    earlier = relationship_strengths(G, as_of=dt.date(2026, 11, 24))
    assert [(s.strength, s.last_contact) for s in earlier] == [(0.0, None)]


def test_every_attendee_pair_gets_a_strength_without_a_knows_edge(account) -> None:
    G = account(PEOPLE, TEAM, interactions=[("2026-11-25", "call", ("kam", "se"), ("cfo", "cto"))])
    pairs = [
        (s.member_id, s.stakeholder_id, s.strength) for s in relationship_strengths(G, as_of=AS_OF)
    ]
    assert pairs == [
        ("kam", "cfo", 1.42),
        ("kam", "cto", 1.42),
        ("se", "cfo", 1.42),
        ("se", "cto", 1.42),
    ]


def test_a_manual_rating_wins_and_says_how_old_it_is(account) -> None:
    G = account(
        PEOPLE,
        TEAM,
        knows={("kam", "cfo"): {"strength": 4, "rated_on": "2026-01-01"}, ("se", "cto"): 2},
        interactions=[("2026-11-25", "meeting", ("kam",), ("cfo",))],
    )
    rated, unrated = relationship_strengths(G, as_of=AS_OF)
    assert (rated.strength, rated.source, rated.rating_age_days) == (4.0, "manual", 328)
    assert (unrated.strength, unrated.source, unrated.rating_age_days) == (2.0, "manual", None)


def test_a_rating_made_after_as_of_is_not_known_yet(account) -> None:
    G = account(
        PEOPLE,
        TEAM,
        knows={("kam", "cfo"): {"strength": 5, "rated_on": "2026-12-01"}},
        interactions=[("2026-11-25", "meeting", ("kam",), ("cfo",))],
    )
    [s] = relationship_strengths(G, as_of=AS_OF)
    assert (s.strength, s.source) == (1.97, "computed")


@pytest.mark.parametrize(
    ("edge_contact", "log_day", "last", "fading"),
    [
        ("2026-05-01", "2026-10-01", dt.date(2026, 10, 1), False),  # the log is later
        ("2026-11-01", "2026-06-01", dt.date(2026, 11, 1), False),  # the edge is later
        ("2026-08-27", None, dt.date(2026, 8, 27), False),  # exactly 90 days: not yet
        ("2026-08-26", None, dt.date(2026, 8, 26), True),  # 91 days: fading
        (None, None, None, True),  # a rating with no contact on record
        ("2026-12-01", None, None, True),  # a contact after as_of is not known yet
    ],
)
def test_fading_counts_from_the_last_contact_of_edge_or_log(
    account, edge_contact: str | None, log_day: str | None, last: dt.date | None, fading: bool
) -> None:
    G = account(
        PEOPLE,
        TEAM,
        knows={("kam", "cfo"): {"strength": 4, "last_contact": edge_contact}},
        interactions=[(log_day, "email", ("kam",), ("cfo",))] if log_day else [],
    )
    [s] = relationship_strengths(G, as_of=AS_OF)
    assert (s.last_contact, s.fading) == (last, fading)


def test_fading_is_configurable_and_zero_strength_never_fades(account) -> None:
    G = account(
        PEOPLE,
        TEAM,
        knows={("kam", "cfo"): {"strength": 4, "last_contact": "2026-10-01"}, ("se", "cto"): 0},
    )
    default = relationship_strengths(G, as_of=AS_OF)
    strict = relationship_strengths(G, as_of=AS_OF, config=AnalysisConfig(fading_after_days=30))
    assert [s.fading for s in default] == [False, False]
    assert [s.fading for s in strict] == [True, False]


def test_same_inputs_same_numbers_and_the_half_life_is_a_knob(account) -> None:
    G = account(
        PEOPLE,
        TEAM,
        interactions=[
            ("2026-01-15", "meeting", ("kam",), ("cfo",)),
            ("2026-07-03", "call", ("kam",), ("cfo",)),
            ("2026-11-20", "email", ("kam", "se"), ("cfo",)),
        ],
    )
    first = relationship_strengths(G, as_of=AS_OF)
    assert first == relationship_strengths(G, as_of=AS_OF)
    longer = relationship_strengths(G, as_of=AS_OF, config=AnalysisConfig(half_life_days=365))
    assert longer[0].strength > first[0].strength
    assert first[0].strength == round(first[0].strength, 2)

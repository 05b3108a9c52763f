"""The account review page: every section, escaped, offline, "what changed" only with data."""

from __future__ import annotations

import datetime as dt
import html
import re

import networkx as nx
import pytest

from graph.analysis.result import AccountAnalysis, ThreadsToPower
from visual import review
from visual.changes import ChangeGroup

from .conftest import XSS_IMG, XSS_SCRIPT

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]


def test_review_has_every_section(acme: Acme) -> None:
    page = review.render(*acme)
    for heading in (
        "The board", "Health 48/100", "Threads to power", "Coverage gaps", "Key people",
        "Ownership", "Next moves",
    ):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    assert "<svg" in page and 'class="kamgraph-board"' in page
    assert "What changed" not in page  # no history, no section
    assert "@media print" in page and "@page" in page
    assert "Ask Cy Cato to introduce Sol to the CFO" in page
    assert "<script" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)


GROUPS = (
    ChangeGroup("Moves", ("<b>CFO</b>: stance supporter → skeptic", "Cy Cato: influence 4 → 5")),
    ChangeGroup("Health", ("52 → 48 (-4)",)),
)


def _section(page: str) -> str:
    found = re.search(r"<section[^>]*><h2>What changed since [^<]*</h2>.*?</section>", page)
    assert found, "no what-changed section"
    return found.group()


@pytest.mark.parametrize(
    ("threads", "direct", "tag"),
    [
        (0, 0, '<span class="tag none">none</span>'),
        (1, 1, '<span class="tag fragile">fragile</span>'),
        (3, 0, '<span class="tag through">through colleagues only</span>'),
        (2, 1, '<span class="tag resilient">resilient</span>'),
    ],
)
def test_a_target_nobody_of_ours_covers_is_never_resilient(
    acme: Acme, threads: int, direct: int, tag: str
) -> None:
    G, analysis = acme
    shown = analysis.model_copy(
        update={
            "threads_to_power": [
                ThreadsToPower(stakeholder_id="ceo", threads=threads, direct=direct)
            ]
        }
    )
    page = review.render(G, shown)
    assert tag in page
    assert ('class="tag resilient"' in page) == (direct > 0 and threads > 1)


def test_a_score_stays_beside_its_bar(acme: Acme) -> None:
    page = review.render(*acme)
    assert '<span class="meter"><span class="bar">' in page
    assert ".meter { white-space: nowrap; }" in page


def test_what_changed_is_grouped_under_headings_in_order(acme: Acme) -> None:
    page = review.render(*acme, changes=review.ChangesSince(dt.date(2025, 3, 31), GROUPS))
    section = _section(page)
    assert section.startswith('<section class="changes"><h2>What changed since 2025-03-31</h2>')
    groups = re.findall(r'<div class="group"><h3>(.*?)</h3><ul>(.*?)</ul></div>', section)
    assert [(h, re.findall(r"<li>(.*?)</li>", items)) for h, items in groups] == [
        (
            "Moves",
            ["&lt;b&gt;CFO&lt;/b&gt;: stance supporter → skeptic", "Cy Cato: influence 4 → 5"],
        ),
        ("Health", ["52 → 48 (-4)"]),
    ]
    # right after the summary cards, before the board
    assert page.index("What changed since") < page.index("<h2>The board</h2>")


def test_what_changed_with_no_groups_says_nothing_changed(acme: Acme) -> None:
    page = review.render(*acme, changes=review.ChangesSince(dt.date(2025, 3, 31), []))
    assert _section(page) == (
        '<section><h2>What changed since 2025-03-31</h2><p class="none">Nothing changed.</p>'
        "</section>"
    )


def test_hostile_headings_and_sentences_are_escaped(acme: Acme) -> None:
    hostile = (ChangeGroup(XSS_SCRIPT, (XSS_IMG,)),)
    page = review.render(*acme, changes=review.ChangesSince(dt.date(2025, 3, 31), hostile))
    section = _section(page)
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert f"<h3>{html.escape(XSS_SCRIPT)}</h3>" in section
    assert f"<li>{html.escape(XSS_IMG)}</li>" in section


def test_user_text_is_never_markup(acme: Acme) -> None:
    page = review.render(*acme)
    for raw in (XSS_IMG, XSS_SCRIPT, "<script>alert('note')</script>", "Acme <Holdings>"):
        assert raw not in page
    assert "&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;" in page

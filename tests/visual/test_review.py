"""The account review page: every section, escaped, offline, "what changed" only with data."""

from __future__ import annotations

import datetime as dt
import re

import networkx as nx

from graph.analysis.result import AccountAnalysis
from visual import review

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


def test_what_changed_only_when_given(acme: Acme) -> None:
    changes = review.ChangesSince(dt.date(2025, 3, 31), ["<b>CFO</b> now skeptic"])
    page = review.render(*acme, changes=changes)
    assert "<h2>What changed since 2025-03-31</h2>" in page
    assert "<li>&lt;b&gt;CFO&lt;/b&gt; now skeptic</li>" in page


def test_user_text_is_never_markup(acme: Acme) -> None:
    page = review.render(*acme)
    for raw in (XSS_IMG, XSS_SCRIPT, "<script>alert('note')</script>", "Acme <Holdings>"):
        assert raw not in page
    assert "&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;" in page

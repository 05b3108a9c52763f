"""A hand-built account (every piece, stance, line kind and marker) with a hand-built analysis.

Two stakeholders carry hostile names, and a function, a competitor, a title, a note and
a reason carry markup, so every rendering test is also an escaping test.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analysis.result import (
    AccountAnalysis,
    CoverageGap,
    HealthComponent,
    HiddenInfluencer,
    InfluenceScore,
    KeyPersonRisk,
    NextMove,
    OwnershipIssue,
    PathToPower,
    Person,
    Strength,
    ThreadsToPower,
)
from graph.model import (
    Account,
    Competitor,
    ConflictsWith,
    Favors,
    Influences,
    Knows,
    Ownership,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.network import to_networkx
from graph.store import AccountGraph

XSS_IMG = "<img src=x onerror=\"document.title='pwned'\">"
XSS_SCRIPT = "</script><script>alert(1)</script>"
AS_OF = dt.date(2025, 6, 30)


def _person(id_: str, name: str, seniority: str, function: str | None, **kw: object) -> Stakeholder:
    return Stakeholder(
        id=id_, account_id="acme", name=name, seniority=seniority, function=function, **kw
    )


def acme_graph() -> AccountGraph:
    """Acme: a king, a queen, rook, bishops, knight, pawns; four of ours; every line kind."""
    return AccountGraph(
        accounts=[Account(id="acme", name="Acme <Holdings> & Co")],
        stakeholders=[
            _person(
                "ceo",
                "Cy Cato",
                "c_level",
                "Executive",
                title="CEO",
                dmu_roles="decision_maker",
                stance="supporter",
                influence=5,
            ),
            _person(
                "cfo",
                XSS_IMG,
                "c_level",
                "Finance",
                title="CFO",
                dmu_roles="economic_buyer",
                stance="skeptic",
                influence=3,
            ),
            _person(
                "cto",
                "Tess Tran",
                "c_level",
                "IT",
                title="CTO",
                dmu_roles="technical_buyer",
                stance="champion",
                influence=3,
            ),
            _person(
                "vpops",
                XSS_SCRIPT,
                "vp",
                "<b>Operations</b>",
                title="VP <i>Ops</i>",
                dmu_roles="influencer",
                stance="opponent",
                influence=4,
                notes="<script>alert('note')</script>",
            ),
            _person("dirit", "Dana Diaz", "director", "it", dmu_roles="evaluator"),
            _person(
                "mgrfin",
                "Mo Malik",
                "manager",
                "Finance",
                dmu_roles="user_buyer",
                left_company=True,
            ),
            _person("eng", "Ivy Ito", "individual", "IT", dmu_roles="champion", stance="supporter"),
            _person("temp", "Pat Plain", "individual", None),
        ],
        team_members=[
            TeamMember(id="kim", name="Kim Lee", title="Key account manager"),
            TeamMember(id="sam", name="Sam Stone", title="SVP Sales", seniority="c_level"),
            TeamMember(id="sol", name="Sol Vega", title="Solution engineer"),
            TeamMember(id="ava", name="Ava Moss", title="Service lead"),
        ],
        competitors=[Competitor(id="rival", name="<i>Rival</i> & Co")],
        team=[
            TeamAssignment(member_id="kim", account_id="acme", role="quarterback"),
            TeamAssignment(member_id="sam", account_id="acme", role="exec_sponsor"),
            TeamAssignment(member_id="sol", account_id="acme", role="solution_engineer"),
            TeamAssignment(member_id="ava", account_id="acme", role="service"),
        ],
        knows=[
            Knows(member_id="kim", stakeholder_id="ceo", strength=4),
            Knows(member_id="kim", stakeholder_id="cfo", strength=1),
            Knows(member_id="kim", stakeholder_id="vpops", strength=2),
            Knows(member_id="sam", stakeholder_id="ceo", strength=3),
            Knows(member_id="sol", stakeholder_id="cto", strength=4),
            Knows(member_id="sol", stakeholder_id="dirit", strength=3),
            Knows(member_id="ava", stakeholder_id="eng", strength=2),
        ],
        reports_to=[
            ReportsTo(stakeholder_id="cfo", manager_id="ceo"),
            ReportsTo(stakeholder_id="cto", manager_id="ceo"),
            ReportsTo(stakeholder_id="vpops", manager_id="ceo"),
            ReportsTo(stakeholder_id="dirit", manager_id="cto"),
            ReportsTo(stakeholder_id="mgrfin", manager_id="cfo"),
            ReportsTo(stakeholder_id="eng", manager_id="dirit"),
        ],
        influences=[
            Influences(source_id="vpops", target_id="cfo", weight=4),
            Influences(source_id="eng", target_id="cto", weight=3),
        ],
        conflicts=[ConflictsWith(stakeholder_id="vpops", other_id="cto")],
        owners=[
            Ownership(member_id="kim", stakeholder_id="ceo"),
            Ownership(member_id="kim", stakeholder_id="cfo"),
            Ownership(member_id="sol", stakeholder_id="cto"),
        ],
        favors=[Favors(stakeholder_id="vpops", competitor_id="rival")],
    )


def acme_analysis(G: nx.MultiDiGraph) -> AccountAnalysis:
    """What ``graph.analysis.analyze`` might say about Acme, built by hand."""
    strengths = [
        Strength(
            member_id=u,
            stakeholder_id=v,
            strength=a["strength"],
            source="manual",
            last_contact=dt.date(2025, 6, 1) if u != "sam" else dt.date(2025, 1, 10),
            fading=u == "sam",
        )
        for u, v, k, a in G.edges(keys=True, data=True)
        if k == "knows"
    ]
    ranks = {"ceo": 1.0, "cfo": 0.6, "cto": 0.7, "vpops": 0.4, "dirit": 0.3, "eng": 0.2}
    return AccountAnalysis(
        account_id="acme",
        as_of=AS_OF,
        health_score=48,
        health_components=[
            HealthComponent(
                name="power_coverage",
                weight=30,
                score=50,
                explanation="1 of 2 power targets has a strong relationship",
            ),
            HealthComponent(
                name="freshness",
                weight=15,
                score=70,
                explanation=f"1 fading relationship ({XSS_IMG})",
            ),
        ],
        single_threaded=True,
        thread_carrier=Person(id="kim", side="ours"),
        strengths=strengths,
        threads_to_power=[
            ThreadsToPower(stakeholder_id="ceo", threads=2),
            ThreadsToPower(stakeholder_id="cfo", threads=0),
        ],
        coverage_gaps=[
            CoverageGap(
                stakeholder_id="cfo",
                kind="uncovered_power",
                severity=5,
                reason=f"{XSS_IMG} (economic buyer): best relationship 1.0 < 3",
            ),
            CoverageGap(
                stakeholder_id="vpops",
                kind="favors_competitor",
                severity=4,
                reason="favours a competitor, not hanging",
            ),
            CoverageGap(
                stakeholder_id=None,
                kind="missing_role",
                severity=3,
                reason="nobody identified as procurement",
            ),
        ],
        key_person_risks=[KeyPersonRisk(id="kim", side="ours", reason="carries every thread")],
        influence=[
            InfluenceScore(stakeholder_id=s, recorded=G.nodes[s]["influence"], computed=c)
            for s, c in ranks.items()
        ],
        hidden_influencers=[
            HiddenInfluencer(stakeholder_id="temp", computed_rank=0.6, reason="ranks high")
        ],
        paths_to_power=[
            PathToPower(target_id="cfo", path=["kim", "ceo", "cfo"], reason="via the CEO")
        ],
        ownership_issues=[
            OwnershipIssue(kind="unowned", subject_id="vpops", reason=f"{XSS_SCRIPT} has no owner")
        ],
        next_moves=[
            NextMove(
                action="Ask Cy Cato to introduce Sol to the CFO", reason="CFO hanging", priority=1
            ),
            NextMove(action="Meet Sam's contact again", reason="fading", priority=2),
        ],
    )


@pytest.fixture
def acme() -> tuple[nx.MultiDiGraph, AccountAnalysis]:
    """The Acme graph and its hand-built analysis."""
    G = to_networkx(acme_graph())
    return G, acme_analysis(G)


CHROMIUM = Path("/usr/bin/chromium")

# Injected first into a page under test: records errors, CSP violations, console.error and
# alert() calls, then after load (and the page's own checks in ``window.__probe``) writes
# everything as JSON into <pre id="probe-result">, which --dump-dom hands back.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { __errors.push("error: " + e.message); });
window.addEventListener("securitypolicyviolation", function (e) {
  __errors.push("csp: " + e.violatedDirective + " " + e.blockedURI);
});
console.error = function () { __errors.push("console: " + Array.from(arguments).join(" ")); };
window.alert = function (m) { __errors.push("alert: " + m); };
window.addEventListener("load", function () {
  setTimeout(function () {
    var out = {checks: null};
    try { out.checks = window.__probe ? window.__probe() : null; }
    catch (e) { __errors.push("probe: " + e.message); }
    out.errors = __errors;
    out.title = document.title;
    out.images = document.querySelectorAll("img").length;
    var pre = document.createElement("pre");
    pre.id = "probe-result";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }, 300);
});
</script>"""


@pytest.fixture
def browser(tmp_path: Path) -> Callable[[str, str], dict[str, Any]]:
    """Load a page in headless Chromium with ``PROBE`` (and ``checks``, a JS function body
    returning JSON) injected; returns what the probe recorded. Skips without Chromium."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser test skipped")

    def load(page: str, checks: str = "return null;") -> dict[str, Any]:
        probe = PROBE + f"<script>window.__probe = function () {{ {checks} }};</script>"
        head = page.index("<head>") + len("<head>")
        path = tmp_path / "page.html"
        path.write_text(page[:head] + probe + page[head:], encoding="utf-8")
        done = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             "--window-size=1600,1000", "--virtual-time-budget=5000", "--dump-dom",
             path.as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        found = re.search(r'<pre id="probe-result">(.*?)</pre>', done.stdout, re.S)
        assert found, f"the probe did not report; stderr: {done.stderr[-2000:]}"
        return json.loads(html.unescape(found.group(1)))

    return load


def generated_account(people: int) -> AccountGraph:
    """An account of ``people`` stakeholders from the board benchmark's generator
    (``bench/bench_board.py``'s ``account``), id ``people-N``."""
    path = Path(__file__).parents[2] / "bench" / "bench_board.py"
    spec = importlib.util.spec_from_file_location("bench_board", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.account(people, f"people-{people}")

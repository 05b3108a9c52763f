"""Exports: GraphML read back by NetworkX, CSV that imports back, a Cypher script that
recreates the store and passes Neo4j's linter, whatever the names hold."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.dialect import NEO4J
from graph.model import (
    Account,
    Competitor,
    Interaction,
    Portfolio,
    Stakeholder,
    TeamMember,
)
from graph.settings import Settings
from graph.store import GraphStore, open_store
from importers import exports, json_document, sheet
from importers.load import load

from ..graph.test_cypher import lint
from .conftest import store_json

runner = CliRunner()

#: Names that try to break out of a Cypher string, a CSV cell or a spreadsheet formula.
HOSTILE = [
    "x'}) DETACH DELETE n //",
    "x\\'}) DETACH DELETE n //",
    'back\\slash "quoted"',
    "two\nlines\r\nand\ttab",
    '=HYPERLINK("http://evil","click")',
    "'=1+1",
    "-2+3",
    "@SUM(A1)",
    "Zoë, Ünal; 李",
]


@pytest.fixture
def portfolio(small_portfolio: Portfolio) -> Portfolio:
    """The small portfolio plus a second account whose people have hostile names and notes
    (a name is one line: its line breaks and tabs are only in the notes)."""
    people = [
        Stakeholder(
            id=f"h{i}",
            account_id="evil",
            name=" ".join(text.split()),
            notes=text,
            dmu_roles=["blocker"],
        )
        for i, text in enumerate(HOSTILE)
    ]
    return small_portfolio.model_copy(
        update={
            "accounts": (
                *small_portfolio.accounts,
                Account(id="evil", name=HOSTILE[0], profit=-2.5),
            ),
            "stakeholders": (*small_portfolio.stakeholders, *people),
            "team_members": (*small_portfolio.team_members, TeamMember(id="ida", name=HOSTILE[1])),
            "competitors": (*small_portfolio.competitors, Competitor(id="idle", name="Idle Inc")),
            "interactions": (
                *small_portfolio.interactions,
                Interaction(
                    id="h-call",
                    account_id="evil",
                    date=dt.date(2026, 3, 1),
                    channel="call",
                    member_ids=["ida"],
                    stakeholder_ids=["h0", "h1"],
                    summary=HOSTILE[3],
                ),
            ),
        }
    )


def test_graphml_reads_back_with_networkx(store: GraphStore, portfolio: Portfolio) -> None:
    store.write(portfolio)
    graph = nx.read_graphml(io.StringIO(exports.graphml(store.read_portfolio(["acme"]))))

    assert sorted(graph.nodes) == [
        "Account:acme",
        "Competitor:rival",
        "Interaction:ix1",
        "Stakeholder:ceo",
        "Stakeholder:cto",
        "TeamMember:kim",
        "TeamMember:raj",
    ]
    assert graph.nodes["Stakeholder:ceo"] == {
        "kind": "Stakeholder",
        "label": "Zoë O'Neil",
        "account_id": "acme",
        "name": "Zoë O'Neil",
        "seniority": "c_level",
        "dmu_roles": "decision_maker;economic_buyer",
        "aliases": "",
        "influence": 5,
        "stance": "supporter",
        "inner_circle": False,
        "left_company": False,
    }
    assert graph.nodes["Account:acme"]["label"] == "Acme <GmbH>"
    assert graph.nodes["Account:acme"]["annual_revenue"] == 1.5e6
    assert graph.nodes["Stakeholder:cto"]["notes"] == "a\nb"
    assert sorted((u, v, d["type"]) for u, v, d in graph.edges(data=True)) == [
        ("Interaction:ix1", "Account:acme", "ABOUT"),
        ("Interaction:ix1", "Stakeholder:cto", "WITH"),
        ("Stakeholder:ceo", "Account:acme", "WORKS_AT"),
        ("Stakeholder:cto", "Account:acme", "WORKS_AT"),
        ("Stakeholder:cto", "Competitor:rival", "FAVORS"),
        ("Stakeholder:cto", "Stakeholder:ceo", "CONFLICTS_WITH"),
        ("Stakeholder:cto", "Stakeholder:ceo", "INFLUENCES"),
        ("Stakeholder:cto", "Stakeholder:ceo", "REPORTS_TO"),
        ("TeamMember:kim", "Account:acme", "ON_TEAM"),
        ("TeamMember:kim", "Interaction:ix1", "ATTENDED"),
        ("TeamMember:kim", "Stakeholder:cto", "KNOWS"),
        ("TeamMember:raj", "Interaction:ix1", "ATTENDED"),
        ("TeamMember:raj", "Stakeholder:ceo", "OWNS"),
    ]
    knows = graph.get_edge_data("TeamMember:kim", "Stakeholder:cto")
    assert list(knows.values()) == [
        {
            "type": "KNOWS",
            "label": "KNOWS",
            "strength": 4,
            "last_contact": "2026-10-01",
            "level": "credible_source",
        }
    ]
    lines = graph.get_edge_data("Stakeholder:cto", "Stakeholder:ceo")
    assert {d["type"]: d.get("weight") for d in lines.values()} == {
        "REPORTS_TO": None,
        "INFLUENCES": 4,
        "CONFLICTS_WITH": None,
    }
    assert len({key for _, _, key in graph.edges(keys=True)}) == graph.number_of_edges()


def test_graphml_keeps_hostile_text_and_drops_what_xml_cannot_hold(portfolio: Portfolio) -> None:
    bell = Stakeholder(id="bell", account_id="evil", name="ring\uffffring")  # a non-character
    text = exports.graphml(portfolio.model_copy(update={"stakeholders": (bell,)}))
    graph = nx.read_graphml(io.StringIO(exports.graphml(portfolio)))
    assert [graph.nodes[f"Stakeholder:h{i}"]["notes"] for i in range(len(HOSTILE))] == [
        text.replace("\r\n", "\n") for text in HOSTILE
    ]
    assert nx.read_graphml(io.StringIO(text)).nodes["Stakeholder:bell"]["label"] == "ringring"


@pytest.mark.parametrize("accounts", [None, ["evil"]])
def test_csv_export_imports_back_identically(
    store: GraphStore, portfolio: Portfolio, tmp_path: Path, accounts: list[str] | None
) -> None:
    store.write(portfolio)
    exported = store.read_portfolio(accounts)
    exports.write_csv(exported, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{s.name}.csv" for s in sheet.SHEETS
    )
    store.delete_everything()

    report = load(store, sheet.read(tmp_path / "out"))

    assert report.warnings == []
    assert store_json(store) == json_document.dumps(exported)
    again = load(store, sheet.read(tmp_path / "out"))
    assert all(c.created == c.updated == 0 for c in again.nodes.values())


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(
    portfolio: Portfolio, tmp_path: Path
) -> None:
    exports.write_csv(portfolio, tmp_path / "out")
    text = (tmp_path / "out" / "stakeholders.csv").read_text(encoding="utf-8-sig")
    assert '\nh4,evil,"\'=HYPERLINK(""http://evil"",""click"")",,' in text
    assert "\nh5,evil,''=1+1,," in text
    assert "\nh6,evil,'-2+3,," in text
    accounts = (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8-sig")
    assert accounts.endswith("evil,x'}) DETACH DELETE n //,,,,-2.5,,,,,,\n")  # a number, unquoted


def test_the_cypher_script_recreates_the_store(store: GraphStore, portfolio: Portfolio) -> None:
    store.write(portfolio)
    before = store_json(store)
    script = exports.cypher_script(store.read_portfolio())
    store.delete_everything()

    for statement in script.split(";\n")[:-1]:
        assert "\n" not in statement
        # The constraints are the Neo4j schema the store itself ensures when it opens
        # (the embedded engine has its own indexes); Neo4j refuses DDL in a write.
        if statement.startswith("CREATE CONSTRAINT"):
            assert statement in NEO4J.schema_statements
        else:
            store.engine.run(statement, {}, write=True)

    assert store_json(store) == before


def test_the_cypher_script_passes_the_neo4j_5_lint(portfolio: Portfolio) -> None:
    lines = exports.cypher_script(portfolio).split(";\n")[:-1]
    assert lines[0].startswith("CREATE CONSTRAINT account_id IF NOT EXISTS")
    assert (
        "MERGE (n:Stakeholder {id: 'h0'}) SET n += {account_id: 'evil', "
        "name: 'x\\'}) DETACH DELETE n //', seniority: 'individual', dmu_roles: ['blocker'], "
        "stance: 'neutral', inner_circle: false, left_company: false, aliases: [], "
        "notes: 'x\\'}) DETACH DELETE n //'}"
    ) in lines
    assert (
        "MERGE (n:Stakeholder {id: 'h1'}) SET n += {account_id: 'evil', "
        "name: 'x\\\\\\'}) DETACH DELETE n //'"
    ) in "\n".join(lines)
    found = lint({f"{i}: {s}": s for i, s in enumerate(lines)})
    assert {name: d for name, d in found.items() if d} == {}


def test_cli_exports(data_dir: Path, portfolio: Portfolio, tmp_path: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        opened.write(portfolio)
        evil = json_document.dumps(opened.read_portfolio(["evil"]))

    graphml = runner.invoke(
        app, [*store, "export", "graphml", "-a", "evil", "-o", str(tmp_path / "g.graphml")]
    )
    assert graphml.exit_code == 0, graphml.output
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == 12

    cypher = runner.invoke(app, [*store, "export", "cypher", "-a", "acme"])
    assert cypher.exit_code == 0, cypher.output
    assert "MERGE (n:Account {id: 'acme'}) SET n += {name: 'Acme <GmbH>'" in cypher.output
    assert "'evil'" not in cypher.output

    folder = tmp_path / "csv"
    written = runner.invoke(app, [*store, "export", "csv", "-a", "evil", "-o", str(folder)])
    assert written.exit_code == 0, written.output
    assert f"wrote {folder}" in written.output
    other = ["--store", f"embedded:{tmp_path / 'other'}"]
    imported = runner.invoke(app, [*other, "import", "sheet", str(folder)])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, [*other, "export", "json"]).output == evil

    missing = runner.invoke(app, [*store, "export", "cypher", "-a", "nope"])
    assert missing.exit_code == 3
    assert "error: no account with id 'nope'" in missing.output

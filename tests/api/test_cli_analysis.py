"""`kamgraph analyze`: the report, the JSON, and clear errors, on the embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.model import (
    Account,
    Knows,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.settings import Settings
from graph.store import open_store

from ..conftest import write_recorded

runner = CliRunner()


@pytest.fixture
def store_arg(data_dir: Path) -> list[str]:
    """A store holding one small account, "acme": Kim knows the CTO, who reports to the CEO."""
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        write_recorded(
            store,
            Portfolio(
                accounts=[Account(id="acme", name="Acme")],
                stakeholders=[
                    Stakeholder(
                        id="ceo",
                        account_id="acme",
                        name="Cy",
                        title="CEO",
                        seniority="c_level",
                        dmu_roles="decision_maker",
                    ),
                    Stakeholder(id="cto", account_id="acme", name="Ty", title="CTO"),
                ],
                team_members=[TeamMember(id="kim", name="Kim")],
                team=[TeamAssignment(member_id="kim", account_id="acme", role="quarterback")],
                knows=[Knows(member_id="kim", stakeholder_id="cto", strength=4)],
                reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
            ),
        )
    return ["--store", f"embedded:{data_dir}"]


def test_the_report_shows_every_part(store_arg: list[str]) -> None:
    result = runner.invoke(app, [*store_arg, "analyze", "acme", "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("account Acme as of 2026-11-25\n")
    for heading in (
        "health ",
        "single-threaded: yes, carried by Kim (ours)",
        "threads to power:\n  Cy (CEO): 1 (fragile, none direct)",
        "coverage gaps:\n  [5] missing_role: nobody is identified as the economic buyer",
        "paths to power:\n  Cy (CEO): Kim (ours) → Ty (CTO) → Cy (CEO)",
        "key people:\n  Kim (ours): Quarterback Kim carries every strong relationship",
        "hidden influencers:\n  none",
        "ownership issues:",
        "next moves:\n  1. ",
    ):
        assert heading in out
    for id_ in ("kim", "ceo", "cto"):  # ids are for --json; people read names
        assert f" {id_}" not in out and f"{id_}:" not in out


def test_json_is_one_object_with_the_documented_keys(store_arg: list[str]) -> None:
    result = runner.invoke(app, [*store_arg, "analyze", "acme", "--as-of", "2026-11-25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["account_id"] == "acme" and data["as_of"] == "2026-11-25"
    assert data["single_threaded"] is True
    assert data["thread_carrier"] == {"id": "kim", "side": "ours"}
    assert data["threads_to_power"] == [{"stakeholder_id": "ceo", "threads": 1, "direct": 0}]
    assert [(r["id"], r["side"]) for r in data["key_person_risks"]] == [
        ("kim", "ours"),
        ("cto", "customer"),
    ]
    for key in ("health_score", "coverage_gaps", "hidden_influencers", "ownership_issues"):
        assert key in data
    assert {"action", "reason"} <= set(data["next_moves"][0])


def test_as_of_defaults_to_today(store_arg: list[str]) -> None:
    import datetime as dt

    result = runner.invoke(app, [*store_arg, "analyze", "acme", "--json"])
    assert json.loads(result.output)["as_of"] == dt.date.today().isoformat()


def test_an_unknown_account_is_a_message_and_exit_code(data_dir: Path) -> None:
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", "analyze", "nope"])
    assert result.exit_code == 3
    assert "error: no account with id 'nope'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("bad", ["2026-13-01", "25.11.2026", "tomorrow"])
def test_a_bad_as_of_is_a_clear_error(data_dir: Path, bad: str) -> None:
    result = runner.invoke(
        app, ["--store", f"embedded:{data_dir}", "analyze", "acme", "--as-of", bad]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--as-of'" in result.output
    assert bad in result.output


def test_on_the_sample_portfolio(data_dir: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    assert runner.invoke(app, [*store, "demo"]).exit_code == 0
    helix = runner.invoke(app, [*store, "analyze", "helix", "--as-of", "2026-11-25", "--json"])
    assert helix.exit_code == 0, helix.output
    assert json.loads(helix.output)["thread_carrier"] == {"id": "tm-jonas", "side": "ours"}
    orbital = runner.invoke(app, [*store, "analyze", "orbital", "--as-of", "2026-11-25"])
    assert orbital.exit_code == 0, orbital.output
    assert (
        "Hannah Schubert (COO): Maria González (ours) → Rajesh Iyer (Director of Operations)"
        " → Hannah Schubert (COO)" in orbital.output
    )
    assert "orb-" not in orbital.output and "tm-" not in orbital.output
    # nobody of ours knows the COO: three threads through colleagues are not "resilient"
    assert "Hannah Schubert (COO): 3 (through colleagues only, none direct)" in orbital.output
    text = runner.invoke(app, [*store, "analyze", "helix", "--as-of", "2026-11-25"]).output
    assert "single-threaded: yes, carried by Jonas Lindqvist (ours)" in text
    assert "Dr. Rachel Adeyemi (CEO): 1 (fragile, none direct)" in text

"""kamgraph JSON: a lossless round trip, and bad documents rejected whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import InvalidData
from graph.model import Account, Portfolio
from graph.settings import Settings
from graph.store import GraphStore, open_store
from importers import json_document
from importers.load import load

from .conftest import store_json

runner = CliRunner()


def test_export_import_export_is_identical(
    store: GraphStore, engine_dir: Path, small_portfolio: Portfolio, tmp_path: Path
) -> None:
    store.write(small_portfolio)
    first = store_json(store)
    (tmp_path / "all.json").write_text(first, encoding="utf-8")
    store.delete_everything()
    report = load(store, json_document.read(tmp_path / "all.json"))
    assert report.nodes["stakeholders"].created == 2
    assert store_json(store) == first
    again = load(store, json_document.read(tmp_path / "all.json"))
    assert {kind: c.unchanged for kind, c in again.nodes.items()} == {
        "accounts": 1,
        "team_members": 2,
        "competitors": 1,
        "stakeholders": 2,
        "interactions": 1,
    }
    assert store_json(store) == first


def test_the_round_trip_holds_after_someone_moves_to_another_account(
    sample_store: GraphStore, tmp_path: Path
) -> None:
    cfo = next(s for s in sample_store.account_graph("helix").stakeholders if s.id == "hx-cfo")
    sample_store.write(Portfolio(stakeholders=[cfo.model_copy(update={"account_id": "northwind"})]))
    first = store_json(sample_store)
    helix_meetings = Portfolio.model_validate_json(first).interactions
    assert any("hx-cfo" in i.stakeholder_ids for i in helix_meetings)  # history stays
    (tmp_path / "all.json").write_text(first, encoding="utf-8")
    sample_store.delete_everything()
    load(sample_store, json_document.read(tmp_path / "all.json"))
    assert store_json(sample_store) == first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "bad.json line 1: not valid JSON: Expecting property name enclosed in double quotes"),
        (
            '{"accounts": [{"id": "a", "name": "A", "tier": "platinum"}]}',
            "bad.json, column accounts[0] (id 'a').tier, value 'platinum': "
            "Input should be 'gold', 'silver' or 'bronze'",
        ),
        (
            '{"stakeholders": [{"id": "s", "account_id": "a", "name": "S", "influence": 9}]}',
            "bad.json, column stakeholders[0] (id 's').influence, value '9': "
            "Input should be less than or equal to 5",
        ),
    ],
)
def test_a_bad_document_names_where(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "bad.json").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        json_document.read(tmp_path / "bad.json")
    assert caught.value.problems == [expected]


def test_cli_round_trip_and_a_dangling_reference_changes_nothing(
    data_dir: Path, small_portfolio: Portfolio, tmp_path: Path
) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        opened.write(small_portfolio)
    exported = runner.invoke(app, [*store, "export", "json", "-o", str(tmp_path / "a.json")])
    assert exported.exit_code == 0, exported.output
    before = (tmp_path / "a.json").read_text(encoding="utf-8")
    dry = runner.invoke(app, [*store, "import", "json", "--dry-run", str(tmp_path / "a.json")])
    assert dry.exit_code == 0, dry.output
    assert "would import" in dry.output and "2 unchanged" in dry.output
    broken = before.replace('"manager_id": "ceo"', '"manager_id": "nobody"')
    (tmp_path / "b.json").write_text(broken, encoding="utf-8")
    failed = runner.invoke(app, [*store, "import", "json", str(tmp_path / "b.json")])
    assert failed.exit_code == 2
    assert "unknown stakeholder 'nobody'" in failed.output
    after = runner.invoke(app, [*store, "export", "json"])
    assert after.output == before


def test_the_cli_names_who_moved_account_and_the_lines_that_dropped(
    store_settings: Settings, small_portfolio: Portfolio, tmp_path: Path
) -> None:
    with open_store(store_settings) as opened:
        opened.write(small_portfolio)
    cto = next(s for s in small_portfolio.stakeholders if s.id == "cto")
    moved = Portfolio(
        accounts=[Account(id="beta", name="Beta")],
        stakeholders=[cto.model_copy(update={"account_id": "beta"})],
    )
    (tmp_path / "moved.json").write_text(json_document.dumps(moved), encoding="utf-8")
    result = runner.invoke(
        app, ["--store", store_settings.store, "import", "json", str(tmp_path / "moved.json")]
    )
    assert result.exit_code == 0, result.output
    assert "  stakeholders         0 new       1 changed       0 unchanged" in result.output
    assert (
        "  moved cto from acme to beta; dropped 3 lines: conflicts cto → ceo, "
        "influences cto → ceo, reports_to cto → ceo\n" in result.output
    )

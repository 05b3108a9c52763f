"""The store's version: every write of data moves it, on every engine and from any process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from graph.access import Role, Token
from graph.errors import InvalidData
from graph.model import Account, Portfolio, ReportsTo, Stakeholder
from graph.settings import Settings
from graph.store import GraphStore, open_store

from ..conftest import write_recorded


def acme() -> Portfolio:
    return Portfolio(
        accounts=[Account(id="acme", name="Acme")],
        stakeholders=[
            Stakeholder(id="ceo", account_id="acme", name="Cy"),
            Stakeholder(id="cfo", account_id="acme", name="Fi"),
        ],
        reports_to=[ReportsTo(stakeholder_id="cfo", manager_id="ceo")],
    )


def empty_block(store: GraphStore) -> None:
    with store.atomic():
        pass


WRITES: dict[str, Callable[[GraphStore], object]] = {
    "an import changing nothing": lambda s: s.write(acme()),
    "a new record": lambda s: s.write(Portfolio(accounts=[Account(id="b", name="B")])),
    "a delete": lambda s: s.delete_stakeholder("cfo"),
    "a line dropped": lambda s: s.drop_reporting_line("cfo"),
    "an erasure": lambda s: s.erase_stakeholder("cfo"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_moves_the_version(
    store: GraphStore, write: Callable[[GraphStore], object]
) -> None:
    assert store.version() == ""  # nothing written yet: nothing to cache by
    write_recorded(store, acme())
    before = store.version()
    assert before and store.version() == before  # reading it changes nothing
    write(store)
    assert store.version() not in ("", before)


def test_what_changes_no_data_leaves_the_version(store: GraphStore) -> None:
    """A refused write lands nothing; a block that writes nothing (a dry run) moves nothing;
    tokens and the session secret are not data."""
    write_recorded(store, acme())
    before = store.version()
    empty_block(store)
    with store.atomic() as target:
        target.check(acme())  # what a dry run does
    with pytest.raises(InvalidData):
        store.write(Portfolio(stakeholders=[Stakeholder(id="x", account_id="nope", name="X")]))
    token = Token(id="t1", member_id="admin", role=Role.admin, created_at="2025-01-01T00:00:00Z")
    store.add_token(token, "0" * 64)
    store.revoke_token("t1")
    store.session_secret()
    assert store.version() == before


def test_an_emptied_store_never_repeats_a_version(store: GraphStore) -> None:
    """A store emptied and written again as often shows other numbers (another epoch)."""
    write_recorded(store, acme())
    first = store.version()
    store.delete_everything()
    assert store.version() == ""
    write_recorded(store, acme())
    assert store.version() != first


def test_another_process_writing_moves_the_version(store_settings: Settings) -> None:
    with open_store(store_settings) as store:
        write_recorded(store, acme())
        before = store.version()
        env = {**os.environ, "KAMGRAPH_STORE": store_settings.store}
        code = (
            "from api.service import load_sample\n"
            "from graph.settings import Settings\n"
            "from graph.store import open_store\n"
            "with open_store(Settings.from_env()) as store:\n"
            "    load_sample(store)\n"
        )
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
        assert store.version() not in ("", before)


def test_listing_only_the_accounts_a_caller_sees(store: GraphStore) -> None:
    write_recorded(store, acme())
    store.write(Portfolio(accounts=[Account(id="b", name="Beta")]))
    assert [s.account.id for s in store.list_accounts(visible=frozenset({"b", "gone"}))] == ["b"]
    assert [s.account.id for s in store.list_accounts("a", visible=frozenset())] == []
    assert [s.account.id for s in store.list_accounts(visible=None)] == ["acme", "b"]

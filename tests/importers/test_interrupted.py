"""Imports as real processes: killed at any moment they change nothing; two at once take turns."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.engine_embedded import GRAPH_NAME, STAGING_SUFFIX, STATE_FILE, is_engine_of
from graph.model import Account, Portfolio, ReportsTo, Stakeholder
from graph.settings import Settings
from graph.store import open_store
from importers import salesforce

from .conftest import store_json

ROOT = Path(__file__).resolve().parents[2]

#: Imports a Salesforce folder or a JSON document (argv: store, importer, path),
#: pausing after each batch (checked, then written) until a line on stdin says go on:
#: the test kills it, or lets another import run, at a chosen pause.
DRIVER = """
import sys
from pathlib import Path

from graph.settings import Settings
from graph.store import open_store
from importers import json_document, salesforce
from importers.load import load


def paused(records: int) -> None:
    print("batch", flush=True)
    sys.stdin.readline()


store_spec, importer, path = sys.argv[1:]
parsed = {"salesforce": salesforce, "json": json_document}[importer].read(Path(path))
with open_store(Settings.from_env(store_spec)) as store:
    load(store, parsed, on_batch=paused, on_wait=lambda: print("waiting", flush=True))
print("done", flush=True)
"""


@dataclass(frozen=True)
class Export:
    folder: Path
    batches: int


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Export:
    """A Salesforce export of 1,000 contacts from the import benchmark's generator."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench/bench_import.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "bench"))  # the benches import their results module
    try:
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path_factory.mktemp("export")
    bench.generate(folder, 1000)
    return Export(folder, sum(1 for _ in salesforce.read(folder).batches()))


#: What the store holds before: an account the export renames, and one it does not know.
BEFORE = Portfolio(
    accounts=[
        Account(id="001000000000000AAA", name="Before, Inc."),
        Account(id="other", name="Other"),
    ],
    stakeholders=[Stakeholder(id="x", account_id="other", name="X")],
)


def start_driver(settings: Settings, importer: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, settings.store, importer, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def go_on(driver: subprocess.Popen[str], times: int = 1) -> None:
    assert driver.stdin
    driver.stdin.write("\n" * times)
    driver.stdin.flush()


def pause_at(driver: subprocess.Popen[str], callback: int) -> None:
    """Let the driver run until it pauses after its ``callback``-th batch."""
    assert driver.stdin and driver.stdout
    for n in range(1, callback + 1):
        assert driver.stdout.readline() == "batch\n", driver.communicate()[1]
        if n < callback:
            go_on(driver)


def staged_copy_exists(settings: Settings) -> bool:
    with open_store(settings) as store:
        return bool(store.engine.execute_command("EXISTS", GRAPH_NAME + STAGING_SUFFIX))


#: Pauses after: the first batch checked and written (the staged copy exists), every
#: batch (all but the publishing write).
MOMENTS = {"first write": lambda n: 1, "all written": lambda n: n}


@pytest.mark.parametrize("moment", MOMENTS)
def test_an_import_killed_at_any_moment_leaves_the_store_as_it_was(
    store_settings: Settings, export: Export, moment: str
) -> None:
    with open_store(store_settings) as store:
        store.write(BEFORE)
        before = store_json(store)
    driver = start_driver(store_settings, "salesforce", export.folder)
    try:
        pause_at(driver, MOMENTS[moment](export.batches))
        if not store_settings.is_neo4j:
            assert staged_copy_exists(store_settings)
    finally:
        driver.kill()
        driver.communicate()
    with open_store(store_settings) as store:
        assert store_json(store) == before
        if not store_settings.is_neo4j:  # the next process to attach dropped the copy
            assert not store.engine.execute_command("EXISTS", GRAPH_NAME + STAGING_SUFFIX)


def test_an_import_whose_engine_is_killed_leaves_the_store_as_it_was(
    data_dir: Path, export: Export
) -> None:
    settings = Settings(store=f"embedded:{data_dir}")
    with open_store(settings) as store:
        store.write(BEFORE)
        before = store_json(store)
    driver = start_driver(settings, "salesforce", export.folder)
    try:
        pause_at(driver, 2)  # two batches written on the staged copy
        pid = int(json.loads((data_dir / STATE_FILE).read_text())["pid"])
        os.kill(pid, signal.SIGKILL)
        while is_engine_of(pid, data_dir.resolve()):
            time.sleep(0.05)
        go_on(driver, export.batches)
        _, err = driver.communicate(timeout=60)
    finally:
        driver.kill()
    assert driver.returncode != 0
    assert "stopped answering" in err
    with open_store(settings) as store:  # a new engine, from the append-only file
        assert store_json(store) == before
        assert not store.engine.execute_command("EXISTS", GRAPH_NAME + STAGING_SUFFIX)


@pytest.fixture
def crossed(store_settings: Settings, tmp_path: Path) -> list[Path]:
    """A store with a and b at acme, and two documents: a reports to b; b reports to a."""
    people = [Stakeholder(id=i, account_id="acme", name=i) for i in ("a", "b")]
    with open_store(store_settings) as store:
        store.write(Portfolio(accounts=[Account(id="acme", name="Acme")], stakeholders=people))
    documents = []
    for person, manager in (("a", "b"), ("b", "a")):
        document = tmp_path / f"{person}.json"
        line = ReportsTo(stakeholder_id=person, manager_id=manager)
        document.write_text(Portfolio(stakeholders=people, reports_to=[line]).model_dump_json())
        documents.append(document)
    return documents


def test_an_import_cannot_write_between_the_checks_and_the_write_of_another(
    store_settings: Settings, crossed: list[Path]
) -> None:
    """The second import starts while the first has checked a → b but not yet written it."""
    first = start_driver(store_settings, "json", crossed[0])
    pause_at(first, 1)  # checked
    second = start_driver(store_settings, "json", crossed[1])
    try:
        assert second.stdout
        said = second.stdout.readline()  # "batch" had it checked b → a beside the first
        go_on(first, 2)
        first.communicate(timeout=120)
        go_on(second, 2)
        second.communicate(timeout=120)
    finally:
        first.kill()
        second.kill()
    assert (first.returncode, second.returncode) == (0, 1)
    with open_store(store_settings) as store:
        assert store.account_graph("acme").reports_to == (
            ReportsTo(stakeholder_id="a", manager_id="b"),
        )
    assert said == "waiting\n"


def test_an_import_waits_for_another_writer_saying_so(
    store_settings: Settings, crossed: list[Path]
) -> None:
    """Two `kamgraph import` commands while the store is busy: both wait, then one is refused."""
    kamgraph = [sys.executable, "-m", "api.cli", "--store", store_settings.store]
    waiting = "waiting for another import into {} to finish…\n"
    with open_store(store_settings) as holder, holder.atomic():  # another writer, busy
        runs = [
            subprocess.Popen(
                [*kamgraph, "import", "json", str(document)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for document in crossed
        ]
        for run in runs:  # both wait for the lock
            assert run.stderr
            assert run.stderr.readline() == waiting.format(holder.describe())
    results = [run.communicate(timeout=120) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 2], results
    refused = next(err for run, (_, err) in zip(runs, results, strict=True) if run.returncode)
    assert "reporting lines form a cycle" in refused
    with open_store(store_settings) as store:
        assert len(store.account_graph("acme").reports_to) == 1

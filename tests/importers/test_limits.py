"""Limits on an input's size, each refused before the input is read, naming the limit and
the variable that raises it."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from importers import sheet

runner = CliRunner()

ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def bomb(path: Path, unpacked_mb: int) -> Path:
    """The template workbook whose accounts sheet unpacks to ``unpacked_mb`` MB of rows
    (about 3 MB on disk for 1 GB): valid XML, so only its size is wrong."""
    sheet.write_template(path.with_name("good.xlsx"), example=True)
    chunk = ROW * ((1 << 20) // len(ROW))
    with (
        zipfile.ZipFile(path.with_name("good.xlsx")) as good,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for name in good.namelist():
            if name != "xl/worksheets/sheet2.xml":
                out.writestr(name, good.read(name))
                continue
            head, _, tail = good.read(name).partition(b"</sheetData>")
            with out.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(unpacked_mb):
                    part.write(chunk)
                part.write(b"</sheetData>" + tail)
    return path


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", 1024)


def test_a_workbook_unpacking_to_a_gigabyte_is_refused_unread(
    gigabyte_bomb: Path, data_dir: Path
) -> None:
    assert gigabyte_bomb.stat().st_size < 4 * 2**20
    result = runner.invoke(
        app, ["--store", f"embedded:{data_dir}", "import", "sheet", str(gigabyte_bomb)]
    )
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: bomb.xlsx: 1 problem:\n"
        "  - bomb.xlsx: unpacks to 1,024 MB, more than the limit of 256 MB "
        "(set KAMGRAPH_MAX_WORKBOOK_MB to raise the limit); not read\n"
    )


def test_refusing_the_bomb_stays_small(gigabyte_bomb: Path, data_dir: Path) -> None:
    """A process of its own, so its peak memory is the refusal's alone (reading it used 1.4 GB).

    The peak is the process's own VmHWM: getrusage's ru_maxrss starts a child at its
    parent's peak (Linux carries it over fork and exec), which made this test fail after
    a memory-hungry test earlier in the run."""
    measure = (
        "from api.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "    print(exit.code, status)\n"
    )
    args = ["--store", f"embedded:{data_dir}", "import", "sheet", str(gigabyte_bomb)]
    done = subprocess.run(
        [sys.executable, "-c", measure, *args], capture_output=True, text=True, check=True
    )
    code, peak_kb = done.stdout.split()
    assert code == "2", done.stderr
    assert int(peak_kb) < 300 * 1024


def test_the_limit_is_raised_by_its_variable(tmp_path: Path, data_dir: Path) -> None:
    small = bomb(tmp_path / "small.xlsx", 3)
    store = ["--store", f"embedded:{data_dir}"]
    refused = runner.invoke(
        app, [*store, "import", "sheet", str(small)], env={"KAMGRAPH_MAX_WORKBOOK_MB": "2"}
    )
    assert refused.exit_code == 2
    assert "unpacks to 3 MB, more than the limit of 2 MB" in refused.output
    read = runner.invoke(
        app, [*store, "import", "sheet", str(small)], env={"KAMGRAPH_MAX_WORKBOOK_MB": "4"}
    )
    assert read.exit_code == 2  # read, and refused for what it holds: rows without names
    assert "small.xlsx [accounts] line 3, column name: a value is required" in read.output


def test_a_zip_that_understates_its_size_is_cut_at_the_stated_size(
    tmp_path: Path, data_dir: Path
) -> None:
    """The zip's directory says 1 KB, the data unpacks to 20 MB: reading stops at 1 KB."""
    path = bomb(tmp_path / "liar.xlsx", 20)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/worksheets/sheet2.xml")
        directory = archive.start_dir
    entry = data.index(b"PK\x01\x02", directory)  # the central directory's entries
    while data[entry + 46 : entry + 46 + len(part.filename)] != part.filename.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, 1024)  # its uncompressed size
    path.write_bytes(bytes(data))
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", "import", "sheet", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.endswith(
        "  - liar.xlsx: not a readable Excel workbook "
        "(Bad CRC-32 for file 'xl/worksheets/sheet2.xml')\n"
    )


def test_rows_beyond_the_limit_are_refused(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,name\na,A\nb,B\nc,C\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["--store", f"embedded:{data_dir}", "import", "sheet", str(folder)],
        env={"KAMGRAPH_MAX_SHEET_ROWS": "2"},
    )
    assert result.exit_code == 2, result.output
    assert (
        "  - accounts.csv line 4: more than 2 rows, the limit "
        "(set KAMGRAPH_MAX_SHEET_ROWS to raise the limit); not read further\n" in result.output
    )


def test_the_json_depth_limit_is_raised_by_its_variable(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "a.json").write_text('{"accounts": [{"id": "a", "name": "A"}]}', encoding="utf-8")
    store = ["--store", f"embedded:{data_dir}"]
    args = [*store, "import", "json", "--dry-run", str(tmp_path / "a.json")]
    refused = runner.invoke(app, args, env={"KAMGRAPH_MAX_JSON_DEPTH": "2"})
    assert refused.exit_code == 2
    assert "nested more than 2 deep, the limit (set KAMGRAPH_MAX_JSON_DEPTH" in refused.output
    assert runner.invoke(app, args, env={"KAMGRAPH_MAX_JSON_DEPTH": "3"}).exit_code == 0


def test_a_bad_limit_is_a_configuration_error(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "a.json").write_text('{"accounts": [{"id": "a", "name": "A"}]}', encoding="utf-8")
    result = runner.invoke(
        app,
        ["--store", f"embedded:{data_dir}", "import", "json", str(tmp_path / "a.json")],
        env={"KAMGRAPH_MAX_JSON_DEPTH": "deep"},
    )
    assert result.exit_code == 4
    assert "error: KAMGRAPH_MAX_JSON_DEPTH: Input should be a valid integer" in result.output


def test_an_input_is_not_read_past_a_thousand_problems(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    rows = "".join(f"a{i},A,platinum\n" for i in range(5000))
    (folder / "accounts.csv").write_text("id,name,tier\n" + rows, encoding="utf-8")
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", "import", "sheet", str(folder)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "error: sheets: 1001 problems:"
    assert lines[1].startswith("  - accounts.csv line 2, column tier, value 'platinum'")
    assert lines[-1] == "  - not read further after 1,000 problems: fix these first"

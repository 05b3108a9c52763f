"""The static SVG board: well-formed, A4 landscape, every piece and line, escaped."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph.analysis import analyze
from graph.analysis.result import AccountAnalysis
from graph.model import Seniority, Stance
from graph.network import to_networkx
from visual import board_svg
from visual.board import STANCE_COLOURS, LineKind

from .conftest import XSS_IMG, XSS_SCRIPT, generated_account

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]
NS = {"svg": "http://www.w3.org/2000/svg"}


def test_svg_is_a4_landscape_pages_and_well_formed(acme: Acme) -> None:
    root = ET.fromstring(board_svg.render(*acme))
    _, _, width, height = map(float, root.get("viewBox").split())
    mm_w, mm_h = (float(root.get(k).removesuffix("mm")) for k in ("width", "height"))
    assert mm_w % 297 == 0 and mm_h % 210 == 0  # whole A4 landscape pages
    assert int(root.get("data-pages")) == mm_w // 297 * (mm_h // 210)
    assert abs(width / height - mm_w / mm_h) < 0.01
    # No text under 6 pt at that size: the smallest font (px) times mm per px.
    sizes = [float(m) for m in re.findall(r"font-size:([\d.]+)px", root.find("svg:style", NS).text)]
    assert min(sizes) * mm_w / width * 72 / 25.4 >= 6
    assert root.find("svg:script", NS) is None


def test_every_person_is_a_piece_and_every_relationship_a_line(acme: Acme) -> None:
    G, _ = acme
    root = ET.fromstring(board_svg.render(*acme))
    pieces = {g.get("data-id"): g for g in root.iterfind(".//svg:g[@class='piece']", NS)}
    assert set(pieces) == set(G.nodes)
    for n, a in G.nodes(data=True):
        if a["kind"] != "stakeholder":
            continue
        g = pieces[n]
        assert g.get("data-rank") == str(Seniority(a["seniority"]).rank)
        assert (
            g.find("svg:circle[@class='disc']", NS).get("fill")
            == STANCE_COLOURS[Stance(a["stance"])]
        )
        glyph = g.find("svg:text[@class='glyph']", NS).text
        assert g.find("svg:title", NS).text.startswith(f"{glyph} {a['name']}")
    assert pieces["ceo"].find("svg:text[@class='glyph']", NS).text == "♚"
    assert pieces["cfo"].get("data-hanging") == "true"
    assert pieces["kim"].get("data-carrier") == "true"
    lines = {
        (p.get("data-kind"), p.get("data-from"), p.get("data-to"))
        for p in root.iterfind(".//svg:path[@class='line']", NS)
    }
    for u, v, key in G.edges(keys=True):
        if key in set(LineKind):
            assert (key, u, v) in lines


def test_user_text_is_text(acme: Acme) -> None:
    svg = board_svg.render(*acme)
    assert XSS_IMG not in svg and XSS_SCRIPT not in svg
    texts = [t.text for t in ET.fromstring(svg).iter() if t.text]
    assert any(XSS_IMG in t for t in texts) and any(XSS_SCRIPT in t for t in texts)
    assert "<b>Operations</b>" in texts and any("Acme <Holdings> & Co" in t for t in texts)


@pytest.mark.parametrize(("people", "pages"), [(25, 4), (80, 4)])
def test_a_large_board_grows_pages_and_keeps_text_at_6pt(people: int, pages: int) -> None:
    G = to_networkx(generated_account(people))
    root = ET.fromstring(board_svg.render(G, analyze(G, as_of=dt.date(2026, 6, 30))))
    _, _, width, _ = map(float, root.get("viewBox").split())
    mm_w = float(root.get("width").removesuffix("mm"))
    assert int(root.get("data-pages")) == pages
    style = root.find("svg:style", NS).text
    assert min(float(m) for m in re.findall(r"font-size:([\d.]+)px", style)) * mm_w / width >= (
        6 * 25.4 / 72
    )
    names = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "name"]
    assert sorted(names) == sorted(n["name"] for _, n in G.nodes(data=True))  # one line each

"""Escaping: user text is never markup, in HTML, SVG or a <script>."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from visual.escape import esc, script_json

HOSTILE = [
    "<img src=x onerror=\"document.title='pwned'\">",
    "</script><script>alert(1)</script>",
    "<!-- comment -->",
    "a & b ' \" > <",
    "bell\x07 and nul\x00 and \ud800 surrogate",
    "\u2028line\u2029separators",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_esc_round_trips_through_xml_as_text(text: str) -> None:
    element = ET.fromstring(f'<t a="{esc(text)}">{esc(text)}</t>')
    assert element.text == element.get("a")
    assert "<" not in esc(text) and ">" not in esc(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_close_the_script(text: str) -> None:
    island = script_json({"name": text, "list": [text]})
    assert "<" not in island and ">" not in island and "\u2028" not in island
    # Only lone surrogates (not text, and unencodable) are replaced.
    assert json.loads(island)["name"] == text.replace("\ud800", "\ufffd")

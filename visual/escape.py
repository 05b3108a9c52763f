"""Escaping for every place a user string lands: HTML/SVG text and attributes, JSON in <script>.

Names, titles, notes, ids, function and competitor names are typed by users or come
from a CRM; on a board they are never markup. Every renderer passes them through here.

>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> script_json({"name": "</script><!--"})
'{"name":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
"""

from __future__ import annotations

import html
import json
import re

# Characters XML 1.0 forbids even when escaped (C0 controls but tab/newline/return, lone
# surrogates, U+FFFE/U+FFFF): one of them in a name would make the SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# What must not appear literally inside <script>: "</script", "<!--", and the JS line
# separators; "&" and ">" are escaped too so the text means the same in any context.
_SCRIPT_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def clean(value: object) -> str:
    """The text of ``value`` without the characters XML cannot hold (replaced by U+FFFD)."""
    return _NOT_XML.sub("\ufffd", str(value))


def esc(value: object) -> str:
    """Escape ``value`` for HTML or SVG text and for a double- or single-quoted attribute."""
    return html.escape(clean(value), quote=True)


def script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = clean(text)
    for unsafe, escaped in _SCRIPT_UNSAFE:  # str.replace runs at C speed; translate does not
        text = text.replace(unsafe, escaped)
    return text

"""The web app's pages: Jinja2 templates (autoescaped) and the static files they use.

Everything a page needs is served from here — htmx is vendored as a static file — so
the app works with no network and under a strict Content-Security-Policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi.templating import Jinja2Templates

HERE: Final = Path(__file__).parent
STATIC_DIR: Final = HERE / "static"
#: Starlette's Jinja2 environment autoescapes every template: a typed name is never markup.
TEMPLATES: Final = Jinja2Templates(directory=HERE / "templates")

"""Settings read once from the environment (prefix ``KAMGRAPH_``; Neo4j's own ``NEO4J_*``)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from graph.errors import ConfigError
from graph.model import DEFAULT_CURRENCY, currency_code

#: The numeric settings and the variables they are read from.
_NUMBERS = {"max_request_kb": "KAMGRAPH_MAX_REQUEST_KB", "cache_mb": "KAMGRAPH_CACHE_MB"}

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def default_data_dir() -> Path:
    """The embedded store's default folder: ``$XDG_DATA_HOME/kamgraph`` (~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kamgraph"


class Settings(BaseModel):
    """Where the graph lives and how to reach it."""

    model_config = ConfigDict(frozen=True)

    store: str = Field(
        default_factory=lambda: f"embedded:{default_data_dir()}",
        description="embedded:PATH, or a neo4j:// / bolt:// URI",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="Host names the API answers besides loopback (a proxy's, *.example.com)",
    )
    max_request_kb: int = Field(
        default=1024, ge=1, description="The largest request body the API accepts, in KiB."
    )

    cache_mb: int = Field(
        default=256,
        ge=0,
        description="Memory each API worker keeps computed pages and analyses in, in MiB "
        "(KAMGRAPH_CACHE_MB; 0 keeps none).",
    )
    currency: str = Field(
        default=DEFAULT_CURRENCY,
        description="The currency of accounts that record none (ISO 4217, KAMGRAPH_CURRENCY).",
    )

    @property
    def max_request_bytes(self) -> int:
        """:attr:`max_request_kb` in bytes."""
        return self.max_request_kb * 1024

    @property
    def cache_bytes(self) -> int:
        """:attr:`cache_mb` in bytes."""
        return self.cache_mb * 1024 * 1024

    @classmethod
    def from_env(cls, store: str | None = None) -> Settings:
        """Read the environment; an explicit ``store`` (``--store``) wins over it."""
        values: dict[str, str] = {}
        chosen = store or os.environ.get("KAMGRAPH_STORE")
        if chosen:
            values["store"] = chosen
        for field, var in (
            ("neo4j_user", "NEO4J_USER"),
            ("neo4j_password", "NEO4J_PASSWORD"),
            ("neo4j_database", "NEO4J_DATABASE"),
        ):
            if os.environ.get(var):
                values[field] = os.environ[var]
        hosts = [h.strip() for h in os.environ.get("KAMGRAPH_ALLOWED_HOSTS", "").split(",")]
        for field, var in _NUMBERS.items():
            if os.environ.get(var):
                values[field] = os.environ[var]
        currency = os.environ.get("KAMGRAPH_CURRENCY", "").strip()
        if currency:
            try:
                values["currency"] = currency_code(currency)
            except PydanticCustomError as exc:
                raise ConfigError(f"KAMGRAPH_CURRENCY={currency!r}: {exc.message()}") from exc
        try:
            settings = cls(**values, allowed_hosts=tuple(h for h in hosts if h))
        except ValidationError as exc:
            problems = "; ".join(
                f"{_NUMBERS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(problems) from exc
        settings.check()
        return settings

    def check(self) -> None:
        """Fail early, with the accepted forms, on a store spec or host we cannot use."""
        for host in self.allowed_hosts:
            if "*" in host[1:] or (host.startswith("*") and host != "*" and host[1:2] != "."):
                raise ConfigError(
                    f"allowed host {host!r}: a wildcard must be like *.example.com "
                    "(KAMGRAPH_ALLOWED_HOSTS, --allowed-host)"
                )
        if self.is_neo4j:
            return
        if not self.store.startswith("embedded"):
            raise ConfigError(
                f"unknown store {self.store!r}: use embedded:PATH or a Neo4j URI "
                f"({', '.join(s + 'HOST:PORT' for s in NEO4J_SCHEMES[::3])})"
            )

    @property
    def is_neo4j(self) -> bool:
        """True when the store is a Neo4j server."""
        return self.store.startswith(NEO4J_SCHEMES)

    @property
    def data_dir(self) -> Path:
        """The embedded store's folder (``embedded`` alone means the default folder)."""
        _, _, path = self.store.partition(":")
        return Path(path).expanduser() if path else default_data_dir()


class Limits(BaseModel):
    """How big an input may be, so a hostile or broken file is refused before it is read.

    Each limit is read from its ``KAMGRAPH_`` variable (:data:`LIMIT_VARS`); the message
    refusing an input names the variable, so a user with a genuinely bigger file can raise
    it.
    """

    model_config = ConfigDict(frozen=True)

    workbook_mb: int = Field(
        default=256, gt=0, description="A workbook's total unpacked size, in MB."
    )
    sheet_rows: int = Field(
        default=500_000,
        gt=0,
        description="Rows in one `import sheet` input (a workbook or CSV folder), all sheets.",
    )
    json_depth: int = Field(
        default=64,
        gt=0,
        le=900,  # Python's own parser stops near 1,000
        description="How deep a JSON document may nest (kamgraph's own are 4 deep).",
    )

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, each overridden by its variable when that is set."""
        values = {f: os.environ[v] for f, v in LIMIT_VARS.items() if os.environ.get(v)}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{LIMIT_VARS[str(e['loc'][0])]}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(problems) from exc

    @staticmethod
    def advice(field: str) -> str:
        """How to raise one limit, for the message that refuses an input."""
        return f"set {LIMIT_VARS[field]} to raise the limit"


#: Each limit's environment variable.
LIMIT_VARS = {
    "workbook_mb": "KAMGRAPH_MAX_WORKBOOK_MB",
    "sheet_rows": "KAMGRAPH_MAX_SHEET_ROWS",
    "json_depth": "KAMGRAPH_MAX_JSON_DEPTH",
}

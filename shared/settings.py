"""Settings every service shares, read from the environment.

Each service reads ``LANTOA_<SERVICE>_<NAME>``. Infrastructure settings that are usually the same
for all services (bus, storage, token keys, logging) may instead be given once as
``LANTOA_<NAME>``; the service-specific variable wins when both are set.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import Field, FilePath, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

COMMON_PREFIX = "LANTOA_"

# Fields that fall back to LANTOA_<NAME> when LANTOA_<SERVICE>_<NAME> is not set.
SHARED_FIELDS = frozenset(
    {
        "nats_url",
        "s3_endpoint",
        "s3_public_endpoint",
        "s3_access_key",
        "s3_secret_key",
        "s3_bucket",
        "s3_region",
        "auth_public_key_file",
        "auth_issuer",
        "auth_audience",
        "log_level",
        "log_format",
        "http_host",
        "stream_replicas",
    }
)


class _SharedEnvSource(EnvSettingsSource):
    """Reads LANTOA_<NAME> for the shared fields only."""

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in super().__call__().items() if k in SHARED_FIELDS}


class ServiceSettings(BaseSettings):
    """Base of each service's settings; a subclass sets ``SERVICE`` and its env prefix."""

    SERVICE: ClassVar[str] = ""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)

    database_url: str | None = None
    database_schema: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    migrate_on_start: bool = True

    nats_url: str = "nats://127.0.0.1:14222"
    stream_replicas: int = Field(default=1, ge=1, le=5)  # 3 on a NATS cluster of 3

    s3_endpoint: str = "http://127.0.0.1:18333"
    s3_public_endpoint: str | None = None
    s3_access_key: str = Field(min_length=3)
    s3_secret_key: SecretStr
    s3_bucket: str = Field(default="lantoa", pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    s3_region: str = "us-east-1"

    auth_public_key_file: FilePath
    auth_issuer: str = "lantoa"
    auth_audience: str = "lantoa"

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    consumer_batch_size: int = Field(default=64, ge=1, le=1000)
    consumer_max_deliver: int = Field(default=5, ge=1, le=100)
    consumer_backoff_seconds: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    consumer_ack_wait_seconds: float = Field(default=60.0, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    outbox_retention_days: int = Field(default=7, ge=0)
    shutdown_grace_seconds: float = Field(default=20.0, ge=0)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shared = _SharedEnvSource(settings_cls, env_prefix=COMMON_PREFIX, case_sensitive=False)
        return (init_settings, env_settings, shared, file_secret_settings)

    # --- derived values -------------------------------------------------------------------

    @classmethod
    def env_prefix(cls) -> str:
        return f"{COMMON_PREFIX}{cls.SERVICE.upper()}_"

    @classmethod
    def env_names(cls, field: str) -> list[str]:
        names = [f"{cls.env_prefix()}{field.upper()}"]
        if field in SHARED_FIELDS:
            names.append(f"{COMMON_PREFIX}{field.upper()}")
        return names

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///var/{self.SERVICE}.db"


S = TypeVar("S", bound=ServiceSettings)


class SettingsError(SystemExit):
    """Start-up stops: a setting is missing or invalid. The message names the variable."""


def describe_errors(cls: type[ServiceSettings], error: ValidationError) -> str:
    lines = [f"Lan Toả {cls.SERVICE} cannot start: fix these settings."]
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        names = " or ".join(cls.env_names(field))
        if item["type"] == "missing":
            lines.append(f"  {names}: required, not set")
        else:
            given = item.get("input")
            shown = "***" if "secret" in field else repr(given)
            lines.append(f"  {names}: {item['msg']} (given {shown})")
    return "\n".join(lines)


def load_settings(cls: type[S], **overrides: Any) -> S:
    """Read settings, or stop start-up with a message naming each bad variable."""
    try:
        return cls(**overrides)
    except ValidationError as error:
        message = describe_errors(cls, error)
        print(message, file=sys.stderr)
        raise SettingsError(2) from error

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class NotifySettings(ServiceSettings):
    SERVICE = "notify"
    model_config = SettingsConfigDict(env_prefix="LANTOA_NOTIFY_", extra="ignore")

    http_port: int = Field(default=8003, ge=1, le=65535)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    mail_from: str = "Lan Toả <no-reply@lantoa.local>"
    bounce_domain: str = "lantoa.local"
    portal_url: str = "http://127.0.0.1:8001"
    dispatch_poll_seconds: float = Field(default=2.0, gt=0)
    dispatch_max_attempts: int = Field(default=8, ge=1, le=50)


def get_settings() -> NotifySettings:
    return load_settings(NotifySettings)

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class NotifySettings(ServiceSettings):
    SERVICE = "notify"
    model_config = SettingsConfigDict(env_prefix="LANTOA_NOTIFY_", extra="ignore")

    http_port: int = Field(default=8003, ge=1, le=65535)
    public_url: str = "http://127.0.0.1:8003"  # for unsubscribe links in messages
    sign_in_url: str = "http://127.0.0.1:8001/sign-in"
    # E-mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # A private CA's certificates (PEM) that sign the SMTP server's, when not a public one.
    smtp_ca_file: Path | None = None
    smtp_connections: int = Field(default=4, ge=1, le=64)
    mail_from: str = "Lan Toả <no-reply@lantoa.local>"
    bounce_domain: str = "lantoa.local"
    # An SMTP listener for bounce reports sent to bounce+<delivery>@BOUNCE_DOMAIN (0 = off).
    bounce_smtp_port: int = Field(default=0, ge=0, le=65535)
    # The built-in mail catcher's Maildir, shown at /mail (make up only; empty = no page).
    mail_catcher_dir: Path | None = None
    portal_url: str = "http://127.0.0.1:8001"
    # Dispatching
    dispatch_poll_seconds: float = Field(default=2.0, gt=0)
    dispatch_max_attempts: int = Field(default=8, ge=1, le=50)
    dispatch_lease_seconds: float = Field(default=120.0, gt=0)
    retry_base_seconds: float = Field(default=30.0, gt=0)
    # Zalo ZNS (off until an app id is set)
    zalo_app_id: str = ""
    zalo_secret_key: SecretStr | None = None  # the app's secret, for token refresh
    zalo_oa_secret_key: SecretStr | None = None  # checks Zalo's delivery callbacks
    zalo_api_url: str = "https://business.openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zalo_timeout_seconds: float = Field(default=15.0, gt=0)
    zalo_daily_quota: int = Field(default=500, ge=0)
    # Webhooks
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Webhooks to loopback, private or link-local addresses reach inside our own network: off
    # unless this is a test or a closed installation that needs them.
    webhook_allow_private_hosts: bool = False


def get_settings() -> NotifySettings:
    return load_settings(NotifySettings)

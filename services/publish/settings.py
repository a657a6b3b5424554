from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class PublishSettings(ServiceSettings):
    SERVICE = "publish"
    model_config = SettingsConfigDict(env_prefix="LANTOA_PUBLISH_", extra="ignore")

    http_port: int = Field(default=8004, ge=1, le=65535)
    # Where the public reaches this service (links in feeds, Open Graph, press kits, outlets).
    public_url: str = "http://127.0.0.1:8004"
    # The submissions portal: "how to enter" links and signing in.
    portal_url: str = "http://127.0.0.1:8001"
    sign_in_url: str = "http://127.0.0.1:8001/sign-in"
    # How long a presigned media link handed to a browser or an outlet stays valid.
    media_link_seconds: int = Field(default=6 * 3600, ge=60, le=7 * 24 * 3600)
    # Outlet credentials are sealed with this key (Fernet, url-safe base64 of 32 bytes).
    credentials_key: SecretStr | None = None
    # Publication jobs
    jobs_poll_seconds: float = Field(default=2.0, gt=0)
    jobs_lease_seconds: float = Field(default=300.0, gt=0)
    jobs_max_attempts: int = Field(default=8, ge=1, le=50)
    retry_base_seconds: float = Field(default=60.0, gt=0)
    outlet_timeout_seconds: float = Field(default=30.0, gt=0)
    # Outlets on loopback or private addresses (a test, or a closed provincial network).
    outlet_allow_private_hosts: bool = False
    # Loudspeaker bulletins: a text is read by espeak-ng (bundled) unless a better engine is set:
    # a command line with {text} (a UTF-8 file to read) and {wav} (the file to write).
    tts_command: str | None = None
    tts_voice: str = "vi"
    # A folder the provincial source-information system takes bulletins from (empty: storage).
    bulletin_drop_dir: Path | None = None


def get_settings() -> PublishSettings:
    return load_settings(PublishSettings)

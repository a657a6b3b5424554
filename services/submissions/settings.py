from pydantic import Field, FilePath
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class SubmissionsSettings(ServiceSettings):
    SERVICE = "submissions"
    model_config = SettingsConfigDict(env_prefix="LANTOA_SUBMISSIONS_", extra="ignore")

    http_port: int = Field(default=8001, ge=1, le=65535)
    # Only this service holds the private key: it is the one that signs sign-in tokens.
    auth_private_key_file: FilePath
    token_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)
    upload_url_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)


def get_settings() -> SubmissionsSettings:
    return load_settings(SubmissionsSettings)

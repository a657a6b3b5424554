from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class PublishSettings(ServiceSettings):
    SERVICE = "publish"
    model_config = SettingsConfigDict(env_prefix="LANTOA_PUBLISH_", extra="ignore")

    http_port: int = Field(default=8004, ge=1, le=65535)


def get_settings() -> PublishSettings:
    return load_settings(PublishSettings)

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class JudgingSettings(ServiceSettings):
    SERVICE = "judging"
    model_config = SettingsConfigDict(env_prefix="LANTOA_JUDGING_", extra="ignore")

    http_port: int = Field(default=8002, ge=1, le=65535)


def get_settings() -> JudgingSettings:
    return load_settings(JudgingSettings)

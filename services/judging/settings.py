from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class JudgingSettings(ServiceSettings):
    SERVICE = "judging"
    model_config = SettingsConfigDict(env_prefix="LANTOA_JUDGING_", extra="ignore")

    http_port: int = Field(default=8002, ge=1, le=65535)
    # The address jurors open; links in reminders start with it.
    public_url: str = "http://127.0.0.1:8002"
    # Signing in happens on the submissions service; pages send people there and back.
    sign_in_url: str = "http://127.0.0.1:8001/sign-in"
    # How long a juror's link to a stripped media file stays valid (seekable playback).
    media_url_minutes: int = Field(default=120, ge=1, le=24 * 60)
    # The automatic reminders' clock: how often due reminders are looked for.
    reminder_poll_seconds: float = Field(default=60.0, gt=0)
    # Printed on score sheets and minutes.
    organiser_name: str = "Sở Thông tin và Truyền thông tỉnh Lạng Sơn"
    minutes_place: str = "Lạng Sơn"


def get_settings() -> JudgingSettings:
    return load_settings(JudgingSettings)

from typing import Annotated

from pydantic import Field, FilePath, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from shared.pages.rendering import origin_of
from shared.settings import ServiceSettings, load_settings


class SubmissionsSettings(ServiceSettings):
    SERVICE = "submissions"
    model_config = SettingsConfigDict(env_prefix="LANTOA_SUBMISSIONS_", extra="ignore")

    http_port: int = Field(default=8001, ge=1, le=65535)
    # The address people open; links in e-mails (verification, reset, invitation) start with it.
    public_url: str = "http://127.0.0.1:8001"
    # Other services' addresses (scheme://host[:port], comma-separated) that the sign-in page
    # may send people back to, e.g. judging's pages, which send jurors here to sign in.
    return_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # Only this service holds the private key: it is the one that signs sign-in tokens.
    auth_private_key_file: FilePath
    # Set it (e.g. "lantoa.example.org") when other services' pages live on sub-domains.
    cookie_domain: str | None = None
    token_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # A session cookie is renewed while the person keeps working, up to this long.
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    upload_url_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    # Multipart uploads still unfinished after this long are aborted and their parts removed.
    upload_abandon_hours: float = Field(default=24.0, gt=0)
    upload_sweep_seconds: float = Field(default=600.0, gt=0)
    # Run the upload verifier (a durable consumer) in this process; a deployment may run it in
    # processes of its own instead, so that checking large media scales apart from web requests.
    run_verifier: bool = True
    # Where the verifier keeps a file while it measures it (the default temporary directory).
    verify_scratch_dir: str | None = None
    # Files verified side by side by each process (each in a child process of its own).
    verify_concurrency: int = Field(default=2, ge=1, le=32)
    # A file whose measuring takes longer is refused (a hostile or broken file).
    verify_time_limit_seconds: float = Field(default=900.0, gt=0)
    link_ttl_hours: int = Field(default=48, ge=1, le=24 * 30)
    reset_ttl_minutes: int = Field(default=60, ge=5, le=24 * 60)
    invitation_ttl_days: int = Field(default=7, ge=1, le=60)
    # Failed sign-ins allowed per e-mail and per client address in one window.
    sign_in_max_failures: int = Field(default=5, ge=1, le=1000)
    sign_in_window_seconds: int = Field(default=900, ge=10, le=24 * 3600)

    @field_validator("return_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        listed = value.split(",") if isinstance(value, str) else value
        if not isinstance(listed, list | tuple):
            return value
        origins = []
        for item in (str(o).strip() for o in listed):
            if not item:
                continue
            origin = origin_of(item)
            if origin is None or origin != item.lower().rstrip("/"):
                raise ValueError(f"not an origin (scheme://host[:port]): {item!r}")
            origins.append(origin)
        return tuple(origins)


def get_settings() -> SubmissionsSettings:
    return load_settings(SubmissionsSettings)

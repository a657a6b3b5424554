from shared.cli import run_service_cli

from .main import MIGRATIONS, create_app
from .seed import seed_demo
from .settings import get_settings

run_service_cli(
    settings_factory=get_settings,
    app_factory=create_app,
    migrations=MIGRATIONS,
    commands={
        "seed-demo": ("demo exemplars, news and a loudspeaker outlet (idempotent)", seed_demo),
    },
)

from shared.cli import run_service_cli

from .main import MIGRATIONS, create_app
from .settings import get_settings

run_service_cli(settings_factory=get_settings, app_factory=create_app, migrations=MIGRATIONS)

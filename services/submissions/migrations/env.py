from alembic import context

from services.submissions.models import Base
from shared.db import run_migrations_online

run_migrations_online(context, Base.metadata)

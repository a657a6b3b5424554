# syntax=docker/dockerfile:1
# One image for the four Lan Toả services; the command picks the service:
#   python -m services.submissions | services.judging | services.notify | services.publish
# and `python -m services.<name> migrate` brings that service's database to the newest revision.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/lantoa
ENV PATH=/opt/lantoa/bin:$PATH
WORKDIR /src
# Dependencies first, from pyproject.toml alone, so that code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt
# Then the project itself (what .dockerignore lets through).
COPY . .
RUN pip install --no-cache-dir --no-deps .

FROM python:3.11-slim
ENV PATH=/opt/lantoa/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 lantoa \
 && useradd --system --uid 10001 --gid lantoa --home-dir /app --no-create-home --shell /usr/sbin/nologin lantoa \
 && mkdir -p /app/var /var/lib/lantoa/bulletins \
 && chown -R lantoa:lantoa /app /var/lib/lantoa
COPY --from=build /opt/lantoa /opt/lantoa
# The default SQLite files (var/<service>.db) land here when no DATABASE_URL is given.
WORKDIR /app
USER 10001:10001
EXPOSE 8001 8002 8003 8004
# Services stop gracefully on SIGTERM (shutdown_grace_seconds, 20 s by default).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "services.submissions"]

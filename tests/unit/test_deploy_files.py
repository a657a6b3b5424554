"""The deployment files agree with the code: docker-compose.yml, Dockerfile, deploy/k8s.

Docker and Kubernetes cannot run here, so these tests read the files. Every LANTOA_* variable
must be a real setting of the service it is given to (a field of its settings class, or a
shared field in its LANTOA_<FIELD> form), the required settings must be given, the values must
load through the real settings classes, and ports, commands and probes must match the code.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic.types import PathType

from services.judging.settings import JudgingSettings
from services.notify.settings import NotifySettings
from services.publish.settings import PublishSettings
from services.submissions.settings import SubmissionsSettings
from shared.contracts.base import SERVICES
from shared.settings import COMMON_PREFIX, SHARED_FIELDS, ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DOCKER_DIR = ROOT / "deploy" / "docker"
K8S_DIR = ROOT / "deploy" / "k8s"

SETTINGS: dict[str, type[ServiceSettings]] = {
    "submissions": SubmissionsSettings,
    "judging": JudgingSettings,
    "notify": NotifySettings,
    "publish": PublishSettings,
}
INFRASTRUCTURE = ("nats", "postgres", "seaweedfs")
# Stands in for a value that comes from a Secret the tests cannot see.
FROM_SECRET = "value-from-a-secret"


# --- settings helpers -----------------------------------------------------------------------


def setting_for(service: str, env_name: str) -> str | None:
    """The settings field that ``env_name`` sets for ``service``, or None if it sets nothing.

    ``LANTOA_<SERVICE>_<FIELD>`` for any field of the service's settings class, or
    ``LANTOA_<FIELD>`` for a field in SHARED_FIELDS.
    """
    cls = SETTINGS[service]
    name = env_name.upper()
    own_prefix = f"{COMMON_PREFIX}{service.upper()}_"
    if name.startswith(own_prefix):
        field = name.removeprefix(own_prefix).lower()
        if field in cls.model_fields:
            return field
    if name.startswith(COMMON_PREFIX):
        field = name.removeprefix(COMMON_PREFIX).lower()
        if field in SHARED_FIELDS and field in cls.model_fields:
            return field
    return None


def unknown_settings(service: str, names: Iterable[str]) -> list[str]:
    """The LANTOA_* names among ``names`` that are not settings of ``service``."""
    return sorted(
        name
        for name in names
        if name.upper().startswith(COMMON_PREFIX) and setting_for(service, name) is None
    )


def required_fields(service: str) -> set[str]:
    return {name for name, info in SETTINGS[service].model_fields.items() if info.is_required()}


def file_fields(service: str) -> set[str]:
    """Fields that must name an existing file (FilePath)."""
    return {
        name
        for name, info in SETTINGS[service].model_fields.items()
        if any(isinstance(item, PathType) and item.path_type == "file" for item in info.metadata)
    }


def given_fields(service: str, env: dict[str, str | None]) -> set[str]:
    return {field for name in env if (field := setting_for(service, name)) is not None}


def load_settings_from(
    service: str,
    env: dict[str, str | None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ServiceSettings:
    """Load the service's settings class from exactly ``env``, through its real sources.

    Values from Secrets (None) become a placeholder; file settings point at a stand-in file.
    """
    cls = SETTINGS[service]
    files = file_fields(service)
    with monkeypatch.context() as patch:
        for name in list(os.environ):
            if name.upper().startswith(COMMON_PREFIX):
                patch.delenv(name)
        for name, value in env.items():
            if not name.upper().startswith(COMMON_PREFIX):
                continue
            if setting_for(service, name) in files:
                stand_in = tmp_path / f"{service}-{name.lower()}"
                stand_in.write_text("stand-in for a mounted file")
                value = str(stand_in)
            patch.setenv(name, FROM_SECRET if value is None else value)
        return cls()


def http_port(service: str, env: dict[str, str | None]) -> int:
    """The port the service listens on with ``env`` (its HTTP_PORT variable or the default)."""
    value = env.get(f"{COMMON_PREFIX}{service.upper()}_HTTP_PORT")
    if value is None:
        default = SETTINGS[service].model_fields["http_port"].default
        assert isinstance(default, int)
        return default
    return int(value)


def command_tokens(command: Any) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def runs_module(tokens: list[str], module: str) -> bool:
    return any(a == "-m" and b == module for a, b in itertools.pairwise(tokens))


def test_settings_classes_read_the_names_the_helpers_assume() -> None:
    assert set(SETTINGS) == set(SERVICES)
    for service, cls in SETTINGS.items():
        assert service == cls.SERVICE
        assert cls.model_config.get("env_prefix") == f"{COMMON_PREFIX}{service.upper()}_"
        assert cls.env_prefix() == cls.model_config.get("env_prefix")
        assert set(cls.model_fields) >= SHARED_FIELDS


def test_helpers_map_names_to_settings() -> None:
    assert setting_for("submissions", "LANTOA_SUBMISSIONS_AUTH_PRIVATE_KEY_FILE") == (
        "auth_private_key_file"
    )
    assert setting_for("notify", "LANTOA_NATS_URL") == "nats_url"
    assert setting_for("notify", "LANTOA_NOTIFY_NATS_URL") == "nats_url"
    assert setting_for("judging", "LANTOA_SUBMISSIONS_HTTP_PORT") is None
    assert setting_for("judging", "LANTOA_JUDGING_SMTP_HOST") is None
    assert setting_for("judging", "LANTOA_HTTP_HOST") == "http_host"  # shared
    assert setting_for("judging", "LANTOA_HTTP_PORT") is None  # never shared: ports differ
    assert setting_for("publish", "LANTOA_PUBLISH_NO_SUCH_THING") is None
    assert required_fields("submissions") >= {"auth_private_key_file", "s3_secret_key"}
    assert file_fields("submissions") == {"auth_public_key_file", "auth_private_key_file"}


# --- docker compose -------------------------------------------------------------------------

COMPOSE_VARIABLE = re.compile(
    r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>\w+)"
)


def interpolate(value: str) -> str:
    """Compose variable interpolation as with an empty environment: ${VAR:-default} only."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("bare")
        assert match.group("op") in (":-", "-"), (
            f"{match.group(0)} in {value!r} needs {name} set; give it a default"
        )
        return match.group("arg")

    escaped = value.replace("$$", "\0")
    return COMPOSE_VARIABLE.sub(replace, escaped).replace("\0", "$")


def compose_env(service: dict[str, Any]) -> dict[str, str | None]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) if "=" in item else (item, None) for item in environment)
        environment = dict(pairs)
    return {
        str(name): None if value is None else interpolate(str(value))
        for name, value in environment.items()
    }


def published_ports(service: dict[str, Any]) -> dict[int, int]:
    """Container port -> host port."""
    ports: dict[int, int] = {}
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports[int(entry["target"])] = int(entry.get("published", entry["target"]))
            continue
        parts = str(entry).split("/")[0].split(":")
        ports[int(parts[-1])] = int(parts[-2]) if len(parts) > 1 else int(parts[-1])
    return ports


def build_context(service: dict[str, Any]) -> tuple[Path, str]:
    build = service["build"]
    if isinstance(build, str):
        return (ROOT / build).resolve(), "Dockerfile"
    return (ROOT / build.get("context", ".")).resolve(), build.get("dockerfile", "Dockerfile")


def healthcheck_text(service: dict[str, Any]) -> str:
    check = service.get("healthcheck") or {}
    test = check.get("test")
    return " ".join(command_tokens(test)) if not isinstance(test, str) else test


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def compose_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose["services"]
    return services


def test_compose_has_every_service_each_with_a_healthcheck(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    assert set(compose_services) >= {*INFRASTRUCTURE, *SERVICES}
    for name, service in compose_services.items():
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name


def test_compose_builds_one_image_for_the_four_services(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    contexts = {build_context(compose_services[name]) for name in SERVICES}
    assert len(contexts) == 1, contexts
    [(context, dockerfile)] = contexts
    assert (context / dockerfile).resolve() == DOCKERFILE
    for name in SERVICES:
        tokens = command_tokens(compose_services[name].get("command"))
        assert runs_module(tokens, f"services.{name}"), (name, tokens)
        assert (ROOT / "services" / name / "__main__.py").is_file()


@pytest.mark.parametrize("name", SERVICES)
def test_compose_service_waits_for_healthy_infrastructure(
    name: str, compose_services: dict[str, dict[str, Any]]
) -> None:
    depends = compose_services[name].get("depends_on")
    assert isinstance(depends, dict), "depends_on needs conditions"
    for dependency in INFRASTRUCTURE:
        assert depends.get(dependency, {}).get("condition") == "service_healthy", dependency
    for dependency, rule in depends.items():
        assert dependency in compose_services, dependency
        if rule.get("condition") == "service_healthy":
            assert compose_services[dependency].get("healthcheck"), dependency


@pytest.mark.parametrize("name", SERVICES)
def test_compose_environment_is_real_settings_only(
    name: str,
    compose: dict[str, Any],
    compose_services: dict[str, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = compose_services[name]
    env = compose_env(service)
    assert unknown_settings(name, list(env)) == []
    missing = required_fields(name) - given_fields(name, env)
    assert not missing, f"required settings not given: {sorted(missing)}"

    settings = load_settings_from(name, env, tmp_path, monkeypatch)
    assert settings.http_host == "0.0.0.0", "listen on all interfaces inside the container"
    assert settings.http_port == http_port(name, env)
    assert settings.http_port in published_ports(service), "publish the service's HTTP port"
    assert f":{settings.http_port}/readyz" in healthcheck_text(service)

    # Key files are compose secrets of this service, read from deploy/docker/secrets/.
    declared = compose.get("secrets") or {}
    granted = {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}
    for field in file_fields(name):
        [path] = [v for k, v in env.items() if setting_for(name, k) == field]
        assert path and path.startswith("/run/secrets/"), (field, path)
        secret = path.removeprefix("/run/secrets/")
        assert secret in granted, f"{name} does not get secret {secret}"
        source = (ROOT / declared[secret]["file"]).resolve()
        assert source.parent == (DOCKER_DIR / "secrets").resolve()
    gitignore = (DOCKER_DIR / "secrets" / ".gitignore").read_text().split()
    assert "*.pem" in gitignore


@pytest.mark.parametrize("name", SERVICES)
def test_compose_addresses_point_at_the_infrastructure(
    name: str, compose_services: dict[str, dict[str, Any]]
) -> None:
    env = compose_env(compose_services[name])
    by_field = {setting_for(name, k): v for k, v in env.items() if k.startswith(COMMON_PREFIX)}

    nats = urlsplit(str(by_field["nats_url"]))
    assert (nats.scheme, nats.hostname, nats.port) == ("nats", "nats", 4222)
    assert 4222 in published_ports(compose_services["nats"])

    s3 = urlsplit(str(by_field["s3_endpoint"]))
    weed = compose_services["seaweedfs"]
    weed_args = command_tokens(weed.get("command"))
    s3_port = next(int(a.split("=", 1)[1]) for a in weed_args if a.startswith("-s3.port="))
    assert (s3.hostname, s3.port) == ("seaweedfs", s3_port)
    public = urlsplit(str(by_field["s3_public_endpoint"]))
    assert published_ports(weed).get(s3_port) == public.port
    weed_env = compose_env(weed)
    assert by_field["s3_access_key"] == weed_env["AWS_ACCESS_KEY_ID"]
    assert by_field["s3_secret_key"] == weed_env["AWS_SECRET_ACCESS_KEY"]

    database = urlsplit(str(by_field["database_url"]))
    postgres_env = compose_env(compose_services["postgres"])
    assert database.scheme == "postgresql+asyncpg"
    assert database.hostname == "postgres"
    assert database.username == postgres_env["POSTGRES_USER"]
    assert database.password == postgres_env["POSTGRES_PASSWORD"]


def created_databases() -> set[str]:
    scripts = sorted(DOCKER_DIR.glob("postgres-init.*"))
    assert scripts, "deploy/docker/postgres-init.sql (or .sh) is missing"
    text = "\n".join(script.read_text() for script in scripts)
    text = re.sub(r"--[^\n]*", "", text)
    return {
        name.lower()
        for name in re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?', text, flags=re.IGNORECASE)
    }


def test_postgres_init_creates_exactly_the_service_databases(
    compose_services: dict[str, dict[str, Any]],
) -> None:
    wanted = set()
    for name in SERVICES:
        env = compose_env(compose_services[name])
        url = env[f"{COMMON_PREFIX}{name.upper()}_DATABASE_URL"]
        wanted.add(urlsplit(str(url)).path.lstrip("/"))
    assert len(wanted) == len(SERVICES), "each service has its own database"
    assert created_databases() == wanted

    postgres = compose_services["postgres"]
    mounts = [str(volume) for volume in postgres.get("volumes", [])]
    assert any(
        m.startswith("./deploy/docker/postgres-init.") and ":/docker-entrypoint-initdb.d/" in m
        for m in mounts
    ), mounts
    assert "pg_isready" in healthcheck_text(postgres)
    assert compose_env(postgres).get("POSTGRES_DB") not in wanted


def test_nats_has_jetstream_and_a_volume(
    compose: dict[str, Any], compose_services: dict[str, dict[str, Any]]
) -> None:
    nats = compose_services["nats"]
    tokens = command_tokens(nats.get("command"))
    assert "-js" in tokens or "--jetstream" in tokens
    flag = "-sd" if "-sd" in tokens else "--store_dir"
    store = tokens[tokens.index(flag) + 1]
    mounts = {str(volume).split(":")[1]: str(volume).split(":")[0] for volume in nats["volumes"]}
    assert store in mounts, "the JetStream store is on a volume"
    assert mounts[store] in (compose.get("volumes") or {}), "a named volume"
    assert "js-enabled-only=true" in healthcheck_text(nats)


def test_seaweedfs_and_postgres_keep_their_data(
    compose: dict[str, Any], compose_services: dict[str, dict[str, Any]]
) -> None:
    for name in ("postgres", "seaweedfs"):
        sources = {str(v).split(":")[0] for v in compose_services[name].get("volumes", [])}
        assert sources & set(compose.get("volumes") or {}), name


# --- Dockerfile ----------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_builds_a_slim_non_root_image_of_the_project() -> None:
    instructions = dockerfile_instructions()
    stages: set[str] = set()
    bases = []
    for keyword, rest in instructions:
        if keyword == "FROM":
            image, *alias = rest.split()
            if image not in stages:
                bases.append(image)
            if alias:
                stages.add(alias[-1])
    assert bases
    for image in bases:
        match = re.fullmatch(r"python:3\.(\d+)-slim(?:-\w+)?", image)
        assert match and int(match.group(1)) >= 11, image

    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users, "the image runs as a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")

    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install .*(?<!\S)\.(?:\s|$)", run) for run in runs), runs

    exposed = {int(p) for k, rest in instructions if k == "EXPOSE" for p in rest.split()}
    assert exposed >= {http_port(name, {}) for name in SERVICES}
    assert ("STOPSIGNAL", "SIGTERM") in instructions
    assert any(keyword == "CMD" for keyword, _ in instructions)


def test_dockerignore_keeps_what_the_build_needs() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ".venv" in patterns and ".git" in patterns
    needed = ["pyproject.toml", "README.md", "shared", "services", "deploy/local"]
    for path in needed:
        assert not any(fnmatch.fnmatch(path, p.rstrip("/")) for p in patterns), path


# --- Kubernetes ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def k8s() -> list[dict[str, Any]]:
    documents = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document is not None:
                assert isinstance(document, dict) and "kind" in document, path
                documents.append(document)
    return documents


def find(documents: list[dict[str, Any]], kind: str, name: str | None = None) -> list[Any]:
    return [
        d
        for d in documents
        if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]


def container_env(
    container: dict[str, Any], config_maps: dict[str, dict[str, str]]
) -> dict[str, str | None]:
    """The container's environment: literal values, None for values from Secrets."""
    env: dict[str, str | None] = {}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, "LANTOA_* names from Secrets are not visible here"
        env.update(config_maps[source["configMapRef"]["name"]])
    for item in container.get("env", []):
        env[item["name"]] = str(item["value"]) if "value" in item else None
    return env


def container_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    [number] = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == port]
    return int(number)


def test_kustomization_lists_every_manifest(k8s: list[dict[str, Any]]) -> None:
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


def test_config_maps_hold_real_shared_settings(k8s: list[dict[str, Any]]) -> None:
    for config_map in find(k8s, "ConfigMap"):
        for name in config_map.get("data", {}):
            if name.startswith(COMMON_PREFIX):
                for service in SERVICES:
                    assert setting_for(service, name), f"{name} is not a setting of {service}"


@pytest.mark.parametrize("name", SERVICES)
def test_k8s_deployment_runs_the_service(
    name: str,
    k8s: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [deployment] = find(k8s, "Deployment", name)
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    [container] = [
        c
        for c in pod["containers"]
        if runs_module(command_tokens(c.get("command")), f"services.{name}")
    ]
    config_maps = {c["metadata"]["name"]: c.get("data", {}) for c in find(k8s, "ConfigMap")}
    env = container_env(container, config_maps)

    assert unknown_settings(name, list(env)) == []
    missing = required_fields(name) - given_fields(name, env)
    assert not missing, f"required settings not given: {sorted(missing)}"
    settings = load_settings_from(name, env, tmp_path, monkeypatch)
    assert settings.http_host == "0.0.0.0"
    port = http_port(name, env)
    assert settings.http_port == port

    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        check = container[probe]["httpGet"]
        assert check["path"] == path, probe
        assert container_port(container, check["port"]) == port, probe

    # Migrations: an init container (or a Job) runs `python -m services.<name> migrate`.
    def migrates(c: dict[str, Any]) -> bool:
        tokens = command_tokens(c.get("command")) + command_tokens(c.get("args"))
        return runs_module(tokens, f"services.{name}") and "migrate" in tokens

    init = [c for c in pod.get("initContainers", []) if migrates(c)]
    jobs = [
        j
        for j in find(k8s, "Job")
        if any(migrates(c) for c in j["spec"]["template"]["spec"]["containers"])
    ]
    assert init or jobs, "nothing runs the migrations"
    if init:
        assert settings.migrate_on_start is False, "migrated already by the init container"
        for c in init:
            init_env = container_env(c, config_maps)
            assert unknown_settings(name, list(init_env)) == []
            assert required_fields(name) <= given_fields(name, init_env)

    # Key files are mounted from Secrets where the settings say.
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for c in [container, *init]:
        c_env = container_env(c, config_maps)
        mounts = {m["mountPath"].rstrip("/"): m["name"] for m in c.get("volumeMounts", [])}
        for field in file_fields(name):
            [path] = [v for k, v in c_env.items() if setting_for(name, k) == field]
            assert path, field
            volume = mounts.get(str(Path(path).parent))
            assert volume and "secret" in volumes[volume], f"{path} is not mounted from a Secret"

    [service] = find(k8s, "Service", name)
    selector = service["spec"]["selector"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()
    assert [container_port(container, p["targetPort"]) for p in service["spec"]["ports"]] == [port]


def test_k8s_secrets_are_documented(k8s: list[dict[str, Any]]) -> None:
    readme = (K8S_DIR / "README.md").read_text()
    for deployment in find(k8s, "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert f"create secret generic {ref['name']}" in readme, ref
                    assert f"{ref['key']}=" in readme, ref
        for volume in pod.get("volumes", []):
            if "secret" in volume:
                assert f"create secret generic {volume['secret']['secretName']}" in readme


def test_k8s_nats_is_a_jetstream_cluster_of_three(k8s: list[dict[str, Any]]) -> None:
    [nats] = find(k8s, "StatefulSet", "nats")
    spec = nats["spec"]
    replicas = spec["replicas"]
    assert replicas == 3

    [headless] = find(k8s, "Service", spec["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"

    [container] = spec["template"]["spec"]["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    claims = [t["metadata"]["name"] for t in spec["volumeClaimTemplates"]]
    assert claims and all(claim in mounts for claim in claims), "each server has its own PVC"

    args = command_tokens(container.get("command")) + command_tokens(container.get("args"))
    config_path = Path(args[args.index("--config") + 1])
    volumes = {v["name"]: v for v in spec["template"]["spec"]["volumes"]}
    [config_volume] = [n for n, path in mounts.items() if Path(path) == config_path.parent]
    [config_map] = find(k8s, "ConfigMap", volumes[config_volume]["configMap"]["name"])
    config = config_map["data"][config_path.name]

    jetstream = re.search(r"jetstream\s*\{[^}]*store_dir:\s*(\S+)", config)
    assert jetstream, "JetStream is enabled in the config"
    assert jetstream.group(1).strip("\"'") in {mounts[c] for c in claims}, "store on the PVC"
    routes = re.findall(r"nats://([\w-]+)\.([\w-]+):6222", config)
    assert sorted(routes) == [
        (f"{nats['metadata']['name']}-{i}", headless["metadata"]["name"]) for i in range(replicas)
    ]

    # The services reach NATS through a Service in front of these pods.
    config_maps = {c["metadata"]["name"]: c.get("data", {}) for c in find(k8s, "ConfigMap")}
    urls = {data[k] for data in config_maps.values() for k in data if k == "LANTOA_NATS_URL"}
    assert urls
    for url in urls:
        for server in str(url).split(","):
            address = urlsplit(server.strip())
            [client] = find(k8s, "Service", str(address.hostname).split(".")[0])
            assert client["spec"]["selector"].items() <= (
                spec["template"]["metadata"]["labels"].items()
            )
            assert address.port in [p["port"] for p in client["spec"]["ports"]]


def test_k8s_runs_the_upload_verifier_apart_from_the_web_pods(
    k8s: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_maps = {c["metadata"]["name"]: c.get("data", {}) for c in find(k8s, "ConfigMap")}

    def settings_of(deployment_name: str) -> tuple[Any, dict[str, Any]]:
        [deployment] = find(k8s, "Deployment", deployment_name)
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert runs_module(command_tokens(container.get("command")), "services.submissions")
        env = container_env(container, config_maps)
        assert unknown_settings("submissions", list(env)) == []
        return load_settings_from("submissions", env, tmp_path, monkeypatch), pod

    web, _ = settings_of("submissions")
    verifier, pod = settings_of("submissions-verifier")
    assert (web.run_verifier, verifier.run_verifier) == (False, True)
    [container] = pod["containers"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    scratch = volumes[mounts[verifier.verify_scratch_dir]]
    assert "emptyDir" in scratch and scratch["emptyDir"]["sizeLimit"]

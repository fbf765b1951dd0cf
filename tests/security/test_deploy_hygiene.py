"""Production deployment hygiene (issue 13): docker compose publishes neither PostgreSQL nor Redis,
Redis asks for a password, HTTP services listen on loopback only, every base and service image is
pinned, and production images install only hash-pinned packages that cover every dependency
the services declare."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy" / "requirements.lock"
DOCKERFILES = sorted((ROOT / "deploy").glob("Dockerfile*"))
PYPROJECTS = [*sorted((ROOT / "services").glob("*/pyproject.toml")), ROOT / "web" / "pyproject.toml"]
# An exact release (python:3.11.11-slim-bookworm, postgres:16.6, redis:7.4.1) or a digest.
PINNED_IMAGE = re.compile(r"^[\w./-]+(:\d+\.\d+(\.\d+)?[\w.-]*)?(@sha256:[0-9a-f]{64})?$")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return canonical(re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0])


def is_pinned(image: str) -> bool:
    """A digest, or a tag naming one release: major.minor.patch (PostgreSQL's releases are major.minor)."""
    if "@sha256:" in image:
        return bool(PINNED_IMAGE.match(image))
    name, _, tag = image.rpartition(":")
    parts = 2 if name.rsplit("/", 1)[-1] == "postgres" else 3
    return bool(PINNED_IMAGE.match(image)) and bool(re.match(r"\d+" + r"\.\d+" * (parts - 1) + r"(-|$)", tag))


def test_compose_publishes_no_database_or_redis_port_and_http_only_on_loopback() -> None:
    services = compose()["services"]
    assert "ports" not in services["postgres"] and "ports" not in services["redis"]
    for name, service in services.items():
        for mapping in service.get("ports", []):
            assert str(mapping).startswith("127.0.0.1:"), f"{name} publishes {mapping} on every interface"


def test_compose_redis_and_postgres_require_passwords_from_the_environment() -> None:
    document = compose()
    redis = document["services"]["redis"]
    command = " ".join(redis["command"])
    assert re.search(r"--requirepass \$\{REDIS_PASSWORD:\?[^}]+\}", command), command
    assert redis["environment"]["REDISCLI_AUTH"].startswith("${REDIS_PASSWORD"), "the health check authenticates"
    env = document["x-anken-env"]["environment"]
    assert env["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?")
    postgres = document["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert ":${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]


def test_every_image_is_pinned() -> None:
    images = [s["image"] for s in compose()["services"].values() if "image" in s]
    for dockerfile in DOCKERFILES:
        images += re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(), flags=re.M)
    for manifest in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        images += re.findall(r"^\s+image:\s*(\S+)", manifest.read_text(), flags=re.M)
    assert images and not [image for image in images if not is_pinned(image)]
    assert not [i for i in ("python:3.11-slim", "postgres:16", "redis:7", "anken/web:latest") if is_pinned(i)]


def test_dockerfiles_install_only_the_hash_pinned_lock_and_the_local_packages() -> None:
    for dockerfile in DOCKERFILES:
        installs = [line for line in re.sub(r"\\\n", " ", dockerfile.read_text()).splitlines() if "pip install" in line]
        assert any("--require-hashes" in i and "requirements.lock" in i and "--no-deps" in i for i in installs), \
            dockerfile.name
        others = [i for i in installs if "requirements.lock" not in i]
        assert others and all("--no-deps" in i and "--no-build-isolation" in i for i in others), dockerfile.name


def test_lock_pins_every_package_with_hashes_and_covers_every_declared_dependency() -> None:
    entries = re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
                         LOCK.read_text(), flags=re.M)
    requirement_lines = [line for line in LOCK.read_text().splitlines() if line and not line.startswith((" ", "#"))]
    assert len(entries) == len(requirement_lines), "every requirement is an exact pin followed by its hashes"
    locked = {canonical(name) for name, _, _ in entries}
    declared = set()
    for pyproject in PYPROJECTS:
        project = tomllib.loads(pyproject.read_text())["project"]
        declared |= {requirement_name(r) for r in project["dependencies"]}
    declared = {name for name in declared if not name.startswith("anken-")}
    assert declared and not declared - locked, f"missing from {LOCK.name}: {sorted(declared - locked)}"
    # The build backend the local packages need, so building them fetches nothing unpinned.
    assert {"setuptools", "wheel"} <= locked


def test_the_web_front_end_never_receives_the_master_secrets() -> None:
    """A compromised web process must not be able to mint service tokens or read stored integration secrets."""
    web = compose()["services"]["web"]
    assert "env_file" not in web, "web must not load the shared .env (it holds ANKEN_SECRET_KEY)"
    environment = web.get("environment", {})
    assert "WEB_SESSION_KEY" in environment
    assert not {"ANKEN_SECRET_KEY", "ANKEN_ENCRYPTION_KEY", "DATABASE_URL"} & set(environment)
    containers = [c for doc in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "web.yaml").read_text())
                  if doc and doc.get("kind") == "Deployment" for c in doc["spec"]["template"]["spec"]["containers"]]
    secrets = {ref["secretRef"]["name"] for c in containers for ref in c.get("envFrom", []) if "secretRef" in ref}
    assert secrets == {"anken-web-secrets"}, secrets

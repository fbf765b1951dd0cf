"""docker-compose.yml and the Kubernetes manifests are well-formed and complete."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"projects-api": 8001, "reporting-api": 8002, "worker": 8003, "web": 8000}


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_build_ports_and_healthcheck() -> None:
    services = load_compose()["services"]
    for name in ("postgres", "redis", *APP_SERVICES):
        assert name in services, name
        service = services[name]
        assert "build" in service or "image" in service, name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name, port in APP_SERVICES.items():
        assert f"127.0.0.1:{port}:{port}" in services[name]["ports"], name  # loopback only (issue 13)
        build = services[name]["build"]
        assert (ROOT / build["dockerfile"]).is_file()
        assert (ROOT / build["args"]["SERVICE_DIR"] / "pyproject.toml").is_file()


def test_compose_dependencies_wait_for_health() -> None:
    services = load_compose()["services"]
    for name in ("projects-api", "reporting-api", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["web"]["depends_on"]["projects-api"]["condition"] == "service_healthy"


def test_env_example_documents_every_variable_compose_sets() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    compose = (ROOT / "docker-compose.yml").read_text()
    anchor = yaml.safe_load(compose)["x-anken-env"]["environment"]
    assert set(anchor) <= documented
    assert {"ANKEN_SECRET_KEY", "ANKEN_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"} <= documented


def test_kubernetes_deployments_probe_health_and_readiness() -> None:
    for name, port in APP_SERVICES.items():
        docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{name}.yaml").read_text()))
        deployment = next(d for d in docs if d["kind"] == "Deployment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
        assert any(d["kind"] == "Service" for d in docs)
    kustomization = yaml.safe_load((ROOT / "deploy" / "k8s" / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (ROOT / "deploy" / "k8s" / resource).is_file()

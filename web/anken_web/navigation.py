"""Which screens each role sees in the navigation, where each role lands after login, and the only pages a
client user may open (every other page answers them 404, as the APIs do: anken_common.access)."""

from __future__ import annotations

from dataclasses import dataclass

from anken_web.i18n.extraction import N_


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English msgid, translated in the template


NAV: dict[str, list[NavItem]] = {
    "director": [
        NavItem("/home", N_("Portfolio")), NavItem("/projects", N_("Projects")),
        NavItem("/pipeline", N_("Pipeline")), NavItem("/forecast", N_("Forecast")), NavItem("/webhooks", N_("Webhooks")),
        NavItem("/client-users", N_("Client users")),
    ],
    "manager": [
        NavItem("/pipeline", N_("Pipeline")), NavItem("/forecast", N_("Forecast")), NavItem("/projects", N_("Projects")),
    ],
    "member": [NavItem("/calling", N_("Calling"))],
    "client": [NavItem("/client", N_("Your projects"))],
    "admin": [
        NavItem("/home", N_("Portfolio")), NavItem("/projects", N_("Projects")), NavItem("/pipeline", N_("Pipeline")),
        NavItem("/forecast", N_("Forecast")), NavItem("/admin/users", N_("Users")), NavItem("/admin/clients", N_("Clients")), NavItem("/admin/api-keys", N_("API keys")),
        NavItem("/admin/integrations", N_("Integrations")), NavItem("/webhooks", N_("Webhooks")),
        NavItem("/admin/deliveries", N_("Delivery log")),
        NavItem("/admin/sandbox", N_("Sandbox")),
    ],
}

HOME = {"director": "/home", "manager": "/pipeline", "member": "/calling", "admin": "/home", "client": "/client"}

# The logged-in pages (route paths) a client user may open: the client portal (pages/portal_*.py). Login,
# logout and the language switch are open to everyone; every other page is 404 to a client user.
CLIENT_PAGES = frozenset({
    "/client",
    "/client/projects/{project_id}",
    "/client/projects/{project_id}/appointments",
    "/client/projects/{project_id}/appointments.csv",
    "/client/projects/{project_id}/appointments/{appointment_id}",
    "/client/projects/{project_id}/reports",
    "/client/projects/{project_id}/reports/{week}",
    "/client/projects/{project_id}/reports/{week}/comments",
    "/client/projects/{project_id}/reports/{week}/download.{kind}",
})


def client_may_open(route_path: str) -> bool:
    return route_path in CLIENT_PAGES


def navigation_for(role: str | None) -> list[NavItem]:
    return NAV.get(role or "", [])


def home_for(role: str | None) -> str:
    return HOME.get(role or "", "/")

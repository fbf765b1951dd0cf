"""Which screens each role sees in the navigation, and where each role lands after login."""

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
        NavItem("/pipeline", N_("Pipeline")), NavItem("/forecast", N_("Forecast")),
    ],
    "manager": [
        NavItem("/pipeline", N_("Pipeline")), NavItem("/forecast", N_("Forecast")), NavItem("/projects", N_("Projects")),
    ],
    "member": [NavItem("/calling", N_("Calling"))],
    "admin": [
        NavItem("/home", N_("Portfolio")), NavItem("/projects", N_("Projects")), NavItem("/pipeline", N_("Pipeline")),
        NavItem("/forecast", N_("Forecast")), NavItem("/admin/users", N_("Users")), NavItem("/admin/clients", N_("Clients")), NavItem("/admin/api-keys", N_("API keys")),
        NavItem("/admin/integrations", N_("Integrations")), NavItem("/admin/deliveries", N_("Delivery log")),
        NavItem("/admin/sandbox", N_("Sandbox")),
    ],
}

HOME = {"director": "/home", "manager": "/pipeline", "member": "/calling", "admin": "/home"}


def navigation_for(role: str | None) -> list[NavItem]:
    return NAV.get(role or "", [])


def home_for(role: str | None) -> str:
    return HOME.get(role or "", "/")

"""The one access rule of Anken: who may see and manage which client, project and sales figures.

Every service applies this module; each keeps only a thin adapter that gathers the facts
(a project's client and director, whether the caller is assigned to it) from its own tables.

| who                | projects it sees          | projects it manages | clients it manages         | sales figures (pipeline, forecast, snapshots) |
|--------------------|---------------------------|---------------------|----------------------------|-----------------------------------------------|
| admin, service     | all                       | all                 | all                        | every owner                                   |
| manager            | all (read only)           | none                | none (reads every client)  | every owner                                   |
| director           | the projects they direct  | the same            | clients of those projects  | their own (owner = themselves)                |
| member             | projects assigned to them | none                | none                       | none                                          |
| partner API key    | its client's projects     | none                | none (reads its own client)| none                                          |

Whatever a caller may not see is answered as not found by the services, so its existence is
not leaked. The pure functions decide over plain facts; the clause builders express the same
rule in SQL (over any table that has a project's id, client id and director id), so an ORM
path and a hand-written fast path cannot drift apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from anken_common.auth_tokens import Role


class Caller(Protocol):
    """What every service's principal carries (partner keys also `client_id` and `scopes`)."""

    @property
    def kind(self) -> str: ...  # "user" | "api_key" | "service"

    @property
    def id(self) -> Any: ...

    @property
    def role(self) -> Role | None: ...


def as_uuid(value: object) -> uuid.UUID | None:
    """An id as a UUID (services keep ids as UUID or str); None when it is none or not a UUID."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _is(caller: Caller, role: Role) -> bool:
    return caller.kind == "user" and caller.role == role


# (service, method, route path as the service declares it) that a client user may call. The one
# allow-list: the route sweep of tests/security fails on any route that answers a client user 2xx
# without being here. Writes are the user's own session and profile, and the client's own feedback.
CLIENT_USER_ROUTES: frozenset[tuple[str, str, str]] = frozenset({
    ("projects", "GET", "/v1/auth/me"),
    ("projects", "PATCH", "/v1/auth/me"),
    ("projects", "POST", "/v1/auth/logout"),
    ("projects", "POST", "/v1/auth/password"),
    ("projects", "GET", "/v1/projects"),
    ("projects", "GET", "/v1/projects/{project_id}"),
    # The appointments of their client's projects, and the client-side feedback on one (hand-off, outcome,
    # the client's deal; anken_projects.appointments.access.CLIENT_USER_FIELDS).
    ("projects", "GET", "/v1/appointments"),
    ("projects", "GET", "/v1/appointments/{appointment_id}"),
    ("projects", "PATCH", "/v1/appointments/{appointment_id}"),
    # The client portal (web /client/…): the month's figures and the published weekly reports of their own
    # projects (reporting-api answers another client's project 404, and a week nobody published too).
    ("reporting", "GET", "/v1/projects/{project_id}/kpis"),
    ("reporting", "GET", "/v1/projects/{project_id}/weekly-reports"),
    ("reporting", "GET", "/v1/projects/{project_id}/weekly-reports/{iso_week}"),
    ("reporting", "GET", "/v1/projects/{project_id}/weekly-reports/{iso_week}/versions"),
    *(("reporting", "GET", f"/v1/projects/{{project_id}}/weekly-reports/{{iso_week}}.{kind}")
      for kind in ("pptx", "xlsx", "csv", "html")),
    ("reporting", "GET", "/v1/projects/{project_id}/appointment-quality"),
    # Their comments on a published weekly report, for the director to read before the next meeting.
    ("reporting", "GET", "/v1/projects/{project_id}/weekly-reports/{iso_week}/comments"),
    ("reporting", "POST", "/v1/projects/{project_id}/weekly-reports/{iso_week}/comments"),
})


def is_client_user(caller: Caller) -> bool:
    """A person of the ordering client (role `client`)."""
    return _is(caller, Role.client)


def client_user_may_call(service: str, method: str, route_path: str) -> bool:
    """Whether a client user may call this route of `service` at all ("projects", "reporting", "worker")."""
    return (service, method.upper(), route_path) in CLIENT_USER_ROUTES


def tenant_of(caller: Caller) -> uuid.UUID | None:
    """The one client a partner key or client user is bound to (None for everyone else)."""
    if is_partner(caller) or is_client_user(caller):
        return as_uuid(getattr(caller, "client_id", None))
    return None


def is_partner(caller: Caller) -> bool:
    return caller.kind == "api_key"


def reads_published_reports_only(caller: Caller) -> bool:
    """Partner keys and client users read what the director published, never a weekly report's draft."""
    return is_partner(caller) or is_client_user(caller)


def manages_everything(caller: Caller) -> bool:
    """Admins and other services."""
    return caller.kind == "service" or _is(caller, Role.admin)


def reads_everything(caller: Caller) -> bool:
    """Admins, services and managers (who read every project and manage none)."""
    return manages_everything(caller) or _is(caller, Role.manager)


def assignment_decides(caller: Caller) -> bool:
    """Whether being assigned to a project is what lets this caller see it (members only): a service
    asks for the assignment fact only when it matters."""
    return _is(caller, Role.member)


def partner_has_scope(caller: Caller, scope: str) -> bool:
    """A partner key's scope check (users and services are not limited by scopes)."""
    return not is_partner(caller) or scope in getattr(caller, "scopes", ())


def may_see_project(caller: Caller, *, client_id: object, director_id: object, assigned: bool) -> bool:
    """Whether the caller may read the project (`assigned`: the caller is assigned to it)."""
    if reads_everything(caller):
        return True
    if is_partner(caller) or is_client_user(caller):
        own = tenant_of(caller)
        return own is not None and own == as_uuid(client_id)
    if _is(caller, Role.director):
        return director_id is not None and as_uuid(director_id) == as_uuid(caller.id)
    return _is(caller, Role.member) and assigned


def may_see_member_names(caller: Caller, *, project_allows: bool) -> bool:
    """Whether the caller may see which member did what on a project it sees (per-member figures, the member
    of an appointment): the agency's own people always; the client's people (client users, partner keys) only
    when the project allows it (the project setting `client_sees_member_names`)."""
    return project_allows or not (is_partner(caller) or is_client_user(caller))


def may_manage_project(caller: Caller, *, director_id: object) -> bool:
    """Whether the caller may change the project's settings, lifecycle, scripts, assignments and integrations."""
    if manages_everything(caller):
        return True
    return _is(caller, Role.director) and director_id is not None and as_uuid(director_id) == as_uuid(caller.id)


def may_manage_client(caller: Caller, *, directs_a_project_of_client: bool) -> bool:
    """Whether the caller may change what belongs to a client as a whole (do-not-call list, webhook
    endpoints, client-wide integration settings): admins, and a director of at least one of its projects."""
    return manages_everything(caller) or (_is(caller, Role.director) and directs_a_project_of_client)


def may_read_client(caller: Caller, *, client_id: object, directs_a_project_of_client: bool) -> bool:
    """Whether the caller may read what belongs to a client as a whole: whoever may manage it, managers,
    and the client's own partner keys and client users."""
    if reads_everything(caller) or may_manage_client(caller, directs_a_project_of_client=directs_a_project_of_client):
        return True
    own = tenant_of(caller)
    return own is not None and own == as_uuid(client_id)


def may_read_sales(caller: Caller, owner_id: object | None) -> bool:
    """Whether the caller may read the agency's own pipeline, forecast and snapshots of `owner_id`
    (None: every owner together). Admins and managers read everyone's; a director only their own."""
    if reads_everything(caller):
        return True
    return _is(caller, Role.director) and owner_id is not None and as_uuid(owner_id) == as_uuid(caller.id)


def default_sales_owner(caller: Caller) -> uuid.UUID | None:
    """The owner whose sales figures a caller gets when it names none: a director their own, others everyone's."""
    return as_uuid(caller.id) if _is(caller, Role.director) else None


# --- the same rule in SQL ---------------------------------------------------------------------------
# A column argument is any SQL column expression: a Core `Table.c` column or an ORM one (`col(Model.field)`).


@dataclass(frozen=True)
class ProjectColumns:
    """Where a service keeps its projects: the id, client id and director id columns of one table, and
    how to say "this member is assigned to the row's project" (None: the service has no assignments)."""

    id: sa.ColumnElement[Any]
    client_id: sa.ColumnElement[Any]
    director_id: sa.ColumnElement[Any]
    assigned: Callable[[Any], sa.ColumnElement[bool]] | None = None  # takes a member id (value or SQL)


def project_visibility_clause(
    caller: Caller, projects: ProjectColumns, me: sa.ColumnElement[Any] | None = None
) -> sa.ColumnElement[bool]:
    """WHERE clause over the projects table: the rows `may_see_project` allows.

    `me` stands for the caller's id in the SQL (default: the id as a value); a statement prepared
    once per kind of caller passes its parameter, e.g. `sa.literal_column("$2")`.
    """
    if reads_everything(caller):
        return sa.true()
    if is_partner(caller) or is_client_user(caller):
        own = tenant_of(caller)
        return projects.client_id == own if own is not None else sa.false()
    who: object = as_uuid(caller.id) if me is None else me
    if who is None:
        return sa.false()
    if _is(caller, Role.director):
        return projects.director_id == who
    if _is(caller, Role.member) and projects.assigned is not None:
        return projects.assigned(who)
    return sa.false()


def project_management_clause(caller: Caller, projects: ProjectColumns) -> sa.ColumnElement[bool]:
    """WHERE clause over the projects table: the rows `may_manage_project` allows."""
    if manages_everything(caller):
        return sa.true()
    me = as_uuid(caller.id)
    if _is(caller, Role.director) and me is not None:
        return projects.director_id == me
    return sa.false()


def visible_project_ids_clause(
    caller: Caller, project_id: sa.SQLColumnExpression[Any], projects: ProjectColumns
) -> sa.ColumnElement[bool]:
    """WHERE clause for any table carrying a project id: rows of projects the caller may see."""
    if reads_everything(caller):
        return sa.true()
    return project_id.in_(sa.select(projects.id).where(project_visibility_clause(caller, projects)))


def managed_project_ids_clause(
    caller: Caller, project_id: sa.SQLColumnExpression[Any], projects: ProjectColumns
) -> sa.ColumnElement[bool]:
    """WHERE clause for any table carrying a project id: rows of projects the caller may manage."""
    if manages_everything(caller):
        return sa.true()
    return project_id.in_(sa.select(projects.id).where(project_management_clause(caller, projects)))


def managed_clients_clause(
    caller: Caller, client_id: sa.SQLColumnExpression[Any], projects: ProjectColumns
) -> sa.ColumnElement[bool]:
    """WHERE clause for any table carrying a client id: rows of clients the caller may manage."""
    if manages_everything(caller):
        return sa.true()
    me = as_uuid(caller.id)
    if not _is(caller, Role.director) or me is None:
        return sa.false()
    return client_id.in_(sa.select(projects.client_id).where(projects.director_id == me))


def readable_clients_clause(
    caller: Caller, client_id: sa.SQLColumnExpression[Any], projects: ProjectColumns
) -> sa.ColumnElement[bool]:
    """WHERE clause for any table carrying a client id: rows of clients the caller may read."""
    if reads_everything(caller):
        return sa.true()
    if is_partner(caller) or is_client_user(caller):
        own = tenant_of(caller)
        return client_id == own if own is not None else sa.false()
    return managed_clients_clause(caller, client_id, projects)

"""One access rule, applied the same way by every service (issue 13, roles and tenants).

Every caller kind × situation is decided by anken_common.access; projects-api, reporting-api and the
worker's adapters, and the rule's SQL form evaluated by PostgreSQL, must all answer the same. A service
that grew its own copy of the rule (as reporting-api had, and the worker had none) fails here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import create_async_engine

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.principal import Principal as CommonPrincipal
from anken_common.problems import NotFound
from anken_projects.projects import access as projects_access
from anken_reporting.auth import access as reporting_access
from anken_reporting.auth.principal import Principal as ReportingPrincipal
from anken_worker.auth import access as worker_access
from anken_worker.auth.dependencies import Principal as WorkerPrincipal

CLIENT, OTHER_CLIENT = uuid.uuid4(), uuid.uuid4()
ME, SOMEONE = uuid.uuid4(), uuid.uuid4()


@dataclass(frozen=True)
class Who:
    label: str
    kind: str
    role: Role | None
    id: Any
    client_id: uuid.UUID | None = None
    scopes: frozenset[str] = frozenset()

    def common(self) -> CommonPrincipal:
        return CommonPrincipal(self.kind, self.id, self.role, self.client_id, self.scopes)

    def reporting(self) -> ReportingPrincipal:
        return ReportingPrincipal(self.kind, self.id, self.role, self.client_id, self.scopes)

    def worker(self) -> WorkerPrincipal | None:
        """The worker serves users and services only (its dependency refuses partner keys)."""
        return None if self.kind == "api_key" else WorkerPrincipal(self.kind, str(self.id), self.role)


CALLERS = [
    Who("admin", "user", Role.admin, ME),
    Who("service (projects-api form)", "service", Role.admin, "integrations-worker"),
    Who("service (worker form)", "service", None, "reporting-api"),
    Who("manager", "user", Role.manager, ME),
    Who("director", "user", Role.director, ME),
    Who("member", "user", Role.member, ME),
    Who("partner of the client", "api_key", None, uuid.uuid4(), CLIENT, frozenset({"read:projects"})),
    Who("partner of another client", "api_key", None, uuid.uuid4(), OTHER_CLIENT, frozenset({"read:projects"})),
    Who("client user of the client", "user", Role.client, ME, CLIENT),
    Who("client user of another client", "user", Role.client, ME, OTHER_CLIENT),
]
# (client of the project, its director, whether the caller is assigned to it)
SITUATIONS = [
    (CLIENT, ME, False), (CLIENT, ME, True), (CLIENT, SOMEONE, False), (CLIENT, SOMEONE, True),
    (OTHER_CLIENT, SOMEONE, True), (CLIENT, None, False),
]

# What the rule says, written out as a table, so that a change to the rule is a deliberate change here.
SEES = {
    "admin": [True] * 6, "service (projects-api form)": [True] * 6, "service (worker form)": [True] * 6,
    "manager": [True] * 6,
    "director": [True, True, False, False, False, False],
    "member": [False, True, False, True, True, False],
    "partner of the client": [True, True, True, True, False, True],
    "partner of another client": [False, False, False, False, True, False],
    # A client user sees its client's projects whoever directs them, never another's (and only through the
    # routes of anken_common.access.CLIENT_USER_ROUTES: see test_route_sweep).
    "client user of the client": [True, True, True, True, False, True],
    "client user of another client": [False, False, False, False, True, False],
}
MANAGES = {
    "admin": [True] * 6, "service (projects-api form)": [True] * 6, "service (worker form)": [True] * 6,
    "director": [True, True, False, False, False, False],
}


class FakeResult:
    def __init__(self, row: object | None) -> None:
        self.row = row

    def first(self) -> object | None:
        return self.row


class FakeSession:
    """reporting-api's session, answering only "is the caller assigned to the project"."""

    def __init__(self, assigned: bool) -> None:
        self.assigned = assigned

    async def execute(self, *_args: object, **_kwargs: object) -> FakeResult:
        return FakeResult((1,) if self.assigned else None)


class FakeConnection:
    """The worker's connection, answering its one-value look-ups with the given value."""

    def __init__(self, value: object | None) -> None:
        self.value = value

    async def scalar(self, *_args: object, **_kwargs: object) -> object | None:
        return self.value


@pytest.mark.parametrize("who", CALLERS, ids=lambda w: w.label)
async def test_every_service_sees_and_manages_projects_as_the_rule_says(who: Who) -> None:
    for n, (client_id, director_id, assigned) in enumerate(SITUATIONS):
        sees = rule.may_see_project(who.common(), client_id=client_id, director_id=director_id, assigned=assigned)
        manages = rule.may_manage_project(who.common(), director_id=director_id)
        where = f"{who.label} on situation {n}"
        assert sees == SEES[who.label][n], where
        assert manages == MANAGES.get(who.label, [False] * 6)[n], where

        project = {"id": uuid.uuid4(), "client_id": client_id, "director_id": director_id}
        assert await reporting_access.can_see_project(FakeSession(assigned), who.reporting(), project) == sees, where
        # projects-api's hot-path form serves staff and services only (client users never reach those routes)
        if who.kind != "api_key" and who.role != Role.client:
            assert projects_access.sees_project(who.common(), director_id, assigned) == sees, where
        assert projects_access.can_manage(who.common(), _Project(director_id)) == manages, where
        if (worker := who.worker()) is not None:
            assert await worker_access.may_manage_project(FakeConnection(director_id), worker, uuid.uuid4()) \
                == manages, where


@dataclass
class _Project:
    director_id: uuid.UUID | None


@pytest.mark.parametrize("who", CALLERS, ids=lambda w: w.label)
async def test_every_service_manages_clients_as_the_rule_says(who: Who) -> None:
    for directs in (True, False):
        expected = who.label.startswith(("admin", "service")) or (who.label == "director" and directs)
        assert rule.may_manage_client(who.common(), directs_a_project_of_client=directs) == expected
        if (worker := who.worker()) is not None:
            found = uuid.uuid4() if directs else None
            assert await worker_access.may_manage_client(FakeConnection(found), worker, CLIENT) == expected
        reads = rule.may_read_client(who.common(), client_id=CLIENT, directs_a_project_of_client=directs)
        assert reads == (expected or who.label in ("manager", "partner of the client", "client user of the client"))


@pytest.mark.parametrize("who", CALLERS, ids=lambda w: w.label)
def test_sales_figures_follow_the_rule_in_reporting(who: Who) -> None:
    for owner in (ME, SOMEONE, None):
        allowed = rule.may_read_sales(who.common(), owner if owner is not None else rule.default_sales_owner(
            who.common()))
        expected = who.label.startswith(("admin", "service", "manager")) or (
            who.label == "director" and owner in (ME, None))
        assert allowed == expected, (who.label, owner)
        if allowed:
            got = reporting_access.sales_owner(who.reporting(), owner)
            assert got == (ME if who.label == "director" else owner)
        else:
            with pytest.raises(NotFound):
                reporting_access.sales_owner(who.reporting(), owner)


async def test_the_rule_in_sql_selects_exactly_what_the_pure_rule_allows(service_env) -> None:
    """The clause builders (used by projects-api's queries and the worker's lists) agree row by row."""
    metadata = sa.MetaData()
    probe = sa.Table("access_probe", metadata, sa.Column("id", UUID(as_uuid=True)),
                     sa.Column("client_id", UUID(as_uuid=True)), sa.Column("director_id", UUID(as_uuid=True)),
                     sa.Column("assigned_member", UUID(as_uuid=True)), prefixes=["TEMPORARY"])
    columns = rule.ProjectColumns(id=probe.c.id, client_id=probe.c.client_id, director_id=probe.c.director_id,
                                  assigned=lambda member: probe.c.assigned_member == member)
    rows = [{"id": uuid.uuid4(), "client_id": c, "director_id": d, "assigned_member": ME if a else None}
            for c, d, a in SITUATIONS]
    url = service_env["DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(sa.insert(probe), rows)

            async def ids(where: sa.ColumnElement[bool]) -> set[uuid.UUID]:
                return set((await conn.execute(sa.select(probe.c.id).where(where))).scalars())

            for who in CALLERS:
                caller = who.common()
                sees = {r["id"] for r, s in zip(rows, SITUATIONS, strict=True)
                        if rule.may_see_project(caller, client_id=s[0], director_id=s[1], assigned=s[2])}
                manages = {r["id"] for r, s in zip(rows, SITUATIONS, strict=True)
                           if rule.may_manage_project(caller, director_id=s[1])}
                assert await ids(rule.project_visibility_clause(caller, columns)) == sees, who.label
                assert await ids(rule.visible_project_ids_clause(caller, probe.c.id, columns)) == sees, who.label
                assert await ids(rule.project_management_clause(caller, columns)) == manages, who.label
                assert await ids(rule.managed_project_ids_clause(caller, probe.c.id, columns)) == manages, who.label
                managed_clients = {r["id"] for r in rows if rule.may_manage_client(
                    caller, directs_a_project_of_client=any(
                        s[0] == r["client_id"] and s[1] == ME for s in SITUATIONS))}
                assert await ids(rule.managed_clients_clause(caller, probe.c.client_id, columns)) == managed_clients, \
                    who.label
                readable_clients = {r["id"] for r in rows if rule.may_read_client(
                    caller, client_id=r["client_id"], directs_a_project_of_client=any(
                        s[0] == r["client_id"] and s[1] == ME for s in SITUATIONS))}
                assert await ids(rule.readable_clients_clause(caller, probe.c.client_id, columns)) \
                    == readable_clients, who.label
            await conn.rollback()
    finally:
        await engine.dispose()


def test_client_users_reach_only_the_allow_listed_routes() -> None:
    """The one allow-list: a client user may read its projects and its own session and report the client's
    feedback on its appointments, nothing else by name."""
    assert rule.client_user_may_call("projects", "get", "/v1/projects/{project_id}")
    assert rule.client_user_may_call("projects", "GET", "/v1/projects")
    assert not rule.client_user_may_call("projects", "PATCH", "/v1/projects/{project_id}")
    assert not rule.client_user_may_call("reporting", "GET", "/v1/projects/{project_id}")
    assert not rule.client_user_may_call("projects", "GET", "/v1/users")
    assert all(method in ("GET", "PATCH", "POST") for _, method, _ in rule.CLIENT_USER_ROUTES)
    writes = {(service, path) for service, method, path in rule.CLIENT_USER_ROUTES if method != "GET"}
    assert writes <= {("projects", "/v1/auth/me"), ("projects", "/v1/auth/logout"), ("projects", "/v1/auth/password"),
                      ("projects", "/v1/appointments/{appointment_id}"),
                      ("reporting", "/v1/projects/{project_id}/weekly-reports/{iso_week}/comments")}
    assert rule.client_user_may_call("projects", "PATCH", "/v1/appointments/{appointment_id}")
    assert not rule.client_user_may_call("projects", "POST", "/v1/projects/{project_id}/calls")

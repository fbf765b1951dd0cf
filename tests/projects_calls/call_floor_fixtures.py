"""Building blocks of the call-floor tests: actors with tokens and a fresh call floor per test.

`build_floor()` builds a fresh call floor per test: a client with two projects, a director,
assigned members, an unassigned member and a target list with targets, so tests never
depend on each other's data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from anken_common.auth_tokens import Role, issue_user_token
from anken_projects.clients.models import Client
from anken_projects.projects.models import Assignment, Project
from anken_projects.settings import ProjectsSettings
from anken_projects.targets.company_names import normalise_company_name
from anken_projects.targets.models import Target, TargetList
from anken_projects.users.models import User


@dataclass
class Actor:
    id: uuid.UUID
    role: Role
    headers: dict[str, str]


@dataclass
class Floor:
    client_id: uuid.UUID
    project_id: uuid.UUID
    other_project_id: uuid.UUID
    list_id: uuid.UUID
    other_list_id: uuid.UUID
    director: Actor
    members: list[Actor]
    outsider: Actor
    admin: Actor
    targets: list[uuid.UUID] = field(default_factory=list)


def make_settings(service_env: dict[str, str]) -> ProjectsSettings:
    return ProjectsSettings(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        anken_env="test", outbox_relay_enabled=False,
    )


async def create_user(resources, role: Role) -> Actor:
    user = User(email=f"{role.value}-{uuid.uuid4().hex[:10]}@calls.test", name=f"架電{role.value}", role=role)
    async with resources.sessionmaker() as session, session.begin():
        session.add(user)
    token = issue_user_token(resources.settings.anken_secret_key, str(user.id), role)
    return Actor(user.id, role, {"Authorization": f"Bearer {token}"})


def target_row(list_: TargetList, n: int, **overrides) -> Target:
    name = overrides.pop("company_name", f"株式会社テスト{n:05d}")
    return Target(
        target_list_id=list_.id, project_id=list_.project_id, client_id=list_.client_id, company_name=name,
        company_name_key=normalise_company_name(name) or name, phone=f"03{n:08d}", industry="製造業",
        priority_tier=overrides.pop("priority_tier", 3), **overrides,
    )


async def build_floor(resources, *, targets: int = 5, members: int = 2) -> Floor:
    director = await create_user(resources, Role.director)
    admin = await create_user(resources, Role.admin)
    member_actors = [await create_user(resources, Role.member) for _ in range(members)]
    outsider = await create_user(resources, Role.member)
    async with resources.sessionmaker() as session, session.begin():
        client = Client(name=f"発注企業{uuid.uuid4().hex[:6]}")
        session.add(client)
        await session.flush()
        project = Project(client_id=client.id, director_id=director.id, name="インサイドセールス代行", status="active")
        other = Project(client_id=client.id, director_id=director.id, name="別案件", status="active")
        session.add_all([project, other])
        await session.flush()
        for actor in member_actors:
            session.add(Assignment(project_id=project.id, member_id=actor.id, planned_hours=80))
            session.add(Assignment(project_id=other.id, member_id=actor.id, planned_hours=20))
        list_ = TargetList(project_id=project.id, client_id=client.id, name="リストA")
        other_list = TargetList(project_id=other.id, client_id=client.id, name="リストB")
        session.add_all([list_, other_list])
        await session.flush()
        rows = [target_row(list_, n) for n in range(targets)]
        session.add_all(rows)
    return Floor(client.id, project.id, other.id, list_.id, other_list.id, director, member_actors, outsider, admin,
                 [r.id for r in rows])

"""Issue 16, one home for do-not-call and project visibility: each is one SQLAlchemy Core expression.

The ORM paths compose the expressions; the one-statement hot paths (next-target's lease, single-call
logging, bulk logging's lock) embed the same expressions compiled to text. Here PostgreSQL evaluates
both forms over the same rows and they must select the same ones, and the hot-path statements are
shown to hold no hand-written copy beside the generated text.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from anken_common.auth_tokens import Role
from anken_common.principal import Principal
from anken_projects.calls import ingest, single
from anken_projects.dnc import repository as dnc
from anken_projects.dnc.models import DoNotCallEntry
from anken_projects.next_target import service as next_target
from anken_projects.projects import access
from anken_projects.projects.models import Project
from anken_projects.targets.models import Target, TargetStatus
from projects_calls.call_floor_fixtures import Floor


async def _mark_do_not_call(resources, floor: Floor) -> dict[str, uuid.UUID]:
    """t0 matched by phone, t1 by corporate number, t2 only by another client's entry (not DNC),
    t3 marked dnc without an entry, t4 untouched."""
    t0, t1, t2, t3, _ = floor.targets
    async with resources.sessionmaker() as session, session.begin():
        number = f"{uuid.uuid4().int % 10**13:013d}"
        await session.execute(sa.update(Target).where(Target.id == t1).values(corporate_number=number))
        await session.execute(sa.update(Target).where(Target.id == t3).values(status=TargetStatus.dnc.value))
        phone0, phone2 = (await session.execute(sa.select(Target.phone).where(Target.id.in_([t0, t2]))
                                                .order_by(Target.phone))).scalars().all()
        other_client = uuid.uuid4()
        session.add_all([
            DoNotCallEntry(client_id=floor.client_id, phone=phone0),
            DoNotCallEntry(client_id=floor.client_id, corporate_number=number),
        ])
        await session.flush()
        # Another client's entry for t2's phone: its targets only.
        await session.execute(sa.text(
            "INSERT INTO projects.clients (id, name, created_at, updated_at, version) "
            "VALUES (:id, :name, now(), now(), 1)"), {"id": other_client, "name": f"他社{other_client.hex[:6]}"})
        session.add(DoNotCallEntry(client_id=other_client, phone=phone2))
    return {"t0": t0, "t1": t1, "t2": t2, "t3": t3}


async def test_the_orm_clause_and_the_hot_path_text_select_the_same_do_not_call_targets(resources, floor) -> None:
    marked = await _mark_do_not_call(resources, floor)
    mine = Target.project_id == floor.project_id
    async with resources.sessionmaker() as session:
        async def ids(statement) -> set[uuid.UUID]:
            return set((await session.execute(statement)).scalars().all())

        on_list = await ids(sa.select(Target.id).where(mine, dnc.target_is_dnc_clause()))
        flagged = await ids(sa.select(Target.id).where(mine, dnc.target_flagged_dnc_clause()))
        callable_ = await ids(sa.select(Target.id).where(mine, dnc.target_not_dnc_clause()))
        hot = "SELECT t.id FROM projects.targets t WHERE t.project_id = :p AND "
        text_flagged = await ids(sa.text(hot + dnc.TARGET_IS_DNC_SQL).bindparams(p=floor.project_id))
        text_callable = await ids(sa.text(hot + dnc.TARGET_NOT_DNC_SQL).bindparams(p=floor.project_id))

    assert on_list == {marked["t0"], marked["t1"]}
    assert flagged == text_flagged == on_list | {marked["t3"]}
    assert callable_ == text_callable == set(floor.targets) - on_list
    assert marked["t2"] in callable_  # another client's list does not reach this client's targets


def test_the_hot_path_statements_hold_only_the_generated_do_not_call_text() -> None:
    statements = {
        "next-target": (next_target.next_target_statement("(true)"), dnc.TARGET_NOT_DNC_SQL),
        "single call": (single.check_and_lock("(true)", claim=False).text, dnc.TARGET_IS_DNC_SQL),
        "single call with a key": (single.check_and_lock("(true)", claim=True).text, dnc.TARGET_IS_DNC_SQL),
        "bulk lock": (ingest._LOCK_TARGETS, dnc.TARGET_IS_DNC_SQL),
    }
    for name, (statement, generated) in statements.items():
        assert generated in statement, name
        assert "dnc_entries" not in statement.replace(generated, ""), f"{name} has its own do-not-call SQL"
        assert "'dnc'" not in statement.replace(generated, ""), f"{name} has its own do-not-call SQL"


def _principals(floor: Floor) -> dict[str, Principal]:
    member, director = floor.members[0], floor.director
    return {
        "admin": Principal("user", floor.admin.id, Role.admin),
        "service": Principal("service", "integrations-worker", Role.admin),
        "manager": Principal("user", uuid.uuid4(), Role.manager),
        "the projects' director": Principal("user", director.id, Role.director),
        "another director": Principal("user", uuid.uuid4(), Role.director),
        "assigned member": Principal("user", member.id, Role.member),
        "unassigned member": Principal("user", floor.outsider.id, Role.member),
    }


async def test_the_orm_clause_the_hot_path_text_and_the_python_rule_see_the_same_projects(resources, floor) -> None:
    ours = [floor.project_id, floor.other_project_id]
    async with resources.sessionmaker() as session:
        for label, principal in _principals(floor).items():
            orm = set((await session.execute(
                sa.select(Project.id).where(Project.id.in_(ours), access.visibility_clause(principal)))).scalars())
            me = principal.id if isinstance(principal.id, uuid.UUID) else None
            hot = set((await session.execute(sa.text(
                "SELECT p.id FROM projects.projects p WHERE p.id = ANY(:ours) AND "
                + access.visibility_sql(principal, ":me")), {"ours": ours, "me": me})).scalars())
            rows = (await session.execute(sa.text(
                "SELECT p.id, p.director_id, EXISTS (SELECT 1 FROM projects.assignments a WHERE a.project_id = p.id "
                "AND a.member_id = :me) AS assigned FROM projects.projects p WHERE p.id = ANY(:ours)"
            ).bindparams(ours=ours, me=me))).all()
            python = {r.id for r in rows if access.sees_project(principal, r.director_id, r.assigned)}
            expected = set(ours) if label in ("admin", "service", "manager", "the projects' director",
                                              "assigned member") else set()
            assert orm == hot == python == expected, label


def test_the_hot_paths_gate_on_the_generated_visibility_text() -> None:
    for principal in (Principal("user", uuid.uuid4(), role) for role in Role):
        visible = access.visibility_sql(principal, "$2")
        statement = next_target.next_target_statement(visible)
        assert f"a.assigned AND {visible} AS allowed" in statement and f"SELECT {visible} AS visible" in statement
        assert "director_id" not in statement.replace(visible, "")
        for claim in (False, True):
            visible = access.visibility_sql(principal, ":principal_id")
            statement = single.check_and_lock(visible, claim=claim).text
            assert f"{visible} AS visible" in statement
            assert ":principal_id" not in statement.replace(visible, ""), "a hand-written visibility test"

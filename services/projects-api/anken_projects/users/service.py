"""Users: admins create and change them; passwords are stored as argon2id only."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.auth_tokens import Role
from anken_common.event_payloads import UserPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, NotFound, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.passwords import hash_password_off_loop, verify_password_off_loop
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.access import readable_clients_clause
from anken_projects.users import repository
from anken_projects.users.models import User
from anken_projects.users.schemas import UserCreate, UserUpdate


def _publish(session: AsyncSession, user: User, type_: EventType) -> None:
    payload = UserPayload(
        id=user.id, email=user.email, name=user.name, role=user.role, locale=user.locale, is_active=user.is_active
    ).model_dump(mode="json")
    record_event(session, type_, aggregate_type="user", aggregate_id=user.id, tenant=None, payload=payload)


CLIENT_ROLE_BY_INVITATION = ("client users are invited by e-mail (POST /v1/clients/{client_id}/invitations); "
                             "the client role is neither given nor taken away here")


def _refuse_client_role(new_role: Role | None, current_role: Role | None = None) -> None:
    """A client user belongs to one client from their invitation on: no other role becomes `client`, and a
    client user's role does not change (their client, and what they may see, would no longer hold)."""
    if new_role is None or new_role == current_role:
        return
    if Role.client in (new_role, current_role):
        raise UnprocessableEntity("role", CLIENT_ROLE_BY_INVITATION)


async def create_user(session: AsyncSession, principal: Principal, body: UserCreate) -> User:
    _refuse_client_role(body.role)
    if await repository.email_taken(session, body.email):
        raise Conflict("a user with this email already exists", field="email")
    user = User(email=body.email, name=body.name, role=body.role, locale=body.locale,
                password_hash=await hash_password_off_loop(body.password))
    session.add(user)
    await session.flush()
    record_audit(session, principal, "user.create", "user", user.id, after=snapshot(user))
    _publish(session, user, EventType.user_created)
    return user


async def create_invited_client_user(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID, email: str, name: str, locale: str
) -> User:
    """A client user as invited: inactive and without a password until the invitation is accepted."""
    user = User(email=email, name=name, role=Role.client, client_id=client_id, locale=locale, is_active=False,
                password_hash=None)
    session.add(user)
    await session.flush()
    record_audit(session, principal, "user.create", "user", user.id, after=snapshot(user))
    _publish(session, user, EventType.user_created)
    return user


async def activate_invited_user(session: AsyncSession, user_id: uuid.UUID, password: str) -> User:
    """An invitation accepted: the user's password is set (argon2id) and the user becomes active."""
    user = await get_user(session, user_id, for_update=True)
    before = snapshot(user)
    user.password_hash = await hash_password_off_loop(password)
    user.is_active = True
    return await _changed(session, None, user, "user.activate", before)


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> User:
    user = await repository.find(session, user_id, for_update=for_update)
    if user is None:
        raise NotFound("user")
    return user


def visible_users(principal: Principal) -> sa.ColumnElement[bool]:
    """Staff are the agency's own directory; a client user is listed only to whoever may read their client
    (anken_common.access: admins and managers, the directors of that client's projects)."""
    return sa.or_(col(User.client_id).is_(None), readable_clients_clause(principal, col(User.client_id)))


async def read_user(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> User:
    """A user as the staff directory shows them to `principal` (404 for a client user of another client)."""
    user = await repository.find(session, user_id, visible=visible_users(principal))
    if user is None:
        raise NotFound("user")
    return user


async def list_users(
    session: AsyncSession, principal: Principal, *, role: Role | None, is_active: bool | None, q: str | None,
    cursor: str | None, limit: int,
) -> PageResult[User]:
    return await repository.page(session, visible=visible_users(principal), role=role, is_active=is_active, q=q,
                                 cursor=cursor, limit=limit)


async def update_user(
    session: AsyncSession, principal: Principal, request: Request, user_id: uuid.UUID, body: UserUpdate
) -> User:
    user = await get_user(session, user_id, for_update=True)
    check_if_match(request, user.version)
    _refuse_client_role(body.role, user.role)
    before = snapshot(user)
    changes = body.model_dump(exclude_unset=True, exclude={"password"})
    for field, value in changes.items():
        if value is not None:
            setattr(user, field, value)
    if body.password is not None:
        user.password_hash = await hash_password_off_loop(body.password)
    if body.password is not None or user.role != before["role"] or (before["is_active"] and not user.is_active):
        end_sessions(user)
    return await _changed(session, principal, user, "user.update", before)


def end_sessions(user: User) -> None:
    """Every token issued to `user` so far stops counting (within anken_common.user_status.TTL_S
    in every service): on logout, password or role change and deactivation."""
    user.token_version = (user.token_version or 0) + 1


async def _changed(
    session: AsyncSession, principal: Principal | None, user: User, action: str, before: dict[str, Any]
) -> User:
    """A change to `user` is versioned, audited and announced the same way whoever makes it."""
    bump_version(user)
    await session.flush()
    record_audit(session, principal, action, "user", user.id, before=before, after=snapshot(user))
    _publish(session, user, EventType.user_updated)
    return user


async def update_own_preferences(session: AsyncSession, principal: Principal, locale: str | None) -> User:
    """A user's own settings (the UI language), so the choice follows them to the next login and device."""
    user = await get_user(session, principal.user_id, for_update=True)
    if not user.is_active:
        raise NotFound("user")
    if locale is None or locale == user.locale:
        return user
    before = snapshot(user)
    user.locale = locale
    return await _changed(session, principal, user, "user.preferences", before)


async def deactivate_user(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> User:
    """Users are never deleted (calls, audit and deals point at them); they are deactivated."""
    if principal.id == user_id:
        raise Conflict("you cannot deactivate yourself")
    user = await get_user(session, user_id, for_update=True)
    if user.is_active:
        before = snapshot(user)
        user.is_active = False
        end_sessions(user)
        await _changed(session, principal, user, "user.deactivate", before)
    return user


async def change_own_password(session: AsyncSession, principal: Principal, current: str, new: str) -> User:
    """The logged-in user's new password; every session of theirs ends (the caller issues a fresh one)."""
    user = await get_user(session, principal.user_id, for_update=True)
    if not user.is_active:
        raise NotFound("user")
    if not await verify_password_off_loop(user.password_hash, current):
        raise UnprocessableEntity("current_password", "the current password is wrong")
    if current == new:
        raise UnprocessableEntity("new_password", "the new password must differ from the current one")
    before = snapshot(user)
    user.password_hash = await hash_password_off_loop(new)
    end_sessions(user)
    return await _changed(session, principal, user, "user.password", before)


async def log_out_everywhere(session: AsyncSession, principal: Principal) -> None:
    """Logout ends all of the user's sessions (a token cannot be ended alone: they are stateless)."""
    user = await get_user(session, principal.user_id, for_update=True)
    end_sessions(user)
    await session.flush()
    record_audit(session, principal, "user.logout", "user", user.id)

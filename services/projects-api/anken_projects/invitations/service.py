"""Inviting a client user and accepting the invitation.

Admins, and directors of a project of the client (anken_common.access.may_manage_client), invite a
person of the client by e-mail: the user is made inactive and without a password, and a one-time link
is issued. Only the link token's SHA-256 is stored; the link expires after `INVITATION_TTL`, works
once, and a newer invitation of the same person revokes the older ones. Accepting sets the password
(the same rule and argon2id hashing as every password) and activates the user. An unknown, used,
revoked or expired token is answered the same way (404), so nothing is learnt from the answer.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import Conflict, NotFound
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.clients.models import Client
from anken_projects.invitations.models import UserInvitation
from anken_projects.invitations.schemas import InvitationCreate
from anken_projects.kit.pagination import paginate
from anken_projects.projects.access import directs_a_project_of
from anken_projects.users import repository as users_repository
from anken_projects.users import service as users
from anken_projects.users.models import User

INVITATION_TTL = timedelta(hours=72)
INVALID_LINK = "invitation"  # NotFound("invitation"): the one answer for every unusable token


class LinkState(StrEnum):
    usable = "usable"
    expired = "expired"
    used = "used"
    revoked = "revoked"


def link_state(invitation: UserInvitation, now: datetime) -> LinkState:
    """Whether the link still works at `now` (usable until `expires_at`, exclusive)."""
    if invitation.used_at is not None:
        return LinkState.used
    if invitation.revoked_at is not None:
        return LinkState.revoked
    if now >= invitation.expires_at:
        return LinkState.expired
    return LinkState.usable


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    user: User
    invitation: UserInvitation
    client: Client
    inviter_name: str  # named in the mail: who invited them ("" for a service, e.g. the demo loader)
    token: str  # the link's secret: handed to the mailer (and, outside production, the inviter) once


async def _managed_client(session: AsyncSession, principal: Principal, client_id: uuid.UUID) -> Client:
    """The client if the caller may manage it (admins; directors of one of its projects), else 404."""
    directs = await directs_a_project_of(session, principal, client_id)
    client = await session.get(Client, client_id)
    if client is None or not rule.may_manage_client(principal, directs_a_project_of_client=directs):
        raise NotFound("client")
    return client


async def _invitee(session: AsyncSession, principal: Principal, client: Client, body: InvitationCreate) -> User:
    """The invited person's user: new, or the same not-yet-activated client user invited again."""
    existing = await users_repository.find_by_email(session, body.email, for_update=True)
    if existing is None:
        return await users.create_invited_client_user(session, principal, client.id, body.email, body.name, body.locale)
    if existing.role != Role.client or existing.client_id != client.id or existing.password_hash is not None:
        raise Conflict("a user with this email already exists", field="email")
    return existing


async def invite(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID, body: InvitationCreate, now: datetime
) -> Issued:
    client = await _managed_client(session, principal, client_id)
    user = await _invitee(session, principal, client, body)
    # A second invitation invalidates the first: only the newest link works.
    await session.execute(
        sa.update(UserInvitation)
        .where(col(UserInvitation.user_id) == user.id, col(UserInvitation.used_at).is_(None),
               col(UserInvitation.revoked_at).is_(None))
        .values(revoked_at=now))
    token = secrets.token_urlsafe(32)
    invitation = UserInvitation(user_id=user.id, client_id=client.id, token_hash=token_hash(token),
                                invited_by=rule.as_uuid(principal.id), created_at=now,
                                expires_at=now + INVITATION_TTL)
    session.add(invitation)
    await session.flush()
    record_audit(session, principal, "user.invite", "user", user.id,
                 after={"client_id": str(client.id), "email": user.email, "expires_at": invitation.expires_at})
    # A service (the demo loader) invites as Anken itself: the mail names no person.
    inviter = await session.get(User, principal.user_id) if principal.is_user else None
    return Issued(user=user, invitation=invitation, client=client, inviter_name=inviter.name if inviter else "",
                  token=token)


@dataclass(frozen=True)
class Pending:
    invitation: UserInvitation
    user: User


async def list_pending(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[Pending], str | None]:
    """The client's invitations not yet accepted nor revoked (expired ones too, for the inviter to renew),
    newest first; 404 for a client the caller may not manage."""
    await _managed_client(session, principal, client_id)
    statement = sa.select(UserInvitation).where(
        col(UserInvitation.client_id) == client_id, col(UserInvitation.used_at).is_(None),
        col(UserInvitation.revoked_at).is_(None))
    page = await paginate(session, statement, (col(UserInvitation.created_at), col(UserInvitation.id)),
                          cursor=cursor, limit=limit, descending=True)
    invitations: list[UserInvitation] = page.items
    users = {u.id: u for u in (await session.execute(
        sa.select(User).where(col(User.id).in_({i.user_id for i in invitations})))).scalars()} if invitations else {}
    return [Pending(invitation=i, user=users[i.user_id]) for i in invitations], page.next_cursor


async def revoke(session: AsyncSession, principal: Principal, invitation_id: uuid.UUID, now: datetime) -> None:
    """Make a not-yet-accepted invitation's link stop working (revoking twice is the same); 404 when the caller
    may not manage its client, 409 once it was accepted (the person is a user: deactivate them instead)."""
    invitation = (await session.execute(
        sa.select(UserInvitation).where(col(UserInvitation.id) == invitation_id).with_for_update()
    )).scalar_one_or_none()
    # Another client's invitation is answered as an unknown one.
    if invitation is None or not rule.may_manage_client(
            principal, directs_a_project_of_client=await directs_a_project_of(session, principal, invitation.client_id)):
        raise NotFound("invitation")
    if invitation.used_at is not None:
        raise Conflict("the invitation was already accepted; deactivate the user instead")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        record_audit(session, principal, "user.invitation_revoke", "user", invitation.user_id,
                     after={"invitation_id": str(invitation.id), "client_id": str(invitation.client_id)})


async def accept(session: AsyncSession, token: str, password: str, now: datetime) -> User:
    """The invited user with `password` set and active; 404 for any token that does not work now."""
    invitation = (await session.execute(
        sa.select(UserInvitation).where(col(UserInvitation.token_hash) == token_hash(token)).with_for_update()
    )).scalar_one_or_none()
    if invitation is None or link_state(invitation, now) != LinkState.usable:
        raise NotFound(INVALID_LINK)
    invitation.used_at = now
    return await users.activate_invited_user(session, invitation.user_id, password)

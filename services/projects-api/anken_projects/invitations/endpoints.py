"""Client users by invitation: POST and GET /v1/clients/{client_id}/invitations and DELETE
/v1/invitations/{invitation_id} (admins; directors of the client's projects), and POST /v1/invitations/accept
(public: the link's token and the new password)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from anken_common.auth_tokens import Role
from anken_common.clock import utc_now
from anken_common.problems import ProblemError, problem_responses
from anken_projects.auth import login_throttle
from anken_projects.auth.client_address import client_ip
from anken_projects.auth.dependencies import require_roles
from anken_projects.auth.principal import Principal
from anken_projects.db import ResourcesDep, SessionDep
from anken_projects.invitations import mail, service
from anken_projects.invitations.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationOut,
    PendingInvitationOut,
    PendingInvitationPage,
)
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery

router = APIRouter(tags=["invitations"])
Inviter = Annotated[Principal, Depends(require_roles(Role.director))]
ClientID = Annotated[uuid.UUID, Path(description="Client id")]


@router.post("/v1/clients/{client_id}/invitations", status_code=201, response_model=InvitationOut,
             summary="Invite a person of the client as a client user (one-time link, valid 72 h)",
             description="Admins invite to every client, a director to the clients whose projects they direct (any "
                         "other client is 404). The user is created inactive without a password; inviting the same "
                         "not-yet-activated person again replaces the earlier link. An e-mail of another user is 409. "
                         "With SMTP configured (SMTP_HOST) the link is mailed in the invitation's language; "
                         "`mail_sent` says whether the mail server accepted it. A failed send (server down, refused, "
                         "timed out) is still 201 with `mail_sent: false`: the invitation is kept, and inviting the "
                         "person again sends a new link. Outside production the answer also carries the link (shown "
                         "this once; without SMTP it is the only way it reaches the person). In production without "
                         "SMTP no invitation is made: 503.",
             responses=problem_responses(401, 403, 404, 409, 422, 503))
async def invite(client_id: ClientID, body: InvitationCreate, principal: Inviter, session: SessionDep,
                 resources: ResourcesDep) -> InvitationOut:
    mailer = mail.mailer_for(resources.settings)
    if mailer is None:
        raise ProblemError(503, "Service Unavailable", "no invitation mail sender is configured")
    issued = await service.invite(session, principal, client_id, body, utc_now())
    link = mail.accept_link(issued.token)
    # Committed before the mail goes out: a link must work as soon as it can arrive, and a failed send
    # leaves the invitation in place (answered `mail_sent: false`; inviting again sends a new link).
    await session.commit()
    mail_sent = await mailer.send(mail.InvitationMail(
        to=issued.user.email, name=issued.user.name, client_name=issued.client.name, inviter_name=issued.inviter_name,
        link=mail.absolute_link(resources.settings, link), expires_at=issued.invitation.expires_at, locale=body.locale))
    return InvitationOut(id=issued.invitation.id, user_id=issued.user.id, client_id=issued.client.id, email=issued.user.email,
                         expires_at=issued.invitation.expires_at, mail_sent=mail_sent,
                         link=link if mail.shows_link_to_inviter(resources.settings) else None)


@router.get("/v1/clients/{client_id}/invitations", response_model=PendingInvitationPage,
            summary="The client's pending invitations (not yet accepted nor revoked), newest first",
            description="Admins and directors of the client's projects (any other client is 404). Expired ones are "
                        "listed with `expired: true` until revoked or replaced by a new invitation; the links "
                        "themselves are never shown again.",
            responses=problem_responses(401, 403, 404, 422))
async def list_invitations(client_id: ClientID, principal: Inviter, session: SessionDep,
                           cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT) -> PendingInvitationPage:
    pending, next_cursor = await service.list_pending(session, principal, client_id, cursor=cursor, limit=limit)
    now = utc_now()
    return PendingInvitationPage(items=[PendingInvitationOut(
        id=p.invitation.id, user_id=p.user.id, client_id=p.invitation.client_id, email=p.user.email, name=p.user.name,
        locale=p.user.locale, invited_by=p.invitation.invited_by, created_at=p.invitation.created_at,
        expires_at=p.invitation.expires_at, expired=service.link_state(p.invitation, now) != service.LinkState.usable,
    ) for p in pending], next_cursor=next_cursor)


@router.delete("/v1/invitations/{invitation_id}", status_code=204, response_class=Response,
               summary="Revoke a pending invitation: its link stops working",
               description="Admins and directors of the invitation's client's projects (any other is 404). Revoking "
                           "again is the same; an accepted invitation is 409 (deactivate the user instead). The "
                           "invited person stays an inactive user without a password; inviting them again issues a "
                           "new link.",
               responses=problem_responses(401, 403, 404, 409))
async def revoke_invitation(invitation_id: Annotated[uuid.UUID, Path(description="Invitation id")],
                            principal: Inviter, session: SessionDep) -> Response:
    await service.revoke(session, principal, invitation_id, utc_now())
    return Response(status_code=204)


@router.post("/v1/invitations/accept", response_model=InvitationAccepted,
             summary="Accept an invitation: set your password and activate your account",
             description="Public. A token that is unknown, already used, replaced by a newer invitation or older than "
                         "72 h is answered 404 alike. Attempts are limited like logins (per link and per address: "
                         "429 with Retry-After).",
             responses=problem_responses(404, 422, 429))
async def accept(body: InvitationAccept, request: Request, session: SessionDep,
                 resources: ResourcesDep) -> InvitationAccepted:
    settings = resources.settings
    attempt = login_throttle.LoginAttempt(
        settings.redis_namespace, "invitation:" + service.token_hash(body.token),
        client_ip(request, settings.trusted_proxy_networks), settings.login_ip_max_failures,
    )
    # Counted before the lookup and the (slow) hash, as for logins.
    await login_throttle.take_attempt(resources.redis, attempt)
    user = await service.accept(session, body.token, body.password, utc_now())
    await session.commit()
    await login_throttle.succeeded(resources.redis, attempt)
    return InvitationAccepted(email=user.email)

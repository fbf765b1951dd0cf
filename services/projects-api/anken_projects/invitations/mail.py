"""How an invitation reaches the invited person.

No mail is sent yet: `LogInvitationMailer` writes the link to the log (development only: the link is a
secret while it is valid) and the inviter is shown it once. A real sender implements `InvitationMailer`
(e.g. SMTP or a mail API, with its settings in ProjectsSettings) and `mailer_for` returns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from anken_common.logging import get_logger
from anken_common.settings import Environment
from anken_projects.settings import ProjectsSettings

log = get_logger("anken.invitations")
ACCEPT_PATH = "/invitations/accept"


@dataclass(frozen=True)
class InvitationMail:
    to: str
    name: str
    client_name: str
    link: str
    expires_at: datetime


class InvitationMailer(Protocol):
    async def send(self, mail: InvitationMail) -> None: ...


class LogInvitationMailer:
    """Development: the "mail" is a log line."""

    async def send(self, mail: InvitationMail) -> None:
        log.info("invitation_mail_not_sent", to=mail.to, client=mail.client_name, link=mail.link,
                 expires_at=mail.expires_at.isoformat())


def accept_link(token: str) -> str:
    """The web UI's page that takes the token and the new password (relative to the web UI's address)."""
    return f"{ACCEPT_PATH}?token={token}"


def shows_link_to_inviter(settings: ProjectsSettings) -> bool:
    """Outside production the inviter sees the link once (no mail goes out); in production never."""
    return settings.anken_env != Environment.production


def mailer_for(settings: ProjectsSettings) -> InvitationMailer | None:
    """The sender of invitation mails; None where none is configured (production until a sender is added:
    the invitation is made, and the inviter invites again once mail works)."""
    return LogInvitationMailer() if shows_link_to_inviter(settings) else None

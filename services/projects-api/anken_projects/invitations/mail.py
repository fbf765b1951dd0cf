"""How an invitation reaches the invited person.

With SMTP_HOST set (any environment), `SmtpInvitationMailer` sends a plain-text mail in the invitation's
language (Japanese; English for `locale: en`) with the absolute link on the web app (WEB_URL). Without
it, outside production `LogInvitationMailer` writes the link to the log (development only: the link is a
secret while it is valid) and the inviter is shown it once; in production `mailer_for` is None (503).
A send that fails (server down, refused, timed out) is logged and reported as not sent: the invitation
stays, and inviting the same person again sends a new link (the endpoint answers `mail_sent: false`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol
from zoneinfo import ZoneInfo

import aiosmtplib

from anken_common.logging import get_logger
from anken_common.settings import Environment
from anken_projects.settings import ProjectsSettings

log = get_logger("anken.invitations")
ACCEPT_PATH = "/invitations/accept"
# Expiry times in the mail are the client's wall clock: Anken's users work in Japan.
MAIL_ZONE = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class InvitationMail:
    to: str
    name: str
    client_name: str
    inviter_name: str  # "" when no person invited (a service): the mail then names none
    link: str  # absolute: the web app's accept page with the token
    expires_at: datetime
    locale: str = "ja"


class InvitationMailer(Protocol):
    async def send(self, mail: InvitationMail) -> bool:
        """Whether a mail left for the invitee (False: logged only, or the send failed)."""
        ...


class LogInvitationMailer:
    """Development without SMTP: the "mail" is a log line."""

    async def send(self, mail: InvitationMail) -> bool:
        log.info("invitation_mail_not_sent", to=mail.to, client=mail.client_name, link=mail.link,
                 expires_at=mail.expires_at.isoformat())
        return False


def one_line(value: str) -> str:
    """A name as it may stand in a header or a line of the body: CR, LF and other line breaks become spaces,
    so that a name can never start a header of its own."""
    return " ".join(value.splitlines()).strip()


def _expiry_text(expires_at: datetime, locale: str) -> str:
    local = expires_at.astimezone(MAIL_ZONE)
    if locale == "en":
        return f"{local:%Y-%m-%d %H:%M} (Japan time, Asia/Tokyo)"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（日本時間）"


def subject_and_body(mail: InvitationMail) -> tuple[str, str]:
    """The mail's subject and plain-text body in the invitation's language."""
    name, client, inviter = one_line(mail.name), one_line(mail.client_name), one_line(mail.inviter_name)
    expires = _expiry_text(mail.expires_at, mail.locale)
    if mail.locale == "en":
        return f"Invitation to Anken for {client}", (
            f"Dear {name},\n\n"
            f"{inviter + ' has invited you' if inviter else 'You are invited'} to Anken, where {client}'s outbound "
            "sales projects are reported.\n"
            "Open the link below to set your password and sign in.\n\n"
            f"{mail.link}\n\n"
            f"The link expires in 72 hours, at {expires}, and works only once.\n"
            "If you did not expect this invitation, you can ignore this mail.\n\n"
            "Anken\n")
    return f"【Anken】{client} 様 ご担当者としてのご招待", (
        f"{name} 様\n\n"
        f"{inviter + ' さんから、' if inviter else ''}{client} 様のご担当者として Anken（営業代行プロジェクトのレポート）に"
        "招待されました。\n"
        "下のリンクを開いてパスワードを設定し、ログインしてください。\n\n"
        f"{mail.link}\n\n"
        f"このリンクの有効期限は72時間（{expires}まで）で、一度だけ使えます。\n"
        "お心当たりがない場合は、このメールを破棄してください。\n\n"
        "Anken\n")


def compose(mail: InvitationMail, sender: str) -> EmailMessage:
    """The message: headers built from parts (names stripped of line breaks; the address was validated as
    an e-mail), so no value of the invitation can add a header or a recipient."""
    subject, body = subject_and_body(mail)
    sender_name, sender_address = parseaddr(sender)
    message = EmailMessage()
    message["From"] = Address(display_name=one_line(sender_name), addr_spec=sender_address)
    message["To"] = Address(display_name=one_line(mail.name), addr_spec=one_line(mail.to))
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(MAIL_ZONE))
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, subtype="plain", charset="utf-8")
    return message


class SmtpInvitationMailer:
    """Sends over SMTP (SMTP_* settings): implicit TLS, or required STARTTLS unless turned off."""

    def __init__(self, settings: ProjectsSettings) -> None:
        self.settings = settings

    async def send(self, mail: InvitationMail) -> bool:
        s = self.settings
        try:
            message = compose(mail, s.mail_from)  # ValueError: an address the mail headers cannot carry
            await aiosmtplib.send(
                message, hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username or None,
                password=s.smtp_password.get_secret_value() or None, use_tls=s.smtp_tls,
                start_tls=False if s.smtp_tls else s.smtp_starttls, timeout=s.smtp_timeout_s)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            # The link is not logged: in production it is a secret that reached nobody.
            log.warning("invitation_mail_failed", to=mail.to, client=mail.client_name, smtp_host=s.smtp_host,
                        error=f"{type(exc).__name__}: {exc}")
            return False
        log.info("invitation_mail_sent", to=mail.to, client=mail.client_name, message_id=message["Message-ID"])
        return True


def accept_link(token: str) -> str:
    """The web UI's page that takes the token and the new password (relative to the web UI's address)."""
    return f"{ACCEPT_PATH}?token={token}"


def absolute_link(settings: ProjectsSettings, link: str) -> str:
    """The link as the mail carries it: on the web app's address (WEB_URL)."""
    return settings.web_url.rstrip("/") + link


def shows_link_to_inviter(settings: ProjectsSettings) -> bool:
    """Outside production the inviter sees the link once (even when it is also mailed); in production never."""
    return settings.anken_env != Environment.production


def mailer_for(settings: ProjectsSettings) -> InvitationMailer | None:
    """The sender of invitation mails: SMTP where SMTP_HOST is set, else the log outside production, else
    None (production without mail: inviting answers 503 and no invitation is made)."""
    if settings.smtp_host.strip():
        return SmtpInvitationMailer(settings)
    return LogInvitationMailer() if shows_link_to_inviter(settings) else None

"""What the SMTP catcher received: each mail's envelope, headers and plain-text body, oldest first.

Kept in the sandbox state (and its state file) like every vendor's data; `POST /_sandbox/reset` forgets it."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from anken_sandbox.field_values import field_values
from anken_sandbox.sequence import Sequence

# Mails kept; the oldest go first past this (a demo left running for weeks stays small).
KEEP = 1000


@dataclass
class CaughtMail:
    seq: int
    mail_from: str  # the envelope's sender (MAIL FROM)
    rcpt_to: list[str]  # the envelope's recipients (RCPT TO): who the mail went to
    from_header: str
    to: list[str]  # the To header's addresses
    subject: str
    text: str
    headers: list[tuple[str, str]]
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_api(self) -> dict[str, Any]:
        return {**field_values(self), "headers": [list(h) for h in self.headers],
                "received_at": self.received_at.isoformat()}


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    content = part.get_content()
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    return text.replace("\r\n", "\n")  # SMTP's line ends, as the sender wrote the text


class Mailbox:
    def __init__(self) -> None:
        self.mails: list[CaughtMail] = []
        self._seq = Sequence(1)

    def receive(self, mail_from: str, rcpt_to: list[str], content: bytes) -> CaughtMail:
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)  # what policy.default builds
        to_header = message.get("To")
        addresses = [a.addr_spec for a in getattr(to_header, "addresses", ())]
        caught = CaughtMail(
            seq=next(self._seq), mail_from=mail_from, rcpt_to=list(rcpt_to), from_header=str(message.get("From", "")),
            to=addresses, subject=str(message.get("Subject", "")), text=plain_text(message),
            headers=[(name, str(value)) for name, value in message.items()])
        self.mails.append(caught)
        del self.mails[:-KEEP]
        return caught

    def to(self, address: str | None) -> list[CaughtMail]:
        """Mails whose envelope or To header names `address` (any case); every mail for None."""
        if address is None:
            return list(self.mails)
        wanted = address.strip().lower()
        return [m for m in self.mails if wanted in {a.lower() for a in (*m.rcpt_to, *m.to)}]

    def to_dict(self) -> dict[str, Any]:
        return {"mails": [m.as_api() for m in self.mails], "next_seq": self._seq.next_value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mailbox:
        mailbox = cls()
        mailbox.mails = [CaughtMail(**{**fields, "headers": [tuple(h) for h in fields["headers"]],
                                       "received_at": datetime.fromisoformat(fields["received_at"])})
                         for fields in data["mails"]]
        mailbox._seq = Sequence(int(data["next_seq"]))
        return mailbox

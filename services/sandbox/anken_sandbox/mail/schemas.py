"""The SMTP catcher's mails as /_sandbox/mail/messages shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MailMessageView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seq": 1, "mail_from": "no-reply@anken.example", "rcpt_to": ["sato@client.example.jp"],
        "from_header": "Anken <no-reply@anken.example>", "to": ["sato@client.example.jp"],
        "subject": "【Anken】株式会社サンプル 様 ご担当者としてのご招待",
        "text": "佐藤 一郎 様\n\n…\n\nhttp://127.0.0.1:8000/invitations/accept?token=…\n",
        "headers": [["From", "Anken <no-reply@anken.example>"], ["To", "佐藤 一郎 <sato@client.example.jp>"]],
        "received_at": "2026-12-01T00:00:00+00:00",
    }]})

    seq: int = Field(description="Order of arrival (1, 2, …)")
    mail_from: str = Field(description="The envelope sender (MAIL FROM)")
    rcpt_to: list[str] = Field(description="The envelope recipients (RCPT TO): where the mail was delivered")
    from_header: str
    to: list[str] = Field(description="Addresses of the To header")
    subject: str
    text: str = Field(description="The plain-text body (empty when the mail has none)")
    headers: list[list[str]] = Field(description="Every header as [name, value], in the mail's order")
    received_at: datetime

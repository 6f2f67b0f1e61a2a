"""Outgoing email (password resets, invitations) through a pluggable sender.

A sender is anything with ``async send(message)``. The default, :class:`LogMailSender`, writes the message —
including its link — to the log, which is how the embedded default (no mail server) delivers it. Messages never
contain a password or a connection secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class MailMessage:
    to: str
    subject: str
    body: str


@runtime_checkable
class MailSender(Protocol):
    async def send(self, message: MailMessage) -> None:
        """Deliver ``message`` or raise; called after the transaction that made it has committed."""


class LogMailSender:
    """Logs each message instead of sending it."""

    async def send(self, message: MailMessage) -> None:
        log.info("email (log sender: not sent)", to=message.to, subject=message.subject, body=message.body)

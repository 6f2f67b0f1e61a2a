"""The core's own job kinds.

``core.ping`` proves the job path end to end: `mlc jobs ping` queues one and waits for a worker to finish it (an
operator's "are the workers alive?"). It may sleep a little to make a running job observable.
"""

from __future__ import annotations

import asyncio

from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.registry import registry

PING = "core.ping"
MAX_PING_SLEEP_SECONDS = 60.0


@registry.handler(PING, max_attempts=3)
async def ping(context: JobContext) -> None:
    delay = float(context.payload.get("sleep_seconds") or 0)
    await asyncio.sleep(min(max(delay, 0.0), MAX_PING_SLEEP_SECONDS))

"""The gunicorn worker class of `xiaoan serve` (overload.WORKER_CLASS): gthread that sheds stale public requests.

Kept apart from xiaoan.core.overload so that Django processes which never run under gunicorn (tests, management
commands, the demo's task worker) do not import gunicorn's worker machinery.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from . import overload


class QueueTimingThreadWorker(ThreadWorker):
    """gunicorn's gthread worker that times each request's wait in the thread pool's queue and answers a public
    request that waited too long with the prepared 503 instead of running the application.

    The wait runs from the moment the connection is queued (accepted, or readable again when kept alive) until a
    thread picks it up; the time a thread then spends waiting for a slow client's bytes is not counted. HTTP/2
    streams, which gunicorn serves outside ``handle_request``, are never shed.
    """

    def enqueue_req(self, conn: Any) -> None:
        conn.xiaoan_queued_at = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        queued_at = getattr(conn, "xiaoan_queued_at", None)
        conn.xiaoan_wait = None if queued_at is None else time.monotonic() - queued_at
        return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        wait = getattr(conn, "xiaoan_wait", None)
        if not overload.should_shed(req.path, wait):
            return super().handle_request(req, conn)
        keep_alive = self.alive and bool(self.cfg.keepalive) and not req.should_close()
        conn.sock.sendall(overload.busy_bytes(keep_alive=keep_alive))
        overload.note_shed(wait or 0.0)
        return keep_alive  # gunicorn drains the unread body before it reuses the connection

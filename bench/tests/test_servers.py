import socket
import sys
import time

import pytest

from bench.servers import Server, ServerStartError, free_port


def test_it_fails_loudly_when_the_command_does_not_exist():
    server = Server("bogus", ["/nonexistent/xiaoan-server"], port=free_port(), env={})
    with pytest.raises(ServerStartError, match="bogus: cannot run"):
        server.start(timeout=5)


def test_it_fails_loudly_with_the_log_when_the_server_exits_early():
    command = [sys.executable, "-c", "import sys; print('boom: bad settings'); sys.exit(3)"]
    server = Server("crashing", command, port=free_port(), env={})
    with pytest.raises(ServerStartError) as error:
        server.start(timeout=10)
    assert "exited with status 3" in str(error.value)
    assert "boom: bad settings" in str(error.value)


def test_it_refuses_a_port_that_is_already_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Server("late", [sys.executable, "-c", "pass"], port=port, env={})
        with pytest.raises(ServerStartError, match="already in use"):
            server.start(timeout=5)
        assert server.process is None


def test_it_gives_up_and_stops_a_server_that_never_answers():
    server = Server("silent", [sys.executable, "-c", "import time; time.sleep(60)"], port=free_port(), env={})
    started = time.monotonic()
    with pytest.raises(ServerStartError, match="no answer"):
        server.start(timeout=1)
    assert time.monotonic() - started < 10
    assert server.process.poll() is not None


def test_it_reports_how_long_a_server_took_and_stops_it():
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with Server("http", command, port=port, env={}) as server:
        seconds = server.start(timeout=20)
        assert 0 < seconds < 20
    assert server.process.poll() is not None

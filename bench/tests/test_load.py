import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import LoadError, Req, parse_wrk
from bench.loopclient import _Parser
from bench.openloop import run_open_loop, run_schedule, schedule

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    15.20ms    3.10ms  60.00ms   90.00%
  Latency Distribution
     50%   14.50ms
     75%   16.00ms
     90%   18.20ms
     99%    1.20s
  9123 requests in 5.00s, 1.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1824.60
Transfer/sec:    245.00KB
"""


def test_it_reads_wrk_throughput_errors_and_percentiles():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_s == 1824.6
    assert result.requests == 9123
    assert result.seconds == 5.0
    assert result.errors == 7
    assert result.latency == {"p50_ms": 14.5, "p90_ms": 18.2, "p99_ms": 1200.0}


def test_it_fails_loudly_on_output_it_cannot_read():
    with pytest.raises(LoadError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_it_builds_raw_requests_with_a_body_length():
    raw = Req("POST", "/families/r/abc/", "t=abc&item=0").raw("127.0.0.1:80")
    assert raw.startswith(b"POST /families/r/abc/ HTTP/1.1\r\nHost: 127.0.0.1:80\r\n")
    assert b"Content-Length: 12\r\n" in raw
    assert raw.endswith(b"\r\n\r\nt=abc&item=0")
    with pytest.raises(ValueError):
        Req("GET", "/a\tb").line()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Handler.seen.append(body)
        answer = b"ok" if body != b"fail" else b"no"
        self.send_response(200 if body != b"fail" else 500)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):  # chunked, like gunicorn when there is no Content-Length
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"3\r\nabc\r\n0\r\n\r\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_open_loop_client_sends_at_its_rate_and_counts_answers(http_server):
    Handler.seen = []
    requests = [Req("POST", "/", "a"), Req("POST", "/", "fail")]
    result = run_open_loop(http_server, requests, rate=100, seconds=1, connections=4)
    assert result.scheduled == 100
    assert result.answered == 100
    assert result.statuses == {200: 50, 500: 50}
    assert result.accepted == 50
    assert result.errors() == 50
    assert sorted(set(Handler.seen)) == [b"a", b"fail"]
    assert result.summary()["p50_ms"] < 1000


def test_the_open_loop_client_reads_chunked_answers(http_server):
    result = run_open_loop(
        http_server, [Req("GET", "/")], rate=50, seconds=0.4, accept=lambda status, body: body == b"abc"
    )
    assert result.accepted == result.scheduled == 20


def test_the_open_loop_client_counts_refused_connections_as_failures():
    from bench.servers import free_port

    result = run_open_loop(f"http://127.0.0.1:{free_port()}", [Req("GET", "/")], rate=20, seconds=0.5, timeout=1)
    assert result.answered == 0
    assert result.failures == result.scheduled == 10
    assert {sample.failure for sample in result.samples} == {"connect: ConnectionRefusedError"}


def test_a_schedule_runs_its_phases_one_after_the_other():
    offsets = schedule([(10, 1), (100, 0.5), (10, 0.3)])
    assert len(offsets) == 10 + 50 + 3
    assert offsets[:2] == [0.0, 0.1] and offsets[10] == 1.0 and offsets[11] == pytest.approx(1.01)
    assert offsets[60] == 1.5 and offsets[-1] == pytest.approx(1.7)
    assert offsets == sorted(offsets)


def test_the_parser_waits_for_a_whole_answer_and_keeps_what_follows():
    parser = _Parser()
    parser.feed(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Length: 4\r\n\r\nbu")
    assert parser.response() is None
    parser.feed(b"syHTTP/1.1 200 OK\r\n")
    assert parser.response() == (503, {"retry-after": "10", "content-length": "4"}, b"busy")
    assert bytes(parser.buffer) == b"HTTP/1.1 200 OK\r\n"


def test_the_parser_reads_chunks_split_anywhere_and_bodies_ended_by_the_close():
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    for cut in range(len(answer)):
        parser = _Parser()
        parser.feed(answer[:cut])
        assert parser.response() is None
        parser.feed(answer[cut:])
        assert parser.response()[2] == b"abcde"
    parser = _Parser()
    parser.feed(b"HTTP/1.0 200 OK\r\n\r\nuntil the end")
    assert parser.response() is None
    assert parser.response(eof=True) == (200, {"connection": "close"}, b"until the end")


class ClosingServer:
    """Answers the first request on each connection (503 with Retry-After, kept alive), then reads the second and
    closes without answering — what a server does when a kept-alive connection times out as a request arrives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.talk, args=(conn,), daemon=True).start()

    def talk(self, conn):
        with conn:
            reader = conn.makefile("rb")
            for answered in (True, False):
                while (line := reader.readline()) not in (b"\r\n", b""):
                    pass
                if line == b"":
                    return
                if answered:
                    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n")


def test_the_client_resends_once_when_a_kept_alive_connection_was_closed_under_it():
    server = ClosingServer()
    url = f"http://127.0.0.1:{server.sock.getsockname()[1]}"
    try:
        result = run_schedule(url, [Req("GET", "/")], [0.0, 0.2, 0.4], connections=1, timeout=2)
    finally:
        server.sock.close()
    assert result.failures == 0
    assert result.statuses == {503: 3}
    assert all(sample.retry_after for sample in result.samples)
    assert result.connections_opened == server.connections == 3


def test_the_client_gives_up_on_a_server_that_never_answers_after_its_timeout():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        result = run_schedule(f"http://127.0.0.1:{silent.getsockname()[1]}", [Req("GET", "/")], [0.0, 0.1],
                              connections=4, timeout=0.5)  # fmt: skip
    finally:
        silent.close()
    assert result.failures == 2 and result.answered == 0
    assert all(sample.done and sample.latency is None for sample in result.samples)
    assert {sample.failure for sample in result.samples} == {"no answer within the timeout"}


def test_a_stop_rule_ends_the_sending_early(http_server):
    result = run_schedule(http_server, [Req("POST", "/", "a")], [i / 100 for i in range(300)],
                          stop=lambda samples, now: now > 0.5)  # fmt: skip
    assert 50 <= result.scheduled < 200
    assert result.failures == 0 and result.answered == result.scheduled


def test_several_client_processes_share_the_schedule_and_give_back_every_sample_in_order(http_server):
    Handler.seen = []
    requests = [Req("POST", "/", f"r{index}") for index in range(60)]
    result = run_schedule(http_server, requests, [i / 60 for i in range(60)], connections=8, processes=2)
    assert [sample.index for sample in result.samples] == list(range(60))
    assert result.answered == 60 and result.failures == 0
    assert sorted(Handler.seen) == sorted(f"r{index}".encode() for index in range(60))
    assert all(sample.due == pytest.approx(sample.index / 60) for sample in result.samples)

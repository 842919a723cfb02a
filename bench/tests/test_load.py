import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import LoadError, Req, parse_wrk, run_open_loop

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

"""Pages under load: signed-in users against the documented app server with production settings.

`python -m bench web [--n USERS] [--runs R]`: the demo data (`tase demo`) in a scratch database
of its own (SQLite, or `<name>_bench` on PostgreSQL with DATABASE_URL), USERS customer
accountants (default 20) who each sign in through the login form, and gunicorn serving
`tase.wsgi` as docs/deployment.md does (sync workers, one more than the machine's cores, or
`TASE_BENCH_WORKERS`; TASE_ENV=production: DEBUG off, WhiteNoise with the collected, compressed static files,
persistent connections, warnings and errors logged to var/bench-web.log, and Redis as the
cache the workers share when one answers at REDIS_URL or 127.0.0.1:6379). Each page is then
asked for by every user at once, each user sending the next request as soon as the previous one
answered (no think time: the worst case of USERS people clicking at once), for a few seconds
(`TASE_BENCH_SECONDS`, default 6 per run); the table shows p50 / p95 / max latency, requests
per second and errors (any status but 200, or a page without its heading) per page, and the
same for a mix of the three pages, with the CPU time the server used per request (what a
request costs, apart from the waiting that a machine busy with other work adds).

The load client is plain Python (a thread and an http.client connection per user; gunicorn's
sync workers close each connection after its answer, as they do behind the documented proxy) in
the bench's own process, so it shares the machine's cores with the server, as a browser on the
same laptop would; the numbers are therefore a little worse than a remote client would see.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from bench._scratch import Scratch

PASSWORD = "bench-" + secrets.token_hex(8)
# One more worker than cores, as docs/deployment.md advises: a worker waiting on the database or
# the cache leaves its core to another.
WORKERS = int(os.environ.get("TASE_BENCH_WORKERS") or (os.cpu_count() or 1) + 1)
LOG = Path(os.environ.get("TASE_VAR_DIR", "var")).resolve() / "bench-web.log"
STATIC_ROOT = Path(os.environ.get("TASE_VAR_DIR", "var")).resolve() / "bench-static"


def _database_url(settings: dict) -> str:
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    auth = quote(settings.get("USER") or "")
    if settings.get("PASSWORD"):
        auth += ":" + quote(settings["PASSWORD"])
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"


def _users(count: int) -> list[tuple[str, int]]:
    """``count`` accountants spread over the demo's customer companies: (email, company id)."""
    from tase.core.models import Company, Membership, User
    from tase.core.roles import Role

    companies = list(Company.objects.filter(organization__kind="customer").order_by("pk"))
    users = []
    for n in range(count):
        company = companies[n % len(companies)]
        user = User.objects.create_user(
            email=f"bench{n}@bench.example", password=PASSWORD, full_name=f"Bench User {n}"
        )
        Membership.objects.create(
            user=user, organization=company.organization, role=Role.ACCOUNTANT
        )
        users.append((user.email, company.pk))
    return users


class _MailSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server that accepts and drops every mail: production settings send mail
    by SMTP, and some pages send some (support closes long-resolved requests as it reads)."""

    daemon_threads = True
    allow_reuse_address = True

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"220 bench\r\n")
            while line := self.rfile.readline():
                command = line[:4].upper()
                if command == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    while (data := self.rfile.readline()) and data not in (b".\r\n", b".\n"):
                        pass
                    self.wfile.write(b"250 dropped\r\n")
                elif command == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")

    def __init__(self):
        super().__init__(("127.0.0.1", 0), self.Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Server:
    """gunicorn serving tase.wsgi with production settings, on a free port."""

    def __init__(self, database_url: str, tmp: Path):
        from tase.core.fieldcrypt import configured_keys

        self.port = _free_port()
        self.mail = _MailSink()
        self.env = {
            **os.environ,
            "TASE_ENV": "production",
            "DEBUG": "0",
            # The keys the demo was loaded with (the bench's own process), so the server opens it.
            "TASE_FIELD_KEYS": ",".join(configured_keys()),
            "SECRET_KEY": "bench-only-" + secrets.token_hex(16),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(STATIC_ROOT),
            "TASE_VAR_DIR": str(tmp / "var"),
            "TASE_LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.server_address[1]),
            "EMAIL_USE_TLS": "0",
        }
        self.shared_cache = _redis_url()
        if self.shared_cache:  # as docs/deployment.md has it for more than one app process
            self.env |= {
                "REDIS_URL": self.shared_cache,
                "TASE_CACHE_PREFIX": "bench-" + secrets.token_hex(4),
            }
        bin_dir = Path(sys.executable).parent
        _collect_static(bin_dir, self.env)
        self.process = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "tase.wsgi:application",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=LOG.open("w"),  # tracebacks of any error; the request lines are many
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(self._connection(), "/health", {})
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def cpu_seconds(self) -> float:
        """CPU time the server's processes (gunicorn's arbiter and its workers) have used so far: what a
        request costs, apart from the waiting a busy machine adds."""
        total, pending = 0.0, [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, IndexError, ValueError):
                continue
        return total

    def stop(self) -> None:
        self.mail.shutdown()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.shared_cache:  # the bench's sessions and values, under its own prefix
            import redis

            server = redis.Redis.from_url(self.shared_cache)
            for key in server.scan_iter(match=f"{self.env['TASE_CACHE_PREFIX']}:*"):
                server.delete(key)


def _redis_url() -> str:
    """The Redis the documented deployment shares between the app processes (REDIS_URL, else
    the machine's own), or "" when none answers: the bench then runs without a shared cache."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # not installed, not running, refused: say so in the table
        return ""
    return url


def _collect_static(bin_dir: Path, env: dict) -> None:
    """collectstatic into var/bench-static unless it is newer than every static source: it
    compresses every file (two minutes on this machine), which is deployment's cost, not a
    request's."""
    import tase

    manifest = STATIC_ROOT / "staticfiles.json"
    sources = Path(tase.__file__).parent.glob("*/static/**/*")
    if manifest.exists() and all(
        path.stat().st_mtime < manifest.stat().st_mtime for path in sources if path.is_file()
    ):
        return
    subprocess.run(
        [str(bin_dir / "tase"), "collectstatic", "--no-input", "--clear", "-v", "0"],
        env=env,
        check=True,
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(conn, path: str, cookies: dict) -> tuple[int, bytes]:
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    _remember(response, cookies)
    return response.status, body


def _remember(response, cookies: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]


def _sign_in(server: Server, email: str) -> tuple[http.client.HTTPConnection, dict]:
    """Sign in through the login form as a browser does; the connection and its cookies."""
    conn, cookies = server._connection(), {}
    _status, body = _get(conn, "/login/", cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
    conn.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{server.port}/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    _remember(response, cookies)
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"{email} could not sign in ({response.status})")
    return conn, cookies


def _load(sessions, paths_of, seconds: float) -> tuple[list[float], int, float]:
    """Every session asks for its next path as soon as the last answered, for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    samples: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(len(sessions) + 1)
    stop_at = [0.0]

    def user(index, conn, cookies):
        paths = paths_of(index)
        mine, bad, n = [], 0, 0
        start_line.wait()
        while time.perf_counter() < stop_at[0]:
            path, marker = paths[n % len(paths)]
            n += 1
            started, status = time.perf_counter(), "no answer"
            try:
                status, body = _get(conn, path, cookies)
                ok = status == 200 and marker in body
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                bad += 1
                if not samples:
                    samples.append(f"{path}: {status}")
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [
        threading.Thread(target=user, args=(i, conn, cookies))
        for i, (conn, cookies) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join()
    if samples:
        print(f"first error: {samples[0]} (the server's log: {LOG})", file=sys.stderr)
    return latencies, errors[0], time.perf_counter() - began


def _row(page, users: int, latencies: list[float], errors: int, elapsed: float, cpu: float):
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "page": page,
        "users": users,
        "requests": len(ordered),
        "errors": errors,
        "p50": f"{statistics.median(ordered) * 1000:.0f} ms",
        "p95": f"{p95 * 1000:.0f} ms",
        "max": f"{ordered[-1] * 1000:.0f} ms",
        "rate": f"{len(ordered) / elapsed:.1f} req/s",
        "server CPU": f"{cpu / len(ordered) * 1000:.0f} ms/req",
        "target": "p95 < 250 ms, no errors",
    }


def run(args) -> list[dict]:
    from django.db import connection

    count = getattr(args, "n", None) or 20
    runs = max(getattr(args, "runs", None) or 3, 1)
    seconds = float(os.environ.get("TASE_BENCH_SECONDS", "6")) * runs
    rows: list[dict] = []
    with Scratch() as scratch, tempfile.TemporaryDirectory(prefix="tase-bench-web-") as tmp:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        users = _users(count)
        setup = time.perf_counter() - started
        database_url = _database_url(connection.settings_dict)
        connection.close()
        server = Server(database_url, Path(tmp))
        try:
            sessions = [_sign_in(server, email) for email, _company in users]
            company_of = [company for _email, company in users]
            pages = {
                "start page": lambda i: [("/", b"<main")],
                "voucher list": lambda i: [(f"/ledger/{company_of[i]}/vouchers/", b"<table")],
                "trial balance": lambda i: [
                    (f"/ledger/{company_of[i]}/reports/trial-balance/", b"<table")
                ],
            }
            singles = list(pages.values())

            def mix(i):  # the three pages in turn, each user starting at another one
                paths = [paths_of(i)[0] for paths_of in singles]
                return paths[i % 3 :] + paths[: i % 3]

            pages["mix of the three"] = mix
            for page, paths_of in pages.items():
                _load(sessions, paths_of, 1.0)  # warm: templates, connections, caches
                cpu = server.cpu_seconds()
                latencies, errors, elapsed = _load(sessions, paths_of, seconds)
                cpu = server.cpu_seconds() - cpu
                rows.append(_row(page, count, latencies, errors, elapsed, cpu))
        finally:
            server.stop()
        rows.append(
            {
                "page": f"(demo data and {count} users in {setup:.0f} s, "
                f"{scratch.vendor}, gunicorn --workers {WORKERS}, "
                f"{'Redis' if server.shared_cache else 'no shared'} cache)",
                "users": "",
                "requests": "",
                "errors": "",
                "p50": "",
                "p95": "",
                "max": "",
                "rate": "",
                "server CPU": "",
                "target": "",
            }
        )
    return rows

"""Running Debian's nginx with deploy/nginx.conf, privately: its own prefix, pid file, logs
and temp paths in a test directory, on a free port, in the foreground as a subprocess.
Whatever default site the package installed is never read."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import require

#: The ports the recipe's upstream lists (mesop@8001, mesop@8002) and the port it listens on.
RECIPE_UPSTREAM_PORTS = (8001, 8002)
RECIPE_LISTEN = "listen 80"


def nginx_path() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                      else None)
    require(found is not None, "no nginx (apt-get install nginx)")
    assert found is not None
    return found


def render_site(recipe: str, listen_port: int, upstream_ports: tuple[int, int]) -> str:
    """The recipe with this test's ports, and nothing else changed. Each replaced text
    must be there exactly as often as expected, so an edited recipe fails here, loudly."""
    site = recipe
    for recipe_port, port in zip(RECIPE_UPSTREAM_PORTS, upstream_ports, strict=True):
        old = f"server 127.0.0.1:{recipe_port} "
        assert site.count(old) == 1, f"the nginx recipe's upstream lacks {old!r}"
        site = site.replace(old, f"server 127.0.0.1:{port} ")
    assert site.count(RECIPE_LISTEN) == 2, "the nginx recipe should listen on port 80 twice"
    return site.replace(RECIPE_LISTEN, f"listen 127.0.0.1:{listen_port}")


def main_config(prefix: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf would be, every path inside ``prefix``."""
    # As root, nginx's workers switch to `nobody`, who cannot enter the test's directory.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\n"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    log_format upstream '$request_uri $status $upstream_addr';\n"
        f"    access_log {prefix}/access.log upstream;\n"
        f"    client_body_temp_path {prefix}/client_body;\n"
        f"    proxy_temp_path {prefix}/proxy;\n"
        f"    fastcgi_temp_path {prefix}/fastcgi;\n"
        f"    uwsgi_temp_path {prefix}/uwsgi;\n"
        f"    scgi_temp_path {prefix}/scgi;\n"
        f"    include {site};\n"
        "}\n"
    )


@dataclass
class RunningNginx:
    port: int
    prefix: Path
    process: subprocess.Popen[bytes]

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self) -> str:
        path = self.prefix / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _command(prefix: Path) -> list[str]:
    return [nginx_path(), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"),
            "-e", str(prefix / "error.log"), "-g", "daemon off;"]


@contextmanager
def running_nginx(site_text: str, prefix: Path, port: int) -> Iterator[RunningNginx]:
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "mesop.conf"
    site.write_text(site_text)
    (prefix / "nginx.conf").write_text(main_config(prefix, site))
    checked = subprocess.run([*_command(prefix), "-t"], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, f"nginx -t refused the config:\n{checked.stderr}"
    process = subprocess.Popen(_command(prefix), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nginx = RunningNginx(port, prefix, process)
    try:
        _wait_for_port(nginx)
        yield nginx
    finally:
        process.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(nginx: RunningNginx, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if nginx.process.poll() is not None:
            raise RuntimeError(f"nginx exited with {nginx.process.returncode}:\n"
                               f"{nginx.error_log()}")
        try:
            with socket.create_connection(("127.0.0.1", nginx.port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen within {timeout:g}s:\n{nginx.error_log()}")

"""Throwaway redis-server processes for the managed-store tests: plain, TLS, Sentinel,
Cluster.

Each runs on a spare port with its files in a temporary directory, and is stopped (by its
own pid) when the test ends. Without a redis-server binary the tests skip, except under
CI=true, where they fail (see :func:`tests.support.services.require`).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import free_port
from tests.support.services import require

STARTUP_SECONDS = 10.0
SERVICE = "mesoptest"


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    require(binary is not None, "no redis-server binary (apt-get install redis-server)")
    assert binary is not None
    return binary


def tls_supported(binary: str) -> bool:
    """Whether this build knows --tls-port: one without TLS calls it a bad directive."""
    run = subprocess.run([binary, "--port", "0", "--tls-port", "0"], capture_output=True,
                         text=True, timeout=10, stdin=subprocess.DEVNULL)
    output = run.stdout + run.stderr
    return "Bad directive" not in output and "not supported" not in output.lower()


@dataclass(frozen=True)
class Certificates:
    """A private CA, and a server certificate it signed for 127.0.0.1 and localhost."""

    ca: Path
    cert: Path
    key: Path
    other_ca: Path  # a CA that signed nothing here: trusting it must not verify the server


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=60)


def make_certificates(directory: Path) -> Certificates:
    require(shutil.which("openssl") is not None, "no openssl command to make certificates")
    for name in ("ca", "other-ca"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                 "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN=mesop test {name}",
                 cwd=directory)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
             "server.csr", "-subj", "/CN=localhost", cwd=directory)
    (directory / "server.ext").write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "authorityKeyIdentifier=keyid,issuer\n"
        "subjectKeyIdentifier=hash\n"
    )
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
             cwd=directory)
    return Certificates(directory / "ca.pem", directory / "server.pem",
                        directory / "server.key", directory / "other-ca.pem")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on {port}: {log.read_text()}")


@contextmanager
def _running(args: list[str], port: int, log: Path) -> Iterator[int]:
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _base_args(binary: str, directory: Path, name: str) -> list[str]:
    return [binary, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(directory), "--logfile", str(directory / f"{name}.log")]


@contextmanager
def plain_redis(directory: Path, password: str | None = None) -> Iterator[int]:
    """A redis-server with no TLS on a spare port, with a password if given; yields the
    port."""
    binary = redis_server_binary()
    port = free_port()
    args = [*_base_args(binary, directory, "plain"), "--port", str(port)]
    if password:
        args += ["--requirepass", password]
    with _running(args, port, directory / "plain.log") as running:
        yield running


@contextmanager
def tls_redis(directory: Path, certs: Certificates) -> Iterator[int]:
    """A redis-server speaking only TLS on a spare port; clients need no certificate."""
    binary = redis_server_binary()
    port = free_port()
    args = [*_base_args(binary, directory, "tls"), "--port", "0", "--tls-port", str(port),
            "--tls-cert-file", str(certs.cert), "--tls-key-file", str(certs.key),
            "--tls-ca-cert-file", str(certs.ca), "--tls-auth-clients", "no"]
    with _running(args, port, directory / "tls.log") as running:
        yield running


@contextmanager
def sentinel_for(directory: Path, master_port: int, master_password: str | None = None
                 ) -> Iterator[int]:
    """A Sentinel on a spare port monitoring 127.0.0.1:master_port as :data:`SERVICE`;
    yields its port once it names that master."""
    binary = redis_server_binary()
    port = free_port()
    config = directory / "sentinel.conf"  # Sentinel rewrites it: it must be its own file
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
        f"logfile {directory / 'sentinel.log'}\n"
        f"sentinel monitor {SERVICE} 127.0.0.1 {master_port} 1\n"
        f"sentinel down-after-milliseconds {SERVICE} 5000\n"
        + (f"sentinel auth-pass {SERVICE} {master_password}\n" if master_password else "")
    )
    with _running([binary, str(config), "--sentinel"], port,
                  directory / "sentinel.log") as running:
        _wait_for_master(running)
        yield running


def _wait_for_master(port: int) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while time.monotonic() < deadline:
            masters = client.sentinel_masters()
            flags = masters.get(SERVICE, {})
            if flags.get("is_master") and not flags.get("is_sdown"):
                return
            time.sleep(0.1)
    finally:
        client.close()
    raise RuntimeError(f"Sentinel on {port} never named a master for {SERVICE}")


# -- Redis Cluster -----------------------------------------------------------------------

CLUSTER_NODE_TIMEOUT_MS = 2000


def _cluster_port() -> int:
    """A spare port whose cluster bus port (the port + 10000) is spare as well: Redis
    refuses a cluster port above 55535 for that reason."""
    import random

    for _ in range(200):
        port = random.randint(20000, 55535)
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no spare port pair for a cluster node")


class RedisClusterNodes:
    """Three master nodes on spare ports, no replicas, made one cluster by redis-cli.

    Each node keeps an append-only file in a directory of its own (and its nodes.conf
    there), so a node stopped with SIGTERM and started again on the same port comes back
    with its slots and its keys: a restart loses nothing Redis itself does not drop.
    """

    def __init__(self, directory: Path) -> None:
        self.binary = redis_server_binary()
        cli = shutil.which("redis-cli")
        require(cli is not None, "no redis-cli binary to create the cluster")
        assert cli is not None
        self.cli = cli
        self.directory = directory
        ports: list[int] = []
        while len(ports) < 3:
            port = _cluster_port()
            if not any(abs(port - taken) in (0, 10000) for taken in ports):
                ports.append(port)
        self.ports = tuple(ports)
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    def url(self, password: str | None = None) -> str:
        auth = f":{password}@" if password else ""
        return f"redis+cluster://{auth}" + ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def _log(self, port: int) -> Path:
        return self.directory / f"node-{port}" / "redis.log"

    def start_node(self, port: int) -> None:
        """Start (or start again) the node on ``port``, with its own files."""
        home = self.directory / f"node-{port}"
        home.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                "--appendonly", "yes", "--dir", str(home), "--logfile", str(self._log(port)),
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", str(CLUSTER_NODE_TIMEOUT_MS)]
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.STDOUT)
        self.processes[port] = process
        _wait_for_port(port, process, self._log(port))

    def stop_node(self, port: int) -> None:
        """SIGTERM, as a service manager stops Redis (it writes its AOF out first)."""
        process = self.processes.pop(port)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def create(self) -> None:
        for port in self.ports:
            self.start_node(port)
        run = subprocess.run([self.cli, "--cluster", "create",
                              *(f"127.0.0.1:{p}" for p in self.ports),
                              "--cluster-replicas", "0", "--cluster-yes"],
                             capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
        if run.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed: {run.stdout}{run.stderr}")
        self.wait_ok()

    def wait_ok(self) -> None:
        """Until every node says cluster_state:ok and knows all three masters."""
        import redis

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = []
            for port in self.ports:
                client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
                try:
                    info = client.cluster("info")
                    states.append(info.get("cluster_state") == "ok"
                                  and int(info.get("cluster_known_nodes", 0)) == 3)
                except redis.RedisError:
                    states.append(False)
                finally:
                    client.close()
            if all(states):
                return
            time.sleep(0.1)
        raise RuntimeError(f"the cluster on {self.ports} never reached cluster_state:ok")

    def stop(self) -> None:
        for port in list(self.processes):
            self.stop_node(port)


@contextmanager
def redis_cluster(directory: Path) -> Iterator[RedisClusterNodes]:
    """A throwaway three-node Redis Cluster; stopped (each node by its pid) afterwards."""
    nodes = RedisClusterNodes(directory)
    try:
        nodes.create()
        yield nodes
    finally:
        nodes.stop()

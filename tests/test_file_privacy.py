"""The file backend's sessions are private to the serving user, even in a shared /tmp.

Attacks by another local user are played by root with files chowned to `nobody`.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

import mesop_cli.serving.launch
from mesop_cli.cli import main
from mesop_cli.config import private_dir
from mesop_cli.config.private_dir import path_problem, private_dir_name
from mesop_cli.sessions import file
from mesop_cli.sessions.base import BackendUnavailable
from mesop_cli.sessions.file import FileBackend
from mesop_cli.state_format.session_ids import ID_LENGTH, redact_session_ids
from tests.support.server import MESOP_COMMAND, SAMPLE_APP, clean_env, running_server
from tests.support.tab import Tab

APP = Path(__file__).parent / "support" / "security_app.py"


def nobody() -> int:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("no user 'nobody' on this machine")


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def test_files_live_in_a_private_directory(tmp_path: Path) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    session_id = secrets.token_urlsafe(32)
    backend.save(session_id, b"{}")
    private = tmp_path / private_dir_name()
    assert os.listdir(tmp_path) == [private_dir_name()]
    info = private.stat()
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.geteuid()
    assert session_id in os.listdir(private)[0]


@needs_root
def test_a_session_file_planted_by_another_user_is_not_loaded(tmp_path: Path) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    session_id = secrets.token_urlsafe(32)
    planted = Path(backend.directory) / f"mesop-session-{session_id}.json"
    planted.write_text(json.dumps({"State": {"role": "admin", "count": 1337}}))
    os.chown(planted, nobody(), nobody())
    assert backend.load(session_id) is None


def test_a_symlink_or_fifo_in_place_of_a_session_is_not_followed(tmp_path: Path) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    secret = tmp_path / "elsewhere.json"
    secret.write_text('{"State": {"role": "admin"}}')
    linked, piped = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    os.symlink(secret, Path(backend.directory) / f"mesop-session-{linked}.json")
    os.mkfifo(Path(backend.directory) / f"mesop-session-{piped}.json")
    assert backend.load(linked) is None
    result: list[bytes | None] = []
    reader = threading.Thread(target=lambda: result.append(backend.load(piped)))
    reader.start()
    reader.join(5)
    assert not reader.is_alive() and result == [None]  # a FIFO does not hang the reader


@needs_root
def test_planted_files_are_reported_once_never_swept_and_replaced_by_a_save(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    data_id, tmp_id, lock_id = (secrets.token_urlsafe(32) for _ in range(3))
    planted = [Path(backend.directory) / name for name in (
        f"mesop-session-{data_id}.json", f"mesop-session-{tmp_id}.x1y2.tmp",
        f"mesop-session-{lock_id}.lock")]
    hour_ago = time.time() - 3600
    for path in planted:
        path.write_text('{"State": {"role": "admin", "count": 1337}}')
        os.chown(path, nobody(), nobody())
        os.utime(path, (hour_ago, hour_ago))  # stale: what the sweep would remove if ours
    monkeypatch.setattr(file, "now", lambda: time.time() + 3600)
    with caplog.at_level(logging.WARNING, logger=file.__name__):
        assert [backend.load(data_id) for _ in range(3)] == [None] * 3
        assert backend.sweep() == 0 and backend.sweep() == 0
    assert all(path.exists() for path in planted)  # another user's files: not ours to remove
    for path in planted:  # each reported once, with its owner, not once per event or sweep
        # The file name's session id shows as its hash, never raw.
        shown = redact_session_ids(str(path))
        (line,) = [r.getMessage() for r in caplog.records if shown in r.getMessage()]
        assert "owned by nobody (uid" in line
    assert not any(i in caplog.text for i in (data_id, tmp_id, lock_id))
    with pytest.raises(BackendUnavailable, match=r"\.lock is owned by nobody .*; remove it"):
        backend.lock(lock_id)  # never flocked: someone else's file
    backend.save(data_id, b'{"State": {"count": 1}}')  # our own file renamed over theirs
    assert backend.load(data_id) == b'{"State": {"count": 1}}'


def test_a_symlink_or_fifo_in_place_of_a_lock_file_is_never_locked(tmp_path: Path) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    target = tmp_path / "elsewhere"
    linked, piped = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    os.symlink(target, Path(backend.directory) / f"mesop-session-{linked}.lock")
    os.mkfifo(Path(backend.directory) / f"mesop-session-{piped}.lock")
    with pytest.raises(BackendUnavailable, match=r"\.lock is a symlink, not a lock file"):
        backend.lock(linked, timeout=1)
    assert not target.exists()  # O_CREAT did not follow the link to make it
    errors: list[BaseException] = []

    def lock_fifo() -> None:
        try:
            backend.lock(piped, timeout=1)
        except BackendUnavailable as exc:
            errors.append(exc)

    locker = threading.Thread(target=lock_fifo)
    locker.start()
    locker.join(5)
    assert not locker.is_alive(), "opening a FIFO hung"
    assert len(errors) == 1 and "is a FIFO, not a regular file" in str(errors[0])


@needs_root
def test_a_private_directory_made_by_someone_else_is_refused(tmp_path: Path) -> None:
    private = tmp_path / private_dir_name()
    private.mkdir(mode=0o700)
    os.chown(private, nobody(), nobody())
    with pytest.raises(BackendUnavailable, match="owned by .*not by the serving user"):
        FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    os.chown(private, os.geteuid(), os.getegid())
    private.chmod(0o777)
    with pytest.raises(BackendUnavailable, match="mode 0777"):
        FileBackend(ttl_seconds=600, base_dir=str(tmp_path))


def check_config(base_dir: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env({"MESOP_STATE_SESSION_BACKEND": "file",
                     "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(base_dir)})
    return subprocess.run([str(MESOP_COMMAND), "--check-config"], env=env, text=True,
                          capture_output=True, timeout=60)


def launch(base_dir: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env({"MESOP_STATE_SESSION_BACKEND": "file",
                     "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(base_dir)})
    return subprocess.run([str(MESOP_COMMAND), str(SAMPLE_APP), "--port", "1"], env=env,
                          text=True, capture_output=True, timeout=60)


@needs_root
@pytest.mark.integration
def test_a_base_dir_another_user_owns_and_anyone_writes_is_e009(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chown(shared, nobody(), nobody())
    shared.chmod(0o777)
    for result in (check_config(shared), launch(shared)):
        assert result.returncode == 1, result.stdout + result.stderr
        assert "error E009" in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.integration
def test_a_world_writable_base_dir_without_sticky_bit_is_e009(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    result = check_config(shared)
    assert result.returncode == 1 and "error E009" in result.stdout
    shared.chmod(0o1777)  # as /tmp is: sticky, so nobody can replace what we create
    assert check_config(shared).returncode == 0


@pytest.mark.integration
def test_tmp_stays_the_default_and_passes() -> None:
    env = clean_env({"MESOP_STATE_SESSION_BACKEND": "file"})
    result = subprocess.run([str(MESOP_COMMAND), "--check-config"], env=env, text=True,
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stdout


@pytest.mark.integration
def test_another_user_listing_the_base_dir_learns_no_session_id(tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path)}
    with running_server([], env=env, app=APP) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Increment")
        assert tab.session_id is not None
        visible = os.listdir(tmp_path)  # what any user may list in a sticky /tmp
        assert visible == [private_dir_name()]
        assert all(tab.session_id not in name for name in visible)
        assert stat.S_IMODE((tmp_path / private_dir_name()).stat().st_mode) == 0o700


def test_locks_of_ids_nobody_issued_leave_no_files(tmp_path: Path) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    for _ in range(10_000):
        session_id = secrets.token_urlsafe(32)
        lock = backend.lock(session_id)
        assert backend.load(session_id) is None
        lock.release()
    assert len(os.listdir(backend.directory)) <= 5


@pytest.mark.integration
def test_events_with_made_up_ids_leave_no_files(tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path)}
    with running_server([], env=env, app=APP) as server:
        directory = tmp_path / private_dir_name()
        http = requests.Session()
        made_up = {secrets.token_urlsafe(32) for _ in range(200)}
        for index, session_id in enumerate(made_up):
            body = {"session": session_id, "path": "/", "has_copy": index % 2 == 0,
                    "event": None}
            response = http.post(server.url + "/__mesop__/events", json=body, timeout=30)
            assert response.status_code == 200
        names = os.listdir(directory)
        prefix = len("mesop-session-")
        assert not {name[prefix:prefix + ID_LENGTH] for name in names} & made_up
        # Each has_copy=false request started one real session under a new id (its data
        # and lock files; the last may still be saving); the made-up ids left nothing.
        locks = [name for name in names if name.endswith(".lock")]
        data = [name for name in names if name.endswith(".json")]
        assert len(data) <= 100 and len(locks) <= len(data) + 1


# -- the whole path to the base dir: another user who can swap any directory on it could
# -- swap the session directory under a running server, which resolves the path each time.


def cli(args: list[str], base_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`mesop ARGS` in-process with the file backend at ``base_dir``; serving is replaced
    by a failure, so a launch that should have stopped cannot hang the test."""
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items()
                                        if not k.startswith(("MESOP_", "_MESOP_"))})
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("MESOP_STATE_SESSION_BACKEND", "file")
    monkeypatch.setenv("MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR", str(base_dir))

    def serve(*_args: object) -> None:
        raise AssertionError("served despite an unsafe session directory")

    monkeypatch.setattr(mesop_cli.serving.launch, "serve", serve)
    return CliRunner().invoke(main, args, catch_exceptions=False)


def sticky_dir(parent: Path) -> Path:
    """A directory like /tmp: root's (the test runs as root), anyone writes, sticky."""
    shared = parent / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    return shared


@needs_root
def test_a_base_dir_inside_another_users_directory_is_e009(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, nobody(), nobody())
    base = theirs / "sessions"  # ours, 0700: but `nobody` can rename it and put theirs there
    base.mkdir(mode=0o700)
    for args in (["--check-config"], [str(SAMPLE_APP)]):
        result = cli(args, base, monkeypatch)
        assert result.exit_code == 1, result.output
        assert "error E009" in result.output, result.output
        assert f"{theirs} is a directory owned by nobody" in result.output
    with pytest.raises(BackendUnavailable, match=re.escape(f"{theirs} is a directory owned by")):
        FileBackend(ttl_seconds=600, base_dir=str(base))
    assert os.listdir(base) == []  # refused before creating anything there


@needs_root
def test_a_symlink_on_the_path_owned_by_another_user_is_e009(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = sticky_dir(tmp_path)
    (shared / "real").mkdir(mode=0o700)
    link = shared / "link"
    link.symlink_to(shared / "real")
    os.lchown(link, nobody(), nobody())  # in a sticky dir only its owner can repoint it
    result = cli(["--check-config"], link / "sessions", monkeypatch)
    assert result.exit_code == 1
    assert "error E009" in result.output, result.output
    assert f"{link} is a symlink owned by nobody" in result.output
    os.lchown(link, 0, 0)  # the same link, root's: only root could repoint it
    assert path_problem(str(link / "sessions")) is None
    backend = FileBackend(ttl_seconds=600, base_dir=str(link / "sessions"))
    backend.save(secrets.token_urlsafe(32), b"{}")
    assert len(os.listdir(shared / "real" / "sessions" / private_dir_name())) == 1


@needs_root
def test_dot_dot_after_a_symlink_is_walked_as_the_kernel_resolves_it(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    (theirs / "inner").mkdir(parents=True)
    os.chown(theirs, nobody(), nobody())
    (tmp_path / "link").symlink_to(theirs / "inner")
    # Read as text, link/../base is tmp_path/base; the kernel makes it theirs/base.
    problem = path_problem(f"{tmp_path}/link/../base")
    assert problem is not None and f"{theirs} is a directory owned by nobody" in problem


def test_missing_directories_are_created_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o002)  # a user-private-group umask: makedirs would give 0775
    try:
        backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path / "a" / "b"))
    finally:
        os.umask(previous)
    for created in ("a", "a/b", f"a/b/{private_dir_name()}"):
        assert stat.S_IMODE((tmp_path / created).stat().st_mode) == 0o700, created
    assert backend.directory == str(tmp_path / "a" / "b" / private_dir_name())


@needs_root
def test_a_base_dir_another_user_makes_first_in_a_sticky_dir_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = sticky_dir(tmp_path) / "sessions"
    make = private_dir._make_private_dirs

    def racing_user_first(directory: str) -> None:
        # `nobody` wins the race between our check (base missing: fine) and our mkdir.
        base.mkdir(mode=0o777)
        base.chmod(0o777)
        os.chown(base, nobody(), nobody())
        make(directory)

    monkeypatch.setattr(private_dir, "_make_private_dirs", racing_user_first)
    with pytest.raises(BackendUnavailable, match=re.escape(f"{base} is a directory owned by")):
        FileBackend(ttl_seconds=600, base_dir=str(base))


@needs_root
def test_check_config_probes_the_directory_the_backend_writes_in() -> None:
    # As nobody (tmp_path is root's 0700): their base dir is writable, but their private
    # directory inside it is not, so the backend could not save; the check must say so.
    base = Path(tempfile.mkdtemp(prefix="mesop-test-"))
    try:
        private = base / f"mesop-sessions-{nobody()}"
        private.mkdir(mode=0o500)
        for path in (base, private):
            os.chown(path, nobody(), nobody())
        code = ("import os, sys; from mesop_cli.check_config import check_file_dir; "
                "os.setegid(int(sys.argv[2])); os.seteuid(int(sys.argv[2])); "
                "check = check_file_dir(sys.argv[1]); print(check.ok, check.detail)")
        result = subprocess.run([sys.executable, "-c", code, str(base), str(nobody())],
                                capture_output=True, text=True, timeout=60)
        assert result.stdout.strip() == f"False {private} is not writable: Permission denied", \
            result.stdout + result.stderr
    finally:
        shutil.rmtree(base)

"""The file backend's sessions are private to the serving user, even in a shared /tmp.

Attacks by another local user are played by root with files chowned to `nobody`.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import stat
import subprocess
import threading
from pathlib import Path

import pytest
import requests

from mesop_cli.sessions.base import BackendUnavailable
from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.ids import ID_LENGTH
from mesop_cli.sessions.private_dir import private_dir_name
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

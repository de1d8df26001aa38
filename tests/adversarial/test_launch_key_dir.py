"""The directory where plain gunicorn workers share their launch key is private, as the
file backend's session directory is.

Attack (issue 15, item 9; the weakness noted in issue 6): another local user makes
``$TMPDIR/mesop-launch-keys-<uid>`` first (their own directory, a group-writable one, or
a symlink to theirs), or swaps a directory on the way to it for theirs, so as to read the
key that signs every session's state, or plant one of their choosing. Before (until
commit b7dbce2), launch_key.py checked the key directory alone (mkdir, then lstat for
owner and mode), never the directories on the way: run against that code, a parent of
mode 0777 and a symlink of ``nobody`` on the way were accepted, and after the parent was
swapped for ``nobody``'s, the key read was the one planted there. Now it asks
config/private_dir.py, which judges every directory and symlink on the path, creates
what is missing 0700 and checks again after creating; a refusal names the directory,
what is wrong and the fix, and under gunicorn it is error E008. Attacks by another user
are played by root with files chowned to ``nobody``.
"""

from __future__ import annotations

import os
import pwd
import re
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from mesop_cli.serving.launch_key import LaunchKeyError, key_directory, shared_launch_key
from tests.support.server import free_port
from tests.test_config_wsgi import APP, FACTORY, GUNICORN, finished

pytestmark = pytest.mark.integration

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
GROUP = os.getpid()


def nobody() -> int:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("no user 'nobody' on this machine")


def private(path: Path) -> Path:
    path.mkdir(mode=0o700)
    return path


def refused(directory: Path, *expected: str) -> str:
    with pytest.raises(LaunchKeyError) as caught:
        shared_launch_key(GROUP, directory)
    message = str(caught.value)
    assert message.startswith(f"{directory}, where the workers of one launch share its key, "
                              "is not a private directory of this user: ")
    assert "set TMPDIR to a directory that only this user (or root) can change" in message
    for words in expected:
        assert words in message, message
    return message


def test_a_normal_launch_keeps_its_key_in_a_private_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    key = shared_launch_key(GROUP)
    assert shared_launch_key(GROUP) == key and len(key) >= 40
    directory = key_directory()
    assert directory == tmp_path / f"mesop-launch-keys-{os.getuid()}"
    info = directory.stat()
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.geteuid()
    assert stat.S_IMODE((directory / f"{GROUP}.key").stat().st_mode) == 0o600


def test_a_missing_parent_is_made_private_too(tmp_path: Path) -> None:
    shared_launch_key(GROUP, tmp_path / "made" / "keys")
    assert stat.S_IMODE((tmp_path / "made").stat().st_mode) == 0o700


@needs_root
def test_a_symlink_planted_in_its_place_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o777)
    os.chown(theirs, nobody(), nobody())
    directory = private(tmp_path / "base") / "keys"
    directory.symlink_to(theirs)
    os.lchown(directory, nobody(), nobody())
    refused(directory, f"{directory} exists and is not a directory (a symlink or a file)")
    assert list(theirs.iterdir()) == []  # no key went there


def test_a_symlink_of_our_own_in_its_place_is_refused_too(tmp_path: Path) -> None:
    """Only a real directory is judged: a link could later be pointed elsewhere."""
    directory = private(tmp_path / "base") / "keys"
    directory.symlink_to(private(tmp_path / "elsewhere"))
    refused(directory, "is not a directory (a symlink or a file)")


@needs_root
def test_a_directory_another_user_made_first_is_refused(tmp_path: Path) -> None:
    directory = private(private(tmp_path / "base") / "keys")
    (directory / f"{GROUP}.key").write_text("the attacker's key")
    os.chown(directory, nobody(), nobody())
    message = refused(directory, "is owned by nobody", "not by the serving user")
    assert "the attacker's key" not in message


def test_a_group_writable_directory_is_refused(tmp_path: Path) -> None:
    directory = private(tmp_path / "base") / "keys"
    directory.mkdir()
    directory.chmod(0o770)
    refused(directory, "has mode 0770; other users must have no access (0700)")
    assert list(directory.iterdir()) == []


def test_a_parent_others_can_write_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    """A parent writable by others (without the sticky bit) lets them rename the key
    directory away and put theirs in its place at any time."""
    base = tmp_path / "shared"
    base.mkdir()
    base.chmod(0o777)
    refused(base / "keys", f"{base} is writable by other users (mode 0777) without the "
                           "sticky bit")
    assert list(base.iterdir()) == []


@needs_root
def test_a_parent_swapped_between_launches_is_refused(tmp_path: Path) -> None:
    """The first launch makes its key under base/; someone then replaces base/ by a
    directory of theirs holding a keys directory and a key of their choosing."""
    base = private(tmp_path / "base")
    first = shared_launch_key(GROUP, base / "keys")
    base.rename(tmp_path / "base.old")
    swapped = private(private(tmp_path / "base") / "keys")
    (swapped / f"{GROUP + 1}.key").write_text("planted")
    for path in (swapped, swapped.parent):
        os.chown(path, nobody(), nobody())
    refused(base / "keys", f"{base} is a directory owned by nobody", "another user than the "
                           "one serving", "who could put their own directory in its place")
    with pytest.raises(LaunchKeyError):
        shared_launch_key(GROUP + 1, base / "keys")  # the planted key is never read
    assert first != "planted"


@needs_root
def test_a_symlink_of_another_user_on_the_way_is_refused(tmp_path: Path) -> None:
    real = private(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    os.lchown(link, nobody(), nobody())
    refused(link / "keys", f"{link} is a symlink owned by nobody")
    assert list(real.iterdir()) == []


def test_gunicorn_refuses_an_unsafe_key_directory_with_e008(tmp_path: Path) -> None:
    """The issue's command line, ``gunicorn -w 2`` without --preload or a key, with
    TMPDIR holding a key directory others can write: the workers stop on E008, saying
    why and what to do, instead of serving with a key someone else can read."""
    temporary = private(tmp_path / "tmp")
    keys = temporary / f"mesop-launch-keys-{os.getuid()}"
    keys.mkdir()
    keys.chmod(0o777)
    (tmp_path / "main.py").write_text(APP)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("MESOP_", "_MESOP_")) and name != "WEB_CONCURRENCY"}
    env |= {"TMPDIR": str(temporary), "PYTHON_DOTENV_DISABLED": "1",
            "MESOP_STATE_SESSION_BACKEND": "memory"}
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "--bind", f"127.0.0.1:{free_port()}", FACTORY],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    status, output = finished(process)
    assert status != 0
    assert "error E008 gunicorn's 2 workers cannot share a per-launch secret key: " in output
    assert f"{keys}, where the workers of one launch share its key" in output
    assert "has mode 0777" in output
    assert "Fix: set MESOP_SECRET_KEY, or run gunicorn with --preload" in output
    # Nothing of ours raised. (When both workers fail to load at once, gunicorn's arbiter
    # may raise its own HaltServer again while halting, and print that traceback.)
    assert re.search(r'File ".*/mesop_cli/', output) is None, output
    assert list(keys.iterdir()) == []

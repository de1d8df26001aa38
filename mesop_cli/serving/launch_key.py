"""One per-launch secret key shared by the workers of a plain gunicorn command line.

`mesop` makes up the key before it starts its workers, so they inherit it. A plain
`gunicorn -w 3 'mesop_cli.wsgi:create_app("main.py")'` without --preload runs our factory
in each worker instead, after the fork, so siblings would each make up a different key and
refuse each other's signed state. They agree through a small file named after their
common parent (the gunicorn master), created once, atomically, readable only by this user,
in a directory that :mod:`mesop_cli.config.private_dir` verifies as it does the file
backend's: no other user can read it, plant a key in it, or swap it for theirs.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from mesop_cli.config.private_dir import UnsafeDirectory, ensure_private_dir


class LaunchKeyError(Exception):
    """The key directory is unsafe or unwritable; the message says which and why."""


def key_directory() -> Path:
    return Path(tempfile.gettempdir()) / f"mesop-launch-keys-{os.getuid()}"


def shared_launch_key(group: int, directory: Path | None = None) -> str:
    """The key of launch ``group`` (the gunicorn master's pid), made by whoever asks first."""
    directory = directory or key_directory()
    _ensure_private_directory(directory)
    path = directory / f"{group}.key"
    if not path.exists():
        _sweep_dead_launches(directory)
        _create_once(path, secrets.token_urlsafe(32))
    key = path.read_text().strip()
    if not key:
        raise LaunchKeyError(f"{path} is empty; delete it and start gunicorn again")
    return key


def _ensure_private_directory(directory: Path) -> None:
    # Another user could have made the directory first, or could swap it (or a directory
    # on the way to it) for theirs while workers start, to read or plant keys: the file
    # backend's checks refuse both (owner, mode 0700, no foreign symlink or parent).
    try:
        ensure_private_dir(str(directory.parent), directory.name)
    except UnsafeDirectory as exc:
        raise LaunchKeyError(
            f"{directory}, where the workers of one launch share its key, is not a private "
            f"directory of this user: {exc.problem}; remove it if someone else made it, or "
            "set TMPDIR to a directory that only this user (or root) can change") from None
    except OSError as exc:
        raise LaunchKeyError(f"cannot create {directory}: {exc.strerror or exc}") from None


def _create_once(path: Path, key: str) -> None:
    """Write the key to a temporary file, then link it in place: the link fails if a
    sibling won the race, and nobody ever reads a half-written key."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _sweep_dead_launches(directory: Path) -> None:
    for old in directory.glob("*.key"):
        try:
            os.kill(int(old.stem), 0)
        except ProcessLookupError:
            old.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue

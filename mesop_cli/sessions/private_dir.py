"""Where the file backend may keep sessions: the one answer to "is this directory safe".

Session file names contain session ids, and an id is the key to a session: any user who
can list the names can take the session over HTTP. So files live in a directory of their
own per serving user, ``<base dir>/mesop-sessions-<uid>``, mode 0700, inside a base dir
that no other user can tamper with. ``/tmp`` qualifies (root's, with the sticky bit: other
users can neither rename nor remove what we create there); a directory that another user
owns, or can write without the sticky bit, does not (they could swap our directory for
theirs). Used by the configuration check (error E009) and by the backend itself.
"""

from __future__ import annotations

import os
import pwd
import stat


class UnsafeDirectory(Exception):
    """The directory cannot hold sessions privately; the message says why and the fix."""


def _owner(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def base_dir_problem(path: str) -> str | None:
    """Why ``path`` (or, when missing, the existing directory it would be created in)
    cannot safely hold the private session directory; None when it can."""
    existing = path
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    try:
        info = os.stat(existing)
    except OSError as exc:
        return f"{existing} cannot be examined: {exc.strerror or exc}"
    me = os.geteuid()
    if info.st_uid not in (me, 0):
        return (f"{existing} is owned by {_owner(info.st_uid)}, another user than the one "
                f"serving ({_owner(me)}), who could replace the session directory")
    shared = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if shared and not info.st_mode & stat.S_ISVTX:
        return (f"{existing} is writable by other users (mode {stat.S_IMODE(info.st_mode):04o}) "
                "without the sticky bit, so they could replace the session directory")
    return None


def private_dir_name() -> str:
    return f"mesop-sessions-{os.geteuid()}"


def private_dir_problem(directory: str) -> str | None:
    """Why an existing private directory must not be used; None when it is ours alone."""
    try:
        info = os.lstat(directory)
    except (FileNotFoundError, NotADirectoryError):
        return None  # not there yet: it will be created private
    except OSError as exc:
        return f"{directory} cannot be examined: {exc.strerror or exc}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{directory} exists and is not a directory (a symlink or a file)"
    if info.st_uid != os.geteuid():
        return f"{directory} is owned by {_owner(info.st_uid)}, not by the serving user"
    if info.st_mode & 0o077:
        return (f"{directory} has mode {stat.S_IMODE(info.st_mode):04o}; other users must have "
                "no access (0700)")
    return None


def ensure_private_dir(base_dir: str) -> str:
    """``<base_dir>/mesop-sessions-<uid>``, created with mode 0700 if missing and checked
    to be ours alone; :class:`UnsafeDirectory` otherwise."""
    problem = base_dir_problem(base_dir)
    if problem is None:
        os.makedirs(base_dir, mode=0o700, exist_ok=True)
        directory = os.path.join(base_dir, private_dir_name())
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            pass
        problem = private_dir_problem(directory)
        if problem is None:
            return directory
    raise UnsafeDirectory(f"{problem}. {FIX}")


FIX = ("Fix: use a base directory owned by the serving user (mode 0700) or root's /tmp "
       "(sticky bit), and remove a mesop-sessions-<uid> directory that someone else made")

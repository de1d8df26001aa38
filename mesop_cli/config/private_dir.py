"""Where the file backend may keep sessions: the one answer to "is this directory safe".

Session file names contain session ids, and an id is the key to a session: any user who
can list the names can take the session over HTTP. So files live in a directory of their
own per serving user, ``<base dir>/mesop-sessions-<uid>``, mode 0700. We chose the
verified directory alone, without also hashing the ids into the names: once no one else
can list it, plain names leak nothing, and they keep the sweep (which reads ids from names)
and an operator's look at the files simple. Hashed names in a directory that others could
open would hide the ids but not stop them planting or replacing files.

The directory is only private if no other user can swap it, or any directory on the way
to it, for one of theirs: a server resolves the path at every read and write, so a swap
while it runs sends new sessions into the other user's directory. Hence every directory
on the path, the base dir included, must be the serving user's or root's, and writable by
nobody else unless sticky; every symlink on it must be the serving user's or root's.
``/tmp`` qualifies (root's, sticky: other users can neither rename nor remove what we
create there); a directory that another user owns, or can write without the sticky bit,
does not. Used by the configuration check (error E009) and by the backend itself.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import stat

#: Symlinks followed on one path before giving up, as the kernel's own limit.
_MAX_SYMLINKS = 40

FIX = ("Fix: use a base directory that only the serving user (or root) can change, on a "
       "path of such directories: one owned by the serving user with mode 0700, or /tmp "
       "(root's, sticky); remove a mesop-sessions-<uid> directory that someone else made")


class UnsafeDirectory(Exception):
    """The directory cannot hold sessions privately; the message says why and the fix."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        #: Why, without the fix: for a caller that names a fix of its own (launch keys).
        self.problem = problem or message


def describe_owner(uid: int) -> str:
    """``name (uid N)`` for messages, or ``uid N`` when the user has no name."""
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def _entry_problem(path: str, info: os.stat_result) -> str | None:
    """Why another user could change what ``path`` (one step of the walk) leads to."""
    me = os.geteuid()
    what = "a symlink" if stat.S_ISLNK(info.st_mode) else "a directory"
    if info.st_uid not in (me, 0):
        return (f"{path} is {what} owned by {describe_owner(info.st_uid)}, another user than "
                f"the one serving ({describe_owner(me)}), who could put their own directory in "
                "its place")
    shared = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if stat.S_ISDIR(info.st_mode) and shared and not info.st_mode & stat.S_ISVTX:
        return (f"{path} is writable by other users (mode {stat.S_IMODE(info.st_mode):04o}) "
                "without the sticky bit, so they could replace the directories inside it")
    return None


def path_problem(path: str) -> str | None:
    """Why another user could swap ``path``, or a directory or symlink on the way to it,
    for one of theirs; None when only the serving user and root can.

    Walks the path as the kernel resolves it, following symlinks. It stops, content, at
    the first component that does not exist (the serving user will create the rest) or is
    not a directory (not a privacy question: using it fails, and says so).
    """
    # Joined, not normalized: ".." after a symlink means the symlink target's parent.
    absolute = os.path.join(os.getcwd(), path)
    pending = [part for part in absolute.split("/") if part not in ("", ".")]
    current = "/"
    followed = 0
    problem = _entry_problem(current, os.stat(current))
    while pending and problem is None:
        part = pending.pop(0)
        if part == "..":
            current = os.path.dirname(current)  # physical: ``current`` holds no symlink
            continue
        candidate = os.path.join(current, part)
        try:
            info = os.lstat(candidate)
        except OSError:
            return None  # missing (we create it) or unreadable (using it fails loudly)
        problem = _entry_problem(candidate, info)
        if stat.S_ISLNK(info.st_mode):
            followed += 1
            if followed > _MAX_SYMLINKS:
                return None  # a loop: using the path fails with ELOOP
            target = os.readlink(candidate)
            pending[:0] = [p for p in target.split("/") if p not in ("", ".")]
            if target.startswith("/"):
                current = "/"
        elif stat.S_ISDIR(info.st_mode):
            current = candidate
        else:
            return None
    return problem


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
        return f"{directory} is owned by {describe_owner(info.st_uid)}, not by the serving user"
    if info.st_mode & 0o077:
        return (f"{directory} has mode {stat.S_IMODE(info.st_mode):04o}; other users must have "
                "no access (0700)")
    return None


def privacy_problem(base_dir: str, name: str | None = None) -> str | None:
    """Why ``base_dir`` cannot hold the serving user's private directory ``name`` (by
    default the sessions' one), as it stands now (nothing is created); None when it can."""
    return path_problem(base_dir) or private_dir_problem(
        os.path.join(base_dir, name or private_dir_name()))


def ensure_private_dir(base_dir: str, name: str | None = None) -> str:
    """``<base_dir>/<name>`` (by default ``mesop-sessions-<uid>``), created with mode 0700
    (and any missing parent too) and checked to be ours alone; :class:`UnsafeDirectory`
    otherwise. Also used for the launch keys of plain gunicorn (``serving/launch_key.py``)."""
    # Checked before creating anything, so nothing is made inside another user's directory.
    base_dir = os.path.join(os.getcwd(), base_dir)
    problem = path_problem(base_dir)
    if problem is None:
        directory = os.path.join(base_dir, name or private_dir_name())
        _make_private_dirs(directory)
        # And again: in a sticky /tmp another user may have made a missing component first,
        # which mkdir's FileExistsError alone does not tell from our own earlier launch.
        problem = privacy_problem(base_dir, name)
        if problem is None:
            return directory
    raise UnsafeDirectory(f"{problem}. {FIX}", problem)


def _make_private_dirs(directory: str) -> None:
    """Like ``os.makedirs(directory, 0o700)``, but every directory it creates is 0700:
    makedirs gives the parents the umask's mode, group-writable under a 002 umask."""
    missing = []
    while not os.path.lexists(directory):
        missing.append(directory)
        directory = os.path.dirname(directory)
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)

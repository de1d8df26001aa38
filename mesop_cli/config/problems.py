"""Problems found in a configuration, their stable codes, and redaction of secrets.

Codes never change meaning: users search for them and docs/configuration.md lists each with its fix.
Errors (``E...``) stop a launch; warnings (``W...``) are printed, and are errors under
``--strict``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODES: dict[str, tuple[str, str]] = {
    # code: (what it means, how to fix it): docs/configuration.md's table is generated from it.
    "E001": ("A setting has a value that is not accepted.",
             "Use a value from the message's 'accepted' text; the did-you-mean is a safe bet."),
    "E002": ("The chosen backend needs a setting that is not set.",
             "Set the variable named in the message, or choose another backend."),
    "E003": ("The chosen backend needs a Python package that is not installed.",
             "`pip install 'mesop-cli[redis]'` or `'mesop-cli[sql]'`, as the message says."),
    "E004": ("The file backend's directory cannot be used.",
             "Point MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR at a directory you can write."),
    "E005": ("The backend's store does not answer: --check-config reports it, and a launch "
             "(mesop APP, or the wsgi factory under gunicorn) stops on it.",
             "Start the service, or fix the host, port, credentials or path in the URL."),
    "E006": ("The app cannot be imported (--check-config), the wsgi factory's app file does "
             "not exist, or which file `gunicorn main:me` serves cannot be told.",
             "Fix the app file at the line named in the message; for the last, serve it with "
             "'mesop_cli.wsgi:create_app(\"main.py\")'."),
    "E007": ("The .env file cannot be read.", "Make it readable and UTF-8 encoded."),
    "E008": ("Plain gunicorn workers (no --preload) cannot share a per-launch key: the key "
             "directory is unsafe or unwritable.",
             "Set MESOP_SECRET_KEY, or run gunicorn with --preload."),
    "E009": ("The file backend's directory is not private: it, or a directory or symlink "
             "on its path, belongs to another user or is writable by them without the "
             "sticky bit, or its mesop-sessions-<uid> directory is not the serving user's "
             "alone.",
             "Use a directory owned by the serving user (mode 0700) on a path only they and "
             "root can change, or root's /tmp; remove a mesop-sessions-<uid> directory that "
             "someone else made."),
    "E010": ("A page of the app fails when drawn (--check-config draws each page once, with "
             "every state class at its defaults, running no handler or on_load).",
             "Fix the page function at the line named in the message; a page must draw "
             "with default state, as it does for a new visitor."),
    "W001": ("memory backend with several worker processes: most events miss.",
             "--workers 1 with --threads N, or the file, redis or sql backend."),
    "W002": ("Production without MESOP_SECRET_KEY: the per-launch key dies with the launch.",
             "Set MESOP_SECRET_KEY to a long random string, the same on every instance."),
    "W003": ("memory backend cap larger than this machine's memory.",
             "Lower MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB below the machine's RAM."),
    "W004": ("Session TTL under 60 seconds: a user who pauses loses the session.",
             "Raise MESOP_STATE_SESSION_TTL_SECONDS to 60 or more (default 600)."),
    "W005": ("Unknown MESOP_* variable, probably a typo, or a setting of Mesop that "
             "mesop-cli does not read; it is ignored.",
             "Rename it to the setting the message names (a did-you-mean comes only from "
             "the same family of settings), use what the message says replaces Mesop's, "
             "or remove it."),
    "W006": ("A setting is set that the chosen backend does not use.",
             "Remove it, or choose the backend it belongs to."),
    "W007": ("A .env line cannot be parsed; it is skipped.",
             "Write it as NAME=value (quote values with spaces or #)."),
    "W008": ("--reload is ignored in production (--prod or --workers > 1).",
             "Drop --reload, or serve with one worker and no --prod while developing."),
    "W009": ("MESOP_SECRET_KEY is shorter than 32 characters, so it is guessable.",
             "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"),
    "W010": ("MESOP_ALIAS_MESOP is on, but Mesop itself is installed: the app's "
             "`import mesop` gets the real Mesop, not mesop-cli.",
             "Uninstall Mesop (`pip uninstall mesop`) to serve the app with mesop-cli, or "
             "change its imports to `import mesop_cli as me`."),
    "W011": ("The sql backend reaches PostgreSQL on another host with an sslmode that "
             "allows plain text (disable, allow, or prefer, which is libpq's default).",
             "Add `sslmode=verify-full` (with `sslrootcert=`) or `sslmode=require` to the "
             "URI's query."),
    "W012": ("The app declares a signed or encrypted `@me.cookieclass` while MESOP_SECRET_KEY "
             "is not set: their keys come from a secret made up for this launch, so after a "
             "restart, and on any other instance, those cookies read as defaults (a user "
             "logged in by one is logged out).",
             "Set MESOP_SECRET_KEY to a long random string, the same on every instance "
             "(mesop-cli derives cookie keys from it; Mesop's MESOP_COOKIE_SECRET_KEY is not "
             "read)."),
    "W013": ("The app uses a name mesop-cli lacks only in code that mesop never runs (under "
             "`if __name__ == \"__main__\":`, `if TYPE_CHECKING:` or `if False:`), such as "
             "the `me.run()` of an app written for Mesop's own tooling: the app loads and is "
             "served; said at --check-config and when serving starts.",
             "Nothing is needed; remove the block if nothing runs the file as a script."),
}


@dataclass(frozen=True)
class Problem:
    """One line of output: a stable code and a message that says what, where, and what to do."""

    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


REDACTED = "***"


# ``scheme://[user]:password@host...``, the password running to the last "@": a password
# with an unencoded "/", "?" or "#" in it fools urlsplit, which would then print it whole.
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:)(?P<password>.*)@"
                       r"(?P<rest>[^@]*)", re.DOTALL)


def redact_url(url: str) -> str:
    """The URL with its password (if any) replaced, so it can be printed."""
    found = _USERINFO.fullmatch(url)
    if not found or not found["password"]:
        return url
    return f"{found['head']}{REDACTED}@{found['rest']}"


def redact_text(text: str, secrets: list[str]) -> str:
    """``text`` with every non-empty secret replaced, for messages quoting third parties."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text

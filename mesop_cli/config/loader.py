"""Resolving every setting from its sources, validating it, and collecting all problems.

Sources, highest first: a CLI flag, the process environment, the ``.env`` file, the
default. Every problem is collected (never only the first) so one run shows them all.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from mesop_cli.compat.alias import real_mesop_origin
from mesop_cli.config.envfile import EnvFile, read_env_file
from mesop_cli.config.mesop_settings import UNSUPPORTED as MESOP_UNSUPPORTED
from mesop_cli.config.options import (
    KNOWN_NAMES,
    OPTIONS,
    Invalid,
    Option,
    Settings,
    closest,
)
from mesop_cli.config.pg_ssl import (
    SSLMODES,
    UNENCRYPTED_POSSIBLE,
    effective_sslmode,
    hosts_of,
    is_local,
    promise,
)
from mesop_cli.config.private_dir import FIX as PRIVATE_DIR_FIX
from mesop_cli.config.private_dir import privacy_problem
from mesop_cli.config.problems import REDACTED, Problem, redact_url
from mesop_cli.config.redis_url import UrlProblem, check_cluster_key_prefix, is_cluster_url

#: Private variable carrying the per-launch key to the processes a launch starts.
LAUNCH_KEY_VARIABLE = "_MESOP_LAUNCH_SECRET_KEY"
GENERATED = "generated"
_MIB = 1024 * 1024


@dataclass
class Resolved:
    """One setting's raw text, typed value (None when unset or invalid) and source."""

    option: Option
    raw: str | None
    value: object
    source: str
    name: str

    @property
    def explicit(self) -> bool:
        """True when the user set it (flag, environment, .env), not a default."""
        return self.source not in ("default", GENERATED)

    def redacted(self, text: str) -> str:
        """``text`` (this setting's value, or a fix of it) as it may be printed."""
        if self.option.secret:
            return REDACTED
        return redact_url(text) if self.option.is_url else text

    def shown(self) -> object:
        """The value as it may be printed (secrets and URL passwords redacted); an invalid
        one as its raw text, marked."""
        if self.value is None:
            return None if self.raw is None else f"{self.redacted(self.raw)} (invalid)"
        if isinstance(self.value, tuple):
            # As it would be written in the variable, so it can be copied back into .env.
            return ", ".join(self.value)
        return self.redacted(self.value) if isinstance(self.value, str) else self.value

    def quoted(self) -> str:
        """``NAME='raw' (source)`` for messages, with secrets redacted."""
        return f"{self.name}={self.redacted(self.raw or '')!r} ({self.source})"


@dataclass
class ConfigReport:
    """Everything a launch read and concluded.

    ``settings`` is None when ``load_config`` found errors. Later checks (reachability, the
    app import) may still add errors, so callers decide with ``ok``.
    """

    env: EnvFile
    resolved: dict[str, Resolved] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    settings: Settings | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, code: str, message: str) -> None:
        self.errors.append(Problem(code, message))

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Problem(code, message))

    def value(self, field_name: str) -> object:
        return self.resolved[field_name].value

    def problem_lines(self) -> list[str]:
        """One line per warning, then one per error, as both the CLI and wsgi print them."""
        return [f"warning {w}" for w in self.warnings] + [f"error {e}" for e in self.errors]


def _pick(
    option: Option,
    flags: Mapping[str, str | None],
    environ: Mapping[str, str],
    env: EnvFile,
    flag_source: str,
) -> tuple[str | None, str, str]:
    """(raw, source, name) from the highest source that sets the option."""
    flag_value = flags.get(option.field)
    if flag_value is not None:
        return flag_value, flag_source, option.flag or option.name
    names = [n for n in (option.env, *option.aliases) if n]
    for name in names:
        if name in environ:
            return environ[name], "environment", name
    for name in names:
        if name in env.values:
            value, line = env.values[name]
            return value, f".env:{line}", name
    return option.default, "default", option.name


def _resolve(report: ConfigReport, option: Option, raw: str | None, source: str, name: str) -> None:
    resolved = report.resolved[option.field] = Resolved(option, raw, None, source, name)
    if raw is None:
        return
    try:
        resolved.value = option.cast(raw)
    except Invalid as exc:
        message = f"{resolved.quoted()} {exc.reason}; accepted: {option.accepted}"
        if exc.suggestion is not None and not option.secret:
            message += f"; did you mean {resolved.redacted(exc.suggestion)!r}?"
        report.error("E001", message)


#: First words of our MESOP_* names that belong together: a did-you-mean is offered only
#: within one family (MESOP_PROT is the server's port, never an unrelated setting).
_FAMILY_OF_WORD = {"HOST": "SERVER", "PORT": "SERVER", "WORKERS": "SERVER",
                   "THREADS": "SERVER", "BASE": "PATHS", "APP": "PATHS", "STATIC": "PATHS",
                   "HTTP": "CACHE", "WEB": "CACHE", "ALLOWED": "ALLOWED", "SECRET": "SECRET"}


def _family(name: str) -> str | None:
    """The family of a MESOP_* name: its first word after MESOP_, grouped."""
    words = name.split("_")
    if len(words) < 2 or words[0] != "MESOP" or not words[1]:
        return None
    return _FAMILY_OF_WORD.get(words[1], words[1])


def _same_family(name: str) -> list[str]:
    """Our MESOP_* names of ``name``'s family, or of the family its first word is a typo
    of (MESOP_STAT_... is MESOP_STATE_...)."""
    ours = [known for known in KNOWN_NAMES if known.startswith("MESOP_")]
    family = _family(name)
    if family is None:
        return []
    members = [known for known in ours if _family(known) == family]
    if members:
        return members
    first = name.split("_")[1]
    words = sorted({known.split("_")[1] for known in ours})
    near = {_family(f"MESOP_{word}")
            for word in difflib.get_close_matches(first, words, n=len(words), cutoff=0.75)}
    return [known for known in ours if _family(known) in near]


def _closest_name(name: str) -> str | None:
    """The known name ``name`` most likely means, or None: one containing all its words
    (MESOP_TTL is MESOP_STATE_SESSION_TTL_SECONDS), else a close spelling of the same
    family; never the nearest of unrelated settings."""
    words = set(name.split("_")) - {"MESOP", ""}
    containing = [known for known in KNOWN_NAMES if words and words <= set(known.split("_"))]
    if containing:
        return closest(name, containing, cutoff=0.0)
    return closest(name, _same_family(name), cutoff=0.75)


def _unknown_names(report: ConfigReport, environ: Mapping[str, str]) -> None:
    found = [(n, "environment") for n in environ if n.startswith("MESOP_")]
    found += [(n, f".env:{line}") for n, (_v, line) in report.env.values.items()
              if n.startswith("MESOP_")]
    for name, source in found:
        if name in KNOWN_NAMES:
            continue
        if name in MESOP_UNSUPPORTED:
            report.warn("W005", f"{name} ({source}) is Mesop's setting, which mesop-cli does "
                                f"not read; it is ignored: {MESOP_UNSUPPORTED[name]}")
            continue
        near = _closest_name(name)
        hint = f"did you mean {near}?" if near else \
            "it is no setting of mesop-cli or Mesop (mesop --help lists the settings)"
        report.warn("W005", f"unknown setting {name} ({source}) is ignored; {hint}")


def _dir_problem(path: str) -> tuple[str | None, str | None]:
    """(error, note) about using ``path`` as the file backend's directory, without writing."""
    target = Path(path)
    if target.exists():
        if not target.is_dir():
            return "exists and is not a directory", None
        if not os.access(target, os.W_OK | os.X_OK):
            return "is a directory this user cannot write", None
        return None, None
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return f"does not exist and cannot be created ({parent} is not writable)", None
    return None, f"file backend directory {path} does not exist; it will be created"


_EXTRAS = {"redis": ("redis", "redis"), "sql": ("sqlalchemy", "sql")}


def _check_backend(report: ConfigReport) -> None:
    backend = report.value("backend")
    if backend is None:
        return
    chosen = report.resolved["backend"]
    if backend in _EXTRAS:
        module, extra = _EXTRAS[backend]
        if importlib.util.find_spec(module) is None:
            report.error("E003", f"backend {backend} ({chosen.source}) needs the Python package "
                                 f"{module}: pip install 'mesop-cli[{extra}]'")
        needed = report.resolved["redis_url" if backend == "redis" else "sql_connection_uri"]
        if needed.raw is None:
            report.error("E002", f"{needed.name} is required when MESOP_STATE_SESSION_BACKEND="
                                 f"{backend} ({chosen.source}); accepted: {needed.option.accepted}")
    base_dir = report.resolved["file_base_dir"]
    if backend == "file" and isinstance(base_dir.value, str):
        problem, note = _dir_problem(base_dir.value)
        if problem:
            report.error("E004", f"{base_dir.quoted()} {problem}; accepted: "
                                 f"{base_dir.option.accepted}")
        else:
            unsafe = privacy_problem(base_dir.value)
            if unsafe:
                report.error("E009", f"{base_dir.quoted()}: {unsafe}. {PRIVATE_DIR_FIX}")
        if note:
            report.notes.append(note)
    for resolved in report.resolved.values():
        if resolved.explicit and backend not in resolved.option.backends:
            report.warn("W006", f"{resolved.quoted()} is set but backend {backend} "
                                f"({chosen.source}) does not use it; it is used by: "
                                f"{', '.join(resolved.option.backends)}")


def _machine_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


# -- managed stores --
def _plain_text_store(report: ConfigReport, environ: Mapping[str, str]) -> None:
    """W011: the sql backend reaches a PostgreSQL on another host with an sslmode that
    allows plain text (libpq's default, prefer, included); E001 for a PGSSLMODE libpq
    does not know, when the URI leaves the mode to it."""
    uri = report.resolved["sql_connection_uri"]
    if report.value("backend") != "sql" or not isinstance(uri.value, str):
        return
    try:
        from sqlalchemy.engine import make_url
    except ImportError:
        return
    url = make_url(uri.value)
    if url.get_backend_name() != "postgresql":
        return
    remote = [host for host in hosts_of(url.host, url.query) if not is_local(host)]
    sslmode, source = effective_sslmode(url.query, environ)
    if source == "PGSSLMODE" and sslmode not in SSLMODES:
        # libpq would refuse it only at the first connection, after the launch.
        near = closest(sslmode.lower(), SSLMODES, cutoff=0.5)
        report.error("E001", f"PGSSLMODE={sslmode!r} (from the environment, used because "
                             f"{uri.quoted()} has no sslmode) is not a mode libpq knows; "
                             f"accepted: {', '.join(SSLMODES)}"
                             + (f". Did you mean {near}?" if near else ""))
        return
    if remote and sslmode in UNENCRYPTED_POSSIBLE:
        report.warn("W011", f"{uri.quoted()} reaches {', '.join(remote)} with sslmode="
                            f"{sslmode} ({source}): {promise(sslmode)}, so sessions and the "
                            "password may cross the network unencrypted. Fix: add "
                            "sslmode=verify-full (with sslrootcert=/path/to/ca.pem) or "
                            "sslmode=require to the URI's query")


def _cluster_key_prefix(report: ConfigReport) -> None:
    """E001 for a key prefix with a brace when the redis URL names a Redis Cluster: the
    braces would take the hash tag from the session id (see check_cluster_key_prefix)."""
    url, prefix = report.resolved["redis_url"], report.resolved["redis_key_prefix"]
    if (report.value("backend") != "redis" or not isinstance(url.value, str)
            or not is_cluster_url(url.value) or not isinstance(prefix.value, str)):
        return
    try:
        check_cluster_key_prefix(prefix.value)
    except UrlProblem as exc:
        report.error("E001", f"{prefix.quoted()} {exc.reason} (the redis URL names a "
                             f"cluster); did you mean {exc.suggestion!r}?")
# -- end managed stores --


def _warnings(report: ConfigReport, prod: bool) -> None:
    backend = report.value("backend")
    workers = report.value("workers")
    ttl = report.resolved["ttl_seconds"]
    key = report.resolved["secret_key"]
    if backend == "memory" and isinstance(workers, int) and workers > 1:
        share = 100 * (workers - 1) / workers
        report.warn(
            "W001",
            f"backend memory with {workers} worker processes, from "
            f"{report.resolved['workers'].quoted()}: each process keeps its own sessions, so "
            f"without session affinity about {share:.0f}% of events ((W-1)/W = "
            f"{workers - 1}/{workers}) reach a process that does not hold the session and miss "
            "(each miss costs a retry with the browser's copy). Fix: one worker with threads "
            "(--workers 1 --threads N), or MESOP_STATE_SESSION_BACKEND=file, redis or sql",
        )
    if prod and key.raw is None and backend in ("none", "memory"):
        carried = "all state" if backend == "none" else "the recovery copy of each session"
        report.warn(
            "W002",
            f"production without MESOP_SECRET_KEY while state travels through the browser "
            f"(backend {backend}: {carried}): it is signed with a key made up for this launch, "
            "so signatures won't survive a restart or reach another instance. Fix: set "
            "MESOP_SECRET_KEY to a long random string, the same on every instance",
        )
    cap = report.value("memory_max_mb")
    ram = _machine_memory_bytes()
    if backend == "memory" and isinstance(cap, int) and ram:
        processes = workers if isinstance(workers, int) else 1
        if cap * _MIB * processes > ram:
            each = f" x {processes} worker processes" if processes > 1 else ""
            report.warn(
                "W003",
                f"{report.resolved['memory_max_mb'].quoted()}{each} is more than this machine's "
                f"memory ({ram // _MIB} MB): the cap would never evict before the machine runs "
                "out of memory. Fix: lower MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB",
            )
    if isinstance(ttl.value, int) and ttl.value < 60:
        report.warn("W004", f"{ttl.quoted()} is under 60 s: a user who pauses for a minute loses "
                            "the session to expiry. Fix: 60 or more (default 600)")
    reload = report.resolved["reload"]
    if prod and reload.explicit and reload.value is True:
        report.warn("W008", "--reload is ignored in production (--prod or --workers > 1); "
                            "gunicorn does not reload the app file")
    if report.value("alias_mesop") is True:
        origin = real_mesop_origin()
        if origin is not None:
            report.warn("W010", f"{report.resolved['alias_mesop'].quoted()} but Mesop itself is "
                                f"installed ({origin}): the app's `import mesop` gets the real "
                                "Mesop, not mesop-cli. Fix: pip uninstall mesop, or import "
                                "mesop_cli as me")
    if isinstance(key.value, str) and len(key.value) < 32:
        report.warn("W009", f"MESOP_SECRET_KEY ({key.source}) is {len(key.value)} characters, "
                            "shorter than 32, so it can be guessed. Fix: python -c 'import "
                            "secrets; print(secrets.token_urlsafe(32))'")


def _launch_key(report: ConfigReport, environ: MutableMapping[str, str]) -> None:
    """Make up the per-launch key once, and export it so workers and reloads share it."""
    resolved = report.resolved["secret_key"]
    if resolved.raw is not None:
        return
    key = environ.get(LAUNCH_KEY_VARIABLE) or secrets.token_urlsafe(32)
    environ[LAUNCH_KEY_VARIABLE] = key
    resolved.value = key
    resolved.source = GENERATED


def _production_implies(report: ConfigReport, prod: bool) -> None:
    """Show --prod and --reload as in effect: several workers mean production, and
    production never reloads, whatever the flags said."""
    if not prod:
        return
    serve, reload = report.resolved["prod"], report.resolved["reload"]
    if serve.value is not True:
        serve.value, serve.source = True, f"implied by {report.resolved['workers'].name}"
    if reload.value is True:
        reload.value, reload.source = False, "off in production"


def _static_folder_note(report: ConfigReport) -> None:
    """Where MESOP_STATIC_FOLDER is, and whether it is served (a missing folder set on
    purpose is worth a note; the default one missing is the usual case)."""
    folder, url = report.resolved["static_folder"], report.resolved["static_url_path"]
    base = report.value("app_base_path") or os.getcwd()
    if not isinstance(folder.value, str) or not folder.value or not isinstance(url.value, str):
        return
    where = os.path.join(str(base), folder.value)
    prefix = report.value("base_url_path") or ""
    if os.path.isdir(where):
        report.notes.append(f"static files: {where} served at {prefix}{url.value}/")
    elif folder.explicit:
        report.notes.append(f"{folder.quoted()}: {where} does not exist, so nothing is "
                            f"served at {prefix}{url.value}/")


def _proxy_settings(report: ConfigReport) -> None:
    """MESOP_TRUST_PROXY_HEADERS is Mesop's "believe forwarding headers from anyone":
    FORWARDED_ALLOW_IPS='*' here, unless that is set itself. A note says what
    MESOP_WEBSOCKETS_ENABLED turns into."""
    trust, allowed = report.resolved["trust_proxy_headers"], report.resolved["forwarded_allow_ips"]
    if trust.value is True:
        if allowed.explicit:
            report.notes.append(f"{allowed.quoted()} decides whose X-Forwarded-Proto is "
                                f"believed; {trust.name}=true adds nothing to it")
        else:
            allowed.value, allowed.source = ("*",), f"implied by {trust.name}"
    base = report.resolved["base_url_path"]
    if base.value:
        report.notes.append(f"served under {base.value}/ ({base.source}): pages, client, "
                            f"events, {base.value}/__mesop__/healthz and "
                            f"{base.value}/__mesop__/metrics; other paths get 404")
    _static_folder_note(report)
    websockets = report.resolved["websockets_enabled"]
    if websockets.value is True:
        report.notes.append(f"{websockets.name}: mesop-cli has no WebSocket; each event is "
                            "a POST whose renders stream back in its response, which "
                            "needs nothing more")


def load_config(
    app_path: Path | None = None,
    *,
    flags: Mapping[str, str | None] | None = None,
    env_file: Path | None = None,
    environ: MutableMapping[str, str] | None = None,
    strict: bool = False,
    flag_source: str = "flag",
) -> ConfigReport:
    """Read every source and validate; never raises for a user's mistake.

    ``flags`` maps a field name to the raw text of its flag (None: not given).
    ``flag_source`` is the source name printed for them (``wsgi`` passes gunicorn's).
    Under ``strict`` every warning becomes an error. ``environ`` defaults to
    ``os.environ``, where the per-launch secret key is exported.
    """
    environ = os.environ if environ is None else environ
    report = ConfigReport(read_env_file(env_file, app_path, environ))
    if report.env.read_error:
        report.error("E007", report.env.read_error)
    for line, text in report.env.bad_lines:
        # Only the first word: the rest may be a secret with a typo in its quoting.
        first = re.split(r"[=\s]", text, maxsplit=1)[0]
        report.warn("W007", f"{report.env.path}:{line}: python-dotenv cannot parse the line "
                            f"starting {first!r}; it is skipped. Write it as NAME=value")
    for option in OPTIONS:
        _resolve(report, option, *_pick(option, flags or {}, environ, report.env, flag_source))
    _unknown_names(report, environ)
    _check_backend(report)
    _launch_key(report, environ)
    workers = report.value("workers")
    prod = report.value("prod") is True or (isinstance(workers, int) and workers > 1)
    _warnings(report, prod)
    _plain_text_store(report, environ)
    _cluster_key_prefix(report)
    _production_implies(report, prod)
    _proxy_settings(report)
    if strict and report.warnings:
        report.errors += [Problem(w.code, f"{w.message} (an error under --strict)")
                          for w in report.warnings]
        report.warnings = []
    if report.ok:
        values = {name: resolved.value for name, resolved in report.resolved.items()}
        values["prod"] = prod
        values["reload"] = bool(values["reload"]) and not prod
        report.settings = Settings(
            secret_key_generated=report.resolved["secret_key"].source == GENERATED, **values
        )
    return report


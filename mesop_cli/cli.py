"""The ``mesop`` command: validate the configuration, print a banner, serve; or check only.

Flags that are settings (``--host``, ``--port``, ...) come from the declarations in
:mod:`mesop_cli.config.options` and are taken as text, so a bad flag value is reported
like a bad environment value (exit 1, one line, with its source) together with every
other problem, instead of stopping at the first.
"""

from __future__ import annotations

import json
import logging
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mesop_cli import check_config as checks
from mesop_cli.config import (
    OPTIONS,
    ConfigReport,
    Problem,
    Settings,
    export_env_file,
    load_config,
    redact_url,
)
from mesop_cli.config.options import cast_bool
from mesop_cli.config.redis_url import DEFAULT_KEY_PREFIX
from mesop_cli.logs.formatters import FIELDS
from mesop_cli.web.host_policy import HostPolicy

_F = Callable[..., Any]
#: The launcher's own lines (banner, notes, warnings, refusals) when logs are JSON.
startup_log = logging.getLogger("mesop_cli.cli")


def _setting_flags(command: _F) -> _F:
    """Add one click option per declared setting that has a flag."""
    for option in reversed([o for o in OPTIONS if o.flag]):
        default = "" if option.default is None else f" [default: {option.default}]"
        env = f" [env: {', '.join(n for n in (option.env, *option.aliases) if n)}]" \
            if option.env else ""
        help_text = f"{option.help}{default}{env}"
        if option.cast is cast_bool:  # a switch: --prod, --reload/--no-reload
            command = click.option(option.flag, option.field, default=None, is_flag=True,
                                   help=help_text)(command)
        else:
            command = click.option(option.flag, option.field, metavar=option.field.upper(),
                                   help=help_text)(command)
    return command


def _flag_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _echo_problems(report: ConfigReport) -> None:
    if _json_logs(report):
        startup_log.info(".env: %s", report.env.status)
        _log_problems(report)
        return
    click.echo(f".env: {report.env.status}", err=True)
    for line in report.problem_lines():
        click.echo(line, err=True)


def _json_logs(report: ConfigReport) -> bool:
    """Whether the launch logs JSON lines (MESOP_LOG_FORMAT=json), read from a report with
    errors too, so a refused launch says why in the format its log reader expects; JSON
    lines then go to stderr through logging, as every later line of the process does."""
    resolved = report.resolved.get("log_format")
    as_json = resolved is not None and resolved.value == "json"
    if as_json:
        from mesop_cli.logs import configure_logging

        configure_logging("json")
    return as_json


def _log_problems(report: ConfigReport) -> None:
    for warning in report.warnings:
        startup_log.warning("warning %s", warning, extra={FIELDS: {"code": warning.code}})
    for error in report.errors:
        startup_log.error("error %s", error, extra={FIELDS: {"code": error.code}})


def _backend_summary(settings: Settings) -> str:
    if settings.backend == "none":
        return "none (state signed and kept in the browser)"
    ttl = f"TTL {settings.ttl_seconds} s"
    if settings.backend == "memory":
        return f"memory ({ttl}, cap {settings.memory_max_mb} MB per process)"
    if settings.backend == "file":
        return f"file in {settings.file_base_dir} ({ttl})"
    if settings.backend == "redis":
        prefix = f", key prefix {settings.redis_key_prefix}" \
            if settings.redis_key_prefix != DEFAULT_KEY_PREFIX else ""
        return f"redis at {redact_url(settings.redis_url or '')} ({ttl}{prefix})"
    return f"sql at {redact_url(settings.sql_connection_uri or '')}, " \
           f"table {settings.sql_table} ({ttl})"


def _url(settings: Settings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    # Under MESOP_BASE_URL_PATH the app is at the prefix, with its slash.
    return f"http://{host}:{settings.port}" + (f"{settings.base_url_path}/"
                                               if settings.base_url_path else "")


def banner(app_path: Path, report: ConfigReport) -> list[str]:
    """The startup lines: URL, backend, processes x threads, the .env read, notes, warnings."""
    settings = report.settings
    assert settings is not None, "a banner is only printed for a valid configuration"
    lines = [
        f"mesop-cli serving {app_path}",
        f"  URL        {_url(settings)}",
        f"  backend    {_backend_summary(settings)}",
        f"  processes  {_processes(settings)}",
        f"  .env       {report.env.status}",
    ]
    lines += [f"  note: {note}" for note in _banner_notes(report)]
    lines += [f"  warning {warning}" for warning in report.warnings]
    return lines


def _processes(settings: Settings) -> str:
    if settings.prod:
        return f"{settings.workers} x {settings.threads} threads (gunicorn, production)"
    # werkzeug's dev server starts a thread per connection; a fixed pool would let the
    # browsers' idle keep-alive connections starve everyone else.
    reload = "hot reload" if settings.reload else "no reload"
    return f"1, a thread per connection (dev server, {reload})"


def _banner_notes(report: ConfigReport) -> list[str]:
    assert report.settings is not None
    notes = list(report.notes)
    threads = report.resolved["threads"]
    if not report.settings.prod and threads.explicit:
        notes.append(f"{threads.name} ({threads.source}) applies in production "
                     "(--prod or --workers > 1); the dev server has no thread cap")
    return notes


def log_banner(app_path: Path, report: ConfigReport) -> None:
    """The banner as JSON log lines: one with its facts as fields, one per note and one
    per warning (with its code)."""
    settings = report.settings
    assert settings is not None, "a banner is only logged for a valid configuration"
    url = _url(settings)
    startup_log.info("mesop-cli serving %s at %s", app_path, url, extra={FIELDS: {
        "app": str(app_path), "url": url, "backend": _backend_summary(settings),
        "processes": _processes(settings), "env_file": report.env.status}})
    for note in _banner_notes(report):
        startup_log.info("note: %s", note)
    _log_problems(report)


def _check_config(app_path: Path | None, report: ConfigReport, output: str,
                  strict: bool = False) -> int:
    """Print what --check-config found and return the exit status."""
    results = checks.reachability(report)
    report.errors += checks.store_problems(results)
    pages: list[dict[str, str]] = []
    if app_path is not None:
        export_env_file(report.env)
        generated = report.settings is not None and report.settings.secret_key_generated
        pages, problems = checks.app_pages(app_path,
                                           alias_mesop=report.value("alias_mesop") is True,
                                           secret_key_generated=generated)
        for problem in problems:
            if problem.is_error:
                report.errors.append(problem)
            elif strict:
                report.errors.append(Problem(problem.code,
                                             f"{problem.message} (an error under --strict)"))
            else:
                report.warnings.append(problem)
    if report.settings is not None:
        settings = report.settings
        policy = HostPolicy.from_settings(settings.allowed_hosts, settings.allowed_origins,
                                          settings.prod)
        report.notes.append(f"requests answered: {policy.describe()}")
    rows = [(r.name, r.shown(), r.source) for r in report.resolved.values()]
    if output == "json":
        click.echo(json.dumps({
            # "name" is stable for tools (the variable, or the flag of flag-only settings);
            # "read_as" is what the value was actually read from (--port, WEB_CONCURRENCY).
            "settings": [{"name": r.option.env or r.option.flag, "read_as": r.name,
                          # A list stays a list (origins, hosts) rather than their text.
                          "value": list(r.value) if isinstance(r.value, tuple) else r.shown(),
                          "source": r.source}
                         for r in report.resolved.values()],
            "env_file": str(report.env.path) if report.env.path else None,
            "env_status": report.env.status,
            "checks": [c.as_dict() for c in results],
            "pages": pages,
            "notes": report.notes,
            "warnings": [w.as_dict() for w in report.warnings],
            "errors": [e.as_dict() for e in report.errors],
            "ok": report.ok,
        }, indent=2))
        return 0 if report.ok else 1
    click.echo(f".env: {report.env.status}")
    width = max(len(n) for n, _v, _s in rows)
    values = ["(unset)" if v is None else json.dumps(v) if isinstance(v, bool) else str(v)
              for _n, v, _s in rows]
    value_width = max(len(v) for v in values)
    for (name, _value, source), shown in zip(rows, values, strict=True):
        click.echo(f"  {name:<{width}}  {shown:<{value_width}}  {source}")
    for check in results:
        if check.ok:  # a failed check is printed once, as its E005 error
            click.echo(f"check ok: {check.name}: {check.detail}")
    if pages:
        click.echo(f"app {app_path}: {len(pages)} page(s)")
        path_width = max(len(page["path"]) for page in pages)
        for page in pages:
            click.echo(f"  {page['path']:<{path_width}}  {page['title']}")
    for note in report.notes:
        click.echo(f"note: {note}")
    for line in report.problem_lines():
        click.echo(line)
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    click.echo(f"{'OK' if report.ok else 'INVALID'}: {counts}")
    return 0 if report.ok else 1


_HELP = {"help_option_names": ["-h", "--help"]}


@click.command("init", context_settings=_HELP)
@click.argument("file", default="main.py", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
def init(file: Path) -> None:
    """Write a starter app to FILE (default main.py): a counter, a form and a streaming
    chat; and beside it .env.example, every setting commented out. Never overwrites:
    if FILE exists, or a .env.example other than the one it would write, nothing is
    written (exit 1)."""
    from mesop_cli.starter import StarterRefused, write_starter

    try:
        written = write_starter(file)
    except StarterRefused as exc:
        raise click.ClickException(str(exc)) from None
    (app_path, _), (env_path, env_written) = written
    click.echo(f"wrote {app_path}: a counter (/), a form (/form) and a streaming chat (/chat)")
    if env_written:
        click.echo(f"wrote {env_path}: every setting, commented out; copy it to .env to "
                   "change one")
    else:
        click.echo(f"kept {env_path}: it already lists every setting")
    click.echo("run it with:")
    click.echo(f"  mesop {shlex.quote(str(file))}")


class _Launcher(click.Command):
    """``mesop APP``, with one subcommand: ``mesop init [FILE]``.

    ``init`` as the first argument is always the subcommand, whatever the directory
    holds: an app file must end in ``.py`` (E006 otherwise), so no app is named ``init``.
    Not a click group, whose subcommand names would clash with app files given as the
    first argument.
    """

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        if arguments[:1] == ["init"]:
            return init.main(arguments[1:], prog_name=f"{prog_name or 'mesop'} init", **extra)
        return super().main(arguments, prog_name, **extra)


@click.command(cls=_Launcher, context_settings=_HELP)
@click.argument("app", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_setting_flags
@click.option("--env-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read this .env file instead of searching for one.")
@click.option("--check-config", is_flag=True,
              help="Validate, check what the backend needs, list the app's pages; exit 0/1.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              help="Output of --check-config.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.version_option(package_name="mesop-cli")
def main(
    app: Path | None,
    env_file: Path | None,
    check_config: bool,
    output: str,
    strict: bool,
    **flags: object,
) -> None:
    """Serve the Mesop-style app in APP (for example main.py).

    Settings come from flags, then the environment, then .env, then defaults;
    see `mesop --check-config` for what is in effect and where it came from.

    To start a new app: `mesop init [FILE]` (see `mesop init --help`).
    """
    if output != "text" and not check_config:
        raise click.UsageError("--format applies only to --check-config")
    if app is None and not check_config:
        raise click.UsageError("missing the app file, for example: mesop main.py "
                               "(to write a starter app: mesop init)")
    report = load_config(app, flags={k: _flag_text(v) for k, v in flags.items()},
                         env_file=env_file, strict=strict)
    if check_config:
        sys.exit(_check_config(app, report, output, strict))
    if report.settings is not None:
        # A store that does not answer stops the launch now, rather than every event later.
        report.errors += checks.store_problems(checks.reachability(report))
    if report.settings is None or report.errors:
        _echo_problems(report)
        sys.exit(1)
    assert app is not None
    export_env_file(report.env)
    if not _json_logs(report):
        for line in banner(app, report):
            click.echo(line)
        from mesop_cli.serving import launch as serve

        serve.serve(app, report.settings)
        return
    log_banner(app, report)
    from mesop_cli.serving import launch as serve

    try:
        serve.serve(app, report.settings)
    except click.ClickException as exc:  # click would print "Error: ..." as text
        startup_log.error("%s", exc.format_message())
        sys.exit(exc.exit_code)

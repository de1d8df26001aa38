"""The file backend outlives its directory.

Fault (issue 15, item 7): the session directory is removed while the server runs, as
``systemd-tmpfiles`` does to old entries of ``/tmp`` or an operator's ``rm -rf``, and then
the base directory exists again. Before, every event answered 503 until a restart: the
private ``mesop-sessions-<uid>`` directory was made only at start.

Here the private directory is removed, then the whole base directory: the next event
makes the private one again (checked as at start) and the tab's state carries on from
its signed copy; while the base directory is missing, events and healthz answer 503
saying so, and once it exists again both answer 200 without a restart.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import requests

from mesop_cli.config.private_dir import private_dir_name
from tests.support.server import ROOT, running_server
from tests.support.tab import ServerError, Tab

pytestmark = pytest.mark.integration

APP = ROOT / "tests" / "apps" / "fenced_counter_app.py"


def _count(tab: Tab) -> int:
    [text] = [t for t in tab.texts() if t.startswith("Count: ")]
    return int(text.removeprefix("Count: "))


def test_removed_session_directories_come_back_without_a_restart(tmp_path: Path) -> None:
    base = tmp_path / "base"
    private = base / private_dir_name()
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(base)}
    with running_server([], env=env, app=APP) as server:
        healthz = server.url + "/__mesop__/healthz"
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Add")
        assert _count(tab) == 1

        shutil.rmtree(private)  # systemd-tmpfiles, or rm -rf
        tab.click("Add")
        assert _count(tab) == 2  # from the tab's signed copy: the files went with the dir
        assert stat.S_IMODE(os.stat(private).st_mode) == 0o700
        assert requests.get(healthz, timeout=10).status_code == 200

        shutil.rmtree(base)
        answer = requests.get(healthz, timeout=10)
        assert answer.status_code == 503
        assert "no longer exists" in answer.json()["message"]
        with pytest.raises(ServerError) as refused:
            tab.click("Add")
        assert refused.value.status == 503 and "no longer exists" in refused.value.message
        assert not base.exists()  # the operator's directory is not made behind their back

        base.mkdir(mode=0o700)
        assert requests.get(healthz, timeout=10).status_code == 200
        tab.click("Add")
        assert _count(tab) == 3
        tab.click("Add")
        assert _count(tab) == 4  # and saved in the new directory this time
        assert tab.misses == 2
        assert any(name.endswith(".json") for name in os.listdir(private))

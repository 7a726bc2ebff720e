"""The Dagster UI, for real: ``dagster-webserver`` in a subprocess over a copy of the samples.

Through its GraphQL API (what the UI itself calls) the code location must show the assets,
checks, job, schedule and sensor; a run launched with ``launchRun`` (the "Materialize all"
button) must succeed and leave a warehouse with the sample reports; and headless Chromium
must render the asset graph page with every asset on it.

The instance is the repo's dagster.yaml with its relative paths rooted in a temp
DAGSTER_HOME, and one change: runs start at once (DefaultRunCoordinator) instead of queueing
for the daemon, which this test does not start; the queue is the daemon's business, launching
and running is the webserver's and the code location's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests
import yaml
from system import missing

from pipeline.warehouse.catalog import catalog

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

LOCATION = "xxgk"
REPOSITORY = "__repository__"  # the name Dagster gives the repository of a Definitions object
# the warehouse's tables and views are the asset specs of one multi-asset, ``warehouse``
ASSETS = {"raw_manifest", "report_records", "validated_frames", "warehouse_parquet", "warehouse_report"} | {
    f"warehouse/{r.name}" for r in catalog()
}
"""Asset keys the UI must show (and draw); the checks are compared with the code's own list."""

STARTUP_TIMEOUT = 180.0
RUN_TIMEOUT = 600.0
BROWSER_TIMEOUT = 120.0
MARK = "XXGK_UI_TEST_MARK"
"""Env var set on every process this test starts, so teardown can find and kill all of them
(the webserver's code server and run workers included) by pid."""

WORKSPACE_QUERY = """
query Workspace {
  workspaceOrError {
    __typename
    ... on PythonError { message stack }
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation {
            repositories {
              name
              jobs { name }
              schedules { name cronSchedule executionTimezone }
              sensors { name minIntervalSeconds }
              assetNodes {
                assetKey { path }
                groupName
                assetChecksOrError { __typename ... on AssetChecks { checks { name } } }
              }
            }
          }
        }
      }
    }
  }
}
"""

LAUNCH_MUTATION = """
mutation Launch($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on Error { message }
    ... on PythonError { stack }
  }
}
"""

RUN_QUERY = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status }
    ... on Error { message }
  }
}
"""

RUN_ERRORS_QUERY = """
query RunErrors($runId: ID!) {
  logsForRun(runId: $runId) {
    __typename
    ... on EventConnection {
      events {
        __typename
        ... on MessageEvent { message level stepKey }
        ... on ErrorEvent { error { message stack } }
      }
    }
    ... on Error { message }
  }
}
"""

MATERIALIZATION_QUERY = """
query Materialization($path: [String!]!) {
  assetOrError(assetKey: {path: $path}) {
    __typename
    ... on Asset {
      assetMaterializations(limit: 1) {
        runId
        metadataEntries { label ... on IntMetadataEntry { intValue } }
      }
    }
  }
}
"""

SCHEMA_QUERY = """
query Schema($path: [String!]!) {
  assetNodeOrError(assetKey: {path: $path}) {
    __typename
    ... on AssetNode {
      description
      metadataEntries {
        label
        ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
      }
    }
  }
}
"""


# --- processes -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _marked_pids(token: str) -> list[int]:
    """Pids of live processes whose environment carries this test's mark (Linux /proc)."""
    needle = f"{MARK}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc: ``killpg(pgid, 0)`` would
    still succeed on a group of zombies nobody has reaped yet."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
            state, pgrp = fields[0], int(fields[2])
            if pgrp == pgid and state != "Z":
                members.append(int(entry.name))
    return members


def _kill_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process group led by ``proc`` (a clean shutdown lets Dagster stop its code
    server), then SIGKILL whatever is left of it after ``grace`` seconds."""
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, so it does not count as alive
        if not _group_members(pgid):
            break
        time.sleep(0.2)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _kill_marked(token: str) -> list[int]:
    """SIGKILL, by pid, every process still carrying the mark (one that left the group)."""
    pids = _marked_pids(token)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def _instance_yaml(home: Path) -> dict[str, Any]:
    """The repo's dagster.yaml, its relative ``base_dir`` paths rooted in ``home``, runs started
    immediately (there is no daemon to dequeue them)."""
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))

    def reroot(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (str(home / v) if k == "base_dir" and isinstance(v, str) else reroot(v))
                for k, v in node.items()
            }
        return node

    config = reroot(config)
    config.pop("run_queue", None)
    config["run_coordinator"] = {
        "module": "dagster._core.run_coordinator",
        "class": "DefaultRunCoordinator",
    }
    return config


@dataclass
class Webserver:
    url: str
    raw: Path
    warehouse: Path
    parquet: Path
    log: Path
    token: str
    proc: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def graphql(self, query: str, variables: dict[str, Any] | None = None, timeout: float = 60) -> dict:
        response = requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=timeout
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]


def _wait_until_loaded(server: Webserver) -> None:
    """Until the webserver answers and the code location has loaded (its own process imports
    the project: the slow part)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"dagster-webserver exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            data = server.graphql(WORKSPACE_QUERY, timeout=10)
        except (requests.RequestException, AssertionError) as exc:
            last = repr(exc)
            time.sleep(1)
            continue
        entries = data["workspaceOrError"].get("locationEntries") or []
        entry = next((e for e in entries if e["name"] == LOCATION), None)
        if entry and entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"]
            if loaded and loaded["__typename"] == "PythonError":
                pytest.fail(f"code location failed to load: {loaded['message']}\n{loaded['stack']}")
            if loaded:
                return
        last = f"location entries: {entries}"
        time.sleep(1)
    pytest.fail(f"webserver not ready after {STARTUP_TIMEOUT:.0f}s ({last}):\n{server.log_tail()}")


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webserver]:
    tmp = tmp_path_factory.mktemp("dagster-ui")
    raw = tmp / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp / "warehouse" / "xxgk.duckdb"
    parquet = tmp / "warehouse" / "parquet"
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(_instance_yaml(home)), encoding="utf-8")
    workspace = tmp / "workspace.yaml"
    # Named "xxgk" like `dg dev` names it; the project root as working directory, as under `dg dev`.
    workspace.write_text(
        yaml.safe_dump(
            {
                "load_from": [
                    {
                        "python_module": {
                            "module_name": "pipeline.definitions",
                            "location_name": LOCATION,
                            "working_directory": str(ROOT),
                        }
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    token = uuid.uuid4().hex
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "XXGK_RAW_DIR": str(raw),
        "XXGK_WAREHOUSE": str(warehouse),
        "XXGK_PARQUET_DIR": str(parquet),
        "PYTHONUNBUFFERED": "1",
        MARK: token,
    }
    env.pop("XXGK_EXECUTOR", None)  # the local (multiprocess) executor
    log = tmp / "webserver.log"
    server: Webserver | None = None
    try:
        for _attempt in range(3):  # the free port can be taken between probing and binding
            port = _free_port()
            with log.open("ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "dagster_webserver", "-w", str(workspace),
                     "-h", "127.0.0.1", "-p", str(port)],
                    cwd=tmp,  # nothing may depend on the working directory: every path is absolute
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, killed whole at the end
                )  # fmt: skip
            server = Webserver(f"http://127.0.0.1:{port}", raw, warehouse, parquet, log, token, proc)
            time.sleep(1)
            if proc.poll() is None or "address already in use" not in server.log_tail().lower():
                break
        assert server is not None
        _wait_until_loaded(server)
        yield server
    finally:
        if server is not None:
            _kill_group(server.proc, grace=20)
        strays = _kill_marked(token)
        if strays:
            print(f"killed stray processes of the UI test: {strays}")


# --- the launched run, shared by the tests that look at its results ------------------------------


@dataclass
class LaunchedRun:
    run_id: str
    status: str
    seconds: float


@pytest.fixture(scope="module")
def launched_run(webserver: Webserver) -> LaunchedRun:
    started = time.monotonic()
    data = webserver.graphql(
        LAUNCH_MUTATION,
        {
            "executionParams": {
                "selector": {
                    "repositoryLocationName": LOCATION,
                    "repositoryName": REPOSITORY,
                    "jobName": "xxgk_job",
                },
                "runConfigData": {},
            }
        },
    )
    result = data["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    run_id = result["run"]["runId"]
    status = result["run"]["status"]
    deadline = time.monotonic() + RUN_TIMEOUT
    while status not in ("SUCCESS", "FAILURE", "CANCELED") and time.monotonic() < deadline:
        time.sleep(2)
        try:
            run = webserver.graphql(RUN_QUERY, {"runId": run_id}, timeout=30)["runOrError"]
        except requests.RequestException:
            # on 2 busy cores (the run's step and reader processes) the webserver can be slow
            # to answer; only the overall deadline counts
            continue
        assert run["__typename"] == "Run", run
        status = run["status"]
    return LaunchedRun(run_id, status, round(time.monotonic() - started, 1))


def _run_errors(webserver: Webserver, run_id: str) -> str:
    logs = webserver.graphql(RUN_ERRORS_QUERY, {"runId": run_id})["logsForRun"]
    lines = []
    for event in logs.get("events") or []:
        error = event.get("error")
        if error or event.get("level") in ("ERROR", "CRITICAL"):
            lines.append(f"[{event['__typename']} {event.get('stepKey') or ''}] {event.get('message', '')}")
            if error:
                lines.append(f"{error['message']}\n{error.get('stack') and ''.join(error['stack'])}")
    return "\n".join(lines) or f"no error events; webserver log:\n{webserver.log_tail()}"


# --- tests -----------------------------------------------------------------------------------


def test_code_location_shows_assets_checks_schedule_sensor(webserver: Webserver) -> None:
    data = webserver.graphql(WORKSPACE_QUERY)
    entry = next(e for e in data["workspaceOrError"]["locationEntries"] if e["name"] == LOCATION)
    repos = entry["locationOrLoadError"]["repositories"]
    repo = next(r for r in repos if r["name"] == REPOSITORY)

    nodes = {"/".join(n["assetKey"]["path"]): n for n in repo["assetNodes"]}
    # what the code defines (loaded here, in-process) is what the webserver's code location shows
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    assert set(nodes) == ASSETS == {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {n["groupName"] for n in nodes.values()} == {"xxgk"}
    checks = {
        (key, c["name"])
        for key, n in nodes.items()
        if n["assetChecksOrError"]["__typename"] == "AssetChecks"
        for c in n["assetChecksOrError"]["checks"]
    }
    assert checks == {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {name for _, name in checks} >= {"requests_balance", "schema_validation", "cross_year_carryover"}

    # the catalog documents each table: its Chinese description and column schema
    node = webserver.graphql(SCHEMA_QUERY, {"path": ["warehouse", "request_cells"]})["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    assert "一格一行" in (node["description"] or "")
    (schema,) = [e["schema"] for e in node["metadataEntries"] if e["label"] == "dagster/column_schema"]
    columns = {c["name"]: c for c in schema["columns"]}
    assert columns["value"]["type"] == "BIGINT" and "报告" in (columns["value"]["description"] or "")

    assert "xxgk_job" in {j["name"] for j in repo["jobs"]}
    schedules = {s["name"]: s for s in repo["schedules"]}
    assert schedules["xxgk_nightly"]["cronSchedule"] == "0 2 * * *"
    assert schedules["xxgk_nightly"]["executionTimezone"] == "Asia/Shanghai"
    sensors = {s["name"]: s for s in repo["sensors"]}
    assert sensors["raw_files_sensor"]["minIntervalSeconds"] == 30


def test_launched_run_succeeds_and_builds_the_warehouse(
    webserver: Webserver, launched_run: LaunchedRun
) -> None:
    print(f"run {launched_run.run_id}: {launched_run.status} in {launched_run.seconds}s")
    if launched_run.status != "SUCCESS":
        pytest.fail(
            f"run {launched_run.run_id} ended {launched_run.status}:\n{_run_errors(webserver, launched_run.run_id)}"
        )

    distinct = {hashlib.sha256(p.read_bytes()).hexdigest() for p in webserver.raw.rglob("*") if p.is_file()}
    assert webserver.warehouse.is_file()
    with duckdb.connect(str(webserver.warehouse), read_only=True) as con:
        (n_reports,) = con.execute("SELECT count(*) FROM reports").fetchone() or (0,)
    assert n_reports == len(distinct)
    assert (webserver.parquet / "reports.parquet").is_file()

    # and the UI knows: the warehouse's latest materialization is this run's, with its row counts
    asset = webserver.graphql(MATERIALIZATION_QUERY, {"path": ["warehouse", "reports"]})["assetOrError"]
    assert asset["__typename"] == "Asset", asset
    (materialization,) = asset["assetMaterializations"]
    assert materialization["runId"] == launched_run.run_id
    rows = {e["label"]: e.get("intValue") for e in materialization["metadataEntries"]}
    assert rows.get("dagster/row_count") == n_reports


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _browse(chromium: str, url: str, profile: Path, token: str, extra: list[str]) -> bytes:
    """One headless Chromium invocation (own profile, own process group, killed on timeout)."""
    cmd = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
        "--window-size=1600,1000",
        # let the page's scripts run and its GraphQL requests come back before capturing
        "--virtual-time-budget=20000",
        *extra, url,
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, MARK: token},
    )
    try:
        out, err = proc.communicate(timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(proc, grace=5)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT:.0f}s: {' '.join(cmd)}")
    finally:
        _kill_group(proc, grace=5)  # helpers (zygote, GPU process) that outlived the browser
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    return out


def test_asset_graph_page_renders_in_chromium(
    webserver: Webserver, launched_run: LaunchedRun, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from PIL import Image, ImageStat

    chromium = _chromium()
    if chromium is None:
        pytest.skip(missing("chromium"))
    out = tmp_path_factory.mktemp("ui-artifacts")
    url = f"{webserver.url}/locations/{REPOSITORY}@{LOCATION}/asset-groups/xxgk"

    shot = out / "asset-graph.png"
    _browse(chromium, url, out / "profile-shot", webserver.token, [f"--screenshot={shot}"])
    assert shot.is_file(), "chromium wrote no screenshot"
    # also where a person can find it after the run (the pytest temp dir is rotated)
    stable = Path(tempfile.gettempdir()) / "xxgk-test-artifacts" / "dagster-asset-graph.png"
    stable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, stable)
    print(f"asset graph screenshot: {shot} (copy: {stable})")

    with Image.open(shot) as img:
        rgb = img.convert("RGB")
        assert rgb.size == (1600, 1000)
        # not a blank or single-colour page: real text, boxes and edges
        assert max(ImageStat.Stat(rgb).stddev) > 15, f"screenshot looks blank: {shot}"
        # the graph canvas (right of the navigation, below the toolbar) is not empty either
        canvas = rgb.crop((260, 180, 1580, 900))
        assert max(ImageStat.Stat(canvas).stddev) > 10, f"graph area looks empty: {shot}"
        colours = canvas.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50, f"graph area has too few colours: {shot}"

    dom = _browse(chromium, url, out / "profile-dom", webserver.token, ["--dump-dom"]).decode(
        "utf-8", errors="replace"
    )
    (out / "asset-graph.html").write_text(dom, encoding="utf-8")
    assert "AssetGraphExplorer" in dom and "<svg" in dom, "no asset graph in the page"
    # The graph has a node per warehouse table and view now (28 in all), more than fit the
    # window: the UI draws those in view. The start of the chain and several tables must be
    # there, and nothing that is not an asset of the code location.
    # Zoomed out that far, a node shows the last part of its key ("issues" for warehouse/issues).
    drawn = set(re.findall(r'data-tooltip="([^"]+)"', dom)) | set(
        re.findall(r'class="AssetNode_assetName[^"]*"[^>]*>([^<]+)<', dom)
    )
    names = {a.rsplit("/", 1)[-1] for a in ASSETS}
    assert drawn and drawn <= names | ASSETS, drawn - names - ASSETS
    assert {"raw_manifest", "report_records", "validated_frames"} <= drawn, drawn
    tables = {r.name for r in catalog()}
    assert len({n.rsplit("/", 1)[-1] for n in drawn} & tables) >= 5, drawn
    assert "warehouse" not in drawn  # the multi-asset is no box of its own: its tables are
    assert dom.count("<foreignObject") >= len(drawn)  # one node box per asset drawn
    # full-size nodes link to the run that materialized them: the graph shows the run we
    # launched (zoomed-out minimal nodes show names only; the GraphQL test checks the run then)
    if launched_run.status == "SUCCESS" and 'data-tooltip="raw_manifest"' in dom:
        assert launched_run.run_id in dom

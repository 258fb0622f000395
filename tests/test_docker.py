"""The Docker image and compose.yaml, without a Docker engine.

The Dockerfile's install steps are run in a fresh virtualenv, then the very
command that the Dockerfile and compose.yaml run is started in a directory laid
out like the container's volume, against a loopback fixture site; the image's
HEALTHCHECK command must pass against it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.crawl_helpers import TOPICS, rss
from tests.httpserver import FixtureServer

ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text("utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def dockerfile_cmd() -> list[str]:
    return exec_form(next(a for i, a in instructions() if i == "CMD"))


def healthcheck_cmd() -> list[str]:
    args = next(a for i, a in instructions() if i == "HEALTHCHECK")
    return exec_form(args[args.index("CMD ") + 4:])


def workdir() -> str:
    return [a for i, a in instructions() if i == "WORKDIR"][-1]


def compose_service() -> dict[str, object]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    service = compose["services"]["monitor"]
    assert isinstance(service, dict)
    return service


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    steps = instructions()
    copy_code = next(n for n, (i, a) in enumerate(steps) if i == "COPY" and "monitor" in a)
    copy_project = next(n for n, (i, a) in enumerate(steps)
                        if i == "COPY" and a.startswith("pyproject.toml"))
    install = next(n for n, (i, a) in enumerate(steps) if i == "RUN" and "pip install -r" in a)
    assert copy_project < install < copy_code
    assert not any(i == "COPY" and "sources.yaml" in a for i, a in steps), "none baked in"
    assert "sources.yaml" in (ROOT / ".dockerignore").read_text("utf-8").split()


def test_compose_runs_what_the_image_runs_with_a_volume_and_a_read_only_config() -> None:
    service = compose_service()
    assert service["command"] == dockerfile_cmd()
    assert "--serve" in dockerfile_cmd()
    volumes = service["volumes"]
    assert isinstance(volumes, list)
    assert f"monitor-data:{workdir()}" in volumes
    assert f"./sources.yaml:{workdir()}/sources.yaml:ro" in volumes
    assert service["env_file"], "secrets from an env file"
    assert "monitor.env" in (ROOT / ".dockerignore").read_text("utf-8").split()
    assert any("/healthz" in part for part in healthcheck_cmd())


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv set up by the Dockerfile's own RUN steps."""
    base = tmp_path_factory.mktemp("image")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    build = base / "app"
    build.mkdir()
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    for instruction, args in instructions():
        if instruction == "COPY":
            *sources, _ = args.split()
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, build / source,
                                    ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(ROOT / source, build / source)
        elif instruction == "RUN" and ("pip " in args or args.startswith("python ")):
            subprocess.run(args, shell=True, cwd=build, env=env, check=True, timeout=600,
                           capture_output=True)
    assert (venv / "bin" / "monitor").exists()
    return venv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def container(fresh_venv: Path, server: FixtureServer, tmp_path: Path
              ) -> Iterator[tuple[Path, int, subprocess.Popen[str]]]:
    """The image's command, run in a directory standing in for its volume."""
    server.page("/rss.xml", rss(("ทางรัฐเปิดบริการใหม่", "http://x.example/1")),
                "application/rss+xml")
    volume = tmp_path / "srv-monitor"
    volume.mkdir()
    (volume / "sources.yaml").write_text(
        "output_dir: output\nfetch:\n  allow_private_networks: true\n  retries: 0\n"
        f"  min_delay_per_host: 0s\n{TOPICS}\nsources:\n"
        f"  - name: fixture\n    url: {server.url('/rss.xml')}\n    type: feed\n", "utf-8")
    port = _free_port()
    command = [part.replace(workdir(), str(volume)).replace("0.0.0.0:8080", f"127.0.0.1:{port}")
               for part in dockerfile_cmd()]
    assert command[0] == "monitor"
    command[0] = str(fresh_venv / "bin" / "monitor")
    process = subprocess.Popen(command, cwd=volume, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        yield volume, port, process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_the_image_command_serves_feeds_and_healthz(
        container: tuple[Path, int, subprocess.Popen[str]], fresh_venv: Path) -> None:
    volume, port, process = container
    deadline = time.monotonic() + 60
    report: dict[str, object] = {}
    while time.monotonic() < deadline:
        try:
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            report = json.loads(body)
            if status == 200 and report.get("last_crawl"):
                break
        except OSError:
            pass
        time.sleep(0.2)
    assert report.get("last_crawl"), f"no crawl reported: {report}"
    health = healthcheck_cmd()
    assert health[0] == "python"
    probe = [str(fresh_venv / "bin" / "python"),
             *(part.replace("8080", str(port)) for part in health[1:])]
    assert subprocess.run(probe, timeout=30).returncode == 0, shlex.join(probe)
    status, body = _get(f"http://127.0.0.1:{port}/feed.xml")
    assert status == 200 and "ทางรัฐเปิดบริการใหม่".encode() in body
    assert (volume / "data" / "monitor.sqlite3").exists(), "the database is on the volume"
    for path in ("/data/monitor.sqlite3", "/monitor.sqlite3", "/sources.yaml", "/output/"):
        assert _get(f"http://127.0.0.1:{port}{path}")[0] == 404, path
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Traceback" not in err

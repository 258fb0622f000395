"""SMTP: one deadline for the whole conversation, and a warning for a login sent in clear."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.config.settings import SmtpSettings
from monitor.errors import MailError
from monitor.mail import build_message, send
from tests.crawl_helpers import TOPICS

GREETING = b"220 slow.example ESMTP ready\r\n"


@pytest.fixture
def dripping_server() -> Iterator[int]:
    """Accepts connections and sends the greeting one byte every 0.2 s (at most 10 s)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            for _ in range(50):
                if stop.is_set():
                    return
                try:
                    conn.sendall(GREETING[:1])
                except OSError:
                    return   # the client gave up: what the test wants
                time.sleep(0.2)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def _message() -> object:
    return build_message(subject="s", sender="m@example.org", recipient="r@example.org",
                         text="t", html="<p>t</p>")


def test_a_dripping_greeting_fails_within_the_configured_deadline(
        dripping_server: int, caplog: pytest.LogCaptureFixture) -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=dripping_server, security="none",
                        username="monitor", password="pw", timeout=1.0)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="monitor.mail"), \
            pytest.raises(MailError) as info:
        send(_message(), smtp, backoff=0.01)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"took {elapsed:.1f}s against a 1s deadline"
    assert "did not finish within digest.smtp.timeout (1s)" in str(info.value)
    assert "in clear" in caplog.text, "sending a login without TLS is logged"
    assert "pw" not in caplog.text


def _config(tmp_path: Path, security: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
digest:
  to: a@example.org
  smtp:
    host: 127.0.0.1
    security: {security}
    username: monitor
    password: ${{SMTP_PASSWORD}}
    timeout: 15s
{TOPICS}sources: []
""", "utf-8")
    return path


@pytest.mark.parametrize(("security", "warned"), [("none", True), ("starttls", False)])
def test_check_warns_of_a_login_in_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str], security: str,
                                         warned: bool) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
    path = _config(tmp_path, security)
    assert load_config(path).digest.smtp.timeout == 15.0
    assert main(["check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert ("crosses the network in clear" in out) is warned
    assert "s3cret" not in out


def test_smtp_timeout_must_be_a_duration(tmp_path: Path) -> None:
    path = _config(tmp_path, "ssl")
    path.write_text(path.read_text("utf-8").replace("timeout: 15s", "timeout: soon"), "utf-8")
    with pytest.raises(Exception, match=r"digest\.smtp\.timeout"):
        load_config(path, environ={"SMTP_PASSWORD": "x"})

"""`monitor digest --send` against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.models import Item
from monitor.store import Store
from tests.crawl_helpers import TOPICS


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login, auth_data.password) == (b"monitor", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            authenticator=_authenticator, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def write_config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
digest:
  from: "monitor@example.org"
  to: ["a@example.org", "b@example.org"]
  smtp:
    host: 127.0.0.1
    port: {port}
    security: none
    username: monitor
    password: ${{SMTP_PASSWORD}}
{TOPICS}sources:
  - name: dga
    title: "สพร."
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    return path


def seed(path: Path) -> None:
    config = load_config(path, environ={"SMTP_PASSWORD": "x"})
    when = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)
    url = "https://dga.example.org/news/1"
    with Store(config.database) as store:
        store.save_items([Item(
            source="dga", url=url, link=url, identity=url, published=when,
            date_is_first_seen=False, summary="",
            title="ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ <ฉบับที่ 2>",
            topics=("egov-act",), matched_keywords=("การปฏิบัติราชการทางอิเล็กทรอนิกส์",))],
            when)


def test_digest_is_sent_once_per_week_and_recipient(
        smtp: tuple[Inbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp
    config = write_config(tmp_path, port)
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
    seed(config)
    args = ["digest", "--week", "2026-W47", "--send", "--config", str(config)]
    assert main(args) == 0
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == [
        "a@example.org", "b@example.org"]
    _, message = inbox.messages[0]
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "สัปดาห์ที่ 47 ปี 2569" in subject and "พฤศจิกายน 2569" in subject
    parts = {part.get_content_type(): part.get_payload(decode=True).decode("utf-8")
             for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "<ฉบับที่ 2>" in parts["text/plain"]
    assert "&lt;ฉบับที่ 2&gt;" in parts["text/html"], "escaped in HTML mail"
    assert "s3cret" not in capsys.readouterr().out

    assert main(args) == 0
    assert len(inbox.messages) == 2, "a week already sent is not sent again"
    assert "already sent" in capsys.readouterr().out
    assert main([*args, "--force"]) == 0
    assert len(inbox.messages) == 4


def test_wrong_password_is_a_clear_failure(smtp: tuple[Inbox, int], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp
    config = write_config(tmp_path, port)
    monkeypatch.setenv("SMTP_PASSWORD", "Wr0ngPa55")
    seed(config)
    assert main(["digest", "--week", "2026-W47", "--send", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "refused the login" in captured.err and "refused the login" not in captured.out
    assert "Wr0ngPa55" not in captured.out + captured.err
    assert inbox.messages == []


def test_unreachable_server_fails_with_exit_1_and_writes_the_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, _free_port())
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
    seed(config)
    assert main(["digest", "--week", "2026-W47", "--send", "--config", str(config)]) == 1
    captured = capsys.readouterr()   # failures go to stderr, where scripts look for them
    assert "could not send mail" in captured.err and "could not send mail" not in captured.out
    assert (tmp_path / "output" / "digests" / "2026-W47.txt").exists()

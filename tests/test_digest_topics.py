"""Per-topic digest recipients (`digest.to` entries with topics) against aiosmtpd."""

from __future__ import annotations

import email.header
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.config.settings import Recipient
from monitor.errors import ConfigError
from monitor.models import Item
from monitor.store import Store
from tests.crawl_helpers import TOPICS
from tests.test_digest_mail import Inbox, smtp  # noqa: F401  (the aiosmtpd fixture)

ACT = "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ ฉบับที่ 2"
APP = "สำนักงานพัฒนารัฐบาลดิจิทัลปรับปรุงแอปทางรัฐ"


def _config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
digest:
  to:
    - everyone@example.org
    - address: legal@example.org
      topics: [egov-act]
    - address: apps@example.org
      topics: digital-government
    - address: apps-always@example.org
      topics: [digital-government]
      empty_weeks: true
  smtp:
    host: 127.0.0.1
    port: {port}
    security: none
{TOPICS}sources:
  - name: dga
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    return path


def _seed(path: Path, *stories: tuple[str, str]) -> None:
    config = load_config(path)
    when = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)
    items = [Item(source="dga", url=f"https://dga.example.org/n/{n}",
                  link=f"https://dga.example.org/n/{n}", identity=f"https://dga.example.org/n/{n}",
                  title=title, summary="", published=when, date_is_first_seen=False,
                  topics=(topic,), matched_keywords=("k",))
             for n, (title, topic) in enumerate(stories)]
    with Store(config.database) as store:
        store.save_items(items, when)


def _bodies(inbox: Inbox) -> dict[str, str]:
    def text(message: Message) -> str:
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")
    return {rcpts[0]: text(message) for rcpts, message in inbox.messages}


def test_a_recipient_gets_only_their_topics(smtp: tuple[Inbox, int],  # noqa: F811
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp
    path = _config(tmp_path, port)
    config = load_config(path)
    assert config.digest.to == ("everyone@example.org", "legal@example.org",
                                "apps@example.org", "apps-always@example.org")
    assert config.digest.recipient("apps@example.org") == Recipient(
        "apps@example.org", ("digital-government",), empty_weeks=False)
    _seed(path, (ACT, "egov-act"))
    assert main(["digest", "--week", "2026-W47", "--send", "--config", str(path)]) == 0
    bodies = _bodies(inbox)
    assert set(bodies) == {"everyone@example.org", "legal@example.org",
                           "apps-always@example.org"}, "no mail for a week with nothing"
    assert ACT in bodies["everyone@example.org"] and ACT in bodies["legal@example.org"]
    assert ACT not in bodies["apps-always@example.org"], "asked for empty weeks: gets one"
    assert "apps@example.org: nothing in their topics" in capsys.readouterr().out


def test_topics_are_split_between_recipients(smtp: tuple[Inbox, int],  # noqa: F811
                                             tmp_path: Path) -> None:
    inbox, port = smtp
    path = _config(tmp_path, port)
    _seed(path, (ACT, "egov-act"), (APP, "digital-government"))
    assert main(["digest", "--week", "2026-W47", "--send", "--config", str(path)]) == 0
    bodies = _bodies(inbox)
    assert ACT in bodies["legal@example.org"] and APP not in bodies["legal@example.org"]
    assert APP in bodies["apps@example.org"] and ACT not in bodies["apps@example.org"]
    assert ACT in bodies["everyone@example.org"] and APP in bodies["everyone@example.org"]
    subject = str(email.header.make_header(email.header.decode_header(
        next(m for r, m in inbox.messages if r == ["legal@example.org"])["Subject"])))
    assert "สัปดาห์ที่ 47" in subject


def test_unknown_topic_in_a_recipient_is_a_config_error(tmp_path: Path) -> None:
    path = _config(tmp_path, 25)
    path.write_text(path.read_text("utf-8").replace("topics: [egov-act]", "topics: [egov]"),
                    "utf-8")
    with pytest.raises(ConfigError, match=r"digest\.to\[1\]\.topics.*did you mean 'egov-act'"):
        load_config(path)

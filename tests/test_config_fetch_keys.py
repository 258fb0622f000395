"""The source keys for difficult sites: `tls:`, `request:` and `render:`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.config.settings import Config, RequestSettings
from monitor.errors import ConfigError
from tests.crawl_helpers import rss, write_config
from tests.tlsfixtures import https_server, issue

HEAD = """\
topics:
  - id: egov-act
    any: ["Electronic Government Operations Act"]
sources:
  - name: ocs
    url: https://www.ocs.go.th/news
    type: feed
"""


def load(tmp_path: Path, extra: str) -> Config:
    path = tmp_path / "conf" / "sources.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(extra), "    "), "utf-8")
    return load_config(path, environ={})


def error_of(tmp_path: Path, extra: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, extra)
    return str(caught.value)


def test_defaults(tmp_path: Path) -> None:
    source = load(tmp_path, "").sources[0]
    assert source.fetch.tls.verify and source.fetch.tls.ca_bundle is None
    assert not source.tls_insecure and source.request is None and not source.render


def test_ca_bundle_is_relative_to_the_sources_file_and_bound_to_the_host(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ocs-ca.pem").write_bytes(issue("OCS Root", ca=True).pem())
    source = load(tmp_path, "tls: {ca_bundle: ocs-ca.pem}\n").sources[0]
    assert source.fetch.tls.ca_bundle == tmp_path / "conf" / "ocs-ca.pem"
    assert source.fetch.tls.applies_to("www.ocs.go.th")
    assert not source.fetch.tls.applies_to("www.dga.or.th")


@pytest.mark.parametrize(("extra", "words"), [
    ("tls: {ca_bundle: missing.pem}\n", ["sources.ocs.tls.ca_bundle", "no such file"]),
    ("tls: {verfy: false}\n", ["sources.ocs.tls.verfy", "verify"]),
    ("tls: {verify: no-thanks}\n", ["sources.ocs.tls.verify", "true or false"]),
    ("tls: {verify: false, ca_bundle: x.pem}\n", ["sources.ocs.tls"]),
    ("request: {method: PUT}\n", ["sources.ocs.request.method", "GET, POST"]),
    ("request: {form: {a: 1}}\n", ["sources.ocs.request.form", "method: POST"]),
    ("request: {method: POST, form: [a, b]}\n", ["sources.ocs.request.form", "field: value"]),
    ("render: yes please\n", ["sources.ocs.render", "true or false"]),
    ("verify: false\n", ["sources.ocs.verify", "tls:"]),
    ("render: true\nrequest: {method: POST}\n", ["sources.ocs.request", "render"]),
])
def test_mistakes_are_one_line_with_the_key(tmp_path: Path, extra: str, words: list[str]
                                            ) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "x.pem").write_bytes(issue("X", ca=True).pem())
    message = error_of(tmp_path, extra)
    for word in words:
        assert word in message, message
    assert "sources.yaml:" in message


def test_a_file_that_is_not_pem_is_refused(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ca.pem").write_text("not a certificate")
    assert "not a PEM file" in error_of(tmp_path, "tls: {ca_bundle: ca.pem}\n")


def test_post_form_and_render(tmp_path: Path) -> None:
    source = load(tmp_path, """\
        request:
          method: post
          form: {__EVENTTARGET: "", ddlYear: 2569}
        """).sources[0]
    assert source.request == RequestSettings("POST", (("__EVENTTARGET", ""),
                                                      ("ddlYear", "2569")))
    assert not source.render
    assert load(tmp_path, "render: true\n").sources[0].render


def test_check_flags_verify_false_in_warning_words(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = load(tmp_path, "tls: {verify: false}\n")
    assert config.sources[0].tls_insecure
    assert main(["check", "--config", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert "WARNING: ocs: tls: {verify: false}: its certificate is not checked" in out
    assert "TLS NOT VERIFIED" in out


def test_preview_reads_an_unverified_site_and_says_so(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    own = issue("127.0.0.1", hosts=("127.0.0.1",))   # self-signed, as www.krisdika.go.th
    site = https_server(tmp_path, own)
    site.page("/feed.xml", rss(("ทางรัฐ ประกาศใหม่", "https://127.0.0.1/n/1")),
              "application/rss+xml")
    try:
        config = write_config(tmp_path, f"""  - name: krisdika
    url: "https://127.0.0.1:{site.port}/feed.xml"
    type: feed
    tls: {{verify: false}}
""")
        assert main(["preview", "krisdika", "--config", str(config)]) == 0
    finally:
        site.stop()
    out = capsys.readouterr().out
    assert "ทางรัฐ ประกาศใหม่" in out
    assert "warning: tls: {verify: false}: its certificate is not checked" in out


def test_status_flags_verify_false(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load(tmp_path, "tls: {verify: false}\n")
    assert main(["status", "--config", str(config.path)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.startswith("ocs "))
    assert "TLS NOT VERIFIED" in row


def test_tls_finds_a_thai_domain_however_it_is_spelled(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ca.pem").write_bytes(issue("Thai Root", ca=True).pem())
    path = tmp_path / "conf" / "sources.yaml"
    path.write_text(HEAD.replace("https://www.ocs.go.th/news", "https://ไทย.ไทย/news")
                    + "    tls: {ca_bundle: ca.pem}\n", "utf-8")
    tls = load_config(path, environ={}).sources[0].fetch.tls
    assert tls.applies_to("xn--o3cw4h.xn--o3cw4h") and tls.applies_to("ไทย.ไทย")
    assert not tls.applies_to("xn--o3cw4h.com")

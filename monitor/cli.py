"""The command line: parses arguments and calls the pipeline, nothing else.

Exit status: 0 done; 1 the job failed (every source failed, mail not sent, a
full disk); 2 a usage or configuration error (also: another `monitor run` holds
the database, or `--serve` cannot listen); 3 `crawl --strict` when some
sources failed. A user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from monitor import __version__
from monitor.config.describe import describe
from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.errors import ConfigError, FetchError, MonitorError, StoreError
from monitor.logs import setup_logging

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_CONFIG = "sources.yaml"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=f"the sources file [./{DEFAULT_CONFIG}]")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="-v: each source's result and the detail of errors; "
                             "-vv: also the libraries' logs")
    common.add_argument("--log-format", choices=("text", "json"), default=argparse.SUPPRESS,
                        help="log lines as text (with ISO timestamps) or one JSON object "
                             "per line [text]")
    parser = argparse.ArgumentParser(
        prog="monitor", parents=[common],
        description="Follow Thailand's Electronic Government Operations Act B.E. 2565 "
                    "and digital-government news.")
    parser.add_argument("--version", action="version", version=f"monitor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        # `help` is the line in `monitor --help`; `description` heads `monitor NAME --help`.
        return commands.add_parser(name, parents=[common], help=summary,
                                   description=summary[0].upper() + summary[1:] + ".")

    command("check", "validate sources.yaml and say what it defines")
    crawl = command("crawl", "crawl all (or the named) sources once, then publish what "
                            "changed")
    crawl.add_argument("--source", action="append", metavar="NAME", default=[],
                       help="crawl only this source (repeatable)")
    crawl.add_argument("--strict", action="store_true",
                       help="exit 3 when some sources failed (1 when all did, as always)")
    preview = command("preview", "show what one source yields, storing nothing")
    preview.add_argument("name", metavar="NAME")
    command("publish", "rewrite every output from the database")
    command("status", "show each source's health")
    digest = command("digest", "write (and with --send, email) a week's digest")
    digest.add_argument("--week", metavar="YYYY-Www", help="the ISO week [the last complete one]")
    digest.add_argument("--send", action="store_true", help="email it to digest.to")
    digest.add_argument("--force", action="store_true",
                        help="send even to recipients who already had this week")
    search = command("search", "search the published archive (exit 1: nothing found)")
    search.add_argument("query", metavar="QUERY", nargs="+")
    search.add_argument("--topic", metavar="ID", help="only this topic's stories")
    search.add_argument("--since", metavar="YYYY-MM-DD", help="only stories published since")
    discover = command("discover", "find how to read a site (or many) and propose its "
                                   "sources.yaml entry")
    discover.add_argument("url", metavar="URL", nargs="*",
                          help="the site's page; several are discovered side by side")
    discover.add_argument("--from", dest="url_list", metavar="FILE",
                          help="also the sites listed in FILE, one URL a line (- for stdin)")
    discover.add_argument("--name", metavar="NAME",
                          help="the entry's name [from the host]; one site only")
    discover.add_argument("--write", action="store_true",
                          help="append the entry to the sources file (after check passes)")
    discover.add_argument("--json", action="store_true", help="print JSON for programs")
    run = command("run", "the long-running scheduler (crawls, publishes, digests)")
    run.add_argument("--serve", metavar="HOST:PORT",
                     help="also serve the published files over HTTP for feed readers, "
                          "with /healthz ([::1]:PORT for IPv6)")
    return parser


def _cause_first(error: Exception, text: str) -> str:
    """A fetch failure leads with its cause in words (`host not found: x`): the
    fetcher's message names the URL and the mechanism first (`preview`)."""
    if isinstance(error, FetchError):
        from monitor.reasons import cause_first
        return cause_first(text)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging(getattr(args, "verbose", 0), getattr(args, "log_format", "text"))
    config: Config | None = None
    try:
        path = Path(getattr(args, "config", DEFAULT_CONFIG))
        if args.command == "discover" and not args.write and not path.exists():
            # Finding out how to read a site needs no sources file: the defaults do.
            from monitor.discoverentry import default_config
            config = default_config(path)
        else:
            config = load_config(path)
        # The modules and the config live until exit: the cycle collector need not
        # walk them again at every full collection (about 5% of a 304-only crawl).
        gc.freeze()
        return COMMANDS[args.command](config, args)
    except (ConfigError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except MonitorError as error:   # may quote a source URL holding a secret
        text = config.redact(str(error)) if config else str(error)
        print(f"error: {_cause_first(error, text)}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.DatabaseError as error:
        # Most are wrapped as StoreError; a write that fails mid-run (a full disk)
        # surfaces here and is still one line.
        print(f"error: the database cannot be written: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # `monitor status | head`: the reader left; say nothing more, and let
        # Python's exit flush go to /dev/null instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _check(config: Config, args: argparse.Namespace) -> int:
    from monitor.config.placeholders import placeholder_warnings
    print(describe(config))
    for warning in placeholder_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


# The commands import the pipeline lazily: `check` and `--help` should not pay
# for loading the Thai word segmenter.
def _crawl(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import crawl_command
    return crawl_command(config, args.source, strict=args.strict,
                         detail=getattr(args, "verbose", 0) > 0)


def _preview(config: Config, args: argparse.Namespace) -> int:
    from monitor.preview import preview_command
    return preview_command(config, args.name)


def _publish(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import publish_command
    return publish_command(config)


def _status(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import status_command
    return status_command(config)


def _digest(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import digest_command
    return digest_command(config, args.week, args.send, args.force)


def _search(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import search_command
    return search_command(config, " ".join(args.query), args.topic, args.since)


def _discover(config: Config, args: argparse.Namespace) -> int:
    urls: list[str] = list(args.url)
    if args.url_list:
        from monitor.discovermany import read_url_list
        urls += read_url_list(args.url_list)
    if not urls:
        raise ConfigError("give a site's URL, or --from FILE with one URL a line",
                          key="discover")
    if len(urls) == 1 and not args.url_list:
        from monitor.discovershow import discover_command
        return discover_command(config, urls[0], name=args.name, write=args.write,
                                as_json_output=args.json)
    if args.name:
        raise ConfigError("--name names one site's entry; with several, each is named "
                          "from its host", key="--name")
    from monitor.discovermany import discover_many_command
    return discover_many_command(config, urls, write=args.write, as_json_output=args.json)


def _run(config: Config, args: argparse.Namespace) -> int:
    import asyncio

    from monitor.scheduler import parse_bind, run
    if args.serve:
        try:
            parse_bind(args.serve)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
    return asyncio.run(run(config, serve=args.serve))


COMMANDS = {
    "check": _check,
    "crawl": _crawl,
    "preview": _preview,
    "publish": _publish,
    "status": _status,
    "digest": _digest,
    "run": _run,
    "search": _search,
    "discover": _discover,
}

"""The command line: parses arguments and calls the pipeline, nothing else.

Exit status: 0 done; 1 the job failed (every source failed, mail not sent);
2 a usage or configuration error. A user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from monitor import __version__
from monitor.config.describe import describe
from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.errors import ConfigError, MonitorError, StoreError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_CONFIG = "sources.yaml"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=f"the sources file [./{DEFAULT_CONFIG}]")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log what happens, not only warnings")
    parser = argparse.ArgumentParser(
        prog="monitor", parents=[common],
        description="Follow Thailand's Electronic Government Operations Act B.E. 2565 "
                    "and digital-government news.")
    parser.add_argument("--version", action="version", version=f"monitor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("check", parents=[common],
                        help="validate sources.yaml and say what it defines")
    crawl = commands.add_parser("crawl", parents=[common],
                                help="crawl all (or the named) sources once, then publish")
    crawl.add_argument("--source", action="append", metavar="NAME", default=[],
                       help="crawl only this source (repeatable)")
    preview = commands.add_parser("preview", parents=[common],
                                  help="show what one source yields, storing nothing")
    preview.add_argument("name", metavar="NAME")
    commands.add_parser("publish", parents=[common], help="rewrite every output from the database")
    commands.add_parser("status", parents=[common], help="each source's health")
    digest = commands.add_parser("digest", parents=[common],
                                 help="write (and with --send, email) a week's digest")
    digest.add_argument("--week", metavar="YYYY-Www", help="the ISO week [the last complete one]")
    digest.add_argument("--send", action="store_true", help="email it to digest.to")
    digest.add_argument("--force", action="store_true",
                        help="send even to recipients who already had this week")
    search = commands.add_parser("search", parents=[common],
                                 help="search the published archive (exit 1: nothing found)")
    search.add_argument("query", metavar="QUERY", nargs="+")
    search.add_argument("--topic", metavar="ID", help="only this topic's stories")
    search.add_argument("--since", metavar="YYYY-MM-DD", help="only stories published since")
    run = commands.add_parser("run", parents=[common],
                              help="the long-running scheduler (crawls, publishes, digests)")
    run.add_argument("--serve", metavar="HOST:PORT",
                     help="also serve output_dir over HTTP for feed readers")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(Path(getattr(args, "config", DEFAULT_CONFIG)))
        return COMMANDS[args.command](config, args)
    except (ConfigError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except MonitorError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `monitor status | head`: the reader left; say nothing more, and let
        # Python's exit flush go to /dev/null instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _check(config: Config, args: argparse.Namespace) -> int:
    print(describe(config))
    return EXIT_OK


# The commands import the pipeline lazily: `check` and `--help` should not pay
# for loading the Thai word segmenter.
def _crawl(config: Config, args: argparse.Namespace) -> int:
    from monitor.commands import crawl_command
    return crawl_command(config, args.source)


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
}

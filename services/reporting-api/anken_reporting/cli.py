"""`anken-reporting serve | migrate | rebuild`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from anken_reporting.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="anken-reporting", description="Anken reporting-api")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API (and the events consumer)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    sub.add_parser("migrate", help="apply every migration of the reporting schema")
    sub.add_parser("rebuild", help="empty the read models and replay projects-api's event export")
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "serve":
        import uvicorn

        uvicorn.run("anken_reporting.main:create_app", factory=True, host=args.host,
                    port=args.port or settings.port, log_config=None, access_log=False)
    elif args.command == "migrate":
        from anken_common.migrations_runner import upgrade

        upgrade("anken_reporting.migrations", settings.database_url)
    elif args.command == "rebuild":
        from anken_reporting.admin.rebuild import rebuild_from_cli

        ok = asyncio.run(rebuild_from_cli(settings))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

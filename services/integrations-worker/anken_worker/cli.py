"""`anken-worker run | migrate | deliveries` (the sandbox is its own package: `anken-sandbox serve`)."""

from __future__ import annotations

import argparse

from anken_worker.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="anken-worker", description="Anken integrations-worker")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the arq worker, event consumer, cron and the HTTP API in one process")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=None)
    sub.add_parser("migrate", help="apply every migration of the integrations schema")
    sub.add_parser("deliveries", help="run arq delivery jobs only (the extra processes `run` starts itself)")
    args = parser.parse_args(argv)

    import uvicorn

    settings = get_settings()
    if args.command == "run":
        from anken_worker import delivery_processes

        supervisor = delivery_processes.Supervisor(settings.process_count - 1)
        try:
            uvicorn.run("anken_worker.main:create_app", factory=True, host=args.host,
                        port=args.port or settings.port, log_config=None, access_log=False)
        finally:
            supervisor.stop()
    elif args.command == "deliveries":
        from anken_worker import delivery_processes

        delivery_processes.main()
    elif args.command == "migrate":
        from anken_common.migrations_runner import upgrade

        upgrade("anken_worker.migrations", settings.database_url)


if __name__ == "__main__":
    main()

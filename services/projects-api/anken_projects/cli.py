"""`anken-projects serve | migrate | seed`."""

from __future__ import annotations

import argparse
import asyncio

from anken_projects.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="anken-projects", description="Anken projects-api")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1,
                       help="processes (one per core); background relays coordinate through advisory locks")
    sub.add_parser("migrate", help="apply every migration of the projects schema")
    seed = sub.add_parser("seed", help="load demo data once, through the running services (PROJECTS_API_URL, "
                                       "REPORTING_API_URL); refused with ANKEN_ENV=production")
    seed.add_argument("--force", action="store_true", help="load even if the marker says it is there")
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "serve":
        import uvicorn

        uvicorn.run("anken_projects.main:create_app", factory=True, host=args.host,
                    port=args.port or settings.port, workers=args.workers, log_config=None, access_log=False,
                    # The peer address is what it is; X-Forwarded-For counts only from TRUSTED_PROXIES.
                    proxy_headers=False)
    elif args.command == "migrate":
        from anken_common.migrations_runner import upgrade

        upgrade("anken_projects.migrations", settings.database_url)
    elif args.command == "seed":
        from anken_projects.demo.api import DemoLoadError
        from anken_projects.demo.seed import DemoRefused, seed_demo

        try:
            asyncio.run(seed_demo(settings, force=args.force))
        except DemoRefused as exc:
            raise SystemExit(f"demo: {exc}") from None
        except DemoLoadError as exc:
            raise SystemExit(f"demo: {exc}\n(`make demo-reset` throws a half-loaded demo away and loads it afresh)") from None


if __name__ == "__main__":
    main()

"""`anken-sandbox serve`: the local sandbox emulating Slack, Confluence, Google Sheets, a webhook receiver
and an SMTP catcher (SANDBOX_SMTP_PORT)."""

from __future__ import annotations

import argparse

from anken_sandbox.settings import get_sandbox_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="anken-sandbox", description="Anken integration sandbox (development and tests)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the sandbox over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8010)
    args = parser.parse_args(argv)

    get_sandbox_settings()  # stops here, with one line, in production
    import uvicorn

    uvicorn.run("anken_sandbox.app:create_served_sandbox_app", factory=True, host=args.host,
                port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()

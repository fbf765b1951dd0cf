"""`anken-web serve --port N`."""

from __future__ import annotations

import argparse

from anken_web.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="anken-web", description="Anken web front end")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web front end")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    sub.add_parser("extract-messages", help="add new messages of templates and code to the .po catalogs")
    sub.add_parser("compile-catalogs", help="compile the .po translation catalogs into .mo files")
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        settings = get_settings()
        uvicorn.run("anken_web.main:create_app", factory=True, host=args.host,
                    port=args.port or settings.port, log_config=None, access_log=False)
    elif args.command == "extract-messages":
        from anken_web.i18n.extraction import update_catalogs

        for locale, msgids in update_catalogs().items():
            print(f"{locale}: {len(msgids)} new messages to translate")
    elif args.command == "compile-catalogs":
        from anken_web.i18n.catalogs import compile_catalogs

        for path in compile_catalogs():
            print(f"compiled {path}")


if __name__ == "__main__":
    main()

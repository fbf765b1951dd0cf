"""User-written text that Anken posts to Slack, escaped so it cannot act as markup.

Slack's mrkdwn reads `<!channel>`, `<@U…>` and `<https://…|label>` as control sequences; its
documentation asks senders to escape `&`, `<` and `>` (as `&amp;`, `&lt;`, `&gt;`). Text that
members, clients or partners typed (notes, company names, reasons) goes through `escape` before
it is placed in a message; text Anken writes itself (links it builds) does not.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

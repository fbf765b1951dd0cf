"""The emulated Confluence site: spaces and pages, with Confluence's rules on titles, parents and versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from anken_sandbox.field_values import field_values
from anken_sandbox.sequence import Sequence

AUTHOR_ID = "557058:anken-sandbox"
REPRESENTATIONS = ("storage", "wiki", "atlas_doc_format")
PAGE_STATUSES = ("current", "draft")


class ConfluenceError(Exception):
    def __init__(self, status: int, code: str, title: str) -> None:
        super().__init__(title)
        self.status = status
        self.code = code
        self.title = title


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Space:
    id: str
    key: str
    name: str
    homepage_id: str | None = None
    created_at: str = field(default_factory=_now)

    def as_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "key": self.key, "name": self.name, "type": "global", "status": "current",
            "authorId": AUTHOR_ID, "createdAt": self.created_at, "homepageId": self.homepage_id,
            "description": None, "icon": None, "_links": {"webui": f"/spaces/{self.key}"},
        }


@dataclass
class Version:
    number: int
    message: str
    created_at: str = field(default_factory=_now)

    def as_api(self) -> dict[str, Any]:
        return {"createdAt": self.created_at, "message": self.message, "number": self.number, "minorEdit": False,
                "authorId": AUTHOR_ID}


@dataclass
class Page:
    id: str
    space_id: str
    title: str
    status: str
    parent_id: str | None
    representation: str
    value: str
    position: int
    version: Version
    created_at: str = field(default_factory=_now)
    history: list[Version] = field(default_factory=list)

    def as_api(self, space_key: str, body_format: str | None = None, base: str | None = None) -> dict[str, Any]:
        """`base` is the site's wiki root (`_links.base`), to which `_links.webui` is joined for a person."""
        body: dict[str, Any] = {}
        if body_format:
            body[body_format] = {"representation": body_format, "value": self.value}
        return {
            "id": self.id, "status": self.status, "title": self.title, "spaceId": self.space_id,
            "parentId": self.parent_id, "parentType": "page" if self.parent_id else None, "position": self.position,
            "authorId": AUTHOR_ID, "ownerId": AUTHOR_ID, "lastOwnerId": None, "createdAt": self.created_at,
            "version": self.version.as_api(), "body": body,
            "_links": {"webui": f"/spaces/{space_key}/pages/{self.id}", "editui": f"/pages/resumedraft.action?draftId={self.id}",
                       "tinyui": f"/x/{self.id}", **({"base": base} if base else {})},
        }


class ConfluenceSite:
    def __init__(self) -> None:
        self.spaces: dict[str, Space] = {}
        self.pages: dict[str, Page] = {}
        self._space_ids = Sequence(1)
        self._page_ids = Sequence(65537)
        self.add_space("ANKEN", "Anken プロジェクト")

    def add_space(self, key: str, name: str) -> Space:
        if any(s.key == key for s in self.spaces.values()):
            raise ConfluenceError(400, "BAD_REQUEST", f"A space with key {key} already exists")
        space = Space(str(next(self._space_ids)), key, name)
        self.spaces[space.id] = space
        home = self._new_page(space.id, f"{name} Home", "current", None, "storage", "<p>Space home</p>")
        space.homepage_id = home.id
        return space

    def space_key(self, space_id: str) -> str:
        return self.spaces[space_id].key

    def live_page(self, page_id: str) -> Page:
        page = self.pages.get(page_id)
        if page is None or page.status == "trashed":
            raise ConfluenceError(404, "NOT_FOUND", f"No content found with id: {page_id}")
        return page

    def _title_taken(self, space_id: str, title: str, except_id: str | None = None) -> bool:
        wanted = title.casefold()
        return any(
            p.space_id == space_id and p.status == "current" and p.title.casefold() == wanted and p.id != except_id
            for p in self.pages.values()
        )

    def _new_page(self, space_id: str, title: str, status: str, parent_id: str | None, representation: str,
                  value: str) -> Page:
        siblings = [p for p in self.pages.values() if p.parent_id == parent_id and p.space_id == space_id]
        page = Page(
            id=str(next(self._page_ids)), space_id=space_id, title=title, status=status, parent_id=parent_id,
            representation=representation, value=value, position=len(siblings), version=Version(1, ""),
        )
        page.history.append(page.version)
        self.pages[page.id] = page
        return page

    def _parent_in_space(self, parent_id: str, space_id: str) -> Page:
        parent = self.pages.get(str(parent_id))
        if parent is None or parent.status == "trashed" or parent.space_id != space_id:
            raise ConfluenceError(404, "NOT_FOUND", f"Parent page {parent_id} not found")
        return parent

    def create_page(self, body: dict[str, Any]) -> Page:
        space_id = str(body.get("spaceId") or "")
        if not space_id:
            raise ConfluenceError(400, "BAD_REQUEST", "spaceId is required")
        if space_id not in self.spaces:
            raise ConfluenceError(404, "NOT_FOUND", f"Space {space_id} not found")
        status = body.get("status") or "current"
        if status not in PAGE_STATUSES:
            raise ConfluenceError(400, "BAD_REQUEST", f"status must be one of {', '.join(PAGE_STATUSES)}")
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfluenceError(400, "BAD_REQUEST", "title is required")
        if len(title) > 255:
            raise ConfluenceError(400, "BAD_REQUEST", "Title cannot be longer than 255 characters")
        representation, value = _page_body(body.get("body"))
        parent_id = body.get("parentId")
        parent = self._parent_in_space(str(parent_id), space_id) if parent_id else None
        if status == "current" and self._title_taken(space_id, title):
            raise ConfluenceError(
                400, "BAD_REQUEST",
                "A page with this title already exists: A page already exists with the same TITLE in this space",
            )
        parent_id = parent.id if parent else self.spaces[space_id].homepage_id
        return self._new_page(space_id, title, status, parent_id, representation, value)

    def update_page(self, page_id: str, body: dict[str, Any]) -> Page:
        page = self.live_page(page_id)
        if body.get("id") is not None and str(body["id"]) != page_id:
            raise ConfluenceError(400, "BAD_REQUEST", "id in the body does not match the page id in the path")
        version = body.get("version")
        number = version.get("number") if isinstance(version, dict) else None
        if not isinstance(number, int) or isinstance(number, bool):
            raise ConfluenceError(400, "BAD_REQUEST", "version.number is required")
        if number != page.version.number + 1:
            raise ConfluenceError(
                409, "CONFLICT",
                f"Version must be incremented on update. Current version is: {page.version.number}",
            )
        status = body.get("status") or page.status
        if status not in PAGE_STATUSES:
            raise ConfluenceError(400, "BAD_REQUEST", f"status must be one of {', '.join(PAGE_STATUSES)}")
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfluenceError(400, "BAD_REQUEST", "title is required")
        representation, value = _page_body(body.get("body"))
        if status == "current" and self._title_taken(page.space_id, title, except_id=page.id):
            raise ConfluenceError(
                400, "BAD_REQUEST",
                "A page with this title already exists: A page already exists with the same TITLE in this space",
            )
        if body.get("parentId"):
            page.parent_id = self._parent_in_space(str(body["parentId"]), page.space_id).id
        page.title, page.status, page.representation, page.value = title, status, representation, value
        page.version = Version(number, str(version.get("message") or ""))  # type: ignore[union-attr]
        page.history.append(page.version)
        return page

    def delete_page(self, page_id: str, purge: bool) -> None:
        page = self.pages.get(page_id)
        if page is None or (page.status == "trashed" and not purge):
            raise ConfluenceError(404, "NOT_FOUND", f"No content found with id: {page_id}")
        if purge:
            del self.pages[page_id]
        else:
            page.status = "trashed"

    def find_pages(self, title: str | None, space_ids: list[str], status: str) -> list[Page]:
        return [
            p for p in self.pages.values()
            if (title is None or p.title == title) and (not space_ids or p.space_id in space_ids)
            and p.status == status
        ]

    def children(self, page_id: str) -> list[Page]:
        self.live_page(page_id)
        kids = [p for p in self.pages.values() if p.parent_id == page_id and p.status == "current"]
        return sorted(kids, key=lambda p: p.position)

    # saved state (SANDBOX_STATE_FILE) ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Spaces and pages, trashed ones too, each page with its whole version history."""
        return {
            "spaces": [field_values(s) for s in self.spaces.values()],
            "pages": [{**field_values(p), "version": field_values(p.version),
                       "history": [field_values(v) for v in p.history]} for p in self.pages.values()],
            "next_space_id": self._space_ids.next_value,
            "next_page_id": self._page_ids.next_value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConfluenceSite:
        site = cls()
        site.spaces = {s["id"]: Space(**s) for s in data["spaces"]}
        site.pages = {}
        for fields in data["pages"]:
            page = Page(**{**fields, "version": Version(**fields["version"]),
                           "history": [Version(**v) for v in fields["history"]]})
            site.pages[page.id] = page
        site._space_ids = Sequence(int(data["next_space_id"]))
        site._page_ids = Sequence(int(data["next_page_id"]))
        return site


def _page_body(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise ConfluenceError(400, "BAD_REQUEST", "body is required: {representation, value}")
    representation = body.get("representation") or "storage"
    if representation not in REPRESENTATIONS:
        raise ConfluenceError(400, "BAD_REQUEST", f"body.representation must be one of {', '.join(REPRESENTATIONS)}")
    value = body.get("value")
    if not isinstance(value, str):
        raise ConfluenceError(400, "BAD_REQUEST", "body.value must be a string")
    return representation, value

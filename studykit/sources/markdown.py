"""Local Markdown posts: Hugo/Jekyll front matter (YAML `---` or TOML `+++`) and body."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from studykit import limits
from studykit import series as series_mod
from studykit.blocks import remove_non_prose
from studykit.errors import SourceError
from studykit.models import Post
from studykit.sources import dates


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """(front matter dict, body). A post without front matter has an empty dict."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    for fence, loader in (("---", _load_yaml), ("+++", tomllib.loads)):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence, len(fence))
            if end < 0:
                raise SourceError(source, f"front matter opened with {fence} is never closed",
                                  f"add a closing {fence} line")
            raw = text[len(fence) + 1:end]
            if len(raw) > limits.FRONT_MATTER_CHARACTERS:
                raise SourceError(source, f"front matter is {len(raw):,} characters, over the "
                                  f"{limits.FRONT_MATTER_CHARACTERS:,} allowed",
                                  "keep the metadata short; the text goes below the fence")
            body = text[end + len(fence) + 1:].lstrip("\n")
            try:
                meta = loader(raw) or {}
            except Exception as exc:  # yaml and toml raise their own error trees
                raise SourceError(source, f"front matter is not valid: {str(exc).splitlines()[0]}",
                                  "fix the YAML/TOML between the fences") from None
            if not isinstance(meta, dict):
                raise SourceError(source, "front matter is not a mapping of keys to values")
            return meta, body
    return {}, text


class _NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML without aliases: `*name` is how a few hundred bytes expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in front matter")
        return super().compose_node(parent, index)


def _load_yaml(raw: str) -> Any:
    return yaml.load(raw, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)


def _tags(meta: dict[str, Any]) -> list[str]:
    """`tags` as a list, a comma-separated string or one value (`tags: 7`); nested values
    are not tags."""
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    elif not isinstance(tags, list):
        tags = [tags]
    return [str(t).strip() for t in tags if not isinstance(t, (dict, list)) and str(t).strip()]


def post_from_markdown(text: str, source: str, url: str = "") -> Post:
    """A Post from Markdown source text (`source` names it in errors)."""
    meta, body = split_front_matter(text, source)
    title = str(meta.get("title") or "").strip() or _first_heading(body) or Path(source).stem
    url = str(meta.get("url") or meta.get("permalink") or url or source)
    series, part, title = series_mod.resolve(
        title, url, meta.get("series"),
        meta.get("series_order", meta.get("part", meta.get("series_part"))),
    )
    return Post(
        title=title, url=url, body=body, series=series, part=part, tags=_tags(meta),
        published=dates.from_front_matter(meta.get("date") or meta.get("published")),
        summary=str(meta.get("description") or meta.get("summary") or meta.get("excerpt") or ""),
        source=source,
    )


def _first_heading(body: str) -> str:
    for line in remove_non_prose(body).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def read_markdown_file(path: Path) -> Post:
    """A Post from a `.md` file; errors name the file and what to do."""
    data = read_text_file(path)
    return post_from_markdown(data, str(path), path.resolve().as_uri())


def read_text_file(path: Path, max_bytes: int = limits.DOCUMENT_BYTES) -> str:
    """Text of a local file, refusing binaries and oversized files with a clear error."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(str(path), f"file is {size // 1_000_000} MB, over the "
                              f"{max_bytes // 1_000_000} MB limit", "split it or pass a smaller file")
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    return decode_text(raw, str(path))


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with its BOM; binary data is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:4096]:
        raise SourceError(name, "binary data, not text (and no UTF-16 byte-order mark)",
                          "pass a Markdown, HTML or feed document in UTF-8")
    return raw.decode("utf-8-sig", errors="replace")

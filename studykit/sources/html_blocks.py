"""Markdown blocks laid out from HTML: list items, quotes, pipe tables and fenced code.

The renderer (`html_render`) emits finished blocks into a sink; a list or quote sink lays
its blocks out as items or a quote when it closes.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode


def class_list(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


class Sink:
    """Collects finished blocks; subclasses lay them out as list items or a quote."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def emit(self, block: str) -> None:
        self.blocks.append(block)

    def render(self) -> str:
        return "\n\n".join(self.blocks)


class QuoteSink(Sink):
    def render(self) -> str:
        lines = "\n\n".join(self.blocks).split("\n")
        return "\n".join(f"> {line}" if line else ">" for line in lines)


class ListSink(Sink):
    def __init__(self, ordered: bool, start: int) -> None:
        super().__init__()
        self.ordered, self.start = ordered, start
        self.items: list[list[str]] = []

    def new_item(self) -> None:
        self.items.append([])

    def emit(self, block: str) -> None:
        if not self.items:
            self.new_item()
        self.items[-1].append(block)

    def render(self) -> str:
        out: list[str] = []
        number = self.start
        for blocks in self.items:
            if not blocks:
                continue
            marker = f"{number}." if self.ordered else "-"
            number += 1
            first, *rest = "\n".join(blocks).split("\n")
            out.append(f"{marker} {first}")
            out.extend(f"  {line}" if line else "" for line in rest)
        return "\n".join(out)


def owning_table(node: LexborNode) -> int | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


def pipe_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in padded]
    lines.insert(1, "|" + "---|" * width)
    return "\n".join(lines)


def code_block(pre: LexborNode) -> str:
    for number in pre.css("span.lnt, span.ln"):
        number.decompose()
    code = pre.css_first("code")
    language = ""
    for node in (code, pre):
        if node is None:
            continue
        for cls in class_list(node):
            if cls.startswith("language-"):
                language = cls.removeprefix("language-")
        language = language or (node.attributes.get("data-lang") or "")
    text = pre.text(deep=True).strip("\n")
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


"""Small helpers over pandoc's JSON AST: walking, rebuilding, plain text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
CONTAINERS = (dict, list)


def walk(value: Any) -> Iterator[Node]:
    """Every element node (a dict with a 't' key) under ``value``, depth first."""
    # Only containers go on the stack: most values are strings (a Str's text, a 't').
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, dict):
            if "t" in item:
                yield item
            push([v for v in reversed(item.values()) if isinstance(v, CONTAINERS)])
        elif isinstance(item, list):
            push([v for v in reversed(item) if isinstance(v, CONTAINERS)])


def transform(value: Any, fn: Callable[[Node], Any]) -> Any:
    """A copy of ``value`` where ``fn`` rewrote the element nodes.

    ``fn`` returns ``None`` to keep a node (its children are still visited), a
    node to replace it, or a list of nodes to splice in its place (children of
    replacements are not revisited).
    """
    if isinstance(value, list):
        out: list[Any] = []
        append = out.append
        for item in value:
            if isinstance(item, dict):
                if "t" in item:
                    result = fn(item)
                    if result is None:
                        append(_copy_children(item, fn))
                    elif isinstance(result, list):
                        out.extend(result)
                    else:
                        append(result)
                else:
                    append({k: transform(v, fn) for k, v in item.items()})
            elif isinstance(item, list):
                append(transform(item, fn))
            else:  # text, numbers: nothing to visit
                append(item)
        return out
    if isinstance(value, dict):
        if "t" in value:
            result = fn(value)
            if result is None:
                return _copy_children(value, fn)
            return result
        return {k: transform(v, fn) for k, v in value.items()}
    return value


def _copy_children(node: Node, fn: Callable[[Node], Any]) -> Node:
    if "c" not in node:
        return dict(node)
    children = node["c"]
    if isinstance(children, CONTAINERS):
        children = transform(children, fn)
    return {"t": node["t"], "c": children}


def stringify(value: Any) -> str:
    """Plain text of inlines or blocks, as a reader would see it."""
    parts: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, list):
            for sub in item:
                visit(sub)
            return
        if not isinstance(item, dict):
            return
        t, c = item.get("t"), item.get("c")
        if t == "Str":
            parts.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t in ("Code", "Math"):
            parts.append(c[1])
        elif t == "Cite":
            visit(c[1])
        elif t in ("Para", "Plain", "Header"):
            visit(c)
            parts.append("\n")
        elif t in ("RawInline", "RawBlock", "Note"):
            return
        elif t == "Image":
            visit(c[1])
        elif isinstance(c, list):
            visit(c)

    visit(value)
    return "".join(parts)


def str_inlines(text: str) -> list[Node]:
    """Inlines for a plain string (words and spaces)."""
    out: list[Node] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def attr_of(node: Node) -> tuple[str, list[str], list[list[str]]] | None:
    """The (id, classes, key-values) attribute of a node that has one."""
    t, c = node.get("t"), node.get("c")
    if t in ("Div", "Span", "CodeBlock", "Code", "Header", "Table", "Figure"):
        return c[1] if t == "Header" else c[0]
    if t in ("Image", "Link"):
        return c[0]
    return None

"""Small helpers over pandoc's JSON AST: walking, rebuilding, plain text."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

Node = dict[str, Any]
CONTAINERS = (dict, list)


def walk(value: Any) -> Iterator[Node]:
    """Every element node (a dict with a 't' key) under ``value``, depth first."""
    found: list[Node] = []
    add = found.append

    def visit(item: Any) -> None:  # only containers are visited: most values are strings
        if isinstance(item, dict):
            if "t" in item:
                add(item)
            for sub in item.values():
                if isinstance(sub, CONTAINERS):
                    visit(sub)
            return
        for sub in item:
            if type(sub) is dict and "t" in sub and len(sub) <= 2:  # a node: {"t", "c"}
                children = sub.get("c")
                if len(sub) == 1 or children is not None:  # no call for a word or a space
                    add(sub)
                    if isinstance(children, CONTAINERS):
                        visit(children)
                    continue
            if isinstance(sub, CONTAINERS):
                visit(sub)

    try:  # a recursion is about twice as fast as a generator over a stack
        if isinstance(value, CONTAINERS):
            visit(value)
    except RecursionError:  # nesting as deep as Python's stack
        return _walk_deep(value)
    return iter(found)


def kinds(value: Any) -> frozenset[str]:
    """The element types under ``value``: a pass over types that are absent can be skipped."""
    return frozenset(node["t"] for node in walk(value))


def walk_lazily(value: Any) -> Iterator[Node]:
    """``walk``'s nodes in its order, one at a time: for a search that stops at its first find
    (``walk`` gathers the whole tree first, about twice as fast per node)."""
    return _walk_deep(value)


def _walk_deep(value: Any) -> Iterator[Node]:
    """``walk`` for trees of any depth."""
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


def transform(value: Any, fn: Callable[[Node], Any],
              only: Collection[str] | None = None) -> Any:
    """A copy of ``value`` where ``fn`` rewrote the element nodes.

    ``fn`` returns ``None`` to keep a node (its children are still visited), a
    node to replace it, or a list of nodes to splice in its place (children of
    replacements are not revisited).  ``only``: the node types ``fn`` may
    rewrite (it returns ``None`` for every other, which is then not asked).
    """
    if only is not None:
        only = frozenset(only)
    if isinstance(value, list):
        return _transform_list(value, fn, only)
    if isinstance(value, dict):
        if "t" in value:
            result = fn(value) if only is None or value["t"] in only else None
            if result is None:
                return _copy_children(value, fn, only)
            return result
        return {k: transform(v, fn, only) for k, v in value.items()}
    return value


def _transform_list(value: list[Any], fn: Callable[[Node], Any],
                    only: frozenset[str] | None) -> list[Any]:
    out: list[Any] = []
    append = out.append
    for item in value:
        if isinstance(item, dict):
            if "t" in item:
                result = fn(item) if only is None or item["t"] in only else None
                if result is None:
                    children = item.get("c")
                    if type(children) is str:  # a word: copied without a call
                        append({"t": item["t"], "c": children})
                    else:
                        append(_copy_children(item, fn, only))
                elif isinstance(result, list):
                    out.extend(result)
                else:
                    append(result)
            else:
                append({k: transform(v, fn, only) for k, v in item.items()})
        elif isinstance(item, list):
            append(_transform_list(item, fn, only))
        else:  # text, numbers: nothing to visit
            append(item)
    return out


def _copy_children(node: Node, fn: Callable[[Node], Any], only: frozenset[str] | None) -> Node:
    if "c" not in node:
        return dict(node)
    children = node["c"]
    if isinstance(children, list):
        children = _transform_list(children, fn, only)
    elif isinstance(children, dict):
        children = transform(children, fn, only)
    return {"t": node["t"], "c": children}


def rewrite(value: Any, fn: Callable[[Node], Any],
            only: Collection[str] | None = None) -> Any:
    """``transform``, sharing with ``value`` every part ``fn`` left as it was.

    The same calls of ``fn`` in the same order and an equal result, without
    copying what did not change: for a tree no one changes in place.
    """
    return _rewrite(value, fn, None if only is None else frozenset(only))


def _rewrite(value: Any, fn: Callable[[Node], Any], only: frozenset[str] | None) -> Any:
    if isinstance(value, list):
        out: list[Any] | None = None  # made at the first change
        for index, item in enumerate(value):
            new = item
            if isinstance(item, dict):
                if "t" in item:
                    result = fn(item) if only is None or item["t"] in only else None
                    if result is None:
                        if isinstance(item.get("c"), CONTAINERS):  # a word or a space: kept
                            new = _rewrite_children(item, fn, only)
                    elif isinstance(result, list):
                        if out is None:
                            out = value[:index]
                        out.extend(result)
                        continue
                    else:
                        new = result
                else:
                    new = _rewrite(item, fn, only)
            elif isinstance(item, list):
                new = _rewrite(item, fn, only)
            if out is None:
                if new is item:
                    continue
                out = value[:index]
            out.append(new)
        return value if out is None else out
    if isinstance(value, dict):
        if "t" in value:
            result = fn(value) if only is None or value["t"] in only else None
            return _rewrite_children(value, fn, only) if result is None else result
        items = {k: _rewrite(v, fn, only) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    return value


def _rewrite_children(node: Node, fn: Callable[[Node], Any], only: frozenset[str] | None
                      ) -> Node:
    if "c" not in node:
        return node
    children = node["c"]
    new = _rewrite(children, fn, only) if isinstance(children, CONTAINERS) else children
    return node if new is children else {"t": node["t"], "c": new}


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


# The element types that carry an attribute (``attr_of``), and where in their content it is.
_ATTRIBUTE_AT = {"Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Header": 1, "Table": 0,
                 "Figure": 0, "Image": 0, "Link": 0}
ATTRIBUTED = tuple(_ATTRIBUTE_AT)


def attr_of(node: Node) -> tuple[str, list[str], list[list[str]]] | None:
    """The (id, classes, key-values) attribute of a node that has one."""
    at = _ATTRIBUTE_AT.get(node.get("t"))
    return None if at is None else node["c"][at]

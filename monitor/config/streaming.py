"""Composing sources.yaml with the entries of one top-level list handed over one by one.

Composed whole, the node tree of a configuration is about thirty times the
file: 70 MB for 10,000 sources in 2.3 MB of YAML. The tree is freed once the
config is read, but its memory lies interleaved with the config's own values,
so the process keeps it, and it was the largest part of a crawl's peak memory
that grew with the number of sources. Here the loader is given each `sources:`
entry as soon as it is composed, converts it, and the entry's nodes are freed
before the next is read.

libyaml still parses (it makes the events in C); the composing is PyYAML's own
`Composer`, in Python, which costs about 0.1 s more than libyaml's for 10,000
sources (1.05 s against 0.95 s to load them, medians of six). So the module
needs PyYAML built with libyaml (`yaml.__with_libyaml__`); without it, the
loader composes the whole tree as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaml.composer import Composer
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

Pairs = list[tuple[Node, Node]]
# Called once, when the list starts, with the top-level pairs composed before it and
# the list's node; returns what takes each entry, or None to keep the entries in the tree.
Begin = Callable[[Pairs, SequenceNode], Callable[[Node], None] | None]


def compose_streaming(text: str, key: str, begin: Begin) -> Node | None:
    """The document's node tree, without the entries of the top-level list `key`
    when `begin` takes them; None for an empty document.

    Raises what `yaml.compose` raises (YAMLError, RecursionError). Only the first
    `key:` of the top-level mapping is streamed, and only when it holds a list
    without an anchor (an anchored list could be an alias's target later on).
    """
    composer = _EntryComposer(text, key, begin)
    try:
        document: Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return document


class _EntryComposer(Composer, CParser, Resolver):
    """PyYAML's composer over libyaml's events, with its own root mapping."""

    def __init__(self, text: str, key: str, begin: Begin) -> None:
        CParser.__init__(self, text)
        Composer.__init__(self)
        Resolver.__init__(self)
        self._key = key
        self._begin = begin

    def compose_document(self) -> Node:
        self.get_event()  # DOCUMENT-START
        if self.check_event(MappingStartEvent) and self._peek().anchor is None:
            node: Node = self._root_mapping()
        else:
            node = self._node(None, None)
        self.get_event()  # DOCUMENT-END
        self.anchors = {}
        return node

    def _root_mapping(self) -> MappingNode:
        start = self._next()
        root = MappingNode(self._tag(MappingNode, start), [], start.start_mark, None,
                           flow_style=start.flow_style)
        streamed = False
        while not self.check_event(MappingEndEvent):
            key = self._node(root, None)
            if (not streamed and isinstance(key, ScalarNode) and key.value == self._key
                    and self.check_event(SequenceStartEvent) and self._peek().anchor is None):
                streamed = True
                value: Node = self._entries(root)
            else:
                value = self._node(root, key)
            root.value.append((key, value))
        root.end_mark = self._next().end_mark
        return root

    def _entries(self, root: MappingNode) -> SequenceNode:
        start = self._next()
        node = SequenceNode(self._tag(SequenceNode, start), [], start.start_mark, None,
                            flow_style=start.flow_style)
        take = self._begin(list(root.value), node)
        index = 0
        while not self.check_event(SequenceEndEvent):
            entry = self._node(node, index)
            if take is None:
                node.value.append(entry)
            else:
                take(entry)
            index += 1
        node.end_mark = self._next().end_mark
        return node

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """A plain scalar (nine nodes in ten) made at once; the rest as PyYAML does.

        PyYAML's path costs four calls more per scalar: for 10,000 sources, 0.1 s of
        the 0.2 s this composer cost over libyaml's. Path resolvers, the one thing
        skipped, are never registered on the plain `Resolver` used here.
        """
        event = self._peek()
        if event.__class__ is not ScalarEvent or event.anchor is not None:
            node: Node | None = super().compose_node(parent, index)
            return node
        self.get_event()
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        return ScalarNode(tag, event.value, event.start_mark, event.end_mark,  # type: ignore[arg-type]
                          style=event.style)

    # PyYAML's stubs type events and nodes loosely; these say what comes back here.

    def _node(self, parent: Node | None, index: Node | int | None) -> Node:
        node: Node = self.compose_node(parent, index)  # type: ignore[assignment]
        return node

    def _next(self) -> Any:
        return self.get_event()

    def _peek(self) -> Any:
        return self.peek_event()

    def _tag(self, kind: type[Node], start: Any) -> str:
        tag: str | None = start.tag
        if tag is None or tag == "!":
            resolved: str = self.resolve(kind, None, start.implicit)  # type: ignore[no-untyped-call]
            return resolved
        return tag

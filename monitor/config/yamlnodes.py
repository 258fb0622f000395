"""Reading YAML as a node tree that remembers lines, so every mistake can be pointed at.

`yaml.safe_load` returns plain dicts and forgets where each value was written;
a user who typed `intervall` in a 300-line file deserves the line number. So
the file is only *composed* (parsed into nodes with marks) and the loader walks
the nodes itself, converting scalars one by one and collecting mistakes instead
of stopping at the first, so that one `monitor check` run lists them all.

`${NAME}` in a string value is replaced here, per scalar, because only at this
level is the original text still known: error messages quote what the user
wrote (`${SMTP_PASSWORD}`), never what the environment supplied.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from monitor.errors import ConfigError

T = TypeVar("T")

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_TAG = "tag:yaml.org,2002:map"
MAX_REPORTED = 30

# `$${` writes a literal `${`; `${NAME}`, `${NAME:-fallback}` read the environment.
_ENV_RE = re.compile(r"\$\$(?=\{)|\$\{([^{}]*)\}")
_ENV_NAME_RE = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<fallback>.*))?", re.S)


class ConfigErrors(ConfigError):
    """Several mistakes at once: fixing a file one error per run is tedious.

    The message has one `file:line: key: problem` line per mistake, so editors
    and terminals can jump to each; `path`, `line` and `key` are the first one's.
    """

    def __init__(self, errors: list[ConfigError]) -> None:
        shown = [str(error) for error in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            shown.append(f"... and {len(errors) - MAX_REPORTED} more")
        super().__init__("\n".join(shown))
        self.path, self.line, self.key = errors[0].path, errors[0].line, errors[0].key
        self.errors = tuple(errors)


class Invalid(Exception):
    """One value is wrong; raised by converters, turned into a ConfigError by the caller.

    The converter knows the node (hence the line); the caller knows the key path.
    `subkey` extends the path for a list element (`[2]`) or a nested key.
    """

    def __init__(self, message: str, node: Node | None = None, *, subkey: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.node = node
        self.subkey = subkey


@dataclass(frozen=True)
class Scalar:
    """A scalar after `${...}` expansion.

    `text` is the expanded string, `value` its YAML type (int, bool, ...), and
    `shown` the text as written in the file: the only one safe to print.
    """

    text: str
    value: Any
    shown: str
    from_env: bool


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def kind_of(node: Node) -> str:
    """How a node looks to a user, for "expected X, got Y" messages."""
    if isinstance(node, MappingNode):
        return "a mapping (key: value lines)"
    if isinstance(node, SequenceNode):
        return "a list"
    return {
        "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:bool": "true/false", NULL_TAG: "nothing",
    }.get(node.tag, "text")


def read_text(path: Path, shown: str) -> str:
    """The file's text; ConfigError for an unreadable file or one that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", path=shown) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError("the file is not UTF-8 text; save it as UTF-8",
                          path=shown, line=line) from None


def compose_text(text: str, shown: str) -> Node:
    """The whole node tree; ConfigError for an empty or malformed file."""
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, shown) from None
    except RecursionError:  # PyYAML composes nested lists and mappings recursively
        raise ConfigError("lists or mappings nest more deeply than can be read (hundreds "
                          "of levels); no setting needs more than a few", path=shown) from None
    if root is None:
        raise ConfigError("the file is empty; it needs at least `topics:` and `sources:` "
                          "(see README.md, Configuration)", path=shown)
    return root


def _compose(text: str) -> Node | None:
    """libyaml's node tree when it is installed (ten times faster on a config of
    thousands of sources); the pure-Python parser's when libyaml refuses the text,
    so that an error reads exactly as it always has."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def detached(node: Node, twins: dict[int, Node] | None = None) -> Node:
    """A copy of the node's lists and mappings, sharing its scalars.

    Reading a mapping resolves its merge keys (`<<: *base`) in place, after which
    its keys can no longer be told from the merged ones; a copy can be read
    without changing what will be read again. A node reached twice (an alias) is
    copied once.
    """
    if isinstance(node, ScalarNode):
        return node
    twins = {} if twins is None else twins
    twin = twins.get(id(node))
    if twin is not None:
        return twin
    if isinstance(node, MappingNode):
        mapping = MappingNode(node.tag, [], node.start_mark, node.end_mark, node.flow_style)
        twins[id(node)] = mapping
        mapping.value = [(detached(k, twins), detached(v, twins)) for k, v in node.value]
        return mapping
    sequence = SequenceNode(node.tag, [], node.start_mark, node.end_mark,
                            node.flow_style)  # type: ignore[attr-defined]
    twins[id(node)] = sequence
    sequence.value = [detached(item, twins) for item in node.value]
    return sequence


# PyYAML's wording names parser states; these say what a person usually did wrong.
_SYNTAX_HINTS = (
    ("\\t", "indent with spaces, YAML does not allow tabs"),
    ("expected <block end>", "this line is indented differently from the lines above it"),
    ("mapping values are not allowed", "a value contains ': ', so put it in quotes"),
    ("could not find expected ':'", "a line here lacks its ':', or a quote is left open"),
    ("end of stream", "a quote or bracket opened here is never closed"),
)


def _syntax_error(exc: yaml.YAMLError, text: str, shown: str) -> ConfigError:
    """A YAML parser error as one readable message with the offending line and a caret."""
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    lines = text.splitlines()
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    mark = getattr(exc, "problem_mark", None)
    if mark is None or (mark.line >= len(lines) and context_mark is not None):
        mark = context_mark  # "end of stream" points past the file; where it began helps more
    if mark is not None:
        line, column = mark.line, mark.column
    elif isinstance(getattr(exc, "position", None), int):
        before = text[:exc.position]  # type: ignore[attr-defined]
        line, column = before.count("\n"), len(before) - (before.rfind("\n") + 1)
    else:
        return ConfigError(f"YAML syntax error: {problem}", path=shown)
    message = f"YAML syntax error: {problem}"
    if context and context_mark is not None and context_mark.line != line:
        message += f" ({context} at line {context_mark.line + 1})"
    hint = next((h for words, h in _SYNTAX_HINTS if words in repr(problem)), None)
    if hint:
        message += f"; {hint}"
    if line < len(lines):
        message += f"\n    {lines[line]}\n    {' ' * column}^"
    return ConfigError(message, path=shown, line=line + 1)


class NodeReader:
    """Converts nodes to Python values and collects the mistakes it finds."""

    def __init__(self, shown_path: str, environ: Mapping[str, str]) -> None:
        self.shown_path = shown_path
        self.environ = environ
        self.errors: list[ConfigError] = []
        self._constructor = SafeConstructor()
        self._resolver = Resolver()

    # -- reporting ---------------------------------------------------------

    def report(self, key: str, message: str, where: Node | int | None) -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.errors.append(ConfigError(message, path=self.shown_path, line=line, key=key))

    def fail(self, key: str, message: str, where: Node | int | None) -> NoReturn:
        """Stop at once: for mistakes after which nothing else can be read."""
        self.report(key, message, where)
        self.raise_errors()
        raise AssertionError("unreachable")  # pragma: no cover

    def has_error(self, key: str) -> bool:
        """Whether `key` or anything under it was reported, to avoid saying it twice."""
        return any(e.key == key or e.key.startswith((key + ".", key + "["))
                   for e in self.errors)

    def raise_errors(self) -> None:
        if not self.errors:
            return
        errors = sorted(self.errors, key=lambda e: e.line or 0)
        raise errors[0] if len(errors) == 1 else ConfigErrors(errors)

    def attempt(self, key: str, convert: Callable[[Node], T], node: Node, default: T,
                where: Node | None = None) -> T:
        """`convert(node)`, or `default` with the mistake recorded under `key`.

        A mistake in the value as a whole is reported at `where` (its key's line:
        a block list or mapping starts on the line after); one inside it, at its own line.
        """
        try:
            return convert(node)
        except Invalid as exc:
            inner = exc.node is not None and exc.node is not node
            self.report(key + exc.subkey, exc.message, exc.node if inner else where or node)
            return default

    # -- structure ---------------------------------------------------------

    def section(self, node: Node, path: str, allowed: Collection[str],
                misplaced: Mapping[str, str] | None = None,
                where: Node | None = None) -> Section:
        """The keys of a mapping node, with unknown and repeated keys reported.

        `where` (the node that introduced the mapping, e.g. its key) is where a
        missing required key is reported.
        """
        if not isinstance(node, MappingNode):
            raise Invalid(f"expected a mapping (key: value lines), got {kind_of(node)}", node)
        own = [(k, v) for k, v in node.value if k.tag != MERGE_TAG]
        seen: dict[str, int] = {}
        for key_node, _ in own:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if isinstance(name, str) and name in seen:
                self.report(_join(path, name), f"given twice (first at line {seen[name]}); "
                            "YAML would silently keep only the last", key_node)
            elif isinstance(name, str):
                seen[name] = line_of(key_node)
        try:
            self._constructor.flatten_mapping(node)  # resolves `<<: *anchor` merges
        except ConstructorError as exc:
            raise Invalid(f"bad merge (<<): {exc.problem}", node) from None
        entries: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL_TAG:
                self.report(path or "(top level)", "a key must be a plain name", key_node)
                continue
            name = key_node.value
            if name not in allowed:
                self.report(_join(path, name),
                            unknown_key_message(name, allowed, misplaced), key_node)
                continue
            entries[name] = (key_node, value_node)
        return Section(self, path, node, entries, where or node)

    def items(self, node: Node, *, single_ok: bool = False) -> list[Node]:
        """A list's element nodes; nothing for `key:` left empty."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
            return []
        if single_ok and isinstance(node, ScalarNode):
            return [node]
        raise Invalid(f"expected a list, got {kind_of(node)}", node)

    # -- scalars -----------------------------------------------------------

    def scalar(self, node: Node) -> Scalar:
        if not isinstance(node, ScalarNode):
            raise Invalid(f"expected a single value, got {kind_of(node)}", node)
        raw = node.value
        if node.tag == STR_TAG and "${" in raw:
            text = self._expand(raw, node)
            # An expanded value is typed as if written plain, so `port: ${SMTP_PORT}`
            # is a number even though `${...}` itself is text.
            tag: str = self._resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            value = self._construct(ScalarNode(tag, text), node)
            return Scalar(text, value, raw, from_env=True)
        return Scalar(raw, self._construct(node, node), raw, from_env=False)

    def _construct(self, node: ScalarNode, where: Node) -> Any:
        if node.tag == STR_TAG:   # most values: PyYAML's generic path was 5% of a large load
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise Invalid(f"cannot read this value: {problem}", where) from None

    def masked(self, node: Node) -> tuple[str, tuple[str, ...]]:
        """A scalar's text with every value the environment supplied shown as `***`,
        and those values, so outputs can show the first and scrub the second."""
        if not (isinstance(node, ScalarNode) and node.tag == STR_TAG and "${" in node.value):
            return (node.value if isinstance(node, ScalarNode) else "", ())
        secrets: list[str] = []
        return self._expand(node.value, node, secrets), tuple(secrets)

    def _expand(self, raw: str, node: Node, secrets: list[str] | None = None) -> str:
        """`raw` expanded; with `secrets`, environment values are collected there and
        written as `***` (a `:-fallback` is in the file, so it is no secret)."""
        def substitute(match: re.Match[str]) -> str:
            if match.group(1) is None:  # `$${` escape
                return "$"
            ref = _ENV_NAME_RE.fullmatch(match.group(1))
            if ref is None:
                raise Invalid(f"{match.group(0)!r} is not a variable reference; "
                              "write ${NAME} with letters, digits and '_'", node)
            value = self._lookup(ref["name"], ref["fallback"], node)
            if secrets is None or value == ref["fallback"]:
                return value
            if value:
                secrets.append(value)
            return "***"

        text = _ENV_RE.sub(substitute, raw)
        if "${" in _ENV_RE.sub("", raw):
            raise Invalid("unclosed '${' (write ${NAME}, or $${ for a literal '${')", node)
        return text

    def _lookup(self, name: str, fallback: str | None, node: Node) -> str:
        value = self.environ.get(name)
        if value is None and f"{name}_FILE" in self.environ:
            secret_file = self.environ[f"{name}_FILE"]
            try:
                value = Path(secret_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or "not UTF-8 text"
                raise Invalid(f"cannot read {name}_FILE={secret_file}: {reason}",
                              node) from None
        if not value and fallback is not None:
            return fallback
        if value is None:
            raise Invalid(f"environment variable {name} is not set (nor {name}_FILE); set it, "
                          f"or write ${{{name}:-}} to allow it to be empty", node)
        return value

    def text(self, node: Node) -> str | None:
        """Any scalar as its text (`language: no` stays "no"); None when left empty.

        Never quotes the value in an error, so it is safe for secrets.
        """
        scalar = self.scalar(node)
        if scalar.value is None and not scalar.from_env:
            return None
        return scalar.text

    def required_text(self, node: Node) -> str:
        value = self.text(node)
        if value is None or not value.strip():
            raise Invalid("must not be empty", node)
        return value.strip()

    def integer(self, node: Node, minimum: int | None = None,
                maximum: int | None = None) -> int:
        scalar = self.scalar(node)
        if isinstance(scalar.value, bool) or not isinstance(scalar.value, int):
            raise Invalid(f"expected a whole number, got {scalar.shown!r}", node)
        if minimum is not None and scalar.value < minimum:
            raise Invalid(f"must be at least {minimum}, got {scalar.value}", node)
        if maximum is not None and scalar.value > maximum:
            raise Invalid(f"must be at most {maximum}, got {scalar.value}", node)
        return scalar.value

    def boolean(self, node: Node) -> bool:
        scalar = self.scalar(node)
        if not isinstance(scalar.value, bool):
            hint = " (without quotes)" if scalar.text.lower() in ("true", "false") else ""
            raise Invalid(f"expected true or false{hint}, got {scalar.shown!r}", node)
        return scalar.value

    def parsed(self, node: Node, parse: Callable[[str], T], *, zero: T | None = None) -> T:
        """A value read from its text by `parse` (a duration, a URL, ...), whose
        ValueError message becomes the user's message.

        `zero` is what a bare 0 means, the one number that needs no unit.
        """
        scalar = self.scalar(node)
        if zero is not None and scalar.value == 0 and not isinstance(scalar.value, bool):
            return zero
        text = scalar.text.strip()
        if scalar.value is None and not text:
            raise Invalid("has no value", node)
        try:
            return parse(text)
        except ValueError as exc:
            message = str(exc)
            if scalar.from_env:  # never echo what came from the environment
                message = message.replace(repr(text), repr(scalar.shown))
            raise Invalid(message, node) from None

    def text_list(self, node: Node, *, single_ok: bool = False) -> tuple[str, ...]:
        values = []
        for index, item in enumerate(self.items(node, single_ok=single_ok)):
            try:
                values.append(self.required_text(item))
            except Invalid as exc:
                raise Invalid(exc.message, item, subkey=f"[{index}]") from None
        return tuple(values)


@dataclass
class Section:
    """A mapping's known keys, and typed access to them that records mistakes."""

    reader: NodeReader
    path: str
    node: MappingNode
    entries: dict[str, tuple[ScalarNode, Node]]
    where: Node

    def key(self, name: str) -> str:
        return _join(self.path, name)

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def value(self, name: str) -> Node:
        return self.entries[name][1]

    def get(self, name: str, convert: Callable[[Node], T], default: T) -> T:
        if name not in self.entries:
            return default
        key_node, value_node = self.entries[name]
        return self.reader.attempt(self.key(name), convert, value_node, default, key_node)

    def need(self, name: str, convert: Callable[[Node], T], missing: str) -> T | None:
        """A required key: None (with the mistake recorded) when absent or wrong."""
        if name not in self.entries:
            self.reader.report(self.key(name), missing, self.where)
            return None
        return self.get(name, convert, None)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def unknown_key_message(name: str, allowed: Collection[str],
                        misplaced: Mapping[str, str] | None = None) -> str:
    """"unknown key" plus the most useful hint: the likely typo, or where it belongs."""
    close = difflib.get_close_matches(name.lower(), list(allowed), n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    if misplaced and name in misplaced:
        return f"unknown key here; {name!r} belongs {misplaced[name]}"
    return "unknown key; valid keys here: " + ", ".join(sorted(allowed))

"""Reading YAML rule files as plain data, and nothing else.

The reader is PyYAML's safe loader, narrowed further: no tag that constructs an object, no anchors or
aliases (so no "billion laughs"), no duplicate keys, a maximum size and a maximum nesting depth. Nothing in
a rule file is ever executed or evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from .errors import RuleFileError

#: Largest rule file accepted, in bytes.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of mappings and lists accepted in a rule file (a condition nested to its own limit of
#: 32 all/any levels takes two YAML levels per level, inside the rule).
MAX_NESTING = 100


_ALIAS = "aliases (*name) are not allowed in rule files: write the value out"
_ANCHOR = "anchors (&name) are not allowed in rule files: write each value out"
_NESTING = f"nesting deeper than {MAX_NESTING} levels is not allowed"


def _refused(problem: str, mark: Any) -> yaml.MarkedYAMLError:
    """The error for what a rule file may not hold, at ``mark`` (PyYAML's or libyaml's position)."""
    return yaml.MarkedYAMLError("while reading the file", None, problem, mark)


class _Checks(yaml.constructor.SafeConstructor):
    """Constructor checks shared by both loaders: no duplicate keys, dates that can be, named when not."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.MarkedYAMLError(
                    "while reading a mapping", node.start_mark, "a key must be a plain value", key_node.start_mark,
                ) from None
            if duplicate:
                raise yaml.MarkedYAMLError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r}: each key may appear once", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.MarkedYAMLError(
                "while reading a date", None,
                f"malformed date {node.value!r} ({exc}): write dates as YYYY-MM-DD", node.start_mark,
            ) from None


class _StrictLoader(_Checks, yaml.SafeLoader):
    """A SafeLoader that refuses anchors, aliases, duplicate keys and excessive nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise _refused(_ALIAS, event.start_mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise _refused(_ANCHOR, event.start_mark)
        if isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_NESTING:
                raise _refused(_NESTING, event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

# (typeshed's stub of add_constructor does not accept a mixin's method: the checks run as a loader's)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)  # type: ignore[type-var]

_CLoader: Any = getattr(yaml, "CSafeLoader", None)


def _check_events(text: str) -> None:
    """With libyaml's fast parser: refuse anchors, aliases and excessive nesting before constructing."""
    depth = 0
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, AliasEvent):
            raise _refused(_ALIAS, event.start_mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise _refused(_ANCHOR, event.start_mark)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise _refused(_NESTING, event.start_mark)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


if _CLoader is not None:

    class _FastStrictLoader(_Checks, _CLoader):  # type: ignore[misc]
        """libyaml's safe loader with the same constructor checks; anchors and nesting by _check_events."""

    _FastStrictLoader.add_constructor(  # type: ignore[type-var]
        "tag:yaml.org,2002:timestamp", _FastStrictLoader.construct_yaml_timestamp)


class _Unusual(Exception):
    """What the one-pass reader leaves to the full loader, which reads it the same way or names the problem."""


#: The tags of the plain scalars the one-pass reader constructs (with the loader's own constructors).
_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_STR = "tag:yaml.org,2002:str"
_NO_KEY = object()


def _read_plain(text: str) -> Any:
    """Read a document of plain mappings, lists and scalars in one pass over libyaml's events.

    PyYAML's loader builds a node per value and constructs the values from the nodes in Python; rule files
    hold plain data only, so this reader builds them straight from the parser's events, resolving and
    constructing each scalar with the loader's own resolver and constructors (the same values, about 2.5
    times faster). Anything else (an anchor, an alias, a tag, a merge key, a duplicate or unhashable key, a
    bad date, too deep, several documents) raises :class:`_Unusual` or the constructor's error, and the
    full loader reads the text again: it gives the same value or the error that names the problem.
    ``tests/test_safe_yaml.py`` checks both agree on the rule files and on generated documents.
    """
    loader: Any = _FastStrictLoader("")  # type: ignore[call-arg]  # (libyaml's init); its resolver and constructors
    resolve, constructors = loader.resolve, loader.yaml_constructors
    containers: list[Any] = []
    keys: list[Any] = []  # per open mapping, the key read and waiting for its value
    root: Any = None
    documents = 0
    events: Iterator[Any] = yaml.parse(text, Loader=_CLoader)
    for event in events:
        kind = event.__class__
        if kind is ScalarEvent:
            if event.anchor is not None:
                raise _Unusual
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            if tag == _STR:
                value = event.value
            elif tag in _PLAIN_TAGS:
                value = constructors[tag](loader, ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                                             event.style))
            else:
                raise _Unusual
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or not event.implicit or len(containers) >= MAX_NESTING:
                raise _Unusual
            containers.append({} if kind is MappingStartEvent else [])
            keys.append(_NO_KEY)
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = containers.pop()
            keys.pop()
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
            continue
        elif kind is AliasEvent:
            raise _Unusual
        else:  # the stream's start and end, a document's end
            continue
        if not containers:
            root = value
            continue
        top = containers[-1]
        if top.__class__ is list:
            top.append(value)
        elif keys[-1] is _NO_KEY:  # a key
            if value in top:  # a duplicate key (and an unhashable key raises TypeError)
                raise _Unusual
            keys[-1] = value
        else:
            top[keys[-1]] = value
            keys[-1] = _NO_KEY
    return root


def _load(text: str) -> Any:
    if _CLoader is None:
        return yaml.load(text, Loader=_StrictLoader)
    try:
        return _read_plain(text)
    except (_Unusual, yaml.YAMLError, ValueError, TypeError, OverflowError):
        pass  # read again by the full loader: the same value, or the error that says what is wrong
    _check_events(text)
    return yaml.load(text, Loader=_FastStrictLoader)


def load_yaml_text(text: str, name: str) -> Any:
    """Parse ``text`` (the content of the file ``name``) as plain YAML data."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise RuleFileError(name, f"file is larger than {MAX_FILE_BYTES} bytes: split it or check it is a rule file")
    try:
        return _load(text)
    except yaml.constructor.ConstructorError as exc:
        raise RuleFileError(name, f"YAML tag not allowed (rule files hold plain data only): {exc}") from None
    except yaml.MarkedYAMLError as exc:
        where = f" (line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1})" if exc.problem_mark else ""
        raise RuleFileError(name, f"{exc.problem}{where}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(name, f"not valid YAML: {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2019-02-30
        raise RuleFileError(name, f"invalid value: {exc}") from None
    except RecursionError:
        raise RuleFileError(name, "structure too deeply nested") from None


def load_yaml_file(path: Path) -> Any:
    """Read and parse a rule or data file, refusing it before reading if it is too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RuleFileError(str(path), f"cannot read the file: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise RuleFileError(str(path), f"file is larger than {MAX_FILE_BYTES} bytes: split it or check it is a rule file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(str(path), f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except OSError as exc:  # a directory, no permission...
        raise RuleFileError(str(path), f"cannot read the file: {exc.strerror}") from None
    return load_yaml_text(text, str(path))

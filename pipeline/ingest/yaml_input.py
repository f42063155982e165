"""Read the hand-written YAML files of raw/<FY>/ (provenance.yaml, corrections.yaml) strictly.

Every problem is a PipelineError naming the file and, where YAML gives one, the line: a missing file or a folder
in its place, a file too large, an encoding other than UTF-8, a syntax error, a tag (``!!python/…``), an anchor
or alias (an alias bomb expands a few hundred bytes into gigabytes), a key given twice, a character the Unicode
policy refuses. Dates stay the text they were written as (YAML would turn ``2026-13-45`` into an exception and
``2026-12-01`` into a date object); the callers check them with real_date.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from pipeline.errors import PipelineError, SourceFormatError
from pipeline.ingest.extracted_text import utf16_label
from pipeline.ingest.limits import MAX_YAML_BYTES, read_input
from pipeline.ingest.text_policy import check_text, describe, flagged_characters, rejected_character

_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors and aliases before anything is built from them."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(problem="anchor or alias", problem_mark=event.start_mark)
        return super().compose_node(parent, index)


# A date stays the text it was written as; real_date checks it.
_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def read_yaml(path: Path, error: type[PipelineError] = SourceFormatError) -> object:
    """The document of a YAML file in raw/, checked as the module says; ``error`` is the class raised."""
    file = str(path)
    text = _decode(read_input(path, MAX_YAML_BYTES, error), file, error)
    # Invisible characters are refused too: nothing in a hand-written file needs one, and an editor hides them.
    # (A value that must hold one, to match a source cell, can write it as an escape: "\u200b".)
    refused = rejected_character(text) or next(iter(flagged_characters(text)), None)
    if refused is not None:
        line = text[: text.index(refused)].count("\n") + 1
        ja, en = describe(refused)
        raise error(
            f"使えない文字 {ja} があります。取り除いてください。",
            f"Character {en} is not allowed here. Remove it.",
            file=file,
            line=line,
        )
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, file, error)
        return loader.construct_document(node)
    except _AliasRefused as exc:
        raise error(
            "YAML のアンカーとエイリアス（& と *）は使えません。値はそれぞれの場所にそのまま書いてください。",
            "YAML anchors and aliases (& and *) are not allowed: write each value where it belongs.",
            file=file,
            line=exc.problem_mark.line + 1,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(
            f"YAML として読めません（{problem}）。字下げ・引用符・コロンを確認してください。",
            f"Not valid YAML ({problem}). Check the indentation, quotes and colons.",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()


def _decode(data: bytes, file: str, error: type[PipelineError]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    label = utf16_label(data)
    if label is None:
        try:
            data.decode("cp932")
            label = "Shift_JIS（CP932）"
        except UnicodeDecodeError:
            label = None
    found_ja = f"（{label} のようです）" if label else ""
    found_en = f" (it looks like {label.replace('（', ' (').replace('）', ')')})" if label else ""
    raise error(
        f"文字コードが UTF-8 ではありません{found_ja}。UTF-8 で保存し直してください。",
        f"Unsupported encoding{found_en}: save the file as UTF-8.",
        file=file,
    )


def _check_nodes(node: yaml.Node, file: str, error: type[PipelineError]) -> None:
    """Refuse tags other than YAML's plain types (``!!python/object``, ``!!binary``…) and keys given twice."""
    stack = [node]
    while stack:
        node = stack.pop()
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            try:
                check_text(node.value, file)  # the value after YAML's escapes ("\x9b") are read
            except SourceFormatError as exc:
                raise error(exc.ja, exc.en, file=file, line=line) from None
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise error(
                f"YAML のタグ {tag} は使えません。値は文字・数・日付・リスト・対応表だけで書いてください。",
                f"The YAML tag {tag} is not allowed: use plain text, numbers, dates, lists and mappings.",
                file=file,
                line=line,
            )
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                if name in seen:
                    raise error(
                        f"キー {name} が{seen[name]}行目と{key.start_mark.line + 1}行目の2回あります。",
                        f"The key {name!r} is given twice (lines {seen[name]} and {key.start_mark.line + 1}).",
                        file=file,
                        line=key.start_mark.line + 1,
                    )
                seen[name] = key.start_mark.line + 1
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def line_of(path: Path, key: str) -> int | None:
    """The line where a top-level ``key:`` is written (for errors about its value)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def real_date(value: object) -> datetime.date | None:
    """A YYYY-MM-DD text (or a date) that is a real calendar date, else None (``2026-02-30`` is not)."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def unknown_keys(mapping: dict, known) -> list[str]:
    return sorted(str(k) for k in mapping if k not in known)

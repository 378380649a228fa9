"""Validator for Telegram's ``parse_mode="HTML"``.

Modelled on tdlib's ``parse_html`` (the parser behind the Bot API server), so
that text Telegram would reject is rejected here with a similar message. Where
tdlib is lenient about something the Bot API docs forbid, ``strict=True`` (the
default) follows the docs instead:

* ``&`` must start ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` ``&#NNN;`` or ``&#xHH;``
  (tdlib keeps an unknown ``&`` literally and makes ``;`` optional);
* ``<a>`` needs a non-empty ``href`` (tdlib would take the URL from the link text);
* an empty end tag ``</>`` is refused (tdlib closes the innermost tag with it).
"""

from __future__ import annotations

from dataclasses import dataclass

# tag -> Bot API MessageEntity type
_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """Text that Telegram refuses with "can't parse entities: ..."."""


@dataclass(frozen=True)
class Entity:
    """A parsed formatting entity; offsets/lengths count Python characters."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_api(self, text: str) -> dict[str, object]:
        """Bot API MessageEntity (offsets in UTF-16 code units, as Telegram sends)."""
        start = _utf16_len(text[: self.offset])
        length = _utf16_len(text[self.offset : self.offset + self.length])
        out: dict[str, object] = {"type": self.type, "offset": start, "length": length}
        if self.url is not None:
            out["url"] = self.url
        if self.language is not None and self.type == "pre":
            out["language"] = self.language
        if self.custom_emoji_id is not None:
            out["custom_emoji_id"] = self.custom_emoji_id
        return out


@dataclass(frozen=True)
class ParsedText:
    text: str
    entities: tuple[Entity, ...]


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, i: int, strict: bool) -> tuple[str, int] | None:
    """Decode an HTML entity starting at ``source[i] == '&'``.

    Returns (character, index after the entity) or None if it is not an entity.
    """
    n = len(source)
    j = i + 1
    if j < n and source[j] == "#":
        j += 1
        hexa = j < n and source[j] in "xX"
        if hexa:
            j += 1
        start = j
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        while j < n and source[j] in digits:
            j += 1
        if j == start:
            return None
        code = int(source[start:j], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        start = j
        while j < n and source[j].isascii() and source[j].isalpha():
            j += 1
        name = source[start:j]
        if name not in _NAMED_ENTITIES:
            return None
        char = _NAMED_ENTITIES[name]
    if j < n and source[j] == ";":
        return char, j + 1
    if strict:
        return None  # the docs always show the terminating ';'
    return char, j


def _decode_text(source: str, start: int, end: int, strict: bool) -> str:
    """Decode entities in an attribute value ``source[start:end]``."""
    out: list[str] = []
    i = start
    while i < end:
        if source[i] == "&":
            decoded = _decode_entity(source[:end], i, strict)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    f"can't parse entities: Unescaped '&' at byte offset {_byte_offset(source, i)}"
                )
        out.append(source[i])
        i += 1
    return "".join(out)


@dataclass
class _Open:
    tag: str
    argument: str
    start: int  # offset in the visible text
    source_pos: int


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML; raise HtmlParseError where Telegram would answer 400."""
    n = len(source)
    out: list[str] = []
    out_len = 0
    stack: list[_Open] = []
    entities: list[Entity] = []
    i = 0
    while i < n:
        c = source[i]
        if c == "&":
            decoded = _decode_entity(source, i, strict)
            if decoded is not None:
                out.append(decoded[0])
                out_len += 1
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    "can't parse entities: Unescaped '&' at byte offset "
                    f"{_byte_offset(source, i)}; use &amp;"
                )
        if c != "<":
            out.append(c)
            out_len += 1
            i += 1
            continue

        begin = i
        i += 1
        if i < n and source[i] == "/":
            i = _parse_end_tag(source, begin, stack, entities, out_len)
            continue

        name_start = i
        while i < n and source[i] not in _SPACES and source[i] != ">":
            i += 1
        if i >= n:
            raise HtmlParseError(
                "can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(source, begin)}"
            )
        tag = source[name_start:i].lower()
        if tag not in _TAGS:
            raise HtmlParseError(
                f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset '
                f"{_byte_offset(source, begin)}"
            )
        argument, i = _parse_attributes(source, begin, i, tag, strict)
        if tag == "span" and argument != "tg-spoiler":
            raise HtmlParseError(
                'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(source, begin)}"
            )
        if tag == "a" and strict and not argument:
            raise HtmlParseError(
                f'can\'t parse entities: Tag "a" must have a non-empty href at byte offset '
                f"{_byte_offset(source, begin)}"
            )
        if tag == "tg-emoji" and not (argument.isdigit() and int(argument) > 0):
            raise HtmlParseError("can't parse entities: Invalid custom emoji identifier specified")
        stack.append(_Open(tag, argument, out_len, begin))
        i += 1  # skip '>'

    if stack:
        raise HtmlParseError(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].tag}"'
        )
    text = "".join(out)
    return ParsedText(text, tuple(sorted(entities, key=lambda e: (e.offset, -e.length))))


def _parse_attributes(source: str, begin: int, i: int, tag: str, strict: bool) -> tuple[str, int]:
    """Parse attributes of a start tag; return (argument, index of the closing '>')."""
    n = len(source)
    argument = ""

    def unclosed() -> HtmlParseError:
        return HtmlParseError(
            f'can\'t parse entities: Unclosed start tag "{tag}" at byte offset '
            f"{_byte_offset(source, begin)}"
        )

    while True:
        while i < n and source[i] in _SPACES:
            i += 1
        if i >= n:
            raise unclosed()
        if source[i] == ">":
            return argument, i
        attr_start = i
        while i < n and source[i] not in _SPACES and source[i] not in "=>":
            i += 1
        attr = source[attr_start:i]
        while i < n and source[i] in _SPACES:
            i += 1
        if i >= n:
            raise unclosed()
        if source[i] != "=":
            if tag == "blockquote" and attr == "expandable":
                argument = "expandable"
                continue
            raise HtmlParseError(
                "can't parse entities: Expected equal sign in declaration of an attribute "
                f'of the tag "{tag}" at byte offset {_byte_offset(source, begin)}'
            )
        i += 1
        while i < n and source[i] in _SPACES:
            i += 1
        if i >= n:
            raise unclosed()
        if source[i] in "'\"":
            quote = source[i]
            end = source.find(quote, i + 1)
            if end < 0:
                raise HtmlParseError(
                    "can't parse entities: Unclosed end of the string literal at byte offset "
                    f"{_byte_offset(source, i)}"
                )
            value = _decode_text(source, i + 1, end, strict)
            i = end + 1
        else:
            # Unquoted "name token": letters, digits, '.', '-' (case-insensitive).
            token_start = i
            while i < n and ((source[i].isascii() and source[i].isalnum()) or source[i] in ".-"):
                i += 1
            value = source[token_start:i].lower()
            if i >= n or (source[i] not in _SPACES and source[i] != ">"):
                raise HtmlParseError(
                    "can't parse entities: Unexpected end of name token at byte offset "
                    f"{_byte_offset(source, token_start)}"
                )
        if tag == "a" and attr == "href":
            argument = value
        elif tag == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif (tag == "span" and attr == "class") or (tag == "tg-emoji" and attr == "emoji-id"):
            argument = value
        # Other attributes are ignored, like tdlib does.


def _parse_end_tag(
    source: str, begin: int, stack: list[_Open], entities: list[Entity], out_len: int
) -> int:
    """Parse ``</tag>`` at ``begin``; close the innermost entity; return the index after '>'."""
    n = len(source)
    if not stack:
        raise HtmlParseError(
            f"can't parse entities: Unexpected end tag at byte offset {_byte_offset(source, begin)}"
        )
    i = begin + 2
    while i < n and source[i] not in _SPACES and source[i] != ">":
        i += 1
    name = source[begin + 2 : i].lower()
    while i < n and source[i] in _SPACES:
        i += 1
    if i >= n or source[i] != ">":
        raise HtmlParseError(
            f"can't parse entities: Unclosed end tag at byte offset {_byte_offset(source, begin)}"
        )
    top = stack.pop()
    if name != top.tag:
        raise HtmlParseError(
            "can't parse entities: Unmatched end tag at byte offset "
            f"{_byte_offset(source, begin)}, "
            f'expected "</{top.tag}>", found "</{name}>"'
        )
    length = out_len - top.start
    if length > 0:
        entities.append(_make_entity(top, stack, entities, length))
    return i + 1


def _make_entity(top: _Open, stack: list[_Open], entities: list[Entity], length: int) -> Entity:
    kind = _TAGS[top.tag]
    if top.tag == "a":
        return Entity(kind, top.start, length, url=top.argument)
    if top.tag == "tg-emoji":
        return Entity(kind, top.start, length, custom_emoji_id=top.argument)
    if top.tag == "blockquote" and top.argument == "expandable":
        return Entity("expandable_blockquote", top.start, length)
    if top.tag == "pre":
        # <pre><code class="language-x">...</code></pre> gives the pre a language.
        for idx, inner in enumerate(entities):
            if (
                inner.type == "code"
                and inner.offset == top.start
                and inner.length == length
                and inner.language
            ):
                entities.pop(idx)
                return Entity("pre", top.start, length, language=inner.language)
        return Entity("pre", top.start, length)
    if top.tag == "code" and top.argument:
        return Entity("code", top.start, length, language=top.argument)
    return Entity(kind, top.start, length)


def visible_length(text: str) -> int:
    """Length Telegram limits: Unicode code points of the text after entity parsing."""
    return len(text)

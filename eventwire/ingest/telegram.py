"""Telegram Desktop exports (`result.json`): each channel or chat message a document."""
from __future__ import annotations

import json
from typing import Any, Iterator, Optional

from .base import IngestError, Item, Options, Source, json_loads, load_text, make_document

# chat types whose messages have public or member links https://t.me/c/<id>/<message>
CHANNEL_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}
# keys a message has when it carries media (a post can be media alone)
MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information", "poll", "contact_information")


def message_text(message: dict) -> str:
    """The text of a message: its `text_entities` (plain, bold, link, ...) or its `text`, which is
    a string or a list of strings and `{type, text}` parts, joined."""
    parts = message.get("text_entities")
    if not isinstance(parts, list) or not parts:
        parts = message.get("text", "")
        parts = [parts] if isinstance(parts, str) else parts if isinstance(parts, list) else []
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else ""
                   for p in parts)


def _link(chat: dict, message_id: Any) -> Optional[str]:
    username = chat.get("username")
    if username:
        return f"https://t.me/{username}/{message_id}"
    if chat.get("type") in CHANNEL_TYPES and chat.get("id"):
        return f"https://t.me/c/{chat['id']}/{message_id}"
    return None


def read_chat(chat: dict, where: str, opts: Options) -> Iterator[Item]:
    name = chat.get("name") or None
    channel = chat.get("username") or chat.get("id") or name
    messages = chat.get("messages")
    if not isinstance(messages, list):
        yield IngestError(where, "no list of messages in the export")
        return
    for n, message in enumerate(messages, 1):
        if opts.taken >= opts.limits.max_messages:
            yield IngestError(where, f"{len(messages) - n + 1:,} more messages not read: the limit is "
                                     f"{opts.limits.max_messages:,} messages from one export (max_messages)")
            return
        if not isinstance(message, dict):
            yield IngestError(f"{where}:message #{n}", "not a JSON object")
            continue
        msg_id = message.get("id", f"#{n}")
        if message.get("type", "message") != "message":
            opts.passed_over["Telegram service messages"] += 1
            continue
        text = message_text(message)
        if not text.strip():  # skipped silently: nothing to read, not an error
            media = any(message.get(k) for k in MEDIA_KEYS)
            opts.passed_over["Telegram media-only messages" if media else "Telegram empty messages"] += 1
            continue
        opts.taken += 1
        yield make_document({"text": text, "date": message.get("date"),
                             "id": f"{channel}/{msg_id}" if channel else None,
                             "url": _link(chat, msg_id), "source": name,
                             "forwarded_from": message.get("forwarded_from")},
                            "telegram", opts.default_date, f"{where}:message {msg_id}", opts.limits)


def read_telegram(src: Source, opts: Options) -> Iterator[Item]:
    """One chat's export (`{name, type, id, messages}`) or a whole account's (`chats.list`)."""
    text = load_text(src, opts.limits.max_file_bytes, "max_file_bytes")
    if isinstance(text, IngestError):
        yield text
        return
    try:
        export = json_loads(text, opts.limits.max_json_depth)
    except json.JSONDecodeError as exc:
        cut = ", the export looks truncated" if not text.rstrip().endswith("}") else ""
        yield IngestError(src.where, f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno}{cut})")
        return
    except ValueError as exc:  # nested too deep
        yield IngestError(src.where, f"JSON {exc}")
        return
    opts.taken = 0
    if isinstance(export, dict) and "messages" in export:
        yield from read_chat(export, src.where, opts)
    elif isinstance(export, dict) and isinstance(export.get("chats"), dict):
        for chat in export["chats"].get("list") or []:
            if isinstance(chat, dict):
                yield from read_chat(chat, f"{src.where}:{chat.get('name') or chat.get('id')}", opts)
    else:
        yield IngestError(src.where, "a JSON document, but not a Telegram export (no 'messages')")

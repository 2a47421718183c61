"""Text helpers for product pages: slugs, titles, excerpts."""

from __future__ import annotations

import re
import unicodedata

SMALL_WORDS = {"a", "an", "and", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to"}


def slugify(text: str, max_length: int = 50) -> str:
    """A URL-safe slug: lowercase ASCII words joined by hyphens.

    >>> slugify("Crème Brûlée, 2 pack!")
    'creme-brulee-2-pack'
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def title_case(text: str) -> str:
    """Capitalise words, except small words that are not first or last."""
    words = text.split()
    titled = []
    for index, word in enumerate(words):
        if 0 < index < len(words) - 1 and word.lower() in SMALL_WORDS:
            titled.append(word.lower())
        else:
            titled.append(word[:1].upper() + word[1:].lower())
    return " ".join(titled)


def excerpt(text: str, width: int = 80, suffix: str = "…") -> str:
    """Shorten ``text`` to at most ``width`` characters, cutting at a word boundary."""
    if width <= len(suffix):
        raise ValueError(f"width must be greater than {len(suffix)}")
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - len(suffix)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(",.;:") + suffix


def word_count(text: str) -> int:
    return len(re.findall(r"\b\w+\b", text))

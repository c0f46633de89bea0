"""What makes an error message plain French for the person reading it (shared by the message tests).

A `detail` is read by a shopper or a merchant, so it names things in French words: no field key
(`price_cents`), no English (`'product' or 'service'`), no route path (`/api/v1/...`), no code in
backticks. Words between « » quotes are a quotation (what the person typed, a column of their CSV file) and
are exempt, except a field named by its key (« champ « password » »).
"""

import re

# Words that are English and not French, as they appear in framework messages or in our own keys.
ENGLISH_WORDS = {
    "and",
    "are",
    "be",
    "body",
    "cents",
    "error",
    "expected",
    "false",
    "field",
    "for",
    "found",
    "from",
    "input",
    "integer",
    "invalid",
    "is",
    "item",
    "kind",
    "missing",
    "must",
    "none",
    "not",
    "null",
    "password",
    "of",
    "only",
    "or",
    "price",
    "product",
    "query",
    "required",
    "shop",
    "should",
    "string",
    "the",
    "to",
    "token",
    "true",
    "user",
    "value",
    "with",
}

_QUOTED = re.compile(r"«[^»]*»")
_SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
_ROUTE = re.compile(r"(?:^|[\s(«])/(?:api|v1|admin|shops|items|auth|me|search)\b")
_ASCII_QUOTED = re.compile(r"(?:^|[\s(])['\"][A-Za-z_]+['\"]")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
_END = (".", "!", "?", "…", "»", ")")


def not_plain_french(message: str) -> list[str]:
    """Why `message` is not plain French (an empty list when it is)."""
    reasons: list[str] = []
    text = message.strip()
    if not text:
        return ["message vide"]
    if not (text[0].isupper() or text[0].isdigit() or text[0] == "«"):
        reasons.append("ne commence pas par une majuscule")
    if not text.endswith(_END):
        reasons.append("ne se termine pas par une ponctuation")
    if re.search(r"champ «\s*[a-z_0-9]+\s*»", text):
        reasons.append("nomme un champ par sa clé")
    outside = _QUOTED.sub(" ", text)
    if "`" in outside:
        reasons.append("contient du code entre accents graves")
    if _ROUTE.search(outside):
        reasons.append("contient un chemin de route")
    if _ASCII_QUOTED.search(outside):
        reasons.append("contient une valeur entre guillemets droits")
    key = _SNAKE_KEY.search(outside)
    if key:
        reasons.append(f"contient une clé technique ({key.group(0)})")
    english = sorted({w for w in _WORD.findall(outside) if w in ENGLISH_WORDS})
    if english:
        reasons.append(f"contient de l’anglais ({', '.join(english)})")
    return reasons

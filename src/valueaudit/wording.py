"""Sentences about parties: their names, and verbs that agree with them in number.

A party is named as its file names it ("Applicants", "Telecom provider"). Whether a
name is plural is guessed from its last word, as an English reader would: it ends in
"s" but not in "ss", "us" or "is" ("Applicants", "Two business partners"; not
"Business", "Campus"). The guess only changes a verb or a pronoun, never a figure.
"""

from __future__ import annotations

_IRREGULAR = {"is": "are", "has": "have", "does": "do", "was": "were"}
_PRONOUNS = {"it": "they", "its": "their", "it is": "they are"}


def is_plural(name: str) -> bool:
    """Whether a party's name reads as plural ("Applicants", not "Acme Ltd")."""
    words = name.split()
    last = words[-1].lower() if words else ""
    return len(last) > 2 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


def verb(name: str, singular: str) -> str:
    """``singular`` ("gives") as it agrees with ``name``: "give" after "Applicants"."""
    if not is_plural(name):
        return singular
    return _IRREGULAR.get(singular, singular.removesuffix("s"))


def says(name: str, singular: str) -> str:
    """The name and its verb: "Applicants give", "Telecom provider gives"."""
    return f"{name} {verb(name, singular)}"


def pronoun(name: str, singular: str) -> str:
    """``it``, ``its`` or ``it is`` as they refer to ``name`` ("they", "their")."""
    return _PRONOUNS[singular] if is_plural(name) else singular


def it_or_them(name: str) -> str:
    """The object pronoun for ``name``: "ask less of it", "ask less of them"."""
    return "them" if is_plural(name) else "it"

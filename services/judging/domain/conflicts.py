"""Conflicts of interest between a juror and the authors of an entry.

A juror must never judge an entry they conflict with: their own work, work from their own
newsroom, or work by a relative or colleague they declared. Names and organisations are typed by
people in many ways ("Báo Lạng Sơn", "BÁO LẠNG SƠN.", "bao lang son"), so they are compared in a
normalised form; an empty value never matches anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class RelationshipKind(StrEnum):
    RELATIVE = "relative"
    COLLEAGUE = "colleague"


class ConflictKind(StrEnum):
    IS_AUTHOR = "is_author"
    SAME_ORGANISATION = "same_organisation"
    RELATIVE = "relative"
    COLLEAGUE = "colleague"
    DECLARED = "declared"


CONFLICT_LABELS: dict[ConflictKind, str] = {
    ConflictKind.IS_AUTHOR: "Là tác giả",
    ConflictKind.SAME_ORGANISATION: "Cùng cơ quan",
    ConflictKind.RELATIVE: "Người thân",
    ConflictKind.COLLEAGUE: "Đồng nghiệp",
    ConflictKind.DECLARED: "Tự khai báo",
}

_CONFLICT_OF_RELATIONSHIP = {
    RelationshipKind.RELATIVE: ConflictKind.RELATIVE,
    RelationshipKind.COLLEAGUE: ConflictKind.COLLEAGUE,
}


@dataclass(frozen=True)
class Relationship:
    """A person the juror declared close to them: identified by name, e-mail or both."""

    kind: RelationshipKind
    name: str
    email: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class JurorProfile:
    juror_id: str
    name: str
    email: str
    organisation: str = ""
    relationships: tuple[Relationship, ...] = ()


@dataclass(frozen=True)
class AuthorProfile:
    name: str
    pen_name: str = ""
    email: str = ""
    organisation: str = ""  # newsroom / employer


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    detail: str  # the organisation or the person concerned, for the secretariat


def normalise_text(value: str) -> str:
    """Comparable form of a name or an organisation: "BÁO LẠNG SƠN." -> "bao lang son".

    NFC, casefold, Vietnamese diacritics removed (đ -> d), punctuation and symbols turned into
    spaces, runs of spaces made one.
    """
    # "ð" is the look-alike Icelandic eth that old Vietnamese encodings put where "đ" belongs.
    text = unicodedata.normalize("NFC", value).casefold().replace("đ", "d").replace("ð", "d")
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category.startswith("M"):  # tone marks, circumflex, breve, horn
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def _text_key(value: str) -> str:
    # Spaces dropped too, so "PT-TH", "PT - TH" and "PTTH" are one organisation.
    return normalise_text(value).replace(" ", "")


def _email_key(value: str) -> str:
    return value.strip().casefold()


def _same(left: str, right: str) -> bool:
    return bool(left) and left == right


@dataclass(frozen=True)
class _PersonKeys:
    name: str
    email: str
    organisation: str


@dataclass(frozen=True)
class _RelationshipKeys:
    relationship: Relationship
    person: _PersonKeys


@dataclass(frozen=True)
class _JurorKeys:
    person: _PersonKeys
    relationships: tuple[_RelationshipKeys, ...]


def _person_keys(name: str, email: str, organisation: str) -> _PersonKeys:
    return _PersonKeys(_text_key(name), _email_key(email), _text_key(organisation))


def _juror_keys(juror: JurorProfile) -> _JurorKeys:
    return _JurorKeys(
        person=_person_keys(juror.name, juror.email, juror.organisation),
        relationships=tuple(
            _RelationshipKeys(r, _person_keys(r.name, r.email, r.organisation))
            for r in juror.relationships
        ),
    )


def _author_keys(authors: Sequence[AuthorProfile]) -> list[tuple[AuthorProfile, _PersonKeys]]:
    return [(a, _person_keys(a.name, a.email, a.organisation)) for a in authors]


def _find_conflicts(
    juror: _JurorKeys, authors: list[tuple[AuthorProfile, _PersonKeys]]
) -> list[Conflict]:
    found: list[Conflict] = []

    def add(conflict: Conflict) -> None:
        if conflict not in found:
            found.append(conflict)

    me = juror.person
    for author, their in authors:
        if _same(me.email, their.email) or _same(me.name, their.name):
            add(Conflict(ConflictKind.IS_AUTHOR, author.name))
        if _same(me.organisation, their.organisation):
            add(Conflict(ConflictKind.SAME_ORGANISATION, author.organisation))
        for related in juror.relationships:
            relationship, person = related.relationship, related.person
            kind = _CONFLICT_OF_RELATIONSHIP[relationship.kind]
            if _same(person.email, their.email) or _same(person.name, their.name):
                add(Conflict(kind, relationship.name or relationship.email))
            elif relationship.kind is RelationshipKind.COLLEAGUE and _same(
                person.organisation, their.organisation
            ):
                add(Conflict(kind, relationship.organisation))
    return found


def conflicts_between(juror: JurorProfile, authors: Sequence[AuthorProfile]) -> list[Conflict]:
    """Every reason `juror` may not judge a work by `authors`, without repeats; [] when none."""
    return _find_conflicts(_juror_keys(juror), _author_keys(authors))


def conflict_pairs(
    jurors: Sequence[JurorProfile],
    entries: Mapping[str, Sequence[AuthorProfile]],
    declared: Iterable[tuple[str, str]] = (),
) -> frozenset[tuple[str, str]]:
    """The (entry_id, juror_id) pairs that must never be assigned.

    `entries` maps an entry id to its authors; `declared` holds (entry_id, juror_id) conflicts
    the jurors declared themselves, which count whatever the profiles say.
    """
    pairs = set(declared)
    authors_of = {entry_id: _author_keys(authors) for entry_id, authors in entries.items()}
    for juror in jurors:
        keys = _juror_keys(juror)
        for entry_id, authors in authors_of.items():
            if _find_conflicts(keys, authors):
                pairs.add((entry_id, juror.juror_id))
    return frozenset(pairs)

"""Conflicts of interest: each rule on its own, the normalisation of Vietnamese names and
organisations, and the pairs the assignment must avoid."""

from __future__ import annotations

import unicodedata

import pytest

from services.judging.domain.conflicts import (
    CONFLICT_LABELS,
    AuthorProfile,
    Conflict,
    ConflictKind,
    JurorProfile,
    Relationship,
    RelationshipKind,
    conflict_pairs,
    conflicts_between,
    normalise_text,
)

JUROR = JurorProfile(juror_id="j1", name="Hoàng Văn Thụ", email="thu.hv@langson.gov.vn")
STRANGER = AuthorProfile(
    name="Lý Thị Mai", email="mai.lt@example.vn", organisation="Đài PT-TH Cao Bằng"
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Báo Lạng Sơn", "bao lang son"),
        ("bao lang  son", "bao lang son"),
        ("BÁO LẠNG SƠN.", "bao lang son"),
        ("  Đài Phát thanh – Truyền hình Lạng Sơn ", "dai phat thanh truyen hinh lang son"),
        ("Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"),
        ("ĐẶNG ĐỨC ƯỚC", "dang duc uoc"),
        ("Ðặng Đức", "dang duc"),  # the eth that legacy encodings put in place of "Đ"
        ("Tạp chí Văn nghệ (xứ Lạng)", "tap chi van nghe xu lang"),
        ("Phòng 3/2, Sở TT&TT", "phong 3 2 so tt tt"),
        ("", ""),
    ],
)
def test_normalise_text_removes_case_diacritics_and_punctuation(raw: str, normalised: str) -> None:
    assert normalise_text(raw) == normalised


def test_normalise_text_treats_decomposed_and_composed_unicode_alike() -> None:
    composed = "Lạng Sơn"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalise_text(decomposed) == normalise_text(composed) == "lang son"


def test_an_unrelated_juror_has_no_conflict() -> None:
    assert conflicts_between(JUROR, [STRANGER]) == []


def test_the_juror_is_an_author_by_email_whatever_its_case() -> None:
    author = AuthorProfile(name="Người khác", email="  THU.HV@LangSon.gov.vn ")
    assert conflicts_between(JUROR, [author]) == [Conflict(ConflictKind.IS_AUTHOR, "Người khác")]


def test_the_juror_is_an_author_by_normalised_full_name() -> None:
    author = AuthorProfile(name="HOÀNG VĂN THỤ", email="other@example.vn")
    assert conflicts_between(JUROR, [author]) == [Conflict(ConflictKind.IS_AUTHOR, "HOÀNG VĂN THỤ")]


def test_a_pen_name_alone_does_not_make_the_juror_an_author() -> None:
    author = AuthorProfile(name="Lý Thị Mai", pen_name="Hoàng Văn Thụ")
    assert conflicts_between(JUROR, [author]) == []


def test_a_co_author_is_enough() -> None:
    co_author = AuthorProfile(name="Hoàng Văn Thụ")
    found = conflicts_between(JUROR, [STRANGER, co_author])
    assert found == [Conflict(ConflictKind.IS_AUTHOR, "Hoàng Văn Thụ")]


def test_same_organisation_however_it_is_written() -> None:
    juror = JurorProfile("j2", "Trần Bình", "binh@baolangson.vn", organisation="Báo Lạng Sơn")
    for written in ("BÁO LẠNG SƠN.", "bao lang  son", "Báo Lạng Sơn"):
        author = AuthorProfile(name="Vi Văn Lợi", organisation=written)
        assert conflicts_between(juror, [author]) == [
            Conflict(ConflictKind.SAME_ORGANISATION, written)
        ]


def test_organisations_compare_without_spaces_or_hyphens() -> None:
    juror = JurorProfile("j2", "Trần Bình", "b@x.vn", organisation="Đài PT-TH Lạng Sơn")
    author = AuthorProfile(name="Vi Văn Lợi", organisation="Đài PTTH Lạng Sơn")
    assert [c.kind for c in conflicts_between(juror, [author])] == [ConflictKind.SAME_ORGANISATION]


def test_empty_organisations_never_match() -> None:
    no_org_juror = JurorProfile("j3", "Trần Bình", "binh@example.vn", organisation="")
    no_org_author = AuthorProfile(name="Vi Văn Lợi", organisation="")
    punctuation_only = AuthorProfile(name="Vi Văn Lợi", organisation=" .- ")
    assert conflicts_between(no_org_juror, [no_org_author, punctuation_only]) == []
    juror_with_org = JurorProfile("j4", "Trần Bình", "binh@example.vn", organisation="Báo Lạng Sơn")
    assert conflicts_between(juror_with_org, [no_org_author]) == []


def test_empty_emails_and_names_never_match() -> None:
    juror = JurorProfile("j5", "", "")
    assert conflicts_between(juror, [AuthorProfile(name="", email="")]) == []


def test_a_relative_by_name() -> None:
    juror = JurorProfile(
        "j6",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        relationships=(Relationship(RelationshipKind.RELATIVE, "Hoàng Thị Lan"),),
    )
    author = AuthorProfile(name="hoàng thị lan", email="lan@example.vn")
    assert conflicts_between(juror, [author]) == [Conflict(ConflictKind.RELATIVE, "Hoàng Thị Lan")]


def test_a_relative_by_email() -> None:
    juror = JurorProfile(
        "j6",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        relationships=(
            Relationship(RelationshipKind.RELATIVE, "Lan (con gái)", email="Lan.HT@example.vn"),
        ),
    )
    author = AuthorProfile(name="Hoàng Thị Lan Anh", email="lan.ht@example.vn")
    assert conflicts_between(juror, [author]) == [Conflict(ConflictKind.RELATIVE, "Lan (con gái)")]


def test_a_relatives_organisation_alone_is_no_conflict() -> None:
    juror = JurorProfile(
        "j6",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        relationships=(
            Relationship(RelationshipKind.RELATIVE, "Hoàng Thị Lan", organisation="Báo Lạng Sơn"),
        ),
    )
    author = AuthorProfile(name="Vi Văn Lợi", organisation="Báo Lạng Sơn")
    assert conflicts_between(juror, [author]) == []


def test_a_colleague_by_name_or_email() -> None:
    juror = JurorProfile(
        "j7",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        relationships=(
            Relationship(RelationshipKind.COLLEAGUE, "Nông Đức Mạnh"),
            Relationship(RelationshipKind.COLLEAGUE, "", email="toan@example.vn"),
        ),
    )
    by_name = AuthorProfile(name="NÔNG ĐỨC MẠNH")
    by_email = AuthorProfile(name="Chu Văn Toàn", email="Toan@Example.vn")
    assert conflicts_between(juror, [by_name]) == [
        Conflict(ConflictKind.COLLEAGUE, "Nông Đức Mạnh")
    ]
    assert conflicts_between(juror, [by_email]) == [
        Conflict(ConflictKind.COLLEAGUE, "toan@example.vn")
    ]


def test_a_colleagues_organisation_conflicts_with_its_authors() -> None:
    juror = JurorProfile(
        "j8",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        organisation="Sở Văn hoá",
        relationships=(
            Relationship(
                RelationshipKind.COLLEAGUE, "Nông Đức Mạnh", organisation="Tạp chí Xứ Lạng"
            ),
        ),
    )
    author = AuthorProfile(name="Chu Văn Toàn", organisation="TẠP CHÍ XỨ LẠNG")
    assert conflicts_between(juror, [author]) == [
        Conflict(ConflictKind.COLLEAGUE, "Tạp chí Xứ Lạng")
    ]


def test_several_rules_give_several_conflicts_without_repeats() -> None:
    juror = JurorProfile(
        "j9",
        "Hoàng Văn Thụ",
        "thu@example.vn",
        organisation="Báo Lạng Sơn",
        relationships=(Relationship(RelationshipKind.RELATIVE, "Hoàng Thị Lan"),),
    )
    authors = [
        AuthorProfile(name="Hoàng Văn Thụ", organisation="Báo Lạng Sơn"),
        AuthorProfile(name="Hoàng Thị Lan", organisation="Báo Lạng Sơn"),
    ]
    assert conflicts_between(juror, authors) == [
        Conflict(ConflictKind.IS_AUTHOR, "Hoàng Văn Thụ"),
        Conflict(ConflictKind.SAME_ORGANISATION, "Báo Lạng Sơn"),
        Conflict(ConflictKind.RELATIVE, "Hoàng Thị Lan"),
    ]


def test_conflict_pairs_joins_profile_conflicts_and_declared_ones() -> None:
    newsroom = JurorProfile("j-news", "Trần Bình", "binh@example.vn", organisation="Báo Lạng Sơn")
    free = JurorProfile("j-free", "Lương Văn Tri", "tri@example.vn")
    entries = {
        "e-newsroom": [AuthorProfile(name="Vi Văn Lợi", organisation="báo lạng sơn")],
        "e-own": [AuthorProfile(name="Lương Văn Tri")],
        "e-clear": [STRANGER],
        "e-anonymous": [],
    }
    pairs = conflict_pairs([newsroom, free], entries, declared=[("e-clear", "j-news")])
    assert pairs == frozenset(
        {("e-newsroom", "j-news"), ("e-own", "j-free"), ("e-clear", "j-news")}
    )


def test_every_conflict_kind_has_a_vietnamese_label() -> None:
    assert set(CONFLICT_LABELS) == set(ConflictKind)
    assert CONFLICT_LABELS[ConflictKind.IS_AUTHOR] == "Là tác giả"
    assert CONFLICT_LABELS[ConflictKind.SAME_ORGANISATION] == "Cùng cơ quan"
    assert CONFLICT_LABELS[ConflictKind.RELATIVE] == "Người thân"
    assert CONFLICT_LABELS[ConflictKind.COLLEAGUE] == "Đồng nghiệp"
    assert CONFLICT_LABELS[ConflictKind.DECLARED] == "Tự khai báo"
    assert all(unicodedata.is_normalized("NFC", label) for label in CONFLICT_LABELS.values())

"""Every e-mail template present renders in Vietnamese and English with its sample values
(StrictUndefined: a value the sample lacks fails), with a one-line subject; and the previews
list exactly the templates whose files are all there."""

from __future__ import annotations

import pytest

from services.notify.domain.samples import SAMPLES, sample_context
from services.notify.domain.templates import LANGUAGES, TEMPLATES, render
from services.notify.domain.templates import template_names as email_templates

PRESENT = email_templates()
# Templates the lead adds later: their samples are ready before their files.
UPCOMING = {"results_winner", "results_thanks", "entry_published", "announcement"}


def test_the_templates_of_today_are_all_found() -> None:
    assert {"account_verify_email", "entry_receipt", "juror_reminder"} <= set(PRESENT)
    names = {p.name.split(".", 1)[0] for p in (TEMPLATES / "email").glob("*.html")}
    assert names <= set(PRESENT) | UPCOMING


def test_every_template_present_has_a_sample() -> None:
    assert not set(PRESENT) - set(SAMPLES)
    assert set(SAMPLES) >= UPCOMING


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", PRESENT)
def test_the_sample_renders(template: str, language: str) -> None:
    message = render(template, language, sample_context(template, language))
    assert message.language == language
    assert message.subject and "\n" not in message.subject and len(message.subject) < 200
    assert "{{" not in message.text + message.html  # nothing left unfilled
    assert message.text.strip() and "<html" in message.html
    name = SAMPLES[template].get("name")
    if name:
        assert name in message.text and name in message.html


def test_times_and_roles_are_written_for_the_reader() -> None:
    vi = sample_context("account_staff_invitation", "vi")
    en = sample_context("account_staff_invitation", "en")
    assert (
        vi["expires_at"]
        == "17:00 ngày 09/09/2025"
        == SAMPLES["account_staff_invitation"]["expires_at"]
    )
    assert en["expires_at"] == "09/09/2025 17:00 (Vietnam time)"
    assert vi["roles"] == ("Giám khảo", "Tổ Thư ký")
    assert en["roles"][0] == "Juror (Giám khảo)"


def test_a_sample_is_a_copy() -> None:
    context = sample_context("results_winner", "vi")
    context["awards"].clear()
    assert SAMPLES["results_winner"]["awards"]


def test_upcoming_samples_have_the_announced_shape() -> None:
    winner = SAMPLES["results_winner"]
    assert set(winner["awards"][0]) == {"code", "title", "category", "tier", "prize"}
    assert set(winner["others"][0]) == {"code", "title", "category"}
    assert set(SAMPLES["results_thanks"]["entries"][0]) == {"code", "title", "category"}
    published = SAMPLES["entry_published"]
    assert {"outlet", "url", "published_at", "unsubscribe_url"} <= set(published)
    assert all(isinstance(p, str) for p in SAMPLES["announcement"]["paragraphs"])
    assert "unsubscribe_url" in SAMPLES["juror_reminder"]

"""The notification settings in a real browser at 375 px, in the four languages: reached from the
header's user menu, a box per kind of e-mail that concerns the person, saved with the form's CSRF
token."""

import pytest
from playwright.sync_api import expect

from core.services import user_language_set
from outputs.models import NotificationPreference
from testing.browser import PHONE
from testing.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# The header link, the box of each role and the saved message, as each language writes them.
WORDS = {
    "en": ("Notifications", "When an update of my countries is approved or returned",
           "A daily digest of the updates submitted for review", "Save", "Your notification settings are saved."),
    "fr": ("Notifications", "Quand une mise à jour de mes pays est approuvée ou renvoyée",
           "Un récapitulatif quotidien des mises à jour soumises pour revue", "Enregistrer",
           "Vos préférences de notification sont enregistrées."),
    "pt": ("Notificações", "Quando uma atualização dos meus países é aprovada ou devolvida",
           "Um resumo diário das atualizações submetidas para revisão", "Guardar",
           "As suas preferências de notificação foram guardadas."),
    "vi": ("Thông báo", "Khi một cập nhật của các quốc gia của tôi được phê duyệt hoặc trả lại",
           "Bản tổng hợp hằng ngày các cập nhật đã gửi để xem xét", "Lưu", "Cài đặt thông báo của bạn đã được lưu."),
}


def test_each_person_switches_their_review_emails_off_on_a_phone_in_their_language(users, journeys):
    journey = journeys("notifications", PHONE)
    for language, (link, outcomes, digest, save, saved) in WORDS.items():
        person, box = (users.officer_mw, outcomes) if language in ("en", "pt") else (users.coordinator, digest)
        kind = "review_outcomes" if person == users.officer_mw else "review_digest"
        user_language_set(user=person, language=language)
        page = journey.new_page()
        journey.login(page, person.username, DEMO_PASSWORD)
        page.locator(".user-menu").get_by_role("link", name=link).click()
        checkbox = page.get_by_role("checkbox", name=box)
        expect(checkbox).to_be_checked()
        journey.look(page, f"{language} {kind}")
        checkbox.uncheck()
        page.get_by_role("button", name=save).click()
        expect(page.locator(".messages")).to_contain_text(saved)
        expect(page.get_by_role("checkbox", name=box)).not_to_be_checked()  # the same page: looked at above
        assert getattr(NotificationPreference.objects.get(user=person), kind) is False
        NotificationPreference.objects.filter(user=person).delete()

    donor = journey.new_page()
    journey.login(donor, "donor", DEMO_PASSWORD)
    donor.goto("/accounts/notifications/")
    expect(donor.get_by_text("You hold neither role")).to_be_visible()
    journey.look(donor, "en donor")

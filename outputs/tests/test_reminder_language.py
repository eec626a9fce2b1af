"""Deadline reminders are written in the language each officer chose in the app."""

from datetime import timedelta

from django.utils import timezone

from core.services import user_language_set
from outputs.models import Output
from outputs.notifications import deadline_reminders_send
from testing.workflow import due_in, seed_output


def test_each_officer_gets_the_reminder_in_their_language(users, mailoutbox):
    Output.objects.update(deadline=timezone.localdate() + timedelta(days=365))
    due_in(seed_output("MW", "1.1"), -3)
    due_in(seed_output("VN", "1.1"), 5)
    due_in(seed_output("MZ", "1.1"), 0)
    user_language_set(user=users.officer_mw, language="fr")
    user_language_set(user=users.officer_vn, language="vi")
    user_language_set(user=users.officer_mz, language="pt")

    deadline_reminders_send()
    by_recipient = {message.to[0]: message for message in mailoutbox}

    french = by_recipient[users.officer_mw.email]
    assert french.subject == "Suivi des produits : 1 produit demande votre attention"
    assert "3 jours de retard" in french.body and "Veuillez rendre compte" in french.body
    vietnamese = by_recipient[users.officer_vn.email]
    assert vietnamese.subject == "Theo dõi đầu ra: 1 đầu ra cần chú ý"
    assert "còn 5 ngày" in vietnamese.body and "Hạn:" in vietnamese.body
    portuguese = by_recipient[users.officer_mz.email]
    assert "prazo hoje" in portuguese.body and portuguese.subject.startswith("Acompanhamento de produtos")
    # Who never chose (the second Malawi officer) reads the site's default language, English.
    english = by_recipient[users.officer_mw2.email]
    assert english.subject == "Output tracker: 1 output needs attention" and "3 days overdue" in english.body
    # The output's own text is never translated.
    assert seed_output("MW", "1.1").title[:60] in french.body

"""What the demo's people write, in their own language: officers' narratives (Portuguese for
Mozambique, French for the Global component, English elsewhere), the coordinator's reasons, and
the contents of the evidence files. Data, not interface text: never translated."""

import random
from collections.abc import Collection

# The language each component's officer writes in; English where none is named.
LANGUAGES = {"MZ": "pt", "global": "fr"}

# Who the English-writing officers work with, named in their narratives.
PARTNERS = {
    "MW": "the Ministry of Gender, Community Development and Social Welfare",
    "ZM": "the Ministry of Community Development and Social Services",
    "VN": "Viet Nam Social Security and the line ministries",
}
DEFAULT_PARTNER = "the national counterparts"

# {partner}: the component's partner (English only); {count}: a head count.
NARRATIVES = {
    "en": {
        "not_started": [
            "Work has not started yet: the terms of reference are being agreed with {partner}.",
            "Planned for the next quarter, once the national consultant is recruited. {partner_cap} has "
            "named its focal point.",
        ],
        "on_track": [
            "The technical working group with {partner} met as planned. The draft is under review and the "
            "next consultation is scheduled.",
            "{count} participants from government, workers' and employers' organisations attended the "
            "consultation. Their comments are being integrated into the draft.",
            "Data collection is complete in the pilot districts and the analysis is under way with {partner}.",
            "The inception report was accepted and the field work started on time. No obstacles so far.",
        ],
        "at_risk": [
            "The validation workshop was postponed because {partner} asked for more time to review the draft. "
            "A new date is being agreed.",
            "Recruiting the national consultant took longer than planned: the work is about six weeks behind "
            "schedule.",
            "Elections delayed the tripartite consultation; {partner} expects to hold it next quarter.",
        ],
        "off_track": [
            "On hold: the budget line was not released this quarter and {partner} changed its focal point. A "
            "revised workplan goes to the steering committee.",
            "No progress since the last report: the consultations could not take place before the end of the "
            "fiscal year.",
        ],
        "achieved": [
            "Completed: the final report was validated by {partner} and shared with the social partners.",
            "Done. The document was adopted at the tripartite meeting and published; {count} copies were "
            "distributed.",
            "Achieved: the last of the planned workshops took place ({count} participants) and the evaluation "
            "report is attached to the programme's files.",
        ],
        "cancelled": [
            "Cancelled in agreement with the steering committee: another partner's programme now covers the "
            "activity and the funds were reallocated.",
        ],
    },
    "pt": {
        "not_started": [
            "As actividades ainda não começaram: os termos de referência estão a ser acordados com o INAS.",
            "Previsto para o próximo trimestre, após o recrutamento do consultor nacional. O MGCAS já indicou "
            "o seu ponto focal.",
        ],
        "on_track": [
            "O grupo técnico de trabalho com o MGCAS reuniu-se conforme previsto. O rascunho está em revisão e "
            "a próxima consulta está agendada.",
            "{count} participantes do governo, dos sindicatos e das associações de empregadores estiveram na "
            "consulta. Os comentários estão a ser integrados no documento.",
            "A recolha de dados terminou nos distritos-piloto e a análise está em curso com o INAS.",
            "O relatório inicial foi aceite e o trabalho de campo começou a tempo. Sem obstáculos até agora.",
        ],
        "at_risk": [
            "O seminário de validação foi adiado porque o MGCAS pediu mais tempo para rever o documento. Está a "
            "ser acordada uma nova data.",
            "O recrutamento do consultor nacional demorou mais do que o previsto: o trabalho tem cerca de seis "
            "semanas de atraso.",
        ],
        "off_track": [
            "Actividade suspensa: a verba não foi libertada neste trimestre e o INAS mudou de ponto focal. Um "
            "plano de trabalho revisto vai ao comité de coordenação.",
            "Sem progresso desde o último relatório: as consultas não puderam realizar-se antes do fim do ano "
            "fiscal.",
        ],
        "achieved": [
            "Concluído: o relatório final foi validado pelo MGCAS e partilhado com os parceiros sociais.",
            "Concluído. O documento foi aprovado na reunião tripartida e publicado; foram distribuídos {count} "
            "exemplares.",
        ],
        "cancelled": [
            "Cancelado de acordo com o comité de coordenação: o programa de outro parceiro passou a cobrir a "
            "actividade e os fundos foram realocados.",
        ],
    },
    "fr": {
        "not_started": [
            "Les activités n'ont pas encore commencé : les termes de référence sont en discussion avec les "
            "bureaux de pays.",
            "Prévu pour le prochain trimestre, après le recrutement du consultant. Le point focal au siège est "
            "désigné.",
        ],
        "on_track": [
            "Le groupe de travail technique s'est réuni comme prévu. Le projet de document est en relecture et "
            "la prochaine consultation est programmée.",
            "{count} participants des gouvernements et des partenaires sociaux ont suivi la session de "
            "formation TRANSFORM ; les évaluations sont très positives.",
            "La collecte des études de cas est terminée dans trois pays et l'analyse est en cours avec les "
            "bureaux de pays.",
            "Le rapport de démarrage a été accepté et les travaux ont commencé à temps. Aucun obstacle à ce jour.",
        ],
        "at_risk": [
            "L'atelier de validation a été reporté à la demande des partenaires ; une nouvelle date est en "
            "discussion.",
            "Le recrutement du consultant a pris plus de temps que prévu : le travail accuse environ six "
            "semaines de retard.",
        ],
        "off_track": [
            "Activité suspendue : les fonds n'ont pas été débloqués ce trimestre. Un plan de travail révisé "
            "sera soumis au comité de pilotage.",
            "Aucun progrès depuis le dernier rapport : les consultations n'ont pas pu avoir lieu avant la fin "
            "de l'exercice.",
        ],
        "achieved": [
            "Terminé : le rapport final a été validé par le comité de pilotage et partagé avec les partenaires.",
            "Terminé. Le document a été publié sur la plateforme social-protection.org et présenté lors du "
            "webinaire régional ({count} participants).",
        ],
        "cancelled": [
            "Annulé en accord avec le comité de pilotage : un autre programme couvre désormais l'activité et "
            "les fonds ont été réaffectés.",
        ],
    },
}

# The coordinator writes in English.
RETURN_REASON = (
    "Please say when the validation workshop will now take place and attach the attendance list of the "
    "consultation: the narrative says the work is delayed, but the progress figure went up."
)
EXTENSION_REASON = "Deadline extended as agreed at the steering committee: the work resumes next quarter."
TITLE_REASON = "Typo corrected in the output's text."


def language(country: str) -> str:
    return LANGUAGES.get(country, "en")


def narrative(country: str, status: str, rng: random.Random, *, unlike: Collection[str] = ()) -> tuple[str, str]:
    """(template, text) of an officer's narrative for this status, in the component's language;
    none of the templates ``unlike`` (those just used) when there is a choice."""
    partner = PARTNERS.get(country, DEFAULT_PARTNER)
    templates = NARRATIVES[language(country)][status]
    template = rng.choice([text for text in templates if text not in unlike] or templates)
    text = template.format(partner=partner, partner_cap=partner[0].upper() + partner[1:], count=rng.randrange(18, 64))
    return template, text


def country_link(country: str) -> str:
    """The component's page on the ILO's social protection platform (the Global component: its home)."""
    if country.isalpha() and len(country) == 2 and country.isupper():
        return f"https://www.social-protection.org/gimi/ShowCountryProfile.action?iso={country}"
    return "https://www.social-protection.org/"


# The evidence files, by language: (file name, heading, paragraphs, table rows).
REPORT_FILES = {
    "en": (
        "Validation workshop report.pdf",
        "Validation workshop report",
        [
            "The validation workshop brought together government, workers' and employers' organisations "
            "and civil society to review the final draft.",
            "Participants endorsed the document subject to the changes listed below, which the technical "
            "team has since made.",
        ],
        [("Participants", "42"), ("Of whom women", "19"), ("Comments received", "37"), ("Comments addressed", "37")],
    ),
    "pt": (
        "Relatório de progresso.pdf",
        "Relatório de progresso",
        [
            "Este relatório resume as actividades do trimestre realizadas com o MGCAS e o INAS, e os "
            "próximos passos acordados no grupo técnico de trabalho.",
            "As recomendações da consulta serão integradas no documento antes da sua validação.",
        ],
        [("Reuniões do grupo técnico", "3"), ("Participantes na consulta", "34"), ("Instituições", "7")],
    ),
    "fr": (
        "Note de synthèse.pdf",
        "Note de synthèse",
        [
            "Cette note résume les études de cas réalisées avec les bureaux de pays et les enseignements "
            "partagés lors du webinaire régional.",
            "Les études de cas sont publiées sur la plateforme social-protection.org.",
        ],
        [("Études de cas", "6"), ("Pays couverts", "5"), ("Participants au webinaire", "138")],
    ),
}

# The charts, by component: (file name, heading, [(label, value)]).
CHART_FILES = {
    "ZM": ("Registration drive by month.png", "Informal economy workers registered",
           [("Jan", 120), ("Feb", 180), ("Mar", 260), ("Apr", 310), ("May", 420), ("Jun", 515)]),
    "VN": ("Training participants by province.png", "Training participants by province",
           [("Ha Noi", 64), ("Hai Phong", 38), ("Da Nang", 41), ("Can Tho", 29), ("Ho Chi Minh City", 72)]),
}

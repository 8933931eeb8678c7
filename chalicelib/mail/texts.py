"""Every user-visible string of the e-mails and the unsubscribe page, per language.

``{partner}``, ``{name}``, ``{closes}``, ``{survey}`` (the survey's title), ``{minutes}`` (the
estimated duration, worded per language) and ``{sender}`` (the program's sender name) are filled
with ``str.format`` on plain text; the templates escape the result for HTML. A survey may replace
the subject and body of its invitations and reminders (``messages`` in the definition). Missing
languages fall back to English.
"""
from __future__ import annotations

from datetime import datetime

DEFAULT_LANGUAGE = "en"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "invitation_subject": "{partner}: how is our partner program working for you?",
        "reminder_subject": "Reminder: the partner survey closes on {closes}",
        "finish_subject": "Your partner survey is saved: finish it by {closes}",
        "greeting": "Hello {name},",
        "invitation_body": ("You are invited to “{survey}” for {partner}. It takes about {minutes}, "
                            "your answers are confidential, and it is open until {closes}."),
        "reminder_body": ("We have not received your answers to “{survey}” for {partner} yet. It takes about "
                          "{minutes} and closes on {closes}."),
        "finish_body": ("You started the survey for {partner} and your answers are saved. Please finish and "
                        "submit it by {closes} so they count."),
        "invitation_button": "Start the survey",
        "reminder_button": "Take the survey",
        "finish_button": "Finish your survey",
        "personal_link": "This link is personal: please do not forward it.",
        "signature": "{sender}",
        "unsubscribe_note": "Do not want e-mails about this survey?",
        "unsubscribe_link": "Unsubscribe",
        "page_title": "Unsubscribe",
        "confirm_question": "Stop all e-mails about this survey?",
        "confirm_button": "Unsubscribe",
        "done": "You are unsubscribed: you will receive no more e-mails about this survey.",
    },
    "es": {
        "invitation_subject": "{partner}: ¿cómo le está funcionando nuestro programa de partners?",
        "reminder_subject": "Recordatorio: la encuesta de partners cierra el {closes}",
        "finish_subject": "Su encuesta de partners está guardada: termínela antes del {closes}",
        "greeting": "Hola, {name}:",
        "invitation_body": ("Le invitamos a «{survey}» para {partner}. Dura unos {minutes}, sus respuestas "
                            "son confidenciales y está abierta hasta el {closes}."),
        "reminder_body": ("Aún no hemos recibido sus respuestas a «{survey}» para {partner}. Dura unos "
                          "{minutes} y cierra el {closes}."),
        "finish_body": ("Ha empezado la encuesta para {partner} y sus respuestas están guardadas. Termínela y "
                        "envíela antes del {closes} para que cuenten."),
        "invitation_button": "Empezar la encuesta",
        "reminder_button": "Responder la encuesta",
        "finish_button": "Terminar la encuesta",
        "personal_link": "Este enlace es personal: no lo reenvíe.",
        "signature": "{sender}",
        "unsubscribe_note": "¿No desea recibir correos sobre esta encuesta?",
        "unsubscribe_link": "Darse de baja",
        "page_title": "Darse de baja",
        "confirm_question": "¿Dejar de recibir correos sobre esta encuesta?",
        "confirm_button": "Darse de baja",
        "done": "Se ha dado de baja: no recibirá más correos sobre esta encuesta.",
    },
    "ja": {
        "invitation_subject": "{partner} 様：パートナープログラムについてご意見をお聞かせください",
        "reminder_subject": "リマインダー：パートナー調査の締め切りは{closes}です",
        "finish_subject": "パートナー調査の回答は保存されています：{closes}までに完了してください",
        "greeting": "{name} 様",
        "invitation_body": ("{partner} 様を「{survey}」にご招待します。所要時間は約{minutes}、"
                            "回答は機密として扱われます。回答期限は{closes}です。"),
        "reminder_body": ("「{survey}」への{partner} 様からのご回答をまだいただいておりません。"
                          "所要時間は約{minutes}、締め切りは{closes}です。"),
        "finish_body": ("{partner} 様の調査への回答は保存されています。回答を反映するため、{closes}までに"
                        "完了して送信してください。"),
        "invitation_button": "調査を開始する",
        "reminder_button": "調査に回答する",
        "finish_button": "調査を完了する",
        "personal_link": "このリンクはあなた専用です。転送しないでください。",
        "signature": "{sender}",
        "unsubscribe_note": "この調査に関するメールが不要な場合",
        "unsubscribe_link": "配信停止",
        "page_title": "配信停止",
        "confirm_question": "この調査に関するメールの配信をすべて停止しますか？",
        "confirm_button": "配信停止",
        "done": "配信を停止しました。この調査に関するメールは今後届きません。",
    },
    "de": {
        "invitation_subject": "{partner}: Wie gut funktioniert unser Partnerprogramm für Sie?",
        "reminder_subject": "Erinnerung: Die Partnerumfrage endet am {closes}",
        "finish_subject": "Ihre Partnerumfrage ist gespeichert: bitte bis {closes} abschließen",
        "greeting": "Hallo {name},",
        "invitation_body": ("wir laden Sie zu „{survey}“ für {partner} ein. Sie dauert etwa {minutes}, Ihre "
                            "Antworten sind vertraulich, und sie ist bis {closes} geöffnet."),
        "reminder_body": ("wir haben Ihre Antworten zu „{survey}“ für {partner} noch nicht erhalten. Sie dauert "
                          "etwa {minutes} und endet am {closes}."),
        "finish_body": ("Sie haben die Umfrage für {partner} begonnen, Ihre Antworten sind gespeichert. Bitte "
                        "schließen Sie sie bis {closes} ab, damit sie zählen."),
        "invitation_button": "Umfrage starten",
        "reminder_button": "An der Umfrage teilnehmen",
        "finish_button": "Umfrage abschließen",
        "personal_link": "Dieser Link ist persönlich: bitte nicht weiterleiten.",
        "signature": "{sender}",
        "unsubscribe_note": "Keine E-Mails mehr zu dieser Umfrage?",
        "unsubscribe_link": "Abmelden",
        "page_title": "Abmelden",
        "confirm_question": "Alle E-Mails zu dieser Umfrage abbestellen?",
        "confirm_button": "Abmelden",
        "done": "Sie sind abgemeldet: Sie erhalten keine E-Mails mehr zu dieser Umfrage.",
    },
}

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
}


def choose_language(requested: str | None) -> str:
    """``pt-BR`` -> ``pt-BR`` if we have it, else ``pt``, else English."""
    tag = (requested or "").strip()
    for candidate in (tag, tag.split("-")[0].lower()):
        if candidate in TEXTS:
            return candidate
    return DEFAULT_LANGUAGE


def format_date(moment: datetime, language: str) -> str:
    """A date as people write it in ``language`` (UTC calendar day)."""
    day, month, year = moment.day, moment.month, moment.year
    if language == "ja":
        return f"{year}年{month}月{day}日"
    if language == "es":
        return f"{day} de {MONTHS['es'][month - 1]} de {year}"
    if language == "de":
        return f"{day}. {MONTHS['de'][month - 1]} {year}"
    return f"{day} {MONTHS['en'][month - 1]} {year}"


def minutes_text(minutes: int, language: str) -> str:
    """An estimated duration as words: "one minute", "5 minutes", "5分" ..."""
    if language == "ja":
        return f"{minutes}分"
    words = {"en": ("one minute", "{n} minutes"), "es": ("un minuto", "{n} minutos"),
             "de": ("eine Minute", "{n} Minuten")}.get(language, ("one minute", "{n} minutes"))
    return words[0] if minutes == 1 else words[1].format(n=minutes)

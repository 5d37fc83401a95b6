"""Every text of the inbox, in Dutch and English: templates name a key, never a sentence.

A missing Dutch text falls back to English, and a missing key shows as the
key itself, so a gap is visible on the page instead of breaking it; a unit
test keeps both languages complete.
"""

from __future__ import annotations

from typing import Any

EN: dict[str, str] = {
    "app": "webcare inbox",
    "skip": "Skip to content",
    "nav_inbox": "Inbox",
    "nav_search": "Search",
    "nav_team": "Team",
    "nav_replies": "Saved replies",
    "sign_out": "Sign out",
    "language_label": "Language",
    "login_title": "Sign in",
    "username": "Username",
    "password": "Password",
    "sign_in": "Sign in",
    "login_failed": "Unknown username or wrong password.",
    "login_throttled": "Too many failed attempts. Try again in {seconds} seconds.",
    "login_sso": "Sign in with single sign-on",
    "login_sso_failed": "Signing in with single sign-on did not succeed. Please try again.",
    "login_sso_refused": (
        "Your single sign-on account ({username}) has no access to this inbox."
        " Ask an administrator to add you."
    ),
    "login_sso_unavailable": (
        "Single sign-on cannot be reached right now. Try again later or sign in with your password."
    ),
    "queue_title": "Queue of {department}",
    "department": "Department",
    "topic": "Topic",
    "status": "Status",
    "channel": "Channel",
    "any": "any",
    "filter": "Filter",
    "status_open": "open",
    "status_claimed": "claimed",
    "status_overdue": "overdue",
    "status_resolved": "resolved",
    "priority": "Priority",
    "sla": "SLA",
    "due_in": "due in {left}",
    "overdue_by": "overdue by {left}",
    "no_deadline": "no deadline",
    "author": "Author",
    "text": "Text",
    "topics": "Topics",
    "sentiment": "Sentiment",
    "also_to": "Also with",
    "claimed_by": "Claimed by",
    "nobody": "nobody",
    "empty_queue": "Nothing here. New mentions appear without reloading.",
    "live": "Live: new mentions appear as they arrive.",
    "more": "More than {n}: narrow the filters.",
    "open_mention": "Open",
    "mention_title": "Mention {id}",
    "posted_on": "on {channel}",
    "original": "Original post",
    "followers": "{n} followers",
    "classifier": "Classifier",
    "why_topics": "Why these topics",
    "no_explanation": "No explanation stored.",
    "routed_to": "Departments and why",
    "rule": "Rule",
    "deliveries": "Deliveries",
    "outcome": "Outcome",
    "attempt": "Attempt",
    "when": "When",
    "timeline": "Whole conversation with this person",
    "timeline_hint": "Every channel and department: the shared record.",
    "actions": "Actions",
    "claim": "Claim",
    "release": "Release",
    "resolve": "Resolve",
    "reply": "Reply",
    "reply_text": "Your reply",
    "reply_channel": "Channel",
    "reply_posted_hint": (
        "Webcare posts it through the organisation's account on {channel}, threaded under "
        "this mention; it shows here with its link once the platform has it."
    ),
    "reply_elsewhere": "I answered elsewhere: only record it",
    "reply_confirm": "Send it anyway: I have read the warnings",
    "reply_direct": "As a direct message",
    "warnings_title": "Before you send this, read:",
    "view_post": "View the post",
    "done_reply_requested": "Sent for posting; it shows in the timeline with its link soon.",
    "error_confirm_warnings": "The reply has warnings; read them and confirm, or change it.",
    "error_reply_too_long": "Too long for the platform: {detail}",
    "error_no_reply_channel": "This channel cannot be answered from webcare: {detail}",
    "error_no_account": "No organisation account may post this for you: {detail}",
    "saved_reply": "Insert a saved reply",
    "retag": "Re-tag",
    "retag_hint": "Your topics replace the classifier's and teach it.",
    "note": "Note",
    "note_text": "A note for colleagues",
    "add_note": "Add note",
    "done_claimed": "You hold this mention now.",
    "done_released": "Claim released.",
    "done_replied": "Reply recorded.",
    "done_retagged": "Topics saved.",
    "done_resolved": "Resolved.",
    "done_note": "Note added.",
    "pending": "Sent; it will show in a moment.",
    "error_claim_conflict": "Someone else holds this mention.",
    "error_forbidden": "You can act only on mentions routed to your departments.",
    "error_not_routed_yet": "Routing has not decided this mention yet. Try again in a moment.",
    "error_kafka_unavailable": "The event bus is unavailable. Nothing was done; try again.",
    "error_invalid": "That did not look right: {detail}",
    "error_unknown_topics": "Unknown topic.",
    "error_mention_not_found": "No such mention.",
    "not_found": "Not found",
    "forbidden_csrf": "This form has expired. Reload the page and try again.",
    "team_title": "Team figures",
    "backlog": "Open",
    "overdue": "Overdue",
    "routed": "Routed",
    "answered_in_time": "Answered in time",
    "answered_late": "Answered late",
    "never_answered": "Never answered",
    "first_response_p50": "First response (median)",
    "share_in_time": "Share in time",
    "search_title": "Search all mentions",
    "search_words": "Words",
    "search_go": "Search",
    "no_results": "No mentions found.",
    "results": "{n} shown",
    "replies_title": "Saved replies",
    "replies_hint": "Placeholders: {author_name}, {author_handle}, {my_name}, {department}.",
    "title": "Title",
    "body": "Text",
    "save": "Save",
    "delete": "Delete",
    "leads_only": "Only leads and admins change saved replies.",
    "shortcuts": (
        "Keyboard: j/k next/previous, Enter open, c claim, r reply, n/p next/previous "
        "mention, / search, ? help"
    ),
    "next": "Next mention",
    "previous": "Previous mention",
    "back_to_queue": "Back to the queue",
    "signed_in_as": "Signed in as {name}",
    "people_in": "{departments} · {role}",
}

NL: dict[str, str] = {
    "app": "webcare-inbox",
    "skip": "Naar de inhoud",
    "nav_inbox": "Inbox",
    "nav_search": "Zoeken",
    "nav_team": "Team",
    "nav_replies": "Standaardantwoorden",
    "sign_out": "Afmelden",
    "language_label": "Taal",
    "login_title": "Aanmelden",
    "username": "Gebruikersnaam",
    "password": "Wachtwoord",
    "sign_in": "Aanmelden",
    "login_failed": "Onbekende gebruikersnaam of verkeerd wachtwoord.",
    "login_throttled": "Te veel mislukte pogingen. Probeer het over {seconds} seconden opnieuw.",
    "login_sso": "Aanmelden met single sign-on",
    "login_sso_failed": "Aanmelden met single sign-on is niet gelukt. Probeer het opnieuw.",
    "login_sso_refused": (
        "Je single sign-on-account ({username}) heeft geen toegang tot deze inbox."
        " Vraag een beheerder om je toe te voegen."
    ),
    "login_sso_unavailable": (
        "Single sign-on is nu niet bereikbaar. Probeer het later opnieuw of meld je aan met je"
        " wachtwoord."
    ),
    "queue_title": "Wachtrij van {department}",
    "department": "Afdeling",
    "topic": "Onderwerp",
    "status": "Status",
    "channel": "Kanaal",
    "any": "alle",
    "filter": "Filteren",
    "status_open": "open",
    "status_claimed": "geclaimd",
    "status_overdue": "te laat",
    "status_resolved": "afgehandeld",
    "priority": "Prioriteit",
    "sla": "Termijn",
    "due_in": "nog {left}",
    "overdue_by": "{left} te laat",
    "no_deadline": "geen termijn",
    "author": "Afzender",
    "text": "Tekst",
    "topics": "Onderwerpen",
    "sentiment": "Sentiment",
    "also_to": "Ook bij",
    "claimed_by": "Geclaimd door",
    "nobody": "niemand",
    "empty_queue": "Niets te doen. Nieuwe vermeldingen verschijnen vanzelf.",
    "live": "Live: nieuwe vermeldingen verschijnen zodra ze binnenkomen.",
    "more": "Meer dan {n}: verfijn de filters.",
    "open_mention": "Openen",
    "mention_title": "Vermelding {id}",
    "posted_on": "op {channel}",
    "original": "Oorspronkelijk bericht",
    "followers": "{n} volgers",
    "classifier": "Classificatie",
    "why_topics": "Waarom deze onderwerpen",
    "no_explanation": "Geen uitleg bewaard.",
    "routed_to": "Afdelingen en waarom",
    "rule": "Regel",
    "deliveries": "Afleveringen",
    "outcome": "Uitkomst",
    "attempt": "Poging",
    "when": "Wanneer",
    "timeline": "Het hele gesprek met deze persoon",
    "timeline_hint": "Alle kanalen en afdelingen: het gedeelde dossier.",
    "actions": "Acties",
    "claim": "Claimen",
    "release": "Vrijgeven",
    "resolve": "Afhandelen",
    "reply": "Antwoorden",
    "reply_text": "Je antwoord",
    "reply_channel": "Kanaal",
    "reply_posted_hint": (
        "Webcare plaatst het via het account van de organisatie op {channel}, als antwoord "
        "op deze vermelding; met de link verschijnt het hier zodra het platform het heeft."
    ),
    "reply_elsewhere": "Ik heb elders geantwoord: alleen vastleggen",
    "reply_confirm": "Toch versturen: ik heb de waarschuwingen gelezen",
    "reply_direct": "Als privébericht",
    "warnings_title": "Lees dit voor je verstuurt:",
    "view_post": "Bekijk het bericht",
    "done_reply_requested": "Verstuurd om te plaatsen; het staat zo met de link in de tijdlijn.",
    "error_confirm_warnings": (
        "Het antwoord heeft waarschuwingen; lees ze en bevestig, of pas het aan."
    ),
    "error_reply_too_long": "Te lang voor het platform: {detail}",
    "error_no_reply_channel": "Op dit kanaal kan webcare niet antwoorden: {detail}",
    "error_no_account": "Geen account van de organisatie mag dit voor jou plaatsen: {detail}",
    "saved_reply": "Standaardantwoord invoegen",
    "retag": "Onderwerpen aanpassen",
    "retag_hint": "Jouw onderwerpen vervangen die van de classificatie en leren haar bij.",
    "note": "Notitie",
    "note_text": "Een notitie voor collega's",
    "add_note": "Notitie toevoegen",
    "done_claimed": "Jij hebt deze vermelding nu.",
    "done_released": "Claim vrijgegeven.",
    "done_replied": "Antwoord vastgelegd.",
    "done_retagged": "Onderwerpen opgeslagen.",
    "done_resolved": "Afgehandeld.",
    "done_note": "Notitie toegevoegd.",
    "pending": "Verstuurd; het verschijnt zo.",
    "error_claim_conflict": "Iemand anders heeft deze vermelding al.",
    "error_forbidden": "Je kunt alleen iets doen met vermeldingen voor jouw afdelingen.",
    "error_not_routed_yet": "Deze vermelding is nog niet verdeeld. Probeer het zo opnieuw.",
    "error_kafka_unavailable": (
        "De berichtenbus is niet bereikbaar. Er is niets gedaan; probeer het opnieuw."
    ),
    "error_invalid": "Dat klopte niet: {detail}",
    "error_unknown_topics": "Onbekend onderwerp.",
    "error_mention_not_found": "Deze vermelding bestaat niet.",
    "not_found": "Niet gevonden",
    "forbidden_csrf": "Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
    "team_title": "Cijfers per team",
    "backlog": "Open",
    "overdue": "Te laat",
    "routed": "Verdeeld",
    "answered_in_time": "Op tijd beantwoord",
    "answered_late": "Te laat beantwoord",
    "never_answered": "Nooit beantwoord",
    "first_response_p50": "Eerste reactie (mediaan)",
    "share_in_time": "Deel op tijd",
    "search_title": "Alle vermeldingen doorzoeken",
    "search_words": "Woorden",
    "search_go": "Zoeken",
    "no_results": "Geen vermeldingen gevonden.",
    "results": "{n} getoond",
    "replies_title": "Standaardantwoorden",
    "replies_hint": "Invulvelden: {author_name}, {author_handle}, {my_name}, {department}.",
    "title": "Titel",
    "body": "Tekst",
    "save": "Opslaan",
    "delete": "Verwijderen",
    "leads_only": "Alleen teamleiders en beheerders wijzigen standaardantwoorden.",
    "shortcuts": (
        "Toetsen: j/k volgende/vorige, Enter openen, c claimen, r antwoorden, n/p "
        "volgende/vorige vermelding, / zoeken, ? hulp"
    ),
    "next": "Volgende vermelding",
    "previous": "Vorige vermelding",
    "back_to_queue": "Terug naar de wachtrij",
    "signed_in_as": "Aangemeld als {name}",
    "people_in": "{departments} · {role}",
}

CATALOGUES = {"en": EN, "nl": NL}


class Messages:
    """One language's texts: `t.key` or `t("key", n=3)` in a template."""

    def __init__(self, language: str) -> None:
        self.language = language if language in CATALOGUES else "nl"
        self._texts = CATALOGUES[self.language]

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        return self._texts.get(key) or EN.get(key) or key

    def __call__(self, key: str, **values: Any) -> str:
        text = self.__getattr__(key)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text


def messages_for(language: str | None) -> Messages:
    return Messages(language or "nl")

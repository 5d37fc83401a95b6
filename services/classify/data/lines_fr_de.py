# ruff: noqa: E501  (hand-written data lines, kept one per line)
"""Hand-written French and German lines: `topics|sentiment|lang|text` (codes as in lines_nl.py).

Fewer than Dutch and English: the issue asks only that these get a sensible answer.
"""

_TEXT = """
f|0|fr|Bonjour, est-ce que je peux faire un don à {org} depuis la Belgique par virement ?
f|+|fr|J'ai fait un don de {amount} à {org} ce matin. Merci pour votre travail !
fc|-|fr|J'ai été prélevé deux fois pour mon don à {org}. Merci de me rembourser rapidement.
fc|-|fr|Le démarcheur de {org} à {city} a été très insistant. Inacceptable.
v|0|fr|Je voudrais devenir bénévole chez {org} à {city}. Comment je m'inscris ?
v|+|fr|Première journée comme bénévole avec {org}, une équipe formidable !
vp|0|fr|Est-ce que je peux aider comme bénévole à Samen Eten à {city} ? Je cuisine bien.
j|0|fr|Le poste de {role_en} chez {org} est-il ouvert aux francophones ? Quel est le salaire ?
j|0|fr|Je postule pour le poste de {role_en}. Vous trouverez mon CV en pièce jointe.
c|-|fr|Toujours aucune réponse à mon e-mail depuis {n_en} semaines. Très déçu.
cp|-|fr|Le repas de Samen Eten à {city} a été annulé sans prévenir. Ma mère était très déçue.
p|0|fr|Est-ce que l'aide aux devoirs de {org} existe aussi à Bruxelles ?
p|+|fr|Ma fille adore l'aide aux devoirs à {city}. Ses notes ont beaucoup progressé, merci !
r|0|fr|Journaliste au Soir, je prépare un article sur {org}. Pourriez-vous me mettre en contact avec un porte-parole ?
rc|-|fr|Journaliste ici : trois e-mails au service de presse de {org} et aucune réponse. J'écrirai que vous n'avez pas souhaité réagir.
|0|fr|Gagnez 1000€ par jour avec notre robot crypto !!! Cliquez sur le lien 💰
|+|fr|Joli logo {org}, bravo aux designers.
f|0|de|Kann ich aus Deutschland an {org} spenden? Ich habe kein iDEAL.
f|+|de|Habe heute {amount} an {org} gespendet. Tolle Arbeit, weiter so!
fc|-|de|Mir wurde meine Spende an {org} zweimal abgebucht. Bitte um Rückerstattung.
fc|-|de|Der Spendensammler von {org} war an der Haustür total aufdringlich. Unmöglich.
v|0|de|Ich möchte mich ehrenamtlich bei {org} in {city} engagieren. Wie melde ich mich an?
v|+|de|Mein erster Tag als Freiwilliger bei {org}. Super Team!
vp|0|de|Kann ich als Ehrenamtlicher bei Samen Eten in {city} mitkochen? Ich spreche noch kein Niederländisch.
j|0|de|Ist die Stelle als {role_en} bei {org} noch frei? Wie hoch ist das Gehalt?
j|0|de|Hiermit bewerbe ich mich auf die Stelle {role_en}. Lebenslauf im Anhang.
c|-|de|Seit {n_en} Wochen keine Antwort auf meine E-Mail. Sehr enttäuschend.
cp|-|de|Samen Eten in {city} fiel heute ohne Ankündigung aus. Wir standen vor verschlossener Tür.
p|0|de|Gibt es die Hausaufgabenhilfe von {org} auch in {city}?
p|+|de|Die Hausaufgabenhilfe hat meinem Sohn so geholfen. Danke {org}!
r|0|de|Ich bin Journalistin bei der Rheinischen Post und schreibe über {org}. Gibt es eine Pressesprecherin?
rc|-|de|Als Journalist warte ich seit {n_en} Tagen auf eine Antwort der Pressestelle von {org}. Unprofessionell.
|0|de|Jetzt Follower kaufen!!! 10.000 echte Follower für nur 9,99€ 👉 Link in Bio
|+|de|Schönes Logo {org}, gefällt mir.
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

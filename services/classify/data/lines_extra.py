# ruff: noqa: E501  (hand-written data lines, kept one per line)
"""A third batch of hand-written lines: more French and German, more ways to say the
same thing in Dutch and English, short replies. Same format as lines_nl.py.
"""

_TEXT = """
# --- French
f|0|fr|Comment puis-je modifier le montant de mon don mensuel à {org} ?
f|+|fr|Notre école a récolté {amount} pour {org} avec une vente de gâteaux. Bravo les enfants !
f|0|fr|Est-ce que mon don à {org} est déductible des impôts en Belgique ? Recevrai-je une attestation fiscale ?
f|0|fr|Je souhaite faire un legs à {org} dans mon testament. Qui puis-je contacter ?
fc|-|fr|Je n'ai jamais signé de domiciliation et pourtant {org} prélève {amount} chaque mois. C'est une arnaque ?
fc|-|fr|Encore un appel de collecte de fonds de {org} pendant le dîner. Arrêtez de m'appeler !
v|0|fr|Je suis retraitée et j'ai du temps libre. Est-ce que {org} cherche des bénévoles à {city} ?
v|0|fr|Faut-il parler néerlandais pour faire du bénévolat chez {org} ?
v|+|fr|Merci à tous les bénévoles de {org} qui étaient sous la pluie aujourd'hui. Bravo !
vc|-|fr|Je me suis inscrit comme bénévole il y a un mois et personne ne m'a répondu. Décevant.
j|0|fr|Avez-vous des offres d'emploi ou de stage rémunéré chez {org} ?
j|+|fr|J'ai été embauché comme {role_en} chez {org} ! Je commence en janvier.
jc|-|fr|J'ai postulé il y a deux mois pour le poste de {role_en} et toujours pas de réponse.
c|-|fr|Votre service client est injoignable depuis une semaine. C'est inadmissible.
c|-|fr|Vous avez transmis mes coordonnées à une autre association sans mon accord. Je suis furieux.
p|0|fr|Comment inscrire mon fils au soutien scolaire de {org} à {city} ?
p|+|fr|Les repas de Samen Eten à {city} sont un moment magnifique pour notre quartier.
p|0|fr|Le programme de parrainage pour enfants existe-t-il aussi en Wallonie ?
r|0|fr|Je suis journaliste à la RTBF. Pouvons-nous interviewer un responsable de {org} demain ?
r|0|fr|Demande de réaction pour un article sur la pauvreté infantile : {org} a-t-elle un porte-parole ?
rf|0|fr|Pour un reportage sur les coûts de la collecte de fonds en rue, pourriez-vous commenter vos chiffres ?
|0|fr|Bonne journée à tous ! Il fait beau à {city}.
|0|fr|Félicitations, vous avez gagné un iPhone ! Cliquez ici pour réclamer votre cadeau 🎁
# --- German
f|0|de|Wie kann ich meine monatliche Spende an {org} erhöhen?
f|+|de|Unser Verein hat beim Sommerfest {amount} für {org} gesammelt. Danke an alle!
f|0|de|Bekomme ich eine Spendenquittung für meine Spende an {org}? Ich wohne in Deutschland.
f|0|de|Ich möchte {org} in meinem Testament bedenken. An wen kann ich mich wenden?
fc|-|de|Ich habe meine Lastschrift bei {org} gekündigt und trotzdem wird weiter abgebucht. Frechheit.
fc|-|de|Schon wieder ein Anruf von einem Spendenwerber von {org}. Ich will nicht mehr angerufen werden!
v|0|de|Sucht {org} noch Freiwillige in {city}? Ich habe samstags Zeit.
v|0|de|Muss man Niederländisch sprechen, um bei {org} ehrenamtlich mitzuhelfen?
v|+|de|Danke an alle Ehrenamtlichen von {org}, die heute im Regen standen. Ihr seid großartig!
vc|-|de|Ich habe mich vor einem Monat als Freiwilliger angemeldet und nie etwas gehört. Enttäuschend.
j|0|de|Gibt es bei {org} offene Stellen oder bezahlte Praktika?
j|+|de|Ich habe die Stelle als {role_en} bei {org} bekommen! Start im Januar.
jc|-|de|Vor zwei Monaten beworben als {role_en}, bis heute keine Antwort. Sehr unprofessionell.
c|-|de|Ihr Kundenservice ist seit einer Woche nicht erreichbar. Das ist inakzeptabel.
c|-|de|Sie haben meine Daten ohne Zustimmung weitergegeben. Ich bin empört.
p|0|de|Wie kann ich meinen Sohn für die Hausaufgabenhilfe von {org} in {city} anmelden?
p|+|de|Das gemeinsame Abendessen bei Samen Eten in {city} war wunderbar. Tolle Nachbarschaft!
p|0|de|Gibt es das Patenprojekt für Kinder auch in Deutschland?
r|0|de|Ich arbeite für den WDR und würde gern jemanden von {org} interviewen. Wer ist zuständig?
r|0|de|Presseanfrage: Gibt es eine Stellungnahme von {org} zu den neuen Armutszahlen?
rf|0|de|Für einen Artikel über die Kosten der Straßenwerbung bitten wir {org} um eine Stellungnahme.
|0|de|Guten Morgen {city}! Endlich Sonne.
|0|de|Herzlichen Glückwunsch, Sie haben gewonnen! Jetzt Gutschein sichern 👉 gewinn-jetzt.xyz
# --- Dutch, more phrasings
f|0|nl|Ik wil graag iets geven aan {org}, maar liever niet maandelijks. Kan een losse overboeking ook?
f|0|nl|Waar staat het rekeningnummer van {org}? Ik wil {amount} overmaken.
f|+|nl|Ik heb mijn verjaardag op Facebook omgezet in een inzamelactie voor {org}. Al {amount} binnen!
f|0|nl|Tellen donaties aan {org} mee voor de giftenaftrek als ik in België woon?
f|+|nl|Eindelijk een goed doel dat precies laat zien waar het geld heen gaat. Daarom word ik donateur van {org}.
f|0|nl|Kan de collecte van {org} in onze kerk op {day} doorgaan? De koster vroeg het.
fc|-|nl|Iemand anders ook ineens {amount} afgeschreven door {org}? Ik heb niks afgesproken.
fc|-|nl|Ik heb jullie gevraagd te stoppen met bellen voor donaties. Vandaag wéér gebeld. Respecteer een nee.
fc|-|nl|Straatwervers die kinderen aanspreken om donateur te worden. Zeg {org}, hoe verzin je het.
v|0|nl|Waar kan ik me opgeven als vrijwilliger? Ik zie op jullie site alleen betaalde vacatures.
v|0|nl|Hoi! Ik zoek vrijwilligerswerk voor een paar uur per week in {city}. Hebben jullie iets?
v|+|nl|Vandaag met de collectebus langs de deuren geweest voor {org}. Leuke gesprekken en {amount} opgehaald!
v|0|nl|Kan ik samen met mijn dochter vrijwilliger worden? Zij is 14.
v|0|nl|Wat moet ik doen om vrijwilliger te worden bij {org}? Intake, training, VOG?
j|0|nl|Hebben jullie betaalde banen in {city}? Ik zoek werk in de zorg of het sociaal domein.
j|0|nl|Wat verdien je ongeveer als {role} bij {org}? Schaal, uren, contractduur?
j|+|nl|Het contract is getekend: ik begin bij {org} als {role}! 🎉
j|0|nl|Wordt de vacature {role} intern of extern ingevuld? Ik wil graag reageren.
c|-|nl|Waarom reageert niemand bij {org} op mijn berichten? Ik voel me echt niet serieus genomen.
c|-|nl|Wat een slechte ervaring met {org}. Van het kastje naar de muur gestuurd.
c|-|nl|Jullie app crasht elke keer als ik mijn gegevens wil aanpassen. Al weken.
cp|-|nl|Zonder uitleg is mijn zoon van de huiswerkhulp gehaald. Niemand wil me vertellen waarom.
p|0|nl|Waar en wanneer is Samen Eten in {city}? Ik zou graag een keer aanschuiven.
p|0|nl|Is de huiswerkhulp gratis of moeten ouders iets betalen?
p|+|nl|Dankzij de buddy van {org} gaat mijn dochter weer met plezier naar school. Dank jullie wel!
r|0|nl|Goedemiddag, ik ben redacteur bij {paper}. Mogen we volgende week een fotograaf sturen naar {prog}?
r|0|nl|Wij zijn een lokale omroep en willen graag een item maken over {org}. Met wie kan ik bellen?
rc|-|nl|Journalist hier. Mijn vragen aan {org} liggen al een week bij de woordvoerder. Zo lukt het niet.
|0|nl|Hallo {org}, wat betekent jullie nieuwe slogan eigenlijk?
|+|nl|Jullie nieuwe campagnefilmpje is echt prachtig gemaakt 👏
|0|nl|Ik ben geen journalist, maar wel benieuwd: waar zit het kantoor van {org}?
|-|nl|Hele dag regen en mijn fiets is gestolen. Wat een rotdag.
# --- English, more phrasings
f|0|en|What's the IBAN for donations to {org}? I'd like to transfer {amount}.
f|+|en|Turned my birthday into a fundraiser for {org}. {amount} raised already, you're all amazing!
f|0|en|Do you have a donation option in US dollars? Asking from Boston.
fc|-|en|Has anyone else been charged by {org} without signing up? {amount} gone from my account.
v|0|en|How do I sign up as a volunteer? I only see paid jobs on your website.
v|+|en|Spent my Saturday collecting door to door for {org}. Lovely chats and {amount} raised!
v|0|en|What's needed to become a volunteer with {org}? Interview, training, background check?
j|0|en|Do you have paid roles in {city}? I'm looking for work in the social sector.
j|+|en|Signed the contract: I'm joining {org} as {role_en}! 🎉
j|0|en|What's the salary band and contract length for the {role_en} role?
c|-|en|Why does nobody at {org} answer my messages? I feel completely ignored.
c|-|en|Your app crashes every time I try to update my details. It's been weeks.
p|0|en|When and where is Samen Eten in {city}? I'd love to join one evening.
p|0|en|Is the homework club free or do parents pay something?
r|0|en|We're a local TV station and would like to do a segment on {org}. Who should I call?
r|0|en|Hi, editor at {paper_en} here. Could we send a photographer to {prog_en} next week?
|+|en|Your new campaign video is beautifully made 👏
|0|en|Not a journalist, just curious: where is {org}'s office?
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

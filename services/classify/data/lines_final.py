# ruff: noqa: E501  (hand-written data lines, kept one per line)
"""A fourth batch: more sarcasm, more mixed topics, short and sloppy posts, more spam and
topic words in another sense. Same format as lines_nl.py.
"""

_TEXT = """
# --- fundraising + complaints, said differently
fc|-|nl|Wat is dit nou weer {org}? {amount} van mijn rekening gehaald zonder dat ik iets heb ingevuld.
fc|-|nl|Jullie collectant liet me pas gaan toen ik mijn bankgegevens gaf. Voelde echt als druk zetten.
fc|-|nl|Prachtig hoor, zo'n goed doel dat je drie keer per week belt om meer geld. Ik word er niet vrolijker van 🙄
fc|-|nl|Sinds ik één keer gedoneerd heb, zit mijn brievenbus vol met acceptgiro's van {org}. Stop ermee.
fc|-|nl|Ik heb mijn donatie teruggeboekt. Jullie werver loog gewoon over waar het geld naartoe gaat.
fc|-|en|Great, {org} took {amount} twice again. Third month in a row. Do you even check your payments?
fc|-|en|Your street team in {city} followed me half a block asking for my bank details. Creepy, not charity.
fc|-|en|Oh sure, call me at dinner time to ask for more money. Lovely timing as always 🙄
fc|-|de|Toll, {org} hat schon wieder doppelt abgebucht. Vielen Dank auch 🙄
fc|-|fr|Merci {org} pour le double prélèvement ce mois-ci, vraiment génial 🙄
# --- programs + complaints
cp|-|nl|Al {n} keer stond mijn zoon voor niks bij de huiswerkhulp, want de begeleider kwam niet opdagen.
cp|-|nl|Samen Eten is steeds vaker dicht in {city}. Voor veel ouderen hier was dat hun enige warme maaltijd.
cp|-|en|The homework club cancelled again without telling us. My son waited outside in the cold for an hour.
cp|-|en|Our buddy stopped showing up after two meetings and nobody from the Buddy project followed up.
# --- press + complaints / press + fundraising
rc|-|nl|Voor mijn stuk in {paper} heb ik {org} vijf vragen gestuurd. Antwoord: 'we komen erop terug'. Dat was twee weken geleden.
rc|-|en|Still waiting for {org}'s press office to answer basic questions for our story. We publish tomorrow regardless.
rf|0|en|For a piece in {paper_en}: what share of {org}'s income goes to fundraising costs? Looking for a comment today.
rf|0|nl|Journalist {paper}: hoeveel nieuwe donateurs werven jullie per jaar via straatwerving en wat kost dat?
# --- volunteers, other languages and phrasings
v|0|en|Looking to help out a few hours a week in {city}. Anything for someone who doesn't speak Dutch?
v|+|en|Six months as a volunteer at {org} now and I've made more friends than in five years of living here.
v|0|de|Kann man bei {org} auch nur einmal im Monat ehrenamtlich helfen?
v|0|fr|Est-il possible de faire du bénévolat chez {org} seulement le week-end ?
v|0|nl|Ik wil wel collecteren voor {org} in mijn straat. Hoe kom ik aan een collectebus?
vp|0|nl|Is er bij Samen Eten in {city} nog plek voor een afwasser op {day}avond? Koken kan ik niet, afwassen wel 😅
vp|0|en|Can I volunteer as a homework helper if I'm good at maths but not at Dutch?
# --- vacancies, other phrasings; versus volunteering
j|0|nl|Zijn er betaalde functies bij {org} voor iemand met een mbo-diploma?
j|0|nl|Wat zijn de arbeidsvoorwaarden bij {org}? Ik overweeg te solliciteren als {role}.
j|0|en|Hi! I'd like to apply for the {role_en} role. Is a cover letter required, or just a CV?
j|0|de|Ich interessiere mich für die Stelle {role_en}. Ist Homeoffice möglich?
j|0|fr|Bonjour, le poste de {role_en} est-il encore ouvert ? J'aimerais envoyer ma candidature.
v|0|nl|Let op: dit is geen betaalde baan maar een vrijwilligersvacature, met onkostenvergoeding.
v|0|en|Just to be clear, the coordinator role at the homework club is a volunteer position, not a paid job, right?
# --- short, sloppy posts
f|0|nl|hoe doneer ik
f|0|en|how do i donate??
v|0|nl|vrijwilliger worden, hoe?
j|0|nl|nog vacatures?
p|0|nl|wanneer samen eten {city}?
c|-|nl|nog steeds geen antwoord. echt slecht
c|-|en|still no answer. terrible
r|0|en|press enquiry, who do I contact?
f|+|nl|gedoneerd 💛
v|+|en|first volunteer shift done 🙌
# --- more volunteering
v|0|nl|Ik heb wat tijd over na mijn pensioen. Kan ik ergens bij {org} de handen uit de mouwen steken?
v|0|nl|Mijn vriendin en ik willen samen iets doen voor de buurt in {city}. Hebben jullie vrijwilligersplekken?
v|+|nl|Wat een leuke intake gehad voor het vrijwilligerswerk bij {org}. Volgende week begin ik!
v|0|nl|Welk vrijwilligerswerk past bij iemand die goed met computers is? Ik help graag.
v|0|en|I'd like to give some of my free time to {org}. What kind of volunteer tasks are there?
v|+|en|Had my volunteer intake with {org} today. Lovely people, starting next week!
v|0|de|Ich würde gern meine Freizeit bei {org} einbringen. Welche ehrenamtlichen Aufgaben gibt es?
v|0|fr|J'aimerais donner un peu de mon temps à {org}. Quelles missions de bénévolat proposez-vous ?
vp|+|nl|Elke {day} help ik als vrijwilliger bij de huiswerkhulp in {city}. Die kinderen maken mijn week.
vp|0|en|I'd love to volunteer in the kitchen at Samen Eten. Do I need a food hygiene certificate?
# --- more programmes
p|0|nl|Voor wie is het Buddy-project bedoeld? Mijn neefje heeft het moeilijk op school.
p|0|nl|Kunnen ouderen uit {city} ook gebruikmaken van de maaltijden van {org}?
p|+|nl|Ons buurthuis is een stuk gezelliger sinds Samen Eten er elke {day} is.
p|0|nl|Hoeveel kinderen helpt de huiswerkhulp van {org} eigenlijk per jaar?
p|0|en|Who is the Buddy project meant for? My nephew is having a hard time at school.
p|+|en|Our community centre in {city} feels so much warmer since Samen Eten started there.
p|0|de|Für wen ist das Buddy-Projekt gedacht? Mein Neffe hat es schwer in der Schule.
p|0|fr|À qui s'adresse le projet Buddy ? Mon neveu a du mal à l'école.
p|+|fr|Le repas partagé de Samen Eten hier soir à {city} : quelle belle ambiance !
# --- more press
r|0|nl|Wij maken een documentaire over eenzaamheid en willen graag filmen bij {org}. Wie is het aanspreekpunt?
r|0|nl|Mag ik de woordvoerder van {org} citeren in mijn column in {paper}? Graag even akkoord.
r|0|nl|Persverzoek: interview met de directeur van {org} over de stijgende vraag naar voedselhulp.
r|0|en|Could I quote {org}'s spokesperson in my column for {paper_en}? Just need a yes.
r|0|en|Media request: interview with {org}'s director about rising demand for food aid.
r|0|de|Medienanfrage: Interview mit der Leitung von {org} über die steigende Nachfrage nach Lebensmittelhilfe.
r|0|fr|Demande média : interview de la direction de {org} sur la hausse de la demande d'aide alimentaire.
# --- volunteering, yet more ways to offer help
v|0|nl|Hoi {org}, ik wil me graag inzetten voor jullie. Wat kan ik doen?
v|0|nl|Heeft {org} nog mensen nodig op {day}? Ik kan een paar uurtjes meedraaien.
v|0|nl|Wij zijn met vijf studenten en willen een middag meehelpen bij {org}. Kan dat?
v|0|nl|Kan ik bij {org} aan de slag als vrijwillige chauffeur? Ik heb een rijbewijs en een auto.
v|+|nl|Zo fijn om weer mee te helpen bij {org}. Moe maar voldaan na een dag collecteren!
v|0|nl|Allez, ik wil mij vrijwillig inzetten in {city}. Wie kan ik daarvoor contacteren?
v|0|nl|Is er een minimumleeftijd voor vrijwilligers? Mijn dochter van 15 wil graag helpen.
v|-|nl|Al weken wacht ik op mijn VOG-aanvraag voor het vrijwilligerswerk. Zo verlies je mensen.
v|0|en|Hey {org}, I want to get involved. How can I help out?
v|0|en|Do you need extra hands on {day_en}? I can help for a few hours.
v|0|en|Can I help out as a volunteer driver? I have a car and a free afternoon each week.
v|+|en|Back helping out at {org} today. Tired but happy after a day of collecting!
v|0|de|Braucht {org} am {day_en} noch Helfer? Ich kann ein paar Stunden mitmachen.
v|0|fr|Vous avez besoin de bras supplémentaires le samedi ? Je peux aider quelques heures.
vp|0|nl|Zoeken jullie nog mensen om mee te koken bij Samen Eten? Ik sta graag in de keuken.
vp|0|en|Are you looking for people to help cook at Samen Eten? I love being in the kitchen.
vp|0|nl|Ik wil graag huiswerkbegeleider worden bij {org}. Ik studeer wiskunde.
vp|0|en|I'd like to become a homework tutor with {org}. I'm studying maths at uni.
# --- other senses, spam, chit-chat
|0|nl|Mijn collega solliciteert bij een bank, niks met {org} te maken, maar ik duim mee.
|0|nl|Die nieuwe functie in WhatsApp is echt irritant.
|0|nl|Het programma op tv gisteravond was saai. Zapte naar voetbal.
|0|en|Anyone know a good reporter app for expenses? Asking for my small business.
|0|en|The new programme at the gym is brutal. Legs are gone.
|0|en|Looking for a volunteer to water my plants while on holiday, any neighbours around? 😂
|0|en|Get paid to post! $300/day posting for brands. No experience. DM 'GO' 📲
|0|nl|DONEER NU aan mijn cryptofonds en verdubbel je geld!!! link in bio 💰
|+|nl|Mooie zonsondergang boven {city} vanavond. Even niks met werk.
|+|en|Coffee and sunshine in {city}. Perfect {day_en}.
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

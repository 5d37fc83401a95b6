# ruff: noqa: E501  (hand-written data lines, kept one per line)
"""A fifth batch, written for the weakest topics: volunteering in its many phrasings
(helping out, meedoen, buddy, bijspringen, inzetten, "kan ik helpen", Flemish, English,
French, German), the line between a paid vacancy and an unpaid volunteer role, and the
programmes. Written without looking at the test file. Same format as lines_nl.py.
"""

_TEXT = """
# --- volunteers: Dutch phrasings without the word "vrijwilliger"
v|0|nl|Ik heb op zaterdag tijd over. Kan ik ergens bij {org} een handje helpen?
v|0|nl|Mijn vrouw en ik zijn net met pensioen en willen graag iets betekenen. Hoe kunnen we meedoen met {org}?
v|0|nl|Zoeken jullie nog mensen die af en toe willen bijspringen in {city}?
v|0|nl|Ik wil me graag inzetten voor {org}, maar ik weet niet waar ik moet beginnen. Tips?
vp|0|nl|Hoe word ik buddy bij {org}? Ik heb twee avonden per week vrij.
vp|0|nl|Kan ik als student een paar uur per week komen helpen bij {prog}?
v|0|nl|Hebben jullie nog handen nodig bij de kerstactie in {city}? Ik kom graag helpen.
v|+|nl|Zin om iets te doen voor je buurt? Ik help al een jaar mee bij {org} en het is echt leuk.
v|0|nl|Mijn dochter moet voor school 30 uur maatschappelijke stage doen. Kan dat bij {org}?
v|0|nl|Is er een minimumleeftijd om mee te helpen bij {org}? Mijn zoon is 15.
v|0|nl|Ik spreek Arabisch en Nederlands. Kan ik ergens mee helpen, bijvoorbeeld als tolk?
v|0|nl|Ik ben chauffeur geweest en wil best boodschappen rondbrengen voor {org}. Wie moet ik bellen?
v|0|nl|Kan ik helpen? Ik heb een auto en ben overdag vrij.
v|0|nl|Wat voor vrijwilligerswerk is er bij {org} voor iemand die slecht ter been is?
v|0|nl|Hoeveel tijd kost het om mee te draaien bij {org}? Ik werk fulltime.
v|0|nl|Ik zou graag een steentje bijdragen, niet met geld maar met mijn tijd. Waar meld ik me?
v|0|nl|Via mijn werk mag ik een dag per jaar vrijwilligen. Kan ons team een dag bij {org} komen helpen?
vp|0|nl|Is er een VOG nodig om te helpen bij de huiswerkbegeleiding?
vc|-|nl|Drie weken geleden het aanmeldformulier ingevuld om te komen helpen, nog steeds niks gehoord van {org}.
v|+|nl|Vandaag mijn eerste dag meegedraaid in de keuken bij {org}. Moe maar heel voldaan.
vp|+|nl|Ik ben sinds {n} maanden maatje van een oudere dame in {city}. Mooiste wat ik doe in de week.
v|0|nl|Mijn buurman zoekt iets zinnigs om te doen nu hij thuis zit. Is meehelpen bij {org} iets voor hem?
v|0|nl|Kunnen we als vriendengroep een keer een middag komen klussen bij {org}?
v|0|nl|Ik doe al vrijwilligerswerk bij de voetbalclub, maar wil er iets bij doen. Heeft {org} plek?
vp|0|nl|Hoe meld ik me aan als gastheer bij de maaltijden in {city}?
v|0|nl|Help, ik wil ook wat doen! Waar kan ik me opgeven?
# --- volunteers: Flemish
v|0|nl|Zijn er bij jullie in {city} nog plaatsjes vrij om mee te helpen? Ik ben met pensioen en heb tijd zat.
v|0|nl|Ik zou mij graag engageren bij {org}. Hoe pak ik dat aan?
v|0|nl|Allee, ik wil ook eens iets doen voor een ander. Kan ik bij jullie komen helpen in het weekend?
v|0|nl|Mag ik als jobstudent ook vrijwillig meewerken of is dat enkel voor gepensioneerden?
vp|+|nl|Ons gastgezin heeft via {org} een buddy gekregen, en nu wil ik zelf ook buddy worden. Waar schrijf ik mij in?
vp|0|nl|Zijn er nog vrijwilligers nodig voor de soepbedeling in {city}? Ik kan ne keer per week.
# --- volunteers: English
v|0|en|Is there any way I can help out at {org}? I have weekends free.
vp|0|en|How do I sign up to volunteer with {prog_en} in {city}?
vp|0|en|Retired teacher here, happy to give some of my time. Do you need tutors?
vp|0|en|Could I lend a hand at the community dinners? I can cook for a crowd.
v|0|en|Our company has a volunteering day coming up. Could a team of 10 come and help at {org}?
v|0|en|Can I help? I speak English, Polish and a bit of Dutch.
v|0|en|Do your volunteers need to speak Dutch, or can I pitch in anyway?
v|0|en|Is there a minimum commitment if I want to get involved with {org}?
vp|+|en|Spent my Saturday helping out at {org}'s food aid. Best morning of the week.
vc|-|en|Filled in the volunteer form a month ago and {org} never got back to me. Do you even want helpers?
vp|0|en|What does a buddy at {org} actually do, and how do I become one?
v|0|en|Student looking for volunteering hours for my course. Anything at {org}?
v|0|en|Any chance I could join as a helper for the Christmas campaign?
v|0|en|I'd love to give back. How can I get involved with {org} without donating money?
# --- volunteers: French and German
v|0|fr|Je voudrais donner un coup de main à {org}. Comment puis-je m'inscrire comme bénévole ?
v|0|fr|Vous cherchez encore des bénévoles à {city} ? J'ai du temps le samedi.
vp|0|fr|Est-ce que je peux aider à la distribution alimentaire ? Je parle un peu néerlandais.
v|+|fr|Bénévole chez {org} depuis un an, et je ne regrette rien. Rejoignez-nous !
v|0|de|Ich würde gerne ehrenamtlich bei {org} mithelfen. Wie melde ich mich an?
vp|0|de|Sucht ihr noch Helfer für die Essensausgabe in {city}? Ich hätte samstags Zeit.
v|0|de|Kann ich bei euch mitmachen, auch wenn ich kaum Niederländisch spreche?
v|+|de|Seit einem Jahr engagiere ich mich bei {org}. Kann ich jedem nur empfehlen!
# --- volunteers from the organisation's side
v|0|nl|Wij zoeken helpende handen! Heb jij op woensdagmiddag tijd? Kom ons team in {city} versterken.
v|0|nl|Gezocht: mensen met een hart voor hun buurt die een paar uur per week willen meehelpen. Meld je aan via de site.
v|0|en|We need extra hands in {city} this winter. Got a few hours to spare? Sign up on our website.
v|+|nl|Dank aan alle {n} helpers die zaterdag de inzameling in {city} mogelijk maakten. Zonder jullie geen {org}!
vp|+|en|Huge thanks to everyone who gave up their Saturday to help sort food parcels. You are the heart of {org}.
# --- volunteers and programs together
vp|0|nl|Kan ik meehelpen bij {prog}? Ik kook graag en heb op dinsdag tijd.
vp|0|en|Can I volunteer as a cook at Samen Eten in {city}?
vp|0|nl|Wie helpt er mee bij de Voedselhulp? We zoeken nog inpakkers voor de pakketten in {city}.
vp|0|fr|Je voudrais aider les enfants avec leurs devoirs. L'aide aux devoirs cherche-t-elle des bénévoles ?
vp|0|de|Kann ich bei der Hausaufgabenhilfe mithelfen? Ich bin Lehrerin im Ruhestand.
# --- paid jobs vs volunteering
j|0|nl|Is de functie van {role} betaald of gaat het om vrijwilligerswerk? In de vacature staat het niet.
j|0|nl|Ik heb gesolliciteerd op de vacature {role}. Wanneer hoor ik of ik op gesprek mag komen?
j|0|nl|Wat is het salaris voor de functie {role} bij {org}?
j|0|nl|Hebben jullie ook betaalde banen? Ik zoek een baan in de zorg, geen vrijwilligerswerk.
j|0|nl|Staat de vacature {role} nog open? Ik wil graag solliciteren.
j|0|nl|Kan ik voor de functie {role} ook parttime werken, 24 uur per week?
jc|-|nl|Na twee sollicitatiegesprekken hoor ik al een maand niets meer van {org}. Wat een manier om met kandidaten om te gaan.
j|0|en|Is the {role_en} role paid? The job ad doesn't mention a salary.
j|0|en|Just applied for the {role_en} position. How long does the hiring process usually take?
j|0|en|Do you have any paid jobs at {org}, or only volunteer positions?
j|+|en|Excited to share that I start as {role_en} at {org} next month! New job, new chapter.
j|0|fr|Le poste de {role_en} est-il encore ouvert ? Je souhaite postuler.
j|0|de|Ist die Stelle als {role_en} noch frei? Ich möchte mich bewerben.
j|0|nl|Vacature: {role} bij {org}, 32 uur, salaris schaal 9. Solliciteer voor 1 maart.
j|0|en|We're hiring: {role_en}, 4 days a week, based in {city}. Apply via our careers page.
j|0|nl|Is er bij {org} een stageplek met stagevergoeding voor een hbo-student communicatie?
v|0|nl|Ik zoek geen betaalde baan, ik wil gewoon een paar uur per week iets nuttigs doen. Kan dat bij {org}?
v|0|en|Not looking for a paid job, just want to help out a few hours a week. Is that possible?
v|0|nl|Is vrijwilliger bij {org} een onbetaalde rol? Ik heb namelijk een uitkering en mag niet betaald werken.
vj|0|nl|Ik heb gesolliciteerd als {role}, maar als dat niks wordt wil ik graag als vrijwilliger meehelpen.
vj|0|en|Applied for the {role_en} job, and if that doesn't work out I'd still love to volunteer.
# --- programs: questions, praise, news
p|0|nl|Voor wie is {prog} bedoeld? Mijn moeder woont alleen in {city}.
p|0|nl|Op welke dagen is Samen Eten open in {city}, en moet je je aanmelden?
p|0|nl|Kan mijn dochter van 12 nog instromen bij de Huiswerkhulp?
p|0|nl|Hoe vraag ik een voedselpakket aan? We komen deze maand echt niet rond.
p|+|nl|Mijn zoon haalt sinds de Huiswerkhulp voldoendes voor wiskunde. Dank jullie wel!
p|+|nl|Elke donderdag eet mijn vader bij Samen Eten in {city}. Hij kijkt er de hele week naar uit.
p|0|en|Who can join {prog_en}? My neighbour is lonely and could use the company.
p|0|en|Is the food aid in {city} open to people without a Dutch address?
p|+|en|The Buddy project matched my grandmother with the loveliest student. She's a different person now.
p|0|fr|Comment s'inscrire aux repas Samen Eten à {city} ? C'est pour ma grand-mère.
p|0|de|Wie kann meine Tochter an der Hausaufgabenhilfe teilnehmen?
p|0|nl|Nieuw in {city}: {org} start met een inloopspreekuur voor hulp bij formulieren. Elke maandag van 10 tot 12.
p|0|en|{org} is expanding its homework club to {city} from September. Places are limited, register now.
p|0|nl|Komt Samen Eten ook naar {city}? Hier zijn genoeg mensen die alleen eten.
# --- near misses: no topic
|0|nl|Kan iemand mij helpen met mijn fiets? Ketting eraf in {city} 😅
|0|nl|Mijn buurvrouw is echt een schat, altijd bereid om bij te springen als ik de kinderen niet kan ophalen.
|0|en|Can anyone help me move a sofa this Saturday in {city}? Pizza in return.
|0|nl|Wie helpt mij even met Excel? Ik snap niks van draaitabellen.
|0|en|Volunteered to bring cake to the office party. Regretting it already.
|0|de|Kann mir jemand beim Umzug helfen? Bier gibt's gratis.
|0|fr|Quelqu'un peut m'aider avec mon ordinateur ? Il ne démarre plus.
# --- volunteers: short, sloppy and social posts
v|0|nl|wie weet of {org} nog helpers zoekt in {city}? vraag voor een vriendin
v|0|nl|Hoe kan ik me opgeven om mee te helpen? Kon het niet vinden op de site.
v|0|nl|Ik wil iets terugdoen voor de maatschappij. Heeft {org} een plekje voor mij?
v|0|nl|Mag je bij {org} ook eenmalig meehelpen, bijvoorbeeld alleen met kerst?
v|0|nl|Ik ben net verhuisd naar {city} en zoek een leuke manier om mensen te leren kennen en iets nuttigs te doen. Kan ik bij jullie aansluiten?
v|0|nl|Doen jullie ook iets met vrijwilligers die thuis werken, zoals kaarten schrijven of bellen met eenzame ouderen?
v|0|nl|Kunnen asielzoekers ook bij jullie meewerken als vrijwilliger? Mijn buurman wil graag iets doen.
v|+|nl|Vorig jaar begonnen als vrijwilliger, nu coördineer ik het team in {city}. Doe mee, het is de moeite!
v|0|nl|Ik wil wel collecteren in mijn wijk. Bij wie moet ik me melden?
v|0|nl|Hebben jullie op {day} nog iemand nodig voor de inzameling bij de supermarkt in {city}?
v|0|nl|Hoe zit het met verzekering als ik als vrijwilliger voor {org} rijd met mijn eigen auto?
v|0|nl|Krijgen vrijwilligers een reiskostenvergoeding? Ik kom uit {city}.
v|0|nl|Ben ik met 72 nog welkom als vrijwilliger?
v|0|nl|Allez, wie gaat er mee helpen bij {org} dit weekend? Ze zoeken nog volk in {city}.
v|0|nl|Kan ik mij als vrijwilliger opgeven voor één dag per maand, of is dat te weinig?
v|-|nl|Jammer dat jullie geen vrijwilligers onder de 18 aannemen. Mijn dochter wilde zo graag helpen.
v|+|nl|Mijn eerste dienst als vrijwilliger zit erop! Wat een fijne mensen bij {org} {city}.
# --- volunteers: English, French, German, more phrasings
v|0|en|Hi {org}, I'd like to offer my time. I'm an accountant and could help with admin a few hours a month.
v|0|en|Is volunteering with {org} possible remotely? I live abroad half the year.
v|0|en|Do volunteers get reimbursed for travel? I'm in {city}.
v|0|en|Can teenagers volunteer at {org}? My son is 16 and keen to help.
v|+|en|One year of volunteering with {org} today. If you have a spare evening, join us!
v|0|en|Happy to help with the collection in my street. Who do I contact for a collection tin?
v|0|en|Count me in for the clean-up day in {city}! Where do helpers meet?
v|0|fr|Je suis retraité et j'aimerais me rendre utile. {org} a-t-il besoin d'aide à {city} ?
v|0|fr|Comment devenir bénévole chez {org} ? Je suis disponible le mercredi après-midi.
v|0|de|Ich möchte mich gern freiwillig engagieren. Braucht {org} in {city} noch Unterstützung?
v|0|de|Kann man bei euch auch nur einmal im Monat helfen?
# --- paid vs unpaid, other phrasings
j|0|nl|Ik zoek een betaalde baan bij een goed doel. Heeft {org} op dit moment vacatures?
j|0|nl|Komt er binnenkort een vacature vrij op kantoor in {city}? Ik heb ervaring als secretaresse.
j|0|en|Any paid openings at {org} for a junior data person? Happy to relocate to {city}.
j|0|nl|Wat zijn de arbeidsvoorwaarden bij {org}? Overweeg te solliciteren als {role}.
j|0|en|What's the salary range for the {role_en} vacancy?
v|0|nl|Is het vrijwilligerswerk bij de voedselbank betaald? Nee toch? Ik wil het gewoon graag doen.
v|0|en|I know it's unpaid, that's fine. I just want to help out at {org}.
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

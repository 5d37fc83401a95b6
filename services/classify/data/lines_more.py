# ruff: noqa: E501, RUF001  (hand-written data lines, kept one per line)
"""More hand-written lines, Dutch, Flemish and English: other phrasings of every topic,
more hard cases. Same format as lines_nl.py.
"""

_TEXT = """
# --- fundraising, other phrasings
f|0|nl|Hoi, ik heb een vraag over mijn donateurschap. Kan ik het bedrag per kwartaal laten afschrijven in plaats van per maand?
f|+|nl|Vanmiddag de collectebus van {org} leeggeteld in {city}: {amount} en een knoop. Dank aan de hele straat!
f|0|nl|Geef je contant aan de collectant of kan het ook met pin? Ik heb nooit cash in huis.
f|+|nl|Gisteren mijn eerste periodieke schenking aan {org} vastgelegd. Voelt goed.
f|0|nl|Wij trouwen in juni en willen in plaats van cadeaus een inzameling voor {org}. Hoe pakken we dat aan?
f|0|nl|Krijg ik een bedankbrief of fiscale attestering voor mijn gift? In België heb ik die nodig voor de belastingen.
f|+|nl|Onze klas heeft met een statiegeldactie {amount} bij elkaar gespaard voor {org} 🥤
f|0|nl|Mijn bedrijf wil maatschappelijk ondernemen. Kunnen we {org} sponsoren, en wat krijgen we daarvoor terug?
f|0|nl|Hoe zeg ik mijn donatie netjes op? Ik ga met pensioen en moet wat bezuinigen.
f|+|nl|Ik geef al jaren aan {org} en heb vandaag mijn bijdrage verhoogd. Jullie doen het goed.
f|0|nl|Doen jullie mee aan Giving Tuesday? Ik wil die dag iets extra's geven.
f|0|nl|Nalaten aan een goed doel: hoe werkt dat met de erfbelasting als {org} een ANBI is?
f|+|nl|{n} kilometer gezwommen voor {org}, {amount} per baantje opgehaald 🏊 Bedankt sponsors!
f|0|nl|Kan ik een schenking doen uit de nalatenschap van mijn tante? De notaris vraagt om jullie RSIN.
# --- fundraising practice complaints and sarcasm
fc|-|nl|Leuk hoor, zo'n wervingsbrief met een nepcheque erin. Voelt als oplichting, {org}. Doe normaal.
fc|-|nl|Die telemarketing van {org} is echt niet normaal. Vier keer gebeld in één week, ook na 21:00.
fc|-|nl|Ik krijg een aanmaning voor een donatie die ik nooit heb toegezegd? Sinds wanneer stuurt een goed doel aanmaningen?
fc|-|nl|Bedankt {org} voor het doorverkopen van mijn adres, ik krijg nu post van tien andere goede doelen. Echt super.
fc|-|nl|Machtiging teruggeboekt en nu krijg ik een boze brief. Ik heb nooit iets getekend!
fc|-|nl|Jullie collectant stond om half tien 's avonds aan de deur en wilde niet weggaan. Mijn kinderen lagen al in bed.
fc|-|nl|Waarom krijgen jonge straatwervers een bonus per handtekening? Geen wonder dat ze zo opdringerig zijn.
fc|-|en|Love how {org} spends my donation on glossy mailings asking for more donations. Brilliant use of money 🙃
fc|-|en|Your telemarketer called my 90-year-old grandmother three times and talked her into a monthly gift. Shameful.
fc|-|en|I asked to stop my monthly gift and got a guilt-trip phone call instead of a confirmation. Not okay.
fc|-|en|Why did the amount of my direct debit go up without anyone asking me? I never agreed to that.
# --- volunteers, other phrasings
v|0|nl|Ik heb op {day} en {day} tijd en wil iets betekenen in {city}. Wat voor vrijwilligersklussen hebben jullie?
v|+|nl|Zaterdag de vrijwilligersdag van {org} gehad. Pizza, prijzen en een heleboel mooie verhalen 🧡
v|0|nl|Zijn vrijwilligers bij {org} verzekerd als er iets gebeurt tijdens het werk?
v|0|nl|Kan ik meedoen als collectant als ik in een rolstoel zit? Ik wil graag meehelpen.
v|0|nl|Wat houdt de vrijwilligersvacature 'gastvrouw' precies in? Is dat betaald of onbetaald?
v|+|nl|Na 5 jaar stop ik als vrijwilliger bij {org}. Dank voor alle mooie jaren, ik ga jullie missen.
v|0|nl|Hallo, ik zit in 5 havo en moet een maatschappelijke stage doen. Kan dat bij {org}?
v|0|nl|Moeten vrijwilligers een training volgen voordat ze beginnen?
v|0|en|Is the volunteer vacancy for a weekend driver still open? I have a licence and a free Saturday.
v|+|en|Five years of volunteering with {org} today. Best decision I ever made.
v|0|en|Can I volunteer remotely, for example with translations or social media?
v|0|en|Our student association wants to help out for a day. Do you have group volunteering?
v|0|en|What does the 'volunteer host' role involve? Is it paid, or voluntary with expenses?
# --- vacancies, other phrasings
j|0|nl|Per direct zoeken wij een enthousiaste {role} voor 24–32 uur. Salaris conform cao Sociaal Werk.
j|0|nl|Hoe lang duurt de sollicitatieprocedure bij {org} ongeveer? Ik heb nog een ander aanbod lopen.
j|0|nl|Is er ruimte voor een open sollicitatie bij {org}? Ik ben HR-adviseur met tien jaar ervaring.
j|+|nl|Mijn eerste werkdag als {role} bij {org} zit erop. Wat een warm welkom van het team!
j|0|nl|Zoeken jullie nog een betaalde kracht voor de fondsenwerving? Ik heb ervaring bij een ander goed doel.
j|0|nl|Hoeveel vakantiedagen krijg je als je in loondienst bij {org} werkt?
j|0|nl|Is er een assessment onderdeel van de sollicitatie voor {role}?
j|0|nl|Graag ontvang ik meer informatie over de vacature {role} en het bijbehorende salaris.
j|0|en|Quick question about the {role_en} opening: is there a pension scheme and what's the notice period?
j|0|en|Looking for a paid traineeship in the non-profit sector. Does {org} run a graduate programme for new hires?
j|+|en|One year at {org} as {role_en} today. Proud of what this team achieves.
j|0|en|Would {org} sponsor a work visa for the {role_en} position?
jc|-|nl|Vijf rondes gesprekken voor een functie van 20 uur en dan afgewezen via een standaardmail. Respectloos.
jc|-|en|Your job ad says 'competitive salary' but you offered me 15% below market. Waste of everyone's time.
# --- complaints, other phrasings
c|-|nl|Ik heb nu {n} keer mijn adreswijziging doorgegeven en nog steeds komt jullie post op mijn oude adres.
c|-|nl|Het wachtwoord van mijn donateursaccount resetten lukt niet. De mail komt gewoon niet aan.
c|-|nl|Jullie medewerker hing gewoon op toen ik een vraag stelde. Dat vind ik echt onacceptabel.
c|-|nl|Privacyklacht: ik heb om inzage in mijn gegevens gevraagd (AVG) en na 6 weken niets gehoord.
c|-|nl|Wat een gedoe om iemand te spreken te krijgen bij {org}. Keuzemenu, wachtmuziek, verbinding verbroken.
c|-|en|Your website has been down all morning and the phone line is permanently busy. Great.
c|-|en|I filed a formal complaint a month ago and have heard nothing. Who do I escalate this to?
c|-|en|Asked {n_en} times to be removed from your mailing list under GDPR. Still getting emails.
cp|-|nl|Mijn zoon werd bij de huiswerkhulp uitgelachen door een begeleider. Ik wil dat dit wordt uitgezocht.
cp|-|nl|De maaltijd bij de voedselhulp was over de datum. Dat kan echt niet, ook niet gratis.
cp|-|en|The Buddy project matched my daughter with someone who cancelled {n_en} times in a row. We give up.
cp|-|en|Samen Eten in {city} ran out of food before half the guests were served. Really disappointing.
# --- programs, other phrasings
p|0|nl|Hoe meld ik mijn kind aan voor de huiswerkhulp in {city}? Hij zit in groep 7.
p|+|nl|Vanavond bij Samen Eten in {city} naast een meneer van 91 gezeten. Wat een verhalen! Ik ga vaker.
p|0|nl|Is er bij Samen Eten ook halal of vegetarisch eten?
p|0|nl|Hoe werkt het Buddy-project precies? Hoe lang duurt een koppeling?
p|+|nl|Het Buddy-project heeft mijn zoon zoveel zelfvertrouwen gegeven. Hij durft nu zelfs een spreekbeurt te houden.
p|0|nl|Vinden de activiteiten van {org} in {city} ook in de herfstvakantie plaats?
p|0|nl|Welke scholen in {city} doen mee met de huiswerkbegeleiding van {org}?
p|+|nl|Mooi om te zien hoe Samen Eten in onze wijk mensen bij elkaar brengt. Vroeger kende niemand elkaar.
p|0|en|How do I sign my son up for the homework club in {city}? He's 10.
p|0|en|Is the food at Samen Eten vegetarian-friendly? My partner doesn't eat meat.
p|+|en|The Buddy project gave my shy daughter a friend and a role model. Can't thank you enough.
p|0|en|How long does a buddy match usually last, and how often do they meet?
# --- press, other phrasings
r|0|nl|Hallo, ik werk voor het journaal van {paper}. Kan iemand van {org} morgen live reageren op de nieuwe armoedecijfers?
r|0|nl|Ik ben student journalistiek en maak een reportage over goede doelen. Mag ik iemand van {org} interviewen?
r|0|nl|Namens de redactie van {paper}: wat is de reactie van {org} op de bezuinigingen van de gemeente {city}?
r|0|nl|Voor onze talkshow zoeken we een gast van {org}. Opname op {day}. Wie kunnen we benaderen?
r|0|nl|Verslaggever {paper}: klopt het dat {org} de locatie in {city} sluit? Graag bevestiging.
r|+|nl|Dank aan de woordvoerder van {org} voor het heldere interview vanochtend. Zo hoort persvoorlichting te werken.
r|0|en|I'm a TV researcher for a documentary on loneliness. Could we film at one of {org}'s locations?
r|0|en|Radio producer here. Could someone from {org} join our morning show on {day_en} to discuss poverty figures?
r|0|en|Could {org} confirm the figures quoted in today's report? We're running the story at 6pm.
rc|-|nl|Voor de derde keer bel ik de persafdeling van {org}. Niemand neemt op. Dan schrijven we het stuk zonder jullie.
rc|-|en|Your press office promised a statement by noon. It's 5pm. We're publishing without it.
rf|0|nl|Onderzoeksjournalist hier: hoeveel betaalt {org} per jaar aan externe wervingsbureaus? Graag een reactie voor ons artikel.
rp|0|en|Journalist at {paper_en}: could we follow a buddy pair from {org}'s Buddy project for a feature?
# --- topic words in another sense, no topic
|0|nl|Mijn schoonmoeder heeft een pakket gedoneerd gekregen van de buren. Niks met goede doelen, gewoon aardig.
|0|nl|Onze voetbalclub zoekt een nieuwe sponsor voor de shirts. Iemand tips?
|0|nl|Ik kan niet helpen dat ik moet lachen om die oranje hartjes van {org}.
|0|nl|Iemand een idee wat de functie van die oranje bank op het plein is?
|0|nl|Ons project in de tuin: een vijver graven. Dag {n} en nog steeds geen water.
|+|nl|Wat een mooi interview met die voetballer gisteren op tv. Helemaal los van alles, gewoon mooi.
|0|nl|Is dit account van {org} echt of fake? Het blauwe vinkje ontbreekt.
|0|en|The press conference about the new train timetable was a mess. Nothing to do with charities, just venting.
|0|en|That's a gift of a pass from the midfield. What a goal.
|0|en|Apply sunscreen, folks. It's hot in {city} today.
|+|en|Job well done on the new logo, {org}! Looks great on the bus shelters.
|0|en|Is this really the official account of {org}? Just checking before I follow.
|0|en|Happy {day_en} everyone! Coffee first.
|0|nl|Gratis iPad voor de eerste 100 volgers!!! Klik hier 👉 win-nu.xyz/ipad @openhart
|0|en|Crypto giveaway!!! Send 0.1 ETH and get 1 ETH back, supporting charities like {org} 🚀 wallet in bio
|0|nl|Bijverdienen? Word nu affiliate partner en verdien tot €3000 per maand 📈 DM 'INFO'
|+|nl|Fijne feestdagen allemaal! 🎄
|0|en|Random question: what's the font in the {org} logo? Asking for a design project at school.
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

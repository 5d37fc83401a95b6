# ruff: noqa: E501, RUF001  (hand-written data lines, kept one per line)
"""Hand-written Dutch and Flemish lines: `topics|sentiment|lang|text`.

Topic codes: f fundraising, v volunteers, j vacancies, c complaints, p programs, r press.
Sentiment: - negative, 0 neutral, + positive. `{slot}` is filled by generate.py.
"""

_TEXT = """
# --- fundraising: giving, questions about gifts, tax, legacies, events
f|0|nl|Hoe kan ik mijn maandelijkse donatie aan {org} verhogen van {amount} naar {amount}?
f|0|nl|Is {org} een ANBI? Ik wil mijn gift graag aftrekken bij de belasting.
f|0|nl|Kan ik ook eenmalig doneren zonder machtiging? Ik zie op de site alleen een maandelijkse optie.
f|+|nl|Net {amount} gedoneerd aan {org} via de QR-code op de collectebus. Ging supersnel!
f|+|nl|Vandaag een collectant van {org} aan de deur in {city}, heel vriendelijk. Met plezier {amount} gegeven.
f|0|nl|Wanneer is de collecteweek van {org} dit jaar in {city}?
f|0|nl|Mijn moeder wil een legaat nalaten aan {org}. Met wie kan de notaris contact opnemen?
f|0|nl|Hoe zet ik een periodieke gift op bij {org}? Mijn belastingadviseur raadt het aan.
f|+|nl|Ik loop volgende maand de sponsorloop voor {org}! Sponsor me, elke euro telt 🏃
f|+|nl|Teller van mijn sponsoractie voor {org} staat op {amount}. Dank aan iedereen die gaf!
f|0|nl|Kan ik mijn donatie aan {org} ook via PayPal of creditcard doen? Ik heb geen iDEAL.
f|0|nl|Ik wil mijn maandgift aan {org} tijdelijk stopzetten, hoe doe ik dat?
f|0|nl|Krijg ik een jaaroverzicht van mijn giften aan {org} voor de aangifte?
f|+|nl|Ons bedrijf verdubbelt deze maand elke donatie van collega's aan {org}. Trots op het team!
f|0|nl|Waar gaat mijn geld heen als ik aan {org} doneer? Hoeveel procent gaat naar de doelen?
f|+|nl|Al tien jaar trouwe donateur van {org} en nog steeds blij met waar het geld naartoe gaat.
f|0|nl|Kan ik ook in natura schenken aan {org}? Ik heb nog dozen met schoolspullen.
f|+|nl|Mijn oma is 90 geworden en vroeg geen cadeaus maar een gift voor {org}. {amount} opgehaald!
f|0|nl|Moet ik een nieuwe machtiging tekenen als ik van rekeningnummer wissel? Ik doneer {amount} per maand aan {org}.
f|0|nl|Organiseren jullie dit jaar weer een benefietdiner? Ik wil graag een tafel reserveren.
f|+|nl|Statiegeldbonnetjes in de doneerbox van {org} bij de Albert Heijn in {city} gestopt 💛
f|0|nl|Is het geld van de kerstactie van {org} al overgemaakt naar de projecten?
f|0|nl|Wij willen als voetbalclub een actie opzetten voor {org}. Hebben jullie collectebussen of posters?
f|+|nl|Dertig euro opgehaald met de limonadekraam van mijn dochters voor {org}. Zo trots op die twee!
f|0|nl|Ik wil {org} opnemen in mijn testament. Hebben jullie een brochure over nalaten?
f|+|nl|Gisteren de gala-veiling van {org} bijgewoond, mooi bedrag opgehaald en een heerlijke avond.
f|0|nl|Tikkie voor {org} gestuurd na de bedrijfsborrel, klopt het dat dat gewoon aankomt?
f|0|nl|Hoe weet ik zeker dat die collectant van {org} echt is? Hij had geen pasje bij zich.
# --- fundraising practice complaints
fc|-|nl|Ik ben boos: twee keer afgeschreven voor mijn donatie aan {org}!
fc|-|nl|Waarom staan er {n} afschrijvingen van {amount} op mijn rekening? Ik heb één keer gedoneerd aan {org}.
fc|-|nl|Die werver van {org} bleef maar aandringen aan de deur in {city}. Ik zei drie keer nee. Schandalig.
fc|-|nl|Ik heb mijn machtiging bij {org} al in {day} opgezegd en toch wordt er nog steeds geïncasseerd.
fc|-|nl|Alweer gebeld door een telefonische fondsenwerver van {org}, tijdens het eten nota bene. Haal me uit dat bestand!
fc|-|nl|Wervers van {org} staan elke dag op het stationsplein in {city}. Je kunt er niet meer langs zonder aangesproken te worden.
fc|-|nl|Mijn vader van 84 heeft aan de deur een machtiging getekend bij {org} zonder te snappen wat het was. Graag terugstorten.
fc|-|nl|Heb {amount} teruggevraagd bij {org} na een dubbele afschrijving. {n} weken later nog niks teruggestort.
fc|-|nl|Zo'n straatwerver van {org} die je "even een minuutje" vraagt en dan 10 minuten over je incasso doorzeurt. Nee dank je.
fc|-|nl|Jullie sturen me elke maand een bedelbrief terwijl ik al donateur ben. Papierverspilling en zonde van mijn gift.
fc|-|nl|De doneerpagina van {org} rekent ineens {amount} transactiekosten. Dat staat nergens vermeld, zeer teleurgesteld.
fc|-|nl|Geweldig hoor {org}, weer twee keer afgeschreven 🙄 Top service.
fc|-|nl|Fijn dat jullie m'n gift dubbel incasseren, lekker handig vlak voor de feestdagen. Echt top geregeld.
fc|-|nl|Ik had een eenmalige gift gedaan en nu word ik ineens elke maand afgeschreven. Dat heb ik nooit afgesproken!
fc|-|nl|Wervingsbureau van {org} belt me voor de vijfde keer deze maand. Ik sta in het Bel-me-niet-register!
fc|-|nl|Ik zeg mijn donateurschap bij {org} op. Die agressieve straatwerving is niet meer te verdedigen.
fc|-|nl|Mijn sponsorloop-inschrijving is zomaar vervallen en het inschrijfgeld is niet teruggestort. Wat is dit?
fc|-|nl|Al {n} keer gemaild over mijn opgezegde machtiging. Geen reactie, wel weer een afschrijving. Dit is toch oplichting?
fc|-|nl|Die collectant van {org} werd echt onbeschoft toen ik zei dat ik geen contant geld had.
# --- volunteers
v|0|nl|Ik wil graag vrijwilliger worden bij {org} in {city}. Hoe meld ik me aan?
v|0|nl|Moet ik een VOG aanvragen voor vrijwilligerswerk bij {org} of regelen jullie dat?
v|+|nl|Mooie vrijwilligersvacature bij {org}: coördinator in {city}, 4 uur per week. Aanrader!
v|0|nl|Is er nog een vrijwilligersvacature bij {org} in {city}? Ik heb op {day} tijd.
v|0|nl|Hoeveel uur per week vragen jullie van vrijwilligers? Ik studeer nog en heb niet veel tijd.
v|+|nl|Vandaag mijn eerste dag als vrijwilliger bij {org}. Wat een warm team!
v|0|nl|Kan ik ook vrijwilligerswerk doen als ik geen Nederlands spreek? Ik spreek Engels en Arabisch.
v|0|nl|Mijn zoon van 16 wil vrijwilliger worden bij {org}. Mag dat al op die leeftijd?
v|+|nl|Al {n} jaar vrijwilliger bij {org} en nog steeds het leukste van mijn week.
v|0|nl|Zoeken jullie nog collectanten in {city}? Ik wil wel een avondje met de bus langs de deuren.
v|0|nl|Krijgen vrijwilligers bij {org} een onkostenvergoeding voor de reiskosten?
v|0|nl|Is dit een betaalde functie of een vrijwilligersvacature? Ik zie nergens een salaris staan.
v|0|nl|Wij willen met ons team een dag vrijwilligerswerk doen bij {org}. Kan dat voor een groep van 12?
v|+|nl|Dank aan alle vrijwilligers van {org} die vandaag in de regen stonden. Helden!
v|0|nl|Ik zou mij graag engageren als vrijwilliger bij {org}, waar moet ik mij aanmelden?
v|0|nl|Kan ik me als vrijwilliger ook voor alleen de zomermaanden aanmelden?
v|-|nl|Jullie zoeken overal vrijwilligers, maar ik krijg geen reactie op mijn aanmelding. Dan maar niet.
vc|-|nl|Ik heb me {n} weken geleden aangemeld als vrijwilliger bij {org} en nog NIKS gehoord. Heel teleurstellend.
vc|-|nl|Als vrijwilliger word je bij {org} behandeld als gratis personeel. Niemand bedankt je, niemand luistert.
vc|-|nl|Mijn reiskosten als vrijwilliger zijn al {n} maanden niet vergoed. Schandalig voor een goed doel.
v|0|nl|Sinds wanneer moet je een cv en motivatiebrief sturen voor vrijwilligerswerk bij {org}?
v|+|nl|Trots op mijn collega's die vandaag een dag meehielpen bij {org}. Mooie teamdag!
v|0|nl|Wat zijn de taken van een vrijwillige coördinator? Ik zie de vrijwilligersvacature op jullie site.
v|0|nl|Ik ben gepensioneerd en heb tijd over. Waar kan ik bij {org} het best helpen?
# --- volunteers + programs
vp|0|nl|Ik kan goed koken en heb op {day}avond tijd. Kan ik helpen bij Samen Eten in {city}?
vp|0|nl|Als gepensioneerde leraar wil ik best twee middagen per week helpen bij de huiswerkhulp van {org}.
vp|+|nl|Gisteravond mijn eerste avond bij Samen Eten {city} gedraaid als kookvrijwilliger! Ik kom zeker terug.
vp|0|nl|Zoeken jullie nog buddy's voor het Buddy-project in {city}? Ik wil graag een kind begeleiden.
vp|+|nl|De vrijwilligers bij {prog} in {city} zijn echt goud. Dank jullie wel!
vp|0|nl|Wie volgende week mee wil koken bij Samen Eten in {city}: meld je aan, we zoeken nog handen!
vp|+|nl|Allez, eerste namiddag huiswerkbegeleiding gedaan in {city} voor {org}. Ik ben kapot maar content.
vp|0|nl|Voor de vrijwilligersvacature bij de Huiswerkhulp: moet je een onderwijsachtergrond hebben?
vp|0|nl|Word buddy! Eén middag per week een jaar lang optrekken met een kind uit groep 6–8. Info-avond op {day}.
# --- vacancies
j|0|nl|{org} zoekt een {role} (32 uur) in {city}. Solliciteren kan tot 30 november. #vacature
j|0|nl|In welke schaal valt de functie {role} bij {org}? In de vacaturetekst staat alleen 'marktconform'.
j|0|nl|Hierbij solliciteer ik naar de functie {role}. Mijn cv en motivatiebrief vindt u in de bijlage.
j|0|nl|Is de vacature voor {role} bij {org} nog open? De deadline op de site is verlopen.
j|+|nl|Vandaag gesolliciteerd op de functie {role} bij {org}. Duimen maar 🤞
j|+|nl|Ik ben aangenomen als {role} bij {org}! Per 1 januari aan de slag 🎉
j|0|nl|Kent iemand iemand bij {org}? Ik wil graag een open sollicitatie sturen.
j|0|nl|Hebben jullie ook stageplekken? Ik studeer Social Work en zoek een afstudeerstage.
j|0|nl|Is de functie {role} ook in deeltijd te doen, bijvoorbeeld 24 uur?
j|+|nl|Werken bij {org} is echt een aanrader. Fijne collega's en werk met betekenis.
j|0|nl|Wat is het salaris van een telefonisch fondsenwerver bij {org}? Ik zoek een bijbaan.
j|0|nl|Heb net mijn sollicitatie verstuurd voor de bijbaan bij {org}, €14,50 per uur, avonden.
j|0|nl|Wanneer hoor ik iets over mijn sollicitatiegesprek van vorige week voor de functie {role}?
j|0|nl|Is er bij de functie {role} een reiskostenvergoeding en thuiswerkmogelijkheid?
j|+|nl|Trots! Deze maand {n} nieuwe collega's bij {org} en we zoeken nog een {role}.
j|0|nl|Ik heb morgen een sollicitatiegesprek bij {org}. Iemand tips over de cultuur daar?
jc|-|nl|{n} weken geleden gesolliciteerd bij {org} voor {role} en nog steeds geen reactie. Zelfs geen afwijzing.
jc|-|nl|Afgewezen voor {role} met een standaardmail. Na twee gesprekken had ik toch wel een telefoontje verwacht.
jc|-|nl|Vacature voor {role} bij {org}: 36 uur, hbo+, en dan minimumloon. Serieus? Dit is een goed doel onwaardig.
jp|0|nl|Wij zoeken een Projectleider Samen Eten (32–36 uur) voor regio {city}. Solliciteer vóór 4 december.
jp|0|nl|Vacature: Teamleider Huiswerkhulp bij {org} in {city}. Betaalde functie, 28 uur, schaal 9.
# --- complaints (service, programmes, website)
c|-|nl|Al {n} weken geen reactie op mijn mail aan info@openhart.nl. Leest iemand die inbox eigenlijk?
c|-|nl|Jullie klantenservice is onbereikbaar. {n} keer gebeld, telkens in de wacht en dan opgehangen.
c|-|nl|De zoekfunctie op jullie website werkt niet en het contactformulier geeft een foutmelding. Frustrerend.
c|-|nl|Ik heb een klacht ingediend over een medewerker van {org} en na een maand nog geen antwoord.
c|-|nl|Mijn gegevens zijn zonder toestemming doorgegeven aan een ander goed doel. Hoe kan dat?
c|-|nl|Nog steeds geen antwoord op mijn DM van {day}. Geweldige service hoor 🙄
c|-|nl|Uw medewerker aan de telefoon was ronduit onbeschoft. Zo ga je niet met mensen om.
c|-|nl|Ik wil uit jullie mailinglijst, maar de afmeldlink werkt al maanden niet. Graag verwijderen.
c|-|nl|Excuses aanvaard, maar ik heb ook al gemaild en daar nog steeds geen antwoord op gekregen.
c|-|nl|Jullie beloofden me gisteren terug te bellen. 24 uur later nog niks. Dit is echt slecht.
c|-|nl|Jullie brief was gericht aan mijn overleden man. Ik heb dat al twee keer doorgegeven. Pijnlijk.
c|-|nl|Tja {org}, weer geen reactie. Jullie zijn echt kampioen in niet-antwoorden 👏
c|-|nl|Heel fijn dat mijn klacht al {n} weken 'in behandeling' is. Ik wacht wel, heb toch niks beters te doen.
cp|-|nl|Vanavond met mijn vader naar Samen Eten in {city}, staan we voor een dichte deur. Geen bericht, niks.
cp|-|nl|Samen Eten in {city} is alweer afgelast zonder bericht. Mijn moeder had zich er de hele week op verheugd.
cp|-|nl|De huiswerkhulp in {city} is al {n} weken dicht en niemand laat iets weten. Mijn zoon zit met zijn huiswerk.
cp|-|nl|Mijn dochter heeft al {n} maanden geen buddy meer en niemand van {org} neemt contact op.
cp|-|nl|Het eten bij Samen Eten in {city} was koud en de sfeer was vervelend. Jammer, vorige keer was het beter.
cp|-|nl|Bij de voedselhulp in {city} werd ik als bedelaar behandeld. Ik schaam me al genoeg.
cp|-|nl|Wachtlijst voor de huiswerkhulp in {city} is een half jaar?! Dan is het schooljaar voorbij.
c|+|nl|Oké, dank voor de snelle oplossing en de excuses. Had wel wat eerder gemogen 😉
# --- programs
p|0|nl|Is {prog} in {city} open voor iedereen of alleen voor mensen met een laag inkomen?
p|0|nl|Iemand ervaring met {prog} van {org}? Is dat ook in {city}?
p|+|nl|Mijn dochter gaat sinds september naar de Huiswerkhulp van {org} en haalde vandaag een 8 voor begrijpend lezen 😭
p|+|nl|Maandag = Samen Eten in {city}. Erwtensoep en 46 buren aan tafel. Iedereen welkom, je betaalt wat je kunt.
p|0|nl|Vanaf wanneer is {prog} in {city} weer open na de zomer?
p|0|nl|Moet je je opgeven voor Samen Eten of kun je gewoon binnenlopen op {day}?
p|+|nl|Vorige week mijn moeder meegenomen naar Samen Eten, ze praat er nog steeds over. Wat een mooi initiatief.
p|0|nl|Helpt de huiswerkhulp ook met Engels en wiskunde? Mijn zoon zit in de brugklas.
p|+|nl|Straf hoe die mensen van {org} elke week klaarstaan in {city} met hun huiswerkklasjes.
p|0|nl|Is de voedselhulp van {org} in {city} ook op zaterdag open?
p|0|nl|Waar vind ik het jaarverslag van {prog}? Ik ben benieuwd naar de resultaten.
p|+|nl|Mijn buddy van het Buddy-project zit nu op het vwo!! Zo trots op hem.
p|0|nl|Kan mijn buurvrouw van 80 mee naar Samen Eten als ze slecht ter been is? Is er een lift?
p|0|nl|Komt {prog} ook naar {city}? Hier is echt behoefte aan.
p|+|nl|Wat een goed programma, die huiswerkhulp in de bieb. Mijn zoon gaat er met plezier heen.
p|0|nl|Hoeveel kinderen doen er mee aan het Buddy-project in {city}? Voor mijn scriptie.
p|0|nl|Doen jullie ook iets voor ouderen die eenzaam zijn, zoals een maaltijd aan huis?
pf|+|nl|Net een maandelijkse gift aan {org} ingesteld na het lezen over hun huiswerkhulp voor kinderen.
pf|0|nl|Kan ik mijn donatie specifiek laten besteden aan {prog} in {city}?
pf|+|nl|{amount} opgehaald met onze sponsorloop, dat betaalt {n} uur huiswerkhulp. Dank allemaal!
# --- press
r|0|nl|Goedemorgen, ik ben verslaggever bij {paper} en werk aan een stuk over {org}. Verzoek om reactie: wie kan ik spreken?
r|0|nl|Persvraag: klopt het dat {org} dit jaar {n} nieuwe locaties opent? Graag vóór {day} 12:00 een reactie.
r|0|nl|Hallo persteam, ik ben producer van een podcast en we willen graag iemand van {org} interviewen.
r|0|nl|Voor {paper} schrijf ik een artikel over armoede in {city}. Heeft {org} een woordvoerder beschikbaar?
r|0|nl|Redactie {paper} hier. Kunnen we morgen een cameraploeg sturen naar {prog} in {city}?
r|0|nl|Ik ben journalist en onderzoek de kosten van straatwerving bij goede doelen. Kan {org} reageren?
r|0|nl|Goed gesprek gehad met de persvoorlichter van {org}. Stuk verschijnt morgen in {paper}.
r|+|nl|Mooi artikel vandaag in {paper} over {org}. Goed dat dit werk aandacht krijgt.
r|0|nl|Interviewverzoek voor {paper}: we zoeken een ervaringsdeskundige die {org} kan aanbevelen.
r|0|nl|Heeft {org} een reactie op het rapport van het CBF over de bestedingen? Vraag namens {paper}.
r|0|nl|Ik maak een radioreportage voor {paper} en zou graag een vrijwilliger van {org} spreken.
r|0|nl|Verzoek om een quote van de directeur van {org} voor ons stuk over de energiecrisis. Deadline vandaag 17:00.
rc|-|nl|Als journalist bij {paper} wacht ik al {n} dagen op een reactie van {org}. Dan schrijf ik dat jullie niet wilden reageren.
rc|-|nl|Ons stuk over {org} is inmiddels duizenden keren gelezen. Nog altijd geen reactie van de stichting zelf.
rc|-|nl|{org} beloofde me 'vandaag nog' terug te bellen voor mijn artikel. 24 uur later nog niks. Deadline is morgen.
rc|-|nl|Persvoorlichting van {org} is onbereikbaar. Drie mails, twee voicemails. Zo werkt het niet met de pers.
rf|0|nl|Open Hart betaalt wervingsbureau tot €120 per nieuwe donateur – is dat verantwoord? Een analyse in {paper}.
rf|0|nl|Voor {paper} zoek ik een reactie van {org} op de kritiek op jullie wervingskosten.
rf|-|nl|Ons onderzoek voor {paper}: een derde van het donateursgeld van {org} gaat op aan werving. Stichting weigert commentaar.
rp|0|nl|Journalist van {paper}: mogen we een reportage maken over Samen Eten in {city}? Graag een contactpersoon.
rp|+|nl|Vanavond op {paper}: een reportage over de huiswerkhulp van {org}. Ontroerend mooi.
rj|0|nl|Vraag voor een artikel in {paper}: waarom betaalt {org} zijn directeur meer dan de norm?
# --- no topic: chit-chat, unrelated, spam, the org's own thanks
|+|nl|Die oranje hartjes-posters van {org} op de Neude lieten me toch even glimlachen.
|0|nl|Is het normaal dat ik bij het zien van het logo van {org} meteen trek krijg in erwtensoep?
|0|nl|Weet iemand of de kledingbank in {city} ook op zaterdag open is? Kan het nergens vinden.
|+|nl|Dat tasje van {org} overleeft al vier jaar boodschappen en één festival. Topkwaliteit.
|0|nl|Wat betekent het logo van {org} eigenlijk? Een hart met een open deur?
|0|nl|Waarom heet het eigenlijk Open Hart? Klinkt als een hartoperatie 😅
|+|nl|Goedemorgen allemaal, fijne {day}!
|0|nl|Mijn buurman zegt dat {org} vroeger anders heette. Klopt dat?
|+|nl|Leuke nieuwe huisstijl {org}! Veel frisser.
|0|nl|Gaat de vestiging in {city} verhuizen? Ik zag een bord te huur hangen.
|0|nl|Ik heb een gift gekregen van mijn buurvrouw: een plant. Geen idee wat ik ermee moet.
|0|nl|Mijn baan is saai vandaag, gelukkig zijn er kattenfilmpjes. En {org} memes.
|0|nl|Persoonlijk vind ik dat {city} het mooiste station heeft. Verder niks.
|0|nl|Dat geldt trouwens ook voor de fietsenstalling bij het station in {city}.
|-|nl|Wat een weer vandaag in {city}. Regen, lekke band, te laat op mijn werk.
|0|nl|Het project van mijn dochter op school gaat over vulkanen. Ze heeft er een 7 voor!
|0|nl|Ik heb de sponsor van ons voetbalteam eens gevraagd waarom ze dat doen. Goed verhaal.
|0|nl|Wie heeft die collectebus in de kerk gemaakt? Die is echt mooi gesneden.
|0|nl|Welke functie heeft die knop rechtsboven in de app van de NS?
|-|nl|Weer file op de A12. Elke ochtend hetzelfde liedje.
|0|nl|KOOP NU VOLGERS!!! 10K echte volgers voor maar {amount}. DM ons 👉 bit.ly/volgers247
|0|nl|Verdien €500 per dag vanuit huis!! Geen ervaring nodig. Klik op de link in bio 💰💰
|0|nl|Gefeliciteerd! U heeft een iPhone gewonnen. Claim uw prijs via gratis-prijs.nl/claim {org}
|0|nl|Ik help goede doelen aan 3x meer volgers met LinkedIn-automation 🚀 {org}, stuur me een DM!
|0|nl|Bijbaan vanuit huis: €2000 per week met crypto. Stuur 'JA' in een DM 📈
|+|nl|Bedankt voor jullie snelle antwoord {name}! Fijne dag nog.
|0|nl|Iemand die weet hoe laat de markt in {city} op {day} begint?
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

# ruff: noqa: E501  (hand-written data lines, kept one per line)
"""Hand-written English lines: `topics|sentiment|lang|text` (codes as in lines_nl.py)."""

_TEXT = """
# --- fundraising
f|+|en|Just set up a monthly donation to {org} after reading about their work. Small amount but it's something 💛
f|0|en|Do you accept donations via PayPal or credit card? I live abroad and can't use iDEAL.
f|0|en|Is {org} a registered ANBI? I'd like to know if my gift is tax deductible.
f|+|en|Signed up for the {org} sponsor run on {day_en}! Every euro goes to the kids. Please sponsor me 🏃
f|+|en|Training run for the {org} sponsor run. {amount} raised so far, thank you all!
f|0|en|How do I change the amount of my monthly donation to {org}? I can't find it in my account.
f|0|en|Can I leave a legacy to {org} in my will if I live in the UK?
f|+|en|Our office is matching every donation to {org} this week. Current count: {amount} and one button.
f|0|en|When is the next fundraiser dinner? Would love to bring a few colleagues.
f|+|en|Reminder that periodic gifts to ANBI charities like {org} are fully tax deductible in NL. Took me 5 minutes to set up.
f|0|en|How much of my donation actually goes to the programmes and how much to overhead?
f|+|en|Gave {amount} to the {org} collector at my door in {city}. Polite, quick, no pressure. That's how it should be.
f|0|en|Can I donate in memory of my father? His funeral is next week and the family asked for gifts instead of flowers.
f|0|en|Is there a way to make a one-off donation without setting up a direct debit?
f|+|en|Our school bake sale raised {amount} for {org}! The kids are so proud 🧁
f|0|en|Does my employer's giving scheme work with {org}? They need your registration number.
# --- fundraising complaints
fc|-|en|Thanks {org} for charging me twice this month, really appreciate it 👏
fc|-|en|I was charged twice for a single donation to {org}. Please refund the second payment.
fc|-|en|Got stopped {n_en} times in one street in {city} by {org} fundraisers. Pushy and rude. Stop it.
fc|-|en|Cancelled my direct debit with {org} weeks ago and you're still taking money. This is unacceptable.
fc|-|en|Your door-to-door fundraiser wouldn't take no for an answer and put his foot in the door. Disgraceful.
fc|-|en|Your donation page loads 14 third-party trackers before I even type an amount. For a charity that's a lot.
fc|-|en|Third fundraising call this week from {org}. I already donate! Take me off your list.
fc|-|en|Wow, love getting a 'we miss you' guilt-trip letter every month after I stopped my donation. Very classy.
fc|-|en|My elderly mum signed up for a monthly gift at the door without understanding it. I want a refund now.
fc|-|en|Still waiting for the refund of my double donation. {n_en} weeks. Never answered my emails either.
# --- volunteers
v|0|en|Does {org} take volunteers who don't speak Dutch (yet)? I just moved to {city}.
v|0|en|Do you have weekend volunteering? I work full-time on weekdays but I'm free on Saturdays.
v|+|en|Just finished my first shift as a volunteer with {org}. Tired but so happy.
v|0|en|How many hours a week do volunteers usually give? I'm a student with a busy schedule.
v|0|en|Can our company team volunteer for a day at {org}? We're about 15 people.
v|0|en|Is there a minimum age to volunteer? I'm 17 and would love to help.
v|+|en|Huge thanks to all the {org} volunteers out in the rain today. Absolute heroes.
v|0|en|Do volunteers get their travel expenses reimbursed?
v|0|en|Saw a volunteer vacancy for a coordinator role. Is it unpaid, or is there an allowance?
v|-|en|Signed up to volunteer {n_en} weeks ago, never heard back. Guess you don't need help after all.
vc|-|en|Volunteered for {org} for two years and got dropped by email without a word of thanks. Really hurtful.
vp|0|en|I'm an international student in {city}. Do you have volunteer roles at Samen Eten for people who don't speak Dutch? I'm a decent cook.
vp|+|en|Volunteering in {city} without speaking Dutch: my first month cooking at Samen Eten. Nobody cared about my grammar.
vp|0|en|I'd love to become a buddy for a primary school kid in {prog_en}. Is there a minimum age?
vp|+|en|The kid next door proudly showed me his spelling test. 9/10. He goes to a homework club run by {org} volunteers.
vp|0|en|Signed up for the {org} Buddy project info night. What's the time commitment for buddies?
# --- vacancies
j|0|en|We're hiring: {role_en} (24 hrs) at {org}. Apply by 30 November. #hiring #nonprofitjobs
j|0|en|Saw the {role_en} vacancy at {org}. Anyone who works there and can tell me about the culture?
j|0|en|Could you tell me the salary range for the {role_en} vacancy? The ad doesn't say.
j|+|en|Got the job! Starting as {role_en} at {org} in January 🎉
j|0|en|Is the {role_en} position open to candidates who don't speak Dutch?
j|0|en|I have a job interview at {org} on {day_en}. Any tips from people who work there?
j|0|en|Do you offer paid internships? I'm finishing my master's in {city}.
j|+|en|Working at {org} has been the best career move I've made. Great team, real impact.
j|0|en|Is the {role_en} job remote-friendly, or do I need to be in {city}?
jc|-|en|Applied for the {role_en} vacancy at {org} in October. Got an automated reply and then silence. Is that normal?
jc|-|en|Rejected after {n_en} interview rounds with a template email. Not even a phone call. Poor candidate experience.
# --- complaints
c|-|en|{n_en} weeks and still no reply to my email to info@openhart.nl. Does anyone actually read that inbox??
c|-|en|Your contact form has been broken for days. I just get an error. Very frustrating.
c|-|en|The person on your phone line was incredibly rude to me. Unacceptable.
c|-|en|I keep getting your newsletter even though I unsubscribed {n_en} times.
c|-|en|You shared my address with another charity without my consent. I want an explanation.
c|-|en|Oh great, another week without an answer from {org}. Fantastic customer service 🙄
c|-|en|I've been on hold for 40 minutes. Brilliant. Just brilliant.
cp|-|en|Turned up for Samen Eten in {city} with my neighbour and the door was locked. No notice, nothing.
cp|-|en|The homework club in {city} has been closed for {n_en} weeks and nobody tells the parents anything.
cp|-|en|My son has been on the waiting list for {prog_en} for six months. Nobody answers our emails.
# --- programs
p|0|en|Is {prog_en} open to everyone or only for people on a low income?
p|0|en|Does {prog_en} also help with English homework? My daughter is struggling.
p|+|en|Interesting how pay-what-you-can dinners spread. {org}'s Samen Eten reaches lots of older people living alone.
p|+|en|My daughter's reading improved so much since she joined {prog_en}. Thank you {org}!
p|0|en|Is {prog_en} running during the school holidays in {city}?
p|0|en|Can I bring my elderly neighbour to Samen Eten? She uses a wheelchair.
p|+|en|Had dinner at Samen Eten in {city} tonight. 40 neighbours, one big table, amazing soup.
p|0|en|Where can I find the results of {prog_en}? Writing my thesis on community programmes.
p|0|en|Do you run anything for lonely elderly people, like a meal delivery?
pf|+|en|Every euro I raise goes to {prog_en}. {amount} so far, which pays for {n_en} hours of homework help!
pf|0|en|Can I earmark my donation for {prog_en} in {city}?
# --- press
r|0|en|Freelance journalist here, writing about food insecurity in the Netherlands. Would love a quick comment from {org}.
r|0|en|Press question for {org}: is it true your Samen Eten locations saw a 30% rise in guests this autumn?
r|0|en|Hey {org}, we host a weekly podcast (~40k listeners). Would someone like to come on to talk about your work?
r|0|en|Reporter at {paper_en} here. Who is the best person at {org} to speak to about child poverty?
r|0|en|Request for comment: we're publishing a piece on Dutch charities tomorrow and would like {org}'s response.
r|+|en|Great piece in {paper_en} today about {org}. Well deserved attention.
r|0|en|Could your director do a short interview with {paper_en} on {day_en}? Happy to work around her schedule.
rc|-|en|I've emailed {org}'s press office {n_en} times for my story in {paper_en}. No response. I'll note that you declined to comment.
rc|-|en|Journalist here. Your press line goes straight to voicemail and nobody calls back. Not a great look.
rf|0|en|Dear press office, I'm a reporter for {paper_en}. We're comparing street fundraising costs across charities. Could you comment?
rf|-|en|Our investigation for {paper_en}: {org} spends a third of its donations on recruiting donors. The charity declined to comment.
rp|0|en|Writing a feature for {paper_en} on Samen Eten in {city}. Could we visit one evening with a photographer?
# --- no topic, other senses, spam
|+|en|{org} your orange hearts on the Neude are the cutest thing in {city} this week. That's it, that's the tweet.
|+|en|Hot take: charity tote bags are the best tote bags. My {org} one has survived 4 years.
|0|en|Does anyone else think charity logos all look the same now? Orange heart, red heart, green heart…
|+|en|Great job on the new website {org}, looks really clean.
|0|en|Terms and conditions apply to the prize draw at the Jaarbeurs, not sure who runs it.
|0|en|Press the button twice to open the door at the {city} office, the bell is broken.
|0|en|No comment from me on the football last night. Painful.
|0|en|Buy followers cheap!!! 10K REAL followers only $9.99 🔥 No password needed 👉 bit.ly/gr0wfast DM now
|0|en|Earn 500% DAILY with our AI trading bot!!! Only 20 spots left, join now → quickprofit-now.biz/vip 💰
|0|en|Work from home JOB!!! $5000/week, no experience, apply now via link in bio 💸
|0|en|Congratulations! You've been selected for a free cruise. Claim now at freecruise.win {org}
|0|en|Hiring? Our AI recruiter fills any position in 24h. DM us for a demo 🚀
|0|en|What does the heart in the {org} logo actually mean? Always wondered.
|+|en|Good morning {city}! Lovely sunny day for once.
|-|en|Trains cancelled again. Another great day on Dutch railways.
|0|en|My gift to myself this year: a new bike. Anyway, back to work.
|+|en|Thanks for the quick answer {name}, that's all sorted now!
"""

LINES = [line for line in _TEXT.splitlines() if line.strip()]

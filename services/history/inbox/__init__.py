"""The inbox: the web pages department people work in, served by the history service.

People sign in (`people.py`, `web_sessions.py`), see their departments' queue
live, open a mention's whole shared record and act on it through the same
functions as the JSON API (`api_actions.act_on_mention`). Pages are Jinja2
templates with htmx; texts come from `catalogue.py`.
"""

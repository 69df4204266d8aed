"""Helpers shared by the unit and end-to-end tests (not tests themselves).

chat       a conversation over REST, and the steps of the self-check
expect     the texts the assistant should say, rendered from the same catalogs
languages  the enabled languages of languages.yml, and test phrases per language
load       where load tests count intakes, and the verdict on a load (bench/load.py runs it)
private_services  a Redis and a PostgreSQL of a test's own, to restart in fault tests
servers    the real Rasa server, action server and intake service on free ports
services   temporary PostgreSQL databases and the Redis URL of the machine
stored     what the servers wrote: SQLite files read-only, log files
twilio     SMS webhook requests as Twilio posts them, signed with its own validator
"""

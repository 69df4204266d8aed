"""Helpers shared by the unit and end-to-end tests (not tests themselves).

expect    the texts the assistant should say, rendered from the same catalogs
servers   the real Rasa server, action server and intake service on free ports
services  temporary PostgreSQL databases and the Redis URL of the machine
"""

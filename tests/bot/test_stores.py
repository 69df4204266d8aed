import pytest

from bot.server.stores import redis_lock_arguments, sql_store_arguments


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite:///var/test-tracker.db", {"dialect": "sqlite", "db": "var/test-tracker.db"}),
        (
            "postgresql://paligs:s3cret@db.example:5433/tracker",
            {"dialect": "postgresql", "host": "db.example", "port": 5433, "db": "tracker",
             "username": "paligs", "password": "s3cret", "query": None},
        ),
        (
            "postgresql+psycopg2://u@localhost/t?sslmode=require",
            {"dialect": "postgresql+psycopg2", "host": "localhost", "port": None, "db": "t",
             "username": "u", "password": None, "query": {"sslmode": "require"}},
        ),
    ],
)
def test_sql_store_arguments(url, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sql_store_arguments(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://localhost:6379/2", {"host": "localhost", "port": 6379, "db": 2, "use_ssl": False}),
        ("rediss://:pw@cache:6380", {"host": "cache", "port": 6380, "db": 0, "use_ssl": True, "password": "pw"}),
    ],
)
def test_redis_lock_arguments(url, expected):
    arguments = redis_lock_arguments(url)
    assert {key: arguments[key] for key in expected} == expected
    assert arguments["key_prefix"] == "paligs"

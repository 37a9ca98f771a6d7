"""`make bench`: deterministic data, timed scenarios, printed tables. Never part of the tests."""

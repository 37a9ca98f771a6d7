import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The formats' messages are asserted in English (the msgids); the UI default is Finnish
    (their Finnish is tested in test_i18n.py)."""
    with translation.override("en"):
        yield

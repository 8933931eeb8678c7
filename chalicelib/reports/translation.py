"""Translation of quotes for the leadership report: Amazon Translate behind a setting.

``PULSE_REPORT_TRANSLATE=amazon`` turns it on (wiring builds ``AmazonTranslator`` with a boto3
``translate`` client); unset, quotes keep their original text marked with their language. A
failed call returns None, so the report still goes out with the original quote.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)
TARGET = "en"
MAX_CHARS = 1000  # quotes are short; never send a long text


class AmazonTranslator:
    """``translate(text, source)`` with Amazon Translate; results cached for the run."""

    def __init__(self, client, target: str = TARGET):
        self.client = client
        self.target = target
        self._cache: dict[tuple[str, str], str | None] = {}

    def translate(self, text: str, source: str | None) -> str | None:
        key = (text, source or "auto")
        if key not in self._cache:
            self._cache[key] = self._call(text[:MAX_CHARS], source or "auto")
        return self._cache[key]

    def _call(self, text: str, source: str) -> str | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.translate_text(Text=text, SourceLanguageCode=source, TargetLanguageCode=self.target)
        except (BotoCoreError, ClientError) as error:
            log.warning("translation failed (%s): quote left in its language", type(error).__name__)
            return None
        return answer.get("TranslatedText") or None

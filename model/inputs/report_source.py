"""Where a figure from a later report (not a seed article) was published: :class:`Source`.

A seed figure names its article by file (``../shared/seeds/``); a figure a user adds from later
reporting (``figure_files:``) names its report by publisher, title, dates and address instead. Kept
apart from the registry so that its checks (a calendar day, a web address) stay in one place.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["Source"]

_DATE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_URL_RE = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:[/?#][^\s]*)?$")


def _day(v: Any) -> str:
    """A calendar day as ``YYYY-MM-DD`` (YAML may give a date or the text written)."""
    if isinstance(v, date):
        v = v.isoformat()
    if not isinstance(v, str) or not _DATE_RE.match(v):
        raise ValueError(f"{v!r} is not a date written YYYY-MM-DD")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise ValueError(f"{v!r} is not a calendar date") from None
    return v


class Source(BaseModel):
    """Where a figure from a later report (not a seed article) was published.

    Parameters
    ----------
    publisher, title : str
        Who published the report and its title (as published, any language).
    published, accessed : str
        Publication date and the date the URL was read, ``YYYY-MM-DD``; ``published`` is
        not after ``accessed``.
    url : str
        ``http://`` or ``https://`` address of the report.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    publisher: str
    title: str
    published: str
    url: str
    accessed: str

    @field_validator("publisher", "title")
    @classmethod
    def _check_text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @field_validator("published", "accessed", mode="before")
    @classmethod
    def _check_day(cls, v: Any) -> str:
        return _day(v)

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str) -> str:
        if not _URL_RE.match(v.strip()):
            raise ValueError(f"{v!r} is not a web address (http:// or https://, a host, no spaces)")
        return v.strip()

    @model_validator(mode="after")
    def _check_order(self) -> Source:
        if self.published > self.accessed:
            raise ValueError(f"published ({self.published}) is after accessed ({self.accessed})")
        return self

    @property
    def label(self) -> str:
        """``publisher, “title” (published YYYY-MM-DD), URL, accessed YYYY-MM-DD``."""
        return f"{self.publisher}, “{self.title}” (published {self.published}), {self.url}, accessed {self.accessed}"

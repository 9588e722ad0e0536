"""Dates known to the year, the month or the day ("décembre 2011", "1979").

The seeds date events with varying precision. We store a real date (the first day of
the period, so sorting and year filters work) and the precision it is known to.
"""

import datetime

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("année")
    MONTH = "month", _("mois")
    DAY = "day", _("jour")


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """Return the date as French (or English) readers expect it at its precision."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "F Y")
    return formats.date_format(value, "DATE_FORMAT")


def partial_date_is_consistent(value: datetime.date | None, precision: str) -> bool:
    """A year-precise date is 1 January, a month-precise date the 1st of the month."""
    if value is None:
        return precision == ""
    if precision == DatePrecision.YEAR:
        return value.month == 1 and value.day == 1
    if precision == DatePrecision.MONTH:
        return value.day == 1
    return precision == DatePrecision.DAY


def partial_date_constraint(field: str, name: str) -> models.CheckConstraint:
    """Database rule for a (date, precision) pair: both set or both empty, date in range."""
    precision = f"{field}_precision"
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{field}__isnull": True, precision: ""})
            | models.Q(
                **{
                    f"{field}__gte": datetime.date(1800, 1, 1),
                    f"{field}__lte": datetime.date(2100, 12, 31),
                    f"{precision}__in": DatePrecision.values,
                }
            )
        ),
        name=name,
        violation_error_message=_("La date doit être comprise entre 1800 et 2100, avec sa précision."),
    )


class DatedEvent(models.Model):
    """An event in a timeline: a key date of a network, a milestone of a partnership."""

    date = models.DateField(_("date"), db_index=True)
    date_precision = models.CharField(
        _("précision de la date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
    )
    label = models.CharField(_("événement"), max_length=400)

    class Meta:
        abstract = True
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date_display} : {self.label}"

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    def clean(self):
        from django.core.exceptions import ValidationError

        if not partial_date_is_consistent(self.date, self.date_precision):
            raise ValidationError(
                {"date": _("Pour une date à l’année, indiquez le 1er janvier ; au mois, le 1er du mois.")},
                code="inconsistent_precision",
            )

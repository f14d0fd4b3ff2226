"""`{{ value|money }}` on the screens: an amount of 万元 written as every document writes it (portal.numbers.money)."""

from django import template

from portal.numbers import money

register = template.Library()
register.filter("money", money)

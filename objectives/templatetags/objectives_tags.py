from django import template

from objectives.selectors import can_change

register = template.Library()


@register.filter
def changeable_by(objective, user) -> bool:
    """``{% if objective|changeable_by:user %}``: the owner and their manager change it.
    Needs ``objective.owner.manager`` loaded (the selectors do)."""
    return user.is_authenticated and can_change(viewer=user, objective=objective)


STATE_BADGES = {
    "proposed": "text-bg-warning",
    "active": "text-bg-primary",
    "completed": "text-bg-success",
    "rejected": "text-bg-secondary",
    "cancelled": "text-bg-light border",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light")

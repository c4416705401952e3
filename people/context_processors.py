from people.navigation import nav_addresses, nav_bar_links
from people.selectors import user_roles
from people.viewer import manages_anyone


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": "", "nav_urls": nav_addresses(), "user_roles": set()}
    roles = user_roles(viewer=user, manages=manages_anyone(request))
    return {
        # The bar's links written once for these roles (people/navigation.py).
        "nav_links": nav_bar_links(roles=roles, path=request.path),
        "nav_urls": nav_addresses(),
        "user_roles": roles,
    }

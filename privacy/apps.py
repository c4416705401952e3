from django.apps import AppConfig

from people.navigation import ProfileLink


class PrivacyConfig(AppConfig):
    """Reads the other apps, never read by them: the page of what others can see about
    a person, the download of a person's data and the anonymising of a leaver."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    profile_links = (
        ProfileLink(
            label="What HR and my organisation can see about me",
            url_name="privacy:seen",
            description="Exactly which fields your manager, their manager, HR and "
            "administrators can see about you, and the figures you are counted in.",
        ),
        ProfileLink(
            label="Download my data",
            url_name="privacy:download",
            description="Everything oneonones holds about you, as a zip of JSON and CSV files.",
        ),
    )

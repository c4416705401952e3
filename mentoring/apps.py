from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring"
    # No links of its own in the navigation bar, which is full at HR's widest: My 1:1s
    # links to My mentoring, and HR's 1:1 reports to the mentoring pairs.

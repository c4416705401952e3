import logging

from celery import shared_task

from wellbeing.services import checkins_delete_expired, publish_closed_months

logger = logging.getLogger(__name__)


@shared_task
def delete_expired_checkins() -> int:
    """Daily: delete check-ins older than WELLBEING_RETENTION_MONTHS."""
    deleted = checkins_delete_expired()
    logger.info("Deleted %d expired wellbeing check-ins.", deleted)
    return deleted


@shared_task
def publish_wellbeing_months() -> int:
    """Hourly: publish HR's figures of the months that have ended (once each)."""
    months = publish_closed_months()
    for month in months:
        logger.info("Published the wellbeing figures of %s.", f"{month:%B %Y}")
    return len(months)

import logging

from celery import shared_task

from wellbeing.services import checkins_delete_expired

logger = logging.getLogger(__name__)


@shared_task
def delete_expired_checkins() -> int:
    """Daily: delete check-ins older than WELLBEING_RETENTION_MONTHS."""
    deleted = checkins_delete_expired()
    logger.info("Deleted %d expired wellbeing check-ins.", deleted)
    return deleted

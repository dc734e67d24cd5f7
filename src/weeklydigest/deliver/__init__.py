"""Delivery: published issues e-mailed to subscribers as PDF, exactly once per (issue, subscriber)."""

from __future__ import annotations

import logging

from ..config import Config
from .send import SendReport, send_issue
from .web import make_app, unsubscribe

logger = logging.getLogger(__name__)

__all__ = ["SendReport", "make_app", "on_published", "send_issue", "unsubscribe"]


def on_published(config: Config, issue: str) -> SendReport | None:
    """Send the issue just published when `delivery.send_on_publish` is set; return the report, or None.

    The publish command calls this after it has written the published digest. Sending is safe to
    repeat: subscribers who already have the issue are skipped.
    """
    if config.delivery is None or not config.delivery.send_on_publish:
        return None
    report = send_issue(config, issue)
    logger.info("%s sent on publish: %d accepted, %d bounced, %d failed", issue, report.accepted,
                len(report.bounced), len(report.failed))
    return report

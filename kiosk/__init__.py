"""E-scout booking kiosk: domain, services and composition root."""

__version__ = "0.1.0"

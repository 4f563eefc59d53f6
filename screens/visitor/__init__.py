"""The visitor kiosk: Welcome, booking flow, look-up/cancel, check-in, idle prompt."""

from screens.visitor.booking import (
    ConfirmScreen,
    DetailsScreen,
    TicketScreen,
    TimeScreen,
    TopicScreen,
)
from screens.visitor.checkin import CheckInScreen
from screens.visitor.idle import MoreTimeScreen
from screens.visitor.lookup import ConfirmCancelScreen, LookupScreen
from screens.visitor.welcome import WelcomeScreen

__all__ = [
    "CheckInScreen",
    "ConfirmCancelScreen",
    "ConfirmScreen",
    "DetailsScreen",
    "LookupScreen",
    "MoreTimeScreen",
    "TicketScreen",
    "TimeScreen",
    "TopicScreen",
    "WelcomeScreen",
]

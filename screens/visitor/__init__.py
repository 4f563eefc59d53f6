"""The visitor kiosk: Welcome, booking flow, look-up/cancel, check-in, idle and help prompts."""

from screens.visitor.booking import (
    ConfirmBookingScreen,
    DetailsScreen,
    TicketScreen,
    TimeScreen,
    TopicScreen,
)
from screens.visitor.checkin import CheckInScreen
from screens.visitor.common import VisitorScreen
from screens.visitor.idle import MoreTimeScreen
from screens.visitor.lookup import ConfirmCancelScreen, LookupScreen
from screens.visitor.trouble import TroubleScreen
from screens.visitor.welcome import WelcomeScreen

__all__ = [
    "CheckInScreen",
    "ConfirmBookingScreen",
    "ConfirmCancelScreen",
    "DetailsScreen",
    "LookupScreen",
    "MoreTimeScreen",
    "TicketScreen",
    "TimeScreen",
    "TopicScreen",
    "TroubleScreen",
    "VisitorScreen",
    "WelcomeScreen",
]

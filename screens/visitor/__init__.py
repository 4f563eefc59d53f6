"""The visitor kiosk: Welcome, booking flow, look-up/cancel, check-in, idle and help prompts.

The booking flow is one module a step: topics -> times -> details -> confirm -> ticket (the
waiting list branches off the times and reuses the details step). Every store call runs in
a thread worker that only posts a message; the ``@on`` handler updates the screen. The
visitor's choices travel in one ``Draft`` from screen to screen.
"""

from screens.visitor.checkin import CheckInScreen
from screens.visitor.common import VisitorScreen
from screens.visitor.confirm import ConfirmBookingScreen
from screens.visitor.details import DetailsScreen
from screens.visitor.idle import MoreTimeScreen
from screens.visitor.lookup import ConfirmCancelScreen, LookupScreen
from screens.visitor.ticket import TicketScreen
from screens.visitor.times import TimeScreen
from screens.visitor.topics import TopicScreen
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

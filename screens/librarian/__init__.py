"""The librarian console: PIN prompt and the console screen with its tabs."""

from screens.librarian.console import ConsoleScreen
from screens.librarian.login import LoginScreen

__all__ = ["ConsoleScreen", "LoginScreen"]

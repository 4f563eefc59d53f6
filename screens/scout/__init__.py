"""The e-scout's own screens at the kiosk: sign-in by card, My day, the activity form, hours.

The App imports the screens from their modules (``screens.scout.day`` etc.): the visitor's
code field imports ``screens.scout.card`` alone, so this package imports nothing itself.
"""

"""The domain: bookings, free times, tickets and check-in, activity forms, e-scouts' shifts
and access, the library's settings and catalogue. No Textual, no TinyDB (it reaches the
store through db/), no paper, no web."""

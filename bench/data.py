"""Generated, realistic booking data: 50 e-scouts, years of history, every status.

A busy library: 50 e-scouts with 3-5 of the 14 demo topics each and two 3-hour sessions a
week (600 half-hour slots a week); 60 % of past slots were booked (about 360 bookings a
week), of those 75 % done, 10 % no-show, 15 % cancelled; names older than the retention
window are erased, as the purge would have done. The next 14 days are 45 % booked (today
80 %, so there are tickets to check in). The size of a data set sets how many years back
the history reaches (10k: ~7 months, 100k: ~5 years, 1M: ~53 years), so the hot part is
the same for every size and only the history grows.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from kiosk.demo import load_demo
from kiosk.domain.clock import TZ
from kiosk.domain.tickets import CODE_ALPHABET, CODE_LENGTH, TOKEN_ALPHABET

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)  # a Tuesday morning
SCOUTS = 50
RETENTION_DAYS = 30
HORIZON_DAYS = 14
SLOT = timedelta(minutes=30)
NAMES = ["Ona", "Petras", "Aldona", "Jonas", "Birutė", "Stasė", "Antanas", "Genovaitė", "Vytautas"]
PLACES = ["Skaitykla, 1 stalas", "Skaitykla, 2 stalas", "Kompiuterių klasė", "Jaunimo erdvė"]


@dataclass
class DataSet:
    size: int
    tables: dict[str, dict[str, Any]]
    topic: str  # the topic the most e-scouts cover
    # Booked today: the check-in tickets, each with its start (check-in has a window).
    today_tickets: list[tuple[str, datetime]] = field(default_factory=list)
    future_codes: list[str] = field(default_factory=list)
    old_codes: list[str] = field(default_factory=list)  # long closed: in the archive
    first_day: date | None = None


def _token(rnd: random.Random) -> str:
    return "".join(rnd.choice(TOKEN_ALPHABET) for _ in range(26))


def build(size: int, seed: int = 5) -> DataSet:
    rnd = random.Random(seed)
    demo_topics = load_demo().topics
    topics = [t.slug for t in demo_topics]
    settings = {
        "key": "library",
        "library_name": "Bench library",
        "retention_days": RETENTION_DAYS,
        "horizon_days": HORIZON_DAYS,
        "max_future_bookings": 2,
    }
    scouts, weekly = {}, {}
    sessions: dict[int, list[tuple[str, time, str]]] = {d: [] for d in range(7)}
    for n in range(SCOUTS):
        sid = f"s{n:02d}"
        covered = rnd.sample(topics, rnd.randint(3, 5))
        scouts[str(n + 1)] = {
            "id": sid,
            "name": f"Skautas {n:02d}",
            "topics": covered,
            "languages": ["lt", "en"],
            "active": True,
            "contact": "",
        }
        for day in rnd.sample(range(6), 2):
            hour = rnd.randint(10, 13 if day == 5 else 16)
            place = rnd.choice(PLACES)
            sessions[day].append((sid, time(hour), place))
            weekly[str(len(weekly) + 1)] = {
                "id": f"w{len(weekly) + 1}",
                "scout": sid,
                "weekday": day,
                "start": f"{hour:02d}:00",
                "end": f"{hour + 3:02d}:00",
                "place": place,
            }
    counts: dict[str, int] = {}
    for s in scouts.values():
        for t in s["topics"]:
            counts[t] = counts.get(t, 0) + 1
    busiest = max(counts, key=lambda t: counts[t])

    data = DataSet(size, {}, busiest)
    rows: list[dict[str, Any]] = []
    codes: set[str] = set()

    def add(day: date, sid: str, start_t: time, place: str, status: str, keep_token: bool) -> None:
        start = datetime.combine(day, start_t, tzinfo=TZ)
        end = start + SLOT
        while True:
            code = "".join(rnd.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in codes:
                codes.add(code)
                break
        token = _token(rnd) if keep_token else f"{rnd.getrandbits(128):032x}"
        topic = rnd.choice(scouts[str(int(sid[1:]) + 1)]["topics"])
        old = (NOW - start).days > RETENTION_DAYS
        doc = {
            "id": f"{rnd.getrandbits(128):032x}",
            "code": code,
            "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            "topic": topic,
            "scout": sid,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "place": place,
            "name": "" if old else rnd.choice(NAMES),
            "phone": None,
            "language": "lt",
            "status": status,
            "source": "kiosk",
            "created_at": (start - timedelta(days=rnd.randint(0, 10))).isoformat(),
            "erased_at": (start + timedelta(days=RETENTION_DAYS)).isoformat() if old else None,
        }
        if status == "done":
            doc["done_at"] = end.isoformat()
        elif status == "no_show":
            doc["no_show_at"] = end.isoformat()
        elif status == "cancelled":
            doc["cancelled_at"] = (start - timedelta(days=1)).isoformat()
        rows.append(doc)
        if keep_token:
            data.today_tickets.append((token, start))
        if start > NOW and status == "booked":
            data.future_codes.append(code)
        elif (NOW - start).days > 90 and len(data.old_codes) < 500 and rnd.random() < 0.05:
            data.old_codes.append(code)

    def slots_of(day: date):
        for sid, start_t, place in sessions[day.weekday()]:
            for k in range(6):
                yield sid, (datetime.combine(day, start_t) + SLOT * k).time(), place

    today = NOW.date()
    # The future and today first (they are what the kiosk works on) ...
    for offset in range(HORIZON_DAYS, -1, -1):
        day = today + timedelta(days=offset)
        for sid, start_t, place in slots_of(day):
            if offset == 0:
                if rnd.random() < 0.8:
                    add(day, sid, start_t, place, "booked", keep_token=True)
            elif rnd.random() < 0.45:
                status = "cancelled" if rnd.random() < 0.05 else "booked"
                add(day, sid, start_t, place, status, keep_token=False)
    # ... then history, back in time until the data set has its size.
    day = today - timedelta(days=1)
    while len(rows) < size:
        for sid, start_t, place in slots_of(day):
            if rnd.random() < 0.6 and len(rows) < size:
                r = rnd.random()
                status = "done" if r < 0.75 else "no_show" if r < 0.85 else "cancelled"
                add(day, sid, start_t, place, status, keep_token=False)
        day -= timedelta(days=1)
    data.first_day = day
    rows.sort(key=lambda d: d["start"])
    data.tables = {
        "meta": {"1": {"schema": 1}},
        "settings": {"1": settings},
        "topics": {
            str(n + 1): {
                "slug": t.slug,
                "names": {"lt": t.names["lt"], "en": t.names["en"]},
                "descriptions": {"lt": t.descriptions["lt"], "en": t.descriptions["en"]},
                "active": True,
                "order": n,
            }
            for n, t in enumerate(demo_topics)
        },
        "scouts": scouts,
        "weekly": weekly,
        "bookings": {str(n + 1): doc for n, doc in enumerate(rows)},
    }
    return data

"""What "Read aloud" says on each visitor screen, in every language, and the WAV files
espeak-ng writes under KIOSK_SPEECH_DIR (audible, longer for a longer text)."""

from __future__ import annotations

import array
import asyncio
import math
import os
import shutil
import wave
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.cli.config import parse_value, setting_keys
from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import Slot, Topic
from kiosk.domain.ticket_content import TicketContent, TicketLine
from kiosk.i18n import Translator
from kiosk.speech import ENGINE, Speaker, Voice
from kiosk.speech import text as speech
from tests.conftest import NOW

LANGS = ["lt", "en", "ru", "uk", "pl"]
TODAY = NOW.date()
START = NOW.replace(hour=10)
END = START + timedelta(minutes=30)
SPAN = {
    "lt": "nuo dešimtos iki pusės vienuoliktos",
    "en": "from ten a.m. to half past ten a.m.",
    "ru": "с десяти до половины одиннадцатого",
    "uk": "з десятої до пів на одинадцяту",
    "pl": "od dziesiątej do wpół do jedenastej",
}
TOPIC = Topic("phone", {"lt": "Išmanusis telefonas", "en": "Smartphone"}, {"en": "Calls, apps"})


def slot(hour: int = 10) -> Slot:
    start = NOW.replace(hour=hour)
    return Slot(start, start + timedelta(minutes=30), "s1", "Skaitykla, 1 stalas")


@pytest.mark.parametrize("lang", LANGS)
def test_a_time_span_is_said_in_words(lang: str) -> None:
    assert speech.spoken_span(Translator(lang), START, END) == SPAN[lang]


def test_a_date_is_said_in_full_with_today() -> None:
    said = speech.spoken_date(Translator("lt"), TODAY, TODAY)
    assert said == "Šiandien, lapkričio 24 dieną, antradienis"
    assert speech.spoken_date(Translator("en"), date(2026, 11, 25), TODAY).startswith("Tomorrow")


@pytest.mark.parametrize("lang", LANGS)
def test_the_code_is_spelled_with_words_for_look_alikes(lang: str) -> None:
    t = Translator(lang)
    said = speech.spell_code(t, "KQ4H0I")
    assert said.startswith("K, Q, 4, H, ")
    assert t("v.say.char.0") in said and t("v.say.char.I") in said


@pytest.mark.parametrize("lang", LANGS)
def test_welcome_says_the_library_the_day_and_the_three_choices(lang: str) -> None:
    t = Translator(lang)
    said = speech.welcome(t, "Biblioteka", TODAY, ["Lietuvių", "English"])
    order = ["Biblioteka", t("v.welcome.greeting")[:10], f"1: {t('v.welcome.book')}"]
    order += [f"2: {t('v.welcome.lookup')}", f"3: {t('v.welcome.checkin')}", "English"]
    positions = [said.index(part) for part in order]
    assert positions == sorted(positions)
    assert speech.spoken_date(t, TODAY) in said


@pytest.mark.parametrize("lang", LANGS)
def test_topics_are_said_by_position(lang: str) -> None:
    t = Translator(lang)
    said = speech.topics(t, [TOPIC], 0, 2)
    assert said.startswith(speech.clean(t("v.topic.title")))
    assert f"1: {TOPIC.name(lang)}" in said
    assert t("v.say.page", page=1, pages=2, more=t("v.page.more"))[:8] in said


@pytest.mark.parametrize("lang", LANGS)
def test_times_are_said_in_words_with_their_place(lang: str) -> None:
    t = Translator(lang)
    shown = [speech.TimeChoice(slot(10), "Skaitykla"), speech.TimeChoice(slot(13), "Skaitykla")]
    said = speech.times(t, TOPIC.name(lang), shown, TODAY, first=shown[0])
    assert SPAN[lang] in said
    assert f"2: {speech.spoken_when(t, slot(13).start, slot(13).end, TODAY)}" in said
    assert "10:00" not in said
    none = speech.times(t, "x", [], TODAY, days=14)
    assert speech.clean(t.n("v.time.none_days", 14)) in none


@pytest.mark.parametrize("lang", LANGS)
def test_details_say_each_field_and_the_way_on(lang: str) -> None:
    t = Translator(lang)
    said = speech.details(t, t("v.details.title"), t("v.details.name"), t("v.details.phone"), "")
    assert t("v.details.name") in said and t("v.details.next") in said


@pytest.mark.parametrize("lang", LANGS)
def test_confirm_says_the_booking_with_the_time_in_words(lang: str) -> None:
    t = Translator(lang)
    rows = [
        ("v.confirm.topic", "Smartphone"),
        ("v.confirm.day", "24"),
        ("v.confirm.time", "10:00–10:30"),
        ("v.confirm.name", "Ona"),
    ]
    spoken = speech.booking_rows(t, rows, START, END, TODAY)
    said = speech.confirm(t, t("v.confirm.title"), t("v.confirm.intro"), spoken, t("v.confirm.ok"))
    assert SPAN[lang] in said and "Ona" in said and "10:00" not in said
    assert said.index("Smartphone") < said.index(SPAN[lang]) < said.index(t("v.confirm.ok"))


def ticket_content(t: Translator) -> TicketContent:
    lines = (
        TicketLine("topic", t("v.ticket.topic"), "Smartphone"),
        TicketLine("when", t("v.ticket.when"), t.when(START, END, TODAY)),
        TicketLine("place", t("v.ticket.place"), "Skaitykla, 1 stalas"),
        TicketLine("directions", t("v.ticket.directions"), "2 aukštas"),
        TicketLine("scout", t("v.ticket.scout"), "Austėja"),
        TicketLine("bring", t("v.ticket.bring"), "Telefoną"),
    )
    arrive = t("v.ticket.arrive", button=t("v.welcome.checkin"))
    return TicketContent(t.lang, "Biblioteka", "", t("v.ticket.code"), "KQ4H7T", "", lines, arrive)


@pytest.mark.parametrize("lang", LANGS)
def test_the_ticket_spells_the_code_then_day_time_place_and_check_in(lang: str) -> None:
    t = Translator(lang)
    said = speech.ticket(t, ticket_content(t), START, END, TODAY)
    parts = ["K, Q, 4, H, 7, T", SPAN[lang], "Skaitykla", "2 aukštas", "Austėja", "Telefoną"]
    parts.append(speech.clean(t("v.ticket.arrive", button=t("v.welcome.checkin")))[:12])
    positions = [said.index(part) for part in parts]
    assert positions == sorted(positions)


# -- the engine ------------------------------------------------------------------------


@pytest.fixture
def engine() -> str:
    return espeak_or_skip()


def espeak_or_skip() -> str:
    """espeak-ng's path; without it the test skips (``make browser`` installs it), and
    under CI=true fails."""
    found = shutil.which(ENGINE)
    if found is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("espeak-ng must be installed under CI")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng, or make browser)")
    return found


def rms_and_seconds(path: Path) -> tuple[int, float]:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2  # espeak-ng writes 16-bit mono
        samples = array.array("h", wav.readframes(wav.getnframes()))
        rms = math.sqrt(sum(x * x for x in samples) / max(len(samples), 1))
        return int(rms), wav.getnframes() / wav.getframerate()


@pytest.mark.parametrize("lang", LANGS)
def test_wav_files_are_audible_and_grow_with_the_text(
    engine: str, tmp_path: Path, lang: str
) -> None:
    speaker = Speaker.from_environment({"KIOSK_SPEECH_DIR": str(tmp_path / "speech")})
    t = Translator(lang)
    short = asyncio.run(speaker.say(speech.spoken_span(t, START, END), Voice(lang), "short"))
    long = asyncio.run(speaker.say(speech.ticket(t, ticket_content(t), START, END), Voice(lang)))
    assert short is not None and long is not None and short != long
    (short_rms, short_s), (long_rms, long_s) = rms_and_seconds(short), rms_and_seconds(long)
    assert short_rms > 100 and long_rms > 100  # silence is 0; speech is in the thousands
    assert long_s > 3 * short_s
    assert (short.stat().st_mode & 0o777) == 0o600


def test_stop_ends_the_utterance_under_way(engine: str, tmp_path: Path) -> None:
    speaker = Speaker.from_environment({"KIOSK_SPEECH_DIR": str(tmp_path)})

    async def run() -> Path | None:
        task = asyncio.create_task(speaker.say("word " * 2000, Voice("en")))
        while not speaker.speaking:
            await asyncio.sleep(0)
        speaker.stop()
        return await task

    assert asyncio.run(run()) is None  # stopped: no file kept
    assert not speaker.speaking


def test_without_an_engine_nothing_is_said(tmp_path: Path) -> None:
    speaker = Speaker(None, tmp_path)
    assert not speaker.available
    assert asyncio.run(speaker.say("labas", Voice("lt"))) is None
    assert list(tmp_path.iterdir()) == []


def test_the_kiosk_pc_gets_the_engine_and_may_use_the_sound_card() -> None:
    script = (Path(__file__).parents[2] / "deploy" / "install.sh").read_text()
    packages = script.split("PACKAGES=(", 1)[1].split(")", 1)[0].split()
    assert {"espeak-ng", "alsa-utils"} <= set(packages)
    assert "usermod --append --groups audio kiosk" in script
    # No PipeWire or PulseAudio: a system user has no session for them to run in.
    assert "pipewire" not in packages and "pulseaudio" not in packages


def test_the_speech_settings_are_checked_like_every_setting() -> None:
    assert parse_value("speech_on", " Off ") is False
    assert parse_value("speech_on", "on") is True
    assert parse_value("speech_volume", "150") == 150
    with pytest.raises(KioskError) as refused:
        parse_value("speech_on", "maybe")
    assert refused.value.code == ErrorCode.BAD_ON_OFF and "on or off" in refused.value.message
    with pytest.raises(KioskError, match="from 80 to 300"):
        parse_value("speech_rate", "20")
    assert "speech_on" in setting_keys()

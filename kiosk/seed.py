"""Demo data: a realistic library with 14 topics and 6 e-scouts."""

from __future__ import annotations

from db import Store
from kiosk.domain.booking import BookingService
from kiosk.domain.catalog import PLACES
from kiosk.domain.clock import Clock
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Place, Scout, Settings, Topic, WeeklyTime
from kiosk.domain.records import SCOUTS, SETTINGS, TOPICS, WEEKLY

# slug, (lt name, lt description), (en name, en description)
TOPICS_DEMO: list[tuple[str, tuple[str, str], tuple[str, str]]] = [
    (
        "smartphone",
        ("Išmanusis telefonas", "Skambučiai, žinutės, programėlės, nustatymai"),
        ("Smartphone basics", "Calls, messages, apps and settings"),
    ),
    (
        "email",
        ("El. paštas", "Pašto dėžutė, laiškai ir priedai"),
        ("E-mail", "A mailbox, letters and attachments"),
    ),
    (
        "video-social",
        ("Vaizdo skambučiai ir socialiniai tinklai", "Messenger, WhatsApp, Facebook"),
        ("Video calls and social media", "Messenger, WhatsApp, Facebook"),
    ),
    (
        "e-banking",
        ("Elektroninė bankininkystė", "Sąskaitos, mokėjimai, kortelės"),
        ("E-banking", "Accounts, payments and cards"),
    ),
    (
        "smart-id",
        ("Smart-ID ir el. parašas", "Prisijungimas ir dokumentų pasirašymas"),
        ("Smart-ID and e-signature", "Logging in and signing documents"),
    ),
    (
        "epaslaugos",
        ("Elektroniniai valdžios vartai", "Valstybės paslaugos internetu (epaslaugos.lt)"),
        ("E-government gateway", "Public services online (epaslaugos.lt)"),
    ),
    (
        "e-health",
        ("E. sveikata", "Receptai, siuntimai, registracija pas gydytoją"),
        ("E-health", "Prescriptions, referrals and doctor's appointments"),
    ),
    (
        "sodra-vmi",
        ("Sodra ir VMI", "Pensija, išmokos, pajamų deklaracija"),
        ("Sodra and tax (VMI)", "Pensions, benefits and the income tax return"),
    ),
    (
        "safety",
        ("Saugumas internete ir sukčiai", "Kaip atpažinti apgaulę ir apsisaugoti"),
        ("Online safety and scams", "Spotting fraud and staying safe"),
    ),
    (
        "fake-news",
        ("Melagingos naujienos", "Kaip patikrinti informaciją"),
        ("Fake news", "How to check what you read"),
    ),
    (
        "shopping",
        ("Pirkimas internetu", "Parduotuvės, siuntos, grąžinimai"),
        ("Online shopping", "Shops, parcels and returns"),
    ),
    (
        "leisure",
        ("Laisvalaikis internete", "Knygos, muzika, filmai, žaidimai"),
        ("Leisure online", "Books, music, films and games"),
    ),
    (
        "photos",
        ("Nuotraukos", "Fotografavimas, saugojimas, siuntimas"),
        ("Photos", "Taking, keeping and sending photos"),
    ),
    (
        "jobs",
        ("Darbo paieška", "Užimtumo tarnyba, CV, skelbimai"),
        ("Job search", "Employment service, CVs and adverts"),
    ),
]

# slug -> (lt, en): what the visitor brings to a consultation of that topic.
BRING_DEMO: dict[str, tuple[str, str]] = {
    "smartphone": ("Savo telefoną ir jo įkroviklį.", "Your phone and its charger."),
    "email": (
        "Telefoną ir el. pašto slaptažodį, jei jį turite.",
        "Your phone and your e-mail password, if you have one.",
    ),
    "video-social": ("Telefoną arba planšetę ir įkroviklį.", "Your phone or tablet and charger."),
    "e-banking": (
        "Telefoną su Smart-ID arba banko prisijungimo duomenis.",
        "Your phone with Smart-ID, or your bank login details.",
    ),
    "smart-id": (
        "Telefoną ir asmens dokumentą (pasą ar ID kortelę).",
        "Your phone and an identity document (passport or ID card).",
    ),
    "epaslaugos": (
        "Smart-ID arba banko prisijungimą, asmens dokumentą.",
        "Smart-ID or your bank login, and an identity document.",
    ),
    "e-health": (
        "Smart-ID arba banko prisijungimą, skaitymo akinius.",
        "Smart-ID or your bank login, and reading glasses.",
    ),
    "sodra-vmi": (
        "Smart-ID arba banko prisijungimą, reikalingus dokumentus.",
        "Smart-ID or your bank login, and the papers you need.",
    ),
    "safety": (
        "Savo telefoną ir įtartinas žinutes, jei jų gavote.",
        "Your phone, and any suspicious messages you received.",
    ),
    "fake-news": ("Straipsnį ar žinutę, kurią norite patikrinti.", "The article or post to check."),
    "shopping": (
        "Telefoną ir banko kortelę arba banko prisijungimą.",
        "Your phone and a bank card or your bank login.",
    ),
    "leisure": (
        "Telefoną ar planšetę, skaitytojo pažymėjimą.",
        "Your phone or tablet, your library card.",
    ),
    "photos": ("Telefoną ir jo įkroviklį.", "Your phone and its charger."),
    "jobs": (
        "Smart-ID arba banko prisijungimą, savo CV, jei turite.",
        "Smart-ID or your bank login, and your CV if you have one.",
    ),
}

# Lithuanian name (as on the signs), English name, directions lt, directions en.
PLACES_DEMO: list[tuple[str, str, str, str]] = [
    (
        "Skaitykla, 1 stalas",
        "Reading room, table 1",
        "2 aukštas, pro laiptus tiesiai; pirmas stalas prie lango.",
        "2nd floor, straight up the stairs; the first table by the window.",
    ),
    (
        "Skaitykla, 2 stalas",
        "Reading room, table 2",
        "2 aukštas, pro laiptus tiesiai; antras stalas prie lango.",
        "2nd floor, straight up the stairs; the second table by the window.",
    ),
    (
        "Kompiuterių klasė",
        "Computer room",
        "1 aukštas, už informacijos stalo į kairę, 105 kabinetas.",
        "Ground floor, left past the information desk, room 105.",
    ),
    (
        "Informacijos centras",
        "Information centre",
        "1 aukštas, iš karto prie įėjimo, dešinėje.",
        "Ground floor, right by the entrance, on your right.",
    ),
    (
        "Jaunimo erdvė",
        "Youth space",
        "Rūsys: laiptais žemyn prie rūbinės, durys su geltonu ženklu.",
        "Lower floor: down the stairs by the cloakroom, door with a yellow sign.",
    ),
    (
        "Renginių salė",
        "Events hall",
        "3 aukštas, liftu iki galo, salė kairėje.",
        "3rd floor, lift to the top, the hall on your left.",
    ),
]

# slug -> language -> (name, description, what to bring): the visitor languages beyond lt/en.
TOPICS_MORE: dict[str, dict[str, tuple[str, str, str]]] = {
    "smartphone": {
        "ru": (
            "Смартфон",
            "Звонки, сообщения, приложения, настройки",
            "Свой телефон и зарядное устройство.",
        ),
        "uk": (
            "Смартфон",
            "Дзвінки, повідомлення, застосунки, налаштування",
            "Свій телефон і зарядний пристрій.",
        ),
        "pl": (
            "Smartfon",
            "Połączenia, wiadomości, aplikacje, ustawienia",
            "Własny telefon i ładowarkę.",
        ),
    },
    "email": {
        "ru": (
            "Электронная почта",
            "Почтовый ящик, письма и вложения",
            "Телефон и пароль от почты, если он есть.",
        ),
        "uk": (
            "Електронна пошта",
            "Поштова скринька, листи і вкладення",
            "Телефон і пароль від пошти, якщо він є.",
        ),
        "pl": (
            "Poczta e-mail",
            "Skrzynka pocztowa, wiadomości i załączniki",
            "Telefon i hasło do poczty, jeśli jest.",
        ),
    },
    "video-social": {
        "ru": (
            "Видеозвонки и соцсети",
            "Messenger, WhatsApp, Facebook",
            "Телефон или планшет и зарядное устройство.",
        ),
        "uk": (
            "Відеодзвінки і соцмережі",
            "Messenger, WhatsApp, Facebook",
            "Телефон або планшет і зарядний пристрій.",
        ),
        "pl": (
            "Wideorozmowy i media społecznościowe",
            "Messenger, WhatsApp, Facebook",
            "Telefon lub tablet i ładowarkę.",
        ),
    },
    "e-banking": {
        "ru": (
            "Интернет-банк",
            "Счета, платежи, карты",
            "Телефон со Smart-ID или данные для входа в банк.",
        ),
        "uk": (
            "Інтернет-банкінг",
            "Рахунки, платежі, картки",
            "Телефон зі Smart-ID або дані для входу в банк.",
        ),
        "pl": (
            "Bankowość internetowa",
            "Konta, płatności, karty",
            "Telefon ze Smart-ID albo dane logowania do banku.",
        ),
    },
    "smart-id": {
        "ru": (
            "Smart-ID и электронная подпись",
            "Вход в системы и подписание документов",
            "Телефон и документ (паспорт или ID-карту).",
        ),
        "uk": (
            "Smart-ID і електронний підпис",
            "Вхід до систем і підписання документів",
            "Телефон і документ (паспорт або ID-картку).",
        ),
        "pl": (
            "Smart-ID i podpis elektroniczny",
            "Logowanie i podpisywanie dokumentów",
            "Telefon i dokument tożsamości (paszport lub dowód).",
        ),
    },
    "epaslaugos": {
        "ru": (
            "Электронные государственные услуги",
            "Государственные услуги онлайн (epaslaugos.lt)",
            "Smart-ID или вход в банк, документ.",
        ),
        "uk": (
            "Електронні державні послуги",
            "Державні послуги онлайн (epaslaugos.lt)",
            "Smart-ID або вхід до банку, документ.",
        ),
        "pl": (
            "E-usługi publiczne",
            "Usługi państwowe przez internet (epaslaugos.lt)",
            "Smart-ID lub logowanie do banku, dokument.",
        ),
    },
    "e-health": {
        "ru": (
            "Электронное здоровье",
            "Рецепты, направления, запись к врачу",
            "Smart-ID или вход в банк, очки для чтения.",
        ),
        "uk": (
            "Електронне здоровʼя",
            "Рецепти, направлення, запис до лікаря",
            "Smart-ID або вхід до банку, окуляри для читання.",
        ),
        "pl": (
            "E-zdrowie",
            "Recepty, skierowania, zapisy do lekarza",
            "Smart-ID lub logowanie do banku, okulary do czytania.",
        ),
    },
    "sodra-vmi": {
        "ru": (
            "Sodra и налоговая (VMI)",
            "Пенсия, пособия, декларация о доходах",
            "Smart-ID или вход в банк, нужные документы.",
        ),
        "uk": (
            "Sodra і податкова (VMI)",
            "Пенсія, виплати, декларація про доходи",
            "Smart-ID або вхід до банку, потрібні документи.",
        ),
        "pl": (
            "Sodra i urząd skarbowy (VMI)",
            "Emerytura, zasiłki, zeznanie podatkowe",
            "Smart-ID lub logowanie do banku, potrzebne dokumenty.",
        ),
    },
    "safety": {
        "ru": (
            "Безопасность в интернете и мошенники",
            "Как распознать обман и защититься",
            "Свой телефон и подозрительные сообщения, если были.",
        ),
        "uk": (
            "Безпека в інтернеті та шахраї",
            "Як розпізнати обман і захиститися",
            "Свій телефон і підозрілі повідомлення, якщо були.",
        ),
        "pl": (
            "Bezpieczeństwo w sieci i oszuści",
            "Jak rozpoznać oszustwo i się chronić",
            "Własny telefon i podejrzane wiadomości, jeśli były.",
        ),
    },
    "fake-news": {
        "ru": (
            "Ложные новости",
            "Как проверить информацию",
            "Статью или сообщение, которое хотите проверить.",
        ),
        "uk": (
            "Фейкові новини",
            "Як перевірити інформацію",
            "Статтю або допис, який хочете перевірити.",
        ),
        "pl": (
            "Fałszywe wiadomości",
            "Jak sprawdzić informacje",
            "Artykuł lub wpis do sprawdzenia.",
        ),
    },
    "shopping": {
        "ru": (
            "Покупки в интернете",
            "Магазины, посылки, возврат товаров",
            "Телефон и банковскую карту или вход в банк.",
        ),
        "uk": (
            "Покупки в інтернеті",
            "Магазини, посилки, повернення товарів",
            "Телефон і банківську картку або вхід до банку.",
        ),
        "pl": (
            "Zakupy przez internet",
            "Sklepy, przesyłki, zwroty",
            "Telefon i kartę bankową lub logowanie do banku.",
        ),
    },
    "leisure": {
        "ru": (
            "Досуг в интернете",
            "Книги, музыка, фильмы, игры",
            "Телефон или планшет, читательский билет.",
        ),
        "uk": (
            "Дозвілля в інтернеті",
            "Книжки, музика, фільми, ігри",
            "Телефон або планшет, читацький квиток.",
        ),
        "pl": (
            "Czas wolny w internecie",
            "Książki, muzyka, filmy, gry",
            "Telefon lub tablet, kartę biblioteczną.",
        ),
    },
    "photos": {
        "ru": ("Фотографии", "Съёмка, хранение, отправка", "Телефон и зарядное устройство."),
        "uk": ("Фотографії", "Знімання, зберігання, надсилання", "Телефон і зарядний пристрій."),
        "pl": ("Zdjęcia", "Robienie, przechowywanie, wysyłanie", "Telefon i ładowarkę."),
    },
    "jobs": {
        "ru": (
            "Поиск работы",
            "Служба занятости, резюме, объявления",
            "Smart-ID или вход в банк, резюме, если есть.",
        ),
        "uk": (
            "Пошук роботи",
            "Служба зайнятості, резюме, оголошення",
            "Smart-ID або вхід до банку, резюме, якщо є.",
        ),
        "pl": (
            "Szukanie pracy",
            "Urząd pracy, CV, ogłoszenia",
            "Smart-ID lub logowanie do banku, CV, jeśli jest.",
        ),
    },
}

# Lithuanian place name -> language -> (name, directions), beyond lt/en.
PLACES_MORE: dict[str, dict[str, tuple[str, str]]] = {
    "Skaitykla, 1 stalas": {
        "ru": ("Читальный зал, стол 1", "2-й этаж, по лестнице прямо; первый стол у окна."),
        "uk": ("Читальна зала, стіл 1", "2-й поверх, сходами прямо; перший стіл біля вікна."),
        "pl": ("Czytelnia, stolik 1", "2. piętro, schodami prosto; pierwszy stolik przy oknie."),
    },
    "Skaitykla, 2 stalas": {
        "ru": ("Читальный зал, стол 2", "2-й этаж, по лестнице прямо; второй стол у окна."),
        "uk": ("Читальна зала, стіл 2", "2-й поверх, сходами прямо; другий стіл біля вікна."),
        "pl": ("Czytelnia, stolik 2", "2. piętro, schodami prosto; drugi stolik przy oknie."),
    },
    "Kompiuterių klasė": {
        "ru": ("Компьютерный класс", "1-й этаж, за информационной стойкой налево, кабинет 105."),
        "uk": ("Компʼютерний клас", "1-й поверх, за інформаційною стійкою ліворуч, кабінет 105."),
        "pl": ("Sala komputerowa", "Parter, za punktem informacyjnym w lewo, pokój 105."),
    },
    "Informacijos centras": {
        "ru": ("Информационный центр", "1-й этаж, сразу у входа, справа."),
        "uk": ("Інформаційний центр", "1-й поверх, одразу біля входу, праворуч."),
        "pl": ("Punkt informacyjny", "Parter, zaraz przy wejściu, po prawej."),
    },
    "Jaunimo erdvė": {
        "ru": (
            "Молодёжное пространство",
            "Цокольный этаж: по лестнице вниз у гардероба, дверь с жёлтым знаком.",
        ),
        "uk": (
            "Молодіжний простір",
            "Цокольний поверх: сходами вниз біля гардероба, двері з жовтим знаком.",
        ),
        "pl": ("Strefa młodzieży", "Piwnica: schodami w dół przy szatni, drzwi z żółtym znakiem."),
    },
    "Renginių salė": {
        "ru": ("Зал мероприятий", "3-й этаж, на лифте до конца, зал слева."),
        "uk": ("Зала заходів", "3-й поверх, ліфтом до кінця, зала ліворуч."),
        "pl": ("Sala wydarzeń", "3. piętro, windą do końca, sala po lewej."),
    },
}

# id, display name, topics, languages, contact
SCOUTS_DEMO: list[tuple[str, str, list[str], list[str], str]] = [
    (
        "ieva",
        "Ieva K.",
        ["smartphone", "video-social", "photos", "leisure", "email"],
        ["lt", "en", "ru"],
        "+37061200001",
    ),
    (
        "lukas",
        "Lukas P.",
        ["e-banking", "smart-id", "epaslaugos", "safety"],
        ["lt", "en", "ru"],
        "+37061200002",
    ),
    (
        "gabija",
        "Gabija M.",
        ["e-health", "sodra-vmi", "epaslaugos", "smart-id"],
        ["lt"],
        "+37061200003",
    ),
    (
        "matas",
        "Matas V.",
        ["safety", "fake-news", "shopping", "email"],
        ["lt", "en", "pl"],
        "+37061200004",
    ),
    (
        "austeja",
        "Austėja R.",
        ["jobs", "email", "smartphone", "photos"],
        ["lt", "uk"],
        "+37061200005",
    ),
    (
        "dominykas",
        "Dominykas Š.",
        ["e-banking", "shopping", "leisure", "video-social"],
        ["lt", "pl"],
        "+37061200006",
    ),
]

# scout, weekday, start, end, place
WEEKLY_DEMO: list[tuple[str, int, str, str, str]] = [
    ("ieva", 0, "14:00", "17:00", "Skaitykla, 2 stalas"),
    ("ieva", 2, "14:00", "17:00", "Skaitykla, 2 stalas"),
    ("lukas", 1, "15:00", "18:00", "Kompiuterių klasė"),
    ("lukas", 3, "15:00", "18:00", "Kompiuterių klasė"),
    ("gabija", 0, "10:00", "13:00", "Informacijos centras"),
    ("gabija", 3, "10:00", "12:00", "Informacijos centras"),
    ("matas", 2, "16:00", "19:00", "Jaunimo erdvė"),
    ("matas", 4, "13:00", "16:00", "Jaunimo erdvė"),
    ("austeja", 1, "10:00", "12:00", "Skaitykla, 1 stalas"),
    ("austeja", 4, "10:00", "13:00", "Skaitykla, 1 stalas"),
    ("dominykas", 5, "10:00", "14:00", "Kompiuterių klasė"),
    ("dominykas", 2, "10:00", "12:00", "Kompiuterių klasė"),
]

# A small group session: (scout, weekday, start, end, place, seats).
GROUP_DEMO: list[tuple[str, int, str, str, str, int]] = [
    ("gabija", 4, "14:00", "14:30", "Renginių salė", 4),  # "Smart-ID for beginners"
]


def seed_demo(store: Store, clock: Clock, with_bookings: bool = True) -> bool:
    """Fill an empty data dir with the demo library. Returns False if it held data."""
    if not store.is_empty():
        return False
    settings = Settings(
        library_name="Vilniaus apskrities Adomo Mickevičiaus viešoji biblioteka",
        library_id="LT-VAMB",
        municipality="Vilniaus m. sav.",
    )
    with store.transaction() as tx:
        tx.insert(SETTINGS, {"key": "library", **settings.to_dict()})
        for order, (slug, (lt_name, lt_desc), (en_name, en_desc)) in enumerate(TOPICS_DEMO):
            lt_bring, en_bring = BRING_DEMO[slug]
            more = TOPICS_MORE[slug]
            topic = Topic(
                slug,
                {"lt": lt_name, "en": en_name} | {lang: t[0] for lang, t in more.items()},
                {"lt": lt_desc, "en": en_desc} | {lang: t[1] for lang, t in more.items()},
                True,
                order,
                what_to_bring={"lt": lt_bring, "en": en_bring}
                | {lang: t[2] for lang, t in more.items()},
            )
            tx.insert(TOPICS, topic.to_dict())
        for lt_name, en_name, lt_way, en_way in PLACES_DEMO:
            others = PLACES_MORE[lt_name]
            record = Place(
                lt_name,
                {"en": en_name} | {lang: p[0] for lang, p in others.items()},
                {"lt": lt_way, "en": en_way} | {lang: p[1] for lang, p in others.items()},
            )
            tx.insert(PLACES, record.to_dict())
        for scout_id, name, topics, languages, contact in SCOUTS_DEMO:
            tx.insert(SCOUTS, Scout(scout_id, name, topics, languages, True, contact).to_dict())
        for n, (scout_id, weekday, start, end, place) in enumerate(WEEKLY_DEMO, start=1):
            weekly = WeeklyTime(f"w{n}", scout_id, weekday, start, end, place)
            tx.insert(WEEKLY, weekly.to_dict())
        for n, (scout_id, weekday, start, end, place, seats) in enumerate(GROUP_DEMO, start=1):
            group = WeeklyTime(f"g{n}", scout_id, weekday, start, end, place, seats)
            tx.insert(WEEKLY, group.to_dict())
    if with_bookings:
        _demo_bookings(BookingService(store, clock))
    return True


def _demo_bookings(service: BookingService) -> None:
    """A few bookings in the coming days, so the librarian's table is not empty."""
    visitors = [
        ("Ona", "+37060000001"),
        ("Petras", None),
        ("Aldona", "861234567"),
        ("Jonas", None),
        ("Birutė", None),
    ]
    topics = ["e-banking", "smartphone", "e-health", "safety", "email"]
    for (name, phone), topic in zip(visitors, topics, strict=True):
        slots = service.free_slots(topic)
        if not slots:
            continue
        try:
            service.book(topic, slots[min(2, len(slots) - 1)].start, name, phone)
        except KioskError:
            continue

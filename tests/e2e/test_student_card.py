"""The student multiservice card in Chromium (issue 13): the student office issues a card, the student's phone
enrols and shows its code, a real decoder (zbar) reads it from a screenshot, and a validator's phone with the
network off reads it through Chromium's fake camera and gives its verdict from the kept trust bundle."""

import base64
import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.sync_api import APIRequestContext, Locator, Page, expect

from api.student_card.format import Service
from api.student_card.verifier import Reason, TrustBundle, Verdict, b64url_decode, verify
from tests.e2e.camera import ContextFactory, show_to_camera
from tests.e2e.flows import DEMO_ADMIN, Person, heading, sign_in_as, wait_for_service_worker_control
from tests.e2e.test_text_zoom import enlarge_text

pytestmark = pytest.mark.e2e

BUS = Person("Contrôle bus démo", "controle.bus@demo.coeurdevalence.fr", "demo-bus-valence")
LIBRARY = Person(
    "Accueil médiathèque démo", "accueil.bibliotheque@demo.coeurdevalence.fr", "demo-bibliotheque-valence"
)
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def token(api: APIRequestContext, person: Person) -> dict[str, str]:
    answer = api.post("/api/v1/auth/token", data={"email": person.email, "password": person.password})
    assert answer.ok, answer.text()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def new_student(
    api: APIRequestContext, *, services: tuple[str, ...] = ("transport", "library", "sport")
) -> Person:
    """A new account, and its card issued by the student office (the admin route)."""
    person = Person("Inès Moreau", f"ines-{uuid.uuid4().hex[:8]}@example.fr")
    registered = api.post(
        "/api/v1/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    )
    assert registered.status == 201, registered.text()
    until = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    card = api.post(
        "/api/v1/admin/student-cards",
        headers=token(api, DEMO_ADMIN),
        data={
            "user_id": registered.json()["id"],
            "institution": "Université Grenoble Alpes — campus de Valence",
            "student_number": f"2230{uuid.uuid4().int % 10000:04d}",
            "valid_until": until,
            "photo": "data:image/png;base64," + base64.b64encode(PHOTO).decode(),
            "entitlements": [{"service": service, "valid_until": until} for service in services],
        },
    )
    assert card.status == 201, card.text()
    return person


def new_account(api: APIRequestContext, display_name: str) -> Person:
    person = Person(display_name, f"etudiant-{uuid.uuid4().hex[:8]}@example.fr")
    registered = api.post(
        "/api/v1/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    )
    assert registered.status == 201, registered.text()
    return person


def issue_in_office(
    page: Page, person: Person, number: str, photo: Path, *, without: str | None = None
) -> None:
    """The student office's screen: the account by its e-mail, the number, the photo, the services."""
    sign_in_as(page, DEMO_ADMIN)
    page.goto("/admin")
    page.get_by_role("link", name="Cartes étudiantes").click()
    expect(heading(page)).to_have_text("Cartes étudiantes")
    form = page.get_by_role("form", name="Établir une carte")
    form.get_by_label("Adresse e-mail du compte de l’étudiant").fill(person.email)
    form.get_by_label("Numéro d’étudiant").fill(number)
    form.get_by_label("Photo (facultative)").set_input_files(str(photo))
    if without:
        form.get_by_label(without, exact=True).uncheck()
    form.get_by_role("button", name="Établir la carte").click()
    expect(page.get_by_role("listitem").filter(has_text=f"{person.display_name} · {number}")).to_contain_text(
        "Active"
    )


def open_card(page: Page, person: Person) -> None:
    sign_in_as(page, person)
    page.goto("/carte")
    expect(heading(page)).to_have_text("Carte étudiante")


def shown_code(page: Page, service_label: str) -> str:
    page.get_by_role("tab", name=service_label).click()
    code = page.get_by_role(
        "img", name=re.compile(f"Code de la carte étudiante pour le service {service_label}")
    )
    expect(code).to_be_visible()
    text = code.get_attribute("data-code")
    assert text is not None and text.startswith("VC1:")
    return text


def in_view(locator: Locator) -> Locator:
    """Centred on the screen, clear of the bottom navigation, as a student holds it up."""
    locator.evaluate("(element) => element.scrollIntoView({ block: 'center' })")
    return locator


def zbar(png: bytes, tmp_path: Path) -> str:
    shot = tmp_path / "card.png"
    shot.write_bytes(png)
    result = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(shot)], capture_output=True, text=True)
    assert result.returncode == 0, f"zbarimg read nothing (exit {result.returncode}): {result.stderr}"
    return result.stdout.strip()


def trust(api: APIRequestContext) -> TrustBundle:
    root = Ed25519PublicKey.from_public_bytes(
        b64url_decode(api.get("/api/v1/student-cards/root-key").json()["public_key"])
    )
    signed = api.get("/api/v1/student-cards/trust-bundle").json()
    return TrustBundle.from_signed(signed["payload"], signed["signature"], root_key=root)


def test_issue_enrol_show_and_check_offline_through_the_camera(
    camera_context: ContextFactory, api: APIRequestContext, camera_file: Path, tmp_path: Path
) -> None:
    student = new_account(api, "Inès Moreau")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PHOTO)
    issue_in_office(camera_context().new_page(), student, "22301457", photo)
    phone = camera_context().new_page()
    open_card(phone, student)
    expect(phone.get_by_role("heading", name=re.compile("Université Grenoble Alpes"))).to_be_visible()
    expect(phone.get_by_role("tab")).to_have_count(3)
    expect(phone.get_by_role("img", name="Votre photo")).to_be_visible()
    code = phone.get_by_role("img", name=re.compile("Code de la carte étudiante pour le service Transports"))
    expect(code).to_be_visible()

    # A real decoder reads the screen, and the reference verifier accepts what it read.
    read = zbar(in_view(code).screenshot(), tmp_path)
    result = verify(read, bundle=trust(api), service=Service.transport, now=time.time())
    assert (result.verdict, result.reason) == (Verdict.green, Reason.ok)
    # The code changes with the time step, with no network on the phone.
    phone.context.set_offline(True)
    first = code.get_attribute("data-code")
    expect(code).not_to_have_attribute("data-code", first or "", timeout=15_000)
    phone.context.set_offline(False)

    checker = camera_context().new_page()
    sign_in_as(checker, BUS)
    checker.goto("/carte/controle")
    expect(heading(checker)).to_have_text("Contrôle des cartes")
    expect(checker.get_by_role("status").filter(has_text="Liste de confiance du")).to_be_visible()
    wait_for_service_worker_control(checker)

    show_to_camera(in_view(code), camera_file)
    checker.context.set_offline(True)
    checker.get_by_role("button", name="Scanner une carte").click()
    # The camera is allowed: it opens by itself and reads the code.
    verdict = checker.get_by_role("dialog", name="VALIDE")
    expect(verdict).to_be_visible(timeout=15_000)
    expect(verdict).to_contain_text("Carte valide pour ce service.")
    expect(verdict).to_contain_text("vérifié hors ligne")
    expect(verdict).to_contain_text("Photo disponible seulement en ligne.")
    verdict.get_by_role("button", name="Contrôle suivant").click()

    expect(checker.get_by_role("button", name="Scanner une carte")).to_be_focused()


def test_the_checker_online_shows_the_servers_photo_and_refuses_another_service(
    camera_context: ContextFactory, api: APIRequestContext
) -> None:
    student = new_student(api, services=("transport",))
    phone = camera_context().new_page()
    open_card(phone, student)
    expect(phone.get_by_role("tab")).to_have_count(1)
    text = shown_code(phone, "Transports")

    checker = camera_context().new_page()
    sign_in_as(checker, BUS)
    checker.goto("/carte/controle")
    checker.get_by_label("Ou collez le code").fill(text)
    checker.get_by_role("button", name="Vérifier ce code").click()
    verdict = checker.get_by_role("dialog", name="VALIDE")
    expect(verdict).to_contain_text("vérifié en ligne")
    photo = verdict.get_by_role("img", name="Photo de l’étudiant enregistrée par la vie étudiante")
    expect(photo).to_be_visible()
    assert checker.evaluate("(img) => img.naturalWidth", photo.element_handle()) == 1
    verdict.get_by_role("button", name="Contrôle suivant").click()

    # The same code again is a copy.
    checker.get_by_label("Ou collez le code").fill(text)
    checker.get_by_role("button", name="Vérifier ce code").click()
    refused = checker.get_by_role("dialog", name="REFUSÉ")
    expect(refused).to_contain_text("déjà été présenté")
    expect(refused.get_by_role("img")).to_have_count(0)
    refused.get_by_role("button", name="Contrôle suivant").click()

    library = camera_context().new_page()
    sign_in_as(library, LIBRARY)
    library.goto("/carte/controle")
    library.get_by_label("Ou collez le code").fill(shown_code(phone, "Transports"))
    library.get_by_role("button", name="Vérifier ce code").click()
    expect(library.get_by_role("dialog", name="REFUSÉ")).to_contain_text("ne donne pas accès à ce service")

    # The student sees who checked the card.
    phone.reload()
    checks = phone.get_by_role("region", name="Qui a vérifié ma carte")
    expect(checks.locator(".check-line")).to_have_count(3)
    expect(checks).to_contain_text("VALIDE — Carte valide pour ce service.")


def test_the_card_screens_meet_axe_and_200_percent_text(
    camera_context: ContextFactory, api: APIRequestContext
) -> None:
    student = new_student(api)
    page = camera_context().new_page()
    open_card(page, student)
    shown_code(page, "Bibliothèque")
    page.get_by_role("tab", name="Bibliothèque").press("ArrowRight")
    expect(page.get_by_role("tab", name="Sport", exact=True)).to_be_focused()
    expect(page.get_by_role("tab", name="Sport", exact=True)).to_have_attribute("aria-selected", "true")
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], serious
    enlarge_text(page, 200)
    code = page.get_by_role("img", name=re.compile("Code de la carte étudiante"))
    box = code.bounding_box()
    assert box is not None and box["width"] >= 45 * 96 / 25.4, box  # at least 45 mm
    for name in ("Qui a vérifié ma carte", "Téléphone perdu ou volé ?"):
        region = page.get_by_role("region", name=name)
        region.scroll_into_view_if_needed()
        expect(region).to_be_visible()
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
              .filter((el) => !el.closest('.visually-hidden'))
              .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map((el) => el.tagName + '.' + el.className)"""
    )
    assert overflow == [], f"wider than the screen at 200 %: {overflow}"

    checker = camera_context().new_page()
    sign_in_as(checker, BUS)
    checker.goto("/carte/controle")
    checker.get_by_label("Ou collez le code").fill("VC1:ABC")
    checker.get_by_role("button", name="Vérifier ce code").click()
    refused = checker.get_by_role("dialog", name="REFUSÉ")
    expect(refused).to_contain_text("n’est pas une carte étudiante")
    serious = [v for v in Axe().run(checker).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], serious


def test_someone_without_a_card_learns_how_to_get_one(camera_context: ContextFactory) -> None:
    page = camera_context().new_page()
    page.goto("/carte")
    expect(heading(page)).to_have_text("Carte étudiante")
    expect(page.get_by_role("heading", name="La carte étudiante")).to_be_visible()
    expect(page.get_by_text("service de la vie étudiante")).to_be_visible()


def test_the_student_office_issues_suspends_and_restores_a_card(
    camera_context: ContextFactory, api: APIRequestContext, tmp_path: Path
) -> None:
    person = new_account(api, "Noé Lambert")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PHOTO)

    office = camera_context().new_page()
    issue_in_office(office, person, "22307788", photo, without="Sport")
    issued = office.get_by_role("listitem").filter(has_text="Noé Lambert · 22307788")
    expect(issued).to_contain_text("Transports jusqu’au")
    expect(issued).not_to_contain_text("Sport")
    form = office.get_by_role("form", name="Établir une carte")
    serious = [v for v in Axe().run(office).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], serious

    # A second card for the same student is refused, with the reason.
    form.get_by_label("Adresse e-mail du compte de l’étudiant").fill(person.email)
    form.get_by_label("Numéro d’étudiant").fill("22307788")
    form.get_by_role("button", name="Établir la carte").click()
    expect(form.get_by_role("alert")).to_contain_text("déjà une carte")

    phone = camera_context().new_page()
    open_card(phone, person)
    expect(phone.get_by_role("tab")).to_have_count(2)

    issued.get_by_role("button", name="Suspendre").click()
    expect(issued).to_contain_text("Suspendue")
    phone.reload()
    expect(phone.get_by_text("Votre carte est suspendue")).to_be_visible()
    expect(phone.get_by_role("tab")).to_have_count(0)
    issued.get_by_role("button", name="Rétablir").click()
    expect(issued).to_contain_text("Active")
    phone.reload()
    expect(phone.get_by_role("tab")).to_have_count(2)

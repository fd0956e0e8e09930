"""The customer pages: server-rendered HTML in the customer's language, whose JavaScript tracks complaints with
intake's public API and files them through the page's own POST /complain.

Tracking calls GET /v1/track/… from the browser, with the customer's verification, as a partner's frontend
would. Filing cannot: POST /v1/complaints is for frontends holding an API key, and a key in a page is no secret.
So the form posts the same JSON (with an Idempotency-Key) to /complain, where these pages, the platform's own web
frontend, file it through the same use case, with the same body limits and problem+json errors, and only as a
complaint of the web channel. The server holds no customer data for the pages, so they need no session, no
cookie and no CSRF token, and a page never has to know the address it is served at to call itself."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from services.intake import service
from services.intake.api import IdempotencyKey, acknowledgement_response
from services.intake.deps import SettingsDep, UowDep
from services.intake.pages.schemas import WebComplaintIn
from services.intake.pages.words import HTML_LANG, LANGUAGE_NAMES, page_language, words
from services.intake.tracking import is_valid_tracking_number
from shared.auth.deps import public
from shared.http import require_json
from shared.ratelimit import public_rate_limit

router = APIRouter(tags=["customer pages"], include_in_schema=False,
                   dependencies=[Depends(public()), Depends(public_rate_limit)])
TEMPLATES = Environment(loader=PackageLoader("services.intake.pages", "templates"),
                        autoescape=select_autoescape(["html", "j2"]))
STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
STATIC = {path.name: path for path in STATIC_DIR.iterdir() if path.suffix in STATIC_TYPES}
# The pages load nothing from elsewhere, run no inline script and are never framed; the tracking number in
# their addresses is not passed on to other sites.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
}

Lang = Annotated[str | None, Query(max_length=20, description="zh or en; the browser's language otherwise.")]
AcceptLanguage = Annotated[str | None, Header()]
Number = Annotated[str | None, Query(max_length=40)]


@router.get("/")
async def home(lang: Lang = None) -> RedirectResponse:
    return RedirectResponse(_url("/complain", lang=lang), status_code=303)


@router.get("/complain", response_class=HTMLResponse)
async def complaint_form(request: Request, lang: Lang = None, accept_language: AcceptLanguage = None
                         ) -> HTMLResponse:
    language = page_language(lang, accept_language)
    return _render("complain.html.j2", request, language, title_key="complain_title", nav="complain",
                   today=datetime.now(UTC).date().isoformat())


@router.post("/complain", status_code=201, dependencies=[Depends(require_json)])
async def file_from_the_form(body: WebComplaintIn, uow: UowDep, settings: SettingsDep,
                             idempotency_key: IdempotencyKey = None) -> Response:
    """The form's complaint, filed as POST /v1/complaints files a frontend's; the same acknowledgement back."""
    # The form has no caller to take a tenant from: its complaints are the configured tenant's.
    answer = await service.submit_complaint(uow, body, settings=settings, tenant=settings.tenant,
                                            idempotency_key=idempotency_key)
    return acknowledgement_response(answer)


@router.get("/complain/thanks", response_class=HTMLResponse, response_model=None)
async def acknowledgement(request: Request, lang: Lang = None, accept_language: AcceptLanguage = None,
                          number: Number = None, received: Annotated[str | None, Query(max_length=40)] = None,
                          by: Annotated[str | None, Query(max_length=40)] = None,
                          linked: Annotated[bool, Query()] = False) -> HTMLResponse | RedirectResponse:
    """What intake's acknowledgement said, as the form passed it on: nothing here is looked up, so the page
    shows only what its own address holds, and a made-up number only sends the customer to the tracking page."""
    language = page_language(lang, accept_language)
    if number is None or not is_valid_tracking_number(number):
        return RedirectResponse(_url("/track", lang=language), status_code=303)
    return _render("thanks.html.j2", request, language, title_key="thanks_title", nav="complain",
                   number=number, spelled=spelled_out(number), received=_moment(received), by=_moment(by),
                   linked=linked, track_url=_url("/track", lang=language, number=number))


@router.get("/track", response_class=HTMLResponse)
async def tracking_page(request: Request, lang: Lang = None, accept_language: AcceptLanguage = None,
                        number: Number = None) -> HTMLResponse:
    language = page_language(lang, accept_language)
    return _render("track.html.j2", request, language, title_key="track_title", nav="track", number=number or "")


@router.get("/pages/static/{name}")
async def static_file(name: str) -> FileResponse:
    """The pages' own CSS and JavaScript; only the files shipped with them, nothing else from the disk."""
    path = STATIC.get(name)
    if path is None:
        raise HTTPException(404, f"no static file {name!r}")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


def spelled_out(number: str) -> str:
    """RD-7K3M-9QX2-T as it is read out: character by character, a pause between the groups."""
    return ", ".join(" ".join(group) for group in number.split("-"))


def _moment(text: str | None) -> dict[str, str] | None:
    """An ISO 8601 instant for a <time> element, with a UTC fallback that the page's script localises."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    moment = moment.astimezone(UTC)
    return {"iso": moment.isoformat(), "text": f"{moment:%Y-%m-%d %H:%M} UTC"}


def _url(path: str, **params: str | None) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{path}?{query}" if query else path


def _render(template: str, request: Request, language: str, *, title_key: str, nav: str,
            **context: Any) -> HTMLResponse:
    t = words(language)
    keep = {k: v for k, v in request.query_params.items() if k != "lang"}
    switch = [{"lang": other, "name": LANGUAGE_NAMES[other], "html_lang": HTML_LANG[other],
               "url": _url(request.url.path, **keep, lang=other), "current": other == language}
              for other in HTML_LANG]
    page = TEMPLATES.get_template(template).render(
        lang=language, html_lang=HTML_LANG[language], t=t, page_title=t[title_key], nav=nav, switch=switch,
        complain_url=_url("/complain", lang=language), track_url_nav=_url("/track", lang=language), **context)
    return HTMLResponse(page, headers=SECURITY_HEADERS)

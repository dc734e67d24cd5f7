"""The review web app: editors log in, edit the draft, preview it, approve it; the chief publishes it.

Server-rendered pages (Flask, Jinja2 templates in templates/review/), sessions in signed cookies, a CSRF
token in every form. Article text and editors' text are escaped by the templates, never trusted.
"""

from __future__ import annotations

import logging
import os
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, flash, redirect, render_template, request, session, url_for

from ..config import Config
from ..deliver.web import make_app as make_unsubscribe_app
from ..errors import DigestError
from ..model import CITIES, PROVINCE
from ..render.view import STATUS_LABELS, coverage, issue_label, template_folder
from .auth import authenticate, new_token, same_token
from .edits import item_ids, item_key
from .workflow import ISSUE_ID, Review

logger = logging.getLogger(__name__)

REMOVED_LABELS = {"spam": "垃圾广告", "hidden": "隐藏文字", "pinyin": "拼音注音", "boilerplate": "版面杂项"}
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'self'; base-uri 'none'")


def secret_key(config: Config) -> str:
    """Return the cookie-signing key from the environment variable the config names."""
    name = config.review.secret_key_env
    key = os.environ.get(name, "")
    if len(key) < 16:
        raise DigestError(f"set {name} to a random secret of at least 16 characters (it signs the login cookies)")
    return key


def create_app(config: Config, *, secret: str) -> Flask:
    """Return the review app for `config`'s output folder, store and users."""
    if not config.review.users:
        raise DigestError("no review users: add review.users to the config (see 'weeklydigest hash-password')")
    folder = template_folder(config) / "review"
    app = Flask(__name__, template_folder=str(folder), static_folder=None)
    app.config.update(SECRET_KEY=secret, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      MAX_CONTENT_LENGTH=1_000_000)
    review = Review(config)
    users = {u.name: u for u in config.review.users}

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def guard() -> Any:
        session.setdefault("csrf", new_token())
        if request.endpoint == "unsubscribe":
            return None  # subscribers follow a signed link from their e-mail: the token is the credential
        if request.method == "POST" and not same_token(request.form.get("csrf_token"), session.get("csrf")):
            abort(400, "the form is missing its security token; reload the page and try again")
        if request.endpoint not in ("login", None) and session.get("user") not in users:
            return redirect(url_for("login", next=request.path))
        return None

    @app.context_processor
    def globals_() -> dict[str, Any]:
        user = users.get(session.get("user", ""))
        return {"csrf_token": session.get("csrf", ""), "user": user, "status_labels": STATUS_LABELS,
                "issue_label": issue_label, "removed_labels": REMOVED_LABELS}

    def issue_page(view: Any) -> Any:
        @wraps(view)
        def wrapper(issue: str, *args: Any, **kwargs: Any) -> Any:
            if not ISSUE_ID.fullmatch(issue):
                abort(404)
            try:
                return view(issue, *args, **kwargs)
            except DigestError as exc:
                flash(str(exc), "error")
                if request.method == "GET":
                    return render_template("error.html", message=str(exc)), 404
                return redirect(url_for("issue", issue=issue))
        return wrapper

    unsubscribe_app = make_unsubscribe_app(config, path="/unsubscribe")

    @app.route("/unsubscribe", methods=["GET", "POST"])
    def unsubscribe() -> Any:
        # The delivery package's own WSGI page answers; Flask hands it the request as it came.
        return unsubscribe_app

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        error = ""
        if request.method == "POST":
            user = authenticate(config.review.users, request.form.get("name", ""), request.form.get("password", ""))
            if user is not None:
                session.clear()
                session["user"] = user.name
                session["csrf"] = new_token()
                target = request.args.get("next", "")
                return redirect(target if _local(target) else url_for("home"))
            error = "用户名或密码不正确"
        return render_template("login.html", error=error), 401 if error else 200

    @app.post("/logout")
    def logout() -> Any:
        session.clear()
        return redirect(url_for("login"))

    @app.get("/")
    def home() -> Any:
        rows = []
        for issue in review.issues():
            try:
                state = review.state(issue)
            except DigestError as exc:
                rows.append({"issue": issue, "error": str(exc)})
                continue
            rows.append({"issue": issue, "status": state.status, "revision": state.revision,
                         "items": state.edited.stats.get("items", 0), "edits": len(state.edits),
                         "orphaned": len(state.orphaned), "period": state.edited.period})
        return render_template("index.html", issues=rows)

    @app.get("/issues/<issue>")
    @issue_page
    def issue(issue: str) -> Any:
        state = review.state(issue)
        sections = [s.title for s in state.edited.sections]
        items = [(s.title, i) for s in state.edited.sections for i in s.items]
        return render_template("issue.html", state=state, digest=state.edited, sections=sections, items=items,
                               cities=(PROVINCE, *CITIES), item_key=item_key, item_ids=item_ids,
                               coverage=coverage(state.edited),
                               can_publish=users[session["user"]].role == "chief")

    @app.post("/issues/<issue>/edit")
    @issue_page
    def edit(issue: str) -> Any:
        by = session["user"]
        review.edit(issue, _edit_from_form(review, issue, request.form, by=by), by=by)
        flash("已保存修改", "ok")
        anchor = request.form.get("article", "")
        return redirect(url_for("issue", issue=issue) + (f"#i-{anchor}" if anchor.isalnum() else ""))

    @app.post("/issues/<issue>/undo/<int:edit_id>")
    @issue_page
    def undo(issue: str, edit_id: int) -> Any:
        review.undo(issue, edit_id, by=session["user"])
        flash("已撤销修改", "ok")
        return redirect(url_for("issue", issue=issue))

    @app.post("/issues/<issue>/approve")
    @issue_page
    def approve(issue: str) -> Any:
        review.approve(issue, by=session["user"])
        flash("已审定", "ok")
        return redirect(url_for("issue", issue=issue))

    @app.post("/issues/<issue>/publish")
    @issue_page
    def publish(issue: str) -> Any:
        if users[session["user"]].role != "chief":
            abort(403, "only the chief editor may publish")
        correction = request.form.get("correction")
        review.publish(issue, by=session["user"], correction=correction if correction is not None else None)
        flash("已发布" if correction is None else "已发布更正", "ok")
        return redirect(url_for("issue", issue=issue))

    @app.get("/issues/<issue>/preview.html")
    @issue_page
    def preview_html(issue: str) -> Any:
        from ..render.html import render_html

        page = render_html(review.state(issue).edited, config)
        return Response(page, mimetype="text/html")

    @app.get("/issues/<issue>/preview.pdf")
    @issue_page
    def preview_pdf(issue: str) -> Any:
        from ..render.pdf import render_pdf

        pdf = render_pdf(review.state(issue).edited, config)
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{issue}-preview.pdf"'})

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    def refused(error: Any) -> Any:
        return render_template("error.html", message=getattr(error, "description", str(error))), error.code

    return app


def _local(target: str) -> bool:
    """Return whether a redirect target stays on this site (no //host or /\\host, which browsers follow off it)."""
    return target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target


def _edit_from_form(review: Review, issue: str, form: Any, *, by: str) -> dict[str, Any]:
    """Return the edit a review form asks for; the up buttons become the full new order."""
    op = form.get("op", "")
    text = form.get("text", "")
    if op == "up":
        state = review.state(issue)
        article = form.get("article", "")
        section = next((s for s in state.edited.sections if any(article in item_ids(i) for i in s.items)), None)
        if section is None:
            raise DigestError(f"{issue}: no item with article {article}")
        order = [item_key(i) for i in section.items]
        at = next(n for n, i in enumerate(section.items) if article in item_ids(i))
        if at > 0:
            order[at - 1], order[at] = order[at], order[at - 1]
        return {"op": "order", "section": section.title, "articles": order}
    if op == "section_up":
        titles = [s.title for s in review.state(issue).edited.sections]
        title = form.get("section", "")
        if title not in titles:
            raise DigestError(f"{issue}: no section {title}")
        at = titles.index(title)
        if at > 0:
            titles[at - 1], titles[at] = titles[at], titles[at - 1]
        return {"op": "order_sections", "sections": titles}
    fields = {name: form.get(name, "") for name in ("article", "section", "into", "city", "title", "phrase", "field")
              if form.get(name) is not None}
    edit: dict[str, Any] = {"op": op, **fields}
    if op in ("summary", "add", "commentary", "lede", "headline"):
        edit["text"] = text.replace("\r\n", "\n")
    if op in ("summary", "add", "lede", "headline", "accept", "theme_accept", "theme_rename", "theme_drop"):
        edit["by"] = by
    return edit


def serve(config: Config, *, host: str, port: int) -> None:
    """Run the review app until interrupted."""
    from werkzeug.serving import make_server

    app = create_app(config, secret=secret_key(config))
    server = make_server(host, port, app, threaded=True)
    print(f"review app on http://{host}:{server.server_port}/ (Ctrl-C stops it)")
    try:
        server.serve_forever()
    finally:
        server.server_close()



"""The review web app: editors log in, edit the draft, preview it, approve it; the chief publishes it.

Server-rendered pages (Flask, Jinja2 templates in templates/review/). The session cookie is signed by
Flask and names a login the store keeps (review/guard.py), so logging out ends it; every form carries
a Flask-WTF CSRF token; wrong passwords are throttled per name and per address. Article text and
editors' text are escaped by the templates, never trusted.
"""

from __future__ import annotations

import logging
import os
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from markupsafe import Markup, escape

from .. import clock
from ..config import Config
from ..deliver.web import make_app as make_unsubscribe_app
from ..errors import DigestError
from ..model import CITIES, PROVINCE
from ..render.view import STATUS_LABELS, coverage, issue_label, template_folder
from . import labels
from .auth import authenticate
from .forms import edit_from_form
from .guard import LoginThrottle, Sessions, safe_next
from .page import FILTERS, issue_page
from .previews import Previews
from .workflow import ISSUE_ID, Review

logger = logging.getLogger(__name__)

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'self'; base-uri 'none'")
SCORE_HELP = ("栏目得分：本条目归入该栏目的依据（标题、首句、领导活动处、正文中的关键词，主题词贯穿全文的程度）"
              "按权重相加的分数，不是概率；达到入选线 {min_score:g} 才入选，越高越有把握。")


def secret_key(config: Config) -> str:
    """Return the cookie-signing key from the environment variable the config names."""
    name = config.review.secret_key_env
    key = os.environ.get(name, "")
    if len(key) < 16:
        raise DigestError(f"set {name} to a random secret of at least 16 characters (it signs the login cookies)")
    return key


def cookie_secure(config: Config) -> bool:
    """Return whether the session cookie is sent over HTTPS only: the config's word, else whether base_url is https."""
    if config.review.cookie_secure is not None:
        return config.review.cookie_secure
    return bool(config.base_url and config.base_url.startswith("https://"))


def create_app(config: Config, *, secret: str, warm_previews: bool = False,
               throttle: LoginThrottle | None = None) -> Flask:
    """Return the review app for `config`'s output folder, store and users."""
    if not config.review.users:
        raise DigestError("no review users: add review.users to the config (see 'weeklydigest hash-password')")
    # Absolute: Flask would read a relative folder against the package, not the working folder.
    folder = template_folder(config).resolve() / "review"
    if not (folder / "login.html").is_file():
        raise DigestError(f"no review templates in {folder}: point 'templates' at a copy of the project's templates/")
    app = Flask(__name__, template_folder=str(folder), static_folder=None)
    app.config.update(SECRET_KEY=secret, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=cookie_secure(config), MAX_CONTENT_LENGTH=1_000_000,
                      WTF_CSRF_TIME_LIMIT=None)  # the token lives as long as the login, which the store bounds
    CSRFProtect(app)
    review = Review(config)
    previews = Previews(config)
    users = {u.name: u for u in config.review.users}
    settings = config.review
    throttle = throttle or LoginThrottle(free=settings.login_attempts, backoff=settings.login_backoff,
                                         longest=settings.login_backoff_max)
    sessions = Sessions(config.store, lifetime=settings.session_lifetime, now=lambda: clock.now(config.tz),
                        edition=config.edition)
    app.extensions["weeklydigest.previews"] = previews

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Same-origin: source links leak nothing, and over HTTPS Flask-WTF checks the Referer of every form.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def guard() -> Any:
        if request.endpoint == "unsubscribe":
            return None  # subscribers follow a signed link from their e-mail: the token is the credential
        user = session.get("user")
        if user is not None and (user not in users or sessions.user(session.get("sid")) != user):
            session.clear()  # logged out, expired, or a user no longer in the config
        if request.endpoint not in ("login", None) and "user" not in session:
            return redirect(url_for("login", next=request.full_path.rstrip("?")))  # the filter comes back too
        return None

    @app.context_processor
    def globals_() -> dict[str, Any]:
        user = users.get(session.get("user", ""))
        token = generate_csrf()
        field = Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)
        return {"csrf_token": token, "csrf_field": field, "user": user, "status_labels": STATUS_LABELS,
                "issue_label": issue_label, "labels": labels, "timezone": config.timezone}

    @app.template_filter("local")
    def local(text: str | None) -> str:
        return labels.local_time(text, config.tz)

    @app.template_filter("without")
    def without(options: str, key: str) -> Markup:
        """Return the <option>s with the one of `key` (the card's own item) disabled."""
        mark = f'<option value="{escape(key)}">'
        return Markup(str(options).replace(mark, mark[:-1] + " disabled>", 1))

    def issue_view(view: Any) -> Any:
        @wraps(view)
        def wrapper(issue: str, *args: Any, **kwargs: Any) -> Any:
            if not ISSUE_ID.fullmatch(issue):
                abort(404)
            try:
                return view(issue, *args, **kwargs)
            except DigestError as exc:
                message = labels.message(str(exc))
                if request.method == "GET":
                    return render_template("error.html", message=message), 404
                flash(message, "error")
                return redirect(back(issue))
        return wrapper

    def back(issue: str, anchor: str = "") -> str:
        """Return the issue page with the filter the form came from."""
        show = request.form.get("show", "")
        url = url_for("issue", issue=issue, show=show) if show in FILTERS else url_for("issue", issue=issue)
        return url + (f"#i-{anchor}" if anchor.isalnum() else "")

    def changed(issue: str) -> None:
        if warm_previews:
            previews.warm(issue, lambda: review.state(issue).edited)

    if warm_previews:
        for newest in review.issues()[:1]:  # the issue the editors are most likely to open first
            changed(newest)

    unsubscribe_app = make_unsubscribe_app(config, path="/unsubscribe")

    @app.route("/unsubscribe", methods=["GET", "POST"])
    def unsubscribe() -> Any:
        # The delivery package's own WSGI page answers; Flask hands it the request as it came.
        return unsubscribe_app

    app.extensions["csrf"].exempt(unsubscribe)

    def locked(wait: int) -> Any:
        page = render_template("login.html", error=f"尝试次数过多，请 {_minutes(wait)}后再试。")
        return page, 429, {"Retry-After": str(wait)}

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "GET":
            return render_template("login.html", error="")
        name = request.form.get("name", "")
        address = request.remote_addr or "-"
        wait = throttle.retry_after(user=name, address=address)
        if wait:
            logger.warning("review login of %r from %s refused: locked for %d more seconds", name, address, wait)
            return locked(wait)
        user = authenticate(config.review.users, name, request.form.get("password", ""))
        if user is None:
            wait = throttle.failed(user=name, address=address)
            if wait:
                logger.warning("review login of %r from %s: wrong password; locked for %d seconds",
                               name, address, wait)
                return locked(wait)
            return render_template("login.html", error="用户名或密码不正确"), 401
        throttle.succeeded(user=name, address=address)
        session.clear()
        session["user"] = user.name
        session["sid"] = sessions.start(user.name)
        logger.info("review login of %r from %s", user.name, address)
        return redirect(safe_next(request.args.get("next")) or url_for("home"))

    @app.post("/logout")
    def logout() -> Any:
        sessions.end(session.get("sid"))
        session.clear()
        return redirect(url_for("login"))

    @app.get("/")
    def home() -> Any:
        rows = []
        for issue in review.issues():
            try:
                state = review.state(issue)
            except DigestError as exc:
                rows.append({"issue": issue, "error": labels.message(str(exc))})
                continue
            rows.append({"issue": issue, "status": state.status, "revision": state.revision,
                         "items": state.edited.stats.get("items", 0), "edits": len(state.edits),
                         "orphaned": len(state.orphaned), "period": state.edited.period})
        return render_template("index.html", issues=rows)

    @app.get("/issues/<issue>")
    @issue_view
    def issue(issue: str) -> Any:
        state = review.state(issue)
        page = issue_page(state, show=request.args.get("show", ""), min_score=config.min_score)
        return render_template("issue.html", state=state, digest=state.edited, page=page, filters=FILTERS,
                               sections=[s.title for s in state.edited.sections],
                               items=[(s.title, i) for s in state.edited.sections for i in s.items],
                               cities=(PROVINCE, *CITIES), score_help=SCORE_HELP.format(min_score=config.min_score),
                               edit_url=url_for("edit", issue=issue), coverage=coverage(state.edited),
                               can_publish=users[session["user"]].role == "chief")

    @app.post("/issues/<issue>/edit")
    @issue_view
    def edit(issue: str) -> Any:
        by = session["user"]
        review.edit(issue, edit_from_form(review, issue, request.form, by=by), by=by)
        changed(issue)
        flash("已保存修改", "ok")
        return redirect(back(issue, request.form.get("article", "")))

    @app.post("/issues/<issue>/undo/<int:edit_id>")
    @issue_view
    def undo(issue: str, edit_id: int) -> Any:
        review.undo(issue, edit_id, by=session["user"])
        changed(issue)
        flash("已撤销修改", "ok")
        return redirect(back(issue))

    @app.post("/issues/<issue>/approve")
    @issue_view
    def approve(issue: str) -> Any:
        review.approve(issue, by=session["user"])
        changed(issue)
        flash("已审定", "ok")
        return redirect(back(issue))

    @app.post("/issues/<issue>/publish")
    @issue_view
    def publish(issue: str) -> Any:
        if users[session["user"]].role != "chief":
            abort(403, "只有主编可以发布")
        correction = request.form.get("correction")
        missing = issue_page(review.state(issue), show="all", min_score=config.min_score).incomplete
        if missing and correction is None and request.form.get("incomplete_ok") != "1":
            flash(f"本期还没有{'和'.join(missing)}：写好后再发布，或勾选“仍然发布”。", "error")
            return redirect(back(issue))
        review.publish(issue, by=session["user"], correction=correction)
        flash("已发布" if correction is None else "已发布更正", "ok")
        return redirect(back(issue))

    @app.get("/issues/<issue>/preview.html")
    @issue_view
    def preview_html(issue: str) -> Any:
        return Response(previews.read(review.state(issue).edited, "html"), mimetype="text/html")

    @app.get("/issues/<issue>/preview.pdf")
    @issue_view
    def preview_pdf(issue: str) -> Any:
        return Response(previews.read(review.state(issue).edited, "pdf"), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{issue}-preview.pdf"'})

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Any:
        return render_template("error.html", message="表单的安全令牌缺失或已失效：请刷新页面后重试。"), 400

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    def refused(error: Any) -> Any:
        messages = {400: "请求无效。", 403: "没有权限。", 404: "没有这个页面。"}
        message = getattr(error, "description", "")
        if not message or message == type(error).description:
            message = messages[error.code]
        return render_template("error.html", message=message), error.code

    return app


def _minutes(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{round(seconds / 60)} 分钟"

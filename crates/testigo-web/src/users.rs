//! The admins' Users page: accounts with their role, creation, latest login and state; adding
//! an account, changing a role, disabling and enabling an account, setting a password.
//!
//! Every change is a POST with the session's CSRF token, done by the store in one transaction
//! with its audit entry (who, when, what; never a password). Accounts are never deleted: the
//! record names its authors, so an account that should no longer work is disabled, which ends
//! its sessions and revokes its API tokens at once. The store refuses to demote or disable the
//! last active admin, so that someone can always manage users.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use testigo_store::monitor::{Role, UserAccount};
use testigo_store::StoreError;

use crate::i18n::{self, Lang};
use crate::pages::ctx;
use crate::render::{csrf_field, layout, Ctx};
use crate::{auth, check_csrf, Admin, Auth, RequestLang, Session, Shared, WebError};

/// The longest password accepted (argon2 takes any length; this bounds the work per request).
const MAX_PASSWORD_CHARS: usize = 1024;

/// What the notice after a change says (`?done=KIND&id=N`): the message `users-done-KIND`.
const DONE: &[&str] = &["added", "role", "disabled", "enabled", "password"];

/// A change refused for a reason the admin can fix, said in their language.
struct Refusal(String);

impl Refusal {
    fn id(state: &Shared, lang: Lang, id: &str) -> Refusal {
        Refusal(state.messages.get(lang, id))
    }
}

/// A store error as a refusal the admin can read, or the error it is.
fn refusal(state: &Shared, lang: Lang, e: StoreError, name: &str) -> Result<Refusal, WebError> {
    let id = match e {
        StoreError::LastAdmin { .. } => "users-last-admin",
        StoreError::UserExists { .. } => "users-name-taken",
        other => return Err(other.into()),
    };
    Ok(Refusal(state.messages.get_args(lang, id, &[("name", name.to_string().into())])))
}

pub(crate) async fn users_page(
    State(state): State<Shared>,
    Auth(session): Admin,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let done = q.get("done").and_then(|d| DONE.iter().find(|k| **k == d.as_str())).copied();
    let about: Option<i64> = q.get("id").and_then(|i| i.parse().ok());
    render(&state, &session, lang, &uri, Outcome { done, about, refused: None }).await
}

/// What the page says above the list: a change done (and to whom), or a change refused.
struct Outcome {
    done: Option<&'static str>,
    about: Option<i64>,
    refused: Option<Refusal>,
}

async fn render(state: &Shared, session: &Session, lang: Lang, uri: &Uri, outcome: Outcome) -> Result<Response, WebError> {
    let accounts = state.db(|store| Ok(store.user_accounts()?)).await?;
    let ctx = ctx(state, lang, Some(session), uri);
    let status = if outcome.refused.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Ok((status, users_body(&ctx, &accounts, &outcome)).into_response())
}

/// A time the locale's way, to the minute, in UTC.
fn when(lang: Lang, t: DateTime<Utc>) -> String {
    format!("{} {} UTC", i18n::date(lang, t.date_naive()), t.format("%H:%M"))
}

fn role_select(ctx: &Ctx<'_>, current: Role) -> Markup {
    html! {
        select name="role" {
            @for r in [Role::Viewer, Role::Analyst, Role::Admin] {
                option value=(r.as_str()) selected[r == current] { (ctx.t(&format!("role-{}", r.as_str()))) }
            }
        }
    }
}

/// The two password fields of a form (typed twice, to catch a slip).
fn password_fields(ctx: &Ctx<'_>) -> Markup {
    html! {
        label { (ctx.t("users-password")) input type="password" name="password" autocomplete="new-password" required minlength=(auth::MIN_PASSWORD_CHARS); }
        label { (ctx.t("users-password-again")) input type="password" name="password2" autocomplete="new-password" required; }
    }
}

fn users_body(ctx: &Ctx<'_>, accounts: &[UserAccount], outcome: &Outcome) -> Markup {
    let lang = ctx.lang;
    let me = ctx.session.map(|s| s.user.id);
    let about = outcome.about.and_then(|id| accounts.iter().find(|a| a.user.id == id)).map(|a| a.user.name.clone());
    let body = html! {
        h1 { (ctx.t("users-title")) }
        p.hint { (ctx.t("users-hint")) }
        @if let (Some(done), Some(name)) = (outcome.done, &about) {
            p.notice #notice role="status" { (ctx.messages.get_args(lang, &format!("users-done-{done}"), &[("name", name.clone().into())])) }
        }
        @if let Some(Refusal(m)) = &outcome.refused { p.error #refused role="alert" { (m) } }
        table.users #users {
            thead { tr {
                th { (ctx.t("login-name")) } th { (ctx.t("users-role")) } th { (ctx.t("users-created")) }
                th { (ctx.t("users-last-login")) } th { (ctx.t("users-state")) } th { (ctx.t("users-actions")) }
            } }
            tbody {
                @for a in accounts {
                    @let id = a.user.id;
                    tr id={ "user-" (id) } .disabled[a.disabled_at.is_some()] {
                        td.name { (a.user.name) }
                        td { (ctx.t(&format!("role-{}", a.user.role.as_str()))) }
                        td { (when(lang, a.created_at)) }
                        td { (a.last_login_at.map(|t| when(lang, t)).unwrap_or_else(|| ctx.t("users-never"))) }
                        td.state {
                            @match a.disabled_at {
                                Some(t) => { (ctx.messages.get_args(lang, "users-disabled-since", &[("when", when(lang, t).into())])) }
                                None => { (ctx.t("users-active")) }
                            }
                        }
                        td.actions {
                            @if Some(id) == me { p.hint { (ctx.t("users-yourself")) } }
                            div {
                                form.inline.role method="post" action={ "/users/" (id) "/role" } {
                                    (csrf_field(ctx))
                                    (role_select(ctx, a.user.role))
                                    button type="submit" { (ctx.t("users-role-submit")) }
                                }
                                @if a.disabled_at.is_some() {
                                    form.inline method="post" action={ "/users/" (id) "/enable" } {
                                        (csrf_field(ctx))
                                        button type="submit" { (ctx.t("users-enable")) }
                                    }
                                } @else {
                                    form.inline method="post" action={ "/users/" (id) "/disable" } {
                                        (csrf_field(ctx))
                                        @let question = ctx.messages.get_args(lang, "users-disable-confirm", &[("name", a.user.name.clone().into())]);
                                        button.danger type="submit" data-confirm=(question) { (ctx.t("users-disable")) }
                                    }
                                }
                            }
                            details.password {
                                summary { (ctx.t("users-password-reset")) }
                                form.password method="post" action={ "/users/" (id) "/password" } {
                                    (csrf_field(ctx))
                                    (password_fields(ctx))
                                    button type="submit" { (ctx.t("users-password-submit")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("users-add")) }
        form.adduser #add-user method="post" action="/users" {
            (csrf_field(ctx))
            label { (ctx.t("login-name")) input #new-name type="text" name="name" required maxlength="64" autocomplete="off"; }
            label { (ctx.t("users-role")) (role_select(ctx, Role::Viewer)) }
            (password_fields(ctx))
            button #add-user-submit type="submit" { (ctx.t("users-add-submit")) }
        }
        p.hint { (ctx.messages.get_args(lang, "users-password-hint", &[("min", auth::MIN_PASSWORD_CHARS.into())])) }
    };
    layout(ctx, &ctx.t("users-title"), body)
}

/// The new password of a form, typed twice, checked; or why it is refused.
fn new_password(state: &Shared, lang: Lang, form: &HashMap<String, String>) -> Result<String, Refusal> {
    let password = form.get("password").cloned().unwrap_or_default();
    let chars = password.chars().count();
    if !(auth::MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        let args = [("min", auth::MIN_PASSWORD_CHARS.into()), ("max", MAX_PASSWORD_CHARS.into())];
        return Err(Refusal(state.messages.get_args(lang, "users-password-length", &args)));
    }
    if form.get("password2") != Some(&password) {
        return Err(Refusal::id(state, lang, "users-password-mismatch"));
    }
    Ok(password)
}

/// Hashes a password on the blocking pool (argon2 takes a noticeable moment on purpose).
async fn hash(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The page after a change: back to the list with its notice, or the list with the refusal.
/// An admin who took their own role or access away goes to the incidents (or the login form).
async fn after(
    state: &Shared,
    session: &Session,
    lang: Lang,
    uri: &Uri,
    result: Result<(&'static str, i64), Refusal>,
) -> Result<Response, WebError> {
    match result {
        Ok(("role" | "disabled", id)) if id == session.user.id => Ok(Redirect::to("/incidents").into_response()),
        Ok((done, id)) => Ok(Redirect::to(&format!("/users?done={done}&id={id}")).into_response()),
        Err(refused) => render(state, session, lang, uri, Outcome { done: None, about: None, refused: Some(refused) }).await,
    }
}

/// The account `id`, or a 404.
async fn account(state: &Shared, id: i64) -> Result<UserAccount, WebError> {
    state.db(move |store| store.user_account(id)?.ok_or(WebError::NotFound)).await
}

pub(crate) async fn users_create(
    State(state): State<Shared>,
    Auth(session): Admin,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&session, form.get("csrf").map(String::as_str))?;
    let name = form.get("name").map(|n| n.trim().to_string()).unwrap_or_default();
    let result = async {
        if !crate::valid_user_name(&name) {
            return Ok(Err(Refusal::id(&state, lang, "users-name-invalid")));
        }
        let Some(role) = form.get("role").and_then(|r| Role::parse(r)) else {
            return Ok(Err(Refusal::id(&state, lang, "users-role-unknown")));
        };
        let password = match new_password(&state, lang, &form) {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        let hashed = hash(password).await?;
        let (n, actor) = (name.clone(), session.user.name.clone());
        match state.db(move |store| Ok(store.add_user(&n, role, &hashed, &actor))).await? {
            Ok(user) => Ok(Ok(("added", user.id))),
            Err(e) => refusal(&state, lang, e, &name).map(Err),
        }
    }
    .await?;
    after(&state, &session, lang, &uri, result).await
}

/// A change of account `id`, named by the last part of its address: `role`, `disable`,
/// `enable` or `password` (a 404 for anything else).
pub(crate) async fn users_change(
    State(state): State<Shared>,
    Auth(session): Admin,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Path((id, change)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&session, form.get("csrf").map(String::as_str))?;
    let account = account(&state, id).await?;
    let actor = session.user.name.clone();
    let result = match change.as_str() {
        "role" => match form.get("role").and_then(|r| Role::parse(r)) {
            None => Err(Refusal::id(&state, lang, "users-role-unknown")),
            Some(role) => match state.db(move |store| Ok(store.set_user_role(id, role, &actor))).await? {
                Ok(_) => Ok(("role", id)),
                Err(e) => Err(refusal(&state, lang, e, &account.user.name)?),
            },
        },
        "disable" => match state.db(move |store| Ok(store.disable_user(id, &actor))).await? {
            Ok(_) => Ok(("disabled", id)),
            Err(e) => Err(refusal(&state, lang, e, &account.user.name)?),
        },
        "enable" => {
            state.db(move |store| Ok(store.enable_user(id, &actor)?)).await?;
            Ok(("enabled", id))
        }
        // An admin may set their own password too: their sessions end, and they log in again.
        "password" => match new_password(&state, lang, &form) {
            Err(r) => Err(r),
            Ok(password) => {
                let hashed = hash(password).await?;
                state.db(move |store| Ok(store.set_password(id, &hashed, &actor)?)).await?;
                Ok(("password", id))
            }
        },
        _ => return Err(WebError::NotFound),
    };
    after(&state, &session, lang, &uri, result).await
}

//! The HTML shell, the router and the layout with its role-aware navigation.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};

use crate::{
    domain::Lang,
    features::{
        accounts::{
            get_me,
            pages::{AccountPage, ForgotPage, LoginPage, RegisterPage, ResetPage},
            Logout,
        },
        admin::AdminPage,
        billing::{
            admin_pages::AdminSubscriptionsPage,
            pages::{BillingPage, SubscribePage},
        },
        family::FamilyPage,
        orders::{
            admin_pages::{
                AdminCommissionsPage, AdminEventsPage, AdminOrderPage, AdminOrdersPage,
                AdminRefundsPage,
            },
            door::CheckinPage,
            organiser::SumUpSettingsPage,
            pages::{ETicketPage, EventPage, EventsPage, OrderPage, OwnerPage},
            phone_settings::PhoneSettingsPage,
        },
        payment_tickets::{
            admin_pages::{AdminStatsPage, AdminTicketPage, AdminTicketsPage},
            pages::{PayPage, TicketPage, TicketsPage},
        },
        payments::{
            admin_pages::AdminPaymentsPage,
            instructions::AdminPayAccountsPage,
            pages::{PaymentResultPage, PhoneWaitPage, SandboxPage},
            verification::VerificationPage,
        },
        statements::pages::{AdminStatementPage, AdminStatementsPage},
    },
    ui::{initial_lang, tr, UiLang},
};

/// Pages served without WebAssembly: the e-ticket, opened at the gate on a poor connection.
fn static_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/t/"))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The address of a bundle file, versioned by its content on the server.
fn asset_url(options: &LeptosOptions, file: &str) -> String {
    use_context::<crate::ui::AssetUrls>()
        .map(|urls| (urls.0)(file))
        .unwrap_or_else(|| format!("/{}/{file}", options.site_pkg_dir))
}

/// Loads the WebAssembly and brings the page's islands to life: the uploads, the copy buttons,
/// the door's camera. A page without islands (most pages) fetches nothing; neither does a
/// browser without JavaScript, as only the script asks for the bundle (no preload links).
#[component]
fn Hydrate(options: LeptosOptions) -> impl IntoView {
    let name = options.output_name.to_string();
    let js = asset_url(&options, &format!("{name}.js"));
    let wasm = asset_url(&options, &format!("{name}.wasm"));
    let code = format!(
        "const i=document.querySelectorAll('leptos-island');\
         if(i.length){{const w=fetch({wasm:?});import({js:?}).then(m=>m.default({{module_or_path:w}}).then(()=>{{\
         m.hydrate();for(const e of i){{const f=m[e.dataset.component];if(f)f(e);}}}}));}}"
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{code}</script> }
}

/// Sends the page's policy with the response (the shell renders before the first byte).
fn send_csp() {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&crate::ui::page_csp(&nonce.to_string())) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    send_csp();
    // Islands mode: the page around the islands is plain HTML, with no hydration markers, and
    // the data its resources read is not sent again for hydration (islands fetch their own).
    // Set before the app's resources exist; pages without islands (the e-ticket) too.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let lang = initial_lang();
    let css = asset_url(&options, &format!("{}.css", options.output_name));
    let scripts = (!static_page()).then(|| {
        view! {
            <AutoReload options=options.clone()/>
            <Hydrate options/>
        }
    });
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-utc-offset=crate::domain::site_utc_offset()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="icon" href="/favicon.ico" sizes="48x48"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/apple-touch-icon.png"/>
                <link rel="stylesheet" href=css/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(UiLang(initial_lang()));
    view! {
        <Router>
            <PageTitle/>
            <a class="skip-link" href="#main">{tr("nav.skip")}</a>
            <Header/>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot") view=ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/family") view=FamilyPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/pay") view=PayPage ssr=SsrMode::Async/>
                    <Route path=path!("/billing") view=BillingPage ssr=SsrMode::Async/>
                    <Route path=path!("/billing/subscribe/:plan") view=SubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("/billing/payment/success") view=PaymentResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/billing/payment/fail") view=PaymentResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/billing/sandbox/:reference") view=SandboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/pay/phone/:reference") view=PhoneWaitPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets") view=TicketsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/:reference") view=TicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tickets") view=AdminTicketsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tickets/:reference") view=AdminTicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/stats") view=AdminStatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/payments") view=AdminPaymentsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/subscriptions") view=AdminSubscriptionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/events") view=EventsPage ssr=SsrMode::Async/>
                    <Route path=path!("/events/:slug") view=EventPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:reference") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/t/:token") view=ETicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/owner/:token") view=OwnerPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkin") view=CheckinPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view=AdminOrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:reference") view=AdminOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/events") view=AdminEventsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/refunds") view=AdminRefundsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/commissions") view=AdminCommissionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/verification") view=VerificationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/statements") view=AdminStatementsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/statements/:id") view=AdminStatementPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/pay-accounts") view=AdminPayAccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/sumup") view=SumUpSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/mobile-money") view=PhoneSettingsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// The translation key of a page's name, from its address.
fn title_key(path: &str) -> &'static str {
    const EXACT: &[(&str, &str)] = &[
        ("/", "home.title"),
        ("/register", "register.title"),
        ("/login", "login.title"),
        ("/forgot", "forgot.title"),
        ("/account", "account.title"),
        ("/family", "family.title"),
        ("/pay", "pay.title"),
        ("/tickets", "tickets.title"),
        ("/events", "events.title"),
        ("/checkin", "checkin.title"),
        ("/admin", "admin.title"),
    ];
    const PREFIX: &[(&str, &str)] = &[
        ("/reset/", "reset.title"),
        ("/pay/phone/", "phone.page_title"),
        ("/billing", "billing.title"),
        ("/tickets/", "tickets.title"),
        ("/events/", "events.title"),
        ("/orders/", "order.title"),
        ("/t/", "eticket.ticket"),
        ("/owner/", "order.title"),
        ("/admin/tickets", "admin.tickets"),
        ("/admin/orders", "admin.orders"),
        ("/admin/payments", "admin.payments"),
        ("/admin/subscriptions", "admin.subscriptions"),
        ("/admin/events", "admin.events"),
        ("/admin/refunds", "admin.refunds"),
        ("/admin/commissions", "admin.commissions"),
        ("/admin/verification", "admin.verification"),
        ("/admin/statements", "statement.title"),
        ("/admin/stats", "admin.stats"),
        ("/admin/pay-accounts", "howto.admin_title"),
        ("/settings/sumup", "admin.sumup"),
        ("/settings/mobile-money", "phone_settings.title"),
    ];
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    if let Some((_, k)) = EXACT.iter().find(|(p, _)| *p == path) {
        return k;
    }
    PREFIX
        .iter()
        .filter(|(p, _)| path.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, k)| *k)
        .unwrap_or("app.name")
}

/// Each page's own `<title>`: its name, then the product's. Written once, as the page is
/// rendered (every navigation loads a page from the server): the server reads the title after
/// the page's reactive values are gone, and a closure reading them there panicked under load.
#[component]
fn PageTitle() -> impl IntoView {
    let key = title_key(&use_location().pathname.get_untracked());
    let text = if key == "app.name" {
        tr(key).to_string()
    } else {
        format!("{} · {}", tr(key), tr("app.name"))
    };
    view! { <Title text=text/> }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <section class="card"><h1>{tr("page.not_found")}</h1><a href="/">{tr("nav.home")}</a></section> }
}

/// Brand, navigation for who is signed in, the language switch and log-out.
#[component]
fn Header() -> impl IntoView {
    let location = use_location();
    // Re-read on every navigation: logging in or out changes what the menu offers.
    let logout = ServerAction::<Logout>::new();
    let me = Resource::new(
        move || (location.pathname.get(), logout.version().get()),
        |_| get_me(),
    );
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    let lang = crate::ui::lang();
    view! {
        <header class="site-header">
            <a class="brand" href="/">{tr("app.name")}</a>
            // On a phone the menu folds behind one button (a checkbox, so it works without
            // JavaScript); wider screens show it whole.
            <input type="checkbox" id="menu-toggle" class="menu-toggle" aria-label=tr("nav.open_menu")/>
            <label for="menu-toggle" class="menu-button" aria-hidden="true">{tr("nav.menu_button")}</label>
            <nav aria-label=tr("nav.menu")>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await.ok().flatten() {
                            Some(me) => view! {
                                <a href="/family">{tr("nav.family")}</a>
                                <a href="/billing">{tr("nav.billing")}</a>
                                <a href="/pay">{tr("nav.pay")}</a>
                                <a href="/tickets">{tr("nav.tickets")}</a>
                                <a href="/account">{tr("nav.account")}</a>
                                <a href="/events">{tr("nav.events")}</a>
                                {me.works_door.then(|| view! { <a href="/checkin">{tr("nav.checkin")}</a> })}
                                {me.role.is_admin().then(|| view! { <a href="/admin">{tr("nav.admin")}</a> <a href="/admin/tickets">{tr("admin.tickets")}</a> <a href="/admin/orders">{tr("admin.orders")}</a> })}
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="link">{tr("nav.logout")}</button>
                                </ActionForm>
                            }.into_any(),
                            None => view! {
                                <a href="/events">{tr("nav.events")}</a>
                                <a href="/login">{tr("nav.login")}</a>
                                <a href="/register">{tr("nav.register")}</a>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
            <form class="lang-switch inline" method="post" action="/lang">
                <input type="hidden" name="next" value=here/>
                <label for="lang-select" class="visually-hidden">{tr("lang.label")}</label>
                <select id="lang-select" name="lang">
                    <option value="en" selected=lang == Lang::En>"EN"</option>
                    <option value="fr" selected=lang == Lang::Fr>"FR"</option>
                </select>
                <button type="submit" class="small">{tr("lang.switch")}</button>
            </form>
        </header>
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <section class="card hero">
            <h1>{tr("home.title")}</h1>
            <p class="lead">{tr("app.tagline")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(me) => view! {
                            <p>{tr("home.signed_in_as")} " " <strong>{me.name}</strong></p>
                            <a class="button" href="/family">{tr("nav.family")}</a>
                        }.into_any(),
                        None => view! {
                            <p>{tr("home.start")}</p>
                            <a class="button" href="/register">{tr("nav.register")}</a>
                            " "
                            <a class="button secondary" href="/login">{tr("nav.login")}</a>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

//! End-to-end test of the web application in a real headless Chromium driven through
//! WebDriver (Debian's chromium and chromium-driver). Built and run only with the `e2e`
//! feature, which `.ci/run` turns on after installing them:
//! `cargo test -p testigo-web --features e2e --test e2e`. Without Chromium it fails, saying
//! what to install; it never skips.
//!
//! Screenshots of every page are saved in `target/e2e-screenshots/`.

// Tests may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod webdriver;

use std::path::{Path, PathBuf};

use testigo_store::monitor::Role;
use testigo_store::SqliteStore;

use crate::webdriver::Browser;

const PASSWORD: &str = "an-e2e-test-password";

fn shared_data() -> PathBuf {
    // The browser wants canonical paths for file inputs.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").canonicalize().expect("../shared/data beside the repository")
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the application on a free port of the loopback interface, on a new database with
/// users `admin`, `ana` (analyst) and `vic` (viewer); returns its base address.
fn start_server(dir: &Path) -> String {
    let db = dir.join("testigo.db");
    {
        let mut store = SqliteStore::open(&db).unwrap();
        for (name, role) in [("admin", Role::Admin), ("ana", Role::Analyst), ("vic", Role::Viewer)] {
            testigo_web::add_user(&mut store, name, role, PASSWORD, "e2e").unwrap();
        }
    }
    let config = testigo_web::Config { db, key_file: None, secure_cookies: false, connections: 2, public: false };
    let state = testigo_web::AppState::open(config).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = testigo_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}

fn login(b: &Browser, base: &str, name: &str) {
    b.clear_cookies();
    b.go(&format!("{base}/login"));
    b.type_into("#name", name);
    b.type_into("#password", PASSWORD);
    b.click("#login");
    b.wait_for("#count");
    assert!(b.url().ends_with("/incidents"), "after login of {name}: {}", b.url());
}

#[test]
fn issue_5_the_monitors_workflow_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let base = start_server(dir.path());
    let shots = screenshots();
    let shot = |b: &Browser, name: &str| b.screenshot(&shots.join(format!("{name}.png")));
    let b = Browser::start();

    // An anonymous visitor is sent to the login page, even for an analyst's page.
    b.go(&format!("{base}/upload"));
    assert!(b.url().contains("/login?next="), "{}", b.url());
    shot(&b, "01-login");

    // The analyst logs in and uploads the seed article and the linking set with their sidecars.
    login(&b, &base, "ana");
    b.go(&format!("{base}/upload"));
    let mut files = vec![shared_data().join("seed/000_e9d4e46e13aa15ff.txt")];
    let mut linking: Vec<PathBuf> = std::fs::read_dir(shared_data().join("linking"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".txt") || p.to_string_lossy().ends_with(".meta.json"))
        .collect();
    linking.sort();
    files.extend(linking);
    files.push(shared_data().join("seed/000_e9d4e46e13aa15ff.txt.meta.json"));
    files.retain(|f| f.exists());
    b.choose_files("#files", &files);
    b.click("#upload");
    b.wait_for("#results");
    let page = b.source();
    let reports = files.iter().filter(|f| f.to_string_lossy().ends_with(".txt")).count();
    assert_eq!(page.matches("stored: ").count(), reports, "every report stored: {page}");
    assert!(page.contains("linked to incidents already stored"));
    shot(&b, "02-upload-results");

    // Search "disparos": the Saltillo incident.
    b.go(&format!("{base}/incidents"));
    b.type_into("#q", "disparos");
    b.click("#search");
    b.wait_for("a.incident-link");
    let page = b.source();
    assert!(page.contains("Saltillo"), "{page}");
    assert!(b.count("a.incident-link") == 1, "one incident found");
    shot(&b, "03-search-disparos");
    b.click("a.incident-link");
    b.wait_for("#fields");
    let incident_url = b.url();

    // The same incident on the map: its marker's popup links to it.
    b.go(&format!("{base}/map?q=disparos"));
    b.wait_for("#map[data-count='1'] path.leaflet-interactive");
    // The offline base layer: countries, US states, and the states of Mexico and Central
    // America, drawn in their own pane under the markers.
    b.wait_for("#map[data-outlines='3'] .leaflet-outlines-pane path");
    std::thread::sleep(std::time::Duration::from_millis(800));
    shot(&b, "03b-map");
    b.click("#map path.leaflet-interactive");
    b.wait_for("a.map-incident");
    shot(&b, "03c-map-popup");
    b.click("a.map-incident");
    b.wait_for("#fields");
    assert_eq!(b.url(), incident_url, "the map leads to the same incident");
    b.go(&format!("{base}/stats"));
    b.wait_for("svg.chart");
    shot(&b, "03d-statistics");
    b.go(&incident_url);
    b.wait_for("#fields");

    // The contested nationality, with both sides, and evidence highlighted on click.
    let page = b.source();
    let contested = &page[page.find("id=\"contested\"").expect("contested section")..];
    let contested = &contested[..contested.find("</section>").unwrap()];
    assert!(contested.contains("nationality"), "{contested}");
    assert!(contested.matches("class=\"account\"").count() >= 2, "both sources: {contested}");
    b.click("a.ev-link");
    assert!(b.count("mark.hl") >= 1, "clicking a value highlights its evidence");
    shot(&b, "04-incident-evidence");
    b.script("document.getElementById('contested').scrollIntoView();");
    shot(&b, "05-incident-contested");

    // The analyst corrects the number of fatalities, with a reason.
    b.click("#edit-field option[value='fatalities']");
    b.type_into("#edit-value", "2");
    b.type_into("#edit-reason", "the shelter counts two dead; confirmed by phone");
    b.click("#edit-submit");
    b.wait_for("span.analyst");
    let page = b.source();
    assert!(page.contains("set by an analyst"), "the corrected field is marked");
    assert!(page.contains("set fatalities: the shelter counts two dead"), "the history says who and why");
    b.script("document.getElementById('history').scrollIntoView();");
    shot(&b, "06-incident-corrected");

    // A forged form without the CSRF token is refused.
    b.script(
        "var f = document.createElement('form'); f.method = 'post'; f.action = location.pathname + '/edit'; \
         [['field','fatalities'],['value','99'],['reason','forged']].forEach(function (kv) { \
           var i = document.createElement('input'); i.name = kv[0]; i.value = kv[1]; f.appendChild(i); }); \
         document.body.appendChild(f); f.submit();",
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let page = b.source();
    assert!(page.contains("403"), "forged form refused: {page}");
    shot(&b, "07-forged-form-refused");

    // The admin sees the change in the audit log, then switches to Spanish and logs out.
    login(&b, &base, "admin");
    b.go(&format!("{base}/audit"));
    let page = b.source();
    assert!(page.contains("set fatalities: the shelter counts two dead") && page.contains("<td>ana</td>"), "{page}");
    shot(&b, "08-audit-log");

    // The admin manages users: adds a viewer, who appears in the list.
    b.click("a[href='/users']");
    b.wait_for("#add-user");
    b.type_into("#new-name", "lena");
    b.type_into("#add-user input[name='password']", "a-password-for-lena");
    b.type_into("#add-user input[name='password2']", "a-password-for-lena");
    b.click("#add-user-submit");
    b.wait_for("#notice");
    let page = b.source();
    assert!(page.contains("User lena added.") && page.contains("<td class=\"name\">lena</td>"), "{page}");
    shot(&b, "08b-users");
    b.go(&format!("{base}/audit"));
    b.click("a.lang");
    b.wait_for("html[lang='es']");
    let page = b.source();
    assert!(page.contains("Bitácora de cambios") && page.contains("lang=\"es\""), "Spanish");
    shot(&b, "09-audit-log-es");
    b.go(&incident_url);
    assert!(b.source().contains("Hechos controvertidos"));
    shot(&b, "10-incident-es");
    b.click("#logout");
    b.wait_for("#login");
    assert!(b.url().contains("/login"), "{}", b.url());
    b.go(&format!("{base}/audit"));
    assert!(b.url().contains("/login?next="), "logged out: {}", b.url());

    // A viewer reads but cannot edit or upload.
    login(&b, &base, "vic");
    b.go(&incident_url);
    assert_eq!(b.count("#edit"), 0, "no edit form for a viewer");
    b.go(&format!("{base}/upload"));
    assert!(b.source().contains("403"), "a viewer may not upload");
    shot(&b, "11-viewer-refused");
}

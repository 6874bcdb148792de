//! The SPBE architecture pages in a real browser (headless Chromium over WebDriver) against a
//! running `wadah demo`: the demo's platform admin opens the architecture overview, a domain
//! list, an element, the RPJMD goal tree, the Peta Rencana with its rupiah totals, the
//! analyses and the printable city document with its two diagrams; axe-core finds no serious
//! or critical violation on any of them; each page, and the document, is saved as a
//! screenshot in `<target dir>/screenshots/`.
//!
//! Needs chromium, chromedriver and axe-core (`scripts/browser-deps.sh`); see
//! `tests/common/browser.rs` for what happens when they are missing.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;

use fantoccini::{Client, Locator};

use common::browser::*;

const P: &str = "/console/arsitektur/2025-2029";

#[test]
fn the_architecture_pages_and_document_work_in_a_real_browser_and_pass_axe() {
    as_demo_admin(journey);
}

/// Opens `path`, checks a phrase, saves a screenshot and runs axe-core.
async fn page(c: &Client, axe: &str, web: &str, path: &str, expect: &str, name: &str) -> String {
    c.goto(&format!("{web}{path}")).await.expect("open a page");
    let text = body_text(c).await;
    assert!(text.contains(expect), "{path} lacks {expect:?}:\n{text}");
    screenshot(c, &format!("architecture-{name}")).await;
    accessibility(c, axe, path).await;
    text
}

async fn journey(client: Client, web: String, username: String, password: String, axe: String) {
    let (c, axe) = (&client, axe.as_str());
    sign_in_as(c, &web, &username, &password, "/console").await;
    // The navigation leads to the current period's overview.
    c.find(Locator::Css("nav a[href='/console/arsitektur']"))
        .await
        .expect("an architecture link in the navigation")
        .click()
        .await
        .expect("follow it");
    wait_away_from(c, "/console").await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), P, "the RPJMD period of today");
    let text = page(c, axe, &web, P, "Arsitektur SPBE 2025-2029", "overview").await;
    assert!(text.contains("bpsdm") && text.contains("dinsos"), "{text}");

    let list = format!("{P}/elemen?jenis=application&instansi=dinsos");
    let text = page(c, axe, &web, &list, "e-Bansos", "applications").await;
    assert!(text.contains("Tambah aplikasi (dinsos)"), "{text}");
    page(
        c,
        axe,
        &web,
        &format!("{P}/instansi/dinsos/elemen/e-bansos"),
        "Relasi keluar",
        "element",
    )
    .await;
    page(
        c,
        axe,
        &web,
        &format!("{P}/instansi/dinsos/elemen/baru?jenis=data_set"),
        "Klasifikasi",
        "new-data-set",
    )
    .await;
    page(
        c,
        axe,
        &web,
        &format!("{P}/tujuan"),
        "Indeks sistem merit",
        "goals",
    )
    .await;
    let text = page(
        c,
        axe,
        &web,
        &format!("{P}/peta-rencana"),
        "Rp 200.000.000",
        "roadmap",
    )
    .await;
    assert!(text.contains("Rp 1.320.000.000"), "{text}");
    page(
        c,
        axe,
        &web,
        &format!("{P}/analisis"),
        "Fakta langsung dari gateway",
        "analysis",
    )
    .await;
    page(
        c,
        axe,
        &web,
        &format!("{P}/referensi"),
        "RAB.01.01",
        "reference-codes",
    )
    .await;
    page(c, axe, &web, "/console/arsitektur/pertukaran", "XLSX", "exchange").await;

    // The printable city document: every domain, the two diagrams, no console navigation.
    let text = page(
        c,
        axe,
        &web,
        &format!("{P}/laporan"),
        "Dokumen Arsitektur SPBE Kota 2025-2029",
        "report",
    )
    .await;
    for domain in ["Proses Bisnis", "Data dan Informasi", "Infrastruktur", "Keamanan"] {
        assert!(text.contains(domain), "{domain}");
    }
    let diagrams = c
        .find_all(Locator::Css("svg[role='img'] > title"))
        .await
        .expect("diagrams");
    assert_eq!(diagrams.len(), 2, "layered and cooperation views");
    assert!(
        c.find(Locator::Css("header.top nav")).await.is_err(),
        "the document has no console navigation"
    );
}

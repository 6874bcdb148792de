//! `arch-report-bench`: times the console's city architecture document on a province-sized
//! model built in memory (10 governments × 60 agencies, ~170 elements and ~110 relations per
//! agency: ~100k elements), so the figure is the render alone: the analyses, the diagrams,
//! the domain tables, the goal tree, the roadmap and the HTML. Issue 5 asks for under 2 s.
//!
//! `cargo run --release -p wadah-bench --bin arch-report-bench -- --runs 3`

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use serde_json::{Value, json};
use wadah_domain::Code;
use wadah_domain::agency::AgencySpec;
use wadah_domain::architecture::{ArchitectureModel, ModelElement, ModelRelation, Period};
use wadah_web::console::architecture::report::{ReportInput, render};
use wadah_web::portal::Lang;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 10)]
    governments: u32,
    #[arg(long, default_value_t = 60)]
    agencies: u32,
    /// Applications per agency (processes, data and services scale with it).
    #[arg(long, default_value_t = 30)]
    applications: u32,
    #[arg(long, default_value_t = 3)]
    runs: u32,
}

const PERIOD: &str = "2025-2029";

fn element(agency: &str, spec: Value) -> anyhow::Result<ModelElement> {
    Ok(ModelElement {
        agency: Code::parse(agency)?,
        period: Period::parse(PERIOD)?,
        spec: serde_json::from_value(spec).context("synthetic element")?,
    })
}

fn relation(kind: &str, from: (&str, &str), to: (&str, &str)) -> anyhow::Result<ModelRelation> {
    Ok(ModelRelation {
        period: Period::parse(PERIOD)?,
        spec: serde_json::from_value(json!({"kind": kind,
            "source": {"agency": from.0, "code": from.1}, "target": {"agency": to.0, "code": to.1}}))?,
    })
}

/// One agency's architecture: `apps` applications, and processes, data, services,
/// infrastructure and controls in proportion, related process → service → application → data.
fn agency(model: &mut ArchitectureModel, a: &str, apps: u32) -> anyhow::Result<()> {
    let n = |f: u32| (apps * f / 30).max(1);
    let (processes, data, services) = (n(50), n(40), n(30));
    for i in 0..processes {
        let owner = if i % 7 == 0 { "" } else { "Sekretariat" };
        model.elements.push(element(
            a,
            json!({"code": format!("p{i}"), "name": format!("Proses bisnis {i} {a}"),
            "ref_code": "RAB.09.06", "owner": owner, "details": {"kind": "business_process"}}),
        )?);
    }
    for i in 0..services {
        model.elements.push(element(a, json!({"code": format!("s{i}"), "name": format!("Layanan {i}"),
            "ref_code": "RAL.02", "owner": "Bidang Layanan", "details": {"kind": "service", "area": "administration"}}))?);
        model
            .relations
            .push(relation("serving", (a, &format!("s{i}")), (a, &format!("p{i}")))?);
    }
    for i in 0..apps {
        model.elements.push(element(
            a,
            json!({"code": format!("a{i}"), "name": format!("Aplikasi {i} {a}"),
            "ref_code": format!("RAA.02.{:02}", i % 5 + 1), "owner": "Subbagian TI",
            "details": {"kind": "application", "lifecycle": "active", "technical_fit": "adequate",
                        "functional_fit": "excellent", "disposition": "invest"}}),
        )?);
        let app = format!("a{i}");
        model.relations.push(relation(
            "realization",
            (a, &app),
            (a, &format!("s{}", i % services)),
        )?);
        model.relations.push(relation(
            "serving",
            (a, &app),
            (a, &format!("p{}", i % processes)),
        )?);
        model
            .relations
            .push(relation("access", (a, &app), (a, &format!("d{}", i % data)))?);
        if i > 0 {
            model
                .relations
                .push(relation("flow", (a, &app), (a, &format!("a{}", i - 1)))?);
        }
    }
    for i in 0..data {
        model.elements.push(element(a, json!({"code": format!("d{i}"), "name": format!("Data {i}"),
            "ref_code": "RAD.01", "owner": "Bidang Data",
            "details": {"kind": "data_set", "classification": "terbatas", "producer": a, "walidata": "Diskominfo"}}))?);
    }
    for i in 0..n(10) {
        model.elements.push(element(
            a,
            json!({"code": format!("i{i}"), "name": format!("Server {i}"),
            "owner": "Bidang TI", "details": {"kind": "infrastructure", "category": "server"}}),
        )?);
        model.elements.push(element(
            a,
            json!({"code": format!("k{i}"), "name": format!("Kontrol {i}"),
            "owner": "Bidang TI", "details": {"kind": "security_control", "status": "partial"}}),
        )?);
    }
    model.elements.push(element(
        a,
        json!({"code": "misi", "name": "Misi", "owner": "Bappeda",
        "details": {"kind": "goal", "level": "misi"}}),
    )?);
    model.elements.push(element(
        a,
        json!({"code": "tujuan", "name": "Tujuan", "parent": "misi", "owner": "Bappeda",
        "details": {"kind": "goal", "level": "tujuan"}}),
    )?);
    model
        .relations
        .push(relation("realization", (a, "p0"), (a, "tujuan"))?);
    model.elements.push(element(
        a,
        json!({"code": "rencana", "name": "Integrasi", "owner": "Bidang TI",
        "details": {"kind": "roadmap_item", "part": "aplikasi", "status": "planned", "first_year": 2026,
                    "last_year": 2027, "budget": [{"year": 2026, "rupiah": 200_000_000u64}]}}),
    )?);
    Ok(())
}

fn model(args: &Args) -> anyhow::Result<ArchitectureModel> {
    let mut model = ArchitectureModel::default();
    for g in 0..args.governments {
        for a in 0..args.agencies {
            let code = format!("g{g}-opd{a}");
            model.agencies.push(serde_json::from_value::<AgencySpec>(
                json!({"code": code, "name": format!("Perangkat daerah {a}"), "government": format!("g{g}")}),
            )?);
            agency(&mut model, &code, args.applications)?;
        }
    }
    Ok(model)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let built = Instant::now();
    let model = model(&args)?;
    println!(
        "model: {} elements, {} relations (built in {:.1} s)",
        model.elements.len(),
        model.relations.len(),
        built.elapsed().as_secs_f64()
    );
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..args.runs.max(1) {
        let started = Instant::now();
        let html = render(&ReportInput {
            lang: Lang::Id,
            period: Period::parse(PERIOD)?,
            agency: None,
            model: &model,
            live: None,
            made: "29 November 2026",
        })?;
        times.push(started.elapsed());
        bytes = html.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "city report: {} bytes; render min {:.0} ms, median {:.0} ms, max {:.0} ms over {} runs",
        bytes,
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
    Ok(())
}

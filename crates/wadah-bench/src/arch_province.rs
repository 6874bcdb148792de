//! `arch-province`: writes a whole province's SPBE architecture as one ArchiMate exchange file,
//! the input of `bench/architecture.sh` (issue 5's target: it imports in under a minute).
//! Governments × agencies × applications, and per agency as many services as applications,
//! processes and data sets (⅔ more each), a few servers and security controls, and the
//! relations an architecture document draws between them (application realises service,
//! service and application serve processes, processes and applications access data,
//! infrastructure serves applications, applications realise controls). Deterministic.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use wadah_domain::Code;
use wadah_domain::agency::{AgencySpec, GovernmentKind, GovernmentSpec};
use wadah_domain::application::{LifecycleStage, RefCode};
use wadah_domain::architecture::element::{
    Classification, ControlStatus, Disposition, Fit, InfraCategory, ServiceArea,
};
use wadah_domain::architecture::{
    ArchitectureModel, Details, ElementRef, ElementSpec, ModelElement, ModelRelation, Period, RelationKind,
    RelationSpec,
};
use wadah_domain::text::{Description, Line, Name};

#[derive(Debug, Parser)]
struct Args {
    /// Where to write the exchange file.
    #[arg(long, short)]
    output: PathBuf,
    #[arg(long, default_value_t = 10)]
    governments: usize,
    #[arg(long, default_value_t = 60)]
    agencies: usize,
    #[arg(long, default_value_t = 30)]
    applications: usize,
}

const PROCESS_CODES: [&str; 8] = [
    "RAB.01.01",
    "RAB.02.01",
    "RAB.03.01",
    "RAB.04.02",
    "RAB.05.01",
    "RAB.06.01",
    "RAB.07.01",
    "RAB.09.01",
];
const APP_CODES: [&str; 4] = ["RAA.01.01", "RAA.01.02", "RAA.02.01", "RAA.02.02"];
const FITS: [Fit; 4] = [Fit::Poor, Fit::Insufficient, Fit::Adequate, Fit::Excellent];

fn code(raw: &str) -> anyhow::Result<Code> {
    Code::parse(raw).with_context(|| format!("bad code {raw}"))
}

fn name(raw: &str) -> anyhow::Result<Name> {
    Name::parse(raw).with_context(|| format!("bad name {raw}"))
}

fn ref_code(raw: &str) -> anyhow::Result<Option<RefCode>> {
    Ok(Some(
        RefCode::parse("ref_code", raw).context("bad reference code")?,
    ))
}

struct Agency<'a> {
    code: &'a Code,
    period: Period,
    out: &'a mut ArchitectureModel,
}

impl Agency<'_> {
    fn element(
        &mut self,
        code_text: String,
        label: String,
        ref_code: Option<RefCode>,
        parent: Option<Code>,
        details: Details,
    ) -> anyhow::Result<()> {
        self.out.elements.push(ModelElement {
            agency: self.code.clone(),
            period: self.period,
            spec: ElementSpec {
                code: code(&code_text)?,
                name: name(&label)?,
                description: Description::default(),
                ref_code,
                parent,
                owner: Line::parse("Bidang Perencanaan").context("owner")?,
                details,
            },
        });
        Ok(())
    }

    fn relation(&mut self, kind: RelationKind, source: &str, target: &str) -> anyhow::Result<()> {
        let end = |c: &str| -> anyhow::Result<ElementRef> {
            Ok(ElementRef {
                agency: self.code.clone(),
                code: code(c)?,
            })
        };
        let spec = RelationSpec {
            kind,
            source: end(source)?,
            target: end(target)?,
        };
        self.out.relations.push(ModelRelation {
            period: self.period,
            spec,
        });
        Ok(())
    }
}

fn agency_model(a: &mut Agency<'_>, apps: usize) -> anyhow::Result<()> {
    let processes = apps * 5 / 3;
    let data = processes;
    let parents = processes.div_ceil(5).max(1);
    for i in 1..=processes {
        let parent = (i > parents)
            .then(|| code(&format!("proc-{}", (i % parents) + 1)))
            .transpose()?;
        a.element(
            format!("proc-{i}"),
            format!("Proses bisnis {i}"),
            ref_code(PROCESS_CODES[i % PROCESS_CODES.len()])?,
            parent,
            Details::BusinessProcess,
        )?;
    }
    for i in 1..=data {
        a.element(
            format!("data-{i}"),
            format!("Data {i}"),
            None,
            None,
            Details::DataSet {
                classification: [
                    Classification::Terbuka,
                    Classification::Terbatas,
                    Classification::Rahasia,
                ][i % 3],
                producer: a.code.clone(),
                walidata: Line::parse("Bidang Data").context("walidata")?,
            },
        )?;
    }
    for i in 1..=apps {
        let public = i % 2 == 0;
        a.element(
            format!("svc-{i}"),
            format!("Layanan {i}"),
            ref_code(if public { "RAL.01.01" } else { "RAL.02" })?,
            None,
            Details::Service {
                area: if public {
                    ServiceArea::Public
                } else {
                    ServiceArea::Administration
                },
            },
        )?;
        let (technical, functional) = (FITS[i % 4], FITS[(i / 4) % 4]);
        a.element(
            format!("app-{i}"),
            format!("Aplikasi {i}"),
            ref_code(APP_CODES[i % APP_CODES.len()])?,
            None,
            Details::Application {
                application: None,
                lifecycle: LifecycleStage::Active,
                technical_fit: technical,
                functional_fit: functional,
                disposition: Disposition::suggested(technical, functional),
            },
        )?;
    }
    let servers = 5;
    for i in 1..=servers {
        a.element(
            format!("infra-{i}"),
            format!("Server {i}"),
            ref_code("RAI.01.01")?,
            None,
            Details::Infrastructure {
                category: InfraCategory::Server,
            },
        )?;
    }
    for i in 1..=2 {
        a.element(
            format!("sec-{i}"),
            format!("Kontrol keamanan {i}"),
            None,
            None,
            Details::SecurityControl {
                status: ControlStatus::Partial,
            },
        )?;
    }
    for i in 1..=apps {
        let (app, svc) = (format!("app-{i}"), format!("svc-{i}"));
        a.relation(RelationKind::Realization, &app, &svc)?;
        a.relation(
            RelationKind::Serving,
            &svc,
            &format!("proc-{}", (i % processes) + 1),
        )?;
        a.relation(
            RelationKind::Serving,
            &format!("infra-{}", (i % servers) + 1),
            &app,
        )?;
        a.relation(RelationKind::Realization, &app, &format!("sec-{}", (i % 2) + 1))?;
    }
    for i in 1..=processes {
        let app = format!("app-{}", (i % apps) + 1);
        a.relation(RelationKind::Serving, &app, &format!("proc-{i}"))?;
        a.relation(RelationKind::Access, &app, &format!("data-{i}"))?;
        a.relation(RelationKind::Access, &format!("proc-{i}"), &format!("data-{i}"))?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let period = Period::parse("2025-2029").context("period")?;
    let mut model = ArchitectureModel::default();
    let mut agency_codes = Vec::new();
    for g in 1..=args.governments {
        let government = code(&format!("prov-kab-{g:02}"))?;
        model.governments.push(GovernmentSpec {
            code: government.clone(),
            name: name(&format!("Kabupaten {g:02}"))?,
            kind: GovernmentKind::Kabupaten,
        });
        for a in 1..=args.agencies {
            let agency = code(&format!("k{g:02}-opd-{a:02}"))?;
            model.agencies.push(AgencySpec {
                code: agency.clone(),
                name: name(&format!("Perangkat Daerah {a:02} Kabupaten {g:02}"))?,
                government: government.clone(),
                description: Description::default(),
                operator: a == 1,
            });
            agency_codes.push(agency);
        }
    }
    for agency in &agency_codes {
        let mut a = Agency {
            code: agency,
            period,
            out: &mut model,
        };
        agency_model(&mut a, args.applications)?;
    }
    let problems = model.problems(&Default::default());
    if let Some(p) = problems.first() {
        anyhow::bail!(
            "the generated model is inconsistent ({} problems), first: {p}",
            problems.len()
        );
    }
    let xml = wadah_exchange::archimate::write::write(&model, "Arsitektur SPBE Provinsi (benchmark)");
    std::fs::write(&args.output, &xml).with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "wrote {}: {} governments, {} agencies, {} elements, {} relations, {} MiB",
        args.output.display(),
        model.governments.len(),
        model.agencies.len(),
        model.elements.len(),
        model.relations.len(),
        xml.len() / 1024 / 1024
    );
    Ok(())
}

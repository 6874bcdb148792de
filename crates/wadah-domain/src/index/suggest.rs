//! Evidence the platform can honestly offer: facts Wadah observes itself (which agencies and
//! applications exchange data through the gateway, under which rights, with how much traffic;
//! which applications serve an administrative service area), turned into suggestions that a
//! person confirms before they enter an assessment.
//!
//! Only indicators of the Indeks SPBE 2020 are covered, and only where the facts answer a level
//! criterion:
//! - **18** *Penggunaan Sistem Penghubung Layanan*: level 1 (a bus exists) when services are
//!   published through Wadah; level 2 (used by some agencies) when at least one agency exchanges
//!   data through it; level 3 (used by all) when every agency does. Levels 4–5 need a link to
//!   the national SPLP and periodic review, which the platform cannot see, so it never suggests
//!   them.
//! - **7** *Kebijakan Internal … Sistem Penghubung Layanan*: a policy is a document; the facts
//!   are offered as context but support no level.
//! - **32–44** (administrative and public e-services with a recognisable area): an application
//!   registered for the area supports level 1 (the service exists electronically); its services
//!   used by another application under an access right, with traffic, support the level-4
//!   condition (collaboration with other e-services). Levels 2–3 and 5 are judgements about the
//!   service itself, so no level is suggested, only evidence for the levels the facts show.
//!   45–47 (sector services) name no area and get nothing.
//!
//! Areas are recognised by words in application names and codes (e.g. `simpeg`, `kepegawaian`
//! → 36). A suggestion names every fact it rests on, in Indonesian (what evaluators read).

use serde::Serialize;
use utoipa::ToSchema;

use super::instrument::Instrument;

/// An application as the suggestions need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFact {
    pub agency: String,
    pub code: String,
    pub name: String,
    /// Services it publishes through the gateway.
    pub services: usize,
}

/// Data exchange from one application (or a whole agency) to another application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFact {
    pub consumer_agency: String,
    /// `None` for a right granted to a whole agency.
    pub consumer_application: Option<String>,
    pub provider_agency: String,
    pub provider_application: String,
    /// Access rights behind the link.
    pub rights: usize,
    /// Exchanges in the period (from the evidence index).
    pub exchanges: i64,
}

/// What the platform knows, gathered by the web layer from the store.
#[derive(Debug, Clone, Default)]
pub struct PlatformFacts {
    pub agencies: Vec<String>,
    pub applications: Vec<AppFact>,
    pub links: Vec<LinkFact>,
    /// The traffic period, in days.
    pub period_days: u32,
}

/// A suggestion for one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Suggestion {
    pub indicator: u32,
    /// The level the facts establish on their own, if they do.
    pub suggested_level: Option<u8>,
    /// The levels the facts are evidence for (what a confirmed suggestion records).
    pub evidence_levels: Vec<u8>,
    /// The facts, one sentence each.
    pub facts: Vec<String>,
    /// What the platform cannot see.
    pub limits: String,
}

/// Service areas recognisable by application names: (indicator, words).
const AREAS: &[(u32, &[&str])] = &[
    (32, &["perencanaan", "e-planning", "renja"]),
    (33, &["penganggaran", "anggaran", "e-budgeting"]),
    (34, &["keuangan", "sipkd", "simda"]),
    (35, &["pengadaan", "lpse", "e-procurement", "sirup"]),
    (36, &["kepegawaian", "simpeg", "cuti", "mutasi", "pensiun"]),
    (37, &["kearsipan", "arsip", "srikandi", "persuratan", "e-office"]),
    (38, &["barang milik", "simbada", "aset daerah"]),
    (39, &["pengawasan", "inspektorat"]),
    (40, &["sakip", "akuntabilitas"]),
    (41, &["e-kinerja", "kinerja asn", "kinerja pegawai", "skp"]),
    (42, &["pengaduan", "aduan", "lapor"]),
    (43, &["satu data", "data terbuka", "open data", "opendata"]),
    (44, &["jdih", "dokumentasi hukum", "produk hukum"]),
];

fn matches_area(app: &AppFact, words: &[&str]) -> bool {
    let text = format!("{} {}", app.name, app.code).to_lowercase();
    words.iter().any(|w| text.contains(w))
}

/// The suggestions for `instrument` (empty for instruments other than Indeks SPBE 2020).
pub fn suggest(instrument: &Instrument, facts: &PlatformFacts) -> Vec<Suggestion> {
    if instrument.id != "indeks-spbe-2020" {
        return Vec::new();
    }
    let mut out = vec![bus_policy(facts), bus_use(facts)];
    for (indicator, words) in AREAS {
        if let Some(s) = service_area(*indicator, words, facts) {
            out.push(s);
        }
    }
    out
}

/// Agencies that provide or consume through at least one right, sorted.
fn connected_agencies(facts: &PlatformFacts) -> Vec<&str> {
    let mut agencies: Vec<&str> = facts
        .links
        .iter()
        .flat_map(|l| [l.consumer_agency.as_str(), l.provider_agency.as_str()])
        .collect();
    agencies.sort_unstable();
    agencies.dedup();
    agencies
}

fn bus_facts(facts: &PlatformFacts) -> Vec<String> {
    let published: usize = facts.applications.iter().map(|a| a.services).sum();
    let providers = facts.applications.iter().filter(|a| a.services > 0).count();
    let connected = connected_agencies(facts);
    let mut apps: Vec<String> = facts
        .links
        .iter()
        .flat_map(|l| {
            let consumer = l
                .consumer_application
                .as_ref()
                .map(|a| format!("{}/{a}", l.consumer_agency));
            [
                consumer,
                Some(format!("{}/{}", l.provider_agency, l.provider_application)),
            ]
        })
        .flatten()
        .collect();
    apps.sort_unstable();
    apps.dedup();
    let exchanges: i64 = facts.links.iter().map(|l| l.exchanges).sum();
    let rights: usize = facts.links.iter().map(|l| l.rights).sum();
    vec![
        format!("{published} layanan (API) dari {providers} aplikasi dipublikasikan melalui gateway Wadah."),
        format!(
            "{} dari {} perangkat daerah bertukar data melalui Wadah dengan hak akses: {}.",
            connected.len(),
            facts.agencies.len(),
            if connected.is_empty() {
                "-".to_owned()
            } else {
                connected.join(", ")
            }
        ),
        format!("{} aplikasi terhubung melalui {rights} hak akses.", apps.len()),
        format!(
            "{exchanges} pertukaran tercatat di jejak audit dalam {} hari terakhir.",
            facts.period_days
        ),
    ]
}

fn bus_use(facts: &PlatformFacts) -> Suggestion {
    let published = facts.applications.iter().any(|a| a.services > 0);
    let connected = connected_agencies(facts);
    let all = !facts.agencies.is_empty() && facts.agencies.iter().all(|a| connected.contains(&a.as_str()));
    let level = match (published, connected.is_empty(), all) {
        (false, _, _) => None,
        (true, true, _) => Some(1),
        (true, false, false) => Some(2),
        (true, false, true) => Some(3),
    };
    Suggestion {
        indicator: 18,
        suggested_level: level,
        evidence_levels: level.map(|l| (1..=l).collect()).unwrap_or_default(),
        facts: bus_facts(facts),
        limits: "Tingkat 4–5 memerlukan integrasi dengan SPLP nasional serta reviu dan evaluasi berkala, \
                 yang tidak terlihat oleh platform."
            .into(),
    }
}

fn bus_policy(facts: &PlatformFacts) -> Suggestion {
    Suggestion {
        indicator: 7,
        suggested_level: None,
        evidence_levels: Vec::new(),
        facts: bus_facts(facts),
        limits: "Indikator ini menilai kebijakan internal (dokumen); fakta penggunaan hanya menjadi konteks."
            .into(),
    }
}

fn service_area(indicator: u32, words: &[&str], facts: &PlatformFacts) -> Option<Suggestion> {
    let apps: Vec<&AppFact> = facts
        .applications
        .iter()
        .filter(|a| matches_area(a, words))
        .collect();
    if apps.is_empty() {
        return None;
    }
    let mut lines = vec![format!(
        "Aplikasi terdaftar untuk layanan ini: {}.",
        apps.iter()
            .map(|a| format!("{} ({}/{})", a.name, a.agency, a.code))
            .collect::<Vec<_>>()
            .join("; ")
    )];
    let mut levels = vec![1];
    let used: Vec<&LinkFact> = facts
        .links
        .iter()
        .filter(|l| {
            l.exchanges > 0
                && apps
                    .iter()
                    .any(|a| a.agency == l.provider_agency && a.code == l.provider_application)
        })
        .collect();
    if !used.is_empty() {
        let exchanges: i64 = used.iter().map(|l| l.exchanges).sum();
        let consumers: Vec<String> = used
            .iter()
            .map(|l| match &l.consumer_application {
                Some(app) => format!("{}/{app}", l.consumer_agency),
                None => l.consumer_agency.clone(),
            })
            .collect();
        lines.push(format!(
            "Layanannya dipakai oleh aplikasi lain melalui hak akses ({}), {exchanges} pertukaran dalam {} hari terakhir.",
            consumers.join(", "),
            facts.period_days
        ));
        levels.push(4);
    }
    Some(Suggestion {
        indicator,
        suggested_level: None,
        evidence_levels: levels,
        facts: lines,
        limits: "Tingkat interaksi, transaksi dan perbaikan berkala dinilai dari layanannya sendiri, \
                 bukan dari platform."
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(agency: &str, code: &str, name: &str, services: usize) -> AppFact {
        AppFact {
            agency: agency.into(),
            code: code.into(),
            name: name.into(),
            services,
        }
    }

    fn link(consumer: &str, app: Option<&str>, provider: &str, papp: &str, exchanges: i64) -> LinkFact {
        LinkFact {
            consumer_agency: consumer.into(),
            consumer_application: app.map(str::to_owned),
            provider_agency: provider.into(),
            provider_application: papp.into(),
            rights: 1,
            exchanges,
        }
    }

    fn instrument() -> Instrument {
        Instrument::builtin("indeks-spbe-2020").unwrap().unwrap()
    }

    fn facts(agencies: &[&str], links: Vec<LinkFact>) -> PlatformFacts {
        PlatformFacts {
            agencies: agencies.iter().map(|a| (*a).to_owned()).collect(),
            applications: vec![
                app(
                    "bpsdm",
                    "simpeg",
                    "SIMPEG — Sistem Informasi Manajemen Kepegawaian",
                    2,
                ),
                app("dinsos", "dtks", "DTKS", 1),
            ],
            links,
            period_days: 90,
        }
    }

    fn of(list: &[Suggestion], n: u32) -> &Suggestion {
        list.iter().find(|s| s.indicator == n).unwrap()
    }

    #[test]
    fn the_bus_level_follows_how_many_agencies_use_it() {
        let inst = instrument();
        let none = suggest(&inst, &facts(&["bpsdm", "dinsos"], vec![]));
        assert_eq!(of(&none, 18).suggested_level, Some(1));
        let some = suggest(
            &inst,
            &facts(
                &["bpsdm", "dinsos", "dishub"],
                vec![link("dinsos", Some("dtks"), "bpsdm", "simpeg", 5)],
            ),
        );
        assert_eq!(of(&some, 18).suggested_level, Some(2));
        assert!(
            of(&some, 18)
                .facts
                .iter()
                .any(|f| f.starts_with("2 dari 3 perangkat daerah")),
            "{:?}",
            of(&some, 18).facts
        );
        let all = suggest(
            &inst,
            &facts(
                &["bpsdm", "dinsos"],
                vec![link("dinsos", Some("dtks"), "bpsdm", "simpeg", 5)],
            ),
        );
        assert_eq!(of(&all, 18).suggested_level, Some(3));
        assert_eq!(of(&all, 18).evidence_levels, vec![1, 2, 3]);
        // Never more than 3, and the policy indicator gets facts but no level.
        assert_eq!(of(&all, 7).suggested_level, None);
        assert!(of(&all, 7).evidence_levels.is_empty());
    }

    #[test]
    fn a_used_service_area_supports_the_collaboration_level() {
        let inst = instrument();
        let idle = suggest(
            &inst,
            &facts(
                &["bpsdm"],
                vec![link("dinsos", Some("dtks"), "bpsdm", "simpeg", 0)],
            ),
        );
        assert_eq!(of(&idle, 36).evidence_levels, vec![1]);
        let used = suggest(
            &inst,
            &facts(
                &["bpsdm"],
                vec![link("dinsos", Some("dtks"), "bpsdm", "simpeg", 7)],
            ),
        );
        let s = of(&used, 36);
        assert_eq!((s.suggested_level, s.evidence_levels.clone()), (None, vec![1, 4]));
        assert!(s.facts[1].contains("dinsos/dtks") && s.facts[1].contains("7 pertukaran"));
        assert!(
            used.iter().all(|s| s.indicator != 45),
            "sector services get nothing"
        );
        assert!(
            suggest(
                &Instrument::builtin("indeks-pemdi-2026").unwrap().unwrap(),
                &PlatformFacts::default()
            )
            .is_empty()
        );
    }
}

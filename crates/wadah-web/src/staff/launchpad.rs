//! What a civil servant may launch, grouped by task: every application and public service
//! whose audience is `asn`, of every agency.
//!
//! The task an entry belongs to is derived from what the registry already holds, so no
//! agency has to fill in one more field: a public service's task is its first topic
//! (`kepegawaian`, `kinerja`, `kehadiran`, `pelatihan`, `keuangan`…); an application's task is
//! the first topic of the first ASN public service of its agency that it realises. (Reference
//! architecture codes were considered and rejected: every staffing application in a city
//! shares `RAA.02.01`, so they cannot tell attendance from training.) What nothing places
//! goes under "other", so it is still found.
//!
//! Pure functions over loaded lists, so grouping, filtering and ordering are unit-tested
//! without a store.

use std::collections::BTreeMap;

use wadah_domain::Code;
use wadah_domain::application::{Application, Audience, LifecycleStage};
use wadah_domain::public_service::PublicService;
use wadah_store::search::split_words;
use wadah_store::{AgencyFilter, ApplicationFilter, PageRequest, PublicServiceFilter, Store, StoreResult};

/// Tasks shown first, in this order; other topics follow by code, then [`OTHER`].
pub const TASK_ORDER: &[&str] = &["kepegawaian", "kinerja", "kehadiran", "pelatihan", "keuangan"];
/// The group of entries no public service places.
pub const OTHER: &str = "lainnya";
/// Most agencies, applications and services read (a city has a few hundred of each).
const MAX_ITEMS: usize = 5_000;
const PAGE: u32 = 500;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A public service for ASN (what to do), listed before the applications that do it.
    Service,
    Application,
}

/// One thing to launch.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub agency: Code,
    pub name: String,
    pub description: String,
    pub task: String,
    /// Where it opens (the application's `url`, the service's online link).
    pub url: Option<String>,
    /// Who to ask when there is no link (an application's technical contact or owner).
    pub contact: String,
    /// Where to go in person (public services).
    pub office: String,
    /// Names of the applications that realise a public service.
    pub applications: Vec<String>,
    pub sample: bool,
    /// Words of name, description and code, folded, for the filter.
    words: Vec<String>,
}

/// Everything for ASN, with agency names.
#[derive(Debug, Default)]
pub struct Launchpad {
    pub entries: Vec<Entry>,
    pub agencies: BTreeMap<Code, String>,
}

async fn all_agencies(store: &dyn Store) -> StoreResult<BTreeMap<Code, String>> {
    let mut out = BTreeMap::new();
    let mut after = None;
    loop {
        let request = PageRequest {
            limit: PAGE,
            after,
            q: None,
        };
        let page = store.list_agencies(&AgencyFilter::default(), &request).await?;
        for a in page.items {
            out.insert(a.spec.code.clone(), a.spec.name.as_str().to_owned());
        }
        match page.next {
            Some(next) if out.len() < MAX_ITEMS => after = Some(next),
            _ => return Ok(out),
        }
    }
}

async fn asn_applications(store: &dyn Store, agency: &Code, out: &mut Vec<Application>) -> StoreResult<()> {
    let filter = ApplicationFilter {
        audience: Some(Audience::Asn),
        ..ApplicationFilter::default()
    };
    let mut after = None;
    while out.len() < MAX_ITEMS {
        let request = PageRequest {
            limit: PAGE,
            after,
            q: None,
        };
        let page = store.list_applications(agency, &filter, &request).await?;
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(())
}

async fn asn_public_services(store: &dyn Store) -> StoreResult<Vec<PublicService>> {
    let filter = PublicServiceFilter {
        audience: Some(Audience::Asn),
        ..PublicServiceFilter::default()
    };
    let mut out = Vec::new();
    let mut after = None;
    while out.len() < MAX_ITEMS {
        let request = PageRequest {
            limit: PAGE,
            after,
            q: None,
        };
        let page = store.list_public_services(&filter, &request).await?;
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// Reads every ASN application and public service.
pub async fn load(store: &dyn Store) -> StoreResult<Launchpad> {
    let agencies = all_agencies(store).await?;
    let mut applications = Vec::new();
    for code in agencies.keys() {
        asn_applications(store, code, &mut applications).await?;
    }
    let services = asn_public_services(store).await?;
    Ok(Launchpad {
        entries: entries(&applications, &services),
        agencies,
    })
}

fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().flat_map(|p| split_words(p)).collect()
}

/// The entries of applications (retired ones left out) and public services, with their tasks.
pub fn entries(applications: &[Application], services: &[PublicService]) -> Vec<Entry> {
    let mut out = Vec::new();
    for s in services {
        let task = s.spec.topics.first().map_or(OTHER, Code::as_str).to_owned();
        let names = s
            .spec
            .applications
            .iter()
            .map(|code| {
                applications
                    .iter()
                    .find(|a| a.agency == s.agency && a.spec.code == *code)
                    .map_or_else(|| code.to_string(), |a| a.spec.name.as_str().to_owned())
            })
            .collect();
        out.push(Entry {
            kind: Kind::Service,
            agency: s.agency.clone(),
            name: s.spec.name.as_str().to_owned(),
            description: s.spec.description.as_str().to_owned(),
            task,
            url: s.spec.online_url.as_ref().map(|u| u.as_str().to_owned()),
            contact: String::new(),
            office: s.spec.office_address.as_str().to_owned(),
            applications: names,
            sample: s.spec.sample,
            words: words(&[
                s.spec.name.as_str(),
                s.spec.description.as_str(),
                s.spec.code.as_str(),
            ]),
        });
    }
    for a in applications {
        if a.spec.lifecycle.stage == LifecycleStage::EndOfLife {
            continue;
        }
        let task = services
            .iter()
            .filter(|s| s.agency == a.agency && s.spec.applications.contains(&a.spec.code))
            .find_map(|s| s.spec.topics.first())
            .map_or(OTHER, Code::as_str)
            .to_owned();
        let contact = [a.spec.technical_contact.as_str(), a.spec.business_owner.as_str()]
            .into_iter()
            .find(|c| !c.is_empty())
            .unwrap_or_default()
            .to_owned();
        out.push(Entry {
            kind: Kind::Application,
            agency: a.agency.clone(),
            name: a.spec.name.as_str().to_owned(),
            description: a.spec.description.as_str().to_owned(),
            task,
            // A web application opens through Wadah, already signed in (`crate::webapp`).
            url: if a.spec.web_upstream.is_some() {
                Some(crate::webapp::href(&a.agency, &a.spec.code))
            } else {
                a.spec.url.as_ref().map(|u| u.as_str().to_owned())
            },
            contact,
            office: String::new(),
            applications: Vec::new(),
            sample: a.spec.sample,
            words: words(&[
                a.spec.name.as_str(),
                a.spec.description.as_str(),
                a.spec.code.as_str(),
            ]),
        });
    }
    out
}

/// What the reader asked to see.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Every word must begin a word of the entry's name, description or code.
    pub query: String,
    pub agency: Option<Code>,
    pub task: Option<String>,
}

impl Filter {
    fn admits(&self, e: &Entry) -> bool {
        let query = split_words(&self.query);
        self.agency.as_ref().is_none_or(|a| *a == e.agency)
            && self.task.as_ref().is_none_or(|t| *t == e.task)
            && query
                .iter()
                .all(|q| e.words.iter().any(|w| w.starts_with(q.as_str())))
    }
}

/// Where a task's group comes in the page.
fn task_rank(task: &str) -> (usize, String) {
    match TASK_ORDER.iter().position(|t| *t == task) {
        Some(i) => (i, String::new()),
        None if task == OTHER => (TASK_ORDER.len() + 1, String::new()),
        None => (TASK_ORDER.len(), task.to_owned()),
    }
}

/// The admitted entries by task (tasks in [`TASK_ORDER`], then others, then [`OTHER`]);
/// within a task the reader's own agency first, then by agency, services before
/// applications, then by name.
pub fn grouped<'a>(
    launchpad: &'a Launchpad,
    filter: &Filter,
    own: Option<&Code>,
) -> Vec<(String, Vec<&'a Entry>)> {
    let mut groups: BTreeMap<(usize, String), (String, Vec<&Entry>)> = BTreeMap::new();
    for e in launchpad.entries.iter().filter(|e| filter.admits(e)) {
        groups
            .entry(task_rank(&e.task))
            .or_insert_with(|| (e.task.clone(), Vec::new()))
            .1
            .push(e);
    }
    let mut out: Vec<_> = groups.into_values().collect();
    for (_, entries) in &mut out {
        entries.sort_by(|a, b| {
            let key = |e: &Entry| {
                (
                    own != Some(&e.agency),
                    e.agency.clone(),
                    e.kind,
                    e.name.to_lowercase(),
                )
            };
            key(a).cmp(&key(b))
        });
    }
    out
}

/// The tasks present, in page order (for the filter's choices).
pub fn tasks(launchpad: &Launchpad) -> Vec<String> {
    let mut tasks: Vec<&str> = launchpad.entries.iter().map(|e| e.task.as_str()).collect();
    tasks.sort_by_key(|t| task_rank(t));
    tasks.dedup();
    tasks.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn app(agency: &str, code: &str) -> Application {
        serde_json::from_value(json!({
            "agency": agency, "code": code, "name": format!("Aplikasi {code}"), "kind": "khusus",
            "lifecycle": {"stage": "active"}, "audience": "asn",
            "meta": {"version": 1, "created_at": "2026-01-01T00:00:00Z", "created_by": "t",
                "updated_at": "2026-01-01T00:00:00Z", "updated_by": "t"}
        }))
        .unwrap()
    }

    fn service(agency: &str, code: &str, topics: &[&str], apps: &[&str]) -> PublicService {
        serde_json::from_value(json!({
            "agency": agency, "code": code, "name": format!("Layanan {code}"), "audience": "asn",
            "topics": topics, "applications": apps,
            "meta": {"version": 1, "created_at": "2026-01-01T00:00:00Z", "created_by": "t",
                "updated_at": "2026-01-01T00:00:00Z", "updated_by": "t"}
        }))
        .unwrap()
    }

    #[test]
    fn applications_take_the_task_of_the_service_they_realise_and_own_agency_comes_first() {
        let apps = [
            app("bpsdm", "presensi"),
            app("dinsos", "absen"),
            app("bpsdm", "lain"),
        ];
        let services = [
            service("bpsdm", "hadir", &["kehadiran"], &["presensi"]),
            service("dinsos", "hadir-dinsos", &["kehadiran"], &["absen"]),
            service("bpsdm", "gaji", &["keuangan"], &[]),
        ];
        let pad = Launchpad {
            entries: entries(&apps, &services),
            agencies: BTreeMap::new(),
        };
        let dinsos = Code::parse("dinsos").unwrap();
        let groups = grouped(&pad, &Filter::default(), Some(&dinsos));
        let tasks: Vec<&str> = groups.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tasks, ["kehadiran", "keuangan", OTHER]);
        let attendance: Vec<&str> = groups[0].1.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            attendance,
            [
                "Layanan hadir-dinsos",
                "Aplikasi absen",
                "Layanan hadir",
                "Aplikasi presensi"
            ]
        );
        let filter = Filter {
            query: "PRESEN".into(),
            ..Filter::default()
        };
        let found = grouped(&pad, &filter, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1[0].name, "Aplikasi presensi");
    }

    #[test]
    fn web_applications_open_through_wadah_signed_in() {
        let mut legacy = app("bpsdm", "e-cuti");
        legacy.spec.url =
            Some(wadah_domain::application::WebUrl::parse("url", "https://cuti.example/").unwrap());
        legacy.spec.web_upstream = Some(
            wadah_domain::application::WebUrl::parse("web_upstream", "http://10.0.0.7:8080/cuti").unwrap(),
        );
        let plain = app("bpsdm", "presensi");
        let all = entries(&[legacy, plain], &[]);
        let url = |name: &str| all.iter().find(|e| e.name == name).unwrap().url.clone();
        assert_eq!(url("Aplikasi e-cuti").as_deref(), Some("/app/bpsdm/e-cuti/"));
        assert_eq!(url("Aplikasi presensi"), None);
    }
}

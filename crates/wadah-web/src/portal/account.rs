//! The signed-in part of the shared frame: which links a person gets on the staff portal and
//! the developer portal, by role, so both portals show the same navigation and sign-out form.
//! Who may actually do what is still decided by the handlers behind the links.

use wadah_domain::user::Role;

use super::i18n::Lang;
use super::layout::{Account, AccountLink};
use crate::session::SignedIn;

/// Where the signed-in developer pages live.
pub const MY_REQUESTS: &str = "/developer/permohonan";
pub const MY_APPLICATIONS: &str = "/developer/aplikasi";

/// Whether the person asks for access and manages credentials for applications.
pub fn acts_for_applications(who: &SignedIn) -> bool {
    matches!(
        who.principal.role,
        Role::Developer | Role::AgencyAdmin | Role::PlatformAdmin
    )
}

/// The frame's account part; `new_decisions` is the badge on "my requests" (0: none).
pub fn account(lang: Lang, here: &str, who: &SignedIn, new_decisions: usize) -> Account {
    let path = here.split('?').next().unwrap_or(here);
    let mut links = vec![("/asn", "staff-nav", None)];
    if acts_for_applications(who) {
        let badge = (new_decisions > 0).then(|| lang.t_count("dev-new-decisions", new_decisions));
        links.push((MY_REQUESTS, "dev-nav-requests", badge));
        links.push((MY_APPLICATIONS, "dev-nav-applications", None));
    }
    if who.principal.administers() {
        links.push(("/console", "console-name", None));
    }
    Account {
        name: who.display_name.clone(),
        csrf: who.csrf_token().to_owned(),
        links: links
            .into_iter()
            .map(|(href, key, badge)| AccountLink {
                href: href.to_owned(),
                label: lang.t(key),
                current: path == href || path.starts_with(&format!("{href}/")),
                badge,
            })
            .collect(),
    }
}

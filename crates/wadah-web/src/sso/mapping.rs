//! From a provider's claims to a Wadah role and agency, by configuration only.
//!
//! - Groups: the claim named by `groups_claim` (a string or a list of strings, as Keycloak's
//!   group mapper sends it) is matched against `group_roles`; of the roles matched, the one
//!   with most power wins (a person in both "auditors" and "admins" is an admin).
//! - Agency: the claim named by `agency_claim` holding an agency code, else `default_agency`.
//! - Least privilege: nothing matched gives `staff`, which administers nothing; a role that
//!   needs an agency (agency admin) without a valid one also falls back to `staff`. Developers
//!   are bound to one application, which no claim names, so no group maps to them.

use serde_json::{Map, Value};
use wadah_domain::Code;
use wadah_domain::user::Role;

/// Group names read from one token at most (a token is not a directory).
const MAX_GROUPS: usize = 256;

/// A provider's claim mapping (see the module docs).
#[derive(Debug, Clone)]
pub struct Mapping {
    pub groups_claim: Option<String>,
    /// Group name → role, in configuration order.
    pub group_roles: Vec<(String, Role)>,
    pub agency_claim: Option<String>,
    pub default_agency: Option<Code>,
    /// Apply the mapping again at every login (the provider is the authority), or only when
    /// the user is created (administrators then manage the role in Wadah).
    pub update_on_login: bool,
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            groups_claim: None,
            group_roles: Vec::new(),
            agency_claim: None,
            default_agency: None,
            update_on_login: true,
        }
    }
}

/// The role and agency a login maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub role: Role,
    pub agency: Option<Code>,
}

/// Whether a role can be given by a mapping.
pub fn mappable(role: Role) -> bool {
    !matches!(role, Role::Developer)
}

fn power(role: Role) -> u8 {
    match role {
        Role::PlatformAdmin => 5,
        Role::AgencyAdmin => 4,
        Role::Evaluator => 3,
        Role::Auditor => 2,
        Role::Developer | Role::Staff => 1,
    }
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().take(MAX_GROUPS).filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

impl Mapping {
    pub fn map(&self, claims: &Map<String, Value>) -> Mapped {
        let groups = strings(self.groups_claim.as_ref().and_then(|c| claims.get(c)));
        let role = self
            .group_roles
            .iter()
            .filter(|(group, role)| mappable(*role) && groups.contains(&group.as_str()))
            .map(|(_, role)| *role)
            .max_by_key(|role| power(*role))
            .unwrap_or(Role::Staff);
        let agency = self
            .agency_claim
            .as_ref()
            .and_then(|c| claims.get(c))
            .and_then(Value::as_str)
            .and_then(|raw| Code::parse(raw).ok())
            .or_else(|| self.default_agency.clone());
        fit(role, agency)
    }
}

/// The role with an agency it can hold: platform admins hold none; an agency admin without
/// one is only staff.
pub fn fit(role: Role, agency: Option<Code>) -> Mapped {
    match role {
        Role::PlatformAdmin => Mapped { role, agency: None },
        Role::AgencyAdmin if agency.is_none() => Mapped {
            role: Role::Staff,
            agency: None,
        },
        Role::Developer => Mapped {
            role: Role::Staff,
            agency,
        },
        _ => Mapped { role, agency },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapping() -> Mapping {
        Mapping {
            groups_claim: Some("groups".into()),
            group_roles: vec![
                ("/wadah/auditor".into(), Role::Auditor),
                ("/wadah/admin-instansi".into(), Role::AgencyAdmin),
                ("/wadah/admin".into(), Role::PlatformAdmin),
                ("/wadah/dev".into(), Role::Developer),
            ],
            agency_claim: Some("instansi".into()),
            default_agency: None,
            update_on_login: true,
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn unknown_people_get_the_least_privilege() {
        let m = mapping();
        for c in [
            json!({}),
            json!({"groups": []}),
            json!({"groups": ["/other"]}),
            json!({"groups": 42}),
            json!({"groups": "/wadah/dev"}),
            json!({"role": "platform_admin", "wadah_role": "platform_admin"}),
        ] {
            assert_eq!(m.map(&claims(c.clone())).role, Role::Staff, "{c}");
        }
        assert_eq!(
            Mapping::default()
                .map(&claims(json!({"groups": ["/wadah/admin"]})))
                .role,
            Role::Staff
        );
    }

    #[test]
    fn the_most_powerful_matched_group_wins_and_agency_roles_need_an_agency() {
        let m = mapping();
        let got = m.map(&claims(
            json!({"groups": ["/wadah/auditor", "/wadah/admin"], "instansi": "bpsdm"}),
        ));
        assert_eq!(
            got,
            Mapped {
                role: Role::PlatformAdmin,
                agency: None
            }
        );
        let got = m.map(&claims(
            json!({"groups": ["/wadah/admin-instansi"], "instansi": "bpsdm"}),
        ));
        assert_eq!(got.role, Role::AgencyAdmin);
        assert_eq!(got.agency.unwrap().as_str(), "bpsdm");
        for c in [
            json!({"groups": ["/wadah/admin-instansi"]}),
            json!({"groups": ["/wadah/admin-instansi"], "instansi": "Not A Code!"}),
            json!({"groups": ["/wadah/admin-instansi"], "instansi": ["bpsdm"]}),
        ] {
            assert_eq!(m.map(&claims(c.clone())).role, Role::Staff, "{c}");
        }
        let with_default = Mapping {
            default_agency: Some(Code::parse("diskominfo").unwrap()),
            ..mapping()
        };
        let got = with_default.map(&claims(json!({"groups": "/wadah/admin-instansi"})));
        assert_eq!(
            (got.role, got.agency.unwrap().as_str().to_owned()),
            (Role::AgencyAdmin, "diskominfo".into())
        );
    }
}

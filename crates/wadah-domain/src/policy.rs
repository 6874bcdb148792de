//! The authorisation policy of the administration (DESIGN.md §4.6), as pure functions of the
//! signed-in [`Principal`]. The web layer asks these questions before every read and write and
//! narrows every list to [`Principal::agency_scope`]; nothing else decides who may do what.

use crate::Code;
use crate::user::Role;

/// Who is calling, as far as authorisation cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub username: String,
    pub role: Role,
    pub agency: Option<Code>,
    pub application: Option<Code>,
}

/// The agencies whose objects a principal may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyScope {
    All,
    One(Code),
}

impl AgencyScope {
    pub fn includes(&self, agency: &Code) -> bool {
        match self {
            Self::All => true,
            Self::One(own) => own == agency,
        }
    }

    pub fn agency(&self) -> Option<&Code> {
        match self {
            Self::All => None,
            Self::One(a) => Some(a),
        }
    }
}

/// Which exchanges of the evidence log a principal may search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    /// Every exchange (platform admin, platform-wide auditor).
    All,
    /// Exchanges where the agency is the consumer or the provider.
    Agency(Code),
    /// Exchanges where the application is the consumer or the provider.
    Application(Code, Code),
}

impl Principal {
    /// The exchanges this principal may search in the evidence index; `None`: none at all
    /// (evaluators read the architecture and index, not traffic).
    pub fn audit_scope(&self) -> Option<AuditScope> {
        match (&self.role, &self.agency, &self.application) {
            (Role::PlatformAdmin, _, _) | (Role::Auditor, None, _) => Some(AuditScope::All),
            (Role::Auditor | Role::AgencyAdmin, Some(a), _) => Some(AuditScope::Agency(a.clone())),
            (Role::Developer, Some(a), Some(app)) => Some(AuditScope::Application(a.clone(), app.clone())),
            _ => None,
        }
    }

    pub fn agency_scope(&self) -> AgencyScope {
        match (&self.role, &self.agency) {
            (Role::PlatformAdmin, _) | (_, None) => AgencyScope::All,
            (_, Some(agency)) => AgencyScope::One(agency.clone()),
        }
    }

    /// Whether this principal may use the admin API and the console at all. Staff (ASN) may
    /// not: every check below also says no for them, and the web layer refuses them at the door.
    pub fn administers(&self) -> bool {
        self.role != Role::Staff
    }

    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::PlatformAdmin
    }

    pub fn can_read_agency(&self, agency: &Code) -> bool {
        self.administers() && self.agency_scope().includes(agency)
    }

    /// Create, change or delete the agency's applications, services, public services, rights,
    /// and decide requests addressed to it.
    pub fn can_write_agency(&self, agency: &Code) -> bool {
        match self.role {
            Role::PlatformAdmin => true,
            Role::AgencyAdmin => self.agency.as_ref() == Some(agency),
            _ => false,
        }
    }

    /// Manage one application's credentials and ask for access on its behalf.
    pub fn can_act_for_application(&self, agency: &Code, application: &Code) -> bool {
        self.can_write_agency(agency)
            || (self.role == Role::Developer
                && self.agency.as_ref() == Some(agency)
                && self.application.as_ref() == Some(application))
    }

    /// Create and change agencies and governments: the platform operator only.
    pub fn can_manage_platform(&self) -> bool {
        self.is_platform_admin()
    }

    /// Manage users of `agency` (`None`: users without an agency, i.e. platform-wide roles).
    pub fn can_manage_users_of(&self, agency: Option<&Code>) -> bool {
        match agency {
            None => self.is_platform_admin(),
            Some(a) => self.can_write_agency(a),
        }
    }

    /// See the accounts of users of `agency` (`None`: platform-wide users): their managers, and
    /// auditors and evaluators within their scope. Everyone may see their own account.
    pub fn can_read_users_of(&self, agency: Option<&Code>) -> bool {
        let reader = matches!(self.role, Role::Auditor | Role::Evaluator);
        self.can_manage_users_of(agency)
            || (reader
                && match agency {
                    None => self.agency_scope() == AgencyScope::All,
                    Some(a) => self.can_read_agency(a),
                })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_evidence_index_is_narrowed_by_role() {
        let code = |c: &str| Code::parse(c).unwrap();
        assert_eq!(
            who(Role::PlatformAdmin, None, None).audit_scope(),
            Some(AuditScope::All)
        );
        assert_eq!(
            who(Role::Auditor, None, None).audit_scope(),
            Some(AuditScope::All)
        );
        assert_eq!(
            who(Role::Auditor, Some("bpsdm"), None).audit_scope(),
            Some(AuditScope::Agency(code("bpsdm")))
        );
        assert_eq!(
            who(Role::AgencyAdmin, Some("bpsdm"), None).audit_scope(),
            Some(AuditScope::Agency(code("bpsdm")))
        );
        assert_eq!(
            who(Role::Developer, Some("bpsdm"), Some("simpeg")).audit_scope(),
            Some(AuditScope::Application(code("bpsdm"), code("simpeg")))
        );
        assert_eq!(who(Role::Developer, Some("bpsdm"), None).audit_scope(), None);
        assert_eq!(who(Role::AgencyAdmin, None, None).audit_scope(), None);
        assert_eq!(who(Role::Evaluator, None, None).audit_scope(), None);
    }

    #[test]
    fn staff_administer_nothing_even_in_their_own_agency() {
        let bpsdm = Code::parse("bpsdm").unwrap();
        for staff in [
            who(Role::Staff, Some("bpsdm"), None),
            who(Role::Staff, None, None),
        ] {
            assert!(!staff.administers());
            assert!(!staff.can_read_agency(&bpsdm));
            assert!(!staff.can_write_agency(&bpsdm));
            assert!(!staff.can_act_for_application(&bpsdm, &Code::parse("simpeg").unwrap()));
            assert!(!staff.can_manage_platform());
            assert!(!staff.can_read_users_of(None));
            assert!(!staff.can_read_users_of(Some(&bpsdm)));
            assert_eq!(staff.audit_scope(), None);
        }
        assert!(who(Role::Auditor, None, None).administers());
    }

    fn who(role: Role, agency: Option<&str>, app: Option<&str>) -> Principal {
        Principal {
            username: "x".into(),
            role,
            agency: agency.map(|a| Code::parse(a).unwrap()),
            application: app.map(|a| Code::parse(a).unwrap()),
        }
    }

    #[test]
    fn an_agency_admin_reaches_only_their_own_agency() {
        let bpsdm = Code::parse("bpsdm").unwrap();
        let dinsos = Code::parse("dinsos").unwrap();
        let admin = who(Role::AgencyAdmin, Some("bpsdm"), None);
        assert!(admin.can_read_agency(&bpsdm) && admin.can_write_agency(&bpsdm));
        assert!(!admin.can_read_agency(&dinsos) && !admin.can_write_agency(&dinsos));
        assert!(!admin.can_manage_platform());
        assert!(!admin.can_manage_users_of(None));
    }

    #[test]
    fn readers_never_write_and_developers_act_only_for_their_application() {
        let bpsdm = Code::parse("bpsdm").unwrap();
        let simpeg = Code::parse("simpeg").unwrap();
        let presensi = Code::parse("presensi").unwrap();
        for reader in [who(Role::Auditor, None, None), who(Role::Evaluator, None, None)] {
            assert!(reader.can_read_agency(&bpsdm));
            assert!(!reader.can_write_agency(&bpsdm));
            assert!(!reader.can_act_for_application(&bpsdm, &simpeg));
        }
        let dev = who(Role::Developer, Some("bpsdm"), Some("simpeg"));
        assert!(dev.can_act_for_application(&bpsdm, &simpeg));
        assert!(!dev.can_act_for_application(&bpsdm, &presensi));
        assert!(!dev.can_write_agency(&bpsdm));
        let boss = who(Role::PlatformAdmin, None, None);
        assert!(boss.can_write_agency(&bpsdm) && boss.can_manage_platform());
    }

    #[test]
    fn user_accounts_are_seen_by_their_managers_and_by_readers_in_scope() {
        let bpsdm = Code::parse("bpsdm").unwrap();
        let dinsos = Code::parse("dinsos").unwrap();
        let admin = who(Role::AgencyAdmin, Some("bpsdm"), None);
        assert!(admin.can_read_users_of(Some(&bpsdm)));
        assert!(!admin.can_read_users_of(Some(&dinsos)) && !admin.can_read_users_of(None));
        let dev = who(Role::Developer, Some("bpsdm"), Some("simpeg"));
        assert!(!dev.can_read_users_of(Some(&bpsdm)));
        let auditor = who(Role::Auditor, None, None);
        assert!(auditor.can_read_users_of(Some(&dinsos)) && auditor.can_read_users_of(None));
        let local_auditor = who(Role::Auditor, Some("bpsdm"), None);
        assert!(local_auditor.can_read_users_of(Some(&bpsdm)));
        assert!(!local_auditor.can_read_users_of(Some(&dinsos)) && !local_auditor.can_read_users_of(None));
    }
}

//! Architecture elements: one type for the six SPBE domains plus the RPJMD goals and the
//! roadmap items, because they share everything that matters to an architect (a code, an
//! owner, a reference code, a parent, relations to the others) and differ only in a few facts,
//! kept in [`Details`]. One shape also maps one-to-one onto an ArchiMate element.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::period::Period;
use super::period::Year;
use super::reference::Family;
use super::roadmap::{BudgetLine, RoadmapPart, RoadmapStatus};
use crate::application::{LifecycleStage, RefCode};
use crate::text::{Description, Line, Name};
use crate::{Code, Meta, ValidationError};

/// Most budget lines and gap notes one roadmap item may carry.
pub const MAX_LIST_ITEMS: usize = 50;

/// What an element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    BusinessProcess,
    DataSet,
    Service,
    Application,
    Infrastructure,
    SecurityControl,
    Goal,
    RoadmapItem,
}

impl ElementKind {
    pub const ALL: [ElementKind; 8] = [
        Self::BusinessProcess,
        Self::DataSet,
        Self::Service,
        Self::Application,
        Self::Infrastructure,
        Self::SecurityControl,
        Self::Goal,
        Self::RoadmapItem,
    ];

    /// The six SPBE architecture domains (goals and roadmap items are not domains).
    pub const DOMAINS: [ElementKind; 6] = [
        Self::BusinessProcess,
        Self::DataSet,
        Self::Service,
        Self::Application,
        Self::Infrastructure,
        Self::SecurityControl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BusinessProcess => "business_process",
            Self::DataSet => "data_set",
            Self::Service => "service",
            Self::Application => "application",
            Self::Infrastructure => "infrastructure",
            Self::SecurityControl => "security_control",
            Self::Goal => "goal",
            Self::RoadmapItem => "roadmap_item",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The reference family whose codes this kind carries (`None`: no reference code).
    pub fn family(self) -> Option<Family> {
        match self {
            Self::BusinessProcess => Some(Family::Rab),
            Self::DataSet => Some(Family::Rad),
            Self::Service => Some(Family::Ral),
            Self::Application => Some(Family::Raa),
            Self::Infrastructure => Some(Family::Rai),
            Self::SecurityControl => Some(Family::Rak),
            Self::Goal | Self::RoadmapItem => None,
        }
    }

    /// The domain's name in SPBE documents (organisation folders, reports).
    pub fn label(self) -> &'static str {
        match self {
            Self::BusinessProcess => "Proses Bisnis",
            Self::DataSet => "Data dan Informasi",
            Self::Service => "Layanan",
            Self::Application => "Aplikasi",
            Self::Infrastructure => "Infrastruktur",
            Self::SecurityControl => "Keamanan",
            Self::Goal => "Tujuan RPJMD",
            Self::RoadmapItem => "Peta Rencana",
        }
    }
}

/// Security classification of a data set (Perpres 39/2019, UU 14/2008).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Terbuka,
    Terbatas,
    Rahasia,
}

/// Who a service (RAL) is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceArea {
    /// Layanan publik (RAL.01).
    Public,
    /// Layanan administrasi pemerintahan (RAL.02).
    Administration,
}

impl ServiceArea {
    fn as_words(self) -> &'static str {
        match self {
            Self::Public => "public service",
            Self::Administration => "government administration service",
        }
    }

    fn ref_prefix(self) -> &'static str {
        match self {
            Self::Public => "RAL.01",
            Self::Administration => "RAL.02",
        }
    }
}

/// How well an application fits, technically or functionally (portfolio tools' four steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    Poor,
    Insufficient,
    Adequate,
    Excellent,
}

impl Fit {
    fn is_good(self) -> bool {
        self >= Self::Adequate
    }
}

/// Gartner's TIME disposition of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Tolerate,
    Invest,
    Migrate,
    Eliminate,
}

impl Disposition {
    /// The quadrant the two fits point to: functional fit is business value, technical fit
    /// is technical quality. A disposition that differs is a decision worth a sentence.
    pub fn suggested(technical: Fit, functional: Fit) -> Self {
        match (technical.is_good(), functional.is_good()) {
            (true, true) => Self::Invest,
            (false, true) => Self::Migrate,
            (true, false) => Self::Tolerate,
            (false, false) => Self::Eliminate,
        }
    }
}

/// What a piece of infrastructure (RAI) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InfraCategory {
    DataCentre,
    Network,
    Server,
    Cloud,
}

/// Where a security control (RAK) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Planned,
    Partial,
    Implemented,
    NotApplicable,
}

/// The levels of the RPJMD's goal tree, top down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalLevel {
    Misi,
    Tujuan,
    Sasaran,
    Indikator,
}

impl GoalLevel {
    /// The level a parent must have (`None`: a misi is a root).
    pub fn parent_level(self) -> Option<Self> {
        match self {
            Self::Misi => None,
            Self::Tujuan => Some(Self::Misi),
            Self::Sasaran => Some(Self::Tujuan),
            Self::Indikator => Some(Self::Sasaran),
        }
    }
}

/// The facts only one kind of element has. `kind` names the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Details {
    BusinessProcess,
    DataSet {
        classification: Classification,
        /// The producing agency (*produsen data*).
        producer: Code,
        /// The data steward (*walidata*): a unit, not a person.
        #[serde(default)]
        walidata: Line,
    },
    Service {
        area: ServiceArea,
    },
    Application {
        /// The registry application this element describes (same agency), if registered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        application: Option<Code>,
        lifecycle: LifecycleStage,
        technical_fit: Fit,
        functional_fit: Fit,
        disposition: Disposition,
    },
    Infrastructure {
        category: InfraCategory,
    },
    SecurityControl {
        status: ControlStatus,
    },
    Goal {
        level: GoalLevel,
        /// For an indicator: the target value, e.g. `85 %`.
        #[serde(default)]
        target: Line,
    },
    RoadmapItem {
        part: RoadmapPart,
        status: RoadmapStatus,
        first_year: Year,
        last_year: Year,
        /// Cost per year (integer rupiah).
        #[serde(default)]
        budget: Vec<BudgetLine>,
        /// The gaps the item closes, in words.
        #[serde(default)]
        gaps: Vec<Line>,
    },
}

impl Details {
    pub fn kind(&self) -> ElementKind {
        match self {
            Self::BusinessProcess => ElementKind::BusinessProcess,
            Self::DataSet { .. } => ElementKind::DataSet,
            Self::Service { .. } => ElementKind::Service,
            Self::Application { .. } => ElementKind::Application,
            Self::Infrastructure { .. } => ElementKind::Infrastructure,
            Self::SecurityControl { .. } => ElementKind::SecurityControl,
            Self::Goal { .. } => ElementKind::Goal,
            Self::RoadmapItem { .. } => ElementKind::RoadmapItem,
        }
    }
}

/// An element as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementSpec {
    /// Unique within the agency and period.
    pub code: Code,
    pub name: Name,
    #[serde(default)]
    pub description: Description,
    /// A reference code of the family the kind names (`RAB` for processes…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "RAB.04.02.01")]
    pub ref_code: Option<RefCode>,
    /// The element above this one (a parent process, a goal's parent), same agency and period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Code>,
    /// The accountable unit (not a person). Empty: an orphan the analyses point out.
    #[serde(default)]
    pub owner: Line,
    pub details: Details,
}

impl ElementSpec {
    pub fn kind(&self) -> ElementKind {
        self.details.kind()
    }

    /// The rules one element keeps on its own; `period` bounds a roadmap item's years.
    pub fn validate(&self, period: Period) -> Result<(), ValidationError> {
        self.check_ref_code()?;
        if self.parent.as_ref() == Some(&self.code) {
            return Err(ValidationError::new(
                "parent",
                "an element cannot be its own parent",
            ));
        }
        match &self.details {
            Details::Goal { level, .. } => {
                if level.parent_level().is_none() && self.parent.is_some() {
                    return Err(ValidationError::new(
                        "parent",
                        "a misi is the top of the goal tree",
                    ));
                }
                if level.parent_level().is_some() && self.parent.is_none() {
                    return Err(ValidationError::new(
                        "parent",
                        "a tujuan, sasaran or indikator names the goal it serves as parent",
                    ));
                }
                Ok(())
            }
            Details::RoadmapItem {
                first_year,
                last_year,
                budget,
                gaps,
                ..
            } => super::roadmap::check_item(period, *first_year, *last_year, budget, gaps),
            _ => Ok(()),
        }
    }

    fn check_ref_code(&self) -> Result<(), ValidationError> {
        let Some(code) = &self.ref_code else {
            return Ok(());
        };
        let kind = self.kind();
        match kind.family() {
            None => Err(ValidationError::new(
                "ref_code",
                format!("a {} carries no reference code", kind.as_str()),
            )),
            Some(f) if f != code.family() => Err(ValidationError::new(
                "ref_code",
                format!(
                    "a {} is coded in {} (got {})",
                    kind.as_str(),
                    f.as_str(),
                    code.as_str()
                ),
            )),
            Some(_) => match &self.details {
                Details::Service { area } if !is_under(code, area.ref_prefix()) => Err(ValidationError::new(
                    "ref_code",
                    format!("a {} is coded under {}", area.as_words(), area.ref_prefix()),
                )),
                _ => Ok(()),
            },
        }
    }

    /// Checks that `parent` (same agency and period) may sit above this element.
    pub fn check_parent(&self, parent: &ElementSpec) -> Result<(), ValidationError> {
        if parent.kind() != self.kind() {
            return Err(ValidationError::new(
                "parent",
                format!(
                    "the parent of a {} is a {}",
                    self.kind().as_str(),
                    self.kind().as_str()
                ),
            ));
        }
        if let (Details::Goal { level, .. }, Details::Goal { level: above, .. }) =
            (&self.details, &parent.details)
            && level.parent_level() != Some(*above)
        {
            return Err(ValidationError::new(
                "parent",
                format!(
                    "a {level:?} sits under a {:?}",
                    level.parent_level().unwrap_or(*level)
                )
                .to_lowercase(),
            ));
        }
        Ok(())
    }
}

fn is_under(code: &RefCode, prefix: &str) -> bool {
    code.as_str() == prefix || code.as_str().starts_with(&format!("{prefix}."))
}

/// Where an element lives: agency, period and code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
pub struct ElementKey {
    pub agency: Code,
    #[schema(value_type = String, example = "2025-2029")]
    pub period: Period,
    pub code: Code,
}

impl std::fmt::Display for ElementKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.period, self.agency, self.code)
    }
}

/// A stored element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Element {
    pub agency: Code,
    #[schema(value_type = String, example = "2025-2029")]
    pub period: Period,
    #[serde(flatten)]
    pub spec: ElementSpec,
    pub meta: Meta,
}

impl Element {
    pub fn key(&self) -> ElementKey {
        ElementKey {
            agency: self.agency.clone(),
            period: self.period,
            code: self.spec.code.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(code: &str, ref_code: Option<&str>) -> ElementSpec {
        ElementSpec {
            code: Code::parse(code).unwrap(),
            name: Name::parse("Penyaluran bantuan sosial").unwrap(),
            description: Description::default(),
            ref_code: ref_code.map(|r| RefCode::parse("ref_code", r).unwrap()),
            parent: None,
            owner: Line::default(),
            details: Details::BusinessProcess,
        }
    }

    fn period() -> Period {
        Period::parse("2025-2029").unwrap()
    }

    #[test]
    fn reference_codes_must_be_of_the_kinds_family() {
        assert!(process("bansos", Some("RAB.04.02")).validate(period()).is_ok());
        let err = process("bansos", Some("RAA.02.01"))
            .validate(period())
            .unwrap_err();
        assert_eq!(err.field, "ref_code");
        assert!(err.message.contains("RAB"), "{err}");
    }

    #[test]
    fn a_public_service_is_coded_under_ral_01() {
        let mut s = process("pengaduan", Some("RAL.02"));
        s.details = Details::Service {
            area: ServiceArea::Public,
        };
        assert!(s.validate(period()).is_err());
        s.ref_code = RefCode::parse("ref_code", "RAL.01.01").ok();
        assert!(s.validate(period()).is_ok());
    }

    #[test]
    fn goal_trees_go_misi_tujuan_sasaran_indikator() {
        let goal = |code: &str, level| {
            let mut g = process(code, None);
            g.details = Details::Goal {
                level,
                target: Line::default(),
            };
            g
        };
        let misi = goal("misi-1", GoalLevel::Misi);
        let mut tujuan = goal("tujuan-1", GoalLevel::Tujuan);
        assert!(tujuan.validate(period()).is_err(), "a tujuan needs a parent");
        tujuan.parent = Code::parse("misi-1").ok();
        assert!(tujuan.validate(period()).is_ok());
        assert!(tujuan.check_parent(&misi).is_ok());
        let sasaran = goal("sasaran-1", GoalLevel::Sasaran);
        assert!(
            sasaran.check_parent(&misi).is_err(),
            "a sasaran sits under a tujuan"
        );
        assert!(sasaran.check_parent(&process("p1", None)).is_err());
    }

    #[test]
    fn time_quadrants_follow_the_two_fits() {
        use Fit::*;
        assert_eq!(Disposition::suggested(Excellent, Adequate), Disposition::Invest);
        assert_eq!(Disposition::suggested(Poor, Excellent), Disposition::Migrate);
        assert_eq!(
            Disposition::suggested(Adequate, Insufficient),
            Disposition::Tolerate
        );
        assert_eq!(Disposition::suggested(Insufficient, Poor), Disposition::Eliminate);
    }

    #[test]
    fn details_are_tagged_by_kind_and_refuse_unknown_fields() {
        let d: Details = serde_json::from_str(
            r#"{"kind":"data_set","classification":"terbatas","producer":"dinsos","walidata":"Bidang Data"}"#,
        )
        .unwrap();
        assert_eq!(d.kind(), ElementKind::DataSet);
        assert!(
            serde_json::from_str::<Details>(
                r#"{"kind":"data_set","classification":"secret","producer":"dinsos"}"#
            )
            .is_err()
        );
        assert!(serde_json::from_str::<Details>(r#"{"kind":"service","area":"public","x":1}"#).is_err());
        for k in ElementKind::ALL {
            assert_eq!(ElementKind::parse(k.as_str()), Some(k));
        }
    }
}

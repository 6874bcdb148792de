//! Who may do what with an assessment. An assessment belongs to a whole government, not to one
//! agency, so agency-scoped roles see none of it:
//!
//! | role (without an agency) | read | claims, evidence, submit/withdraw | evaluator levels, evaluate, finalise, return |
//! |---|---|---|---|
//! | platform admin (Diskominfo) | yes | yes | no |
//! | evaluator | yes | no | yes |
//! | auditor | yes | no | no |
//!
//! Agency admins, developers and agency-scoped auditors or evaluators get nothing: no rule
//! gives one agency the government's self-assessment, and the least-privilege default is to
//! refuse. The platform admin may not set the evaluator's levels, so that the self-assessment
//! and the external one stay two views.

use super::assessment::AssessmentStatus;
use crate::policy::Principal;
use crate::user::Role;

/// What a caller wants to do with an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentAction {
    Read,
    /// Create, claim, add or remove evidence, submit, withdraw.
    Edit,
    /// Evaluator levels and notes, the evaluator's moves.
    Evaluate,
}

impl AssessmentAction {
    /// The action a workflow move belongs to: the government submits and withdraws, the
    /// evaluator returns, evaluates, reopens and finalises.
    pub fn for_move(from: AssessmentStatus, to: AssessmentStatus, principal: &Principal) -> Self {
        use AssessmentStatus::*;
        match (from, to) {
            (Draft, Submitted) => Self::Edit,
            // Withdrawing (government) and returning (evaluator) are the same move.
            (Submitted, Draft) if principal.role == Role::PlatformAdmin => Self::Edit,
            _ => Self::Evaluate,
        }
    }
}

/// Whether `principal` may do `action` with a government's assessment.
pub fn may(principal: &Principal, action: AssessmentAction) -> bool {
    if principal.agency.is_some() {
        return false;
    }
    match action {
        AssessmentAction::Read => matches!(
            principal.role,
            Role::PlatformAdmin | Role::Evaluator | Role::Auditor
        ),
        AssessmentAction::Edit => principal.role == Role::PlatformAdmin,
        AssessmentAction::Evaluate => principal.role == Role::Evaluator,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    fn who(role: Role, agency: Option<&str>) -> Principal {
        Principal {
            username: "u".into(),
            role,
            agency: agency.map(|a| Code::parse(a).unwrap()),
            application: None,
        }
    }

    #[test]
    fn roles_get_exactly_their_part() {
        use AssessmentAction::*;
        let table = [
            (who(Role::PlatformAdmin, None), [true, true, false]),
            (who(Role::Evaluator, None), [true, false, true]),
            (who(Role::Auditor, None), [true, false, false]),
            (who(Role::AgencyAdmin, Some("bpsdm")), [false, false, false]),
            (who(Role::Auditor, Some("bpsdm")), [false, false, false]),
            (who(Role::Evaluator, Some("bpsdm")), [false, false, false]),
            (who(Role::Developer, Some("bpsdm")), [false, false, false]),
        ];
        for (p, expected) in table {
            let got = [may(&p, Read), may(&p, Edit), may(&p, Evaluate)];
            assert_eq!(got, expected, "{:?}", p.role);
        }
    }

    #[test]
    fn withdrawing_is_the_governments_and_returning_the_evaluators() {
        use AssessmentStatus::*;
        let admin = who(Role::PlatformAdmin, None);
        let evaluator = who(Role::Evaluator, None);
        assert_eq!(
            AssessmentAction::for_move(Submitted, Draft, &admin),
            AssessmentAction::Edit
        );
        assert_eq!(
            AssessmentAction::for_move(Submitted, Draft, &evaluator),
            AssessmentAction::Evaluate
        );
        assert_eq!(
            AssessmentAction::for_move(Draft, Submitted, &evaluator),
            AssessmentAction::Edit
        );
        assert_eq!(
            AssessmentAction::for_move(Evaluated, Final, &admin),
            AssessmentAction::Evaluate
        );
    }
}

//! Planning periods and years. The architecture is kept per RPJMD period (five years, e.g.
//! `2025-2029`), so the map of one plan can be compared with the next one's instead of being
//! overwritten; roadmap budget lines are per year inside a period.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ValidationError;

/// The years Wadah accepts: wide enough for any plan, narrow enough to catch typos (`20025`).
const FIRST_YEAR: u16 = 2000;
const LAST_YEAR: u16 = 2100;
/// Longest period: an RPJPD runs twenty years; an RPJMD five.
const MAX_SPAN: u16 = 20;

/// A calendar year between 2000 and 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "u16", into = "u16")]
#[schema(value_type = u16, example = 2026)]
pub struct Year(u16);

impl Year {
    pub fn parse(field: &'static str, year: u16) -> Result<Self, ValidationError> {
        if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
            Ok(Self(year))
        } else {
            Err(ValidationError::new(
                field,
                format!("a year between {FIRST_YEAR} and {LAST_YEAR} (got {year})"),
            ))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Year {
    type Error = ValidationError;
    fn try_from(v: u16) -> Result<Self, Self::Error> {
        Self::parse("year", v)
    }
}

impl From<Year> for u16 {
    fn from(y: Year) -> Self {
        y.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A planning period `YYYY-YYYY` (first and last year included), e.g. the RPJMD `2025-2029`.
/// In OpenAPI schemas it is a string (fields carry `#[schema(value_type = String)]`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    first: Year,
    last: Year,
}

impl Period {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::parse_field("period", raw)
    }

    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let bad = |why: &str| ValidationError::new(field, format!("{why} (got {raw:?})"));
        let (a, b) = raw
            .split_once('-')
            .ok_or_else(|| bad("a period is written YYYY-YYYY, e.g. 2025-2029"))?;
        let year = |s: &str| -> Result<Year, ValidationError> {
            if s.len() != 4 || !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad("a period is written YYYY-YYYY, e.g. 2025-2029"));
            }
            let n: u16 = s.parse().map_err(|_| bad("not a year"))?;
            Year::parse(field, n)
        };
        let (first, last) = (year(a)?, year(b)?);
        if first > last {
            return Err(bad("the first year of a period comes before the last"));
        }
        if last.0 - first.0 >= MAX_SPAN {
            return Err(bad("a period spans at most 20 years"));
        }
        Ok(Self { first, last })
    }

    pub fn first(self) -> Year {
        self.first
    }

    pub fn last(self) -> Year {
        self.last
    }

    pub fn contains(self, year: Year) -> bool {
        self.first <= year && year <= self.last
    }
}

impl TryFrom<String> for Period {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> Self {
        p.to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rpjmd_periods_parse_and_print_back() {
        let p = Period::parse("2025-2029").unwrap();
        assert_eq!(p.to_string(), "2025-2029");
        assert!(p.contains(Year::parse("year", 2027).unwrap()));
        assert!(!p.contains(Year::parse("year", 2030).unwrap()));
    }

    #[test]
    fn malformed_periods_are_refused() {
        for bad in [
            "2025",
            "2029-2025",
            "25-29",
            "2025-20299",
            "1999-2003",
            "2000-2030",
            "2025–2029",
            "",
        ] {
            assert_eq!(Period::parse(bad).unwrap_err().field, "period", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_accepted_period_round_trips(a in 2000u16..=2100, len in 0u16..20) {
            let b = a.saturating_add(len);
            let raw = format!("{a}-{b}");
            match Period::parse(&raw) {
                Ok(p) => prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p),
                Err(_) => prop_assert!(b > 2100),
            }
        }
    }
}
